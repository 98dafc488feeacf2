//! The authority's national occurrence list: what organisations forwarded, de-identified —
//! filtered, searched, exported — and the follow-up questions it asks them.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use sems_domain::report::rules::OccurrenceStep;
use sems_storage::reports::{Occurrence, OccurrenceFilter};
use sems_web_kit::form::Form;
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{after_post, notice, render, when, Choice, Layout, PageQuery, Pager};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/occurrences", get(list))
        .route("/occurrences.csv", get(export))
        .route("/occurrences/late", get(late))
        .route("/occurrences/{id}", get(page))
        .route("/occurrences/{id}/ask", post(ask))
}

#[derive(serde::Deserialize, Default)]
pub struct Params {
    page: Option<u32>,
    q: Option<String>,
    category: Option<String>,
    party: Option<String>,
    from: Option<String>,
    until: Option<String>,
    /// `analysis` or `final_result`: only those past that deadline.
    late: Option<String>,
}

impl Params {
    fn filter(&self) -> OccurrenceFilter {
        let day = |v: &Option<String>| {
            v.as_deref()
                .and_then(|d| sems_domain::util::parse_date("day", d).ok())
        };
        OccurrenceFilter {
            party_id: self.party.as_deref().and_then(|p| p.trim().parse().ok()),
            category: self.category.clone().filter(|c| !c.is_empty()),
            search: self.q.clone(),
            from: day(&self.from),
            until: day(&self.until),
            late: self
                .late
                .as_deref()
                .and_then(|l| OccurrenceStep::parse(l).ok()),
            now_ms: 0,
        }
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let t = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![
            ("q", t(&self.q)),
            ("category", t(&self.category)),
            ("party", t(&self.party)),
            ("from", t(&self.from)),
            ("until", t(&self.until)),
            ("late", t(&self.late)),
        ]
    }
}

#[derive(Template)]
#[template(path = "reporting/occurrences.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Occurrence>,
    pager: Pager,
    q: String,
    from: String,
    until: String,
    categories: Vec<Choice>,
    parties: Vec<Choice>,
    lates: Vec<Choice>,
    export: String,
}

async fn list(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    let page = state
        .services
        .reporting()
        .occurrences(
            &user.actor(),
            &p.filter(),
            sems_domain::page::PageRequest::new(p.page, None),
        )
        .await?;
    let query = p.query();
    let export = sems_web_kit::pages::query_string(&query);
    let categories = state
        .services
        .reporting()
        .report_categories()
        .await
        .unwrap_or_default();
    let t = |v: &Option<String>| v.clone().unwrap_or_default();
    Ok(render(
        StatusCode::OK,
        &ListPage {
            layout: Layout::new("National occurrences", &user, "/occurrences"),
            pager: Pager::new(&page, "/occurrences", &query),
            rows: page.items,
            q: t(&p.q),
            from: t(&p.from),
            until: t(&p.until),
            categories: Choice::list(
                categories
                    .iter()
                    .map(|c| (c.code.as_str(), c.label.as_str())),
                &t(&p.category),
            ),
            parties: Choice::list(
                sems_web_kit::pages::visible_parties(&state, &user)
                    .await
                    .into_iter()
                    .filter(|x| !x.kind.is_authority())
                    .map(|x| (x.id, x.name)),
                &t(&p.party),
            ),
            lates: Choice::list(
                [
                    (OccurrenceStep::Analysis, "Analysis overdue"),
                    (OccurrenceStep::FinalResult, "Final result overdue"),
                ]
                .iter()
                .map(|(s, l)| (s.as_str(), *l)),
                &t(&p.late),
            ),
            export,
        },
    ))
}

#[derive(Template)]
#[template(path = "reporting/occurrences_late.html")]
struct LatePage {
    layout: Layout,
    l: sems_services::reports::lifecycle::LateToAuthority,
}

/// What is late to the authority: mandatory reports not forwarded (counts per organisation),
/// analyses and final results past their deadlines.
async fn late(State(state): State<AppState>, user: Signed) -> PageResult {
    let l = state
        .services
        .reporting()
        .late_to_authority(&user.actor())
        .await?;
    Ok(render(
        StatusCode::OK,
        &LatePage {
            layout: Layout::new("Late to the authority", &user, "/occurrences"),
            l,
        },
    ))
}

/// The list as CSV in the ECCAIRS-compatible column layout (`docs/eccairs.md`), with the same
/// filters (at most 200,000 rows).
async fn export(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    Ok(crate::eccairs_csv(&state, &user.actor(), &p.filter()).await?)
}

pub struct Exchange {
    pub who: String,
    pub when: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "reporting/occurrence.html")]
struct OccurrencePage {
    layout: Layout,
    o: sems_services::reports::views::Occurrence,
    forwarded: String,
    exchanges: Vec<Exchange>,
    can_ask: bool,
    /// The analysis's and final result's clocks: text, late.
    clocks: Vec<(String, bool)>,
    final_just_culture: String,
}

async fn page(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<sems_web_kit::pages::ListQuery>,
) -> PageResult {
    occurrence_page(&state, &user, id, q.notice.as_deref(), None).await
}

async fn occurrence_page(
    state: &AppState,
    user: &Signed,
    id: i64,
    notice_key: Option<&str>,
    error: Option<String>,
) -> PageResult {
    let v = state
        .services
        .reporting()
        .occurrence(&user.actor(), id)
        .await?;
    let (o, messages, allowed) = (v.occurrence, v.messages, v.allowed);
    let clocks = super::after_forwarding(v.countdowns, true);
    let final_just_culture = v.final_just_culture_label.unwrap_or_default();
    // The authority asks; the organisation answers from its report's page.
    let can_ask = user.0.subject.party_is_authority && allowed.update;
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &OccurrencePage {
            layout: Layout::new(format!("Occurrence {id}"), user, "/occurrences")
                .with_notice(notice(notice_key))
                .with_error(error),
            forwarded: sems_domain::util::date_of(o.forwarded_at_ms),
            exchanges: messages
                .into_iter()
                .map(|m| Exchange {
                    who: format!("{} ({})", m.author_name.unwrap_or_default(), m.side.label()),
                    when: when(m.created_at_ms),
                    body: m.body,
                })
                .collect(),
            can_ask,
            clocks,
            final_just_culture,
            o,
        },
    ))
}

/// The authority's follow-up question to the organisation.
#[derive(serde::Deserialize)]
struct QuestionForm {
    #[serde(default)]
    body: String,
}

async fn ask(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<QuestionForm>,
) -> Response {
    let result = state
        .services
        .reporting()
        .occurrence_message(&user.actor(), id, &fields.body)
        .await;
    after_post(
        result,
        |()| format!("/occurrences/{id}?notice=sent"),
        |message| occurrence_page(&state, &user, id, None, Some(message)),
    )
    .await
}
