//! Security measure pages: an organisation's measure register (baseline and own, with
//! status, owner and costs), a measure's page with its forms, exemptions from a baseline
//! measure and the authority's decisions on them.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sems_domain::access::RecordKind;
use sems_domain::measure::{Exemption, MeasureStatus};
use sems_services::risk::measures::{ImplementationInput, MeasureInput};
use sems_services::ServiceError;
use sems_web_kit::form::{field, Form};
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{
    after_post, notice, render, service_error, when, Choice, Layout, PageQuery,
};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

#[derive(serde::Deserialize, Default)]
pub struct PartyQuery {
    party: Option<String>,
    notice: Option<String>,
}

impl PartyQuery {
    fn party(&self) -> Option<i64> {
        self.party.as_deref().and_then(|p| p.trim().parse().ok())
    }
}

pub struct MeasureRow {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub baseline: bool,
    pub scenarios: usize,
    pub status: String,
    pub in_place: bool,
    pub responsible: String,
    pub cost_one_off: i64,
    pub cost_annual: i64,
    pub exemption: &'static str,
}

pub struct ExemptionRow {
    pub party_id: i64,
    pub party_name: String,
    pub measure_id: i64,
    pub measure_name: String,
    pub reason: String,
    pub requested: String,
}

#[derive(Template)]
#[template(path = "risk/risk_measures.html")]
struct MeasuresPage {
    layout: Layout,
    party_id: i64,
    party_name: String,
    parties: Vec<Choice>,
    rows: Vec<MeasureRow>,
    pending: Vec<ExemptionRow>,
    can_create: bool,
    creates_baseline: bool,
    scenarios: Vec<Choice>,
    total_one_off: i64,
    total_annual: i64,
}

fn scenario_choices(
    scenarios: &[sems_storage::risk::ThreatScenario],
    chosen: &[i64],
) -> Vec<Choice> {
    scenarios
        .iter()
        .map(|s| Choice {
            value: s.id.to_string(),
            label: format!("{} {}", s.code, s.title),
            selected: chosen.contains(&s.id),
        })
        .collect()
}

async fn all_scenarios(state: &AppState, user: &Signed) -> Vec<sems_storage::risk::ThreatScenario> {
    state
        .services
        .risk()
        .scenarios(
            &user.actor(),
            &Default::default(),
            sems_domain::page::PageRequest::new(Some(1), Some(sems_domain::page::MAX_PER_PAGE)),
        )
        .await
        .map(|p| p.items)
        .unwrap_or_default()
}

pub async fn measures(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<PartyQuery>,
) -> PageResult {
    measures_page(&state, &user, q.party(), q.notice.as_deref(), None).await
}

async fn measures_page(
    state: &AppState,
    user: &Signed,
    party: Option<i64>,
    notice_key: Option<&str>,
    error: Option<String>,
) -> PageResult {
    let actor = user.actor();
    let subject = &user.0.subject;
    let party_id = super::chosen_party(user, party);
    let mut party_name = String::new();
    let rows: Vec<MeasureRow> = if party_id != 0 {
        let register = state
            .services
            .risk()
            .measure_register(&actor, party_id)
            .await?;
        party_name = state
            .services
            .party(&actor, party_id)
            .await
            .map(|p| p.name)
            .unwrap_or_default();
        register
            .into_iter()
            .map(|l| {
                let i = l.implementation.as_ref();
                MeasureRow {
                    id: l.measure.id,
                    code: l.measure.code,
                    title: l.measure.title,
                    baseline: l.measure.baseline,
                    scenarios: l.measure.scenario_ids.len(),
                    status: i.map_or("Not recorded", |i| i.status.label()).to_string(),
                    in_place: i.is_some_and(|i| i.status == MeasureStatus::Implemented),
                    responsible: i
                        .and_then(|i| i.responsible_name.clone())
                        .unwrap_or_default(),
                    cost_one_off: i.map_or(0, |i| i.cost_one_off),
                    cost_annual: i.map_or(0, |i| i.cost_annual),
                    exemption: match i.map(|i| i.exemption) {
                        Some(Exemption::None) | None => "",
                        Some(e) => e.label(),
                    },
                }
            })
            .collect()
    } else {
        let page = state
            .services
            .risk()
            .measures(
                &actor,
                &sems_storage::risk::measures::MeasureFilter {
                    baseline: Some(true),
                    ..Default::default()
                },
                sems_domain::page::PageRequest::new(Some(1), Some(sems_domain::page::MAX_PER_PAGE)),
            )
            .await;
        let page = page?;
        page.items
            .into_iter()
            .map(|m| MeasureRow {
                id: m.id,
                code: m.code,
                title: m.title,
                baseline: m.baseline,
                scenarios: m.scenario_ids.len(),
                status: String::new(),
                in_place: false,
                responsible: String::new(),
                cost_one_off: 0,
                cost_annual: 0,
                exemption: "",
            })
            .collect()
    };
    let pending = state
        .services
        .risk()
        .pending_exemptions(&actor)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|p| ExemptionRow {
            party_id: p.party_id,
            party_name: p.party_name,
            measure_id: p.measure_id,
            measure_name: p.measure_name,
            reason: p.reason,
            requested: when(p.requested_at_ms),
        })
        .collect();
    let parties = super::organisation_choices(state, user, party_id).await;
    let can_create =
        sems_services::allowed_in_own_party(&user.actor(), RecordKind::SecurityMeasure).create;
    let scenarios = if can_create {
        scenario_choices(&all_scenarios(state, user).await, &[])
    } else {
        Vec::new()
    };
    let total_one_off = rows.iter().map(|r| r.cost_one_off).sum();
    let total_annual = rows.iter().map(|r| r.cost_annual).sum();
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &MeasuresPage {
            layout: Layout::new("Security measures", user, "/risk/scenarios")
                .with_notice(notice(notice_key))
                .with_error(error),
            party_id,
            party_name,
            parties,
            rows,
            pending,
            can_create,
            creates_baseline: subject.party_is_authority,
            scenarios,
            total_one_off,
            total_annual,
        },
    ))
}

/// The new-measure form of the catalogue.
#[derive(serde::Deserialize)]
pub struct MeasureForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    /// The scenarios it treats, one checkbox each.
    #[serde(default)]
    scenario_ids: Vec<i64>,
}

pub async fn create_measure(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<MeasureForm>,
) -> Response {
    let input = MeasureInput {
        code: fields.code,
        title: fields.title,
        description: fields.description,
        scenario_ids: fields.scenario_ids,
    };
    let party = user.0.subject.party_id;
    let result = state
        .services
        .risk()
        .create_measure(&user.actor(), party, &input)
        .await;
    after_post(
        result,
        |m| format!("/risk/measures/{}?notice=created", m.id),
        |message| measures_page(&state, &user, None, None, Some(message)),
    )
    .await
}

#[derive(Template)]
#[template(path = "risk/risk_measure.html")]
struct MeasurePage {
    layout: Layout,
    m: sems_storage::risk::measures::SecurityMeasure,
    scenarios: Vec<Choice>,
    party_id: i64,
    party_name: String,
    has_implementation: bool,
    status: String,
    responsible: String,
    cost_one_off: i64,
    cost_annual: i64,
    note: String,
    exemption: &'static str,
    exemption_value: &'static str,
    exemption_reason: String,
    exemption_decision: String,
    statuses: Vec<Choice>,
    people: Vec<Choice>,
    can_edit: bool,
    can_decide: bool,
    can_remove: bool,
}

pub async fn measure(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<PartyQuery>,
) -> PageResult {
    measure_page(&state, &user, id, q.party(), q.notice.as_deref(), None).await
}

async fn measure_page(
    state: &AppState,
    user: &Signed,
    id: i64,
    party: Option<i64>,
    notice_key: Option<&str>,
    error: Option<String>,
) -> PageResult {
    let actor = user.actor();
    let _subject = &user.0.subject;
    let m = state.services.risk().measure(&actor, id).await?;
    let linked: Vec<Choice> = all_scenarios(state, user)
        .await
        .into_iter()
        .filter(|s| m.scenario_ids.contains(&s.id))
        .map(|s| Choice {
            value: s.id.to_string(),
            label: format!("{} {}", s.code, s.title),
            selected: true,
        })
        .collect();
    let party_id = super::chosen_party(user, party);
    let mut page = MeasurePage {
        layout: Layout::new(format!("{} {}", m.code, m.title), user, "/risk/scenarios")
            .with_notice(notice(notice_key))
            .with_error(error.clone()),
        scenarios: linked,
        party_id,
        party_name: String::new(),
        has_implementation: false,
        status: String::new(),
        responsible: String::new(),
        cost_one_off: 0,
        cost_annual: 0,
        note: String::new(),
        exemption: "",
        exemption_value: "none",
        exemption_reason: String::new(),
        exemption_decision: String::new(),
        statuses: Vec::new(),
        people: Vec::new(),
        can_edit: false,
        can_decide: false,
        can_remove: false,
        m,
    };
    if party_id != 0 {
        let register = state
            .services
            .risk()
            .measure_register(&actor, party_id)
            .await?;
        let Some(line) = register.into_iter().find(|l| l.measure.id == id) else {
            return Ok(service_error(ServiceError::NotFound("security measure")));
        };
        page.party_name = state
            .services
            .party(&actor, party_id)
            .await
            .map(|p| p.name)
            .unwrap_or_default();
        let allowed = sems_services::risk::measures::implementation_allowed(&actor, party_id);
        page.can_edit = allowed.update;
        page.can_decide = allowed.accept;
        page.can_remove = !page.m.baseline && allowed.delete;
        let current = line.implementation.as_ref().map(|i| i.status);
        if let Some(i) = line.implementation {
            page.has_implementation = true;
            page.status = i.status.label().to_string();
            page.responsible = i.responsible_name.unwrap_or_default();
            page.cost_one_off = i.cost_one_off;
            page.cost_annual = i.cost_annual;
            page.note = i.note;
            page.exemption = i.exemption.label();
            page.exemption_value = i.exemption.as_str();
            page.exemption_reason = i.exemption_reason;
            page.exemption_decision = match (i.exemption_decided_by_name, i.exemption_decided_at_ms)
            {
                (Some(by), Some(at)) => {
                    format!("{} on {}: {}", by, when(at), i.exemption_decision_note)
                }
                _ => String::new(),
            };
        }
        let baseline = page.m.baseline;
        let exempted = page.exemption_value == "approved";
        page.statuses = MeasureStatus::ALL
            .iter()
            .filter(|s| s.settable(baseline) || exempted)
            .map(|s| Choice {
                value: s.as_str().to_string(),
                label: s.label().to_string(),
                selected: Some(*s) == current,
            })
            .collect();
        if page.can_edit {
            page.people = state
                .services
                .people(
                    &actor,
                    &sems_storage::people::PeopleFilter {
                        party_id: Some(party_id),
                        ..Default::default()
                    },
                    sems_domain::page::PageRequest::new(
                        Some(1),
                        Some(sems_domain::page::MAX_PER_PAGE),
                    ),
                )
                .await
                .map(|p| {
                    p.items
                        .into_iter()
                        .map(|x| Choice {
                            selected: x.display_name == page.responsible,
                            value: x.id.to_string(),
                            label: x.display_name,
                        })
                        .collect()
                })
                .unwrap_or_default();
        }
    }
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &page,
    ))
}

/// Runs a write on a measure for a party and answers with a redirect or the page with the
/// reason it was refused.
async fn measure_write(
    state: &AppState,
    user: &Signed,
    id: i64,
    party: i64,
    result: Result<(), ServiceError>,
    notice_key: &str,
) -> Response {
    sems_web_kit::pages::after_post(
        result,
        |()| format!("/risk/measures/{id}?party={party}&notice={notice_key}"),
        |message| measure_page(state, user, id, Some(party), None, Some(message)),
    )
    .await
}

/// The implementation form of one party's measure.
#[derive(serde::Deserialize)]
pub struct ImplementationForm {
    #[serde(default, deserialize_with = "field::id")]
    party_id: Option<i64>,
    #[serde(default, deserialize_with = "field::id")]
    responsible_person_id: Option<i64>,
    #[serde(default)]
    status: String,
    #[serde(default)]
    cost_one_off: Option<i64>,
    #[serde(default)]
    cost_annual: Option<i64>,
    #[serde(default)]
    note: String,
}

pub async fn set_implementation(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<ImplementationForm>,
) -> Response {
    let party = fields.party_id.unwrap_or(0);
    // A cost left blank is -1, which the service refuses by name (0 is a real cost).
    let input = ImplementationInput {
        responsible_person_id: fields.responsible_person_id,
        status: fields.status,
        cost_one_off: fields.cost_one_off.unwrap_or(-1),
        cost_annual: fields.cost_annual.unwrap_or(-1),
        note: fields.note,
    };
    let result = state
        .services
        .risk()
        .set_implementation(&user.actor(), party, id, &input)
        .await
        .map(|_| ());
    measure_write(&state, &user, id, party, result, "saved").await
}

/// A party's request for an exemption, the authority's decision on it, or its removal of the
/// measure: the party, and what each form adds.
#[derive(serde::Deserialize)]
pub struct ExemptionForm {
    #[serde(default, deserialize_with = "field::id")]
    party_id: Option<i64>,
    #[serde(default)]
    reason: String,
    /// "approve", or anything else to refuse.
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

pub async fn request_exemption(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<ExemptionForm>,
) -> Response {
    let party = fields.party_id.unwrap_or(0);
    let result = state
        .services
        .risk()
        .request_exemption(&user.actor(), party, id, &fields.reason)
        .await
        .map(|_| ());
    measure_write(&state, &user, id, party, result, "requested").await
}

pub async fn decide_exemption(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<ExemptionForm>,
) -> Response {
    let party = fields.party_id.unwrap_or(0);
    let approve = fields.decision == "approve";
    let result = state
        .services
        .risk()
        .decide_exemption(&user.actor(), party, id, approve, &fields.note)
        .await
        .map(|_| ());
    measure_write(&state, &user, id, party, result, "decided").await
}

pub async fn remove_measure(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<ExemptionForm>,
) -> Response {
    let party = fields.party_id.unwrap_or(0);
    match state
        .services
        .risk()
        .remove_measure(&user.actor(), party, id)
        .await
    {
        Ok(()) => Redirect::to("/risk/measures?notice=removed").into_response(),
        Err(e) => measure_write(&state, &user, id, party, Err(e), "").await,
    }
}
