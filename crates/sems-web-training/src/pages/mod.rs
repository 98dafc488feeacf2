//! Training pages: the home page and due list (`due.rs`), the personnel register, a person's
//! page with their standings, records and checks (`personnel.rs`), the HR and LMS imports
//! (`imports.rs`), compliance and the national view (`compliance.rs`), the programme and an
//! organisation's additions (`programme.rs`).

mod compliance;
mod due;
mod imports;
mod personnel;
mod programme;
mod surveys;

use axum::routing::{get, post};
use axum::Router;
use sems_domain::training::assess::RequirementKind;
use sems_domain::training::currency::Currency;
use sems_domain::training::Function;
use sems_web_kit::pages::Choice;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/training", get(due::home))
        .route("/training/due", get(due::list))
        .route("/training/due.csv", get(due::export_csv))
        .route(
            "/training/personnel",
            get(personnel::list).post(personnel::register),
        )
        .route("/training/personnel/new", get(personnel::new_form))
        .route("/training/personnel/{id}", get(personnel::page))
        .route(
            "/training/personnel/{id}/edit",
            get(personnel::edit_form).post(personnel::update),
        )
        .route(
            "/training/personnel/{id}/records",
            post(personnel::record_training),
        )
        .route(
            "/training/personnel/{id}/records/{record}/evidence",
            get(personnel::evidence),
        )
        .route(
            "/training/personnel/{id}/checks",
            post(personnel::record_check),
        )
        .route("/training/import", get(imports::page))
        .route("/training/import/personnel", post(imports::personnel))
        .route("/training/import/records", post(imports::records))
        .route("/training/compliance", get(compliance::own))
        .route(
            "/training/compliance/organisations/{id}",
            get(compliance::organisation),
        )
        .route(
            "/training/compliance/organisations/{id}/compliance.csv",
            get(compliance::organisation_csv),
        )
        .route(
            "/training/compliance/organisations/{id}/compliance.xlsx",
            get(compliance::organisation_xlsx),
        )
        .route("/training/national", get(compliance::national))
        .route("/training/national.csv", get(compliance::national_csv))
        .route("/training/national.xlsx", get(compliance::national_xlsx))
        .route(
            "/training/programme",
            get(programme::page).post(programme::publish),
        )
        .route(
            "/training/additions",
            get(programme::additions).post(programme::publish_additions),
        )
        .route(
            "/training/surveys",
            get(surveys::list).post(surveys::launch),
        )
        .route("/training/surveys/{id}", get(surveys::page))
        .route("/training/surveys/{id}/close", post(surveys::close))
        .route(
            "/training/surveys/{id}/actions",
            post(surveys::theme_action),
        )
        .route("/training/culture/national", get(surveys::national))
        .route(
            "/survey/{token}",
            get(surveys::answer_form).post(surveys::answer),
        )
}

/// The functions, for pickers.
pub(crate) fn function_choices(selected: Option<Function>) -> Vec<Choice> {
    Choice::list(
        Function::ALL.iter().map(|f| (f.as_str(), f.label())),
        selected.map(|f| f.as_str()).unwrap_or_default(),
    )
}

pub(crate) fn requirement_choices(selected: Option<RequirementKind>) -> Vec<Choice> {
    Choice::list(
        RequirementKind::ALL.iter().map(|k| (k.as_str(), k.label())),
        selected.map(|k| k.as_str()).unwrap_or_default(),
    )
}

pub(crate) fn currency_choices(selected: Option<Currency>) -> Vec<Choice> {
    Choice::list(
        Currency::ALL
            .iter()
            .filter(|c| **c != Currency::Current)
            .map(|c| (c.as_str(), c.label())),
        selected.map(|c| c.as_str()).unwrap_or_default(),
    )
}

/// A word of a vocabulary from a query string: none when blank or unknown.
pub(crate) fn word<T>(
    v: &Option<String>,
    parse: impl Fn(&str) -> Result<T, sems_domain::ValidationError>,
) -> Option<T> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|s| parse(s).ok())
}
