//! `/api/v1` for what protects people: confidential reporting as the trail's readers see it
//! (counts per day), the security log, and appointments to protected duties.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use sems_domain::page::Page;
use sems_domain::role::Role;
use sems_services::grants::GrantView;
use sems_storage::appointments::Appointment;
use sems_storage::audit::{AuditFilter, AuditView, ProtectedDay};
use sems_web_kit::api::ApiJson;
use sems_web_kit::error::{ApiError, ApiResult};
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit/protected-reporting", get(protected_reporting))
        .route("/security-log", get(security_log))
        .route("/parties/{id}/appointments", get(appointments))
        .route("/people/{id}/appointments", post(appoint))
        .route("/appointments/{id}/end", post(end_appointment))
        .route("/grants", get(pending_grants))
        .route("/grants/{id}", post(decide_grant))
}

/// Grants waiting for a director's confirmation (authority roles, clearances above the
/// lowest), the oldest first.
async fn pending_grants(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<Paging>,
) -> ApiResult<Json<Page<GrantView>>> {
    Ok(Json(
        state
            .services
            .pending_grants(
                &auth.actor(),
                sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?,
            )
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantDecision {
    /// `confirm` or `refuse`.
    decision: String,
    #[serde(default)]
    note: String,
}

async fn decide_grant(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<GrantDecision>,
) -> ApiResult<Json<GrantView>> {
    let confirm = match body.decision.as_str() {
        "confirm" => true,
        "refuse" => false,
        _ => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "decision: confirm or refuse",
            ))
        }
    };
    Ok(Json(
        state
            .services
            .decide_grant(&auth.actor(), id, confirm, &body.note)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartyPage {
    party_id: Option<i64>,
    page: Option<u32>,
    per_page: Option<u32>,
    cursor: Option<String>,
}

async fn protected_reporting(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<PartyPage>,
) -> ApiResult<Json<Page<ProtectedDay>>> {
    Ok(Json(
        state
            .services
            .protected_reporting_days(
                &auth.actor(),
                q.party_id,
                sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?,
            )
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LogQuery {
    person_id: Option<i64>,
    action: Option<String>,
    from_ms: Option<i64>,
    until_ms: Option<i64>,
    page: Option<u32>,
    per_page: Option<u32>,
    cursor: Option<String>,
}

async fn security_log(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<LogQuery>,
) -> ApiResult<Json<Page<AuditView>>> {
    let filter = AuditFilter {
        subject_person_id: q.person_id,
        action_prefix: q.action,
        from_ms: q.from_ms,
        until_ms: q.until_ms,
        ..Default::default()
    };
    Ok(Json(
        state
            .services
            .security_log(
                &auth.actor(),
                &filter,
                sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?,
            )
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Paging {
    page: Option<u32>,
    per_page: Option<u32>,
    cursor: Option<String>,
}

async fn appointments(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<Paging>,
) -> ApiResult<Json<Page<Appointment>>> {
    Ok(Json(
        state
            .services
            .appointments(
                &auth.actor(),
                party_id,
                sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?,
            )
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AppointBody {
    duty: String,
    #[serde(default)]
    note: String,
}

async fn appoint(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(person_id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<AppointBody>,
) -> ApiResult<(StatusCode, Json<Appointment>)> {
    let duty = Role::parse(&body.duty).map_err(sems_services::ServiceError::from)?;
    if !duty.is_appointed() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "duty: {} is given as a role of the account, not by appointment",
                duty.label()
            ),
        ));
    }
    let appointment = state
        .services
        .appoint(&auth.actor(), person_id, duty, &body.note)
        .await?;
    Ok((StatusCode::CREATED, Json(appointment)))
}

async fn end_appointment(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Appointment>> {
    Ok(Json(
        state.services.end_appointment(&auth.actor(), id).await?,
    ))
}
