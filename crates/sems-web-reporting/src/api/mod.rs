//! `/api/v1` for confidential reporting: public filing and receipt follow-up (rate-limited,
//! no account), the handlers' workflow, identity disclosure, de-identification and
//! forwarding, the authority's occurrence list, statistics.

mod filing;
mod forwarding;
mod handling;
mod identity;
mod lifecycle;

use axum::http::StatusCode;
use sems_web_kit::error::ApiError;
use sems_web_kit::AppState;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    filing::router()
        .merge(handling::router())
        .merge(identity::router())
        .merge(forwarding::router())
        .merge(lifecycle::router())
}

fn too_many(wait: std::time::Duration) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too many attempts from here; try again later",
    );
    e.retry_after = Some(wait.as_secs().max(1) as i64);
    e
}

/// A message: to the reporter, or between the authority and the organisation.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct MessageBody {
    body: String,
}
