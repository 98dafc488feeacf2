//! `/metrics` in the Prometheus text format and `/healthz`.

use crate::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Whether a route belongs to security reporting: filing, receipts, reports, identity
/// disclosure. Their requests are not counted at all, so that no counter's change can be set
/// beside another event of a person (docs/privacy.md).
pub fn is_reporting_route(route: &str) -> bool {
    let route = route.strip_prefix("/api/v1").unwrap_or(route);
    route == "/reports"
        || route.starts_with("/reports/")
        || route.starts_with("/report/")
        || route == "/receipt"
        || route.starts_with("/receipt/")
        || route.starts_with("/public/")
        || route == "/parties/{id}/reports"
}

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct RouteStats {
    /// Requests by status code.
    by_status: BTreeMap<u16, u64>,
    bucket_counts: [u64; BUCKETS.len()],
    count: u64,
    sum_seconds: f64,
}

/// Request counters and latency histograms per (method, route). Routes are the router's
/// patterns (`/people/{id}`), so the number of series stays bounded.
#[derive(Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<(String, String), RouteStats>>,
    in_flight: AtomicI64,
}

impl Metrics {
    pub fn in_flight(&self, delta: i64) {
        self.in_flight.fetch_add(delta, Ordering::Relaxed);
    }

    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        if is_reporting_route(route) {
            return;
        }
        let Ok(mut routes) = self.routes.lock() else {
            return;
        };
        let stats = routes
            .entry((method.to_string(), route.to_string()))
            .or_default();
        *stats.by_status.entry(status).or_default() += 1;
        let seconds = elapsed.as_secs_f64();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                stats.bucket_counts[i] += 1;
            }
        }
        stats.count += 1;
        stats.sum_seconds += seconds;
    }

    pub fn render(&self, pool: (u32, usize), max_connections: u32) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP sems_http_requests_total HTTP requests by method, route and status."
        );
        let _ = writeln!(out, "# TYPE sems_http_requests_total counter");
        let routes = match self.routes.lock() {
            Ok(r) => r,
            Err(p) => p.into_inner(),
        };
        for ((method, route), stats) in routes.iter() {
            for (status, n) in &stats.by_status {
                let _ = writeln!(out, "sems_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}");
            }
        }
        let _ = writeln!(
            out,
            "# HELP sems_http_request_duration_seconds Time to answer HTTP requests."
        );
        let _ = writeln!(out, "# TYPE sems_http_request_duration_seconds histogram");
        for ((method, route), stats) in routes.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "sems_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                    stats.bucket_counts[i]
                );
            }
            let _ = writeln!(
                out,
                "sems_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                stats.count
            );
            let _ = writeln!(
                out,
                "sems_http_request_duration_seconds_sum{{{labels}}} {}",
                stats.sum_seconds
            );
            let _ = writeln!(
                out,
                "sems_http_request_duration_seconds_count{{{labels}}} {}",
                stats.count
            );
        }
        drop(routes);
        let _ = writeln!(
            out,
            "# HELP sems_http_requests_in_flight Requests being answered."
        );
        let _ = writeln!(out, "# TYPE sems_http_requests_in_flight gauge");
        let _ = writeln!(
            out,
            "sems_http_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP sems_db_pool_connections Database connections open in the pool."
        );
        let _ = writeln!(out, "# TYPE sems_db_pool_connections gauge");
        let _ = writeln!(out, "sems_db_pool_connections {}", pool.0);
        let _ = writeln!(
            out,
            "# HELP sems_db_pool_idle_connections Idle database connections in the pool."
        );
        let _ = writeln!(out, "# TYPE sems_db_pool_idle_connections gauge");
        let _ = writeln!(out, "sems_db_pool_idle_connections {}", pool.1);
        let _ = writeln!(
            out,
            "# HELP sems_db_pool_max_connections Largest size of the pool."
        );
        let _ = writeln!(out, "# TYPE sems_db_pool_max_connections gauge");
        let _ = writeln!(out, "sems_db_pool_max_connections {max_connections}");
        crate::observe::render(&mut out);
        out
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
}

/// `/metrics` for the scraper holding the configured token (`SEMS_METRICS_TOKEN`): per-route
/// counters are operational detail, not for anyone who asks.
async fn metrics(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let given = crate::session::bearer(&headers);
    let allowed = match (&state.config.metrics_token, given) {
        (Some(expected), Some(given)) => {
            sems_domain::util::constant_time_eq(expected.as_bytes(), given.as_bytes())
        }
        _ => false,
    };
    if !allowed {
        let mut refused = crate::error::ApiError::new(
            StatusCode::UNAUTHORIZED,
            "/metrics needs the metrics token (SEMS_METRICS_TOKEN) as a bearer token",
        )
        .into_response();
        refused.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Bearer"),
        );
        return refused;
    }
    let pool = state.services.store.pool_state();
    let max = state.services.store.pool().options().get_max_connections();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(pool, max),
    )
        .into_response()
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.services.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(
                serde_json::json!({"status": "ok", "database": "ok", "engine": state.services.store.engine().as_str()}),
            ),
        ),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable", "database": "unreachable"})),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reporting_routes_are_never_counted() {
        let m = Metrics::default();
        for route in [
            "/report/{code}",
            "/reports/new",
            "/reports/{id}/identity",
            "/receipt",
            "/receipt/reply",
            "/api/v1/public/reports/{code}",
            "/api/v1/public/receipt",
            "/api/v1/parties/{id}/reports",
            "/api/v1/reports/{id}/identity",
        ] {
            m.record("POST", route, 201, Duration::from_millis(3));
        }
        m.record("GET", "/sign-in", 200, Duration::from_millis(3));
        let out = m.render((1, 1), 8);
        assert!(!out.contains("report"), "{out}");
        assert!(!out.contains("receipt"), "{out}");
        assert!(out.contains("/sign-in"));
    }
}
