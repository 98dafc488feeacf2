//! `/api/v1/actions`: the corrective-action register of every module, through the access
//! rule (an action is read as its source), with completion and the effectiveness check.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use sems_domain::access::RecordKind;
use sems_domain::action::{ActionStatus, SOURCES};
use sems_domain::page::Page;
use sems_services::actions::{ActionView, CompleteInput, EffectivenessInput};
use sems_storage::actions::ActionFilter;
use sems_web_kit::api::{ApiJson, ApiPath};
use sems_web_kit::error::{ApiError, ApiResult};
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/actions", get(list))
        .route("/actions/{id}", get(one))
        .route("/actions/{id}/completion", post(complete))
        .route("/actions/{id}/effectiveness", post(effectiveness))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    party_id: Option<i64>,
    /// The kind of the source record: `risk_assessment`, `security_report`, `finding`.
    source: Option<String>,
    status: Option<String>,
    open: Option<bool>,
    overdue: Option<bool>,
    responsible_person_id: Option<i64>,
    /// Done actions whose effectiveness is still to be checked.
    to_check: Option<bool>,
    page: Option<u32>,
    per_page: Option<u32>,
    cursor: Option<String>,
}

fn refused(field: &str, message: String) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        format!("{field}: {message}"),
    )
}

async fn list(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<ListQuery>,
) -> ApiResult<Json<Page<ActionView>>> {
    let source_kind = match q.source.as_deref() {
        None | Some("") => None,
        Some(s) => Some(
            RecordKind::parse(s)
                .filter(|k| SOURCES.contains(k))
                .ok_or_else(|| {
                    refused(
                        "source",
                        format!("must be one of {}", SOURCES.map(|k| k.as_str()).join(", ")),
                    )
                })?,
        ),
    };
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(ActionStatus::parse(s).map_err(sems_services::ServiceError::from)?),
    };
    let filter = ActionFilter {
        party_id: q.party_id,
        source_kind,
        status,
        open: q.open.unwrap_or(false),
        overdue_on: q.overdue.unwrap_or(false).then(sems_domain::util::today),
        responsible_person_id: q.responsible_person_id,
        to_check: q.to_check.unwrap_or(false),
    };
    Ok(Json(
        state
            .services
            .action_register(
                &auth.actor(),
                &filter,
                sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?,
            )
            .await?,
    ))
}

async fn one(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ActionView>> {
    Ok(Json(
        state.services.register_action(&auth.actor(), id).await?,
    ))
}

async fn complete(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CompleteInput>,
) -> ApiResult<Json<ActionView>> {
    Ok(Json(
        state
            .services
            .complete_action(&auth.actor(), id, &body)
            .await?,
    ))
}

async fn effectiveness(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<EffectivenessInput>,
) -> ApiResult<Json<ActionView>> {
    Ok(Json(
        state
            .services
            .check_action_effectiveness(&auth.actor(), id, &body)
            .await?,
    ))
}
