//! The web kit of sems: what every module's web crate shares. The application state and web
//! configuration, sessions and CSRF, security headers, rate limits, metrics, errors as pages
//! and problem documents, the page frame and base templates, exports (CSV, XLSX), charts and
//! the static assets. A module's web crate (`sems-web-risk`, …) builds its pages and API on
//! this; `sems-web` assembles them. No rule lives here: handlers call services.

#![recursion_limit = "512"]

pub mod api;
pub mod assets;
pub mod charts;
pub mod client;
pub mod error;
pub mod export;
pub mod form;
pub mod limits;
pub mod metrics;
pub mod middleware;
pub mod observe;
pub mod pages;
pub mod qr;
pub mod session;
pub mod xlsx;

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
