//! CSV import of scenarios and measures: paste or choose a file, check it with a dry run
//! (every bad row reported), then import; nothing is stored while any row is bad.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use sems_services::risk::import::{ImportReport, MEASURE_COLUMNS, SCENARIO_COLUMNS};
use sems_web_kit::form::{field, Form};
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{render, Layout};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

#[derive(Template)]
#[template(path = "risk/risk_import.html")]
struct ImportPage {
    layout: Layout,
    kind: String,
    text: String,
    report: Option<ImportReport>,
    scenario_columns: String,
    measure_columns: String,
    into: &'static str,
}

fn page(user: &Signed, kind: String, text: String, report: Option<ImportReport>) -> ImportPage {
    ImportPage {
        layout: Layout::new("Import from CSV", user, "/risk/scenarios"),
        kind,
        text,
        report,
        scenario_columns: format!("{}, classification (optional)", SCENARIO_COLUMNS.join(", ")),
        measure_columns: MEASURE_COLUMNS.join(", "),
        into: if user.0.subject.party_is_authority {
            "the national library and the baseline"
        } else {
            "your organisation's own scenarios and measures"
        },
    }
}

pub async fn form(user: Signed) -> Response {
    render(
        StatusCode::OK,
        &page(&user, "scenarios".into(), String::new(), None),
    )
}

/// The import form: what is imported, the CSV text, and whether only to check it.
#[derive(serde::Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    csv: String,
    #[serde(default, deserialize_with = "field::checkbox")]
    dry_run: bool,
}

pub async fn import(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<ImportForm>,
) -> PageResult {
    let ImportForm {
        kind,
        csv: text,
        dry_run,
    } = fields;
    let party = user.0.subject.party_id;
    let actor = user.actor();
    let report = match kind.as_str() {
        "measures" => {
            state
                .services
                .risk()
                .import_measures(&actor, party, &text, dry_run)
                .await
        }
        _ => {
            state
                .services
                .risk()
                .import_scenarios(&actor, party, &text, dry_run)
                .await
        }
    };
    let report = report?;
    let status = if report.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    // After a real import the text is cleared so a second click cannot import it twice.
    let keep = if report.imported { String::new() } else { text };
    Ok(render(status, &page(&user, kind, keep, Some(report))))
}
