//! Our own CSS and JavaScript, compiled into the binary: nothing is fetched from elsewhere.

use crate::AppState;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

const CSS: &str = include_str!("../assets/sems.css");
const JS: &str = include_str!("../assets/sems.js");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assets/sems.css", get(css))
        .route("/assets/sems.js", get(js))
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
}

async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        JS,
    )
}
