//! The authority's national picture: assessments per scenario and residual level across
//! every organisation. Counts only; each count links to the register, which shows an
//! organisation's details only where the access rule allows.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use sems_domain::risk::RiskLevel;
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{render, Layout};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub struct CountCell {
    pub level: &'static str,
    pub count: i64,
    pub organisations: i64,
    pub any: bool,
}

pub struct Row {
    pub scenario_id: i64,
    pub code: String,
    pub title: String,
    pub cells: Vec<CountCell>,
    pub assessments: i64,
}

#[derive(Template)]
#[template(path = "risk/risk_national.html")]
struct NationalPage {
    layout: Layout,
    levels: Vec<&'static str>,
    rows: Vec<Row>,
    totals: [i64; 5],
    assessments: i64,
}

pub async fn national(State(state): State<AppState>, user: Signed) -> PageResult {
    let picture = state
        .services
        .risk()
        .national_picture(&user.actor())
        .await?;
    Ok(render(
        StatusCode::OK,
        &NationalPage {
            layout: Layout::new("National picture", &user, "/risk/scenarios"),
            levels: RiskLevel::ALL.iter().map(|l| l.label()).collect(),
            rows: picture
                .rows
                .into_iter()
                .map(|r| Row {
                    cells: RiskLevel::ALL
                        .iter()
                        .map(|l| CountCell {
                            level: l.as_str(),
                            count: r.by_level[l.index()],
                            organisations: r.organisations_by_level[l.index()],
                            any: r.by_level[l.index()] > 0,
                        })
                        .collect(),
                    scenario_id: r.scenario_id,
                    code: r.scenario_code,
                    title: r.scenario_title,
                    assessments: r.assessments,
                })
                .collect(),
            totals: picture.totals,
            assessments: picture.assessments,
        },
    ))
}
