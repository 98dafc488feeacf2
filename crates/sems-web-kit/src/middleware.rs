//! Request middleware: session resolution and CSRF protection; security headers and metrics.

use crate::error::ApiError;
use crate::session::{bearer, cookie, Auth, COOKIE};
use crate::AppState;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sems_domain::util::constant_time_eq;
use sems_services::auth::SessionState;
use std::time::Instant;

pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf_token";

/// Refuses a request before its body was read. `Connection: close` tells the client not to
/// reuse the connection, which still holds the unread body.
fn refuse(status: StatusCode, message: &str, api: bool) -> Response {
    let mut response = if api {
        ApiError::new(status, message).into_response()
    } else {
        crate::pages::error_page(status, message)
    };
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Whether the request reached sems over HTTPS (directly or, when trusted, through a proxy).
pub fn is_secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.always_secure_cookies
        || (state.config.trust_proxy
            && headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.eq_ignore_ascii_case("https")))
}

/// Resolves the session cookie or API token once, and refuses state-changing requests that
/// come from another origin or, with a session, lack the session's CSRF token.
pub async fn session_and_csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let headers = req.headers().clone();
    // Refuse an announced oversized body at once, before anything reads it.
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let limit = if is_upload(req.uri().path()) {
        UPLOAD_LIMIT
    } else {
        state.config.max_body_bytes
    };
    if announced.is_some_and(|n| n > limit) {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request body is too large",
            api,
        );
    }
    // `/metrics` checks its own token (the scraper's, not a person's API token).
    let scraper = req.uri().path() == "/metrics";
    let auth = if let Some(token) = bearer(&headers).filter(|_| !scraper) {
        match state.services.resolve_api_token(token).await {
            Ok(ctx) => Auth::Token(Box::new(ctx)),
            Err(e) => return ApiError::from(e).into_response(),
        }
    } else if let Some(token) = cookie(&headers, COOKIE).filter(|t| !t.is_empty()) {
        match state.services.resolve_session(token).await {
            Ok(SessionState::SignedIn(ctx)) => Auth::Session(ctx),
            Ok(SessionState::MfaPending { csrf_token, .. }) => Auth::MfaPending { csrf_token },
            Ok(SessionState::None) => Auth::Anonymous,
            Err(e) => return ApiError::from(e).into_response(),
        }
    } else {
        Auth::Anonymous
    };

    let mut req = req;
    let state_changing = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if state_changing {
        if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            if !same_origin(state.config.public_url.as_deref(), &headers, origin) {
                return refuse(StatusCode::FORBIDDEN, "cross-origin request refused", api);
            }
        }
        if let Some(expected) = auth.csrf_token().map(str::to_string) {
            let given = match headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
                Some(h) => Some(h.to_string()),
                None => {
                    let content_type = headers
                        .get(header::CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
                    if content_type.starts_with("multipart/form-data") {
                        // An upload's body is not buffered here: its form carries the token
                        // in the query string of its action instead.
                        req.uri()
                            .query()
                            .and_then(|q| form_field(q.as_bytes(), CSRF_FIELD))
                    } else if is_form {
                        let (parts, body) = req.into_parts();
                        let bytes =
                            match axum::body::to_bytes(body, state.config.max_body_bytes).await {
                                Ok(b) => b,
                                Err(_) => {
                                    return refuse(
                                        StatusCode::PAYLOAD_TOO_LARGE,
                                        "the request is too large",
                                        api,
                                    )
                                }
                            };
                        let token = form_field(&bytes, CSRF_FIELD);
                        req = Request::from_parts(parts, Body::from(bytes));
                        token
                    } else {
                        None
                    }
                }
            };
            let valid = given.is_some_and(|g| constant_time_eq(g.as_bytes(), expected.as_bytes()));
            if !valid {
                return refuse(
                    StatusCode::FORBIDDEN,
                    "missing or wrong CSRF token: reload the page and try again",
                    api,
                );
            }
        }
    }
    req.extensions_mut().insert(auth);
    next.run(req).await
}

/// Whether a request's `Origin` is sems itself: scheme, host and port equal to the configured
/// public URL; without one, the host and port equal to the `Host` header. `null` (a sandboxed
/// frame, a local file, a redirect across sites) is never sems.
pub fn same_origin(public_url: Option<&str>, headers: &HeaderMap, origin: &str) -> bool {
    let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    if origin == "null" || origin.is_empty() {
        return false;
    }
    match public_url {
        Some(url) => {
            let url = url.trim().to_ascii_lowercase();
            // The origin of the public URL: scheme://host[:port], without the path.
            let origin_of_url = match url.split_once("://") {
                Some((scheme, rest)) => {
                    format!("{scheme}://{}", rest.split('/').next().unwrap_or(""))
                }
                None => return false,
            };
            origin == origin_of_url
        }
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_ascii_lowercase();
            origin
                .split_once("://")
                .is_some_and(|(_, h)| !host.is_empty() && h == host)
        }
    }
}

/// The raw value of a field of a URL-encoded form (CSRF tokens are hex: no decoding needed).
fn form_field(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Sets the security headers on every response and records the request in the metrics.
pub async fn security_headers_and_metrics(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let secure = is_secure(&state, req.headers());
    state.metrics.in_flight(1);
    let mut response = next.run(req).await;
    state.metrics.in_flight(-1);
    let h = response.headers_mut();
    if secure {
        // Reached over HTTPS: browsers keep to HTTPS for a year.
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    state.metrics.record(
        method.as_str(),
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// The largest upload: a report with its attachments, base64-encoded in the JSON API.
pub const UPLOAD_LIMIT: usize =
    sems_domain::report::MAX_ATTACHMENTS * sems_domain::report::MAX_ATTACHMENT_BYTES / 3 * 4
        + 256 * 1024;

/// The paths that receive report attachments.
pub fn is_upload(path: &str) -> bool {
    path.starts_with("/report/")
        || path == "/reports/new"
        || path.starts_with("/api/v1/public/reports/")
        || (path.starts_with("/api/v1/parties/") && path.ends_with("/reports"))
        || ((path.starts_with("/oversight/activities/")
            || path.starts_with("/api/v1/oversight/activities/"))
            && path.ends_with("/evidence"))
}

#[cfg(test)]
mod tests {
    use super::same_origin;
    use axum::http::HeaderMap;

    #[test]
    fn only_sems_itself_is_the_same_origin() {
        let mut h = HeaderMap::new();
        h.insert("host", "sems.example.org".parse().unwrap());
        let public = Some("https://sems.example.org/");
        assert!(same_origin(public, &h, "https://sems.example.org"));
        assert!(same_origin(public, &h, "HTTPS://SEMS.example.org"));
        for bad in [
            "null",
            "",
            "http://sems.example.org",
            "https://sems.example.org:8443",
            "https://evil.example",
            "https://sems.example.org.evil.example",
        ] {
            assert!(!same_origin(public, &h, bad), "{bad}");
        }
        // Without a public URL, the Host header (host and port) decides.
        assert!(same_origin(None, &h, "http://sems.example.org"));
        assert!(!same_origin(None, &h, "null"));
        assert!(!same_origin(None, &h, "http://evil.example"));
        assert!(!same_origin(
            None,
            &HeaderMap::new(),
            "http://sems.example.org"
        ));
    }
}
