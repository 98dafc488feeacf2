//! People: accounts, roles, clearances, oversight assignments.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use sems_domain::access::RecordKind;
use sems_domain::role::Role;
use sems_services::grants::GrantView;
use sems_services::people::{NewPersonInput, PersonUpdateInput};
use sems_services::ServiceError;
use sems_storage::parties::Party;
use sems_storage::people::{PeopleFilter, Person};
use sems_web_kit::form::{field, Form};
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{
    after_post, notice, render, service_error, visible_parties, Choice, Layout, ListQuery,
    PageQuery, Pager,
};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people", get(list).post(create))
        .route("/people/new", get(new_form))
        .route("/people/{id}", get(show).post(update))
        .route("/people/{id}/oversight", post(oversight))
        .route("/people/grants", get(grants))
        .route("/people/grants/{id}", post(decide_grant))
}

/// A held grant as shown: what waits, for whom, asked by whom.
pub struct GrantRow {
    pub id: i64,
    pub person_id: i64,
    pub person: String,
    pub party: String,
    pub roles: Vec<&'static str>,
    pub clearance: Option<String>,
    pub requested_by: String,
    pub requested_at: String,
    pub may_decide: bool,
}

fn grant_row(g: GrantView) -> GrantRow {
    GrantRow {
        id: g.grant.id,
        person_id: g.grant.person_id,
        person: g.grant.person_name,
        party: g.grant.party_name,
        roles: g.grant.roles.iter().map(|r| r.label()).collect(),
        clearance: g.clearance_name,
        requested_by: g.grant.requested_by_name,
        requested_at: sems_web_kit::pages::when(g.grant.requested_at_ms),
        may_decide: g.may_decide,
    }
}

#[derive(Template)]
#[template(path = "platform/grants.html")]
struct GrantsPage {
    layout: Layout,
    items: Vec<GrantRow>,
    pager: Pager,
}

/// The grants waiting for a director's confirmation.
async fn grants(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let page = state
        .services
        .pending_grants(&user.actor(), q.page_request())
        .await?;
    let pager = Pager::new(&page, "/people/grants", &[]);
    Ok(render(
        StatusCode::OK,
        &GrantsPage {
            layout: Layout::new("Grants awaiting confirmation", &user, "/people/grants")
                .with_notice(notice(q.notice.as_deref())),
            items: page.items.into_iter().map(grant_row).collect(),
            pager,
        },
    ))
}

/// The decision on a held grant, from the list or from the person's page.
#[derive(serde::Deserialize)]
struct GrantDecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    back: String,
    #[serde(default)]
    note: String,
}

/// Confirms or refuses a held grant; back to the list it was decided from.
async fn decide_grant(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<GrantDecisionForm>,
) -> Response {
    let confirm = match fields.decision.as_str() {
        "confirm" => true,
        "refuse" => false,
        _ => {
            return service_error(ServiceError::from(sems_domain::ValidationError::new(
                "decision",
                "confirm or refuse",
            )))
        }
    };
    let back = if fields.back == "person" {
        None
    } else {
        Some("/people/grants")
    };
    match state
        .services
        .decide_grant(&user.actor(), id, confirm, &fields.note)
        .await
    {
        Ok(g) => {
            let to = back
                .map(str::to_string)
                .unwrap_or(format!("/people/{}", g.grant.person_id));
            Redirect::to(&format!("{to}?notice=decided")).into_response()
        }
        Err(e) => service_error(e),
    }
}

pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub username: String,
    pub party: String,
    pub roles: Vec<&'static str>,
    pub clearance: String,
    pub active: bool,
    pub two_factor: bool,
}

fn row(state: &AppState, p: Person) -> PersonRow {
    PersonRow {
        id: p.id,
        clearance: state.services.classification.name(p.clearance).to_string(),
        roles: p.roles.iter().map(|r| r.label()).collect(),
        name: p.display_name,
        username: p.username,
        party: p.party_name,
        active: p.active,
        two_factor: p.totp_enabled,
    }
}

#[derive(Template)]
#[template(path = "platform/people.html")]
struct ListPage {
    layout: Layout,
    items: Vec<PersonRow>,
    pager: Pager,
    q: String,
    party: String,
    inactive: bool,
    parties: Vec<Choice>,
    roles: Vec<Choice>,
    can_create: bool,
}

fn can_create_in(user: &Signed, party: &Party) -> bool {
    sems_services::allowed_new(&user.actor(), RecordKind::Person, party).create
}

async fn list(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let filter = PeopleFilter {
        party_id: ListQuery::id(&q.party),
        search: q.q.clone(),
        role: q
            .role
            .as_deref()
            .filter(|r| !r.is_empty())
            .and_then(|r| Role::parse(r).ok()),
        include_inactive: q.inactive.is_some(),
    };
    let page = state
        .services
        .people(&user.actor(), &filter, q.page_request())
        .await?;
    let parties = visible_parties(&state, &user).await;
    let pager = Pager::new(
        &page,
        "/people",
        &[
            ("q", ListQuery::text(&q.q)),
            ("party", ListQuery::text(&q.party)),
            ("role", ListQuery::text(&q.role)),
            ("inactive", ListQuery::text(&q.inactive)),
        ],
    );
    Ok(render(
        StatusCode::OK,
        &ListPage {
            layout: Layout::new("People", &user, "/people")
                .with_notice(notice(q.notice.as_deref())),
            can_create: parties.iter().any(|p| can_create_in(&user, p)),
            items: page.items.into_iter().map(|p| row(&state, p)).collect(),
            pager,
            q: ListQuery::text(&q.q),
            party: ListQuery::text(&q.party),
            inactive: q.inactive.is_some(),
            parties: Choice::list(
                parties.iter().map(|p| (p.id, p.name.clone())),
                &ListQuery::text(&q.party),
            ),
            roles: Choice::list(
                Role::ALL.iter().map(|r| (r.as_str(), r.label())),
                &ListQuery::text(&q.role),
            ),
        },
    ))
}

pub struct RoleChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "platform/person_new.html")]
struct NewPage {
    layout: Layout,
    parties: Vec<Party>,
    party_id: i64,
    username: String,
    display_name: String,
    email: String,
    roles: Vec<RoleChoice>,
    levels: Vec<Level>,
}

fn role_choices(user: &Signed, authority: bool, checked: &[String]) -> Vec<RoleChoice> {
    Role::for_party(authority)
        .into_iter()
        .filter(|r| *r != Role::Administrator || user.0.subject.has_role(Role::Administrator))
        .map(|r| RoleChoice {
            value: r.as_str(),
            label: r.label(),
            checked: checked.iter().any(|c| c == r.as_str()),
        })
        .collect()
}

pub struct Level {
    pub rank: i64,
    pub name: String,
    pub selected: bool,
}

fn levels(state: &AppState, selected: i64) -> Vec<Level> {
    state
        .services
        .classification
        .levels()
        .iter()
        .enumerate()
        .map(|(i, l)| Level {
            rank: i as i64,
            name: l.clone(),
            selected: i as i64 == selected,
        })
        .collect()
}

pub struct OversightChoice {
    pub id: i64,
    pub name: String,
    pub checked: bool,
}

#[derive(serde::Deserialize)]
struct NewQuery {
    party: Option<i64>,
}

async fn new_form(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<NewQuery>,
) -> Response {
    let parties: Vec<Party> = visible_parties(&state, &user)
        .await
        .into_iter()
        .filter(|p| can_create_in(&user, p) && p.active)
        .collect();
    let Some(chosen) = q
        .party
        .and_then(|id| parties.iter().find(|p| p.id == id))
        .or_else(|| parties.iter().find(|p| p.id == user.0.subject.party_id))
        .or(parties.first())
        .cloned()
    else {
        return sems_web_kit::pages::error_page(
            StatusCode::FORBIDDEN,
            "Your roles do not allow creating accounts.",
        );
    };
    render(
        StatusCode::OK,
        &NewPage {
            layout: Layout::new("Create an account", &user, "/people"),
            roles: role_choices(&user, chosen.kind.is_authority(), &[]),
            party_id: chosen.id,
            parties,
            username: String::new(),
            display_name: String::new(),
            email: String::new(),
            levels: levels(&state, 0),
        },
    )
}

/// The new-account form.
#[derive(serde::Deserialize)]
struct NewPersonForm {
    #[serde(default, deserialize_with = "field::id")]
    party_id: Option<i64>,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default, deserialize_with = "field::text")]
    clearance: Option<String>,
}

impl From<NewPersonForm> for NewPersonInput {
    fn from(f: NewPersonForm) -> Self {
        Self {
            party_id: f.party_id.unwrap_or(0),
            username: f.username,
            display_name: f.display_name,
            email: f.email,
            password: f.password,
            roles: f.roles,
            clearance: f.clearance,
        }
    }
}

async fn create(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<NewPersonForm>,
) -> Response {
    let input = NewPersonInput::from(fields);
    let result = match state.services.create_person(&user.actor(), &input).await {
        Ok(p) => Ok((p.id, held_or(&state, &user, p.id, "created").await)),
        Err(e) => Err(e),
    };
    after_post(
        result,
        |(id, key)| format!("/people/{id}?notice={key}"),
        |message| async move {
            let parties: Vec<Party> = visible_parties(&state, &user)
                .await
                .into_iter()
                .filter(|p| can_create_in(&user, p))
                .collect();
            let authority = parties
                .iter()
                .find(|p| p.id == input.party_id)
                .is_some_and(|p| p.kind.is_authority());
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &NewPage {
                    layout: Layout::new("Create an account", &user, "/people")
                        .with_error(Some(message)),
                    roles: role_choices(&user, authority, &input.roles),
                    party_id: input.party_id,
                    parties,
                    username: input.username,
                    display_name: input.display_name,
                    email: input.email,
                    levels: levels(
                        &state,
                        input.clearance.and_then(|c| c.parse().ok()).unwrap_or(0),
                    ),
                },
            )
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "platform/person.html")]
struct ShowPage {
    layout: Layout,
    person: PersonRow,
    display_name: String,
    email: String,
    can_edit: bool,
    roles: Vec<RoleChoice>,
    levels: Vec<Level>,
    is_inspector: bool,
    oversight: Vec<OversightChoice>,
    /// What of a grant to this person waits for a director's confirmation.
    grant: Option<GrantRow>,
}

async fn show_page(
    state: &AppState,
    user: &Signed,
    id: i64,
    error: Option<String>,
    notice_key: Option<&str>,
) -> PageResult {
    let actor = user.actor();
    let (person, can_edit) = match state.services.person_view(&actor, id).await {
        Ok(v) => (v.record, v.allowed.update),
        Err(e) => return Err(e.into()),
    };
    let is_inspector = person.roles.contains(&Role::Inspector);
    let mut oversight = Vec::new();
    if is_inspector && can_edit {
        let assigned = state
            .services
            .oversight_of(&actor, id)
            .await
            .unwrap_or_default();
        oversight = visible_parties(state, user)
            .await
            .into_iter()
            .filter(|p| !p.kind.is_authority())
            .map(|p| OversightChoice {
                checked: assigned.contains(&p.id),
                id: p.id,
                name: p.name,
            })
            .collect();
    }
    let grant = state
        .services
        .pending_grant_for(&actor, id)
        .await
        .unwrap_or_default()
        .map(grant_row);
    let checked: Vec<String> = person
        .roles
        .iter()
        .map(|r| r.as_str().to_string())
        .collect();
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ShowPage {
            layout: Layout::new(person.display_name.clone(), user, "/people")
                .with_error(error)
                .with_notice(notice(notice_key)),
            roles: role_choices(user, person.party_is_authority, &checked),
            display_name: person.display_name.clone(),
            email: person.email.clone(),
            can_edit,
            levels: levels(state, person.clearance),
            is_inspector,
            oversight,
            grant,
            person: row(state, person),
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

/// The account form of a person's page.
#[derive(serde::Deserialize)]
struct PersonForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default, deserialize_with = "field::text")]
    clearance: Option<String>,
    #[serde(default, deserialize_with = "field::checkbox")]
    active: bool,
}

impl From<PersonForm> for PersonUpdateInput {
    fn from(f: PersonForm) -> Self {
        Self {
            display_name: Some(f.display_name),
            email: Some(f.email),
            roles: Some(f.roles),
            clearance: f.clearance,
            active: Some(f.active),
        }
    }
}

async fn update(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<PersonForm>,
) -> Response {
    let result = match state
        .services
        .update_person(&user.actor(), id, &fields.into())
        .await
    {
        Ok(_) => Ok(held_or(&state, &user, id, "saved").await),
        Err(e) => Err(e),
    };
    after_post(
        result,
        |key| format!("/people/{id}?notice={key}"),
        |message| show_page(&state, &user, id, Some(message), None),
    )
    .await
}

/// The notice after a change: `held` when part of it waits for a director's confirmation.
async fn held_or(state: &AppState, user: &Signed, id: i64, done: &'static str) -> &'static str {
    match state.services.pending_grant_for(&user.actor(), id).await {
        Ok(Some(_)) => "held",
        _ => done,
    }
}

/// The oversight form of an inspector's page: the organisations they oversee.
#[derive(serde::Deserialize)]
struct OversightForm {
    #[serde(default)]
    party_ids: Vec<String>,
}

async fn oversight(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<OversightForm>,
) -> Response {
    let ids: Vec<i64> = fields
        .party_ids
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    let result = state.services.set_oversight(&user.actor(), id, &ids).await;
    after_post(
        result,
        |_| format!("/people/{id}?notice=saved"),
        |message| show_page(&state, &user, id, Some(message), None),
    )
    .await
}
