//! `/api/v1` for the signed-in person: signing in and out (with the second factor), their
//! profile, password, two-factor sign-in, API tokens and notifications.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Extension, Json, Router};
use sems_web_kit::api::ApiJson;
use sems_web_kit::error::{ApiError, ApiResult};
use sems_web_kit::middleware::is_secure;
use sems_web_kit::session::{clear_cookie, cookie, session_cookie, ApiAuth, Auth, COOKIE};
use sems_web_kit::AppState;
use serde::{Deserialize, Serialize};
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/session", post(sign_in).delete(sign_out))
        .route("/session/two-factor", post(two_factor))
        .route("/me", get(me))
        .route("/me/password", post(change_password))
        .route(
            "/me/two-factor",
            post(begin_two_factor).delete(disable_two_factor),
        )
        .route("/me/two-factor/enable", post(enable_two_factor))
        .route("/me/tokens", get(tokens).post(create_token))
        .route("/me/tokens/{id}", delete(revoke_token))
        .route("/me/notifications", get(notifications))
        .route("/me/notifications/read", post(read_notifications))
}

// --- Session ---

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignIn {
    username: String,
    password: String,
}

async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignIn>,
) -> ApiResult<Response> {
    let session = state
        .services
        .sign_in(&body.username, &body.password)
        .await?;
    let cookie = session_cookie(
        &session.token,
        session.max_age_seconds,
        is_secure(&state, &headers),
    );
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(json!({
            "csrf_token": session.csrf_token,
            "two_factor_required": session.mfa_pending,
        })),
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Code {
    code: String,
}

async fn two_factor(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Code>,
) -> ApiResult<Response> {
    let (Auth::MfaPending { .. }, Some(token)) = (&auth, cookie(&headers, COOKIE)) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "no sign-in is waiting for a two-factor code",
        ));
    };
    let session = state
        .services
        .complete_two_factor(token, &body.code)
        .await?;
    let cookie = session_cookie(
        &session.token,
        session.max_age_seconds,
        is_secure(&state, &headers),
    );
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(json!({ "csrf_token": session.csrf_token })),
    )
        .into_response())
}

async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(token) = cookie(&headers, COOKIE) {
        state.services.sign_out(token).await?;
    }
    Ok((
        [(
            header::SET_COOKIE,
            clear_cookie(is_secure(&state, &headers)),
        )],
        StatusCode::NO_CONTENT,
    )
        .into_response())
}

// --- Me ---

#[derive(Serialize)]
struct Me {
    person: sems_storage::people::Person,
    clearance: String,
    oversees: Vec<i64>,
    groups: Vec<i64>,
    read_only: bool,
    csrf_token: Option<String>,
}

async fn me(State(state): State<AppState>, auth: ApiAuth) -> Json<Me> {
    let ctx = auth.0;
    Json(Me {
        clearance: state
            .services
            .classification
            .name(ctx.person.clearance)
            .to_string(),
        oversees: ctx.subject.oversees.clone(),
        groups: ctx.subject.groups.clone(),
        read_only: ctx.subject.read_only,
        csrf_token: (!ctx.csrf_token.is_empty()).then_some(ctx.csrf_token),
        person: ctx.person,
    })
}

fn session_only(auth: &ApiAuth) -> ApiResult<()> {
    if auth.0.session_hash.is_empty() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "this needs a signed-in session, not an API token",
        ));
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    session_only(&auth)?;
    state
        .services
        .change_own_password(&auth.0, &body.current_password, &body.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn begin_two_factor(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<serde_json::Value>> {
    session_only(&auth)?;
    let (secret, uri) = state.services.begin_two_factor(&auth.0).await?;
    Ok(Json(json!({ "secret": secret, "otpauth_uri": uri })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnableTwoFactor {
    code: String,
    /// The current password, asked again for a change of credentials.
    password: String,
}

async fn enable_two_factor(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<EnableTwoFactor>,
) -> ApiResult<StatusCode> {
    session_only(&auth)?;
    state
        .services
        .enable_two_factor(&auth.0, &body.code, &body.password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordOnly {
    password: String,
}

async fn disable_two_factor(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<PasswordOnly>,
) -> ApiResult<StatusCode> {
    session_only(&auth)?;
    state
        .services
        .disable_two_factor(&auth.0, &body.password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn tokens(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<Vec<sems_storage::tokens::ApiToken>>> {
    Ok(Json(state.services.api_tokens(&auth.0).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewToken {
    name: String,
    #[serde(default)]
    read_only: bool,
    expires_in_days: Option<i64>,
    /// The current password, asked again before a new credential is issued.
    password: String,
}

async fn create_token(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<NewToken>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    session_only(&auth)?;
    let (token, record) = state
        .services
        .create_api_token(
            &auth.0,
            &body.name,
            body.read_only,
            body.expires_in_days,
            &body.password,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "token": token, "record": record })),
    ))
}

async fn revoke_token(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<StatusCode> {
    if auth.0.subject.read_only {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "this API token is read-only",
        ));
    }
    state.services.revoke_api_token(&auth.0, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn notifications(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<Vec<sems_storage::notifications::Notification>>> {
    Ok(Json(
        state.services.notifications(auth.0.person.id, 100).await?,
    ))
}

async fn read_notifications(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<serde_json::Value>> {
    if auth.0.subject.read_only {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "this API token is read-only",
        ));
    }
    let n = state
        .services
        .mark_notifications_read(auth.0.person.id)
        .await?;
    Ok(Json(json!({ "marked_read": n })))
}
