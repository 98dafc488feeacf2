//! Disclosure of a confidential reporter's identity: a handler asks, the identity custodian
//! decides, the handler opens it once.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sems_web_kit::api::{ApiJson, ApiPath};
use sems_web_kit::error::ApiResult;
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(request_identity))
        .routes(routes!(decide_identity))
        .routes(routes!(disclose_identity))
}

/// Why a handler needs to know who filed a confidential report.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct IdentityRequestInput {
    /// 10 to 2000 characters.
    reason: String,
}

/// The id of what was created.
#[derive(Serialize, ToSchema)]
struct CreatedId {
    id: i64,
}

/// Ask the identity custodian for a confidential reporter's identity, with a reason.
#[utoipa::path(post, path = "/reports/{id}/identity-requests", tag = "Reports",
    params(("id" = i64, Path, description = "The report's id")),
    request_body = IdentityRequestInput, responses((status = 201, body = CreatedId)))]
async fn request_identity(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<IdentityRequestInput>,
) -> ApiResult<(StatusCode, Json<CreatedId>)> {
    let id = state
        .services
        .reporting()
        .request_identity(&auth.actor(), id, &b.reason)
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedId { id })))
}

/// The identity custodian's decision on a request, with its grounds.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct DecisionInput {
    approve: bool,
    /// 3 to 2000 characters.
    note: String,
}

/// The identity custodian approves or refuses (never their own request).
#[utoipa::path(post, path = "/reports/{id}/identity-requests/{request_id}/decision",
    tag = "Reports",
    params(
        ("id" = i64, Path, description = "The report's id"),
        ("request_id" = i64, Path, description = "The identity request's id"),
    ),
    request_body = DecisionInput, responses((status = 204, description = "Done")))]
async fn decide_identity(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath((id, request_id)): ApiPath<(i64, i64)>,
    ApiJson(b): ApiJson<DecisionInput>,
) -> ApiResult<StatusCode> {
    state
        .services
        .reporting()
        .decide_identity(&auth.actor(), id, request_id, b.approve, &b.note)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A confidential reporter's identity, opened.
#[derive(Serialize, ToSchema)]
struct IdentityDisclosed {
    identity: String,
}

/// Open the sealed identity after an approved request (recorded; the reporter is told).
#[utoipa::path(post, path = "/reports/{id}/identity", tag = "Reports",
    params(("id" = i64, Path, description = "The report's id")),
    responses((status = 200, body = IdentityDisclosed)))]
async fn disclose_identity(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<IdentityDisclosed>> {
    Ok(Json(IdentityDisclosed {
        identity: state
            .services
            .reporting()
            .disclose_identity(&auth.actor(), id)
            .await?,
    }))
}
