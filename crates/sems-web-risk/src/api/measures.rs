//! `/api/v1` for security measures: the catalogue, each organisation's implementation and
//! measure register, exemptions and their decisions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sems_domain::page::Page;
use sems_services::risk::measures::{
    ImplementationInput, MeasureInput, MeasureLine, PendingExemption,
};
use sems_services::risk::views::{Implementation, SecurityMeasure};
use sems_storage::risk::measures::MeasureFilter;
use sems_web_kit::api::ApiJson;
use sems_web_kit::error::ApiResult;
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The filters of the measure catalogue.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct MeasureQuery {
    /// The page by number, from 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Rows per page, at most 200.
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    /// The `next_cursor` of the previous page, instead of `page`.
    cursor: Option<String>,
    /// Measures of one party (the authority's: the baseline).
    party_id: Option<i64>,
    /// Measures that mitigate one scenario.
    scenario_id: Option<i64>,
    /// Only baseline measures (true), or only organisations' own (false).
    baseline: Option<bool>,
    /// Words the title or code contains.
    q: Option<String>,
}

/// Security measures one may read: the baseline and one's own (filters: party_id,
/// scenario_id, baseline, q).
#[utoipa::path(get, path = "/risk/measures", tag = "Risk", params(MeasureQuery),
    responses((status = 200, body = Page<SecurityMeasure>)))]
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
            .await?
            .map(SecurityMeasure::from),
    ))
}

/// One security measure with the scenarios it mitigates.
#[utoipa::path(get, path = "/risk/measures/{id}", tag = "Risk",
    params(("id" = i64, Path, description = "The measure's id")),
    responses((status = 200, body = SecurityMeasure)))]
pub(super) async fn measure(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<SecurityMeasure>> {
    Ok(Json(
        state
            .services
            .risk()
            .measure(&auth.actor(), id)
            .await?
            .into(),
    ))
}

/// Add a measure: a baseline measure (the authority) or an organisation's own.
#[utoipa::path(post, path = "/parties/{id}/measures", tag = "Risk",
    params(("id" = i64, Path, description = "The party's id")),
    request_body = MeasureInput, responses((status = 201, body = SecurityMeasure)))]
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
                .await?
                .into(),
        ),
    ))
}

/// An organisation's measure register: every baseline measure and its own, with its
/// implementation of each.
#[utoipa::path(get, path = "/parties/{id}/measure-register", tag = "Risk",
    params(("id" = i64, Path, description = "The organisation's party id")),
    responses((status = 200, body = Vec<MeasureLine>)))]
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

/// Record an organisation's implementation of a measure (responsible person, status, costs);
/// not applicable on a baseline measure only through an approved exemption.
#[utoipa::path(put, path = "/parties/{id}/measures/{measure_id}", tag = "Risk",
    params(
        ("id" = i64, Path, description = "The organisation's party id"),
        ("measure_id" = i64, Path, description = "The measure's id")
    ),
    request_body = ImplementationInput, responses((status = 200, body = Implementation)))]
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
            .await?
            .into(),
    ))
}

/// Remove one of an organisation's own measures (a baseline measure cannot be removed).
#[utoipa::path(delete, path = "/parties/{id}/measures/{measure_id}", tag = "Risk",
    params(
        ("id" = i64, Path, description = "The organisation's party id"),
        ("measure_id" = i64, Path, description = "The measure's id")
    ),
    responses((status = 204, description = "Done")))]
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

/// Why an organisation asks not to apply a baseline measure.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ExemptionRequest {
    /// 10 to 2000 characters.
    reason: String,
}

/// Ask the authority for an exemption from a baseline measure.
#[utoipa::path(post, path = "/parties/{id}/measures/{measure_id}/exemption", tag = "Risk",
    params(
        ("id" = i64, Path, description = "The organisation's party id"),
        ("measure_id" = i64, Path, description = "The measure's id")
    ),
    request_body = ExemptionRequest, responses((status = 200, body = Implementation)))]
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
            .await?
            .into(),
    ))
}

/// The authority's decision on an exemption request, with its grounds.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ExemptionDecision {
    approve: bool,
    /// The grounds of the decision (3 to 2000 characters).
    note: String,
}

/// Approve or refuse an exemption (the authority's director, or an inspector assigned to the
/// organisation).
#[utoipa::path(post, path = "/parties/{id}/measures/{measure_id}/exemption/decision",
    tag = "Risk",
    params(
        ("id" = i64, Path, description = "The organisation's party id"),
        ("measure_id" = i64, Path, description = "The measure's id")
    ),
    request_body = ExemptionDecision, responses((status = 200, body = Implementation)))]
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
            .await?
            .into(),
    ))
}

/// Exemption requests awaiting one's decision, oldest first.
#[utoipa::path(get, path = "/risk/exemptions", tag = "Risk",
    responses((status = 200, body = Vec<PendingExemption>)))]
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
