//! Compliance: an organisation's figures per function and requirement with a chart, and the
//! authority's national view with each organisation's figures; CSV and XLSX of both.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use sems_services::training::compliance::{ComplianceRow, ComplianceView, Share};
use sems_web_kit::api::ApiPath;
use sems_web_kit::charts::{bars_svg, Bar};
use sems_web_kit::pages::{render, service_error, Layout, PageResult};
use sems_web_kit::session::Signed;
use sems_web_kit::xlsx::Cell;
use sems_web_kit::AppState;

#[derive(Template)]
#[template(path = "training/compliance.html")]
struct CompliancePage {
    layout: Layout,
    v: ComplianceView,
    chart: String,
    export: String,
}

/// Share current per function, every requirement of it together.
fn chart(rows: &[ComplianceRow]) -> String {
    let mut bars: Vec<Bar> = Vec::new();
    let mut by_function: Vec<(&'static str, i64, i64)> = Vec::new();
    for r in rows.iter().filter(|r| r.function.is_some()) {
        let entitled = r.current + r.due_soon;
        let total = entitled + r.in_grace + r.overdue + r.lapsed;
        match by_function
            .iter_mut()
            .find(|(l, _, _)| *l == r.function_label)
        {
            Some(f) => {
                f.1 += entitled;
                f.2 += total;
            }
            None => by_function.push((r.function_label, entitled, total)),
        }
    }
    for (label, entitled, total) in by_function {
        let p = if total > 0 {
            entitled as f64 * 100.0 / total as f64
        } else {
            0.0
        };
        bars.push(Bar {
            label: label.to_string(),
            value: p,
            shown: format!("{p:.1} % ({entitled} of {total})"),
        });
    }
    bars_svg(
        &bars,
        100.0,
        "Requirements current per function",
        "compliance-chart",
    )
}

fn page_of(user: &Signed, v: ComplianceView, export: String) -> Response {
    let title = if v.party_id.is_some() {
        format!("Training compliance: {}", v.scope)
    } else {
        "Training compliance: national".to_string()
    };
    render(
        StatusCode::OK,
        &CompliancePage {
            layout: Layout::new(title, user, "/training"),
            chart: chart(&v.rows),
            v,
            export,
        },
    )
}

pub async fn own(State(state): State<AppState>, user: Signed) -> PageResult {
    organisation_page(&state, &user, user.0.subject.party_id).await
}

pub async fn organisation(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
) -> PageResult {
    organisation_page(&state, &user, id).await
}

async fn organisation_page(state: &AppState, user: &Signed, id: i64) -> PageResult {
    let v = state
        .services
        .training()
        .compliance(&user.actor(), id)
        .await?;
    Ok(page_of(
        user,
        v,
        format!("/training/compliance/organisations/{id}/compliance"),
    ))
}

pub async fn national(State(state): State<AppState>, user: Signed) -> PageResult {
    let v = state
        .services
        .training()
        .national_compliance(&user.actor())
        .await?;
    Ok(page_of(&user, v, "/training/national".into()))
}

const ROW_HEADER: [&str; 9] = [
    "Function",
    "Requirement",
    "Current",
    "Due soon",
    "In grace",
    "Overdue",
    "Lapsed",
    "Share current (%)",
    "People",
];

fn row_cells(r: &ComplianceRow) -> Vec<Cell> {
    vec![
        Cell::Text(r.function_label.to_string()),
        Cell::Text(r.requirement_label.to_string()),
        Cell::Number(r.current as f64),
        Cell::Number(r.due_soon as f64),
        Cell::Number(r.in_grace as f64),
        Cell::Number(r.overdue as f64),
        Cell::Number(r.lapsed as f64),
        Cell::Number(r.share_current.percent.unwrap_or(f64::NAN)),
        Cell::Number(r.share_current.of as f64),
    ]
}

fn row_text(r: &ComplianceRow) -> Vec<String> {
    vec![
        r.function_label.to_string(),
        r.requirement_label.to_string(),
        r.current.to_string(),
        r.due_soon.to_string(),
        r.in_grace.to_string(),
        r.overdue.to_string(),
        r.lapsed.to_string(),
        r.share_current
            .percent
            .map(|p| format!("{p:.1}"))
            .unwrap_or_default(),
        r.share_current.of.to_string(),
    ]
}

pub async fn organisation_csv(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
) -> Response {
    match state
        .services
        .training()
        .compliance(&user.actor(), id)
        .await
    {
        Ok(v) => sems_web_kit::export::csv_download(
            "training-compliance.csv",
            &ROW_HEADER,
            v.rows.iter().map(row_text),
        ),
        Err(e) => service_error(e),
    }
}

pub async fn organisation_xlsx(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
) -> Response {
    match state
        .services
        .training()
        .compliance(&user.actor(), id)
        .await
    {
        Ok(v) => {
            let rows: Vec<Vec<Cell>> = v.rows.iter().map(row_cells).collect();
            sems_web_kit::export::xlsx_download(
                "Training compliance",
                "training-compliance.xlsx",
                &ROW_HEADER,
                &rows,
            )
        }
        Err(e) => service_error(e),
    }
}

const NATIONAL_HEADER: [&str; 7] = [
    "Organisation",
    "Requirements current (%)",
    "Requirements",
    "Screeners compliant (%)",
    "Screeners",
    "Checks valid (%)",
    "Needing a check",
];

pub async fn national_csv(State(state): State<AppState>, user: Signed) -> Response {
    match state
        .services
        .training()
        .national_compliance(&user.actor())
        .await
    {
        Ok(v) => sems_web_kit::export::csv_download(
            "training-compliance-national.csv",
            &NATIONAL_HEADER,
            v.organisations.iter().map(|o| {
                let p = |s: &Share| s.percent.map(|p| format!("{p:.1}")).unwrap_or_default();
                vec![
                    o.party_name.clone(),
                    p(&o.figures.current),
                    o.figures.current.of.to_string(),
                    p(&o.figures.screeners_compliant),
                    o.figures.screeners_compliant.of.to_string(),
                    p(&o.figures.checks_valid),
                    o.figures.checks_valid.of.to_string(),
                ]
            }),
        ),
        Err(e) => service_error(e),
    }
}

pub async fn national_xlsx(State(state): State<AppState>, user: Signed) -> Response {
    match state
        .services
        .training()
        .national_compliance(&user.actor())
        .await
    {
        Ok(v) => {
            let n = |s: &Share| Cell::Number(s.percent.unwrap_or(f64::NAN));
            let rows: Vec<Vec<Cell>> = v
                .organisations
                .iter()
                .map(|o| {
                    vec![
                        Cell::Text(o.party_name.clone()),
                        n(&o.figures.current),
                        Cell::Number(o.figures.current.of as f64),
                        n(&o.figures.screeners_compliant),
                        Cell::Number(o.figures.screeners_compliant.of as f64),
                        n(&o.figures.checks_valid),
                        Cell::Number(o.figures.checks_valid.of as f64),
                    ]
                })
                .collect();
            sems_web_kit::export::xlsx_download(
                "National compliance",
                "training-compliance-national.xlsx",
                &NATIONAL_HEADER,
                &rows,
            )
        }
        Err(e) => service_error(e),
    }
}
