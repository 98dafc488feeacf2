//! Threat and risk pages: the scenario library, the risk method, national threat levels.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use sems_domain::access::RecordKind;
use sems_domain::risk::{RiskMethod, Scale};
use sems_domain::scenario::ScenarioCategory;
use sems_services::risk::ScenarioInput;
use sems_storage::risk::ScenarioFilter;
use sems_web_kit::form::{field, Form};
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{
    after_post, notice, render, when, Choice, Layout, ListQuery, PageQuery, Pager,
};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

mod chain;

/// The label of a residual or inherent level as stored.
fn level_label(level: &str) -> &'static str {
    sems_domain::risk::RiskLevel::ALL
        .iter()
        .find(|l| l.as_str() == level)
        .map(|l| l.label())
        .unwrap_or("Unknown")
}

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
        sems_web_kit::pages::visible_parties(state, user)
            .await
            .into_iter()
            .filter(|p| !p.kind.is_authority())
            .map(|p| (p.id, p.name)),
        &selected.to_string(),
    )
}
mod assessments;
mod import;
mod measures;
mod national;
mod register;

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
        .route("/risk/register", get(register::register))
        .route("/risk/heat-map", get(register::heat_map))
        .route("/risk/register.csv", get(register::register_csv))
        .route("/risk/register.xlsx", get(register::register_xlsx))
        .route("/risk/scenarios/{id}/assess", post(assessments::assess))
        .route(
            "/risk/assessments/{id}",
            get(assessments::assessment_page).post(assessments::update_assessment),
        )
        .route("/risk/assessments/{id}/accept", post(assessments::accept))
        .route(
            "/risk/assessments/{id}/actions",
            post(assessments::create_action),
        )
        .route("/risk/actions/{id}", post(assessments::update_action))
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
#[template(path = "risk/risk_scenarios.html")]
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
    sems_services::allowed_in_own_party(&user.actor(), RecordKind::ThreatScenario).create
}

async fn scenarios_page(
    state: &AppState,
    user: &Signed,
    q: &ListQuery,
    input: ScenarioInput,
    error: Option<String>,
) -> PageResult {
    let category = q
        .kind
        .as_deref()
        .and_then(|c| ScenarioCategory::parse(c).ok());
    let filter = ScenarioFilter {
        party_id: None,
        category,
        search: q.q.clone(),
    };
    let page = state
        .services
        .risk()
        .scenarios(&user.actor(), &filter, q.page_request())
        .await?;
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
    Ok(render(
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
            national: sems_services::risk::RiskServices::sees_national_picture(&user.actor()),
        },
    ))
}

async fn scenarios(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    scenarios_page(&state, &user, &q, ScenarioInput::default(), None).await
}

/// The new-scenario form of the scenario library.
#[derive(serde::Deserialize)]
struct ScenarioForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    means: String,
    #[serde(default)]
    perpetrator: String,
    #[serde(default)]
    description: String,
    #[serde(default, deserialize_with = "field::text")]
    classification: Option<String>,
}

impl From<ScenarioForm> for ScenarioInput {
    fn from(f: ScenarioForm) -> Self {
        Self {
            code: f.code,
            category: f.category,
            title: f.title,
            target: f.target,
            means: f.means,
            perpetrator: f.perpetrator,
            description: f.description,
            classification: f.classification,
        }
    }
}

async fn create_scenario(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<ScenarioForm>,
) -> Response {
    let input = ScenarioInput::from(fields);
    let all = ListQuery::default();
    let result = state
        .services
        .risk()
        .create_scenario(&user.actor(), user.0.subject.party_id, &input)
        .await;
    after_post(
        result,
        |s| format!("/risk/scenarios/{}?notice=created", s.id),
        |message| scenarios_page(&state, &user, &all, input, Some(message)),
    )
    .await
}

pub struct BandRow {
    pub level: &'static str,
    pub from: u32,
    pub to: u32,
    pub tolerability: &'static str,
    pub review_months: u32,
}

#[derive(Template)]
#[template(path = "risk/risk_method.html")]
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
    PageQuery(q): PageQuery<VersionQuery>,
) -> PageResult {
    let actor = user.actor();
    let current = state.services.risk().risk_method(&actor, q.version).await?;
    let versions = state.services.risk().risk_methods(&actor).await?;
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
    Ok(render(
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
    ))
}

pub struct LevelRow {
    pub category: &'static str,
    pub label: &'static str,
    pub level: i64,
    pub rationale: String,
    pub set: String,
}

#[derive(Template)]
#[template(path = "risk/risk_threat_levels.html")]
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
) -> PageResult {
    let (levels, can_set) = match state
        .services
        .risk()
        .threat_levels_view(&user.actor())
        .await
    {
        Ok(v) => (v.record, v.allowed.update),
        Err(e) => return Err(e.into()),
    };
    Ok(render(
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
    ))
}

async fn threat_levels(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    levels_page(&state, &user, None, q.notice.as_deref()).await
}

/// The authority's threat level for one scenario category.
#[derive(serde::Deserialize)]
struct ThreatLevelForm {
    #[serde(default)]
    level: Option<i64>,
    #[serde(default)]
    rationale: String,
}

async fn set_threat_level(
    State(state): State<AppState>,
    user: Signed,
    Path(category): Path<String>,
    Form { fields, .. }: Form<ThreatLevelForm>,
) -> Response {
    let level = fields.level.unwrap_or(0);
    let result = state
        .services
        .risk()
        .set_threat_level(&user.actor(), &category, level, &fields.rationale)
        .await;
    after_post(
        result,
        |()| "/risk/threat-levels?notice=saved".to_string(),
        |message| levels_page(&state, &user, Some(message), None),
    )
    .await
}
