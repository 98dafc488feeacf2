//! `/api/v1` for security measures: the catalogue, each organisation's implementation and
//! measure register, exemptions and their decisions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sems_domain::page::Page;
use sems_services::risk::measures::{
    ImplementationInput, MeasureInput, MeasureLine, PendingExemption,
};
use sems_storage::risk::measures::{Implementation, MeasureFilter, SecurityMeasure};
use sems_web_kit::api::ApiJson;
use sems_web_kit::error::ApiResult;
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MeasureQuery {
    page: Option<u32>,
    per_page: Option<u32>,
    cursor: Option<String>,
    party_id: Option<i64>,
    scenario_id: Option<i64>,
    baseline: Option<bool>,
    q: Option<String>,
}

pub(super) async fn measures(
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
            .risk()
            .measures(
                &auth.actor(),
                &filter,
                sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?,
            )
            .await?,
    ))
}

pub(super) async fn measure(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<SecurityMeasure>> {
    Ok(Json(
        state.services.risk().measure(&auth.actor(), id).await?,
    ))
}

pub(super) async fn create_measure(
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
                .risk()
                .create_measure(&auth.actor(), party_id, &body)
                .await?,
        ),
    ))
}

pub(super) async fn measure_register(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Vec<MeasureLine>>> {
    Ok(Json(
        state
            .services
            .risk()
            .measure_register(&auth.actor(), party_id)
            .await?,
    ))
}

pub(super) async fn set_implementation(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath((party_id, measure_id)): sems_web_kit::api::ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<ImplementationInput>,
) -> ApiResult<Json<Implementation>> {
    Ok(Json(
        state
            .services
            .risk()
            .set_implementation(&auth.actor(), party_id, measure_id, &body)
            .await?,
    ))
}

pub(super) async fn remove_measure(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath((party_id, measure_id)): sems_web_kit::api::ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    state
        .services
        .risk()
        .remove_measure(&auth.actor(), party_id, measure_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ExemptionRequest {
    reason: String,
}

pub(super) async fn request_exemption(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath((party_id, measure_id)): sems_web_kit::api::ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<ExemptionRequest>,
) -> ApiResult<Json<Implementation>> {
    Ok(Json(
        state
            .services
            .risk()
            .request_exemption(&auth.actor(), party_id, measure_id, &body.reason)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ExemptionDecision {
    approve: bool,
    note: String,
}

pub(super) async fn decide_exemption(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath((party_id, measure_id)): sems_web_kit::api::ApiPath<(i64, i64)>,
    ApiJson(body): ApiJson<ExemptionDecision>,
) -> ApiResult<Json<Implementation>> {
    Ok(Json(
        state
            .services
            .risk()
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

pub(super) async fn pending_exemptions(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<Vec<PendingExemption>>> {
    Ok(Json(
        state
            .services
            .risk()
            .pending_exemptions(&auth.actor())
            .await?,
    ))
}
