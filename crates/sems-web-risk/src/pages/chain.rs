//! The scenario page, which tells the chain for one organisation: threat → measures → tests
//! and occurrences → residual risk → actions → acceptance; with the assessment form, which
//! shows the scores proposed from objective data.

use super::level_label;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use sems_domain::access::RecordKind;
use sems_domain::measure::MeasureStatus;
use sems_services::risk::evidence::EvidenceInput;
use sems_storage::risk::{Assessment, AssessmentFilter, ThreatScenario};
use sems_web_kit::form::{field, Form};
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{after_post, notice, render, when, Choice, FormState, Layout, PageQuery};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub struct ChainMeasure {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub baseline: bool,
    pub status: String,
    pub in_place: bool,
}

pub struct EvidenceRow {
    pub day: time::Date,
    pub kind: &'static str,
    pub outcome: &'static str,
    pub failed: bool,
    pub summary: String,
    pub source: String,
}

pub struct ChainAction {
    pub title: String,
    pub due_on: time::Date,
    pub status: &'static str,
    pub overdue: bool,
    pub effect: String,
}

pub struct ChainAssessment {
    pub id: i64,
    pub scope: String,
    pub residual: String,
    pub inherent: String,
    /// The levels' words, which colour them.
    pub residual_level: String,
    pub inherent_level: String,
    pub next_review: time::Date,
    pub review_required: bool,
    pub review_reason: String,
    pub overrides: Vec<String>,
    pub actions: Vec<ChainAction>,
    pub projected: String,
    pub acceptance: String,
}

#[derive(Template)]
#[template(path = "risk/risk_scenario.html")]
struct ChainPage {
    layout: Layout,
    s: ThreatScenario,
    category: &'static str,
    owner: String,
    classification: String,
    threat_level: String,
    /// For the authority: the organisations to tell the chain for.
    parties: Vec<Choice>,
    party_id: i64,
    party_name: String,
    measures: Vec<ChainMeasure>,
    evidence: Vec<EvidenceRow>,
    assessments: Vec<ChainAssessment>,
    /// Without a chosen organisation: every assessment of the scenario one may read.
    overview: Vec<Assessment>,
    can_assess: bool,
    /// The reader may distribute the scenario to a need-to-know audience (its keepers).
    can_share: bool,
    can_record: bool,
    proposed_likelihood: String,
    /// The score preselected in the form: the proposal, or none (0).
    likelihood_preset: i64,
    likelihood_basis: String,
    proposed_vulnerability: String,
    vulnerability_preset: i64,
    vulnerability_basis: String,
    today: String,
    /// The assessment form as the person left it, when it was refused.
    form: FormState,
}

#[derive(serde::Deserialize)]
pub struct ChainQuery {
    party: Option<String>,
    notice: Option<String>,
}

pub async fn scenario(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<ChainQuery>,
) -> PageResult {
    let party = q
        .party
        .as_deref()
        .and_then(|p| p.trim().parse::<i64>().ok());
    scenario_page(
        &state,
        &user,
        id,
        party,
        q.notice.as_deref(),
        None,
        FormState::default(),
    )
    .await
}

/// Renders the chain of scenario `id` for `party` (the viewer's own organisation by default).
pub async fn scenario_page(
    state: &AppState,
    user: &Signed,
    id: i64,
    party: Option<i64>,
    notice_key: Option<&str>,
    error: Option<String>,
    form: FormState,
) -> PageResult {
    let actor = user.actor();
    let subject = &user.0.subject;
    let s = state.services.risk().scenario(&actor, id).await?;
    let owner = state
        .services
        .party(&actor, s.party_id)
        .await
        .map(|p| p.name)
        .unwrap_or_else(|_| "the authority".into());
    let threat_level = state
        .services
        .risk()
        .threat_levels(&actor)
        .await
        .ok()
        .and_then(|levels| levels.into_iter().find(|l| l.category == s.category))
        .map(|l| format!("{} — {}", l.level, l.rationale))
        .unwrap_or_default();
    let party_id = super::chosen_party(user, party);
    let parties = super::organisation_choices(state, user, party_id).await;
    let party_name = if party_id == 0 {
        String::new()
    } else {
        match state.services.party(&actor, party_id).await {
            Ok(p) => p.name,
            Err(e) => return Err(e.into()),
        }
    };

    let mut measures = Vec::new();
    let mut evidence = Vec::new();
    let mut assessments = Vec::new();
    let mut overview = Vec::new();
    let (mut proposed_likelihood, mut likelihood_basis) = (String::new(), String::new());
    let (mut proposed_vulnerability, mut vulnerability_basis) = (String::new(), String::new());
    if party_id == 0 {
        overview = state
            .services
            .risk()
            .assessments(
                &actor,
                &AssessmentFilter {
                    scenario_id: Some(s.id),
                    ..Default::default()
                },
                sems_domain::page::PageRequest::new(Some(1), Some(50)),
            )
            .await
            .map(|p| p.items)
            .unwrap_or_default();
    } else {
        if let Ok(register) = state
            .services
            .risk()
            .measure_register(&actor, party_id)
            .await
        {
            measures = register
                .into_iter()
                .filter(|l| l.measure.scenario_ids.contains(&s.id))
                .map(|l| {
                    let status = l.implementation.as_ref().map(|i| i.status);
                    ChainMeasure {
                        id: l.measure.id,
                        code: l.measure.code,
                        title: l.measure.title,
                        baseline: l.measure.baseline,
                        status: status.map_or("Not recorded", |s| s.label()).to_string(),
                        in_place: status == Some(MeasureStatus::Implemented),
                    }
                })
                .collect();
        }
        if let Ok(list) = state.services.risk().evidence(&actor, party_id, s.id).await {
            evidence = list
                .into_iter()
                .map(|e| EvidenceRow {
                    day: e.occurred_on,
                    kind: e.kind.label(),
                    outcome: match e.passed {
                        Some(true) => "Passed",
                        Some(false) => "Failed",
                        None => "",
                    },
                    failed: e.passed != Some(true),
                    summary: e.summary,
                    source: if e.source_ref.is_empty() {
                        e.source
                    } else {
                        format!("{} {}", e.source, e.source_ref)
                    },
                })
                .collect();
        }
        if let Ok(p) = state
            .services
            .risk()
            .score_proposals(&actor, party_id, s.id)
            .await
        {
            if let Some(l) = p.likelihood {
                proposed_likelihood = l.score.get().to_string();
                likelihood_basis = l.basis;
            }
            if let Some(v) = p.vulnerability {
                proposed_vulnerability = v.score.get().to_string();
                vulnerability_basis = v.basis;
            }
        }
        let list = state
            .services
            .risk()
            .assessments(
                &actor,
                &AssessmentFilter {
                    party_id: Some(party_id),
                    scenario_id: Some(s.id),
                    ..Default::default()
                },
                sems_domain::page::PageRequest::new(Some(1), Some(50)),
            )
            .await
            .map(|p| p.items)
            .unwrap_or_default();
        for a in list {
            assessments.push(chain_assessment(state, user, a).await);
        }
    }
    let own_party = !subject.party_is_authority;
    let can_assess = own_party
        && sems_services::allowed_in_own_party(&user.actor(), RecordKind::RiskAssessment).create;
    let can_share = s.party_id == subject.party_id
        && sems_services::allowed_in_own_party(&user.actor(), RecordKind::ThreatScenario).update;
    let can_record = party_id != 0
        && sems_services::risk::evidence::evidence_allowed(&user.actor(), party_id).create;
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ChainPage {
            layout: Layout::new(format!("{} {}", s.code, s.title), user, "/risk/scenarios")
                .with_notice(notice(notice_key))
                .with_error(error),
            category: s.category.label(),
            owner,
            classification: state
                .services
                .classification
                .name(s.classification)
                .to_string(),
            threat_level,
            parties,
            party_id,
            party_name,
            measures,
            evidence,
            assessments,
            overview,
            can_assess,
            can_share,
            can_record,
            likelihood_preset: proposed_likelihood.parse().unwrap_or(0),
            proposed_likelihood,
            likelihood_basis,
            vulnerability_preset: proposed_vulnerability.parse().unwrap_or(0),
            proposed_vulnerability,
            vulnerability_basis,
            today: sems_domain::util::format_date(sems_domain::util::today()),
            form,
            s,
        },
    ))
}

/// One assessment in the chain: residual risk, actions with the projection, acceptance.
async fn chain_assessment(state: &AppState, user: &Signed, a: Assessment) -> ChainAssessment {
    let actor = user.actor();
    let mut overrides = Vec::new();
    if let Some(p) = a.likelihood_proposed.filter(|p| *p != a.likelihood) {
        overrides.push(format!(
            "Likelihood {} instead of the proposed {p}: {}",
            a.likelihood, a.likelihood_override_reason
        ));
    }
    if let Some(p) = a.vulnerability_proposed.filter(|p| *p != a.vulnerability) {
        overrides.push(format!(
            "Vulnerability {} instead of the proposed {p}: {}",
            a.vulnerability, a.vulnerability_override_reason
        ));
    }
    let (actions, projected) = match state.services.risk().actions(&actor, a.id).await {
        Ok((list, projection)) => (
            list.into_iter()
                .map(|v| ChainAction {
                    title: v.action.title,
                    due_on: v.action.due_on,
                    status: v.action.status.label(),
                    overdue: v.overdue,
                    effect: format!(
                        "−{} {}",
                        v.action.expected_reduction,
                        v.action.effect_on.label().to_lowercase()
                    ),
                })
                .collect(),
            format!(
                "{} ({})",
                projection.residual.level.label(),
                projection.residual.score
            ),
        ),
        Err(_) => (Vec::new(), String::new()),
    };
    let acceptances = state
        .services
        .risk()
        .acceptances(&actor, a.id)
        .await
        .unwrap_or_default();
    let acceptance = sems_services::risk::acceptance_in_force(&a, &acceptances)
        .map(|x| {
            format!(
                "Accepted by {} on {} until {}",
                x.accepted_by_name,
                when(x.accepted_at_ms),
                x.expires_on
            )
        })
        .unwrap_or_default();
    ChainAssessment {
        id: a.id,
        scope: a
            .site_name
            .clone()
            .unwrap_or_else(|| "Whole organisation".into()),
        residual: format!("{} ({})", level_label(&a.residual_level), a.residual_score),
        inherent: format!("{} ({})", level_label(&a.inherent_level), a.inherent_score),
        residual_level: a.residual_level.clone(),
        inherent_level: a.inherent_level.clone(),
        next_review: a.next_review_on,
        review_required: a.review_required,
        review_reason: a.review_reason.clone(),
        overrides,
        actions,
        projected,
        acceptance,
    }
}

/// A test result or an occurrence recorded from the scenario page.
#[derive(serde::Deserialize)]
pub struct EvidenceForm {
    #[serde(default, deserialize_with = "field::id")]
    party_id: Option<i64>,
    #[serde(default)]
    kind: String,
    /// "passed", "failed", or blank for an occurrence.
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    occurred_on: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    source_ref: String,
}

/// Records a test result or an occurrence from the scenario page.
pub async fn record_evidence(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<EvidenceForm>,
) -> Response {
    let party = fields.party_id.unwrap_or(0);
    let input = EvidenceInput {
        scenario_id: id,
        kind: fields.kind,
        passed: match fields.outcome.as_str() {
            "passed" => Some(true),
            "failed" => Some(false),
            _ => None,
        },
        occurred_on: fields.occurred_on,
        summary: fields.summary,
        source_ref: fields.source_ref,
    };
    let result = state
        .services
        .risk()
        .record_evidence(&user.actor(), party, &input, "manual")
        .await;
    after_post(
        result,
        |_| format!("/risk/scenarios/{id}?party={party}&notice=recorded"),
        |message| {
            scenario_page(
                &state,
                &user,
                id,
                Some(party),
                None,
                Some(message),
                FormState::default(),
            )
        },
    )
    .await
}
