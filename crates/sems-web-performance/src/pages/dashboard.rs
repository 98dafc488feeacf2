//! An organisation's security performance: each indicator's last closed value with its
//! interval, a sparkline, its standing against the alert lines, the target, the State's
//! expected level and the national quartiles; open alerts and the silence warning; CSV and
//! XLSX of the values behind it.

use super::figure;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use sems_services::performance::dashboard::{Dashboard, DashboardRow};
use sems_services::performance::PerformanceServices;
use sems_web_kit::pages::{render, Layout, PageQuery, PageResult};
use sems_web_kit::session::Signed;
use sems_web_kit::xlsx::Cell;
use sems_web_kit::AppState;

/// The words of a value's standing: how many lines it is beyond.
pub(crate) fn standing(level: usize) -> &'static str {
    match level {
        0 => "Within its lines",
        1 => "Watch: beyond the first line",
        2 => "Warning: beyond the second line",
        _ => "Critical: beyond the third line",
    }
}

/// One row as the page shows it.
pub(crate) struct Row {
    pub r: DashboardRow,
    pub current: String,
    pub interval: String,
    pub standing: &'static str,
    pub level: usize,
    pub sparkline: String,
    pub target: String,
    pub expected: String,
    pub national: String,
}

fn row(r: DashboardRow) -> Row {
    let kind = r.indicator.value_kind;
    let shown = |v: Option<f64>| v.map_or(String::new(), |v| figure(kind, v));
    Row {
        current: r
            .current
            .as_ref()
            .map_or("—".into(), |c| figure(kind, c.value)),
        interval: r
            .current
            .as_ref()
            .and_then(|c| c.interval.map(|i| (c, i)))
            .map_or(String::new(), |(c, i)| {
                format!(
                    "{} of {}; 95 % interval {}–{}",
                    crate::charts::number(c.numerator),
                    crate::charts::number(c.denominator.unwrap_or(0.0)),
                    figure(kind, i.low),
                    figure(kind, i.high)
                )
            }),
        level: r.current.as_ref().map_or(0, |c| c.level),
        standing: match &r.current {
            Some(c) if r.lines.as_ref().is_some_and(|l| l.lines.is_some()) => standing(c.level),
            Some(_) => "No alert lines yet",
            None => "No value for the month",
        },
        sparkline: crate::charts::sparkline(
            &r.sparkline,
            &format!(
                "{}: the last {} periods",
                r.indicator.name,
                r.sparkline.len()
            ),
        ),
        target: shown(r.indicator.target),
        expected: shown(r.indicator.expected_level),
        national: r.national.as_ref().map_or(String::new(), |d| {
            format!(
                "median {} (quartiles {}–{}, {} organisations)",
                figure(kind, d.median),
                figure(kind, d.q1),
                figure(kind, d.q3),
                d.organisations
            )
        }),
        r,
    }
}

#[derive(Template)]
#[template(path = "performance/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    d: Dashboard,
    rows: Vec<Row>,
    national_link: bool,
}

/// `/performance`: the authority's national view, or one's organisation's dashboard.
pub async fn home(
    State(state): State<AppState>,
    user: Signed,
    query: PageQuery<super::national::Params>,
) -> PageResult {
    if PerformanceServices::sees_national_view(&user.actor()) {
        super::national::page(State(state), user, query).await
    } else {
        let party = user.0.subject.party_id;
        page(State(state), user, Path(party)).await
    }
}

pub async fn page(State(state): State<AppState>, user: Signed, Path(id): Path<i64>) -> PageResult {
    let actor = user.actor();
    let mut d = state.services.performance().dashboard(&actor, id).await?;
    let rows = std::mem::take(&mut d.rows).into_iter().map(row).collect();
    Ok(render(
        StatusCode::OK,
        &DashboardPage {
            layout: Layout::new(
                format!("Security performance: {}", d.party_name),
                &user,
                "/performance",
            ),
            national_link: PerformanceServices::sees_national_view(&actor),
            rows,
            d,
        },
    ))
}

const COLUMNS: [&str; 8] = [
    "organisation",
    "code",
    "indicator",
    "national",
    "period",
    "value",
    "target",
    "expected_level",
];

/// The values behind a dashboard: each indicator's last periods.
fn cells(d: &Dashboard) -> Vec<Vec<Cell>> {
    let mut out = Vec::new();
    for r in &d.rows {
        for (period, value) in &r.sparkline {
            let Some(v) = value else { continue };
            out.push(vec![
                Cell::from(d.party_name.as_str()),
                Cell::from(r.indicator.code.as_str()),
                Cell::from(r.indicator.name.as_str()),
                Cell::from(if r.indicator.national { "yes" } else { "no" }),
                Cell::from(period.as_str()),
                Cell::Number(*v),
                r.indicator.target.map_or(Cell::from(""), Cell::Number),
                r.indicator
                    .expected_level
                    .map_or(Cell::from(""), Cell::Number),
            ]);
        }
    }
    out
}

fn text(c: &Cell) -> String {
    match c {
        Cell::Text(t) => t.clone(),
        Cell::Number(n) => n.to_string(),
    }
}

pub async fn export_csv(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
) -> PageResult {
    let d = state
        .services
        .performance()
        .dashboard(&user.actor(), id)
        .await?;
    Ok(sems_web_kit::export::csv_download(
        "security-performance.csv",
        &COLUMNS,
        cells(&d).iter().map(|row| row.iter().map(text).collect()),
    ))
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
) -> PageResult {
    let d = state
        .services
        .performance()
        .dashboard(&user.actor(), id)
        .await?;
    Ok(sems_web_kit::export::xlsx_download(
        "Security performance",
        "security-performance.xlsx",
        &COLUMNS,
        &cells(&d),
    ))
}
