//! `/api/v1` for risk assessments: the register, an assessment and its history, heat maps,
//! acceptance, score proposals and objective data, mitigation actions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sems_domain::page::Page;
use sems_services::risk::actions::{ActionInput, ActionView, Projection};
use sems_services::risk::evidence::{EvidenceInput, EvidenceRecorded, ScoreProposals};
use sems_services::risk::{AcceptanceInput, AssessmentInput};
use sems_storage::risk::evidence::Evidence;
use sems_storage::risk::{
    Acceptance, Assessment, AssessmentChange, AssessmentFilter, RegisterSort,
};
use sems_web_kit::api::ApiJson;
use sems_web_kit::error::{ApiError, ApiResult};
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RegisterQuery {
    page: Option<u32>,
    per_page: Option<u32>,
    cursor: Option<String>,
    party_id: Option<i64>,
    scenario_id: Option<i64>,
    residual_level: Option<String>,
    review_required: Option<bool>,
    review_due_by: Option<String>,
    /// residual (default), inherent, review, organisation, scenario or updated.
    sort: Option<String>,
}

pub(super) async fn assessments(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<RegisterQuery>,
) -> ApiResult<Json<Page<Assessment>>> {
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
    let sort = match q.sort.as_deref() {
        None | Some("") => RegisterSort::default(),
        Some(s) => RegisterSort::parse(s).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "sort: must be residual, inherent, review, organisation, scenario or updated",
            )
        })?,
    };
    let filter = AssessmentFilter {
        party_id: q.party_id,
        scenario_id: q.scenario_id,
        residual_level: q.residual_level,
        review_required: q.review_required,
        review_due_by: q.review_due_by,
        sort,
    };
    Ok(Json(
        state
            .services
            .risk()
            .assessments(
                &auth.actor(),
                &filter,
                sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?,
            )
            .await?,
    ))
}

pub(super) async fn create_assessment(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<AssessmentInput>,
) -> ApiResult<(StatusCode, Json<Assessment>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .services
                .risk()
                .create_assessment(&auth.actor(), party_id, &body)
                .await?,
        ),
    ))
}

pub(super) async fn assessment(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Assessment>> {
    Ok(Json(
        state.services.risk().assessment(&auth.actor(), id).await?,
    ))
}

pub(super) async fn update_assessment(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<AssessmentInput>,
) -> ApiResult<Json<Assessment>> {
    Ok(Json(
        state
            .services
            .risk()
            .update_assessment(&auth.actor(), id, &body)
            .await?,
    ))
}

pub(super) async fn assessment_history(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Vec<AssessmentChange>>> {
    Ok(Json(
        state
            .services
            .risk()
            .assessment_history(&auth.actor(), id)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MapQuery {
    party_id: Option<i64>,
    scenario_id: Option<i64>,
}

pub(super) async fn heat_map(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<MapQuery>,
) -> ApiResult<Json<sems_services::risk::HeatMaps>> {
    let filter = AssessmentFilter {
        party_id: q.party_id,
        scenario_id: q.scenario_id,
        ..Default::default()
    };
    Ok(Json(
        state
            .services
            .risk()
            .heat_maps(&auth.actor(), &filter)
            .await?,
    ))
}

pub(super) async fn acceptances(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Vec<Acceptance>>> {
    Ok(Json(
        state.services.risk().acceptances(&auth.actor(), id).await?,
    ))
}

pub(super) async fn accept(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<AcceptanceInput>,
) -> ApiResult<(StatusCode, Json<Acceptance>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .services
                .risk()
                .accept_risk(&auth.actor(), id, &body)
                .await?,
        ),
    ))
}

pub(super) async fn proposals(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath((party_id, scenario_id)): sems_web_kit::api::ApiPath<(i64, i64)>,
) -> ApiResult<Json<ScoreProposals>> {
    Ok(Json(
        state
            .services
            .risk()
            .score_proposals(&auth.actor(), party_id, scenario_id)
            .await?,
    ))
}

pub(super) async fn evidence(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath((party_id, scenario_id)): sems_web_kit::api::ApiPath<(i64, i64)>,
) -> ApiResult<Json<Vec<Evidence>>> {
    Ok(Json(
        state
            .services
            .risk()
            .evidence(&auth.actor(), party_id, scenario_id)
            .await?,
    ))
}

pub(super) async fn record_evidence(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<EvidenceInput>,
) -> ApiResult<(StatusCode, Json<EvidenceRecorded>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .services
                .risk()
                .record_evidence(&auth.actor(), party_id, &body, "api")
                .await?,
        ),
    ))
}

#[derive(serde::Serialize)]
pub(super) struct ActionList {
    actions: Vec<ActionView>,
    projection: Projection,
}

pub(super) async fn actions(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<ActionList>> {
    let (actions, projection) = state.services.risk().actions(&auth.actor(), id).await?;
    Ok(Json(ActionList {
        actions,
        projection,
    }))
}

pub(super) async fn create_action(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<ActionInput>,
) -> ApiResult<(StatusCode, Json<ActionView>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .services
                .risk()
                .create_action(&auth.actor(), id, &body)
                .await?,
        ),
    ))
}

pub(super) async fn update_action(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<ActionInput>,
) -> ApiResult<Json<ActionView>> {
    Ok(Json(
        state
            .services
            .risk()
            .update_action(&auth.actor(), id, &body)
            .await?,
    ))
}
