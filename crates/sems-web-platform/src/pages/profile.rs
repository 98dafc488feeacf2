//! The signed-in person's profile: password, two-factor sign-in, API tokens.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use sems_services::ServiceError;
use sems_web_kit::form::{field, Form};
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{notice, render, when, Layout, ListQuery, PageQuery};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/profile", get(show))
        .route("/profile/password", post(change_password))
        .route("/profile/two-factor", post(begin_two_factor))
        .route("/profile/two-factor/enable", post(enable_two_factor))
        .route("/profile/two-factor/disable", post(disable_two_factor))
        .route("/profile/tokens", post(create_token))
        .route("/profile/tokens/{id}/revoke", post(revoke_token))
}

pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub read_only: bool,
    pub created: String,
    pub last_used: String,
    pub expires: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "platform/profile.html")]
struct ProfilePage {
    layout: Layout,
    username: String,
    roles: String,
    clearance: String,
    two_factor_on: bool,
    pending: Option<(String, String)>,
    pending_qr: Option<String>,
    tokens: Vec<TokenView>,
    new_token: Option<String>,
    /// One's recent security events (sign-ins and the like), newest first.
    sign_ins: Vec<super::audit::EntryView>,
}

async fn page(
    state: &AppState,
    user: &Signed,
    error: Option<String>,
    notice_key: Option<&str>,
    new_token: Option<String>,
) -> PageResult {
    let svc = &state.services;
    let (pending, tokens) = match (
        svc.pending_two_factor(&user.0).await,
        svc.api_tokens(&user.0).await,
    ) {
        (Ok(p), Ok(t)) => (p, t),
        (Err(e), _) | (_, Err(e)) => return Err(e.into()),
    };
    let own = sems_storage::audit::AuditFilter {
        subject_person_id: Some(user.0.person.id),
        ..Default::default()
    };
    let sign_ins = match svc
        .security_log(
            &user.actor(),
            &own,
            sems_domain::page::PageRequest::new(Some(1), Some(10)),
        )
        .await
    {
        Ok(p) => p.items.into_iter().map(super::audit::entry_view).collect(),
        Err(e) => return Err(e.into()),
    };
    let p = &user.0.person;
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ProfilePage {
            layout: Layout::new("Profile", user, "/profile")
                .with_error(error)
                .with_notice(notice(notice_key)),
            username: p.username.clone(),
            roles: p
                .roles
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join(", "),
            clearance: svc.classification.name(p.clearance).to_string(),
            two_factor_on: p.totp_enabled,
            pending_qr: pending.as_ref().and_then(|(_, uri)| {
                sems_web_kit::qr::svg(
                    uri,
                    "QR code of the two-factor key for your authenticator app",
                )
            }),
            pending,
            tokens: tokens
                .into_iter()
                .map(|t| TokenView {
                    id: t.id,
                    name: t.name,
                    prefix: t.prefix,
                    read_only: t.read_only,
                    created: when(t.created_at_ms),
                    last_used: t.last_used_ms.map(when).unwrap_or_else(|| "never".into()),
                    expires: t.expires_at_ms.map(when).unwrap_or_else(|| "never".into()),
                    revoked: t.revoked_at_ms.is_some(),
                })
                .collect(),
            new_token,
            sign_ins,
        },
    ))
}

async fn show(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    page(&state, &user, None, q.notice.as_deref(), None).await
}

/// Shows a validation or conflict error on the profile page; other errors get the error page.
async fn on_error(state: &AppState, user: &Signed, e: ServiceError) -> PageResult {
    match e {
        ServiceError::Validation(_)
        | ServiceError::Conflict(_)
        | ServiceError::Unauthenticated(_) => {
            page(
                state,
                user,
                Some(sems_web_kit::error::classify(&e).1),
                None,
                None,
            )
            .await
        }
        e => Err(e.into()),
    }
}

/// The change of one's password.
#[derive(serde::Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

async fn change_password(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<PasswordForm>,
) -> PageResult {
    if fields.new_password != fields.confirm_password {
        return page(
            &state,
            &user,
            Some("The new password and its confirmation differ.".into()),
            None,
            None,
        )
        .await;
    }
    match state
        .services
        .change_own_password(&user.0, &fields.current_password, &fields.new_password)
        .await
    {
        Ok(()) => Ok(Redirect::to("/profile?notice=password").into_response()),
        Err(e) => on_error(&state, &user, e).await,
    }
}

async fn begin_two_factor(State(state): State<AppState>, user: Signed) -> PageResult {
    match state.services.begin_two_factor(&user.0).await {
        Ok(_) => Ok(Redirect::to("/profile#two-factor").into_response()),
        Err(e) => on_error(&state, &user, e).await,
    }
}

/// The first code of the authenticator app, with one's password, to turn two-factor on.
#[derive(serde::Deserialize)]
struct TwoFactorOnForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
}

async fn enable_two_factor(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<TwoFactorOnForm>,
) -> PageResult {
    match state
        .services
        .enable_two_factor(&user.0, &fields.code, &fields.password)
        .await
    {
        Ok(()) => Ok(Redirect::to("/profile?notice=two-factor-on").into_response()),
        Err(e) => on_error(&state, &user, e).await,
    }
}

/// One's password, to turn two-factor off.
#[derive(serde::Deserialize)]
struct TwoFactorOffForm {
    #[serde(default)]
    password: String,
}

async fn disable_two_factor(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<TwoFactorOffForm>,
) -> PageResult {
    match state
        .services
        .disable_two_factor(&user.0, &fields.password)
        .await
    {
        Ok(()) => Ok(Redirect::to("/profile?notice=two-factor-off").into_response()),
        Err(e) => on_error(&state, &user, e).await,
    }
}

/// A new API token.
#[derive(serde::Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default, deserialize_with = "field::checkbox")]
    read_only: bool,
    /// Read as text so that a value that is not a number gets the page's own message.
    #[serde(default, deserialize_with = "field::text")]
    expires_in_days: Option<String>,
    #[serde(default)]
    password: String,
}

async fn create_token(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<TokenForm>,
) -> PageResult {
    let days = match fields.expires_in_days.as_deref().map(str::parse::<i64>) {
        Some(Ok(d)) => Some(d),
        Some(Err(_)) => {
            return page(
                &state,
                &user,
                Some("expires_in_days: must be a whole number of days".into()),
                None,
                None,
            )
            .await
        }
        None => None,
    };
    match state
        .services
        .create_api_token(
            &user.0,
            &fields.name,
            fields.read_only,
            days,
            &fields.password,
        )
        .await
    {
        // The token is shown in this response only: it is not stored and cannot be shown again.
        Ok((token, _)) => page(&state, &user, None, None, Some(token)).await,
        Err(e) => on_error(&state, &user, e).await,
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
) -> PageResult {
    match state.services.revoke_api_token(&user.0, id).await {
        Ok(()) => Ok(Redirect::to("/profile?notice=revoked").into_response()),
        Err(e) => on_error(&state, &user, e).await,
    }
}
