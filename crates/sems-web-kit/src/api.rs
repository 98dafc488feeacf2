//! What every module's part of `/api/v1` shares: extractors whose every rejection answers with
//! a problem document, and files sent in JSON. Lists are paginated (`page`, `per_page`);
//! errors are `application/problem+json`.

use crate::error::ApiError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

/// A query string whose rejection (an unknown parameter, a value that does not parse)
/// answers with a problem document, like every other refusal of the API.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> axum::extract::FromRequestParts<S>
    for ApiQuery<T>
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("bad query string: {}", e.body_text()),
            )),
        }
    }
}

/// The page a list request asks for: by number, or after a `cursor` (a list's `next_cursor`),
/// which a client uses to walk a long list at the speed of its first page.
pub fn page_request(
    page: Option<u32>,
    per_page: Option<u32>,
    cursor: Option<&str>,
) -> Result<sems_domain::page::PageRequest, ApiError> {
    // The API says what it accepts rather than clamping (the pages clamp).
    // Pages are numbered from 1, and the document gives them as 32-bit integers.
    if page.is_some_and(|p| p == 0 || p > i32::MAX as u32) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("page: from 1 to {}", i32::MAX),
        ));
    }
    if per_page.is_some_and(|n| n == 0 || n > sems_domain::page::MAX_PER_PAGE) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "per_page: from 1 to {} rows",
                sems_domain::page::MAX_PER_PAGE
            ),
        ));
    }
    sems_domain::page::PageRequest::new(page, per_page)
        .after(cursor)
        .map_err(|e| ApiError::from(sems_services::ServiceError::from(e)))
}

/// The query of a list that has no filters: which page.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// The page by number, from 1.
    #[param(minimum = 1)]
    pub page: Option<u32>,
    /// Rows per page, at most 200.
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
    /// The `next_cursor` of the previous page, instead of `page`.
    pub cursor: Option<String>,
}

impl Paging {
    pub fn request(&self) -> Result<sems_domain::page::PageRequest, ApiError> {
        page_request(self.page, self.per_page, self.cursor.as_deref())
    }
}

/// A file sent in JSON: its name and its bytes in base64.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileBody {
    pub filename: String,
    pub content_base64: String,
}

impl FileBody {
    pub fn decode(self) -> Result<sems_services::reports::NewAttachment, ApiError> {
        let bytes = sems_domain::util::base64_decode(&self.content_base64).ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "attachments: content_base64 is not base64",
            )
        })?;
        Ok(sems_services::reports::NewAttachment {
            filename: self.filename,
            bytes,
        })
    }
}

/// Path parameters whose rejection (an id that is not a number) answers with a problem
/// document, like every other refusal of the API.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> axum::extract::FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(rejection) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("bad path: {}", rejection.body_text()),
            )),
        }
    }
}

/// `5.0` is the integer 5 in JSON (and in the JSON Schema of the document): read it so.
fn integral_numbers_as_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64() {
                if f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64 {
                    *value = serde_json::Value::from(f as i64);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_numbers_as_integers),
        serde_json::Value::Object(fields) => {
            fields.values_mut().for_each(integral_numbers_as_integers)
        }
        _ => {}
    }
}

/// A JSON body whose every rejection (wrong content type, malformed or oversized JSON,
/// unknown or missing fields) answers with a problem document.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(mut value)) => {
                integral_numbers_as_integers(&mut value);
                serde_json::from_value(value).map(ApiJson).map_err(|e| {
                    ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        format!("the JSON does not fit: {e}"),
                    )
                })
            }
            // Any well-formed JSON is a `Value`: what does not fit the type is refused above.
            Err(rejection) => Err(match rejection {
                JsonRejection::JsonSyntaxError(e) => ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!("malformed JSON: {}", e.body_text()),
                ),
                JsonRejection::MissingJsonContentType(_) => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "send JSON with 'Content-Type: application/json'",
                ),
                JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "the request body is too large",
                    )
                }
                other => ApiError::new(other.status(), other.body_text()),
            }),
        }
    }
}

/// Whether an import only checks (the query of every CSV import of the API).
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DryRunQuery {
    /// Check every row and store nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// The answer to an import: 200 for a clean dry run, 201 when stored, 422 (with the report
/// of every bad row) when anything is wrong, in which case nothing was stored.
pub fn import_reply(
    report: sems_services::import::ImportReport,
) -> (
    axum::http::StatusCode,
    axum::Json<sems_services::import::ImportReport>,
) {
    use axum::http::StatusCode;
    let status = if !report.errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if report.imported {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (status, axum::Json(report))
}
