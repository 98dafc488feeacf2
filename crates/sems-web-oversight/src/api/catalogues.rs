//! `/api/v1/oversight/catalogues` and `/api/v1/oversight/method`: the catalogues an activity
//! may be scoped on (opened by their party, each answered on a scale), and the authority's
//! oversight method — compliance scales, plan deadlines, EI thresholds and intervals — read
//! by everyone who audits or is audited, published as a new version by its policy officers.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sems_domain::oversight::method::OversightMethod;
use sems_services::oversight::method::OversightMethodView;
use sems_services::oversight::requirements::{CatalogueInput, CatalogueOf};
use sems_services::oversight::views::Catalogue;
use sems_web_kit::api::{ApiJson, ApiPath, ApiQuery};
use sems_web_kit::error::ApiResult;
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(catalogues))
        .routes(routes!(create_catalogue))
        .routes(routes!(set_scale))
        .routes(routes!(method, publish_method))
        .routes(routes!(method_versions))
}

/// The catalogues the reader's activities may be scoped on: the authority's (the national
/// programme first, then those it publishes for a sector) and the reader's organisation's.
#[utoipa::path(get, path = "/oversight/catalogues", tag = "Oversight",
    responses((status = 200, body = Vec<Catalogue>)))]
async fn catalogues(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<Vec<Catalogue>>> {
    Ok(Json(
        state.services.oversight().catalogues(&auth.actor()).await?,
    ))
}

/// Opens a catalogue of the party's, empty until requirements are added or imported
/// (`/parties/{id}/requirements?catalogue=CODE`): the authority's for a sector, or another of
/// an organisation's.
#[utoipa::path(post, path = "/parties/{id}/catalogues", tag = "Oversight",
    params(("id" = i64, Path, description = "The party whose catalogue it is")),
    request_body = CatalogueInput, responses((status = 201, body = Catalogue)))]
async fn create_catalogue(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(party_id): ApiPath<i64>,
    ApiJson(input): ApiJson<CatalogueInput>,
) -> ApiResult<(StatusCode, Json<Catalogue>)> {
    let created = state
        .services
        .oversight()
        .create_catalogue(&auth.actor(), party_id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// A scale of the oversight method.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ScaleBody {
    scale: String,
}

/// Changes the scale a catalogue is answered on: activities planned from now on use it.
#[utoipa::path(put, path = "/parties/{id}/catalogues/{code}/scale", tag = "Oversight",
    params(("id" = i64, Path, description = "The party whose catalogue it is"),
        ("code" = String, Path, description = "The catalogue's code")),
    request_body = ScaleBody, responses((status = 200, body = Catalogue)))]
async fn set_scale(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath((party_id, code)): ApiPath<(i64, String)>,
    ApiJson(body): ApiJson<ScaleBody>,
) -> ApiResult<Json<Catalogue>> {
    Ok(Json(
        state
            .services
            .oversight()
            .set_catalogue_scale(
                &auth.actor(),
                CatalogueOf {
                    party_id,
                    code: Some(&code),
                },
                &body.scale,
            )
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct MethodQuery {
    /// A version (default: the one in force).
    version: Option<i64>,
}

/// The oversight method in force (or `?version=N`): the compliance scales with how EI counts
/// each answer, the plan deadlines per finding level, the EI thresholds and the intervals.
#[utoipa::path(get, path = "/oversight/method", tag = "Oversight", params(MethodQuery),
    responses((status = 200, body = OversightMethodView)))]
async fn method(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<MethodQuery>,
) -> ApiResult<Json<OversightMethodView>> {
    Ok(Json(
        state
            .services
            .oversight()
            .oversight_method(&auth.actor(), q.version)
            .await?,
    ))
}

/// Every version of the oversight method, newest first.
#[utoipa::path(get, path = "/oversight/method/versions", tag = "Oversight",
    responses((status = 200, body = Vec<OversightMethodView>)))]
async fn method_versions(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<Vec<OversightMethodView>>> {
    Ok(Json(
        state
            .services
            .oversight()
            .oversight_method_versions(&auth.actor())
            .await?,
    ))
}

/// A new version of the method, whole, with why.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct MethodBody {
    method: OversightMethod,
    #[serde(default)]
    note: String,
}

/// Publishes a new version of the oversight method (the authority's policy officers and
/// director): checked whole; what is planned from now on follows it.
#[utoipa::path(post, path = "/oversight/method", tag = "Oversight",
    request_body = MethodBody, responses((status = 201, body = OversightMethodView)))]
async fn publish_method(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<MethodBody>,
) -> ApiResult<(StatusCode, Json<OversightMethodView>)> {
    let published = state
        .services
        .oversight()
        .publish_oversight_method(&auth.actor(), &body.method, &body.note)
        .await?;
    Ok((StatusCode::CREATED, Json(published)))
}
