//! The handlers' workflow: the list, a report, triage, investigation, closure, messages to
//! the reporter; and the statistics.

use super::MessageBody;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sems_domain::page::Page;
use sems_domain::report::{ReportMode, ReportStatus};
use sems_services::reports::statistics::ReportStatistics;
use sems_services::reports::views::Report;
use sems_services::reports::{CloseInput, ReportView, TriageInput};
use sems_storage::reports::ReportFilter;
use sems_web_kit::api::{ApiJson, ApiPath, ApiQuery};
use sems_web_kit::error::{ApiError, ApiResult};
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(statistics))
        .routes(routes!(one))
        .routes(routes!(triage))
        .routes(routes!(investigate))
        .routes(routes!(close))
        .routes(routes!(message))
}

/// The filters of the reports' list.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// The page by number, from 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Rows per page, at most 200.
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    /// The `next_cursor` of the previous page, instead of `page`.
    cursor: Option<String>,
    /// Words the text, the location, the handlers' notes or the category contain.
    q: Option<String>,
    /// Only reports in this status: new, triaged, under_investigation or closed.
    status: Option<String>,
    /// Only reports of this category code.
    category: Option<String>,
    /// Only reports filed so: identified, confidential or anonymous.
    mode: Option<String>,
    /// Only the reports of this organisation.
    party_id: Option<i64>,
    /// Only those owing the authority a step: a mandatory report not forwarded, or a
    /// forwarded one whose final result is not sent.
    owed_to_authority: Option<bool>,
}

/// Reports one may read (handlers), newest first.
///
/// Full-text search in q (filters: status, category, mode, party_id, owed_to_authority).
#[utoipa::path(get, path = "/reports", tag = "Reports", operation_id = "reporting_list",
    params(ListQuery), responses((status = 200, body = Page<Report>)))]
async fn list(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Page<Report>>> {
    let status = q
        .status
        .as_deref()
        .map(ReportStatus::parse)
        .transpose()
        .map_err(|e| ApiError::from(sems_services::ServiceError::from(e)))?;
    let mode = q
        .mode
        .as_deref()
        .map(ReportMode::parse)
        .transpose()
        .map_err(|e| ApiError::from(sems_services::ServiceError::from(e)))?;
    let filter = ReportFilter {
        party_id: q.party_id,
        status,
        category: q.category,
        mode,
        search: q.q,
        owed_to_authority: q.owed_to_authority.unwrap_or(false),
    };
    Ok(Json(
        state
            .services
            .reporting()
            .reports(
                &auth.actor(),
                &filter,
                sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?,
            )
            .await?
            .map(Report::from),
    ))
}

/// A report with attachments, messages, identity requests, corrective actions and overdue flags.
#[utoipa::path(get, path = "/reports/{id}", tag = "Reports", operation_id = "reporting_one",
    params(("id" = i64, Path, description = "The report's id")),
    responses((status = 200, body = ReportView)))]
async fn one(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ReportView>> {
    Ok(Json(
        state
            .services
            .reporting()
            .report_view(&auth.actor(), id)
            .await?,
    ))
}

/// Triage: category, severity, mandatory or not, linked threat scenarios.
///
/// Each linked scenario records an occurrence for the risk module.
#[utoipa::path(post, path = "/reports/{id}/triage", tag = "Reports",
    params(("id" = i64, Path, description = "The report's id")),
    request_body = TriageInput, responses((status = 200, body = Report)))]
async fn triage(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<TriageInput>,
) -> ApiResult<Json<Report>> {
    Ok(Json(
        state
            .services
            .reporting()
            .triage_report(&auth.actor(), id, &body)
            .await?
            .into(),
    ))
}

/// Start the investigation of a triaged report.
#[utoipa::path(post, path = "/reports/{id}/investigation", tag = "Reports",
    params(("id" = i64, Path, description = "The report's id")),
    responses((status = 200, body = Report)))]
async fn investigate(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Report>> {
    Ok(Json(
        state
            .services
            .reporting()
            .start_investigation(&auth.actor(), id)
            .await?
            .into(),
    ))
}

/// Close: outcome, lessons, just-culture decision, corrective actions.
#[utoipa::path(post, path = "/reports/{id}/closure", tag = "Reports",
    operation_id = "reporting_close",
    params(("id" = i64, Path, description = "The report's id")),
    request_body = CloseInput, responses((status = 200, body = Report)))]
async fn close(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CloseInput>,
) -> ApiResult<Json<Report>> {
    Ok(Json(
        state
            .services
            .reporting()
            .close_report(&auth.actor(), id, &body)
            .await?
            .into(),
    ))
}

/// Write to the reporter (read with the receipt).
#[utoipa::path(post, path = "/reports/{id}/messages", tag = "Reports",
    operation_id = "reporting_message",
    params(("id" = i64, Path, description = "The report's id")),
    request_body = MessageBody, responses((status = 204, description = "Done")))]
async fn message(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MessageBody>,
) -> ApiResult<StatusCode> {
    state
        .services
        .reporting()
        .message_reporter(&auth.actor(), id, &b.body)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reporting statistics: one's organisation's, or the national ones for the authority.
#[utoipa::path(get, path = "/reports/statistics", tag = "Reports",
    operation_id = "reporting_statistics",
    responses((status = 200, body = ReportStatistics)))]
async fn statistics(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<ReportStatistics>> {
    Ok(Json(
        state
            .services
            .reporting()
            .report_statistics(&auth.actor())
            .await?,
    ))
}
