//! The EI dashboard: effective implementation by organisation, area and year, with SVG bars,
//! of one performer at a time (the State's oversight unless another is chosen), each
//! performer's figure beside it, and a blend only when asked for and named so.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use sems_domain::oversight::Performer;
use sems_services::oversight::ei::{EiReport, EiRow, EiSelection};
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{render, Layout};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/oversight/ei", get(dashboard))
}

#[derive(Template)]
#[template(path = "oversight/ei.html")]
struct Dashboard {
    layout: Layout,
    r: EiReport,
    overall: String,
    by_year_svg: String,
    by_area_svg: String,
    /// The performers to choose from: (link, label with its figure, chosen).
    choices: Vec<(String, String, bool)>,
    blend_link: String,
}

#[derive(serde::Deserialize)]
struct EiPageQuery {
    performer: Option<String>,
    #[serde(default)]
    blend: String,
}

/// EI bars, one per row, on a scale of 100 %.
fn bars(rows: &[EiRow]) -> String {
    let bars: Vec<sems_web_kit::charts::Bar> = rows
        .iter()
        .map(|row| {
            let pct = row.ei.unwrap_or(0.0).clamp(0.0, 100.0);
            sems_web_kit::charts::Bar {
                label: row.label.clone(),
                value: pct,
                shown: format!("{pct:.1} %"),
            }
        })
        .collect();
    sems_web_kit::charts::bars_svg(&bars, 100.0, "Effective implementation", "ei-bars")
}

async fn dashboard(
    State(state): State<AppState>,
    user: Signed,
    Query(q): Query<EiPageQuery>,
) -> PageResult {
    let selection = EiSelection::parse(q.performer.as_deref(), q.blend == "yes")?;
    let r = state
        .services
        .oversight()
        .effective_implementation(&user.actor(), None, &selection)
        .await?;
    let choices = r
        .by_performer
        .iter()
        .map(|row| {
            let figure = row.ei.map_or("—".into(), |e| format!("{e:.1} %"));
            (
                format!("/oversight/ei?performer={}", row.key),
                format!("{}: {figure}", row.label),
                !r.blended && r.performers.iter().any(|p| p.as_str() == row.key),
            )
        })
        .collect();
    let every: Vec<&str> = Performer::ALL.iter().map(|p| p.as_str()).collect();
    Ok(render(
        StatusCode::OK,
        &Dashboard {
            layout: Layout::new(
                format!("Effective implementation: {}", r.label),
                &user,
                "/oversight/requirements",
            ),
            overall: r.overall.map_or("—".into(), |e| format!("{e:.1} %")),
            by_year_svg: bars(&r.by_year),
            by_area_svg: bars(&r.by_area),
            choices,
            blend_link: format!("/oversight/ei?performer={}&blend=yes", every.join(",")),
            r,
        },
    ))
}
