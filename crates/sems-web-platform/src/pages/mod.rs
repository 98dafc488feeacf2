//! The platform's pages.

pub mod actions;
pub mod audit;
pub mod groups;
pub mod home;
pub mod organisations;
pub mod people;
pub mod profile;
mod search;
pub mod sign_in;
pub mod sites;

use axum::Router;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(sign_in::router())
        .merge(home::router())
        .merge(organisations::router())
        .merge(people::router())
        .merge(actions::router())
        .merge(sites::router())
        .merge(groups::router())
        .merge(audit::router())
        .merge(profile::router())
        .merge(search::router())
}
