//! One assessment: assessing a scenario, the assessment page with its history, changes,
//! acceptance by the accountable executive, and mitigation actions.

use super::{chain, level_label};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use sems_services::risk::AssessmentInput;
use sems_services::ServiceError;
use sems_storage::risk::{Assessment, AssessmentChange};
use sems_web_kit::form::FormData;
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{notice, render, when, Choice, FormState, Layout, ListQuery, PageQuery};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

fn assessment_input(form: &FormData, scenario_id: i64) -> AssessmentInput {
    AssessmentInput {
        scenario_id,
        site_id: form.id("site_id"),
        likelihood: form.id("likelihood").unwrap_or(0),
        likelihood_rationale: form.get("likelihood_rationale").into(),
        consequence_human: form.id("consequence_human").unwrap_or(0),
        consequence_economic: form.id("consequence_economic").unwrap_or(0),
        consequence_political: form.id("consequence_political").unwrap_or(0),
        consequence_rationale: form.get("consequence_rationale").into(),
        vulnerability: form.id("vulnerability").unwrap_or(0),
        vulnerability_rationale: form.get("vulnerability_rationale").into(),
        likelihood_override_reason: form.get("likelihood_override_reason").into(),
        vulnerability_override_reason: form.get("vulnerability_override_reason").into(),
        evidence: form.get("evidence").lines().map(str::to_string).collect(),
        classification: form.opt("classification"),
        reason: form.get("reason").into(),
        reassess: form.checked("reassess"),
    }
}

pub(super) async fn assess(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    form: FormData,
) -> PageResult {
    let input = assessment_input(&form, id);
    match state
        .services
        .risk()
        .create_assessment(&user.actor(), user.0.subject.party_id, &input)
        .await
    {
        Ok(a) => {
            Ok(Redirect::to(&format!("/risk/assessments/{}?notice=created", a.id)).into_response())
        }
        Err(
            e @ (ServiceError::Validation(_)
            | ServiceError::Conflict(_)
            | ServiceError::Forbidden(_)),
        ) => {
            let (status, message) = sems_web_kit::pages::refusal(
                &e,
                "The assessment was not recorded: some answers need attention.",
            );
            let form = FormState::refused(form, &e);
            let mut page =
                chain::scenario_page(&state, &user, id, None, None, Some(message), form).await?;
            *page.status_mut() = status;
            Ok(page)
        }
        Err(e) => Err(e.into()),
    }
}

pub struct ChangeRow {
    pub who: String,
    pub when: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "risk/risk_assessment.html")]
struct AssessmentPage {
    layout: Layout,
    a: Assessment,
    inherent: &'static str,
    residual: &'static str,
    current_version: i64,
    can_edit: bool,
    history: Vec<ChangeRow>,
    evidence: String,
    tolerability: &'static str,
    acceptance: Option<String>,
    can_accept: bool,
    default_expiry: String,
    likelihood_proposal: String,
    vulnerability_proposal: String,
    actions: Vec<ActionRow>,
    projected: String,
    people: Vec<Choice>,
    statuses: Vec<Choice>,
    effects: Vec<Choice>,
    /// The change form as the person left it, when it was refused.
    form: FormState,
}

pub struct ActionRow {
    pub id: i64,
    pub title: String,
    pub responsible: String,
    pub responsible_id: String,
    pub due_on: time::Date,
    pub status: &'static str,
    pub overdue: bool,
    pub effect: &'static str,
    pub effect_value: &'static str,
    pub reduction: i64,
    pub cost_one_off: i64,
    pub cost_annual: i64,
    /// The statuses it may move to, with its own selected.
    pub next: Vec<Choice>,
}

async fn assessment_view(
    state: &AppState,
    user: &Signed,
    id: i64,
    notice_key: Option<&str>,
    error: Option<String>,
    form: FormState,
) -> PageResult {
    let actor = user.actor();
    let view = state.services.risk().assessment_view(&actor, id).await?;
    let history = state.services.risk().assessment_history(&actor, id).await?;
    let (a, allowed) = (view.record, view.allowed);
    let current_version = state
        .services
        .risk()
        .risk_method(&actor, None)
        .await
        .map(|m| m.version)
        .unwrap_or(a.method_version);
    let can_edit = allowed.update;
    let can_accept = allowed.accept;
    let acceptances = state
        .services
        .risk()
        .acceptances(&actor, id)
        .await
        .unwrap_or_default();
    let acceptance = sems_services::risk::acceptance_in_force(&a, &acceptances).map(|x| {
        format!(
            "Accepted by {} on {} until {}{}",
            x.accepted_by_name,
            when(x.accepted_at_ms),
            x.expires_on,
            if x.note.is_empty() {
                String::new()
            } else {
                format!(": {}", x.note)
            }
        )
    });
    let tolerability = state
        .services
        .risk()
        .risk_method(&actor, Some(a.method_version))
        .await
        .map(|m| m.method.band(a.residual_score as u32).tolerability.label())
        .unwrap_or("");
    let default_expiry = sems_domain::util::format_date(sems_domain::util::add_months(
        sems_domain::util::today(),
        12,
    ));
    let describe = |p: Option<sems_domain::measure::Proposal>| {
        p.map(|p| format!("{} — {}", p.score.get(), p.basis))
            .unwrap_or_default()
    };
    let (likelihood_proposal, vulnerability_proposal) = match state
        .services
        .risk()
        .score_proposals(&actor, a.party_id, a.scenario_id)
        .await
    {
        Ok(p) => (describe(p.likelihood), describe(p.vulnerability)),
        Err(_) => (String::new(), String::new()),
    };
    let status_choices = |current: &str| {
        Choice::list(
            sems_domain::measure::ActionStatus::ALL
                .iter()
                .map(|s| (s.as_str(), s.label())),
            current,
        )
    };
    let (actions, projected) = match state.services.risk().actions(&actor, id).await {
        Ok((list, p)) => (
            list.into_iter()
                .map(|v| ActionRow {
                    id: v.action.id,
                    title: v.action.title,
                    responsible: v.action.responsible_name.unwrap_or_default(),
                    responsible_id: v
                        .action
                        .responsible_person_id
                        .map(|i| i.to_string())
                        .unwrap_or_default(),
                    due_on: v.action.due_on,
                    status: v.action.status.label(),
                    overdue: v.overdue,
                    effect: v.action.effect_on.label(),
                    effect_value: v.action.effect_on.as_str(),
                    reduction: v.action.expected_reduction,
                    cost_one_off: v.action.cost_one_off,
                    cost_annual: v.action.cost_annual,
                    next: status_choices(v.action.status.as_str()),
                })
                .collect(),
            format!(
                "{} ({}) — likelihood {}, vulnerability {}",
                p.residual.level.label(),
                p.residual.score,
                p.likelihood,
                p.vulnerability
            ),
        ),
        Err(_) => (Vec::new(), String::new()),
    };
    let people = if can_edit {
        state
            .services
            .people(
                &actor,
                &sems_storage::people::PeopleFilter {
                    party_id: Some(a.party_id),
                    ..Default::default()
                },
                sems_domain::page::PageRequest::new(Some(1), Some(sems_domain::page::MAX_PER_PAGE)),
            )
            .await
            .map(|p| Choice::list(p.items.into_iter().map(|x| (x.id, x.display_name)), ""))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &AssessmentPage {
            layout: Layout::new(
                format!("Assessment of {}", a.scenario_code),
                user,
                "/risk/scenarios",
            )
            .with_notice(notice(notice_key))
            .with_error(error),
            inherent: level_label(&a.inherent_level),
            residual: level_label(&a.residual_level),
            current_version,
            can_edit,
            history: history
                .into_iter()
                .map(|h: AssessmentChange| ChangeRow {
                    who: h.changed_by_name.unwrap_or_else(|| "system".into()),
                    when: when(h.changed_at_ms),
                    reason: h.reason,
                })
                .collect(),
            evidence: a.evidence.join("\n"),
            tolerability,
            acceptance,
            can_accept,
            default_expiry,
            likelihood_proposal,
            vulnerability_proposal,
            actions,
            projected,
            people,
            statuses: status_choices("planned"),
            effects: Choice::list(
                sems_domain::measure::Effect::ALL
                    .iter()
                    .map(|e| (e.as_str(), e.label())),
                "vulnerability",
            ),
            form,
            a,
        },
    ))
}

pub(super) async fn assessment_page(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    assessment_view(
        &state,
        &user,
        id,
        q.notice.as_deref(),
        None,
        FormState::default(),
    )
    .await
}

pub(super) async fn update_assessment(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    form: FormData,
) -> PageResult {
    let current = state.services.risk().assessment(&user.actor(), id).await?;
    let mut input = assessment_input(&form, current.scenario_id);
    input.site_id = current.site_id;
    match state
        .services
        .risk()
        .update_assessment(&user.actor(), id, &input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/risk/assessments/{id}?notice=saved")).into_response()),
        Err(
            e @ (ServiceError::Validation(_)
            | ServiceError::Conflict(_)
            | ServiceError::Forbidden(_)),
        ) => {
            let (status, message) = sems_web_kit::pages::refusal(
                &e,
                "The change was not saved: some answers need attention.",
            );
            let form = FormState::refused(form, &e);
            let mut page = assessment_view(&state, &user, id, None, Some(message), form).await?;
            *page.status_mut() = status;
            Ok(page)
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn accept(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    form: FormData,
) -> PageResult {
    let input = sems_services::risk::AcceptanceInput {
        expires_on: form.get("expires_on").into(),
        note: form.get("note").into(),
    };
    match state
        .services
        .risk()
        .accept_risk(&user.actor(), id, &input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/risk/assessments/{id}?notice=saved")).into_response()),
        Err(e @ (ServiceError::Validation(_) | ServiceError::Conflict(_))) => {
            assessment_view(
                &state,
                &user,
                id,
                None,
                Some(sems_web_kit::error::classify(&e).1),
                FormState::default(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

fn action_input(form: &FormData) -> sems_services::risk::actions::ActionInput {
    sems_services::risk::actions::ActionInput {
        title: form.get("title").into(),
        responsible_person_id: form.id("responsible_person_id"),
        due_on: form.get("due_on").into(),
        status: form.opt("status"),
        cost_one_off: form.id("cost_one_off").unwrap_or(0),
        cost_annual: form.id("cost_annual").unwrap_or(0),
        effect_on: form.get("effect_on").into(),
        expected_reduction: form.id("expected_reduction").unwrap_or(0),
    }
}

/// Shows a refused action form again on its assessment page, with the reason.
async fn action_refused(
    state: &AppState,
    user: &Signed,
    assessment_id: i64,
    e: ServiceError,
) -> PageResult {
    match e {
        ServiceError::Validation(_) | ServiceError::Conflict(_) | ServiceError::Forbidden(_) => {
            let message = sems_web_kit::error::classify(&e).1;
            assessment_view(
                state,
                user,
                assessment_id,
                None,
                Some(message),
                FormState::default(),
            )
            .await
        }
        e => Err(e.into()),
    }
}

pub(super) async fn create_action(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    form: FormData,
) -> PageResult {
    match state
        .services
        .risk()
        .create_action(&user.actor(), id, &action_input(&form))
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/risk/assessments/{id}?notice=created#actions-h"))
                .into_response(),
        ),
        Err(e) => action_refused(&state, &user, id, e).await,
    }
}

pub(super) async fn update_action(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    form: FormData,
) -> PageResult {
    let assessment_id = form.id("assessment_id").unwrap_or(0);
    match state
        .services
        .risk()
        .update_action(&user.actor(), id, &action_input(&form))
        .await
    {
        Ok(v) => Ok(Redirect::to(&format!(
            "/risk/assessments/{}?notice=saved#actions-h",
            v.action.assessment_id
        ))
        .into_response()),
        Err(e) => action_refused(&state, &user, assessment_id, e).await,
    }
}
