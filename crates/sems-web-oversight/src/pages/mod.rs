//! Oversight and quality control pages: requirements, activities with their checklists,
//! findings and corrective action plans, effective implementation, the oversight method.

mod activities;
mod ei;
mod findings;
mod method;
mod requirements;

use axum::Router;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    requirements::router()
        .merge(activities::router())
        .merge(findings::router())
        .merge(ei::router())
        .merge(method::router())
}
