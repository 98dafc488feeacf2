//! `/api/v1` for oversight: the requirements catalogues (here), activities with their
//! checklists and reports (`activities.rs`), findings with their corrective action plans
//! (`findings.rs`), EI, proposals and contractors (here).

mod activities;
mod catalogues;
mod findings;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sems_services::import::ImportReport;
use sems_services::oversight::ei::{EiReport, EiSelection};
use sems_services::oversight::requirements::{CatalogueOf, CatalogueView, RequirementInput};
use sems_web_kit::api::{ApiJson, ApiPath, ApiQuery};
use sems_web_kit::error::{ApiError, ApiResult};
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(catalogue, add_requirement))
        .routes(routes!(import_requirements))
        .merge(catalogues::router())
        .routes(routes!(ei))
        .routes(routes!(proposals))
        .routes(routes!(contractors, add_contractor))
        .merge(activities::router())
        .merge(findings::router())
}

fn invalid(e: sems_domain::ValidationError) -> ApiError {
    ApiError::from(sems_services::ServiceError::from(e))
}

/// A version published (of a catalogue, of an activity's report).
#[derive(Serialize, ToSchema)]
struct Published {
    version: i64,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct CatalogueQuery {
    /// The party's catalogue by code (`GET /oversight/catalogues`); default: its main one,
    /// the national programme or the organisation's internal requirements.
    catalogue: Option<String>,
    /// The version to show (default: the newest).
    version: Option<i64>,
    /// Words the code, title or text contains.
    q: Option<String>,
}

/// A requirements catalogue of a party: its main one (the national programme, an
/// organisation's internal requirements) or `?catalogue=CODE`; the newest version or
/// `?version=N`, searched with `q`.
#[utoipa::path(get, path = "/parties/{id}/requirements", tag = "Oversight",
    params(("id" = i64, Path, description = "The party whose catalogue it is"), CatalogueQuery),
    responses((status = 200, body = CatalogueView)))]
async fn catalogue(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(party_id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<CatalogueQuery>,
) -> ApiResult<Json<CatalogueView>> {
    Ok(Json(
        state
            .services
            .oversight()
            .requirement_catalogue(
                &auth.actor(),
                CatalogueOf {
                    party_id,
                    code: q.catalogue.as_deref(),
                },
                q.version,
                q.q.as_deref(),
            )
            .await?,
    ))
}

/// A new entry of a catalogue, with the note of the version it publishes.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RequirementBody {
    code: String,
    /// The code of the chapter (or programme) it belongs to.
    #[serde(default)]
    parent: Option<String>,
    #[schema(value_type = sems_domain::oversight::RequirementLevel)]
    level: String,
    title: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct WhichCatalogue {
    /// The party's catalogue by code; default: its main one.
    catalogue: Option<String>,
}

/// Add an entry (programme, chapter or requirement): publishes the next version with it.
#[utoipa::path(post, path = "/parties/{id}/requirements", tag = "Oversight",
    params(("id" = i64, Path, description = "The party whose catalogue it is"), WhichCatalogue),
    request_body = RequirementBody, responses((status = 201, body = Published)))]
async fn add_requirement(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(party_id): ApiPath<i64>,
    ApiQuery(which): ApiQuery<WhichCatalogue>,
    ApiJson(b): ApiJson<RequirementBody>,
) -> ApiResult<(StatusCode, Json<Published>)> {
    let input = RequirementInput {
        code: b.code,
        parent: b.parent,
        level: b.level,
        title: b.title,
        text: b.text,
    };
    let version = state
        .services
        .oversight()
        .add_requirement(
            &auth.actor(),
            CatalogueOf {
                party_id,
                code: which.catalogue.as_deref(),
            },
            &input,
            &b.note,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(Published { version })))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// The party's catalogue by code; default: its main one.
    catalogue: Option<String>,
    /// Check the file only: nothing is published.
    #[serde(default)]
    dry_run: bool,
    /// The note of the version the import publishes.
    #[serde(default)]
    note: String,
}

/// Import a whole catalogue from CSV (columns code, parent, level, title, text; parents
/// first) as the next version; `?dry_run=true` checks only; 422 with every bad row, and
/// nothing published, when any row is bad.
#[utoipa::path(post, path = "/parties/{id}/requirements/import", tag = "Oversight",
    params(("id" = i64, Path, description = "The party whose catalogue it is"), ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 201, description = "Published", body = ImportReport),
        (status = 200, description = "A dry run without errors", body = ImportReport),
        (status = 422, description = "Every bad row, by line, or a bad parameter; nothing published",
            content((ImportReport = "application/json"), (sems_web_kit::error::Problem = "application/problem+json"))),
    ))]
async fn import_requirements(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(party_id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: String,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    let report = state
        .services
        .oversight()
        .import_requirements(
            &auth.actor(),
            CatalogueOf {
                party_id,
                code: q.catalogue.as_deref(),
            },
            &body,
            q.dry_run,
            &q.note,
        )
        .await?;
    Ok(sems_web_kit::api::import_reply(report))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct EiQuery {
    /// One organisation.
    party_id: Option<i64>,
    /// Whose results: `authority` (the State's oversight, when none is named),
    /// `self_evaluation`, `client` (a client's audit of its contractor); several separated
    /// by commas only with `blend=true`.
    performer: Option<String>,
    /// Adds up the results of the performers named: the answer says it is blended.
    #[serde(default)]
    blend: bool,
}

/// Effective implementation by organisation, area and year over completed activities one may
/// read, of one performer (`party_id` to narrow, `performer` to choose), with each
/// performer's own figure beside it. Several performers are added up only with `blend=true`.
#[utoipa::path(get, path = "/oversight/ei", tag = "Oversight", params(EiQuery),
    responses((status = 200, body = EiReport)))]
async fn ei(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<EiQuery>,
) -> ApiResult<Json<EiReport>> {
    Ok(Json(
        state
            .services
            .oversight()
            .effective_implementation(
                &auth.actor(),
                q.party_id,
                &EiSelection::parse(q.performer.as_deref(), q.blend)?,
            )
            .await?,
    ))
}

/// The next activities proposed for an organisation from its last results and risk, within
/// the minimum intervals.
#[utoipa::path(get, path = "/oversight/proposals/{id}", tag = "Oversight",
    params(("id" = i64, Path, description = "The organisation's id")),
    responses((status = 200, body = Vec<sems_domain::oversight::ProposedActivity>)))]
async fn proposals(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(party_id): ApiPath<i64>,
) -> ApiResult<Json<Vec<sems_domain::oversight::ProposedActivity>>> {
    Ok(Json(
        state
            .services
            .oversight()
            .proposed_activities(&auth.actor(), party_id)
            .await?,
    ))
}

/// A contractor one's organisation oversees.
#[derive(Serialize, ToSchema)]
struct Contractor {
    party_id: i64,
    name: String,
}

/// The contractors one's organisation oversees.
#[utoipa::path(get, path = "/oversight/contractors", tag = "Oversight",
    responses((status = 200, body = Vec<Contractor>)))]
async fn contractors(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<Vec<Contractor>>> {
    Ok(Json(
        state
            .services
            .oversight()
            .contractors(&auth.actor())
            .await?
            .into_iter()
            .map(|c| Contractor {
                party_id: c.id,
                name: c.name,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewContractor {
    party_id: i64,
}

/// Name a contractor one's organisation oversees (who plans its activities).
#[utoipa::path(post, path = "/oversight/contractors", tag = "Oversight",
    request_body = NewContractor, responses((status = 204, description = "Named")))]
async fn add_contractor(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(b): ApiJson<NewContractor>,
) -> ApiResult<StatusCode> {
    state
        .services
        .oversight()
        .add_contractor(&auth.actor(), b.party_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
