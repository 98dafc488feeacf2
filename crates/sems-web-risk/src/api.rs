//! `/api/v1/risk/…` and the risk routes under `/api/v1/parties/{id}/…`: the risk method,
//! national threat levels, scenarios, assessments, measures, objective data, actions, the
//! national picture and imports.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use sems_domain::page::{Page, PageRequest};
use sems_domain::risk::RiskMethod;
use sems_domain::scenario::ScenarioCategory;
use sems_services::risk::actions::{ActionInput, ActionView, Projection};
use sems_services::risk::evidence::{EvidenceInput, EvidenceRecorded, ScoreProposals};
use sems_services::risk::import::ImportReport;
use sems_services::risk::measures::{
    ImplementationInput, MeasureInput, MeasureLine, PendingExemption,
};
use sems_services::risk::national::NationalPicture;
use sems_services::risk::{AcceptanceInput, AssessmentInput, ScenarioInput};
use sems_storage::risk::evidence::Evidence;
use sems_storage::risk::measures::{Implementation, MeasureFilter, SecurityMeasure};
use sems_storage::risk::{
    Acceptance, Assessment, AssessmentChange, AssessmentFilter, MethodVersion, RegisterSort,
    ScenarioFilter, ThreatLevel, ThreatScenario,
};
use sems_web_kit::api::ApiJson;
use sems_web_kit::error::ApiError;
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
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
    sems_web_kit::api::ApiPath(category): sems_web_kit::api::ApiPath<String>,
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
            .scenarios(&auth.actor(), &filter, PageRequest::new(q.page, q.per_page))
            .await?,
    ))
}

async fn scenario(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<ThreatScenario>> {
    Ok(Json(state.services.scenario(&auth.actor(), id).await?))
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
    /// residual (default), inherent, review, organisation, scenario or updated.
    sort: Option<String>,
}

async fn assessments(
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
            .assessments(&auth.actor(), &filter, PageRequest::new(q.page, q.per_page))
            .await?,
    ))
}

async fn create_assessment(
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
                .create_assessment(&auth.actor(), party_id, &body)
                .await?,
        ),
    ))
}

async fn assessment(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Assessment>> {
    Ok(Json(state.services.assessment(&auth.actor(), id).await?))
}

async fn update_assessment(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
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
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
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
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<MapQuery>,
) -> ApiResult<Json<sems_services::risk::HeatMaps>> {
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
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Vec<Acceptance>>> {
    Ok(Json(state.services.acceptances(&auth.actor(), id).await?))
}

async fn accept(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<AcceptanceInput>,
) -> ApiResult<(StatusCode, Json<Acceptance>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.services.accept_risk(&auth.actor(), id, &body).await?),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeasureQuery {
    page: Option<u32>,
    per_page: Option<u32>,
    party_id: Option<i64>,
    scenario_id: Option<i64>,
    baseline: Option<bool>,
    q: Option<String>,
}

async fn measures(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<MeasureQuery>,
) -> ApiResult<Json<Page<SecurityMeasure>>> {
    let filter = MeasureFilter {
        party_id: q.party_id,
        scenario_id: q.scenario_id,
        baseline: q.baseline,
        search: q.q,
    };
    Ok(Json(
        state
            .services
            .measures(&auth.actor(), &filter, PageRequest::new(q.page, q.per_page))
            .await?,
    ))
}

async fn measure(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<SecurityMeasure>> {
    Ok(Json(state.services.measure(&auth.actor(), id).await?))
}

async fn create_measure(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<MeasureInput>,
) -> ApiResult<(StatusCode, Json<SecurityMeasure>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .services
                .create_measure(&auth.actor(), party_id, &body)
                .await?,
        ),
    ))
}

async fn measure_register(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Vec<MeasureLine>>> {
    Ok(Json(
        state
            .services
            .measure_register(&auth.actor(), party_id)
            .await?,
    ))
}

async fn set_implementation(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath((party_id, measure_id)): sems_web_kit::api::ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<ImplementationInput>,
) -> ApiResult<Json<Implementation>> {
    Ok(Json(
        state
            .services
            .set_implementation(&auth.actor(), party_id, measure_id, &body)
            .await?,
    ))
}

async fn remove_measure(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath((party_id, measure_id)): sems_web_kit::api::ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    state
        .services
        .remove_measure(&auth.actor(), party_id, measure_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExemptionRequest {
    reason: String,
}

async fn request_exemption(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath((party_id, measure_id)): sems_web_kit::api::ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<ExemptionRequest>,
) -> ApiResult<Json<Implementation>> {
    Ok(Json(
        state
            .services
            .request_exemption(&auth.actor(), party_id, measure_id, &body.reason)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExemptionDecision {
    approve: bool,
    note: String,
}

async fn decide_exemption(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath((party_id, measure_id)): sems_web_kit::api::ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<ExemptionDecision>,
) -> ApiResult<Json<Implementation>> {
    Ok(Json(
        state
            .services
            .decide_exemption(
                &auth.actor(),
                party_id,
                measure_id,
                body.approve,
                &body.note,
            )
            .await?,
    ))
}

async fn pending_exemptions(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<Vec<PendingExemption>>> {
    Ok(Json(
        state.services.pending_exemptions(&auth.actor()).await?,
    ))
}

async fn proposals(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath((party_id, scenario_id)): sems_web_kit::api::ApiPath<(i64, i64)>,
) -> ApiResult<Json<ScoreProposals>> {
    Ok(Json(
        state
            .services
            .score_proposals(&auth.actor(), party_id, scenario_id)
            .await?,
    ))
}

async fn evidence(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath((party_id, scenario_id)): sems_web_kit::api::ApiPath<(i64, i64)>,
) -> ApiResult<Json<Vec<Evidence>>> {
    Ok(Json(
        state
            .services
            .evidence(&auth.actor(), party_id, scenario_id)
            .await?,
    ))
}

async fn record_evidence(
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
                .record_evidence(&auth.actor(), party_id, &body, "api")
                .await?,
        ),
    ))
}

#[derive(serde::Serialize)]
struct ActionList {
    actions: Vec<ActionView>,
    projection: Projection,
}

async fn actions(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<ActionList>> {
    let (actions, projection) = state.services.actions(&auth.actor(), id).await?;
    Ok(Json(ActionList {
        actions,
        projection,
    }))
}

async fn create_action(
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
                .create_action(&auth.actor(), id, &body)
                .await?,
        ),
    ))
}

async fn update_action(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<ActionInput>,
) -> ApiResult<Json<ActionView>> {
    Ok(Json(
        state
            .services
            .update_action(&auth.actor(), id, &body)
            .await?,
    ))
}

async fn national(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<NationalPicture>> {
    Ok(Json(state.services.national_picture(&auth.actor()).await?))
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
            .import_measures(&auth.actor(), party_id, &body, q.dry_run)
            .await?,
    ))
}
