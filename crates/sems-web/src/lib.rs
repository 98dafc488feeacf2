//! The HTTP application of sems: assembles the web kit (`sems-web-kit`) and each module's pages
//! and API (`sems-web-platform`, `sems-web-risk`, `sems-web-reporting`, `sems-web-oversight`,
//! `sems-web-performance`, `sems-web-training`, `sems-web-sharing`)
//! behind one middleware stack, with the OpenAPI document, `/healthz` and `/metrics`. Thin by
//! design: handlers parse the request, call one service, and render the answer. Every rule
//! lives below, in services and the domain. The HTTP test suite of every module lives here.

#![recursion_limit = "512"]

pub mod openapi;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
pub use sems_web_kit::{limits, middleware, observe, session, AppState, WebConfig};

/// Every module's pages, with the answer for paths none serves.
fn pages() -> Router<AppState> {
    Router::new()
        .merge(sems_web_platform::pages::router())
        .merge(sems_web_risk::pages::router())
        .merge(sems_web_reporting::pages::router())
        .merge(sems_web_oversight::pages::router())
        .merge(sems_web_performance::pages::router())
        .merge(sems_web_training::pages::router())
        .merge(sems_web_sharing::pages::router())
        .fallback(sems_web_kit::pages::not_found)
}

/// Every module's part of `/api/v1`, and the document generated from them.
fn api() -> Router<AppState> {
    let (router, doc) = openapi::api();
    let doc = std::sync::Arc::new(doc);
    router.route(
        "/openapi.json",
        get(move || {
            let doc = doc.clone();
            async move { axum::Json(doc.as_ref().clone()) }
        }),
    )
}

/// The whole application: pages, API, assets, health and metrics, behind the middleware that
/// resolves sessions, checks CSRF, sets security headers and counts requests.
pub fn router(state: AppState) -> Router {
    let limit = state.config.max_body_bytes;
    Router::new()
        .merge(pages())
        .nest("/api/v1", api())
        .merge(sems_web_kit::assets::router())
        .merge(sems_web_kit::metrics::router())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::session_and_csrf,
        ))
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::security_headers_and_metrics,
        ))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
