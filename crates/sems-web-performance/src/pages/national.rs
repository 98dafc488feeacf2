//! The authority's national view: every organisation's value of each national indicator for a
//! month against the State's expected level, the distribution across organisations, those in
//! alert or silent first; CSV and XLSX of the same.

use super::figure;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use sems_services::performance::dashboard::NationalView;
use sems_web_kit::pages::{render, Layout, PageQuery, PageResult};
use sems_web_kit::session::Signed;
use sems_web_kit::xlsx::Cell;
use sems_web_kit::AppState;

#[derive(serde::Deserialize, Default)]
pub struct Params {
    /// The month (YYYY-MM); default the last closed one.
    period: Option<String>,
}

impl Params {
    fn period(&self) -> Option<&str> {
        self.period.as_deref().filter(|p| !p.trim().is_empty())
    }
}

/// A column as the page heads it.
pub struct Column {
    pub code: String,
    pub name: String,
    pub expected: String,
    pub distribution: String,
}

/// A row as the page shows it: each cell's figure and whether it is below the State's level.
pub struct Row {
    pub party_id: i64,
    pub party_name: String,
    pub cells: Vec<(String, bool)>,
    pub open_alerts: i64,
    pub silence: Option<String>,
}

#[derive(Template)]
#[template(path = "performance/national.html")]
struct NationalPage {
    layout: Layout,
    period: String,
    columns: Vec<Column>,
    rows: Vec<Row>,
    flagged: usize,
}

async fn view(
    state: &AppState,
    user: &Signed,
    p: &Params,
) -> Result<NationalView, sems_services::ServiceError> {
    state
        .services
        .performance()
        .national_view(&user.actor(), p.period())
        .await
}

pub async fn page(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    let v = view(&state, &user, &p).await?;
    let columns = v
        .indicators
        .iter()
        .map(|c| Column {
            code: c.code.clone(),
            name: c.name.clone(),
            expected: c
                .expected_level
                .map_or(String::new(), |e| figure(c.value_kind, e)),
            distribution: c.distribution.as_ref().map_or(String::new(), |d| {
                format!(
                    "median {}, quartiles {}–{} ({} organisations)",
                    figure(c.value_kind, d.median),
                    figure(c.value_kind, d.q1),
                    figure(c.value_kind, d.q3),
                    d.organisations
                )
            }),
        })
        .collect();
    let rows: Vec<Row> = v
        .rows
        .iter()
        .map(|r| Row {
            party_id: r.party_id,
            party_name: r.party_name.clone(),
            cells: r
                .values
                .iter()
                .zip(&v.indicators)
                .map(|(cell, c)| match cell {
                    Some(x) => (figure(c.value_kind, x.value), x.below_expected_level),
                    None => ("—".into(), false),
                })
                .collect(),
            open_alerts: r.open_alerts,
            silence: r.silence.as_ref().map(|s| s.sentence.clone()),
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &NationalPage {
            layout: Layout::new("Security performance: national view", &user, "/performance"),
            flagged: rows
                .iter()
                .filter(|r| r.open_alerts > 0 || r.silence.is_some())
                .count(),
            period: v.period,
            columns,
            rows,
        },
    ))
}

/// The view as rows: one per organisation and indicator.
fn cells(v: &NationalView) -> Vec<Vec<Cell>> {
    let mut out = Vec::new();
    for r in &v.rows {
        for (cell, c) in r.values.iter().zip(&v.indicators) {
            let Some(x) = cell else { continue };
            out.push(vec![
                Cell::from(v.period.as_str()),
                Cell::from(r.party_name.as_str()),
                Cell::from(r.party_kind.as_str()),
                Cell::from(c.code.as_str()),
                Cell::from(c.name.as_str()),
                Cell::Number(x.value),
                c.expected_level.map_or(Cell::from(""), Cell::Number),
                Cell::from(if x.below_expected_level { "yes" } else { "no" }),
                Cell::from(r.open_alerts),
                Cell::from(if r.silence.is_some() { "yes" } else { "no" }),
            ]);
        }
    }
    out
}

const COLUMNS: [&str; 10] = [
    "period",
    "organisation",
    "kind",
    "code",
    "indicator",
    "value",
    "expected_level",
    "below_expected_level",
    "open_alerts",
    "silence_warning",
];

pub async fn export_csv(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    let v = view(&state, &user, &p).await?;
    Ok(sems_web_kit::export::csv_download(
        "national-security-performance.csv",
        &COLUMNS,
        cells(&v).iter().map(|row| {
            row.iter()
                .map(|c| match c {
                    Cell::Text(t) => t.clone(),
                    Cell::Number(n) => n.to_string(),
                })
                .collect()
        }),
    ))
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    let v = view(&state, &user, &p).await?;
    Ok(sems_web_kit::export::xlsx_download(
        "National performance",
        "national-security-performance.xlsx",
        &COLUMNS,
        &cells(&v),
    ))
}
