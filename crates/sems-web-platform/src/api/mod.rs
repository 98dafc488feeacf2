//! The platform's part of `/api/v1`: the directory, the signed-in person's account, what
//! protects people, and the corrective-action register.

mod account;
mod actions;
mod directory;
mod privacy;
mod search;

use sems_web_kit::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    directory::router()
        .merge(account::router())
        .merge(privacy::router())
        .merge(actions::router())
        .merge(search::router())
}
