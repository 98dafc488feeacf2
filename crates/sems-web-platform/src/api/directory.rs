//! `/api/v1` for the platform's directory: parties, people, sites, nominations,
//! need-to-know groups and the audit trail.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sems_domain::page::{Page, PageRequest};
use sems_domain::party::PartyKind;
use sems_domain::role::Role;
use sems_services::groups::GroupInput;
use sems_services::nominations::NominationInput;
use sems_services::parties::PartyInput;
use sems_services::people::{NewPersonInput, PersonUpdateInput};
use sems_services::sites::SiteInput;
use sems_services::views::{AuditEntry, Group, Nomination, Party, Person, Site};
use sems_storage::audit::AuditFilter;
use sems_storage::nominations::NominationFilter;
use sems_storage::parties::PartyFilter;
use sems_storage::people::PeopleFilter;
use sems_storage::sites::SiteFilter;
use sems_web_kit::api::ApiJson;
use sems_web_kit::api::Paging;
use sems_web_kit::error::{ApiError, ApiResult};
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(parties, create_party))
        .routes(routes!(party, update_party))
        .routes(routes!(create_site))
        .routes(routes!(nominate))
        .routes(routes!(create_group))
        .routes(routes!(people, create_person))
        .routes(routes!(person, update_person))
        .routes(routes!(oversight, set_oversight))
        .routes(routes!(sites))
        .routes(routes!(site, update_site))
        .routes(routes!(nominations))
        .routes(routes!(end_nomination))
        .routes(routes!(groups))
        .routes(routes!(group))
        .routes(routes!(add_member, remove_member))
        .routes(routes!(audit))
}

/// The filters of the directory's lists; each list documents those it reads.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// The page by number, from 1.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Rows per page, at most 200.
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    /// The `next_cursor` of the previous page, instead of `page`.
    cursor: Option<String>,
    /// Words the name (or code, user name, e-mail) contains.
    q: Option<String>,
    /// Parties of one kind (`airport_operator`, `air_carrier`, ...).
    kind: Option<String>,
    /// Records of one organisation.
    party_id: Option<i64>,
    /// People who hold this role.
    role: Option<String>,
    /// Include deactivated people and sites.
    include_inactive: Option<bool>,
    /// Nominations in force on this day (YYYY-MM-DD).
    #[param(format = Date)]
    current_on: Option<String>,
    /// Audit entries about one kind of record (`finding`, `risk_assessment`, ...).
    record_kind: Option<String>,
    /// Audit entries about one record (with `record_kind`).
    record_id: Option<i64>,
    /// Audit entries whose action starts with this (`finding.`).
    action: Option<String>,
    /// Audit entries by one person.
    actor_id: Option<i64>,
    /// From this time (milliseconds since the epoch).
    from_ms: Option<i64>,
    /// Before this time (milliseconds since the epoch).
    until_ms: Option<i64>,
}

impl ListParams {
    /// The page asked for, once every parameter given reads (a day that is not a day is
    /// refused whichever list it is sent to).
    fn page(&self) -> ApiResult<PageRequest> {
        if let Some(day) = &self.current_on {
            sems_domain::util::parse_date("current_on", day)
                .map_err(|e| bad("current_on", &e.message))?;
        }
        sems_web_kit::api::page_request(self.page, self.per_page, self.cursor.as_deref())
    }
}

fn bad(field: &'static str, message: &str) -> ApiError {
    sems_services::ServiceError::from(sems_domain::ValidationError::new(field, message)).into()
}

// --- Parties ---

/// Parties one may read (filters: q, kind).
#[utoipa::path(get, path = "/parties", tag = "Parties", params(ListParams),
    responses((status = 200, body = Page<Party>)))]
async fn parties(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<ListParams>,
) -> ApiResult<Json<Page<Party>>> {
    let kind = match q.kind.as_deref() {
        Some(k) => Some(PartyKind::parse(k).map_err(|e| bad("kind", &e.message))?),
        None => None,
    };
    Ok(Json(
        state
            .services
            .parties(
                &auth.actor(),
                &PartyFilter {
                    search: q.q.clone(),
                    kind,
                },
                q.page()?,
            )
            .await?
            .map(Party::from),
    ))
}

/// Register an organisation (deployment administrator).
#[utoipa::path(post, path = "/parties", tag = "Parties", request_body = PartyInput,
    responses((status = 201, body = Party)))]
async fn create_party(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<PartyInput>,
) -> ApiResult<(StatusCode, Json<Party>)> {
    let party = state
        .services
        .create_organisation(&auth.actor(), &body)
        .await?;
    Ok((StatusCode::CREATED, Json(party.into())))
}

/// One party.
#[utoipa::path(get, path = "/parties/{id}", tag = "Parties",
    params(("id" = i64, Path, description = "The party's id")),
    responses((status = 200, body = Party)))]
async fn party(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Party>> {
    Ok(Json(state.services.party(&auth.actor(), id).await?.into()))
}

/// What a party's change may say; what it leaves out stays as it is.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct PartyPatch {
    name: Option<String>,
    code: Option<String>,
    active: Option<bool>,
}

/// Change a party's name, code or status.
#[utoipa::path(patch, path = "/parties/{id}", tag = "Parties",
    params(("id" = i64, Path, description = "The party's id")),
    request_body = PartyPatch, responses((status = 200, body = Party)))]
async fn update_party(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<PartyPatch>,
) -> ApiResult<Json<Party>> {
    let current = state.services.party(&auth.actor(), id).await?;
    let input = PartyInput {
        kind: String::new(),
        name: body.name.unwrap_or(current.name),
        code: body.code.unwrap_or(current.code),
        active: body.active,
    };
    Ok(Json(
        state
            .services
            .update_party(&auth.actor(), id, &input)
            .await?
            .into(),
    ))
}

// --- People ---

/// People one may read (filters: q, party_id, role, include_inactive).
#[utoipa::path(get, path = "/people", tag = "People", params(ListParams),
    responses((status = 200, body = Page<Person>)))]
async fn people(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<ListParams>,
) -> ApiResult<Json<Page<Person>>> {
    let role = match q.role.as_deref() {
        Some(r) => Some(Role::parse(r).map_err(|e| bad("role", &e.message))?),
        None => None,
    };
    let filter = PeopleFilter {
        party_id: q.party_id,
        search: q.q.clone(),
        role,
        include_inactive: q.include_inactive.unwrap_or(false),
    };
    Ok(Json(
        state
            .services
            .people(&auth.actor(), &filter, q.page()?)
            .await?
            .map(Person::from),
    ))
}

/// Create an account.
#[utoipa::path(post, path = "/people", tag = "People", request_body = NewPersonInput,
    responses((status = 201, body = Person)))]
async fn create_person(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<NewPersonInput>,
) -> ApiResult<(StatusCode, Json<Person>)> {
    let person = state.services.create_person(&auth.actor(), &body).await?;
    Ok((StatusCode::CREATED, Json(person.into())))
}

/// One person.
#[utoipa::path(get, path = "/people/{id}", tag = "People", params(("id" = i64, Path, description = "The person's id")),
    responses((status = 200, body = Person)))]
async fn person(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Person>> {
    Ok(Json(state.services.person(&auth.actor(), id).await?.into()))
}

/// Change a person's name, e-mail, roles, clearance or status.
#[utoipa::path(patch, path = "/people/{id}", tag = "People", params(("id" = i64, Path, description = "The person's id")),
    request_body = PersonUpdateInput, responses((status = 200, body = Person)))]
async fn update_person(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<PersonUpdateInput>,
) -> ApiResult<Json<Person>> {
    Ok(Json(
        state
            .services
            .update_person(&auth.actor(), id, &body)
            .await?
            .into(),
    ))
}

/// The organisations an inspector oversees.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Oversight {
    party_ids: Vec<i64>,
}

/// Organisations an inspector oversees.
#[utoipa::path(get, path = "/people/{id}/oversight", tag = "People", params(("id" = i64, Path, description = "The inspector's id")),
    responses((status = 200, body = Oversight)))]
async fn oversight(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Oversight>> {
    let party_ids = state.services.oversight_of(&auth.actor(), id).await?;
    Ok(Json(Oversight { party_ids }))
}

/// Set the organisations an inspector oversees.
#[utoipa::path(put, path = "/people/{id}/oversight", tag = "People", params(("id" = i64, Path, description = "The inspector's id")),
    request_body = Oversight, responses((status = 200, body = Oversight)))]
async fn set_oversight(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<Oversight>,
) -> ApiResult<Json<Oversight>> {
    let party_ids = state
        .services
        .set_oversight(&auth.actor(), id, &body.party_ids)
        .await?;
    Ok(Json(Oversight { party_ids }))
}

// --- Sites ---

/// Sites one may read (filters: q, party_id, include_inactive).
#[utoipa::path(get, path = "/sites", tag = "Sites", params(ListParams),
    responses((status = 200, body = Page<Site>)))]
async fn sites(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<ListParams>,
) -> ApiResult<Json<Page<Site>>> {
    let filter = SiteFilter {
        party_id: q.party_id,
        search: q.q.clone(),
        include_inactive: q.include_inactive.unwrap_or(false),
    };
    Ok(Json(
        state
            .services
            .sites(&auth.actor(), &filter, q.page()?)
            .await?
            .map(Site::from),
    ))
}

/// Add a site to an organisation.
#[utoipa::path(post, path = "/parties/{id}/sites", tag = "Sites", params(("id" = i64, Path, description = "The organisation's id")),
    request_body = SiteInput, responses((status = 201, body = Site)))]
async fn create_site(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<SiteInput>,
) -> ApiResult<(StatusCode, Json<Site>)> {
    let site = state
        .services
        .create_site(&auth.actor(), party_id, &body)
        .await?;
    Ok((StatusCode::CREATED, Json(site.into())))
}

/// One site.
#[utoipa::path(get, path = "/sites/{id}", tag = "Sites", params(("id" = i64, Path, description = "The site's id")),
    responses((status = 200, body = Site)))]
async fn site(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Site>> {
    Ok(Json(state.services.site(&auth.actor(), id).await?.into()))
}

/// What a site's change may say; what it leaves out stays as it is.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SitePatch {
    name: Option<String>,
    location: Option<String>,
    active: Option<bool>,
}

/// Change a site.
#[utoipa::path(patch, path = "/sites/{id}", tag = "Sites", params(("id" = i64, Path, description = "The site's id")),
    request_body = SitePatch, responses((status = 200, body = Site)))]
async fn update_site(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<SitePatch>,
) -> ApiResult<Json<Site>> {
    let current = state.services.site(&auth.actor(), id).await?;
    let input = SiteInput {
        name: body.name.unwrap_or(current.name),
        location: body.location.unwrap_or(current.location),
        active: body.active,
    };
    Ok(Json(
        state
            .services
            .update_site(&auth.actor(), id, &input)
            .await?
            .into(),
    ))
}

// --- Nominations ---

/// Nominations one may read (filters: party_id, current_on).
#[utoipa::path(get, path = "/nominations", tag = "Nominations", params(ListParams),
    responses((status = 200, body = Page<Nomination>)))]
async fn nominations(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<ListParams>,
) -> ApiResult<Json<Page<Nomination>>> {
    let current_on = q
        .current_on
        .as_deref()
        .map(|day| sems_domain::util::parse_date("current_on", day))
        .transpose()
        .map_err(|e| bad("current_on", &e.message))?;
    let filter = NominationFilter {
        party_id: q.party_id,
        current_on,
    };
    Ok(Json(
        state
            .services
            .nominations(&auth.actor(), &filter, q.page()?)
            .await?
            .map(Nomination::from),
    ))
}

/// Nominate an accountable executive or security manager; ends the previous nomination and
/// notifies the authority.
#[utoipa::path(post, path = "/parties/{id}/nominations", tag = "Nominations",
    params(("id" = i64, Path, description = "The organisation's id")), request_body = NominationInput,
    responses((status = 201, body = Nomination)))]
async fn nominate(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<NominationInput>,
) -> ApiResult<(StatusCode, Json<Nomination>)> {
    let nomination = state
        .services
        .nominate(&auth.actor(), party_id, &body)
        .await?;
    Ok((StatusCode::CREATED, Json(nomination.into())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct EndNomination {
    #[schema(format = Date)]
    ends_on: String,
}

/// End a nomination on a date.
#[utoipa::path(post, path = "/nominations/{id}/end", tag = "Nominations", params(("id" = i64, Path, description = "The nomination's id")),
    request_body = EndNomination, responses((status = 200, body = Nomination)))]
async fn end_nomination(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<EndNomination>,
) -> ApiResult<Json<Nomination>> {
    Ok(Json(
        state
            .services
            .end_nomination(&auth.actor(), id, &body.ends_on)
            .await?
            .into(),
    ))
}

// --- Groups ---

/// Need-to-know groups one may read.
#[utoipa::path(get, path = "/groups", tag = "Groups", params(Paging),
    responses((status = 200, body = Page<Group>)))]
async fn groups(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<Paging>,
) -> ApiResult<Json<Page<Group>>> {
    let groups = state.services.groups(&auth.actor(), q.request()?).await?;
    Ok(Json(groups.map(Group::from)))
}

/// Create a need-to-know group.
#[utoipa::path(post, path = "/parties/{id}/groups", tag = "Groups", params(("id" = i64, Path, description = "The organisation's id")),
    request_body = GroupInput, responses((status = 201, body = Group)))]
async fn create_group(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<GroupInput>,
) -> ApiResult<(StatusCode, Json<Group>)> {
    let group = state
        .services
        .create_group(&auth.actor(), party_id, &body)
        .await?;
    Ok((StatusCode::CREATED, Json(group.into())))
}

/// A need-to-know group with its members.
#[derive(Serialize, ToSchema)]
struct GroupWithMembers {
    group: Group,
    members: Vec<Member>,
}

/// A member of a need-to-know group.
#[derive(Serialize, ToSchema)]
struct Member {
    person_id: i64,
    display_name: String,
}

/// A group with its members.
#[utoipa::path(get, path = "/groups/{id}", tag = "Groups", params(("id" = i64, Path, description = "The group's id")),
    responses((status = 200, body = GroupWithMembers)))]
async fn group(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<GroupWithMembers>> {
    let view = state.services.group(&auth.actor(), id).await?;
    Ok(Json(GroupWithMembers {
        group: view.group.into(),
        members: view
            .members
            .into_iter()
            .map(|m| Member {
                person_id: m.id,
                display_name: m.name,
            })
            .collect(),
    }))
}

/// Add a member.
#[utoipa::path(put, path = "/groups/{id}/members/{person_id}", tag = "Groups",
    params(("id" = i64, Path, description = "The group's id"),
        ("person_id" = i64, Path, description = "The person's id")),
    responses((status = 204, description = "Added")))]
async fn add_member(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath((id, person_id)): sems_web_kit::api::ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    state
        .services
        .change_group_member(&auth.actor(), id, person_id, true)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove a member.
#[utoipa::path(delete, path = "/groups/{id}/members/{person_id}", tag = "Groups",
    params(("id" = i64, Path, description = "The group's id"),
        ("person_id" = i64, Path, description = "The person's id")),
    responses((status = 204, description = "Removed")))]
async fn remove_member(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath((id, person_id)): sems_web_kit::api::ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    state
        .services
        .change_group_member(&auth.actor(), id, person_id, false)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// --- Audit trail ---

/// Audit-trail entries one may read, newest first (filters: party_id, record_kind, record_id,
/// action prefix, actor_id, from_ms, until_ms). Security events and confidential or anonymous
/// reporting are never among them.
#[utoipa::path(get, path = "/audit", tag = "Audit trail", params(ListParams),
    responses((status = 200, body = Page<AuditEntry>)))]
async fn audit(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<ListParams>,
) -> ApiResult<Json<Page<AuditEntry>>> {
    let filter = AuditFilter {
        party_id: q.party_id,
        record_kind: q.record_kind.clone(),
        record_id: q.record_id,
        action_prefix: q.action.clone(),
        actor_person_id: q.actor_id,
        from_ms: q.from_ms,
        until_ms: q.until_ms,
        subject_person_id: None,
    };
    Ok(Json(
        state
            .services
            .audit_entries(&auth.actor(), &filter, q.page()?)
            .await?
            .map(AuditEntry::from),
    ))
}
