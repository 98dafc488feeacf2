//! De-identification and forwarding to the authority, and the authority's national
//! occurrence list with its follow-up questions.

use super::MessageBody;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sems_domain::page::Page;
use sems_domain::report::rules::OccurrenceStep;
use sems_services::reports::forwarding::{Forwarding, KeptItem, OccurrenceView, Suggestions};
use sems_services::reports::views::Occurrence;
use sems_storage::reports::OccurrenceFilter;
use sems_web_kit::api::{ApiJson, ApiPath, ApiQuery};
use sems_web_kit::error::{ApiError, ApiResult};
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(suggestions))
        .routes(routes!(deidentify))
        .routes(routes!(forward))
        .routes(routes!(occurrences))
        .routes(routes!(occurrence))
        .routes(routes!(occurrence_message))
        .routes(routes!(eccairs_export))
}

/// The national occurrence list as CSV in the ECCAIRS-compatible column layout.
///
/// The same filters as the list (no paging: every row, at most 200,000); the columns are
/// documented one by one in `docs/eccairs.md`.
#[utoipa::path(get, path = "/occurrences/eccairs.csv", tag = "Reports", params(OccurrenceQuery),
    responses((status = 200, content_type = "text/csv", body = String,
        description = "A header row of ECCAIRS taxonomy attribute names, then one row per occurrence")))]
async fn eccairs_export(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<OccurrenceQuery>,
) -> ApiResult<axum::response::Response> {
    // The export holds every occurrence the filter keeps; paging is checked, not applied.
    sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?;
    Ok(crate::eccairs_csv(&state, &auth.actor(), &q.filter()?).await?)
}

/// De-identification suggestions.
///
/// E-mail addresses, phone numbers, badge numbers, names from the directory.
#[utoipa::path(get, path = "/reports/{id}/suggestions", tag = "Reports",
    params(("id" = i64, Path, description = "The report's id")),
    responses((status = 200, body = Suggestions)))]
async fn suggestions(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Suggestions>> {
    Ok(Json(
        state
            .services
            .reporting()
            .deidentification_suggestions(&auth.actor(), id)
            .await?,
    ))
}

/// The de-identified version a handler wrote.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct DeidentifiedInput {
    /// 10 to 10,000 characters.
    text: String,
}

/// What the saved de-identified version still shows.
#[derive(Serialize, ToSchema)]
struct Remaining {
    /// What still looks identifying in the saved text (the handler decides).
    remaining: Vec<String>,
}

/// Save the de-identified version; answers what still looks identifying.
#[utoipa::path(put, path = "/reports/{id}/deidentified", tag = "Reports",
    params(("id" = i64, Path, description = "The report's id")),
    request_body = DeidentifiedInput, responses((status = 200, body = Remaining)))]
async fn deidentify(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<DeidentifiedInput>,
) -> ApiResult<Json<Remaining>> {
    let left = state
        .services
        .reporting()
        .set_deidentified(&auth.actor(), id, &b.text)
        .await?;
    Ok(Json(Remaining {
        remaining: left
            .into_iter()
            .map(|r| format!("{}: {}", r.kind, r.text))
            .collect(),
    }))
}

/// What the de-identified text still shows, kept on purpose, each with why.
#[derive(Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
struct ForwardInput {
    #[serde(default)]
    kept: Vec<KeptItem>,
}

/// Forward the de-identified version to the authority.
///
/// Whatever it still shows that probably identifies somebody must be in `kept`, each with why
/// it stays; the body may be left out when nothing identifying remains. 204 once forwarded,
/// 202 when the deployment asks a second handler to confirm the items kept (a second
/// handler's forwarding with the same items confirms it).
#[utoipa::path(post, path = "/reports/{id}/forward", tag = "Reports",
    operation_id = "reporting_forward",
    params(("id" = i64, Path, description = "The report's id")),
    request_body(content = Option<ForwardInput>,
        description = "Optional: nothing to confirm when nothing identifying remains"),
    responses(
        (status = 204, description = "Forwarded: the authority has it"),
        (status = 202, description = "Waits for a second handler to confirm the items kept"),
    ))]
async fn forward(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    body: axum::body::Bytes,
) -> ApiResult<StatusCode> {
    // The body is optional: nothing to confirm when nothing identifying remains.
    let kept = if body.iter().all(u8::is_ascii_whitespace) {
        Vec::new()
    } else {
        serde_json::from_slice::<ForwardInput>(&body)
            .map_err(|e| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("the JSON does not fit: {e}"),
                )
            })?
            .kept
    };
    // 204 once the authority has it; 202 when a second handler must confirm the items kept.
    Ok(
        match state
            .services
            .reporting()
            .forward_report(&auth.actor(), id, &kept)
            .await?
        {
            Forwarding::Forwarded => StatusCode::NO_CONTENT,
            Forwarding::AwaitsSecondHandler => StatusCode::ACCEPTED,
        },
    )
}

/// The filters of the national occurrence list.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct OccurrenceQuery {
    /// The page by number, from 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Rows per page, at most 200.
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    /// The `next_cursor` of the previous page, instead of `page`.
    cursor: Option<String>,
    /// Words the de-identified text, the category or the organisation's name contain.
    q: Option<String>,
    /// Only occurrences of this category code.
    category: Option<String>,
    /// Only the occurrences of this organisation.
    party_id: Option<i64>,
    /// Occurred on or after this day (`YYYY-MM-DD`).
    #[param(format = Date)]
    from: Option<String>,
    /// Occurred on or before this day (`YYYY-MM-DD`).
    #[param(format = Date)]
    until: Option<String>,
    /// `analysis` or `final_result`: only the occurrences past that deadline, longest overdue
    /// first.
    late: Option<String>,
}

impl OccurrenceQuery {
    /// The filter the query asks for; a day or a step that does not read is refused.
    fn filter(&self) -> ApiResult<OccurrenceFilter> {
        let refused =
            |e: sems_domain::ValidationError| ApiError::from(sems_services::ServiceError::from(e));
        let day = |field: &'static str, v: &Option<String>| -> ApiResult<Option<time::Date>> {
            v.as_deref()
                .map(|d| sems_domain::util::parse_date(field, d).map_err(refused))
                .transpose()
        };
        Ok(OccurrenceFilter {
            party_id: self.party_id,
            category: self.category.clone(),
            search: self.q.clone(),
            from: day("from", &self.from)?,
            until: day("until", &self.until)?,
            late: self
                .late
                .as_deref()
                .map(|l| OccurrenceStep::parse(l).map_err(refused))
                .transpose()?,
            now_ms: 0,
        })
    }
}

/// The national occurrence list: forwarded, de-identified reports.
///
/// Filters: q, category, party_id, from, until, late.
#[utoipa::path(get, path = "/occurrences", tag = "Reports", params(OccurrenceQuery),
    responses((status = 200, body = Page<Occurrence>)))]
async fn occurrences(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<OccurrenceQuery>,
) -> ApiResult<Json<Page<Occurrence>>> {
    let filter = q.filter()?;
    Ok(Json(
        state
            .services
            .reporting()
            .occurrences(
                &auth.actor(),
                &filter,
                sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?,
            )
            .await?
            .map(Occurrence::from),
    ))
}

/// A forwarded occurrence with the authority's questions and the organisation's answers.
#[utoipa::path(get, path = "/occurrences/{id}", tag = "Reports",
    params(("id" = i64, Path, description = "The occurrence's id (its report's)")),
    responses((status = 200, body = OccurrenceView)))]
async fn occurrence(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<OccurrenceView>> {
    Ok(Json(
        state
            .services
            .reporting()
            .occurrence(&auth.actor(), id)
            .await?,
    ))
}

/// The authority asks a follow-up question, or the organisation answers.
#[utoipa::path(post, path = "/occurrences/{id}/messages", tag = "Reports",
    params(("id" = i64, Path, description = "The occurrence's id (its report's)")),
    request_body = MessageBody, responses((status = 204, description = "Done")))]
async fn occurrence_message(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MessageBody>,
) -> ApiResult<StatusCode> {
    state
        .services
        .reporting()
        .occurrence_message(&auth.actor(), id, &b.body)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
