//! The control chart of an indicator at an organisation, and the records behind one of its
//! points.

use super::figure;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use sems_services::performance::dashboard::{Chart, PointRecords};
use sems_web_kit::pages::{render, Layout, PageQuery, PageResult};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

#[derive(serde::Deserialize, Default)]
pub struct Which {
    /// The organisation (default: one's own).
    party: Option<i64>,
}

impl Which {
    fn party(&self, user: &Signed) -> i64 {
        self.party.unwrap_or(user.0.subject.party_id)
    }
}

#[derive(Template)]
#[template(path = "performance/chart.html")]
struct ChartPage {
    layout: Layout,
    c: Chart,
    svg: String,
    /// (period, value as read, standing, link, note).
    rows: Vec<(String, String, &'static str, String, String)>,
    /// Each year's lines, in words.
    years: Vec<(i32, String)>,
}

pub async fn chart(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<Which>,
) -> PageResult {
    let party = q.party(&user);
    let c = state
        .services
        .performance()
        .chart(&user.actor(), id, party)
        .await?;
    let link = |period: &str| format!("/performance/indicators/{id}/points/{period}?party={party}");
    let kind = c.indicator.value_kind;
    let rows = c
        .values
        .iter()
        .rev()
        .map(|v| {
            let mut shown = figure(kind, v.value);
            if let Some(i) = v.interval {
                shown = format!(
                    "{shown} ({} of {}; 95 % interval {}–{})",
                    crate::charts::number(v.numerator),
                    crate::charts::number(v.denominator.unwrap_or(0.0)),
                    figure(kind, i.low),
                    figure(kind, i.high)
                );
            }
            (
                v.period.clone(),
                shown,
                if v.period == c.current_period {
                    "The period is not over"
                } else {
                    super::dashboard::standing(v.level)
                },
                link(&v.period),
                v.note.clone(),
            )
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &ChartPage {
            layout: Layout::new(
                format!("{} at {}", c.indicator.name, c.party_name),
                &user,
                "/performance",
            ),
            svg: crate::charts::control_chart(&c, link),
            years: c
                .years
                .iter()
                .map(|y| {
                    let text = match y.lines {
                        Some([a, b, d]) => format!(
                            "lines {}, {} and {}: {}",
                            figure(kind, a),
                            figure(kind, b),
                            figure(kind, d),
                            y.how
                        ),
                        None => y.how.clone(),
                    };
                    (y.year, text)
                })
                .collect(),
            rows,
            c,
        },
    ))
}

#[derive(Template)]
#[template(path = "performance/point.html")]
struct PointPage {
    layout: Layout,
    p: PointRecords,
    value: String,
}

pub async fn point(
    State(state): State<AppState>,
    user: Signed,
    Path((id, period)): Path<(i64, String)>,
    PageQuery(q): PageQuery<Which>,
) -> PageResult {
    let party = q.party(&user);
    let p = state
        .services
        .performance()
        .point_records(&user.actor(), id, party, &period)
        .await?;
    Ok(render(
        StatusCode::OK,
        &PointPage {
            layout: Layout::new(
                format!("{} {}: the records behind it", p.indicator_code, p.period),
                &user,
                "/performance",
            ),
            value: p.value.map_or("no value".into(), crate::charts::number),
            p,
        },
    ))
}
