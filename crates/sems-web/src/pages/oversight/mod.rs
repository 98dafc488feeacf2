//! Oversight and quality control pages.

mod requirements;

use crate::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    requirements::router()
}
