//! `/api/v1` for risk assessments: the register, an assessment and its history, heat maps,
//! acceptance, score proposals and objective data, mitigation actions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sems_domain::page::Page;
use sems_services::risk::actions::{ActionInput, MitigationActionView, RiskProjection};
use sems_services::risk::evidence::{EvidenceInput, EvidenceRecorded, ScoreProposals};
use sems_services::risk::views::{Acceptance, AssessmentChange, RiskAssessment, RiskEvidence};
use sems_services::risk::{AcceptanceInput, AssessmentInput, HeatMaps};
use sems_storage::risk::{AssessmentFilter, RegisterSort};
use sems_web_kit::api::ApiJson;
use sems_web_kit::error::{ApiError, ApiResult};
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The filters and order of the risk register.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct RegisterQuery {
    /// The page by number, from 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Rows per page, at most 200.
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    /// The `next_cursor` of the previous page, instead of `page`.
    cursor: Option<String>,
    /// Assessments of one organisation.
    party_id: Option<i64>,
    /// Assessments of one scenario.
    scenario_id: Option<i64>,
    /// Assessments at one residual level: very_low, low, medium, high or very_high.
    residual_level: Option<String>,
    /// Only assessments marked review required (true), or only those not marked (false).
    review_required: Option<bool>,
    /// Only assessments whose review is due on or before this day (YYYY-MM-DD), or marked
    /// review required.
    #[param(format = Date)]
    review_due_by: Option<String>,
    /// Where assessments stand with the accountable executive's acceptance: awaiting
    /// (tolerable with review, no acceptance of the current score in force), expiring (in
    /// force, ending within 60 days) or accepted.
    acceptance: Option<String>,
    /// residual (default), inherent, review, organisation, scenario or updated.
    sort: Option<String>,
}

/// The risk register: assessments one may read, highest residual risk first (filters:
/// party_id, scenario_id, residual_level, review_required, review_due_by, acceptance; sort:
/// residual, inherent, review, organisation, scenario, updated). Each says who accepted its
/// current residual risk and until when.
#[utoipa::path(get, path = "/risk/assessments", tag = "Risk", params(RegisterQuery),
    responses((status = 200, body = Page<RiskAssessment>)))]
pub(super) async fn assessments(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<RegisterQuery>,
) -> ApiResult<Json<Page<RiskAssessment>>> {
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
    let acceptance = match q.acceptance.as_deref() {
        None | Some("") => None,
        Some(word) => Some(
            state
                .services
                .risk()
                .acceptance_filter(
                    sems_domain::risk::AcceptanceState::parse(word)
                        .map_err(|e| ApiError::from(sems_services::ServiceError::from(e)))?,
                )
                .await?,
        ),
    };
    let filter = AssessmentFilter {
        party_id: q.party_id,
        scenario_id: q.scenario_id,
        residual_level: q.residual_level,
        review_required: q.review_required,
        review_due_by: q.review_due_by,
        acceptance,
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
            .await?
            .map(RiskAssessment::from),
    ))
}

/// Assess a scenario for an organisation (or a site) under the current method; every score
/// needs a rationale.
#[utoipa::path(post, path = "/parties/{id}/assessments", tag = "Risk",
    params(("id" = i64, Path, description = "The organisation's party id")),
    request_body = AssessmentInput, responses((status = 201, body = RiskAssessment)))]
pub(super) async fn create_assessment(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<AssessmentInput>,
) -> ApiResult<(StatusCode, Json<RiskAssessment>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .services
                .risk()
                .create_assessment(&auth.actor(), party_id, &body)
                .await?
                .into(),
        ),
    ))
}

/// One risk assessment.
#[utoipa::path(get, path = "/risk/assessments/{id}", tag = "Risk",
    params(("id" = i64, Path, description = "The assessment's id")),
    responses((status = 200, body = RiskAssessment)))]
pub(super) async fn assessment(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<RiskAssessment>> {
    Ok(Json(
        state
            .services
            .risk()
            .assessment(&auth.actor(), id)
            .await?
            .into(),
    ))
}

/// Change an assessment with a reason; `reassess` moves one made under an earlier method
/// version to the current one.
#[utoipa::path(patch, path = "/risk/assessments/{id}", tag = "Risk",
    params(("id" = i64, Path, description = "The assessment's id")),
    request_body = AssessmentInput, responses((status = 200, body = RiskAssessment)))]
pub(super) async fn update_assessment(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<AssessmentInput>,
) -> ApiResult<Json<RiskAssessment>> {
    Ok(Json(
        state
            .services
            .risk()
            .update_assessment(&auth.actor(), id, &body)
            .await?
            .into(),
    ))
}

/// Every change of an assessment: who, when, why, old and new.
#[utoipa::path(get, path = "/risk/assessments/{id}/history", tag = "Risk",
    params(("id" = i64, Path, description = "The assessment's id")),
    responses((status = 200, body = Vec<AssessmentChange>)))]
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
            .await?
            .into_iter()
            .map(AssessmentChange::from)
            .collect(),
    ))
}

/// The filters of the heat maps.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct MapQuery {
    /// Assessments of one organisation.
    party_id: Option<i64>,
    /// Assessments of one scenario.
    scenario_id: Option<i64>,
}

/// Inherent and residual 5×5 heat maps of the assessments one may read (filters: party_id,
/// scenario_id).
#[utoipa::path(get, path = "/risk/heat-map", tag = "Risk", params(MapQuery),
    responses((status = 200, body = HeatMaps)))]
pub(super) async fn heat_map(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<MapQuery>,
) -> ApiResult<Json<HeatMaps>> {
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

/// Acceptances of an assessment's residual risk, newest first.
#[utoipa::path(get, path = "/risk/assessments/{id}/acceptances", tag = "Risk",
    params(("id" = i64, Path, description = "The assessment's id")),
    responses((status = 200, body = Vec<Acceptance>)))]
pub(super) async fn acceptances(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Vec<Acceptance>>> {
    Ok(Json(
        state
            .services
            .risk()
            .acceptances(&auth.actor(), id)
            .await?
            .into_iter()
            .map(Acceptance::from)
            .collect(),
    ))
}

/// Accept a residual risk tolerable with review, until a date (the organisation's accountable
/// executive only; an intolerable risk cannot be accepted).
#[utoipa::path(post, path = "/risk/assessments/{id}/acceptances", tag = "Risk",
    operation_id = "accept_risk",
    params(("id" = i64, Path, description = "The assessment's id")),
    request_body = AcceptanceInput, responses((status = 201, body = Acceptance)))]
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
                .await?
                .into(),
        ),
    ))
}

/// The scores proposed from objective data: likelihood from the national threat level,
/// vulnerability from test pass rates and occurrences.
#[utoipa::path(get, path = "/parties/{id}/scenarios/{scenario_id}/proposals", tag = "Risk",
    operation_id = "score_proposals",
    params(
        ("id" = i64, Path, description = "The organisation's party id"),
        ("scenario_id" = i64, Path, description = "The scenario's id")
    ),
    responses((status = 200, body = ScoreProposals)))]
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

/// Test results and occurrences on a scenario at an organisation, newest first.
#[utoipa::path(get, path = "/parties/{id}/scenarios/{scenario_id}/evidence", tag = "Risk",
    operation_id = "risk_evidence",
    params(
        ("id" = i64, Path, description = "The organisation's party id"),
        ("scenario_id" = i64, Path, description = "The scenario's id")
    ),
    responses((status = 200, body = Vec<RiskEvidence>)))]
pub(super) async fn evidence(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath((party_id, scenario_id)): sems_web_kit::api::ApiPath<(i64, i64)>,
) -> ApiResult<Json<Vec<RiskEvidence>>> {
    Ok(Json(
        state
            .services
            .risk()
            .evidence(&auth.actor(), party_id, scenario_id)
            .await?
            .into_iter()
            .map(RiskEvidence::from)
            .collect(),
    ))
}

/// Record a test result or an occurrence; a failed test or an occurrence marks the
/// organisation's assessments of the scenario review required.
#[utoipa::path(post, path = "/parties/{id}/evidence", tag = "Risk",
    params(("id" = i64, Path, description = "The organisation's party id")),
    request_body = EvidenceInput, responses((status = 201, body = EvidenceRecorded)))]
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

/// The mitigation actions of an assessment, with the residual risk projected once the open
/// ones have their expected effect.
#[derive(Serialize, ToSchema)]
pub(super) struct ActionList {
    actions: Vec<MitigationActionView>,
    projection: RiskProjection,
}

/// Mitigation actions of an assessment, overdue flagged, with the projected residual risk
/// after the open ones.
#[utoipa::path(get, path = "/risk/assessments/{id}/actions", tag = "Risk",
    operation_id = "mitigation_actions",
    params(("id" = i64, Path, description = "The assessment's id")),
    responses((status = 200, body = ActionList)))]
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

/// Add a mitigation action.
#[utoipa::path(post, path = "/risk/assessments/{id}/actions", tag = "Risk",
    operation_id = "create_mitigation_action",
    params(("id" = i64, Path, description = "The assessment's id")),
    request_body = ActionInput, responses((status = 201, body = MitigationActionView)))]
pub(super) async fn create_action(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<ActionInput>,
) -> ApiResult<(StatusCode, Json<MitigationActionView>)> {
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

/// Change a mitigation action.
#[utoipa::path(put, path = "/risk/actions/{id}", tag = "Risk",
    operation_id = "update_mitigation_action",
    params(("id" = i64, Path, description = "The mitigation action's id")),
    request_body = ActionInput, responses((status = 200, body = MitigationActionView)))]
pub(super) async fn update_action(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<ActionInput>,
) -> ApiResult<Json<MitigationActionView>> {
    Ok(Json(
        state
            .services
            .risk()
            .update_action(&auth.actor(), id, &body)
            .await?,
    ))
}
