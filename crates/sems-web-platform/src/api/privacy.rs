//! `/api/v1` for what protects people: confidential reporting as the trail's readers see it
//! (counts per day), the security log, and appointments to protected duties.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sems_domain::page::Page;
use sems_domain::role::Role;
use sems_services::grants::GrantView;
use sems_services::views::{Appointment, AuditEntry, ProtectedDay};
use sems_storage::audit::AuditFilter;
use sems_web_kit::api::{ApiJson, Paging};
use sems_web_kit::error::{ApiError, ApiResult};
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(protected_reporting))
        .routes(routes!(security_log))
        .routes(routes!(appointments))
        .routes(routes!(appoint))
        .routes(routes!(end_appointment))
        .routes(routes!(pending_grants))
        .routes(routes!(decide_grant))
}

/// Grants waiting for a director of the authority to confirm them (authority roles,
/// clearances above the lowest), the oldest first; `may_decide` says whether the reader is a
/// second person who may decide.
#[utoipa::path(get, path = "/grants", tag = "Organisations", params(Paging),
    responses((status = 200, body = Page<GrantView>)))]
async fn pending_grants(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<Paging>,
) -> ApiResult<Json<Page<GrantView>>> {
    Ok(Json(
        state
            .services
            .pending_grants(&auth.actor(), q.request()?)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct GrantDecision {
    /// `confirm` or `refuse`.
    #[schema(pattern = "^(confirm|refuse)$")]
    decision: String,
    #[serde(default)]
    note: String,
}

/// Confirm (the roles and clearance take effect) or refuse a held grant: a director of the
/// authority, neither the one who asked nor the one who receives it.
#[utoipa::path(post, path = "/grants/{id}", tag = "Organisations",
    params(("id" = i64, Path, description = "The held grant's id")),
    request_body = GrantDecision, responses((status = 200, body = GrantView)))]
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

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PartyPage {
    /// One organisation.
    party_id: Option<i64>,
    /// The page by number, from 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Rows per page, at most 200.
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    /// The `next_cursor` of the previous page, instead of `page`.
    cursor: Option<String>,
}

/// Confidential and anonymous filings and the events that follow from them, for the trail's
/// readers: counts per day, organisation and action, nothing finer.
#[utoipa::path(get, path = "/audit/protected-reporting", tag = "Audit trail", params(PartyPage),
    responses((status = 200, body = Page<ProtectedDay>)))]
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
            .await?
            .map(ProtectedDay::from),
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct LogQuery {
    /// Events about one person.
    person_id: Option<i64>,
    /// Actions that start with this (`session.`, `password.`, `token.`).
    action: Option<String>,
    /// From this time (milliseconds since the epoch).
    from_ms: Option<i64>,
    /// Before this time (milliseconds since the epoch).
    until_ms: Option<i64>,
    /// The page by number, from 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Rows per page, at most 200.
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    /// The `next_cursor` of the previous page, instead of `page`.
    cursor: Option<String>,
}

/// Sign-in, sign-out, lockout, two-factor, password and token events: every one for the
/// deployment administrator, one's own for everyone else.
#[utoipa::path(get, path = "/security-log", tag = "Audit trail", params(LogQuery),
    responses((status = 200, body = Page<AuditEntry>)))]
async fn security_log(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<LogQuery>,
) -> ApiResult<Json<Page<AuditEntry>>> {
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
            .await?
            .map(AuditEntry::from),
    ))
}

/// Appointments to protected duties (the identity custodian), those in force first.
#[utoipa::path(get, path = "/parties/{id}/appointments", tag = "Organisations",
    params(("id" = i64, Path, description = "The organisation's id"), Paging),
    responses((status = 200, body = Page<Appointment>)))]
async fn appointments(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<Paging>,
) -> ApiResult<Json<Page<Appointment>>> {
    Ok(Json(
        state
            .services
            .appointments(&auth.actor(), party_id, q.request()?)
            .await?
            .map(Appointment::from),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct AppointBody {
    /// The duty: `identity_custodian`.
    duty: String,
    #[serde(default)]
    note: String,
}

/// Appoint a person to a protected duty (the accountable executive or the administrator);
/// recorded and notified.
#[utoipa::path(post, path = "/people/{id}/appointments", tag = "Organisations",
    params(("id" = i64, Path, description = "The person's id")),
    request_body = AppointBody, responses((status = 201, body = Appointment)))]
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
    Ok((StatusCode::CREATED, Json(appointment.into())))
}

/// End an appointment (the accountable executive or the administrator): the person loses the
/// duty's role.
#[utoipa::path(post, path = "/appointments/{id}/end", tag = "Organisations",
    params(("id" = i64, Path, description = "The appointment's id")),
    responses((status = 200, body = Appointment)))]
async fn end_appointment(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Appointment>> {
    Ok(Json(
        state
            .services
            .end_appointment(&auth.actor(), id)
            .await?
            .into(),
    ))
}
