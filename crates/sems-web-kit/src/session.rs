//! Who is asking: resolved once per request by the middleware, read by the extractors.

use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sems_services::auth::SessionContext;
use sems_services::Actor;

pub const COOKIE: &str = "sems_session";

/// The authentication of a request.
#[derive(Debug, Clone)]
pub enum Auth {
    Anonymous,
    /// Password accepted, two-factor code due.
    MfaPending {
        csrf_token: String,
    },
    /// A browser session.
    Session(Box<SessionContext>),
    /// An API token (bearer).
    Token(Box<SessionContext>),
}

impl Auth {
    pub fn csrf_token(&self) -> Option<&str> {
        match self {
            Auth::MfaPending { csrf_token } => Some(csrf_token),
            Auth::Session(ctx) => Some(&ctx.csrf_token),
            _ => None,
        }
    }
}

/// The value of a cookie.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim_start();
    // The scheme is case-insensitive (RFC 9110, 11.1).
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// A signed-in person on a page; anyone else is sent to the sign-in page.
pub struct Signed(pub SessionContext);

impl Signed {
    pub fn actor(&self) -> Actor {
        Actor::Person(self.0.subject.clone())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Auth>() {
            Some(Auth::Session(ctx)) => Ok(Signed((**ctx).clone())),
            Some(Auth::MfaPending { .. }) => {
                Err(Redirect::to("/sign-in/two-factor").into_response())
            }
            _ => {
                let path = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let target = if path == "/" {
                    "/sign-in".to_string()
                } else {
                    format!("/sign-in?next={}", percent_encode(path))
                };
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

/// A person calling the API, with a session (and CSRF token) or an API token.
pub struct ApiAuth(pub SessionContext);

impl ApiAuth {
    pub fn actor(&self) -> Actor {
        Actor::Person(self.0.subject.clone())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ApiAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Auth>() {
            Some(Auth::Session(ctx)) | Some(Auth::Token(ctx)) => Ok(ApiAuth((**ctx).clone())),
            Some(Auth::MfaPending { .. }) => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "two-factor sign-in is not complete",
            )),
            _ => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "sign in, or send an API token as 'Authorization: Bearer …'",
            )),
        }
    }
}

/// What a path keeps as it is in `?next=`: the unreserved characters and `/`, so the sign-in
/// address still reads `/sign-in?next=/people`.
const NEXT_PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Percent-encodes a path for the `next` parameter of the sign-in page.
pub fn percent_encode(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, NEXT_PATH).to_string()
}

/// A `next` target after sign-in: only a local path, never another site. Browsers drop tabs
/// and newlines from a URL (`/\t/host` becomes `//host`, another site), and a control
/// character cannot go into a `Location` header at all, so any control or whitespace
/// character refuses the target, as does an authority part (`//`) or a backslash.
pub fn safe_next(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace());
    if local {
        next
    } else {
        "/"
    }
}

/// The `Set-Cookie` value for a session.
pub fn session_cookie(token: &str, max_age_seconds: i64, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_seconds}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    session_cookie("", 0, secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_next_path_keeps_its_slashes_and_encodes_the_rest() {
        assert_eq!(percent_encode("/people"), "/people");
        assert_eq!(
            percent_encode("/risk/register?sort=x&y"),
            "/risk/register%3Fsort%3Dx%26y"
        );
        assert_eq!(percent_encode("/é"), "/%C3%A9");
    }

    #[test]
    fn next_targets_stay_local() {
        assert_eq!(safe_next("/people?page=2"), "/people?page=2");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
    }

    #[test]
    fn only_a_local_path_without_control_characters_is_followed() {
        for ok in ["/", "/people", "/reports/4?notice=x", "/a/b%20c"] {
            assert_eq!(safe_next(ok), ok);
        }
        for bad in [
            "//evil.example/",
            "/\\evil.example",
            "/\t/evil.example/",
            "/\n/x",
            "/\r\nSet-Cookie: x",
            "/ /evil.example",
            "/\u{0}",
            "https://evil.example/",
            "evil",
            "",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        for (value, token) in [
            ("Bearer sems_abc", Some("sems_abc")),
            ("bearer sems_abc", Some("sems_abc")),
            ("BEARER  sems_abc ", Some("sems_abc")),
            ("Basic dXNlcjpwYXNz", None),
            ("Bearer ", None),
            ("Bearersems_abc", None),
        ] {
            let mut h = HeaderMap::new();
            h.insert("authorization", value.parse().unwrap());
            assert_eq!(bearer(&h), token, "{value:?}");
        }
    }

    #[test]
    fn cookies_are_found() {
        let mut h = HeaderMap::new();
        h.insert("cookie", "a=1; sems_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie(&h, COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn session_cookie_flags() {
        let c = session_cookie("t", 60, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.ends_with("Secure"));
        assert!(!session_cookie("t", 60, false).contains("Secure"));
    }
}
