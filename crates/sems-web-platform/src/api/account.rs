//! `/api/v1` for the signed-in person: signing in and out (with the second factor), their
//! profile, password, two-factor sign-in, API tokens and notifications.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use sems_services::auth::SignInClient;
use sems_services::views::{ApiToken, Notification, Person};
use sems_web_kit::api::ApiJson;
use sems_web_kit::client::ClientAddr;
use sems_web_kit::error::{ApiError, ApiResult};
use sems_web_kit::middleware::is_secure;
use sems_web_kit::session::{clear_cookie, cookie, session_cookie, ApiAuth, Auth, COOKIE};
use sems_web_kit::AppState;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in, sign_out))
        .routes(routes!(two_factor))
        .routes(routes!(me))
        .routes(routes!(change_password))
        .routes(routes!(begin_two_factor, disable_two_factor))
        .routes(routes!(enable_two_factor))
        .routes(routes!(tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(notifications))
        .routes(routes!(read_notifications))
}

// --- Session ---

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SignIn {
    username: String,
    password: String,
}

/// A session begun: the CSRF token its state-changing requests carry.
#[derive(Serialize, ToSchema)]
struct SessionStarted {
    csrf_token: String,
    /// The password was right; the sign-in waits for the two-factor code.
    #[serde(skip_serializing_if = "Option::is_none")]
    two_factor_required: Option<bool>,
}

/// Sign in with user name and password; sets the session cookie and returns the CSRF token.
#[utoipa::path(post, path = "/session", tag = "Session", security(()), request_body = SignIn,
    responses((status = 200, body = SessionStarted)))]
async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignIn>,
) -> ApiResult<Response> {
    let session = state
        .services
        .sign_in_from(
            &SignInClient::network(client),
            &body.username,
            &body.password,
        )
        .await?;
    let cookie = session_cookie(
        &session.token,
        session.max_age_seconds,
        is_secure(&state, &headers),
    );
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(SessionStarted {
            csrf_token: session.csrf_token,
            two_factor_required: Some(session.mfa_pending),
        }),
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Code {
    code: String,
}

/// Complete a two-factor sign-in with a code.
#[utoipa::path(post, path = "/session/two-factor", tag = "Session", request_body = Code,
    responses((status = 200, body = SessionStarted)))]
async fn two_factor(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
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
        .complete_two_factor(&SignInClient::network(client), token, &body.code)
        .await?;
    let cookie = session_cookie(
        &session.token,
        session.max_age_seconds,
        is_secure(&state, &headers),
    );
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(SessionStarted {
            csrf_token: session.csrf_token,
            two_factor_required: None,
        }),
    )
        .into_response())
}

/// Sign out.
#[utoipa::path(delete, path = "/session", tag = "Session", security(()),
    responses((status = 204, description = "Signed out")))]
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

/// Who is signed in.
#[derive(Serialize, ToSchema)]
struct Me {
    person: Person,
    /// The clearance, by its level name.
    clearance: String,
    oversees: Vec<i64>,
    groups: Vec<i64>,
    /// Signed in with a read-only API token.
    read_only: bool,
    /// The session's CSRF token; none with an API token.
    csrf_token: Option<String>,
}

/// Who is signed in, with roles, clearance and oversight assignments.
#[utoipa::path(get, path = "/me", tag = "Me", responses((status = 200, body = Me)))]
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
        person: ctx.person.into(),
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Change one's own password (session only).
#[utoipa::path(post, path = "/me/password", tag = "Me", request_body = PasswordChange,
    responses((status = 204, description = "Changed")))]
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

/// The secret of a two-factor setup, to enter in an authenticator app.
#[derive(Serialize, ToSchema)]
struct TwoFactorSetup {
    secret: String,
    otpauth_uri: String,
}

/// Start two-factor setup: returns the secret and otpauth URI.
#[utoipa::path(post, path = "/me/two-factor", tag = "Me",
    responses((status = 200, body = TwoFactorSetup)))]
async fn begin_two_factor(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<TwoFactorSetup>> {
    session_only(&auth)?;
    let (secret, otpauth_uri) = state.services.begin_two_factor(&auth.0).await?;
    Ok(Json(TwoFactorSetup {
        secret,
        otpauth_uri,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct EnableTwoFactor {
    code: String,
    /// The current password, asked again for a change of credentials.
    password: String,
}

/// Confirm two-factor setup with a code and the current password; ends one's other sessions
/// and revokes one's API tokens.
#[utoipa::path(post, path = "/me/two-factor/enable", tag = "Me", request_body = EnableTwoFactor,
    responses((status = 204, description = "Two-factor sign-in is on")))]
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PasswordOnly {
    password: String,
}

/// Turn two-factor sign-in off (password required).
#[utoipa::path(delete, path = "/me/two-factor", tag = "Me", request_body = PasswordOnly,
    responses((status = 204, description = "Two-factor sign-in is off")))]
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

/// One's API tokens (never the tokens themselves).
#[utoipa::path(get, path = "/me/tokens", tag = "Me", responses((status = 200, body = Vec<ApiToken>)))]
async fn tokens(State(state): State<AppState>, auth: ApiAuth) -> ApiResult<Json<Vec<ApiToken>>> {
    let tokens = state.services.api_tokens(&auth.0).await?;
    Ok(Json(tokens.into_iter().map(ApiToken::from).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewToken {
    name: String,
    #[serde(default)]
    read_only: bool,
    expires_in_days: Option<i64>,
    /// The current password, asked again before a new credential is issued.
    password: String,
}

/// A new API token: the token itself is in this answer only.
#[derive(Serialize, ToSchema)]
struct NewTokenCreated {
    token: String,
    record: ApiToken,
}

/// Create an API token; the token is in this response only.
#[utoipa::path(post, path = "/me/tokens", tag = "Me", request_body = NewToken,
    responses((status = 201, body = NewTokenCreated)))]
async fn create_token(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<NewToken>,
) -> ApiResult<(StatusCode, Json<NewTokenCreated>)> {
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
        Json(NewTokenCreated {
            token,
            record: record.into(),
        }),
    ))
}

/// Revoke one of one's API tokens.
#[utoipa::path(delete, path = "/me/tokens/{id}", tag = "Me",
    params(("id" = i64, Path, description = "The token's id")),
    responses((status = 204, description = "Revoked")))]
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

/// One's notifications, unread first.
#[utoipa::path(get, path = "/me/notifications", tag = "Me",
    responses((status = 200, body = Vec<Notification>)))]
async fn notifications(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<Vec<Notification>>> {
    let notifications = state.services.notifications(auth.0.person.id, 100).await?;
    Ok(Json(
        notifications.into_iter().map(Notification::from).collect(),
    ))
}

/// How many notifications were marked read.
#[derive(Serialize, ToSchema)]
struct MarkedRead {
    marked_read: u64,
}

/// Mark one's notifications read.
#[utoipa::path(post, path = "/me/notifications/read", tag = "Me",
    responses((status = 200, body = MarkedRead)))]
async fn read_notifications(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<MarkedRead>> {
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
    Ok(Json(MarkedRead { marked_read: n }))
}
