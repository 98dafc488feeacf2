//! `/api/v1/risk/…`: the risk method, national threat levels and threat scenarios.

use super::ApiJson;
use crate::error::ApiError;
use crate::session::ApiAuth;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use sems_domain::page::{Page, PageRequest};
use sems_domain::risk::RiskMethod;
use sems_domain::scenario::ScenarioCategory;
use sems_services::risk::{AcceptanceInput, AssessmentInput, ScenarioInput};
use sems_storage::risk::{
    Acceptance, Assessment, AssessmentChange, AssessmentFilter, MethodVersion, ScenarioFilter,
    ThreatLevel, ThreatScenario,
};
use serde::Deserialize;

type ApiResult<T> = Result<T, ApiError>;

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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionQuery {
    version: Option<i64>,
}

async fn method(
    State(state): State<AppState>,
    auth: ApiAuth,
    Query(q): Query<VersionQuery>,
) -> ApiResult<Json<MethodVersion>> {
    Ok(Json(
        state.services.risk_method(&auth.actor(), q.version).await?,
    ))
}

async fn methods(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<Vec<MethodVersion>>> {
    Ok(Json(state.services.risk_methods(&auth.actor()).await?))
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
                .publish_risk_method(&auth.actor(), &body.method, &body.note)
                .await?,
        ),
    ))
}

async fn threat_levels(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<Vec<ThreatLevel>>> {
    Ok(Json(state.services.threat_levels(&auth.actor()).await?))
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
    Path(category): Path<String>,
    ApiJson(body): ApiJson<LevelInput>,
) -> ApiResult<StatusCode> {
    state
        .services
        .set_threat_level(&auth.actor(), &category, body.level, &body.rationale)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioQuery {
    page: Option<u32>,
    per_page: Option<u32>,
    q: Option<String>,
    category: Option<String>,
    party_id: Option<i64>,
}

async fn scenarios(
    State(state): State<AppState>,
    auth: ApiAuth,
    q: Result<Query<ScenarioQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<Page<ThreatScenario>>> {
    let Query(q) = q.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("bad query string: {}", e.body_text()),
        )
    })?;
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
            .scenarios(&auth.actor(), &filter, PageRequest::new(q.page, q.per_page))
            .await?,
    ))
}

async fn scenario(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<i64>,
) -> ApiResult<Json<ThreatScenario>> {
    Ok(Json(state.services.scenario(&auth.actor(), id).await?))
}

async fn create_scenario(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(party_id): Path<i64>,
    ApiJson(body): ApiJson<ScenarioInput>,
) -> ApiResult<(StatusCode, Json<ThreatScenario>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .services
                .create_scenario(&auth.actor(), party_id, &body)
                .await?,
        ),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterQuery {
    page: Option<u32>,
    per_page: Option<u32>,
    party_id: Option<i64>,
    scenario_id: Option<i64>,
    residual_level: Option<String>,
    review_required: Option<bool>,
    review_due_by: Option<String>,
}

async fn assessments(
    State(state): State<AppState>,
    auth: ApiAuth,
    q: Result<Query<RegisterQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<Page<Assessment>>> {
    let Query(q) = q.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("bad query string: {}", e.body_text()),
        )
    })?;
    if let Some(level) = q.residual_level.as_deref() {
        if !sems_domain::risk::RiskLevel::ALL
            .iter()
            .any(|l| l.as_str() == level)
        {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "residual_level: must be very_low, low, medium, high or very_high",
            ));
        }
    }
    if let Some(day) = q.review_due_by.as_deref() {
        sems_domain::util::parse_date("review_due_by", day)
            .map_err(|e| ApiError::from(sems_services::ServiceError::from(e)))?;
    }
    let filter = AssessmentFilter {
        party_id: q.party_id,
        scenario_id: q.scenario_id,
        residual_level: q.residual_level,
        review_required: q.review_required,
        review_due_by: q.review_due_by,
    };
    Ok(Json(
        state
            .services
            .assessments(&auth.actor(), &filter, PageRequest::new(q.page, q.per_page))
            .await?,
    ))
}

async fn create_assessment(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(party_id): Path<i64>,
    ApiJson(body): ApiJson<AssessmentInput>,
) -> ApiResult<(StatusCode, Json<Assessment>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .services
                .create_assessment(&auth.actor(), party_id, &body)
                .await?,
        ),
    ))
}

async fn assessment(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Assessment>> {
    Ok(Json(state.services.assessment(&auth.actor(), id).await?))
}

async fn update_assessment(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AssessmentInput>,
) -> ApiResult<Json<Assessment>> {
    Ok(Json(
        state
            .services
            .update_assessment(&auth.actor(), id, &body)
            .await?,
    ))
}

async fn assessment_history(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<AssessmentChange>>> {
    Ok(Json(
        state.services.assessment_history(&auth.actor(), id).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MapQuery {
    party_id: Option<i64>,
    scenario_id: Option<i64>,
}

async fn heat_map(
    State(state): State<AppState>,
    auth: ApiAuth,
    q: Result<Query<MapQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<sems_services::risk::HeatMaps>> {
    let Query(q) = q.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("bad query string: {}", e.body_text()),
        )
    })?;
    let filter = AssessmentFilter {
        party_id: q.party_id,
        scenario_id: q.scenario_id,
        ..Default::default()
    };
    Ok(Json(
        state.services.heat_maps(&auth.actor(), &filter).await?,
    ))
}

async fn acceptances(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<Acceptance>>> {
    Ok(Json(state.services.acceptances(&auth.actor(), id).await?))
}

async fn accept(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AcceptanceInput>,
) -> ApiResult<(StatusCode, Json<Acceptance>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.services.accept_risk(&auth.actor(), id, &body).await?),
    ))
}
