//! The corrective-action register: every action the person may read, of every module, with
//! filters, its CSV export, and one action's page to complete it and check its effectiveness.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use sems_domain::access::RecordKind;
use sems_domain::action::{ActionStatus, SOURCES};
use sems_domain::page::PageRequest;
use sems_services::actions::{ActionView, CompleteInput, EffectivenessInput};
use sems_storage::actions::ActionFilter;
use sems_web_kit::form::Form;
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{notice, render, Choice, Layout, PageQuery, Pager};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/actions", get(list))
        .route("/actions.csv", get(export))
        .route("/actions/{id}", get(page))
        .route("/actions/{id}/completion", post(complete))
        .route("/actions/{id}/effectiveness", post(effectiveness))
}

#[derive(serde::Deserialize, Default)]
struct Params {
    page: Option<u32>,
    status: Option<String>,
    source: Option<String>,
    overdue: Option<String>,
    check: Option<String>,
    notice: Option<String>,
}

impl Params {
    fn filter(&self) -> ActionFilter {
        ActionFilter {
            status: self
                .status
                .as_deref()
                .and_then(|s| ActionStatus::parse(s).ok()),
            source_kind: self
                .source
                .as_deref()
                .and_then(RecordKind::parse)
                .filter(|k| SOURCES.contains(k)),
            overdue_on: (self.overdue.as_deref() == Some("yes")).then(sems_domain::util::today),
            // Escalated to the accountable executive, and still waiting.
            escalated: self.overdue.as_deref() == Some("escalated"),
            open: self.overdue.as_deref() == Some("escalated"),
            to_check: self.check.as_deref() == Some("yes"),
            ..Default::default()
        }
    }

    fn query(&self) -> [(&'static str, String); 4] {
        let t = |v: &Option<String>| v.clone().unwrap_or_default();
        [
            ("status", t(&self.status)),
            ("source", t(&self.source)),
            ("overdue", t(&self.overdue)),
            ("check", t(&self.check)),
        ]
    }
}

#[derive(Template)]
#[template(path = "actions/actions.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<ActionView>,
    pager: Pager,
    statuses: Vec<Choice>,
    sources: Vec<Choice>,
    overdue: bool,
    escalated: bool,
    check: bool,
    export: String,
}

async fn list(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    let page = state
        .services
        .action_register(&user.actor(), &p.filter(), PageRequest::new(p.page, None))
        .await?;
    let query = p.query();
    let export = sems_web_kit::pages::query_string(&query);
    Ok(render(
        StatusCode::OK,
        &ListPage {
            layout: Layout::new("Corrective actions", &user, "/actions")
                .with_notice(notice(p.notice.as_deref())),
            pager: Pager::new(&page, "/actions", &query),
            rows: page.items,
            statuses: Choice::list(
                ActionStatus::ALL.iter().map(|s| (s.as_str(), s.label())),
                &query[0].1,
            ),
            sources: Choice::list(
                SOURCES
                    .iter()
                    .map(|k| (k.as_str(), sems_services::actions::source_label(*k))),
                &query[1].1,
            ),
            overdue: p.overdue.as_deref() == Some("yes"),
            escalated: p.overdue.as_deref() == Some("escalated"),
            check: p.check.as_deref() == Some("yes"),
            export,
        },
    ))
}

async fn export(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    let filter = p.filter();
    let actor = user.actor();
    let all = sems_web_kit::export::all_pages(|page| {
        state.services.action_register(&actor, &filter, page)
    })
    .await;
    let items = all?;
    Ok(sems_web_kit::export::csv_download(
        "actions.csv",
        &[
            "id",
            "organisation",
            "source",
            "source_id",
            "title",
            "responsible",
            "due_on",
            "status",
            "overdue",
            "completed_on",
            "effectiveness",
        ],
        items.into_iter().map(|v| {
            let a = v.action;
            vec![
                a.id.to_string(),
                a.party_name,
                v.source_label.to_string(),
                a.source_id.to_string(),
                a.title,
                a.responsible_name.unwrap_or_default(),
                sems_domain::util::format_date(a.due_on),
                a.status.as_str().to_string(),
                v.overdue.to_string(),
                a.completed_on
                    .map(sems_domain::util::format_date)
                    .unwrap_or_default(),
                a.effectiveness.as_str().to_string(),
            ]
        }),
    ))
}

#[derive(Template)]
#[template(path = "actions/action.html")]
struct ActionPage {
    layout: Layout,
    v: ActionView,
    evidence: String,
    note: String,
}

async fn show(
    state: &AppState,
    user: &Signed,
    id: i64,
    error: Option<String>,
    notice_key: Option<&str>,
    typed: (String, String),
) -> PageResult {
    let v = state.services.register_action(&user.actor(), id).await?;
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ActionPage {
            layout: Layout::new(v.action.title.clone(), user, "/actions")
                .with_error(error)
                .with_notice(notice(notice_key)),
            v,
            evidence: typed.0,
            note: typed.1,
        },
    ))
}

async fn page(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    show(
        &state,
        &user,
        id,
        None,
        p.notice.as_deref(),
        Default::default(),
    )
    .await
}

/// After a step: back to the action, or the page again with the error and what was typed.
async fn after(
    state: &AppState,
    user: &Signed,
    id: i64,
    result: sems_services::Result<ActionView>,
    typed: (String, String),
) -> Response {
    sems_web_kit::pages::after_post(
        result,
        |_| format!("/actions/{id}?notice=saved"),
        |message| show(state, user, id, Some(message), None, typed),
    )
    .await
}

/// The completion of an action, with what shows it was done.
#[derive(serde::Deserialize)]
struct CompletionForm {
    #[serde(default)]
    evidence: String,
}

impl From<CompletionForm> for CompleteInput {
    fn from(f: CompletionForm) -> Self {
        Self {
            evidence: f.evidence,
        }
    }
}

async fn complete(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<CompletionForm>,
) -> Response {
    let input = CompleteInput::from(fields);
    let result = state
        .services
        .complete_action(&user.actor(), id, &input)
        .await;
    after(&state, &user, id, result, (input.evidence, String::new())).await
}

/// The effectiveness check of a completed action: "yes" or "no", and why.
#[derive(serde::Deserialize)]
struct EffectivenessForm {
    #[serde(default)]
    effective: String,
    #[serde(default)]
    note: String,
}

impl From<EffectivenessForm> for EffectivenessInput {
    fn from(f: EffectivenessForm) -> Self {
        Self {
            effective: f.effective == "yes",
            note: f.note,
        }
    }
}

async fn effectiveness(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<EffectivenessForm>,
) -> Response {
    let input = EffectivenessInput::from(fields);
    let result = state
        .services
        .check_action_effectiveness(&user.actor(), id, &input)
        .await;
    after(&state, &user, id, result, (String::new(), input.note)).await
}
