//! Organisations (parties), their nominated persons and their sites.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use sems_domain::access::RecordKind;
use sems_domain::nomination::NominatedPosition;
use sems_domain::page::PageRequest;
use sems_domain::party::PartyKind;
use sems_services::nominations::NominationInput;
use sems_services::parties::PartyInput;
use sems_storage::nominations::{Nomination, NominationFilter};
use sems_storage::parties::{Party, PartyFilter};
use sems_storage::people::PeopleFilter;
use sems_storage::sites::{Site, SiteFilter};
use sems_web_kit::form::{field, Form};
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{
    after_post, notice, render, service_error, Choice, Layout, ListQuery, PageQuery, Pager,
};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organisations", get(list).post(create))
        .route("/organisations/new", get(new_form))
        .route("/organisations/{id}", get(show).post(update))
        .route("/organisations/{id}/nominations", post(nominate))
        .route("/nominations/{id}/end", post(end_nomination))
        .route("/organisations/{id}/appointments", post(appoint))
        .route("/appointments/{id}/end", post(end_appointment))
}

#[derive(Template)]
#[template(path = "platform/organisations.html")]
struct ListPage {
    layout: Layout,
    items: Vec<Party>,
    pager: Pager,
    q: String,
    kinds: Vec<Choice>,
    can_create: bool,
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    std::iter::once(PartyKind::Authority)
        .chain(PartyKind::ORGANISATION_KINDS)
        .map(|k| (k.as_str(), k.label()))
        .collect()
}

fn organisation_kinds(current: &str) -> Vec<Choice> {
    Choice::list(
        PartyKind::ORGANISATION_KINDS
            .iter()
            .map(|k| (k.as_str(), k.label())),
        current,
    )
}

fn can_create_party(user: &Signed) -> bool {
    sems_services::parties::may_register_parties(&user.actor())
}

async fn list(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<ListQuery>,
) -> Response {
    let kind = q
        .kind
        .as_deref()
        .filter(|k| !k.is_empty())
        .and_then(|k| PartyKind::parse(k).ok());
    let filter = PartyFilter {
        search: q.q.clone(),
        kind,
    };
    match state
        .services
        .parties(&user.actor(), &filter, q.page_request())
        .await
    {
        Ok(page) => {
            let pager = Pager::new(
                &page,
                "/organisations",
                &[
                    ("q", ListQuery::text(&q.q)),
                    ("kind", ListQuery::text(&q.kind)),
                ],
            );
            render(
                StatusCode::OK,
                &ListPage {
                    layout: Layout::new("Organisations", &user, "/organisations")
                        .with_notice(notice(q.notice.as_deref())),
                    items: page.items,
                    pager,
                    q: ListQuery::text(&q.q),
                    kinds: Choice::list(kinds(), &ListQuery::text(&q.kind)),
                    can_create: can_create_party(&user),
                },
            )
        }
        Err(e) => service_error(e),
    }
}

#[derive(Template)]
#[template(path = "platform/organisation_form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    name: String,
    code: String,
    kinds: Vec<Choice>,
}

async fn new_form(user: Signed) -> Response {
    if !can_create_party(&user) {
        return sems_web_kit::pages::error_page(
            StatusCode::FORBIDDEN,
            "Only the deployment administrator registers organisations.",
        );
    }
    render(
        StatusCode::OK,
        &FormPage {
            layout: Layout::new("Register an organisation", &user, "/organisations"),
            action: "/organisations".into(),
            name: String::new(),
            code: String::new(),
            kinds: organisation_kinds(""),
        },
    )
}

/// The registration form of an organisation.
#[derive(serde::Deserialize)]
struct NewOrganisationForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    code: String,
}

impl From<NewOrganisationForm> for PartyInput {
    fn from(f: NewOrganisationForm) -> Self {
        Self {
            kind: f.kind,
            name: f.name,
            code: f.code,
            active: None,
        }
    }
}

async fn create(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<NewOrganisationForm>,
) -> Response {
    let input = PartyInput::from(fields);
    let result = state
        .services
        .create_organisation(&user.actor(), &input)
        .await;
    after_post(
        result,
        |p| format!("/organisations/{}?notice=created", p.id),
        |message| async move {
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    layout: Layout::new("Register an organisation", &user, "/organisations")
                        .with_error(Some(message)),
                    action: "/organisations".into(),
                    kinds: organisation_kinds(&input.kind),
                    name: input.name,
                    code: input.code,
                },
            )
        },
    )
    .await
}

pub struct Candidate {
    pub id: i64,
    pub name: String,
}

#[derive(Template)]
#[template(path = "platform/organisation.html")]
struct ShowPage {
    layout: Layout,
    party: Party,
    sites: Vec<Site>,
    sites_total: i64,
    current: Vec<Nomination>,
    history: Vec<Nomination>,
    can_nominate: bool,
    can_edit: bool,
    can_add_site: bool,
    positions: Vec<(&'static str, &'static str)>,
    candidates: Vec<Candidate>,
    today: time::Date,
    /// Appointments to protected duties (the identity custodian), those in force first.
    appointments: Vec<AppointmentLine>,
    can_appoint: bool,
    custodian_candidates: Vec<Candidate>,
}

pub struct AppointmentLine {
    pub id: i64,
    pub person: String,
    pub since: String,
    pub by: String,
    pub ended: Option<String>,
    pub note: String,
}

async fn show_page(
    state: &AppState,
    user: &Signed,
    id: i64,
    error: Option<String>,
    notice_key: Option<&str>,
) -> PageResult {
    let actor = user.actor();
    let svc = &state.services;
    let party = svc.party(&actor, id).await?;
    let may = |kind| sems_services::allowed_new(&actor, kind, &party);
    let can_nominate = !party.kind.is_authority() && may(RecordKind::Nomination).create;
    let sites = svc
        .sites(
            &actor,
            &SiteFilter {
                party_id: Some(id),
                ..Default::default()
            },
            PageRequest::new(Some(1), Some(50)),
        )
        .await;
    let noms = svc
        .nominations(
            &actor,
            &NominationFilter {
                party_id: Some(id),
                current_on: None,
            },
            PageRequest::new(Some(1), Some(200)),
        )
        .await;
    let (sites, noms) = match (sites, noms) {
        (Ok(s), Ok(n)) => (s, n),
        (Err(e), _) | (_, Err(e)) => return Err(e.into()),
    };
    let appointments = if party.kind.is_authority() {
        Vec::new()
    } else {
        match svc
            .appointments(&actor, id, PageRequest::new(Some(1), Some(50)))
            .await
        {
            Ok(p) => p
                .items
                .into_iter()
                .map(|a| AppointmentLine {
                    id: a.id,
                    person: a.person_name,
                    since: sems_domain::util::date_of(a.starts_at_ms),
                    by: a
                        .appointed_by_name
                        .unwrap_or_else(|| "the administrator".into()),
                    ended: a.ended_at_ms.map(sems_domain::util::date_of),
                    note: a.note,
                })
                .collect(),
            Err(e) => return Err(e.into()),
        }
    };
    let can_appoint = !party.kind.is_authority() && may(RecordKind::Appointment).create;
    let mut custodian_candidates = Vec::new();
    if can_appoint {
        if let Ok(people) = svc
            .people(
                &actor,
                &PeopleFilter {
                    party_id: Some(id),
                    ..Default::default()
                },
                PageRequest::new(Some(1), Some(200)),
            )
            .await
        {
            custodian_candidates = people
                .items
                .into_iter()
                .filter(|p| {
                    p.active
                        && !p.roles.contains(&sems_domain::role::Role::ReportHandler)
                        && !p
                            .roles
                            .contains(&sems_domain::role::Role::IdentityCustodian)
                })
                .map(|p| Candidate {
                    id: p.id,
                    name: p.display_name,
                })
                .collect();
        }
    }
    let day = sems_domain::util::today();
    let (current, history): (Vec<_>, Vec<_>) = noms
        .items
        .into_iter()
        .partition(|n| n.starts_on <= day && n.ends_on.is_none_or(|e| e >= day));
    let mut candidates = Vec::new();
    if can_nominate {
        let people = svc
            .people(
                &actor,
                &PeopleFilter {
                    party_id: Some(id),
                    ..Default::default()
                },
                PageRequest::new(Some(1), Some(200)),
            )
            .await;
        if let Ok(people) = people {
            candidates = people
                .items
                .into_iter()
                .filter(|p| {
                    NominatedPosition::ALL
                        .iter()
                        .any(|pos| p.roles.contains(&pos.required_role()))
                })
                .map(|p| Candidate {
                    id: p.id,
                    name: format!(
                        "{} ({})",
                        p.display_name,
                        p.roles
                            .iter()
                            .map(|r| r.label())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                })
                .collect();
        }
    }
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ShowPage {
            layout: Layout::new(party.name.clone(), user, "/organisations")
                .with_error(error)
                .with_notice(notice(notice_key)),
            can_edit: may(RecordKind::Party).update,
            can_add_site: may(RecordKind::Site).create && !party.kind.is_authority(),
            sites_total: sites.total,
            sites: sites.items,
            current,
            history,
            can_nominate,
            positions: NominatedPosition::ALL
                .iter()
                .map(|p| (p.as_str(), p.label()))
                .collect(),
            candidates,
            today: day,
            party,
            appointments,
            can_appoint,
            custodian_candidates,
        },
    ))
}

async fn show(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    show_page(&state, &user, id, None, q.notice.as_deref()).await
}

/// The change form of an organisation's page.
#[derive(serde::Deserialize)]
struct OrganisationForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    code: String,
    #[serde(default, deserialize_with = "field::checkbox")]
    active: bool,
}

impl From<OrganisationForm> for PartyInput {
    fn from(f: OrganisationForm) -> Self {
        Self {
            kind: String::new(),
            name: f.name,
            code: f.code,
            active: Some(f.active),
        }
    }
}

async fn update(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<OrganisationForm>,
) -> Response {
    let result = state
        .services
        .update_party(&user.actor(), id, &fields.into())
        .await;
    after_post(
        result,
        |_| format!("/organisations/{id}?notice=saved"),
        |message| show_page(&state, &user, id, Some(message), None),
    )
    .await
}

/// The nomination form of an organisation's page.
#[derive(serde::Deserialize)]
struct NominationForm {
    #[serde(default)]
    position: String,
    #[serde(default, deserialize_with = "field::id")]
    person_id: Option<i64>,
    #[serde(default)]
    starts_on: String,
    #[serde(default, deserialize_with = "field::text")]
    ends_on: Option<String>,
    #[serde(default)]
    note: String,
}

impl From<NominationForm> for NominationInput {
    fn from(f: NominationForm) -> Self {
        Self {
            position: f.position,
            person_id: f.person_id.unwrap_or(0),
            starts_on: f.starts_on,
            ends_on: f.ends_on,
            note: f.note,
        }
    }
}

async fn nominate(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<NominationForm>,
) -> Response {
    let result = state
        .services
        .nominate(&user.actor(), id, &fields.into())
        .await;
    after_post(
        result,
        |_| format!("/organisations/{id}?notice=nominated"),
        |message| show_page(&state, &user, id, Some(message), None),
    )
    .await
}

/// The end of a nomination, with the organisation whose page it was ended from.
#[derive(serde::Deserialize)]
struct NominationEndForm {
    #[serde(default)]
    ends_on: String,
    #[serde(default, deserialize_with = "field::id")]
    party_id: Option<i64>,
}

async fn end_nomination(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<NominationEndForm>,
) -> Response {
    let result = state
        .services
        .end_nomination(&user.actor(), id, &fields.ends_on)
        .await;
    let party = fields.party_id.unwrap_or(0);
    after_post(
        result,
        |n| format!("/organisations/{}?notice=ended", n.party_id),
        |message| show_page(&state, &user, party, Some(message), None),
    )
    .await
}

/// The appointment form of an identity custodian.
#[derive(serde::Deserialize)]
struct AppointmentForm {
    #[serde(default, deserialize_with = "field::id")]
    person_id: Option<i64>,
    #[serde(default)]
    note: String,
}

async fn appoint(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<AppointmentForm>,
) -> Response {
    let person = fields.person_id.unwrap_or(0);
    let result = state
        .services
        .appoint(
            &user.actor(),
            person,
            sems_domain::role::Role::IdentityCustodian,
            &fields.note,
        )
        .await;
    after_post(
        result,
        |_| format!("/organisations/{id}?notice=appointed"),
        |message| show_page(&state, &user, id, Some(message), None),
    )
    .await
}

/// The end of an appointment, with the organisation whose page it was ended from.
#[derive(serde::Deserialize)]
struct AppointmentEndForm {
    #[serde(default, deserialize_with = "field::id")]
    party_id: Option<i64>,
}

async fn end_appointment(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<AppointmentEndForm>,
) -> Response {
    let result = state.services.end_appointment(&user.actor(), id).await;
    let party = fields.party_id.unwrap_or(0);
    after_post(
        result,
        |a| format!("/organisations/{}?notice=appointment_ended", a.party_id),
        |message| show_page(&state, &user, party, Some(message), None),
    )
    .await
}
