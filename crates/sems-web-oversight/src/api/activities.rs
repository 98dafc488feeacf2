//! `/api/v1/oversight/activities`: plan, answer the checklist, attach evidence, complete,
//! release a covert test, raise findings, issue the report.

use super::{invalid, Published};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sems_domain::oversight::ActivityStatus;
use sems_domain::page::Page;
use sems_services::oversight::activities::{ActivityView, AnswerInput, PlanInput};
use sems_services::oversight::activity_reports::IssuedReportView;
use sems_services::oversight::findings::RaiseInput;
use sems_services::oversight::views::{Activity, Finding, ItemEvidence};
use sems_storage::oversight::activities::ActivityFilter;
use sems_web_kit::api::{ApiJson, ApiPath, ApiQuery, FileBody};
use sems_web_kit::error::ApiResult;
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(activities, plan_activity))
        .routes(routes!(activity))
        .routes(routes!(answer_checklist))
        .routes(routes!(complete_activity))
        .routes(routes!(release_activity))
        .routes(routes!(raise_finding))
        .routes(routes!(issued_reports, issue_report))
        .routes(
            routes!(attach_evidence).layer(axum::extract::DefaultBodyLimit::max(
                sems_web_kit::middleware::UPLOAD_LIMIT,
            )),
        )
}

const ID: &str = "The activity's id";

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ActivityQuery {
    /// The page by number, from 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Rows per page, at most 200.
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    /// The `next_cursor` of the previous page, instead of `page`.
    cursor: Option<String>,
    /// Activities of one overseen organisation.
    overseen_party_id: Option<i64>,
    /// One status: `planned`, `in_progress`, `completed`.
    status: Option<String>,
    /// Activities planned in this year.
    year: Option<i64>,
}

/// Oversight activities one may read (filters: overseen_party_id, status, year); covert tests
/// only for their team and director until released.
#[utoipa::path(get, path = "/oversight/activities", tag = "Oversight", params(ActivityQuery),
    responses((status = 200, body = Page<Activity>)))]
async fn activities(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<ActivityQuery>,
) -> ApiResult<Json<Page<Activity>>> {
    let filter = ActivityFilter {
        overseen_party_id: q.overseen_party_id,
        status: q
            .status
            .as_deref()
            .map(ActivityStatus::parse)
            .transpose()
            .map_err(invalid)?,
        year: q.year,
        ..Default::default()
    };
    let page = sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?;
    let activities = state
        .services
        .oversight()
        .activities(&auth.actor(), &filter, page)
        .await?;
    Ok(Json(activities.map(Activity::from)))
}

/// Plan an activity of an organisation (the authority) or of itself (an organisation); the
/// checklist is drawn from the requirements in scope.
#[utoipa::path(post, path = "/oversight/activities", tag = "Oversight", request_body = PlanInput,
    responses((status = 201, body = Activity)))]
async fn plan_activity(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<PlanInput>,
) -> ApiResult<(StatusCode, Json<Activity>)> {
    let activity = state
        .services
        .oversight()
        .plan_activity(&auth.actor(), &body)
        .await?;
    Ok((StatusCode::CREATED, Json(activity.into())))
}

/// An activity with its team, checklist, findings and EI.
#[utoipa::path(get, path = "/oversight/activities/{id}", tag = "Oversight",
    params(("id" = i64, Path, description = ID)), responses((status = 200, body = ActivityView)))]
async fn activity(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ActivityView>> {
    Ok(Json(
        state
            .services
            .oversight()
            .activity(&auth.actor(), id)
            .await?,
    ))
}

/// How many answers were stored.
#[derive(Serialize, ToSchema)]
struct Saved {
    saved: usize,
}

/// Record checklist answers (the team only; all checked before any is stored).
#[utoipa::path(post, path = "/oversight/activities/{id}/answers", tag = "Oversight",
    params(("id" = i64, Path, description = ID)), request_body = Vec<AnswerInput>,
    responses((status = 200, body = Saved)))]
async fn answer_checklist(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Vec<AnswerInput>>,
) -> ApiResult<Json<Saved>> {
    Ok(Json(Saved {
        saved: state
            .services
            .oversight()
            .answer_checklist(&auth.actor(), id, &body)
            .await?,
    }))
}

/// Complete an activity whose every item is answered.
#[utoipa::path(post, path = "/oversight/activities/{id}/complete", tag = "Oversight",
    params(("id" = i64, Path, description = ID)), responses((status = 200, body = Activity)))]
async fn complete_activity(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Activity>> {
    let activity = state
        .services
        .oversight()
        .complete_activity(&auth.actor(), id)
        .await?;
    Ok(Json(activity.into()))
}

/// Release a completed covert test to the tested organisation.
#[utoipa::path(post, path = "/oversight/activities/{id}/release", tag = "Oversight",
    params(("id" = i64, Path, description = ID)),
    responses((status = 204, description = "Released")))]
async fn release_activity(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    state
        .services
        .oversight()
        .release_activity(&auth.actor(), id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Raise a finding from a non-compliant item.
#[utoipa::path(post, path = "/oversight/activities/{id}/findings", tag = "Oversight",
    params(("id" = i64, Path, description = ID)), request_body = RaiseInput,
    responses((status = 201, body = Finding)))]
async fn raise_finding(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RaiseInput>,
) -> ApiResult<(StatusCode, Json<Finding>)> {
    let finding = state
        .services
        .oversight()
        .raise_finding(&auth.actor(), id, &body)
        .await?;
    Ok((StatusCode::CREATED, Json(finding.into())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct IssueReport {
    /// The summary the report opens with.
    summary: String,
}

/// Issue the activity's report: the next version (a correction never changes an issued one).
#[utoipa::path(post, path = "/oversight/activities/{id}/reports", tag = "Oversight",
    params(("id" = i64, Path, description = ID)), request_body = IssueReport,
    responses((status = 201, body = Published)))]
async fn issue_report(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<IssueReport>,
) -> ApiResult<(StatusCode, Json<Published>)> {
    let version = state
        .services
        .oversight()
        .issue_activity_report(&auth.actor(), id, &b.summary)
        .await?;
    Ok((StatusCode::CREATED, Json(Published { version })))
}

/// The issued reports of an activity, newest first.
#[utoipa::path(get, path = "/oversight/activities/{id}/reports", tag = "Oversight",
    params(("id" = i64, Path, description = ID)),
    responses((status = 200, body = Vec<IssuedReportView>)))]
async fn issued_reports(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<IssuedReportView>>> {
    Ok(Json(
        state
            .services
            .oversight()
            .activity_reports(&auth.actor(), id)
            .await?,
    ))
}

/// Attach a photo or document (base64; JPEG, PNG, PDF or text, 5 MB) to a checklist item: the
/// team, while the activity runs.
#[utoipa::path(post, path = "/oversight/activities/{id}/items/{item_id}/evidence",
    tag = "Oversight",
    params(("id" = i64, Path, description = ID),
        ("item_id" = i64, Path, description = "The checklist item's id")),
    request_body = FileBody, responses((status = 201, body = ItemEvidence)))]
async fn attach_evidence(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath((id, item)): ApiPath<(i64, i64)>,
    ApiJson(b): ApiJson<FileBody>,
) -> ApiResult<(StatusCode, Json<ItemEvidence>)> {
    let stored = state
        .services
        .oversight()
        .attach_item_evidence(&auth.actor(), id, item, b.decode()?)
        .await?;
    Ok((StatusCode::CREATED, Json(stored.into())))
}
