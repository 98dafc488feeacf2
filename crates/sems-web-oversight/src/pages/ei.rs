//! The EI dashboard: effective implementation by organisation, area and year, with SVG bars.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use sems_services::oversight::ei::{EiReport, EiRow};
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
}

/// Horizontal bars, one per row, drawn on the server (no script, no external assets).
fn bars(rows: &[EiRow]) -> String {
    let height = 26 * rows.len().max(1) + 10;
    let mut out = format!(
        r#"<svg class="ei-bars" viewBox="0 0 640 {height}" role="img" aria-label="Effective implementation" xmlns="http://www.w3.org/2000/svg">"#
    );
    for (i, row) in rows.iter().enumerate() {
        let y = 8 + i * 26;
        let pct = row.ei.unwrap_or(0.0).clamp(0.0, 100.0);
        let width = pct * 4.0;
        let label = row.label.replace('&', "&amp;").replace('<', "&lt;");
        out.push_str(&format!(
            r##"<text x="0" y="{ty}" font-size="12">{label}</text><rect x="200" y="{y}" width="{width:.1}" height="18" fill="#0b3d6e"/><text x="{tx:.1}" y="{ty}" font-size="12">{pct:.1} %</text>"##,
            ty = y + 14,
            tx = 206.0 + width,
        ));
    }
    out.push_str("</svg>");
    out
}

async fn dashboard(State(state): State<AppState>, user: Signed) -> PageResult {
    let r = state
        .services
        .oversight()
        .effective_implementation(&user.actor(), None)
        .await?;
    Ok(render(
        StatusCode::OK,
        &Dashboard {
            layout: Layout::new("Effective implementation", &user, "/oversight/requirements"),
            overall: r.overall.map_or("—".into(), |e| format!("{e:.1} %")),
            by_year_svg: bars(&r.by_year),
            by_area_svg: bars(&r.by_area),
            r,
        },
    ))
}
