//! `/api/v1/actions`: the corrective-action register of every module, through the access
//! rule (an action is read as its source), with completion and the effectiveness check.

use axum::extract::State;
use axum::Json;
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
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(actions))
        .routes(routes!(action))
        .routes(routes!(complete_action))
        .routes(routes!(check_action_effectiveness))
}

/// The register's filters.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// The organisation the actions belong to.
    party_id: Option<i64>,
    /// The kind of the source record: `risk_assessment`, `security_report`, `finding`.
    source: Option<String>,
    /// One status: `planned`, `in_progress`, `done`, `cancelled`.
    status: Option<String>,
    /// Only actions still to be done.
    open: Option<bool>,
    /// Only open actions past their due date.
    overdue: Option<bool>,
    /// The person responsible.
    responsible_person_id: Option<i64>,
    /// Done actions whose effectiveness is still to be checked.
    to_check: Option<bool>,
    /// Only actions escalated to the accountable executive (overdue).
    escalated: Option<bool>,
    /// Words the title contains.
    q: Option<String>,
    /// The page by number, from 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Rows per page, at most 200.
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    /// The `next_cursor` of the previous page, instead of `page`.
    cursor: Option<String>,
}

fn refused(field: &str, message: String) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        format!("{field}: {message}"),
    )
}

/// The corrective-action register: every action the reader may read, of every module (an
/// action is read as its source record), the earliest due first.
#[utoipa::path(get, path = "/actions", tag = "Actions", params(ListQuery),
    responses((status = 200, body = Page<ActionView>)))]
async fn actions(
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
        escalated: q.escalated.unwrap_or(false),
        search: q.q.clone().filter(|w| !w.trim().is_empty()),
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

/// One action of the register, with what the reader may do (allowed.complete, allowed.check).
#[utoipa::path(get, path = "/actions/{id}", tag = "Actions",
    params(("id" = i64, Path, description = "The action's id")),
    responses((status = 200, body = ActionView)))]
async fn action(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ActionView>> {
    Ok(Json(
        state.services.register_action(&auth.actor(), id).await?,
    ))
}

/// Record an open action done today, with its evidence (who may update its source).
#[utoipa::path(post, path = "/actions/{id}/completion", tag = "Actions",
    params(("id" = i64, Path, description = "The action's id")),
    request_body = CompleteInput, responses((status = 200, body = ActionView)))]
async fn complete_action(
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

/// Record once whether a done action was effective (a note is required when it was not; the
/// responsible person is told).
#[utoipa::path(post, path = "/actions/{id}/effectiveness", tag = "Actions",
    params(("id" = i64, Path, description = "The action's id")),
    request_body = EffectivenessInput, responses((status = 200, body = ActionView)))]
async fn check_action_effectiveness(
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
