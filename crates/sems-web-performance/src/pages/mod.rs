//! Security performance pages: the dashboard (`dashboard.rs`), control charts and the records
//! behind a point (`charts.rs`), the national view (`national.rs`), alerts (`alerts.rs`), the
//! indicator library (`indicators.rs`) and data series (`series.rs`).

mod alerts;
mod charts;
mod dashboard;
mod indicators;
mod national;
mod series;

use axum::routing::{get, post};
use axum::Router;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/performance", get(dashboard::home))
        .route("/performance/organisations/{id}", get(dashboard::page))
        .route(
            "/performance/organisations/{id}/values.csv",
            get(dashboard::export_csv),
        )
        .route(
            "/performance/organisations/{id}/values.xlsx",
            get(dashboard::export_xlsx),
        )
        .route("/performance/national", get(national::page))
        .route("/performance/national.csv", get(national::export_csv))
        .route("/performance/national.xlsx", get(national::export_xlsx))
        .route(
            "/performance/indicators",
            get(indicators::list).post(indicators::define),
        )
        .route("/performance/indicators/new", get(indicators::new_form))
        .route("/performance/indicators/{id}", get(indicators::page))
        .route(
            "/performance/indicators/{id}/versions",
            post(indicators::publish),
        )
        .route(
            "/performance/indicators/{id}/expected-level",
            post(indicators::expected_level),
        )
        .route(
            "/performance/indicators/{id}/target",
            post(indicators::target),
        )
        .route("/performance/indicators/{id}/chart", get(charts::chart))
        .route(
            "/performance/indicators/{id}/points/{period}",
            get(charts::point),
        )
        .route("/performance/alerts", get(alerts::list))
        .route("/performance/alerts/{id}", get(alerts::page))
        .route(
            "/performance/alerts/{id}/acknowledge",
            post(alerts::acknowledge),
        )
        .route("/performance/series", get(series::page).post(series::enter))
        .route("/performance/series/import", post(series::import))
}

/// A figure as it reads on a page: a share with its percent sign, other values plainly.
pub(crate) fn figure(kind: sems_domain::performance::definition::ValueKind, v: f64) -> String {
    let n = crate::charts::number(v);
    match kind {
        sems_domain::performance::definition::ValueKind::Share => format!("{n} %"),
        _ => n,
    }
}
