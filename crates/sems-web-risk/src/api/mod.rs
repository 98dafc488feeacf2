//! `/api/v1/risk/…` and the risk routes under `/api/v1/parties/{id}/…`: the risk method,
//! national threat levels, scenarios, assessments, measures, objective data, actions, the
//! national picture and imports.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use sems_domain::page::Page;
use sems_domain::risk::RiskMethod;
use sems_domain::scenario::ScenarioCategory;
use sems_services::risk::import::ImportReport;
use sems_services::risk::national::NationalPicture;
use sems_services::risk::ScenarioInput;
use sems_storage::risk::{MethodVersion, ScenarioFilter, ThreatLevel, ThreatScenario};
use sems_web_kit::api::ApiJson;
use sems_web_kit::error::{ApiError, ApiResult};
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::Deserialize;

mod assessments;
mod measures;

use assessments::*;
use measures::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/risk/method", get(method))
        .route("/risk/methods", get(methods).post(publish))
        .route("/risk/threat-levels", get(threat_levels))
        .route("/risk/threat-levels/{category}", put(set_threat_level))
        .route("/risk/scenarios", get(scenarios))
        .route("/risk/scenarios/{id}", get(scenario))
        .route("/parties/{id}/scenarios", post(create_scenario))
        .route("/parties/{id}/assessments", post(create_assessment))
        .route("/risk/assessments", get(assessments))
        .route("/risk/heat-map", get(heat_map))
        .route(
            "/risk/assessments/{id}",
            get(assessment).patch(update_assessment),
        )
        .route("/risk/assessments/{id}/history", get(assessment_history))
        .route(
            "/risk/assessments/{id}/acceptances",
            get(acceptances).post(accept),
        )
        .route("/risk/measures", get(measures))
        .route("/risk/measures/{id}", get(measure))
        .route("/parties/{id}/measures", post(create_measure))
        .route("/parties/{id}/measures/import", post(import_measures))
        .route("/parties/{id}/scenarios/import", post(import_scenarios))
        .route("/parties/{id}/measure-register", get(measure_register))
        .route(
            "/parties/{id}/measures/{measure_id}",
            put(set_implementation).delete(remove_measure),
        )
        .route(
            "/parties/{id}/measures/{measure_id}/exemption",
            post(request_exemption),
        )
        .route(
            "/parties/{id}/measures/{measure_id}/exemption/decision",
            post(decide_exemption),
        )
        .route("/risk/exemptions", get(pending_exemptions))
        .route(
            "/parties/{id}/scenarios/{scenario_id}/proposals",
            get(proposals),
        )
        .route(
            "/parties/{id}/scenarios/{scenario_id}/evidence",
            get(evidence),
        )
        .route("/parties/{id}/evidence", post(record_evidence))
        .route(
            "/risk/assessments/{id}/actions",
            get(actions).post(create_action),
        )
        .route("/risk/actions/{id}", put(update_action))
        .route("/risk/national", get(national))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionQuery {
    version: Option<i64>,
}

async fn method(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<VersionQuery>,
) -> ApiResult<Json<MethodVersion>> {
    Ok(Json(
        state
            .services
            .risk()
            .risk_method(&auth.actor(), q.version)
            .await?,
    ))
}

async fn methods(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<Vec<MethodVersion>>> {
    Ok(Json(
        state.services.risk().risk_methods(&auth.actor()).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Publish {
    method: RiskMethod,
    #[serde(default)]
    note: String,
}

async fn publish(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<Publish>,
) -> ApiResult<(StatusCode, Json<MethodVersion>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .services
                .risk()
                .publish_risk_method(&auth.actor(), &body.method, &body.note)
                .await?,
        ),
    ))
}

async fn threat_levels(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<Vec<ThreatLevel>>> {
    Ok(Json(
        state.services.risk().threat_levels(&auth.actor()).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelInput {
    level: i64,
    rationale: String,
}

async fn set_threat_level(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(category): sems_web_kit::api::ApiPath<String>,
    ApiJson(body): ApiJson<LevelInput>,
) -> ApiResult<StatusCode> {
    state
        .services
        .risk()
        .set_threat_level(&auth.actor(), &category, body.level, &body.rationale)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioQuery {
    page: Option<u32>,
    per_page: Option<u32>,
    cursor: Option<String>,
    q: Option<String>,
    category: Option<String>,
    party_id: Option<i64>,
}

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
            .await?,
    ))
}

async fn scenario(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<ThreatScenario>> {
    Ok(Json(
        state.services.risk().scenario(&auth.actor(), id).await?,
    ))
}

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
                .await?,
        ),
    ))
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
}

/// The answer to an import: 200 for a clean dry run, 201 when stored, 422 (with the report
/// of every bad row) when anything is wrong, in which case nothing was stored.
fn import_reply(report: ImportReport) -> (StatusCode, Json<ImportReport>) {
    let status = if !report.errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if report.imported {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (status, Json(report))
}

async fn import_scenarios(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<ImportQuery>,
    body: String,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    Ok(import_reply(
        state
            .services
            .risk()
            .import_scenarios(&auth.actor(), party_id, &body, q.dry_run)
            .await?,
    ))
}

async fn import_measures(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<ImportQuery>,
    body: String,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    Ok(import_reply(
        state
            .services
            .risk()
            .import_measures(&auth.actor(), party_id, &body, q.dry_run)
            .await?,
    ))
}
