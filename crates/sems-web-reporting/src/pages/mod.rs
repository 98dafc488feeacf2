//! Security report pages: the handlers' list and the report page with its workflow
//! (triage, investigation, closure), the conversation with the reporter, identity disclosure,
//! de-identification and forwarding; statistics; the authority's national occurrence list.

mod occurrences;
pub mod public;
mod rules;
mod steps;

use askama::Template;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use sems_domain::report::rules::Countdown;
use sems_domain::report::{ReportMode, ReportStatus, Severity};
use sems_services::reports::ReportView;
use sems_storage::reports::ReportFilter;
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{notice, render, when, when_to, Choice, Layout, PageQuery, Pager};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    let upload = DefaultBodyLimit::max(sems_web_kit::middleware::UPLOAD_LIMIT);
    Router::new()
        .route(
            "/report/{code}",
            get(public::public_form)
                .post(public::public_file)
                .layer(upload),
        )
        .route(
            "/receipt",
            get(public::receipt_form).post(public::receipt_lookup),
        )
        .route("/receipt/reply", post(public::receipt_reply))
        .route(
            "/reports/new",
            get(public::signed_form)
                .post(public::signed_file)
                .layer(upload),
        )
        .route("/reports", get(list))
        .route("/reports/statistics", get(statistics))
        .route("/reports/{id}", get(page))
        .route("/reports/{id}/triage", post(steps::triage))
        .route("/reports/{id}/investigate", post(steps::investigate))
        .route("/reports/{id}/close", post(steps::close))
        .route("/reports/{id}/message", post(steps::message))
        .route("/reports/{id}/deidentify", post(steps::deidentify))
        .route("/reports/{id}/forward", post(steps::forward))
        .route(
            "/reports/{id}/identity-request",
            post(steps::request_identity),
        )
        .route(
            "/reports/{id}/identity-decision",
            post(steps::decide_identity),
        )
        .route("/reports/{id}/identity", post(steps::disclose_identity))
        .route("/reports/{id}/answer", post(steps::answer_authority))
        .route("/reports/{id}/analysis", post(steps::send_analysis))
        .route("/reports/{id}/final-result", post(steps::send_final_result))
        .route(
            "/reports/{id}/attachments/{attachment}",
            get(steps::attachment),
        )
        .merge(occurrences::router())
        .merge(rules::router())
}

pub struct ReportRow {
    pub id: i64,
    pub filed: String,
    pub category: String,
    pub status: &'static str,
    pub mode: &'static str,
    pub severity: &'static str,
    pub excerpt: String,
    pub late: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "reporting/reports.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<ReportRow>,
    pager: Pager,
    q: String,
    statuses: Vec<Choice>,
    categories: Vec<Choice>,
    modes: Vec<Choice>,
    owed: bool,
}

#[derive(serde::Deserialize, Default)]
struct ListParams {
    page: Option<u32>,
    q: Option<String>,
    status: Option<String>,
    category: Option<String>,
    mode: Option<String>,
    /// `1`: only those owing the authority a step (forwarding, analysis, final result).
    owed: Option<String>,
}

fn late(o: sems_services::reports::Overdue) -> Vec<&'static str> {
    let mut out = Vec::new();
    if o.triage {
        out.push("Triage overdue");
    }
    if o.closure {
        out.push("Closure overdue");
    }
    if o.forwarding {
        out.push("Forwarding overdue");
    }
    if o.analysis {
        out.push("Analysis for the authority overdue");
    }
    if o.final_result {
        out.push("Final result for the authority overdue");
    }
    out
}

/// A step's clock towards the authority as the pages say it, and whether it is late;
/// nothing for a step not owed yet. `day`: the reader sees times to the day only.
pub(crate) fn clock_text(step: &str, c: Countdown, day: bool) -> Option<(String, bool)> {
    let left = |due: i64| {
        let hours = (due - sems_storage::now_ms()) / 3_600_000;
        match hours.abs() {
            h if h >= 48 => format!("{} days", h / 24),
            h => format!("{h} hours"),
        }
    };
    match c {
        Countdown::NotDue => None,
        Countdown::Running { due_at_ms } if day => {
            Some((format!("{step}: due by {}", when_to(due_at_ms, day)), false))
        }
        Countdown::Running { due_at_ms } => Some((
            format!(
                "{step}: due by {} ({} left)",
                when(due_at_ms),
                left(due_at_ms)
            ),
            false,
        )),
        Countdown::Overdue { due_at_ms } if day => Some((
            format!("{step}: was due on {}: overdue", when_to(due_at_ms, day)),
            true,
        )),
        Countdown::Overdue { due_at_ms } => Some((
            format!(
                "{step}: was due on {}: overdue by {}",
                when(due_at_ms),
                left(due_at_ms)
            ),
            true,
        )),
        Countdown::Done { at_ms, on_time } => Some((
            format!(
                "{step}: sent on {}{}",
                when_to(at_ms, day),
                if on_time { "" } else { ", after its deadline" }
            ),
            false,
        )),
    }
}

/// The clocks after forwarding (the forwarding itself is said apart).
pub(crate) fn after_forwarding(
    c: sems_domain::report::rules::Countdowns,
    day: bool,
) -> Vec<(String, bool)> {
    [
        clock_text("Analysis for the authority", c.analysis, day),
        clock_text("Final result for the authority", c.final_result, day),
    ]
    .into_iter()
    .flatten()
    .collect()
}

async fn list(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<ListParams>,
) -> PageResult {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let filter = ReportFilter {
        party_id: None,
        status: q
            .status
            .as_deref()
            .and_then(|s| ReportStatus::parse(s).ok()),
        category: q.category.clone().filter(|c| !c.is_empty()),
        mode: q.mode.as_deref().and_then(|m| ReportMode::parse(m).ok()),
        search: q.q.clone(),
        owed_to_authority: q.owed.as_deref() == Some("1"),
    };
    let page = state
        .services
        .reporting()
        .reports(
            &user.actor(),
            &filter,
            sems_domain::page::PageRequest::new(q.page, None),
        )
        .await?;
    let pager = Pager::new(
        &page,
        "/reports",
        &[
            ("q", text(&q.q)),
            ("status", text(&q.status)),
            ("category", text(&q.category)),
            ("mode", text(&q.mode)),
            ("owed", text(&q.owed)),
        ],
    );
    let categories = state
        .services
        .reporting()
        .report_categories()
        .await
        .unwrap_or_default();
    let rows = page
        .items
        .into_iter()
        .map(|r| ReportRow {
            late: late(state.services.reporting().overdue(&r)),
            id: r.id,
            filed: when_to(r.filed_at_ms, r.times_to_the_day),
            category: r.category_label,
            status: r.status.label(),
            mode: match r.mode {
                ReportMode::Identified => "Identified",
                ReportMode::Confidential => "Confidential",
                ReportMode::Anonymous => "Anonymous",
            },
            severity: r.severity.map_or("", |s| s.label()),
            excerpt: sems_domain::util::excerpt(&r.what_happened, 120),
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &ListPage {
            layout: Layout::new("Security reports", &user, "/reports"),
            rows,
            pager,
            q: text(&q.q),
            statuses: Choice::list(
                ReportStatus::ALL.iter().map(|s| (s.as_str(), s.label())),
                &text(&q.status),
            ),
            categories: Choice::list(
                categories
                    .iter()
                    .map(|c| (c.code.as_str(), c.label.as_str())),
                &text(&q.category),
            ),
            owed: q.owed.as_deref() == Some("1"),
            modes: Choice::list(
                ReportMode::ALL.iter().map(|m| (m.as_str(), m.as_str())),
                &text(&q.mode),
            ),
        },
    ))
}

pub struct MessageRow {
    pub who: String,
    pub when: String,
    pub body: String,
}

pub struct RequestRow {
    pub id: i64,
    pub who: String,
    pub reason: String,
    pub when: String,
    pub decision: &'static str,
    pub pending: bool,
    pub mine_approved: bool,
    /// For an approval: until when it opens the identity, or that it was used or lapsed.
    pub validity: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "reporting/report.html")]
struct ReportPage {
    layout: Layout,
    v: ReportView,
    /// How long an approved disclosure stays usable.
    disclosure_hours: i64,
    filed: String,
    late: Vec<&'static str>,
    forward_due: String,
    /// The analysis's and final result's clocks: text, late.
    clocks: Vec<(String, bool)>,
    /// The closure's just-culture decision, by the rules in force.
    just_culture: String,
    to_reporter: Vec<MessageRow>,
    with_authority: Vec<MessageRow>,
    requests: Vec<RequestRow>,
    can_update: bool,
    can_decide: bool,
    /// The reader may draft a lesson learned from the closed report.
    may_draft_lesson: bool,
    is_confidential: bool,
    categories: Vec<Choice>,
    severities: Vec<Choice>,
    decisions: Vec<Choice>,
    /// Who may be given the corrective actions opened at closure.
    owners: Vec<Choice>,
    scenarios: Vec<Choice>,
    suggestions: Vec<(String, String)>,
    /// What the saved de-identified version still shows (kind, text): each kept needs a reason.
    /// What the saved version still shows: kind, text, and the reason a first handler gave
    /// for keeping it when a forwarding waits for a second one.
    remaining: Vec<(String, String, String)>,
    /// A forwarding proposed by another handler, to confirm (their name), or by the reader,
    /// waiting for a second handler.
    proposed_by_other: Option<String>,
    proposed_by_me: bool,
    suggested_text: String,
    identity: Option<String>,
    may_investigate: bool,
    may_close: bool,
    is_new: bool,
}

async fn page(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<sems_web_kit::pages::ListQuery>,
) -> PageResult {
    report_page(&state, &user, id, q.notice.as_deref(), None, None).await
}

async fn report_page(
    state: &AppState,
    user: &Signed,
    id: i64,
    notice_key: Option<&str>,
    error: Option<String>,
    identity: Option<String>,
) -> PageResult {
    let actor = user.actor();
    let v = state.services.reporting().report_view(&actor, id).await?;
    let subject = &user.0.subject;
    let can_update = v.allowed.update;
    let can_decide = v.allowed.accept;
    let who = |m: &sems_services::reports::views::ReportMessage| -> String {
        match m.side {
            sems_domain::report::MessageSide::Reporter => "Reporter".into(),
            side => match &m.author_name {
                Some(n) => format!("{n} ({})", side.label()),
                None => side.label().to_string(),
            },
        }
    };
    let day = v.report.times_to_the_day;
    let split = |authority: bool| -> Vec<MessageRow> {
        v.messages
            .iter()
            .filter(|m| {
                matches!(
                    m.side,
                    sems_domain::report::MessageSide::Authority
                        | sems_domain::report::MessageSide::Organisation
                ) == authority
            })
            .map(|m| MessageRow {
                who: who(m),
                when: when_to(m.created_at_ms, day),
                body: m.body.clone(),
            })
            .collect()
    };
    let to_reporter = split(false);
    let with_authority = split(true);
    let now = sems_storage::now_ms();
    let usable = |r: &sems_services::reports::views::IdentityRequest| {
        sems_domain::report::disclosure_usable(r.used_at_ms, r.valid_until_ms, now).is_ok()
    };
    let disclosure_hours = state
        .services
        .reporting
        .as_ref()
        .map(|c| c.targets.disclosure_hours)
        .unwrap_or_default();
    let requests = v
        .identity_requests
        .iter()
        .map(|r| RequestRow {
            id: r.id,
            who: r.requested_by_name.clone(),
            reason: r.reason.clone(),
            when: when_to(r.requested_at_ms, day),
            decision: r.decision.label(),
            pending: r.decision == sems_domain::report::DisclosureDecision::Pending,
            mine_approved: r.decision == sems_domain::report::DisclosureDecision::Approved
                && r.requested_by == subject.person_id
                && usable(r),
            validity: match (r.decision, r.used_at_ms, r.valid_until_ms) {
                (sems_domain::report::DisclosureDecision::Approved, Some(used), _) => {
                    format!("used on {}", when_to(used, day))
                }
                (sems_domain::report::DisclosureDecision::Approved, None, Some(until)) => {
                    if usable(r) {
                        format!("opens the identity once, until {}", when(until))
                    } else {
                        format!("lapsed on {}", when(until))
                    }
                }
                _ => String::new(),
            },
            note: r.decision_note.clone(),
        })
        .collect();
    let categories = state
        .services
        .reporting()
        .report_categories()
        .await
        .unwrap_or_default();
    let scenarios = state
        .services
        .risk()
        .scenarios(
            &actor,
            &Default::default(),
            sems_domain::page::PageRequest::new(Some(1), Some(sems_domain::page::MAX_PER_PAGE)),
        )
        .await
        .map(|p| p.items)
        .unwrap_or_default()
        .into_iter()
        .map(|s| Choice {
            selected: v.report.scenario_ids.contains(&s.id),
            value: s.id.to_string(),
            label: format!("{} {}", s.code, s.title),
        })
        .collect();
    let proposal = if can_update && v.report.forwarded_at_ms.is_none() {
        state
            .services
            .reporting()
            .forward_proposal(&actor, id)
            .await
            .unwrap_or_default()
    } else {
        None
    };
    let remaining = if can_update
        && v.report.forwarded_at_ms.is_none()
        && !v.report.deidentified_text.is_empty()
    {
        state
            .services
            .reporting()
            .remaining_identifiers(&actor, id)
            .await
            .map(|items| {
                items
                    .into_iter()
                    .map(|r| {
                        let reason = proposal
                            .as_ref()
                            .and_then(|p| p.kept.iter().find(|k| k.text.trim() == r.text.trim()))
                            .map(|k| k.reason.clone())
                            .unwrap_or_default();
                        (r.kind.to_string(), r.text, reason)
                    })
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let me = user.0.subject.person_id;
    let proposed_by_me = proposal.as_ref().is_some_and(|p| p.by == me);
    let proposed_by_other = proposal.filter(|p| p.by != me).map(|p| p.by_name);
    let (suggestions, suggested_text) = if can_update && v.report.forwarded_at_ms.is_none() {
        match state
            .services
            .reporting()
            .deidentification_suggestions(&actor, id)
            .await
        {
            Ok(s) => (
                s.redactions
                    .into_iter()
                    .map(|r| (r.kind.to_string(), r.text))
                    .collect(),
                s.suggested_text,
            ),
            Err(_) => (Vec::new(), String::new()),
        }
    } else {
        (Vec::new(), String::new())
    };
    let forward_due = match (v.report.forward_due_at_ms, v.report.forwarded_at_ms) {
        (_, Some(at)) => format!("Forwarded to the authority on {}", when_to(at, day)),
        (Some(due), None) if day && v.report.mandatory != Some(false) => {
            format!("To be forwarded to the authority by {}", when_to(due, day))
        }
        (Some(due), None) if v.report.mandatory != Some(false) => {
            let left_h = (due - sems_storage::now_ms()) / 3_600_000;
            if left_h < 0 {
                format!(
                    "Forwarding to the authority was due on {} ({} hours ago)",
                    when(due),
                    -left_h
                )
            } else {
                format!(
                    "To be forwarded to the authority by {} ({left_h} hours left)",
                    when(due)
                )
            }
        }
        _ => String::new(),
    };
    let status = v.report.status;
    let owners = if can_update && status.may_move_to(ReportStatus::Closed) {
        sems_web_kit::pages::people_choices(&state.services, &user.actor(), v.report.party_id, "")
            .await
    } else {
        Vec::new()
    };
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ReportPage {
            layout: Layout::new(format!("Security report {id}"), user, "/reports")
                .with_notice(notice(notice_key))
                .with_error(error),
            disclosure_hours,
            filed: when_to(v.report.filed_at_ms, day),
            late: late(v.overdue),
            forward_due,
            clocks: after_forwarding(v.countdowns, day),
            just_culture: v.just_culture_label.clone().unwrap_or_default(),
            to_reporter,
            with_authority,
            requests,
            can_update,
            can_decide,
            may_draft_lesson: can_update
                && v.report.status == sems_domain::report::ReportStatus::Closed
                && sems_services::allowed_in_own_party(
                    &user.actor(),
                    sems_domain::access::RecordKind::SharedItem,
                )
                .create,
            is_confidential: v.report.mode == ReportMode::Confidential,
            categories: Choice::list(
                categories
                    .iter()
                    .map(|c| (c.code.as_str(), c.label.as_str())),
                &v.report.category_code,
            ),
            severities: Choice::list(
                Severity::ALL.iter().map(|s| (s.as_str(), s.label())),
                v.report.severity.map_or("", |s| s.as_str()),
            ),
            decisions: Choice::list(
                v.just_culture_choices
                    .iter()
                    .map(|d| (d.word.as_str(), d.label.as_str())),
                v.report.just_culture.as_deref().unwrap_or(""),
            ),
            owners,
            scenarios,
            suggestions,
            remaining,
            proposed_by_other,
            proposed_by_me,
            suggested_text,
            identity,
            may_investigate: status.may_move_to(ReportStatus::UnderInvestigation),
            may_close: status.may_move_to(ReportStatus::Closed),
            is_new: status == ReportStatus::New,
            v,
        },
    ))
}

#[derive(Template)]
#[template(path = "reporting/report_statistics.html")]
struct StatisticsPage {
    layout: Layout,
    s: sems_services::reports::statistics::ReportStatistics,
    national: bool,
    rate: String,
    /// Whose headcount the rate divides by.
    staff: String,
    triage: String,
    closure: String,
}

async fn statistics(State(state): State<AppState>, user: Signed) -> PageResult {
    let s = state
        .services
        .reporting()
        .report_statistics(&user.actor())
        .await?;
    let fmt =
        |v: Option<f64>, unit: &str| v.map_or("—".to_string(), |v| format!("{v:.1} {unit}"));
    Ok(render(
        StatusCode::OK,
        &StatisticsPage {
            layout: Layout::new("Reporting statistics", &user, "/reports"),
            national: user.0.subject.party_is_authority,
            rate: fmt(s.rate_per_100_staff, "per 100 staff"),
            staff: s
                .staff
                .map_or("no staff headcount entered".to_string(), |n| {
                    format!("{n:.0} staff, from the headcount series")
                }),
            triage: fmt(s.median_hours_to_triage, "hours"),
            closure: fmt(s.median_days_to_close, "days"),
            s,
        },
    ))
}
