//! Sign-in, two-factor step, sign-out.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use sems_services::auth::SignInClient;
use sems_services::ServiceError;
use sems_web_kit::client::ClientAddr;
use sems_web_kit::form::Form;
use sems_web_kit::middleware::is_secure;
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{render, service_error, Layout, PageQuery};
use sems_web_kit::session::{clear_cookie, cookie, safe_next, session_cookie, Auth, COOKIE};
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-in/two-factor", get(two_factor_page).post(two_factor))
        .route("/sign-out", post(sign_out))
}

#[derive(Template)]
#[template(path = "platform/sign_in.html")]
struct SignInPage {
    layout: Layout,
    next: String,
    username: String,
    /// The pre-session CSRF token, also in the `sems_signin` cookie.
    token: String,
}

/// The cookie of the sign-in form's pre-session token: `SameSite=Strict`, so a form posted
/// from another site arrives without it and cannot sign a victim into someone's account.
const SIGNIN_COOKIE: &str = "sems_signin";

/// The sign-in page with a fresh pre-session token in the form and its cookie.
fn sign_in_form(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    error: Option<String>,
    next: String,
    username: String,
) -> PageResult {
    let token = sems_services::secrets::random_token(24)?;
    let cookie = format!(
        "{SIGNIN_COOKIE}={token}; Path=/sign-in; HttpOnly; SameSite=Strict; Max-Age=3600{}",
        if is_secure(state, headers) {
            "; Secure"
        } else {
            ""
        }
    );
    let mut response = render(
        status,
        &SignInPage {
            layout: Layout::public("Sign in", None).with_error(error),
            next,
            username,
            token,
        },
    );
    if let Ok(v) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

#[derive(serde::Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn sign_in_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Extension(auth): Extension<Auth>,
    PageQuery(q): PageQuery<NextQuery>,
) -> PageResult {
    if matches!(auth, Auth::Session(_)) {
        return Ok(Redirect::to("/").into_response());
    }
    let next = safe_next(q.next.as_deref().unwrap_or("/")).to_string();
    sign_in_form(&state, &headers, StatusCode::OK, None, next, String::new())
}

/// The sign-in form.
#[derive(serde::Deserialize)]
struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    /// The pre-session token, checked here against its cookie: there is no session yet, so
    /// the middleware does not check it.
    #[serde(default)]
    csrf_token: String,
}

async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form { fields, .. }: Form<SignInForm>,
) -> PageResult {
    let username = fields.username;
    let next = safe_next(&fields.next).to_string();
    let expected = cookie(&headers, SIGNIN_COOKIE).unwrap_or("");
    let given = fields.csrf_token.as_str();
    if expected.is_empty()
        || !sems_domain::util::constant_time_eq(expected.as_bytes(), given.as_bytes())
    {
        return sign_in_form(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            Some(
                "This sign-in form has expired or did not come from sems: sign in again here."
                    .into(),
            ),
            next,
            username,
        );
    }
    match state
        .services
        .sign_in_from(&SignInClient::network(client), &username, &fields.password)
        .await
    {
        Ok(session) => {
            let target = if session.mfa_pending {
                "/sign-in/two-factor".to_string()
            } else {
                next
            };
            let cookie = session_cookie(
                &session.token,
                session.max_age_seconds,
                is_secure(&state, &headers),
            );
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&target)).into_response())
        }
        Err(e) => {
            let (status, mut message) = sems_web_kit::error::classify(&e);
            if let ServiceError::Locked {
                retry_after_seconds,
            } = e
            {
                // When, as a time too: a person at the door wants the clock, not a count.
                message = format!(
                    "{message} (after {}).",
                    sems_web_kit::pages::when(sems_storage::now_ms() + retry_after_seconds * 1000)
                );
            }
            let mut response =
                sign_in_form(&state, &headers, status, Some(message), next, username)?;
            if let ServiceError::Locked {
                retry_after_seconds,
            }
            | ServiceError::Busy {
                retry_after_seconds,
            } = e
            {
                if let Ok(v) = retry_after_seconds.to_string().parse() {
                    response.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            Ok(response)
        }
    }
}

#[derive(Template)]
#[template(path = "platform/two_factor.html")]
struct TwoFactorPage {
    layout: Layout,
}

async fn two_factor_page(Extension(auth): Extension<Auth>) -> Response {
    match auth {
        Auth::MfaPending { csrf_token } => render(
            StatusCode::OK,
            &TwoFactorPage {
                layout: Layout::public("Two-factor sign-in", Some(csrf_token)),
            },
        ),
        Auth::Session(_) => Redirect::to("/").into_response(),
        _ => Redirect::to("/sign-in").into_response(),
    }
}

/// The code of the two-factor step.
#[derive(serde::Deserialize)]
struct TwoFactorForm {
    #[serde(default)]
    code: String,
}

async fn two_factor(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Extension(auth): Extension<Auth>,
    headers: HeaderMap,
    Form { fields, .. }: Form<TwoFactorForm>,
) -> Response {
    let (Auth::MfaPending { csrf_token }, Some(token)) = (&auth, cookie(&headers, COOKIE)) else {
        return Redirect::to("/sign-in").into_response();
    };
    match state
        .services
        .complete_two_factor(&SignInClient::network(client), token, &fields.code)
        .await
    {
        Ok(session) => {
            let cookie = session_cookie(
                &session.token,
                session.max_age_seconds,
                is_secure(&state, &headers),
            );
            ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
        }
        Err(ServiceError::Unauthenticated(message)) => render(
            StatusCode::UNAUTHORIZED,
            &TwoFactorPage {
                layout: Layout::public("Two-factor sign-in", Some(csrf_token.clone()))
                    .with_error(Some(message)),
            },
        ),
        Err(e) => service_error(e),
    }
}

async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    if let Some(token) = cookie(&headers, COOKIE) {
        state.services.sign_out(token).await?;
    }
    Ok((
        [(
            header::SET_COOKIE,
            clear_cookie(is_secure(&state, &headers)),
        )],
        Redirect::to("/sign-in"),
    )
        .into_response())
}
