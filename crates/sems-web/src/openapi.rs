//! The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json`.
//!
//! Generated, not written: each module's API router is a utoipa-axum `OpenApiRouter` whose
//! handlers carry `#[utoipa::path]`, and whose inputs and views derive `ToSchema`, so the
//! router that serves a path and the document that describes it are built from the same list.
//! What every operation shares (the problem responses, the ways to authenticate) is added
//! here once. The HTTP test suite checks every response it receives against this document.

use sems_web_kit::error::Problem;
use sems_web_kit::AppState;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "sems API",
        description = "The JSON API of sems, the aviation security management system. \
            Authenticate with an API token (`Authorization: Bearer sems_…`) or a session cookie; \
            with a session, state-changing requests carry the session's CSRF token in \
            `X-CSRF-Token`. Errors are RFC 9457 problem documents. Every list is paginated with \
            `page` and `per_page`, or walked with the `cursor` each full page gives as \
            `next_cursor`; a list counts its matches up to 1,000."
    ),
    servers((url = "/api/v1")),
    components(schemas(Problem)),
    modifiers(&Authentication),
    security(("bearer" = []), ("session" = []))
)]
struct ApiDoc;

/// The two ways to authenticate: an API token, or the session cookie of the pages.
struct Authentication;

impl Modify for Authentication {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.description = Some("An API token created on the profile page".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                sems_web_kit::session::COOKIE,
            ))),
        );
    }
}

/// The statuses every operation may refuse with, each answered by a problem document.
const REFUSALS: [(&str, &str); 9] = [
    (
        "400",
        "The request is malformed: a bad query string, path or JSON",
    ),
    ("401", "Not signed in"),
    ("403", "Not allowed to do this here"),
    ("404", "No such record, or not one the reader may see"),
    ("409", "The record's state does not allow this now"),
    ("413", "The request body is too large"),
    (
        "415",
        "The body is not of the media type the operation takes",
    ),
    (
        "422",
        "The input is refused: every refused field is in `errors`",
    ),
    (
        "429",
        "Too many attempts: retry after the `Retry-After` seconds",
    ),
];

/// Adds the problem responses to every operation, once, instead of on every handler.
struct Problems;

impl Modify for Problems {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        for item in doc.paths.paths.values_mut() {
            let operations: [&mut Option<Operation>; 5] = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                for (status, description) in REFUSALS {
                    operation
                        .responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| {
                            RefOr::T(
                                ResponseBuilder::new()
                                    .description(description)
                                    .content(
                                        "application/problem+json",
                                        ContentBuilder::new()
                                            .schema(Some(RefOr::Ref(
                                                utoipa::openapi::Ref::from_schema_name("Problem"),
                                            )))
                                            .build(),
                                    )
                                    .build(),
                            )
                        });
                }
            }
        }
    }
}

/// Every module's part of `/api/v1`, with the document that describes it.
pub fn api() -> (axum::Router<AppState>, serde_json::Value) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(sems_web_platform::api::router())
        .merge(sems_web_risk::api::router())
        .merge(sems_web_reporting::api::router())
        .merge(sems_web_oversight::api::router())
        .merge(sems_web_performance::api::router())
        .merge(sems_web_training::api::router())
        .merge(sems_web_sharing::api::router())
        .split_for_parts();
    // The modifiers ran on the empty document; the operations came with the routers.
    Problems.modify(&mut doc);
    let mut doc = serde_json::to_value(doc).unwrap_or_default();
    unwrap_doc_comments(&mut doc);
    (router, doc)
}

/// The document alone, as `/api/v1/openapi.json` serves it.
pub fn document() -> serde_json::Value {
    api().1
}

/// Summaries and descriptions come from doc comments wrapped at 100 columns: a line break
/// inside a paragraph is a space, a blank line stays a paragraph break.
fn unwrap_doc_comments(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    serde_json::Value::String(text) if key == "summary" || key == "description" => {
                        *text = text
                            .split("\n\n")
                            .map(|paragraph| {
                                paragraph
                                    .split('\n')
                                    .map(str::trim)
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            })
                            .collect::<Vec<_>>()
                            .join("\n\n");
                    }
                    other => unwrap_doc_comments(other),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(unwrap_doc_comments),
        _ => {}
    }
}
