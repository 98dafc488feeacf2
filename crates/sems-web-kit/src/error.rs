//! Errors as responses. The error policy: services return typed errors; the API answers them
//! as `application/problem+json` with the service's message; pages answer with an error
//! page. Internal errors are logged with their detail and shown without it.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sems_services::ServiceError;
use serde::Serialize;

/// The status and public message of a service error.
pub fn classify(e: &ServiceError) -> (StatusCode, String) {
    match e {
        ServiceError::Validation(v) => (StatusCode::UNPROCESSABLE_ENTITY, v.to_string()),
        ServiceError::Unauthenticated(m) => (StatusCode::UNAUTHORIZED, m.clone()),
        ServiceError::Forbidden(m) => (StatusCode::FORBIDDEN, m.clone()),
        ServiceError::NotFound(_) => (StatusCode::NOT_FOUND, e.to_string()),
        ServiceError::Conflict(m) => (StatusCode::CONFLICT, m.clone()),
        ServiceError::Locked { .. } | ServiceError::Busy { .. } => {
            (StatusCode::TOO_MANY_REQUESTS, e.to_string())
        }
        ServiceError::Store(_) | ServiceError::Internal(_) => {
            tracing::error!(error = %e, "request failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "something went wrong on our side; the error was logged".into(),
            )
        }
    }
}

/// What an API handler answers.
pub type ApiResult<T> = Result<T, ApiError>;

/// An API error: RFC 9457 problem details.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: String,
    /// Every refused field with its message, for a client to show each beside its field.
    pub errors: Vec<(&'static str, String)>,
    pub retry_after: Option<i64>,
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        let (status, detail) = classify(&e);
        let errors = match &e {
            ServiceError::Validation(v) => v.iter().map(|e| (e.field, e.to_string())).collect(),
            _ => Vec::new(),
        };
        let retry_after = match &e {
            ServiceError::Locked {
                retry_after_seconds,
            }
            | ServiceError::Busy {
                retry_after_seconds,
            } => Some(*retry_after_seconds),
            _ => None,
        };
        Self {
            status,
            detail,
            errors,
            retry_after,
        }
    }
}

/// An RFC 9457 problem document: what every refusal of the API answers, with
/// `Content-Type: application/problem+json`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    /// What was refused and why, in words a person can act on.
    pub detail: String,
    /// Every refused field with its message, when the refusal is about the input.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One refused field of a problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Problem {
            kind: "about:blank",
            title: self.status.canonical_reason().unwrap_or("Error"),
            status: self.status.as_u16(),
            detail: self.detail,
            errors: self
                .errors
                .into_iter()
                .map(|(field, message)| FieldError { field, message })
                .collect(),
        };
        let body = serde_json::to_string(&body).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_hashing_gate_is_a_429_with_retry_after() {
        let e = ApiError::from(ServiceError::Busy {
            retry_after_seconds: 2,
        });
        assert_eq!(e.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(e.retry_after, Some(2));
        assert!(e.detail.contains("try again in 2 second"), "{}", e.detail);
    }
}
