//! Threat and risk pages: the scenario library, the risk method, national threat levels.

use super::{notice, render, service_error, when, Choice, Layout, ListQuery, Pager};
use crate::form::FormData;
use crate::session::Signed;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use sems_domain::access::{decide, Action, RecordKind, RecordMeta};
use sems_domain::risk::{RiskMethod, Scale};
use sems_domain::scenario::ScenarioCategory;
use sems_services::risk::{AssessmentInput, ScenarioInput};
use sems_services::ServiceError;
use sems_storage::risk::{
    Assessment, AssessmentChange, AssessmentFilter, RegisterSort, ScenarioFilter,
};

mod chain;

/// The organisation a risk page is about: one's own; for the authority's people, the one they
/// chose (0: none chosen).
fn chosen_party(user: &Signed, party: Option<i64>) -> i64 {
    let subject = &user.0.subject;
    if subject.party_is_authority {
        party.unwrap_or(0)
    } else {
        subject.party_id
    }
}

/// The organisations the authority's people may choose from (none for an organisation's).
async fn organisation_choices(state: &AppState, user: &Signed, selected: i64) -> Vec<Choice> {
    if !user.0.subject.party_is_authority {
        return Vec::new();
    }
    Choice::list(
        crate::pages::visible_parties(state, user)
            .await
            .into_iter()
            .filter(|p| !p.kind.is_authority())
            .map(|p| (p.id, p.name)),
        &selected.to_string(),
    )
}
mod import;
mod measures;
mod national;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/risk/scenarios", get(scenarios).post(create_scenario))
        .route("/risk/scenarios/{id}", get(chain::scenario))
        .route(
            "/risk/scenarios/{id}/evidence",
            post(chain::record_evidence),
        )
        .route(
            "/risk/measures",
            get(measures::measures).post(measures::create_measure),
        )
        .route("/risk/measures/{id}", get(measures::measure))
        .route(
            "/risk/measures/{id}/implementation",
            post(measures::set_implementation),
        )
        .route(
            "/risk/measures/{id}/exemption",
            post(measures::request_exemption),
        )
        .route(
            "/risk/measures/{id}/decision",
            post(measures::decide_exemption),
        )
        .route("/risk/measures/{id}/remove", post(measures::remove_measure))
        .route("/risk/national", get(national::national))
        .route("/risk/import", get(import::form).post(import::import))
        .route("/risk/method", get(method))
        .route("/risk/threat-levels", get(threat_levels))
        .route("/risk/threat-levels/{category}", post(set_threat_level))
        .route("/risk/register", get(register))
        .route("/risk/heat-map", get(heat_map))
        .route("/risk/register.csv", get(register_csv))
        .route("/risk/register.xlsx", get(register_xlsx))
        .route("/risk/scenarios/{id}/assess", post(assess))
        .route(
            "/risk/assessments/{id}",
            get(assessment_page).post(update_assessment),
        )
        .route("/risk/assessments/{id}/accept", post(accept))
        .route("/risk/assessments/{id}/actions", post(create_action))
        .route("/risk/actions/{id}", post(update_action))
}

pub struct ScenarioRow {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub category: &'static str,
    pub perpetrator: &'static str,
    pub national: bool,
    pub classification: String,
}

#[derive(Template)]
#[template(path = "risk_scenarios.html")]
struct ScenariosPage {
    layout: Layout,
    items: Vec<ScenarioRow>,
    pager: Pager,
    q: String,
    categories: Vec<Choice>,
    can_create: bool,
    form_categories: Vec<Choice>,
    levels: Vec<Choice>,
    input: ScenarioInput,
    /// Whether to link the national picture (those who oversee every organisation).
    national: bool,
}

fn category_choices(current: &str) -> Vec<Choice> {
    Choice::list(
        ScenarioCategory::ALL
            .iter()
            .map(|c| (c.as_str(), c.label())),
        current,
    )
}

fn can_create(user: &Signed) -> bool {
    let s = &user.0.subject;
    decide(
        s,
        Action::Create,
        &RecordMeta::plain(RecordKind::ThreatScenario, s.party_id, s.party_is_authority),
    )
    .is_ok()
}

async fn scenarios_page(
    state: &AppState,
    user: &Signed,
    q: &ListQuery,
    input: ScenarioInput,
    error: Option<String>,
) -> Response {
    let category = q
        .kind
        .as_deref()
        .and_then(|c| ScenarioCategory::parse(c).ok());
    let filter = ScenarioFilter {
        party_id: None,
        category,
        search: q.q.clone(),
    };
    let page = match state
        .services
        .scenarios(&user.actor(), &filter, q.page_request())
        .await
    {
        Ok(p) => p,
        Err(e) => return service_error(e),
    };
    let pager = Pager::new(
        &page,
        "/risk/scenarios",
        &[
            ("q", ListQuery::text(&q.q)),
            ("kind", ListQuery::text(&q.kind)),
        ],
    );
    let items = page
        .items
        .into_iter()
        .map(|s| ScenarioRow {
            id: s.id,
            code: s.code,
            title: s.title,
            category: s.category.label(),
            perpetrator: match s.perpetrator {
                sems_domain::scenario::Perpetrator::External => "External",
                sems_domain::scenario::Perpetrator::Insider => "Insider",
            },
            national: s.published,
            classification: state
                .services
                .classification
                .name(s.classification)
                .to_string(),
        })
        .collect();
    let levels = Choice::list(
        state
            .services
            .classification
            .levels()
            .iter()
            .enumerate()
            .map(|(i, l)| (i, l.clone())),
        input.classification.as_deref().unwrap_or("0"),
    );
    render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ScenariosPage {
            layout: Layout::new("Threat scenarios", user, "/risk/scenarios")
                .with_error(error)
                .with_notice(notice(q.notice.as_deref())),
            items,
            pager,
            q: ListQuery::text(&q.q),
            categories: category_choices(&ListQuery::text(&q.kind)),
            can_create: can_create(user),
            form_categories: category_choices(&input.category),
            levels,
            input,
            national: {
                let subject = &user.0.subject;
                subject.party_is_authority
                    && decide(
                        subject,
                        Action::Read,
                        &RecordMeta::plain(RecordKind::RiskAssessment, 0, false),
                    )
                    .is_ok()
            },
        },
    )
}

async fn scenarios(
    State(state): State<AppState>,
    user: Signed,
    Query(q): Query<ListQuery>,
) -> Response {
    scenarios_page(&state, &user, &q, ScenarioInput::default(), None).await
}

async fn create_scenario(State(state): State<AppState>, user: Signed, form: FormData) -> Response {
    let input = ScenarioInput {
        code: form.get("code").into(),
        category: form.get("category").into(),
        title: form.get("title").into(),
        target: form.get("target").into(),
        means: form.get("means").into(),
        perpetrator: form.get("perpetrator").into(),
        description: form.get("description").into(),
        classification: form.opt("classification"),
    };
    match state
        .services
        .create_scenario(&user.actor(), user.0.subject.party_id, &input)
        .await
    {
        Ok(s) => Redirect::to(&format!("/risk/scenarios/{}?notice=created", s.id)).into_response(),
        Err(
            e @ (ServiceError::Validation(_)
            | ServiceError::Conflict(_)
            | ServiceError::Forbidden(_)),
        ) => {
            let message = crate::error::classify(&e).1;
            scenarios_page(&state, &user, &ListQuery::default(), input, Some(message)).await
        }
        Err(e) => service_error(e),
    }
}

pub struct BandRow {
    pub level: &'static str,
    pub from: u32,
    pub to: u32,
    pub tolerability: &'static str,
    pub review_months: u32,
}

#[derive(Template)]
#[template(path = "risk_method.html")]
struct MethodPage {
    layout: Layout,
    version: i64,
    note: String,
    published: String,
    versions: Vec<Choice>,
    scales: Vec<Scale>,
    rule: String,
    bands: Vec<BandRow>,
}

#[derive(serde::Deserialize)]
struct VersionQuery {
    version: Option<i64>,
}

async fn method(
    State(state): State<AppState>,
    user: Signed,
    Query(q): Query<VersionQuery>,
) -> Response {
    let actor = user.actor();
    let (current, versions) = match (
        state.services.risk_method(&actor, q.version).await,
        state.services.risk_methods(&actor).await,
    ) {
        (Ok(c), Ok(v)) => (c, v),
        (Err(e), _) | (_, Err(e)) => return service_error(e),
    };
    let m: &RiskMethod = &current.method;
    let mut from = 1;
    let bands = m
        .bands
        .iter()
        .map(|b| {
            let row = BandRow {
                level: b.level.label(),
                from,
                to: b.up_to,
                tolerability: b.tolerability.label(),
                review_months: b.review_months,
            };
            from = b.up_to + 1;
            row
        })
        .collect();
    let rule = match m.consequence_rule {
        sems_domain::risk::ConsequenceRule::Highest => "the highest of the human, economic and political/reputational scores (reasonable worst case)".to_string(),
        sems_domain::risk::ConsequenceRule::WeightedMean { human, economic, political } => format!("a weighted mean (human {human}, economic {economic}, political/reputational {political}), rounded half up"),
    };
    render(
        StatusCode::OK,
        &MethodPage {
            layout: Layout::new("Risk method", &user, "/risk/method"),
            version: current.version,
            note: current.note.clone(),
            published: when(current.published_at_ms),
            versions: Choice::list(
                versions
                    .iter()
                    .map(|v| (v.version, when(v.published_at_ms))),
                &current.version.to_string(),
            ),
            scales: vec![
                m.likelihood.clone(),
                m.consequence_human.clone(),
                m.consequence_economic.clone(),
                m.consequence_political.clone(),
                m.vulnerability.clone(),
            ],
            rule,
            bands,
        },
    )
}

pub struct LevelRow {
    pub category: &'static str,
    pub label: &'static str,
    pub level: i64,
    pub rationale: String,
    pub set: String,
}

#[derive(Template)]
#[template(path = "risk_threat_levels.html")]
struct LevelsPage {
    layout: Layout,
    rows: Vec<LevelRow>,
    can_set: bool,
}

async fn levels_page(
    state: &AppState,
    user: &Signed,
    error: Option<String>,
    notice_key: Option<&str>,
) -> Response {
    let levels = match state.services.threat_levels(&user.actor()).await {
        Ok(l) => l,
        Err(e) => return service_error(e),
    };
    let can_set = match state.services.authority().await {
        Ok(Some(a)) => {
            let mut meta = RecordMeta::plain(RecordKind::ThreatLevel, a.id, true);
            meta.published = true;
            decide(&user.0.subject, Action::Update, &meta).is_ok()
        }
        _ => false,
    };
    render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &LevelsPage {
            layout: Layout::new("National threat levels", user, "/risk/threat-levels")
                .with_error(error)
                .with_notice(notice(notice_key)),
            rows: levels
                .into_iter()
                .map(|l| LevelRow {
                    category: l.category.as_str(),
                    label: l.category.label(),
                    level: l.level,
                    rationale: l.rationale,
                    set: when(l.set_at_ms),
                })
                .collect(),
            can_set,
        },
    )
}

async fn threat_levels(
    State(state): State<AppState>,
    user: Signed,
    Query(q): Query<ListQuery>,
) -> Response {
    levels_page(&state, &user, None, q.notice.as_deref()).await
}

async fn set_threat_level(
    State(state): State<AppState>,
    user: Signed,
    Path(category): Path<String>,
    form: FormData,
) -> Response {
    let level = form.id("level").unwrap_or(0);
    match state
        .services
        .set_threat_level(&user.actor(), &category, level, form.get("rationale"))
        .await
    {
        Ok(()) => Redirect::to("/risk/threat-levels?notice=saved").into_response(),
        Err(e @ ServiceError::Validation(_)) => {
            levels_page(&state, &user, Some(crate::error::classify(&e).1), None).await
        }
        Err(e) => service_error(e),
    }
}

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

async fn assess(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    let input = assessment_input(&form, id);
    match state
        .services
        .create_assessment(&user.actor(), user.0.subject.party_id, &input)
        .await
    {
        Ok(a) => {
            Redirect::to(&format!("/risk/assessments/{}?notice=created", a.id)).into_response()
        }
        Err(
            e @ (ServiceError::Validation(_)
            | ServiceError::Conflict(_)
            | ServiceError::Forbidden(_)),
        ) => {
            let message = crate::error::classify(&e).1;
            chain::scenario_page(&state, &user, id, None, None, Some(message)).await
        }
        Err(e) => service_error(e),
    }
}

pub struct RegisterRow {
    pub id: i64,
    pub party: String,
    pub scope: String,
    pub scenario: String,
    pub scores: String,
    pub inherent: String,
    pub residual: String,
    pub residual_level: String,
    pub next_review: String,
    pub review_required: bool,
}

fn level_label(level: &str) -> &'static str {
    sems_domain::risk::RiskLevel::ALL
        .iter()
        .find(|l| l.as_str() == level)
        .map(|l| l.label())
        .unwrap_or("Unknown")
}

/// The register's filters and order, shared by the page and its exports.
#[derive(Debug, Default, serde::Deserialize)]
struct RegisterParams {
    page: Option<u32>,
    /// A residual level.
    kind: Option<String>,
    sort: Option<String>,
    party: Option<String>,
    scenario: Option<String>,
    review: Option<String>,
}

impl RegisterParams {
    fn filter(&self) -> AssessmentFilter {
        AssessmentFilter {
            residual_level: self.kind.clone().filter(|l| {
                sems_domain::risk::RiskLevel::ALL
                    .iter()
                    .any(|x| x.as_str() == l)
            }),
            party_id: ListQuery::id(&self.party),
            scenario_id: ListQuery::id(&self.scenario),
            review_required: (self.review.as_deref() == Some("required")).then_some(true),
            sort: self
                .sort
                .as_deref()
                .and_then(RegisterSort::parse)
                .unwrap_or_default(),
            ..Default::default()
        }
    }

    /// The query string that reproduces these filters (for the pager and the exports).
    fn query(&self) -> Vec<(&'static str, String)> {
        vec![
            ("kind", ListQuery::text(&self.kind)),
            ("sort", ListQuery::text(&self.sort)),
            ("party", ListQuery::text(&self.party)),
            ("scenario", ListQuery::text(&self.scenario)),
            ("review", ListQuery::text(&self.review)),
        ]
    }
}

#[derive(Template)]
#[template(path = "risk_register.html")]
struct RegisterPage {
    layout: Layout,
    rows: Vec<RegisterRow>,
    pager: Pager,
    levels: Vec<Choice>,
    sorts: Vec<Choice>,
    parties: Vec<Choice>,
    review_required: bool,
    scenario: String,
    export_query: String,
}

async fn register(
    State(state): State<AppState>,
    user: Signed,
    Query(q): Query<RegisterParams>,
) -> Response {
    let filter = q.filter();
    let page = match state
        .services
        .assessments(
            &user.actor(),
            &filter,
            sems_domain::page::PageRequest::new(q.page, None),
        )
        .await
    {
        Ok(p) => p,
        Err(e) => return service_error(e),
    };
    let query = q.query();
    let pager = Pager::new(&page, "/risk/register", &query);
    let export_query = query
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::session::percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let rows = page
        .items
        .into_iter()
        .map(|a| RegisterRow {
            id: a.id,
            party: a.party_name,
            scope: a.site_name.unwrap_or_else(|| "Whole organisation".into()),
            scenario: format!("{} {}", a.scenario_code, a.scenario_title),
            scores: format!(
                "L{} C{}/{}/{} V{}",
                a.likelihood,
                a.consequence_human,
                a.consequence_economic,
                a.consequence_political,
                a.vulnerability
            ),
            inherent: format!("{} ({})", level_label(&a.inherent_level), a.inherent_score),
            residual: format!("{} ({})", level_label(&a.residual_level), a.residual_score),
            residual_level: a.residual_level,
            next_review: a.next_review_on,
            review_required: a.review_required,
        })
        .collect();
    let parties = Choice::list(
        crate::pages::visible_parties(&state, &user)
            .await
            .into_iter()
            .filter(|p| !p.kind.is_authority())
            .map(|p| (p.id, p.name)),
        &ListQuery::text(&q.party),
    );
    render(
        StatusCode::OK,
        &RegisterPage {
            layout: Layout::new("Risk register", &user, "/risk/scenarios"),
            rows,
            pager,
            levels: Choice::list(
                sems_domain::risk::RiskLevel::ALL
                    .iter()
                    .map(|l| (l.as_str(), l.label())),
                &ListQuery::text(&q.kind),
            ),
            sorts: Choice::list(
                RegisterSort::ALL.iter().map(|s| (s.as_str(), s.label())),
                filter.sort.as_str(),
            ),
            parties,
            review_required: filter.review_required == Some(true),
            scenario: ListQuery::text(&q.scenario),
            export_query,
        },
    )
}

pub struct ChangeRow {
    pub who: String,
    pub when: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "risk_assessment.html")]
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
}

pub struct ActionRow {
    pub id: i64,
    pub title: String,
    pub responsible: String,
    pub responsible_id: String,
    pub due_on: String,
    pub status: &'static str,
    pub status_value: &'static str,
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
) -> Response {
    let actor = user.actor();
    let (a, history) = match (
        state.services.assessment(&actor, id).await,
        state.services.assessment_history(&actor, id).await,
    ) {
        (Ok(a), Ok(h)) => (a, h),
        (Err(e), _) | (_, Err(e)) => return service_error(e),
    };
    let current_version = state
        .services
        .risk_method(&actor, None)
        .await
        .map(|m| m.version)
        .unwrap_or(a.method_version);
    let mut meta = RecordMeta::plain(RecordKind::RiskAssessment, a.party_id, false);
    meta.classification = a.classification;
    let can_edit = decide(&user.0.subject, Action::Update, &meta).is_ok();
    let can_accept = decide(&user.0.subject, Action::Accept, &meta).is_ok();
    let acceptances = state
        .services
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
    let (actions, projected) = match state.services.actions(&actor, id).await {
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
                    status_value: v.action.status.as_str(),
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
    render(
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
            a,
        },
    )
}

async fn assessment_page(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Response {
    assessment_view(&state, &user, id, q.notice.as_deref(), None).await
}

async fn update_assessment(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    let current = match state.services.assessment(&user.actor(), id).await {
        Ok(a) => a,
        Err(e) => return service_error(e),
    };
    let mut input = assessment_input(&form, current.scenario_id);
    input.site_id = current.site_id;
    match state
        .services
        .update_assessment(&user.actor(), id, &input)
        .await
    {
        Ok(_) => Redirect::to(&format!("/risk/assessments/{id}?notice=saved")).into_response(),
        Err(
            e @ (ServiceError::Validation(_)
            | ServiceError::Conflict(_)
            | ServiceError::Forbidden(_)),
        ) => assessment_view(&state, &user, id, None, Some(crate::error::classify(&e).1)).await,
        Err(e) => service_error(e),
    }
}

#[derive(Template)]
#[template(path = "risk_heat_map.html")]
struct HeatMapPage {
    layout: Layout,
    inherent: String,
    residual: String,
    assessments: i64,
}

async fn heat_map(State(state): State<AppState>, user: Signed) -> Response {
    match state
        .services
        .heat_maps(&user.actor(), &AssessmentFilter::default())
        .await
    {
        Ok(maps) => render(
            StatusCode::OK,
            &HeatMapPage {
                layout: Layout::new("Risk heat map", &user, "/risk/scenarios"),
                inherent: crate::charts::heat_map_svg(
                    &maps.inherent,
                    "Inherent risk: likelihood of attempt by consequence",
                    "Likelihood of attempt",
                ),
                residual: crate::charts::heat_map_svg(
                    &maps.residual,
                    "Residual risk: likelihood of a successful attempt by consequence",
                    "Likelihood of success",
                ),
                assessments: maps.assessments,
            },
        ),
        Err(e) => service_error(e),
    }
}

async fn accept(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    let input = sems_services::risk::AcceptanceInput {
        expires_on: form.get("expires_on").into(),
        note: form.get("note").into(),
    };
    match state.services.accept_risk(&user.actor(), id, &input).await {
        Ok(_) => Redirect::to(&format!("/risk/assessments/{id}?notice=saved")).into_response(),
        Err(e @ (ServiceError::Validation(_) | ServiceError::Conflict(_))) => {
            assessment_view(&state, &user, id, None, Some(crate::error::classify(&e).1)).await
        }
        Err(e) => service_error(e),
    }
}

/// The whole register the person may read, as CSV (read page by page from the database).
const REGISTER_COLUMNS: [&str; 21] = [
    "organisation",
    "site",
    "scenario_code",
    "scenario",
    "method_version",
    "likelihood",
    "likelihood_proposed",
    "consequence_human",
    "consequence_economic",
    "consequence_political",
    "vulnerability",
    "vulnerability_proposed",
    "inherent_score",
    "inherent_level",
    "residual_score",
    "residual_level",
    "next_review_on",
    "review_required",
    "likelihood_override_reason",
    "vulnerability_override_reason",
    "review_reason",
];

/// Every assessment of the register under `filter` (at most 200,000: the export's cap).
async fn register_rows(
    state: &AppState,
    user: &Signed,
    filter: &AssessmentFilter,
) -> Result<Vec<Assessment>, ServiceError> {
    let mut rows = Vec::new();
    for n in 1..=1000 {
        let page = state
            .services
            .assessments(
                &user.actor(),
                filter,
                sems_domain::page::PageRequest::new(Some(n), Some(sems_domain::page::MAX_PER_PAGE)),
            )
            .await?;
        let more = page.has_next();
        rows.extend(page.items);
        if !more {
            break;
        }
    }
    Ok(rows)
}

/// One register row as export cells: numbers stay numbers.
fn register_cells(a: Assessment) -> Vec<crate::xlsx::Cell> {
    use crate::xlsx::Cell;
    let optional = |v: Option<i64>| v.map_or(Cell::Text(String::new()), Cell::from);
    vec![
        a.party_name.into(),
        a.site_name.unwrap_or_default().into(),
        a.scenario_code.into(),
        a.scenario_title.into(),
        a.method_version.into(),
        a.likelihood.into(),
        optional(a.likelihood_proposed),
        a.consequence_human.into(),
        a.consequence_economic.into(),
        a.consequence_political.into(),
        a.vulnerability.into(),
        optional(a.vulnerability_proposed),
        a.inherent_score.into(),
        a.inherent_level.into(),
        a.residual_score.into(),
        a.residual_level.into(),
        a.next_review_on.into(),
        a.review_required.to_string().into(),
        a.likelihood_override_reason.into(),
        a.vulnerability_override_reason.into(),
        a.review_reason.into(),
    ]
}

fn attachment(content_type: &'static str, filename: &'static str, body: Vec<u8>) -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (axum::http::header::CONTENT_DISPOSITION, filename),
        ],
        body,
    )
        .into_response()
}

async fn register_csv(
    State(state): State<AppState>,
    user: Signed,
    Query(q): Query<RegisterParams>,
) -> Response {
    let rows = match register_rows(&state, &user, &q.filter()).await {
        Ok(r) => r,
        Err(e) => return service_error(e),
    };
    let body = crate::export::csv(
        &REGISTER_COLUMNS,
        rows.into_iter().map(|a| {
            register_cells(a)
                .into_iter()
                .map(|c| match c {
                    crate::xlsx::Cell::Text(t) => t,
                    crate::xlsx::Cell::Number(n) => n.to_string(),
                })
                .collect()
        }),
    );
    attachment(
        "text/csv; charset=utf-8",
        "attachment; filename=\"risk-register.csv\"",
        body.into_bytes(),
    )
}

async fn register_xlsx(
    State(state): State<AppState>,
    user: Signed,
    Query(q): Query<RegisterParams>,
) -> Response {
    let rows = match register_rows(&state, &user, &q.filter()).await {
        Ok(r) => r,
        Err(e) => return service_error(e),
    };
    let cells: Vec<Vec<crate::xlsx::Cell>> = rows.into_iter().map(register_cells).collect();
    attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "attachment; filename=\"risk-register.xlsx\"",
        crate::xlsx::workbook("Risk register", &REGISTER_COLUMNS, &cells),
    )
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
) -> Response {
    match e {
        ServiceError::Validation(_) | ServiceError::Conflict(_) | ServiceError::Forbidden(_) => {
            let message = crate::error::classify(&e).1;
            assessment_view(state, user, assessment_id, None, Some(message)).await
        }
        e => service_error(e),
    }
}

async fn create_action(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    match state
        .services
        .create_action(&user.actor(), id, &action_input(&form))
        .await
    {
        Ok(_) => Redirect::to(&format!("/risk/assessments/{id}?notice=created#actions-h"))
            .into_response(),
        Err(e) => action_refused(&state, &user, id, e).await,
    }
}

async fn update_action(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    let assessment_id = form.id("assessment_id").unwrap_or(0);
    match state
        .services
        .update_action(&user.actor(), id, &action_input(&form))
        .await
    {
        Ok(v) => Redirect::to(&format!(
            "/risk/assessments/{}?notice=saved#actions-h",
            v.action.assessment_id
        ))
        .into_response(),
        Err(e) => action_refused(&state, &user, assessment_id, e).await,
    }
}
