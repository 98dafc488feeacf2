//! The search in every page's header: what the reader may read across modules, by number,
//! code, title or words.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use sems_services::search::FoundGroup;
use sems_web_kit::pages::{render, Layout, PageQuery, PageResult};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/search", get(search))
}

#[derive(serde::Deserialize, Default)]
struct Params {
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "platform/search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    groups: Vec<FoundGroup>,
    /// Each group's list with the same words, when it has one and holds more than is shown.
    lists: Vec<String>,
}

async fn search(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    let q = p.q.unwrap_or_default().trim().to_string();
    let groups = state.services.search(&user.actor(), &q).await?;
    let words = sems_web_kit::pages::query_string(&[("q", q.clone())]);
    let lists = groups
        .iter()
        .map(|g| match &g.list {
            Some(l) if g.total > g.items.len() as i64 => format!("{l}?{words}"),
            _ => String::new(),
        })
        .collect();
    let mut layout = Layout::new("Search", &user, "");
    layout.search = q.clone();
    Ok(render(
        StatusCode::OK,
        &SearchPage {
            layout,
            q,
            groups,
            lists,
        },
    ))
}
