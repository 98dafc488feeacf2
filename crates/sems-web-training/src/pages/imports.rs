//! The imports of an organisation's training officer: the HR export (the register) and the
//! learning-management system's completion export (training records), each with a dry run
//! and every bad row reported by its line.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use sems_services::import::ImportReport;
use sems_web_kit::form::{field, Form};
use sems_web_kit::pages::{render, Layout, PageResult};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

#[derive(Template)]
#[template(path = "training/import.html")]
struct ImportPage {
    layout: Layout,
    /// Which import the report and text are of: "personnel" or "records".
    which: &'static str,
    csv: String,
    report: Option<ImportReport>,
}

fn import_page(
    user: &Signed,
    which: &'static str,
    csv: String,
    report: Option<ImportReport>,
) -> PageResult {
    let status = match &report {
        Some(r) if !r.errors.is_empty() => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    Ok(render(
        status,
        &ImportPage {
            layout: Layout::new("Import HR and LMS exports", user, "/training"),
            which,
            csv,
            report,
        },
    ))
}

pub async fn page(user: Signed) -> PageResult {
    import_page(&user, "", String::new(), None)
}

#[derive(serde::Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    csv: String,
    #[serde(default, deserialize_with = "field::checkbox")]
    dry_run: bool,
}

pub async fn personnel(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<ImportForm>,
) -> PageResult {
    run(&state, &user, "personnel", fields).await
}

pub async fn records(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<ImportForm>,
) -> PageResult {
    run(&state, &user, "records", fields).await
}

/// Runs one of the two imports for the reader's organisation and shows its report, keeping
/// the text of a file that was not imported.
async fn run(
    state: &AppState,
    user: &Signed,
    which: &'static str,
    fields: ImportForm,
) -> PageResult {
    let t = state.services.training();
    let (actor, party) = (user.actor(), user.0.subject.party_id);
    let report = if which == "personnel" {
        t.import_personnel(&actor, party, &fields.csv, fields.dry_run)
            .await?
    } else {
        t.import_training(&actor, party, &fields.csv, fields.dry_run)
            .await?
    };
    let keep = if report.imported {
        String::new()
    } else {
        fields.csv
    };
    import_page(user, which, keep, Some(report))
}
