//! `/api/v1` for the platform's directory: parties, people, sites, nominations,
//! need-to-know groups and the audit trail.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use sems_domain::page::{Page, PageRequest};
use sems_domain::party::PartyKind;
use sems_domain::role::Role;
use sems_services::groups::GroupInput;
use sems_services::nominations::NominationInput;
use sems_services::parties::PartyInput;
use sems_services::people::{NewPersonInput, PersonUpdateInput};
use sems_services::sites::SiteInput;
use sems_storage::audit::AuditFilter;
use sems_storage::nominations::NominationFilter;
use sems_storage::parties::PartyFilter;
use sems_storage::people::PeopleFilter;
use sems_storage::sites::SiteFilter;
use sems_web_kit::api::ApiJson;
use sems_web_kit::error::{ApiError, ApiResult};
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/parties", get(parties).post(create_party))
        .route("/parties/{id}", get(party).patch(update_party))
        .route("/parties/{id}/sites", post(create_site))
        .route("/parties/{id}/nominations", post(nominate))
        .route("/parties/{id}/groups", post(create_group))
        .route("/people", get(people).post(create_person))
        .route("/people/{id}", get(person).patch(update_person))
        .route("/people/{id}/oversight", get(oversight).put(set_oversight))
        .route("/sites", get(sites))
        .route("/sites/{id}", get(site).patch(update_site))
        .route("/nominations", get(nominations))
        .route("/nominations/{id}/end", post(end_nomination))
        .route("/groups", get(groups))
        .route("/groups/{id}", get(group))
        .route(
            "/groups/{id}/members/{person_id}",
            put(add_member).delete(remove_member),
        )
        .route("/audit", get(audit))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListParams {
    page: Option<u32>,
    per_page: Option<u32>,
    cursor: Option<String>,
    q: Option<String>,
    kind: Option<String>,
    party_id: Option<i64>,
    role: Option<String>,
    include_inactive: Option<bool>,
    current_on: Option<String>,
    record_kind: Option<String>,
    record_id: Option<i64>,
    action: Option<String>,
    actor_id: Option<i64>,
    from_ms: Option<i64>,
    until_ms: Option<i64>,
}

impl ListParams {
    fn page(&self) -> ApiResult<PageRequest> {
        sems_web_kit::api::page_request(self.page, self.per_page, self.cursor.as_deref())
    }
}

fn bad(field: &'static str, message: &str) -> ApiError {
    sems_services::ServiceError::from(sems_domain::ValidationError::new(field, message)).into()
}

// --- Parties ---

async fn parties(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<ListParams>,
) -> ApiResult<Json<Page<sems_storage::parties::Party>>> {
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
            .await?,
    ))
}

async fn create_party(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<PartyInput>,
) -> ApiResult<(StatusCode, Json<sems_storage::parties::Party>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .services
                .create_organisation(&auth.actor(), &body)
                .await?,
        ),
    ))
}

async fn party(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<sems_storage::parties::Party>> {
    Ok(Json(state.services.party(&auth.actor(), id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartyPatch {
    name: Option<String>,
    code: Option<String>,
    active: Option<bool>,
}

async fn update_party(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<PartyPatch>,
) -> ApiResult<Json<sems_storage::parties::Party>> {
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
            .await?,
    ))
}

// --- People ---

async fn people(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<ListParams>,
) -> ApiResult<Json<Page<sems_storage::people::Person>>> {
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
            .await?,
    ))
}

async fn create_person(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<NewPersonInput>,
) -> ApiResult<(StatusCode, Json<sems_storage::people::Person>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.services.create_person(&auth.actor(), &body).await?),
    ))
}

async fn person(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<sems_storage::people::Person>> {
    Ok(Json(state.services.person(&auth.actor(), id).await?))
}

async fn update_person(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<PersonUpdateInput>,
) -> ApiResult<Json<sems_storage::people::Person>> {
    Ok(Json(
        state
            .services
            .update_person(&auth.actor(), id, &body)
            .await?,
    ))
}

async fn oversight(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<serde_json::Value>> {
    Ok(Json(
        json!({ "party_ids": state.services.oversight_of(&auth.actor(), id).await? }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Oversight {
    party_ids: Vec<i64>,
}

async fn set_oversight(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<Oversight>,
) -> ApiResult<Json<serde_json::Value>> {
    Ok(Json(
        json!({ "party_ids": state.services.set_oversight(&auth.actor(), id, &body.party_ids).await? }),
    ))
}

// --- Sites ---

async fn sites(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<ListParams>,
) -> ApiResult<Json<Page<sems_storage::sites::Site>>> {
    let filter = SiteFilter {
        party_id: q.party_id,
        search: q.q.clone(),
        include_inactive: q.include_inactive.unwrap_or(false),
    };
    Ok(Json(
        state
            .services
            .sites(&auth.actor(), &filter, q.page()?)
            .await?,
    ))
}

async fn create_site(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<SiteInput>,
) -> ApiResult<(StatusCode, Json<sems_storage::sites::Site>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .services
                .create_site(&auth.actor(), party_id, &body)
                .await?,
        ),
    ))
}

async fn site(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<sems_storage::sites::Site>> {
    Ok(Json(state.services.site(&auth.actor(), id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SitePatch {
    name: Option<String>,
    location: Option<String>,
    active: Option<bool>,
}

async fn update_site(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<SitePatch>,
) -> ApiResult<Json<sems_storage::sites::Site>> {
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
            .await?,
    ))
}

// --- Nominations ---

async fn nominations(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<ListParams>,
) -> ApiResult<Json<Page<sems_storage::nominations::Nomination>>> {
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
            .await?,
    ))
}

async fn nominate(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<NominationInput>,
) -> ApiResult<(StatusCode, Json<sems_storage::nominations::Nomination>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .services
                .nominate(&auth.actor(), party_id, &body)
                .await?,
        ),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EndNomination {
    ends_on: String,
}

async fn end_nomination(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<EndNomination>,
) -> ApiResult<Json<sems_storage::nominations::Nomination>> {
    Ok(Json(
        state
            .services
            .end_nomination(&auth.actor(), id, &body.ends_on)
            .await?,
    ))
}

// --- Groups ---

async fn groups(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<ListParams>,
) -> ApiResult<Json<Page<sems_storage::groups::NeedToKnowGroup>>> {
    Ok(Json(state.services.groups(&auth.actor(), q.page()?).await?))
}

async fn create_group(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<GroupInput>,
) -> ApiResult<(StatusCode, Json<sems_storage::groups::NeedToKnowGroup>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .services
                .create_group(&auth.actor(), party_id, &body)
                .await?,
        ),
    ))
}

async fn group(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<serde_json::Value>> {
    let view = state.services.group(&auth.actor(), id).await?;
    let group = view.group;
    let members: Vec<_> = view
        .members
        .into_iter()
        .map(|m| json!({ "person_id": m.id, "display_name": m.name }))
        .collect();
    Ok(Json(json!({ "group": group, "members": members })))
}

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

async fn audit(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<ListParams>,
) -> ApiResult<Json<Page<sems_storage::audit::AuditView>>> {
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
            .await?,
    ))
}
