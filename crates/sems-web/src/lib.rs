//! The HTTP layer of sems: server-rendered pages, the JSON API under `/api/v1`, the OpenAPI
//! document, `/healthz` and `/metrics`. Thin by design: handlers parse the request, call one
//! service, and render the answer. Every rule lives below, in services and the domain.

#![recursion_limit = "512"]

pub mod api;
pub mod assets;
pub mod charts;
pub mod error;
pub mod export;
pub mod form;
pub mod limits;
pub mod metrics;
pub mod middleware;
pub mod pages;
pub mod qr;
pub mod session;
pub mod xlsx;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use sems_services::Services;
use std::sync::Arc;

/// How the web layer is set up (from the layered configuration).
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Honour `X-Forwarded-Proto` and `X-Forwarded-For` from a reverse proxy.
    pub trust_proxy: bool,
    /// Mark cookies `Secure` on every response (sems is reached over HTTPS only).
    pub always_secure_cookies: bool,
    /// Largest request body accepted, in bytes (uploads of report attachments excepted).
    pub max_body_bytes: usize,
    /// Rate limits on the public reporting form and receipt look-ups (only a benchmark turns
    /// them off).
    pub public_rate_limits: bool,
    /// The bearer token a metrics scraper sends to read `/metrics`; without one, `/metrics`
    /// is served to nobody.
    pub metrics_token: Option<String>,
    /// The address people reach sems at (`https://sems.example.org`): state-changing requests
    /// must come from exactly this origin. Without it, the `Host` header is compared.
    pub public_url: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            trust_proxy: false,
            always_secure_cookies: false,
            max_body_bytes: 1024 * 1024,
            public_rate_limits: true,
            metrics_token: None,
            public_url: None,
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub config: Arc<WebConfig>,
    pub metrics: Arc<metrics::Metrics>,
    pub limits: Arc<limits::RateLimits>,
}

impl AppState {
    pub fn new(services: Services, config: WebConfig) -> Self {
        Self {
            services,
            limits: Arc::new(limits::RateLimits::new(config.public_rate_limits)),
            config: Arc::new(config),
            metrics: Arc::new(metrics::Metrics::default()),
        }
    }
}

/// The whole application: pages, API, assets, health and metrics, behind the middleware that
/// resolves sessions, checks CSRF, sets security headers and counts requests.
pub fn router(state: AppState) -> Router {
    let limit = state.config.max_body_bytes;
    Router::new()
        .merge(pages::router())
        .nest("/api/v1", api::router())
        .merge(assets::router())
        .merge(metrics::router())
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
