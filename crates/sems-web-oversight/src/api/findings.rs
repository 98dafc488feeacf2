//! `/api/v1/oversight/findings`: the findings list and a finding's workflow — the overseen
//! organisation's corrective action plan and completion, the overseer's review and
//! verification.

use super::invalid;
use axum::extract::State;
use axum::Json;
use sems_domain::oversight::{FindingLevel, FindingStatus};
use sems_domain::page::Page;
use sems_services::oversight::findings::{CapInput, FindingView};
use sems_services::oversight::views::Finding;
use sems_storage::oversight::findings::FindingFilter;
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
        .routes(routes!(findings))
        .routes(routes!(finding))
        .routes(routes!(submit_cap))
        .routes(routes!(review_cap))
        .routes(routes!(complete_finding))
        .routes(routes!(verify_finding))
}

const ID: &str = "The finding's id";

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct FindingQuery {
    /// The page by number, from 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Rows per page, at most 200.
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    /// The `next_cursor` of the previous page, instead of `page`.
    cursor: Option<String>,
    /// Findings of one organisation.
    party_id: Option<i64>,
    /// One status (`open`, `cap_submitted`, …).
    status: Option<String>,
    /// One level: `level_1`, `level_2`, `observation`.
    level: Option<String>,
    /// Only findings past their due date and not closed.
    #[serde(default)]
    overdue: bool,
}

/// Findings one may read, level 1 first (filters: party_id, status, level, overdue).
#[utoipa::path(get, path = "/oversight/findings", tag = "Oversight", params(FindingQuery),
    responses((status = 200, body = Page<Finding>)))]
async fn findings(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<FindingQuery>,
) -> ApiResult<Json<Page<Finding>>> {
    let filter = FindingFilter {
        party_id: q.party_id,
        status: q
            .status
            .as_deref()
            .map(FindingStatus::parse)
            .transpose()
            .map_err(invalid)?,
        level: q
            .level
            .as_deref()
            .map(FindingLevel::parse)
            .transpose()
            .map_err(invalid)?,
        overdue_on: q.overdue.then(sems_domain::util::today),
        ..Default::default()
    };
    let page = sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?;
    let findings = state
        .services
        .oversight()
        .findings(&auth.actor(), &filter, page)
        .await?;
    Ok(Json(findings.map(Finding::from)))
}

/// A finding with its history, its overdue flag and the steps the reader may take.
#[utoipa::path(get, path = "/oversight/findings/{id}", tag = "Oversight",
    params(("id" = i64, Path, description = ID)), responses((status = 200, body = FindingView)))]
async fn finding(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<FindingView>> {
    Ok(Json(
        state
            .services
            .oversight()
            .finding(&auth.actor(), id)
            .await?,
    ))
}

/// The overseen organisation submits or resubmits its corrective action plan.
#[utoipa::path(post, path = "/oversight/findings/{id}/cap", tag = "Oversight",
    params(("id" = i64, Path, description = ID)), request_body = CapInput,
    responses((status = 200, body = Finding)))]
async fn submit_cap(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CapInput>,
) -> ApiResult<Json<Finding>> {
    let finding = state
        .services
        .oversight()
        .submit_cap(&auth.actor(), id, &body)
        .await?;
    Ok(Json(finding.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CapDecision {
    accept: bool,
    /// Why the plan is returned (required then).
    #[serde(default)]
    comment: String,
}

/// The overseer who raised it accepts the plan or returns it with comments.
#[utoipa::path(post, path = "/oversight/findings/{id}/review", tag = "Oversight",
    params(("id" = i64, Path, description = ID)), request_body = CapDecision,
    responses((status = 200, body = Finding)))]
async fn review_cap(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CapDecision>,
) -> ApiResult<Json<Finding>> {
    let finding = state
        .services
        .oversight()
        .review_cap(&auth.actor(), id, b.accept, &b.comment)
        .await?;
    Ok(Json(finding.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CompletionInput {
    /// What shows the plan was carried out.
    evidence: String,
}

/// The organisation records completion with evidence.
#[utoipa::path(post, path = "/oversight/findings/{id}/completion", tag = "Oversight",
    params(("id" = i64, Path, description = ID)), request_body = CompletionInput,
    responses((status = 200, body = Finding)))]
async fn complete_finding(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CompletionInput>,
) -> ApiResult<Json<Finding>> {
    let finding = state
        .services
        .oversight()
        .complete_finding(&auth.actor(), id, &b.evidence)
        .await?;
    Ok(Json(finding.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct VerificationInput {
    /// Close the finding, or send it back.
    close: bool,
    #[serde(default)]
    comment: String,
    /// When sending back: plan a follow-up inspection of the requirement on this day.
    #[serde(default)]
    #[schema(format = Date)]
    follow_up_on: Option<String>,
}

/// The overseer verifies: closes, or sends it back.
#[utoipa::path(post, path = "/oversight/findings/{id}/verification", tag = "Oversight",
    params(("id" = i64, Path, description = ID)), request_body = VerificationInput,
    responses((status = 200, body = Finding)))]
async fn verify_finding(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<VerificationInput>,
) -> ApiResult<Json<Finding>> {
    let finding = state
        .services
        .oversight()
        .verify_finding(
            &auth.actor(),
            id,
            b.close,
            &b.comment,
            b.follow_up_on.as_deref(),
        )
        .await?;
    Ok(Json(finding.into()))
}
