//! One assessment: assessing a scenario, the assessment page with its history, changes,
//! acceptance by the accountable executive, and mitigation actions.

use super::{chain, level_label};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use sems_services::risk::AssessmentInput;
use sems_storage::risk::{Assessment, AssessmentChange};
use sems_web_kit::form::{field, Form};
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{
    after_form_post, after_post, notice, render, when, Choice, FormState, Layout, ListQuery,
    PageQuery,
};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

/// The assessment form of the scenario page and the change form of the assessment page.
#[derive(serde::Deserialize)]
pub(super) struct AssessmentForm {
    #[serde(default, deserialize_with = "field::id")]
    site_id: Option<i64>,
    #[serde(default)]
    likelihood: Option<i64>,
    #[serde(default)]
    likelihood_rationale: String,
    #[serde(default)]
    consequence_human: Option<i64>,
    #[serde(default)]
    consequence_economic: Option<i64>,
    #[serde(default)]
    consequence_political: Option<i64>,
    #[serde(default)]
    consequence_rationale: String,
    #[serde(default)]
    vulnerability: Option<i64>,
    #[serde(default)]
    vulnerability_rationale: String,
    #[serde(default)]
    likelihood_override_reason: String,
    #[serde(default)]
    vulnerability_override_reason: String,
    #[serde(default, deserialize_with = "field::lines")]
    evidence: Vec<String>,
    #[serde(default, deserialize_with = "field::text")]
    classification: Option<String>,
    #[serde(default)]
    reason: String,
    #[serde(default, deserialize_with = "field::checkbox")]
    reassess: bool,
}

impl AssessmentForm {
    /// A score left unchosen is 0, which the service refuses with its message beside the field.
    fn into_input(self, scenario_id: i64) -> AssessmentInput {
        AssessmentInput {
            scenario_id,
            site_id: self.site_id,
            likelihood: self.likelihood.unwrap_or(0),
            likelihood_rationale: self.likelihood_rationale,
            consequence_human: self.consequence_human.unwrap_or(0),
            consequence_economic: self.consequence_economic.unwrap_or(0),
            consequence_political: self.consequence_political.unwrap_or(0),
            consequence_rationale: self.consequence_rationale,
            vulnerability: self.vulnerability.unwrap_or(0),
            vulnerability_rationale: self.vulnerability_rationale,
            likelihood_override_reason: self.likelihood_override_reason,
            vulnerability_override_reason: self.vulnerability_override_reason,
            evidence: self.evidence,
            classification: self.classification,
            reason: self.reason,
            reassess: self.reassess,
        }
    }
}

pub(super) async fn assess(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, values }: Form<AssessmentForm>,
) -> Response {
    let result = state
        .services
        .risk()
        .create_assessment(
            &user.actor(),
            user.0.subject.party_id,
            &fields.into_input(id),
        )
        .await;
    after_form_post(
        result,
        values,
        "The assessment was not recorded: some answers need attention.",
        |a| format!("/risk/assessments/{}?notice=created", a.id),
        |message, form| chain::scenario_page(&state, &user, id, None, None, Some(message), form),
    )
    .await
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
        sems_web_kit::pages::people_choices(&state.services, &actor, a.party_id, "").await
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
    Form { fields, values }: Form<AssessmentForm>,
) -> PageResult {
    let current = state.services.risk().assessment(&user.actor(), id).await?;
    let mut input = fields.into_input(current.scenario_id);
    input.site_id = current.site_id;
    let result = state
        .services
        .risk()
        .update_assessment(&user.actor(), id, &input)
        .await;
    Ok(after_form_post(
        result,
        values,
        "The change was not saved: some answers need attention.",
        |_| format!("/risk/assessments/{id}?notice=saved"),
        |message, form| assessment_view(&state, &user, id, None, Some(message), form),
    )
    .await)
}

/// The acceptance form of the accountable executive.
#[derive(serde::Deserialize)]
pub(super) struct AcceptanceForm {
    #[serde(default)]
    expires_on: String,
    #[serde(default)]
    note: String,
}

pub(super) async fn accept(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<AcceptanceForm>,
) -> Response {
    let input = sems_services::risk::AcceptanceInput {
        expires_on: fields.expires_on,
        note: fields.note,
    };
    let result = state
        .services
        .risk()
        .accept_risk(&user.actor(), id, &input)
        .await;
    after_post(
        result,
        |_| format!("/risk/assessments/{id}?notice=saved"),
        |message| assessment_view(&state, &user, id, None, Some(message), FormState::default()),
    )
    .await
}

/// The mitigation action form (new, or a change with the assessment it belongs to).
#[derive(serde::Deserialize)]
pub(super) struct ActionForm {
    #[serde(default, deserialize_with = "field::id")]
    assessment_id: Option<i64>,
    #[serde(default)]
    title: String,
    #[serde(default, deserialize_with = "field::id")]
    responsible_person_id: Option<i64>,
    #[serde(default)]
    due_on: String,
    #[serde(default, deserialize_with = "field::text")]
    status: Option<String>,
    #[serde(default)]
    cost_one_off: Option<i64>,
    #[serde(default)]
    cost_annual: Option<i64>,
    #[serde(default)]
    effect_on: String,
    #[serde(default)]
    expected_reduction: Option<i64>,
}

impl From<ActionForm> for sems_services::risk::actions::ActionInput {
    fn from(f: ActionForm) -> Self {
        Self {
            title: f.title,
            responsible_person_id: f.responsible_person_id,
            due_on: f.due_on,
            status: f.status,
            cost_one_off: f.cost_one_off.unwrap_or(0),
            cost_annual: f.cost_annual.unwrap_or(0),
            effect_on: f.effect_on,
            expected_reduction: f.expected_reduction.unwrap_or(0),
        }
    }
}

pub(super) async fn create_action(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<ActionForm>,
) -> Response {
    let result = state
        .services
        .risk()
        .create_action(&user.actor(), id, &fields.into())
        .await;
    after_post(
        result,
        |_| format!("/risk/assessments/{id}?notice=created#actions-h"),
        |message| assessment_view(&state, &user, id, None, Some(message), FormState::default()),
    )
    .await
}

pub(super) async fn update_action(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<ActionForm>,
) -> Response {
    let assessment_id = fields.assessment_id.unwrap_or(0);
    let result = state
        .services
        .risk()
        .update_action(&user.actor(), id, &fields.into())
        .await;
    after_post(
        result,
        |v| {
            format!(
                "/risk/assessments/{}?notice=saved#actions-h",
                v.action.assessment_id
            )
        },
        |message| {
            assessment_view(
                &state,
                &user,
                assessment_id,
                None,
                Some(message),
                FormState::default(),
            )
        },
    )
    .await
}
