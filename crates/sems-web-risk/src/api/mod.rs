//! `/api/v1/risk/…` and the risk routes under `/api/v1/parties/{id}/…`: the risk method,
//! national threat levels, scenarios, assessments, measures, objective data, actions, the
//! national picture and imports.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sems_domain::page::Page;
use sems_domain::risk::RiskMethod;
use sems_domain::scenario::ScenarioCategory;
use sems_services::import::ImportReport;
use sems_services::risk::national::NationalPicture;
use sems_services::risk::views::{RiskMethodVersion, ThreatLevel, ThreatScenario};
use sems_services::risk::ScenarioInput;
use sems_storage::risk::ScenarioFilter;
use sems_web_kit::api::{ApiJson, DryRunQuery};
use sems_web_kit::error::{ApiError, ApiResult};
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod assessments;
mod measures;

use assessments::*;
use measures::*;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(method))
        .routes(routes!(methods, publish))
        .routes(routes!(threat_levels))
        .routes(routes!(set_threat_level))
        .routes(routes!(scenarios))
        .routes(routes!(scenario))
        .routes(routes!(create_scenario))
        .routes(routes!(create_assessment))
        .routes(routes!(assessments))
        .routes(routes!(heat_map))
        .routes(routes!(assessment, update_assessment))
        .routes(routes!(assessment_history))
        .routes(routes!(acceptances, accept))
        .routes(routes!(measures))
        .routes(routes!(measure))
        .routes(routes!(create_measure))
        .routes(routes!(import_measures))
        .routes(routes!(import_scenarios))
        .routes(routes!(measure_register))
        .routes(routes!(set_implementation, remove_measure))
        .routes(routes!(request_exemption))
        .routes(routes!(decide_exemption))
        .routes(routes!(pending_exemptions))
        .routes(routes!(proposals))
        .routes(routes!(evidence))
        .routes(routes!(record_evidence))
        .routes(routes!(actions, create_action))
        .routes(routes!(update_action))
        .routes(routes!(national))
}

/// Which version of the method.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct VersionQuery {
    /// A published version by number (default: the current one).
    version: Option<i64>,
}

/// The current risk method, or `?version=N`.
#[utoipa::path(get, path = "/risk/method", tag = "Risk", operation_id = "risk_method",
    params(VersionQuery), responses((status = 200, body = RiskMethodVersion)))]
async fn method(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<VersionQuery>,
) -> ApiResult<Json<RiskMethodVersion>> {
    Ok(Json(
        state
            .services
            .risk()
            .risk_method(&auth.actor(), q.version)
            .await?
            .into(),
    ))
}

/// Every published version of the risk method, newest first.
#[utoipa::path(get, path = "/risk/methods", tag = "Risk", operation_id = "risk_methods",
    responses((status = 200, body = Vec<RiskMethodVersion>)))]
async fn methods(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<Vec<RiskMethodVersion>>> {
    Ok(Json(
        state
            .services
            .risk()
            .risk_methods(&auth.actor())
            .await?
            .into_iter()
            .map(RiskMethodVersion::from)
            .collect(),
    ))
}

/// A new version of the risk method, with a note on what changed.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PublishRiskMethod {
    method: RiskMethod,
    #[serde(default)]
    note: String,
}

/// Publish a new version of the risk method (authority policy officer or director); earlier
/// versions are kept.
#[utoipa::path(post, path = "/risk/methods", tag = "Risk", operation_id = "publish_risk_method",
    request_body = PublishRiskMethod, responses((status = 201, body = RiskMethodVersion)))]
async fn publish(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<PublishRiskMethod>,
) -> ApiResult<(StatusCode, Json<RiskMethodVersion>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .services
                .risk()
                .publish_risk_method(&auth.actor(), &body.method, &body.note)
                .await?
                .into(),
        ),
    ))
}

/// National threat level per scenario category.
#[utoipa::path(get, path = "/risk/threat-levels", tag = "Risk",
    responses((status = 200, body = Vec<ThreatLevel>)))]
async fn threat_levels(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<Vec<ThreatLevel>>> {
    Ok(Json(
        state
            .services
            .risk()
            .threat_levels(&auth.actor())
            .await?
            .into_iter()
            .map(ThreatLevel::from)
            .collect(),
    ))
}

/// A category's national threat level and why.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ThreatLevelInput {
    #[schema(minimum = 1, maximum = 5)]
    level: i64,
    rationale: String,
}

/// Set the national threat level of a category (1-5) with a rationale.
#[utoipa::path(put, path = "/risk/threat-levels/{category}", tag = "Risk",
    params(("category" = String, Path, description = "The scenario category (`cyber`, ...)")),
    request_body = ThreatLevelInput, responses((status = 204, description = "Done")))]
async fn set_threat_level(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(category): sems_web_kit::api::ApiPath<String>,
    ApiJson(body): ApiJson<ThreatLevelInput>,
) -> ApiResult<StatusCode> {
    state
        .services
        .risk()
        .set_threat_level(&auth.actor(), &category, body.level, &body.rationale)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The filters of the scenario library.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ScenarioQuery {
    /// The page by number, from 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Rows per page, at most 200.
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    /// The `next_cursor` of the previous page, instead of `page`.
    cursor: Option<String>,
    /// Words the title or code contains.
    q: Option<String>,
    /// Scenarios of one category (`explosives`, `unauthorised_access`, ...).
    category: Option<String>,
    /// Scenarios of one party (the authority's: the national library).
    party_id: Option<i64>,
}

/// Threat scenarios one may read: the national library and one's own (filters: q, category,
/// party_id).
#[utoipa::path(get, path = "/risk/scenarios", tag = "Risk", params(ScenarioQuery),
    responses((status = 200, body = Page<ThreatScenario>)))]
async fn scenarios(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<ScenarioQuery>,
) -> ApiResult<Json<Page<ThreatScenario>>> {
    let category = match q.category.as_deref() {
        Some(c) => Some(
            ScenarioCategory::parse(c)
                .map_err(|e| ApiError::from(sems_services::ServiceError::from(e)))?,
        ),
        None => None,
    };
    let filter = ScenarioFilter {
        party_id: q.party_id,
        category,
        search: q.q,
    };
    Ok(Json(
        state
            .services
            .risk()
            .scenarios(
                &auth.actor(),
                &filter,
                sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?,
            )
            .await?
            .map(ThreatScenario::from),
    ))
}

/// One threat scenario.
#[utoipa::path(get, path = "/risk/scenarios/{id}", tag = "Risk",
    params(("id" = i64, Path, description = "The scenario's id")),
    responses((status = 200, body = ThreatScenario)))]
async fn scenario(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<ThreatScenario>> {
    Ok(Json(
        state
            .services
            .risk()
            .scenario(&auth.actor(), id)
            .await?
            .into(),
    ))
}

/// Add a scenario: to the national library (the authority) or to an organisation's own.
#[utoipa::path(post, path = "/parties/{id}/scenarios", tag = "Risk",
    params(("id" = i64, Path, description = "The party's id")),
    request_body = ScenarioInput, responses((status = 201, body = ThreatScenario)))]
async fn create_scenario(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<ScenarioInput>,
) -> ApiResult<(StatusCode, Json<ThreatScenario>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .services
                .risk()
                .create_scenario(&auth.actor(), party_id, &body)
                .await?
                .into(),
        ),
    ))
}

/// The national picture: assessments per scenario and residual level across every
/// organisation (authority director and inspectors).
#[utoipa::path(get, path = "/risk/national", tag = "Risk", operation_id = "national_picture",
    responses((status = 200, body = NationalPicture)))]
async fn national(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<NationalPicture>> {
    Ok(Json(
        state
            .services
            .risk()
            .national_picture(&auth.actor())
            .await?,
    ))
}

/// Import scenarios from CSV (text/csv body; columns code, category, title, target, means,
/// perpetrator, description[, classification]); `?dry_run=true` checks only. 422 with every
/// bad row, and nothing stored, when any row is bad.
#[utoipa::path(post, path = "/parties/{id}/scenarios/import", tag = "Risk",
    params(("id" = i64, Path, description = "The party's id"), DryRunQuery),
    request_body(content = String, content_type = "text/csv",
        description = "A CSV document (RFC 4180, UTF-8, header row first)"),
    responses(
        (status = 201, description = "Stored", body = ImportReport),
        (status = 200, description = "A clean dry run: nothing stored", body = ImportReport),
        (status = 422, description = "Bad rows, each reported, or a bad parameter: nothing stored",
            content((ImportReport = "application/json"), (sems_web_kit::error::Problem = "application/problem+json")))
    ))]
async fn import_scenarios(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<DryRunQuery>,
    body: String,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    Ok(sems_web_kit::api::import_reply(
        state
            .services
            .risk()
            .import_scenarios(&auth.actor(), party_id, &body, q.dry_run)
            .await?,
    ))
}

/// Import measures from CSV (columns code, title, description, scenarios as codes separated
/// by ';'); `?dry_run=true` checks only; 422 with every bad row, and nothing stored, when any
/// row is bad.
#[utoipa::path(post, path = "/parties/{id}/measures/import", tag = "Risk",
    params(("id" = i64, Path, description = "The party's id"), DryRunQuery),
    request_body(content = String, content_type = "text/csv",
        description = "A CSV document (RFC 4180, UTF-8, header row first)"),
    responses(
        (status = 201, description = "Stored", body = ImportReport),
        (status = 200, description = "A clean dry run: nothing stored", body = ImportReport),
        (status = 422, description = "Bad rows, each reported, or a bad parameter: nothing stored",
            content((ImportReport = "application/json"), (sems_web_kit::error::Problem = "application/problem+json")))
    ))]
async fn import_measures(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<DryRunQuery>,
    body: String,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    Ok(sems_web_kit::api::import_reply(
        state
            .services
            .risk()
            .import_measures(&auth.actor(), party_id, &body, q.dry_run)
            .await?,
    ))
}
