//! Findings and corrective action plans, as each side sees them, with the list's CSV export.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use sems_domain::oversight::{FindingLevel, FindingStatus};
use sems_services::oversight::findings::{is_overdue, CapInput, FindingView};
use sems_services::ServiceError;
use sems_storage::oversight::findings::{Finding, FindingFilter};
use sems_web_kit::form::{field, Form};
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{notice, render, when, Choice, Layout, PageQuery, Pager};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/oversight/findings", get(list))
        .route("/oversight/findings.csv", get(export))
        .route("/oversight/findings/{id}", get(page))
        .route("/oversight/findings/{id}/cap", post(cap))
        .route("/oversight/findings/{id}/review", post(review))
        .route("/oversight/findings/{id}/completion", post(completion))
        .route("/oversight/findings/{id}/verification", post(verification))
}

#[derive(serde::Deserialize, Default)]
struct Params {
    page: Option<u32>,
    status: Option<String>,
    level: Option<String>,
    overdue: Option<String>,
    notice: Option<String>,
}

impl Params {
    fn filter(&self) -> FindingFilter {
        FindingFilter {
            party_id: None,
            status: self
                .status
                .as_deref()
                .and_then(|s| FindingStatus::parse(s).ok()),
            level: self
                .level
                .as_deref()
                .and_then(|l| FindingLevel::parse(l).ok()),
            overdue_on: (self.overdue.as_deref() == Some("yes")).then(sems_domain::util::today),
            // Escalated to the accountable executive, and still waiting.
            escalated: self.overdue.as_deref() == Some("escalated"),
            awaiting_organisation: self.overdue.as_deref() == Some("escalated"),
            ..Default::default()
        }
    }
}

pub struct Row {
    pub f: Finding,
    pub overdue: bool,
    /// The description, shortened for the list.
    pub description: String,
}

#[derive(Template)]
#[template(path = "oversight/findings.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    pager: Pager,
    statuses: Vec<Choice>,
    levels: Vec<Choice>,
    overdue: bool,
    escalated: bool,
    export: String,
}

async fn list(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    let page = state
        .services
        .oversight()
        .findings(
            &user.actor(),
            &p.filter(),
            sems_domain::page::PageRequest::new(p.page, None),
        )
        .await?;
    let t = |v: &Option<String>| v.clone().unwrap_or_default();
    let query = [
        ("status", t(&p.status)),
        ("level", t(&p.level)),
        ("overdue", t(&p.overdue)),
    ];
    let export = sems_web_kit::pages::query_string(&query);
    Ok(render(
        StatusCode::OK,
        &ListPage {
            layout: Layout::new("Findings", &user, "/oversight/requirements"),
            pager: Pager::new(&page, "/oversight/findings", &query),
            rows: page
                .items
                .into_iter()
                .map(|f| Row {
                    overdue: is_overdue(&f),
                    description: sems_domain::util::excerpt(&f.description, 120),
                    f,
                })
                .collect(),
            statuses: Choice::list(
                FindingStatus::ALL.iter().map(|s| (s.as_str(), s.label())),
                &t(&p.status),
            ),
            levels: Choice::list(
                FindingLevel::ALL.iter().map(|l| (l.as_str(), l.label())),
                &t(&p.level),
            ),
            overdue: p.overdue.as_deref() == Some("yes"),
            escalated: p.overdue.as_deref() == Some("escalated"),
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
    let oversight = state.services.oversight();
    let all =
        sems_web_kit::export::all_pages(|page| oversight.findings(&actor, &filter, page)).await;
    let findings = all?;
    Ok(sems_web_kit::export::csv_download(
        "findings.csv",
        &[
            "id",
            "organisation",
            "activity",
            "requirement",
            "level",
            "status",
            "plan_due_on",
            "actions_due_on",
            "overdue",
            "description",
        ],
        findings.into_iter().map(|f| {
            vec![
                f.id.to_string(),
                f.party_name.clone(),
                f.activity_title.clone(),
                f.requirement_code.clone(),
                f.level.as_str().to_string(),
                f.status.as_str().to_string(),
                sems_domain::util::format_date(f.due_on),
                f.cap_due_on
                    .map(sems_domain::util::format_date)
                    .unwrap_or_default(),
                is_overdue(&f).to_string(),
                f.description,
            ]
        }),
    ))
}

#[derive(Template)]
#[template(path = "oversight/finding.html")]
struct FindingPage {
    layout: Layout,
    v: FindingView,
    steps: Vec<(String, String, &'static str, String)>,
    can_plan: bool,
    can_decide: bool,
    awaits_plan: bool,
    awaits_review: bool,
    awaits_completion: bool,
    awaits_verification: bool,
    default_due: time::Date,
    /// The reader may draft a lesson learned from it (closed, and they issue items).
    may_draft_lesson: bool,
}

async fn finding_page(
    state: &AppState,
    user: &Signed,
    id: i64,
    notice_key: Option<&str>,
    error: Option<String>,
) -> PageResult {
    let v = state
        .services
        .oversight()
        .finding(&user.actor(), id)
        .await?;
    let can_plan = v.actions.plan;
    let can_decide = v.actions.decide;
    let status = v.finding.status;
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &FindingPage {
            layout: Layout::new(format!("Finding {id}"), user, "/oversight/requirements")
                .with_notice(notice(notice_key))
                .with_error(error),
            steps: v
                .history
                .iter()
                .map(|h| {
                    (
                        when(h.at_ms),
                        h.by_name.clone().unwrap_or_default(),
                        h.status.label(),
                        h.note.clone(),
                    )
                })
                .collect(),
            can_plan,
            can_decide,
            awaits_plan: matches!(status, FindingStatus::Open | FindingStatus::CapReturned),
            awaits_review: status == FindingStatus::CapSubmitted,
            awaits_completion: status == FindingStatus::CapAccepted,
            awaits_verification: status == FindingStatus::Completed,
            default_due: v.finding.cap_due_on.unwrap_or(v.finding.due_on),
            may_draft_lesson: status == FindingStatus::Closed
                && sems_services::allowed_in_own_party(
                    &user.actor(),
                    sems_domain::access::RecordKind::SharedItem,
                )
                .create,
            v,
        },
    ))
}

async fn page(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    finding_page(&state, &user, id, p.notice.as_deref(), None).await
}

async fn after(
    state: &AppState,
    user: &Signed,
    id: i64,
    result: Result<Finding, ServiceError>,
) -> Response {
    sems_web_kit::pages::after_post(
        result,
        |_| format!("/oversight/findings/{id}?notice=saved"),
        |message| finding_page(state, user, id, None, Some(message)),
    )
    .await
}

/// The corrective action plan of a finding.
#[derive(serde::Deserialize)]
struct CapForm {
    #[serde(default)]
    root_cause: String,
    #[serde(default)]
    actions: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    compensatory_measures: String,
}

impl From<CapForm> for CapInput {
    /// The page names no owner.
    fn from(f: CapForm) -> Self {
        Self {
            root_cause: f.root_cause,
            actions: f.actions,
            owner_person_id: None,
            due_on: f.due_on,
            compensatory_measures: f.compensatory_measures,
        }
    }
}

async fn cap(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<CapForm>,
) -> Response {
    let result = state
        .services
        .oversight()
        .submit_cap(&user.actor(), id, &fields.into())
        .await;
    after(&state, &user, id, result).await
}

/// The review of a plan: "accept" or not, with a comment.
#[derive(serde::Deserialize)]
struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    comment: String,
}

async fn review(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<ReviewForm>,
) -> Response {
    let result = state
        .services
        .oversight()
        .review_cap(
            &user.actor(),
            id,
            fields.decision == "accept",
            &fields.comment,
        )
        .await;
    after(&state, &user, id, result).await
}

/// The completion of a plan: the evidence that its actions are done.
#[derive(serde::Deserialize)]
struct CompletionForm {
    #[serde(default)]
    evidence: String,
}

async fn completion(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<CompletionForm>,
) -> Response {
    let result = state
        .services
        .oversight()
        .complete_finding(&user.actor(), id, &fields.evidence)
        .await;
    after(&state, &user, id, result).await
}

/// The verification of a completed plan: "close" or not, a comment and a follow-up date.
#[derive(serde::Deserialize)]
struct VerificationForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    comment: String,
    #[serde(default, deserialize_with = "field::text")]
    follow_up_on: Option<String>,
}

async fn verification(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<VerificationForm>,
) -> Response {
    let result = state
        .services
        .oversight()
        .verify_finding(
            &user.actor(),
            id,
            fields.decision == "close",
            &fields.comment,
            fields.follow_up_on.as_deref(),
        )
        .await;
    after(&state, &user, id, result).await
}
