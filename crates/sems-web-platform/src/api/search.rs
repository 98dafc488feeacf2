//! `/api/v1/search`: the header's search, for clients.

use axum::extract::State;
use axum::Json;
use sems_services::search::FoundGroup;
use sems_web_kit::api::ApiQuery;
use sems_web_kit::error::ApiResult;
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// A number (a report's, finding's, activity's or action's) or words (at least two
    /// characters) of a code, title or text.
    q: String,
}

/// Records the reader may read across modules, by number or by words: a group per kind,
/// each with its total and its first records.
#[utoipa::path(get, path = "/search", tag = "Search", params(SearchQuery),
    responses((status = 200, body = Vec<FoundGroup>)))]
async fn search(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> ApiResult<Json<Vec<FoundGroup>>> {
    Ok(Json(state.services.search(&auth.actor(), &q.q).await?))
}
