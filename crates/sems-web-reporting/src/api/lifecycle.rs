//! `/api/v1` for the reporting rules and the occurrence lifecycle after forwarding: the
//! authority's taxonomy, deadlines and just-culture decisions (read by all, published by its
//! policy officers and director); the organisation's analysis and final result for the
//! authority; and what is late to the authority.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sems_domain::report::rules::ReportingRules;
use sems_services::reports::lifecycle::{FinalResultInput, LateToAuthority};
use sems_services::reports::rules::ReportingRulesView;
use sems_web_kit::api::{ApiJson, ApiPath, ApiQuery};
use sems_web_kit::error::ApiResult;
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(rules, publish_rules))
        .routes(routes!(rules_versions))
        .routes(routes!(send_analysis))
        .routes(routes!(send_final_result))
        .routes(routes!(late))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct RulesQuery {
    /// A published version (the one in force when left out).
    version: Option<i64>,
}

/// The reporting rules in force (or `?version=N`): the categories with their deadlines
/// (triage, forwarding, analysis, final result), the days to close a triaged report and the
/// just-culture decisions.
#[utoipa::path(get, path = "/reports/rules", tag = "Reports", params(RulesQuery),
    responses((status = 200, body = ReportingRulesView)))]
async fn rules(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<RulesQuery>,
) -> ApiResult<Json<ReportingRulesView>> {
    Ok(Json(
        state
            .services
            .reporting()
            .reporting_rules(&auth.actor(), q.version)
            .await?,
    ))
}

/// Every version of the reporting rules, newest first.
#[utoipa::path(get, path = "/reports/rules/versions", tag = "Reports",
    responses((status = 200, body = Vec<ReportingRulesView>)))]
async fn rules_versions(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<Vec<ReportingRulesView>>> {
    Ok(Json(
        state
            .services
            .reporting()
            .reporting_rules_versions(&auth.actor())
            .await?,
    ))
}

/// A new version of the rules, whole, with why.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RulesBody {
    rules: ReportingRules,
    #[serde(default)]
    note: String,
}

/// Publishes a new version of the reporting rules (the authority's policy officers and
/// director): checked whole; a category is withdrawn (`active: false`), never dropped; what
/// is filed, triaged or forwarded from now on follows it.
#[utoipa::path(post, path = "/reports/rules", tag = "Reports",
    request_body = RulesBody, responses((status = 201, body = ReportingRulesView)))]
async fn publish_rules(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<RulesBody>,
) -> ApiResult<(StatusCode, Json<ReportingRulesView>)> {
    let published = state
        .services
        .reporting()
        .publish_reporting_rules(&auth.actor(), &body.rules, &body.note)
        .await?;
    Ok((StatusCode::CREATED, Json(published)))
}

/// The organisation's analysis of a forwarded occurrence.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct AnalysisBody {
    /// De-identified: a text that still shows a name, an e-mail address, a phone or badge
    /// number is refused, naming what it shows.
    text: String,
}

/// Sends the authority the analysis of a forwarded occurrence (once; its handlers and
/// security manager). Refused before forwarding (409).
#[utoipa::path(post, path = "/reports/{id}/analysis", tag = "Reports",
    params(("id" = i64, Path, description = "The report's id")),
    request_body = AnalysisBody, responses((status = 204, description = "Sent")))]
async fn send_analysis(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AnalysisBody>,
) -> ApiResult<StatusCode> {
    state
        .services
        .reporting()
        .send_occurrence_analysis(&auth.actor(), id, &b.text)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends the authority the final result of a forwarded occurrence (once): outcome, lessons,
/// actions and the just-culture decision's class, de-identified. Refused before forwarding
/// (409) and without its outcome (422).
#[utoipa::path(post, path = "/reports/{id}/final-result", tag = "Reports",
    params(("id" = i64, Path, description = "The report's id")),
    request_body = FinalResultInput, responses((status = 204, description = "Sent")))]
async fn send_final_result(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<FinalResultInput>,
) -> ApiResult<StatusCode> {
    state
        .services
        .reporting()
        .send_final_result(&auth.actor(), id, &b)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What is late to the authority: mandatory reports not forwarded in time as a count per
/// organisation (never their content), and how many analyses and final results are past
/// their deadline (`GET /occurrences?late=analysis` lists them).
#[utoipa::path(get, path = "/occurrences/late", tag = "Reports",
    responses((status = 200, body = LateToAuthority)))]
async fn late(State(state): State<AppState>, auth: ApiAuth) -> ApiResult<Json<LateToAuthority>> {
    Ok(Json(
        state
            .services
            .reporting()
            .late_to_authority(&auth.actor())
            .await?,
    ))
}
