//! `/api/v1` for oversight: the requirements catalogues.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use sems_domain::oversight::{ActivityStatus, FindingLevel, FindingStatus};
use sems_domain::page::Page;
use sems_services::import::ImportReport;
use sems_services::oversight::activities::{ActivityView, AnswerInput, PlanInput};
use sems_services::oversight::ei::EiReport;
use sems_services::oversight::findings::{CapInput, FindingView, RaiseInput};
use sems_services::oversight::requirements::{CatalogueView, RequirementInput};
use sems_storage::oversight::activities::{Activity, ActivityFilter};
use sems_storage::oversight::findings::{Finding, FindingFilter};
use sems_web_kit::api::ApiJson;
use sems_web_kit::error::{ApiError, ApiResult};
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/parties/{id}/requirements", get(catalogue).post(add))
        .route("/parties/{id}/requirements/import", post(import))
        .route("/oversight/activities", get(activities).post(plan))
        .route("/oversight/activities/{id}", get(activity))
        .route("/oversight/activities/{id}/answers", post(answers))
        .route("/oversight/activities/{id}/complete", post(complete))
        .route("/oversight/activities/{id}/release", post(release))
        .route("/oversight/activities/{id}/findings", post(raise))
        .route(
            "/oversight/activities/{id}/reports",
            get(issued_reports).post(issue_report),
        )
        .route("/oversight/findings", get(findings))
        .route("/oversight/findings/{id}", get(finding))
        .route("/oversight/findings/{id}/cap", post(cap))
        .route("/oversight/findings/{id}/review", post(review))
        .route("/oversight/findings/{id}/completion", post(completion))
        .route("/oversight/findings/{id}/verification", post(verification))
        .route("/oversight/ei", get(ei))
        .route("/oversight/proposals/{id}", get(proposals))
        .route(
            "/oversight/contractors",
            get(contractors).post(add_contractor),
        )
        .route(
            "/oversight/activities/{id}/items/{item_id}/evidence",
            post(attach).layer(axum::extract::DefaultBodyLimit::max(
                sems_web_kit::middleware::UPLOAD_LIMIT,
            )),
        )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueQuery {
    version: Option<i64>,
    q: Option<String>,
}

async fn catalogue(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<CatalogueQuery>,
) -> ApiResult<Json<CatalogueView>> {
    Ok(Json(
        state
            .services
            .oversight()
            .requirement_catalogue(&auth.actor(), party_id, q.version, q.q.as_deref())
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddBody {
    code: String,
    #[serde(default)]
    parent: Option<String>,
    level: String,
    title: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    note: String,
}

#[derive(Serialize)]
struct Published {
    version: i64,
}

async fn add(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(b): ApiJson<AddBody>,
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
        .add_requirement(&auth.actor(), party_id, &input, &b.note)
        .await?;
    Ok((StatusCode::CREATED, Json(Published { version })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    note: String,
}

async fn import(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<ImportQuery>,
    body: String,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    let report = state
        .services
        .oversight()
        .import_requirements(&auth.actor(), party_id, &body, q.dry_run, &q.note)
        .await?;
    let status = if !report.errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if report.imported {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(report)))
}

fn invalid(e: sems_domain::ValidationError) -> ApiError {
    ApiError::from(sems_services::ServiceError::from(e))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActivityQuery {
    page: Option<u32>,
    per_page: Option<u32>,
    cursor: Option<String>,
    overseen_party_id: Option<i64>,
    status: Option<String>,
    year: Option<i64>,
}

async fn activities(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<ActivityQuery>,
) -> ApiResult<Json<Page<Activity>>> {
    let filter = ActivityFilter {
        overseen_party_id: q.overseen_party_id,
        status: q
            .status
            .as_deref()
            .map(ActivityStatus::parse)
            .transpose()
            .map_err(invalid)?,
        year: q.year,
    };
    Ok(Json(
        state
            .services
            .oversight()
            .activities(
                &auth.actor(),
                &filter,
                sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?,
            )
            .await?,
    ))
}

async fn plan(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(body): ApiJson<PlanInput>,
) -> ApiResult<(StatusCode, Json<Activity>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .services
                .oversight()
                .plan_activity(&auth.actor(), &body)
                .await?,
        ),
    ))
}

async fn activity(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<ActivityView>> {
    Ok(Json(
        state
            .services
            .oversight()
            .activity(&auth.actor(), id)
            .await?,
    ))
}

#[derive(Serialize)]
struct Saved {
    saved: usize,
}

async fn answers(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<Vec<AnswerInput>>,
) -> ApiResult<Json<Saved>> {
    Ok(Json(Saved {
        saved: state
            .services
            .oversight()
            .answer_checklist(&auth.actor(), id, &body)
            .await?,
    }))
}

async fn complete(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Activity>> {
    Ok(Json(
        state
            .services
            .oversight()
            .complete_activity(&auth.actor(), id)
            .await?,
    ))
}

async fn release(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<StatusCode> {
    state
        .services
        .oversight()
        .release_activity(&auth.actor(), id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn raise(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<RaiseInput>,
) -> ApiResult<(StatusCode, Json<Finding>)> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .services
                .oversight()
                .raise_finding(&auth.actor(), id, &body)
                .await?,
        ),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FindingQuery {
    page: Option<u32>,
    per_page: Option<u32>,
    cursor: Option<String>,
    party_id: Option<i64>,
    status: Option<String>,
    level: Option<String>,
    #[serde(default)]
    overdue: bool,
}

async fn findings(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<FindingQuery>,
) -> ApiResult<Json<Page<Finding>>> {
    let filter = FindingFilter {
        party_id: q.party_id,
        status: q
            .status
            .as_deref()
            .map(FindingStatus::parse)
            .transpose()
            .map_err(invalid)?,
        level: q
            .level
            .as_deref()
            .map(FindingLevel::parse)
            .transpose()
            .map_err(invalid)?,
        overdue_on: q.overdue.then(sems_domain::util::today),
    };
    Ok(Json(
        state
            .services
            .oversight()
            .findings(
                &auth.actor(),
                &filter,
                sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?,
            )
            .await?,
    ))
}

async fn finding(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<FindingView>> {
    Ok(Json(
        state
            .services
            .oversight()
            .finding(&auth.actor(), id)
            .await?,
    ))
}

async fn cap(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<CapInput>,
) -> ApiResult<Json<Finding>> {
    Ok(Json(
        state
            .services
            .oversight()
            .submit_cap(&auth.actor(), id, &body)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Decision {
    accept: bool,
    #[serde(default)]
    comment: String,
}

async fn review(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(b): ApiJson<Decision>,
) -> ApiResult<Json<Finding>> {
    Ok(Json(
        state
            .services
            .oversight()
            .review_cap(&auth.actor(), id, b.accept, &b.comment)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Evidence {
    evidence: String,
}

async fn completion(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(b): ApiJson<Evidence>,
) -> ApiResult<Json<Finding>> {
    Ok(Json(
        state
            .services
            .oversight()
            .complete_finding(&auth.actor(), id, &b.evidence)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Verification {
    close: bool,
    #[serde(default)]
    comment: String,
    /// When sending back: plan a follow-up inspection on this day.
    #[serde(default)]
    follow_up_on: Option<String>,
}

async fn verification(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(b): ApiJson<Verification>,
) -> ApiResult<Json<Finding>> {
    Ok(Json(
        state
            .services
            .oversight()
            .verify_finding(
                &auth.actor(),
                id,
                b.close,
                &b.comment,
                b.follow_up_on.as_deref(),
            )
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EiQuery {
    party_id: Option<i64>,
}

async fn ei(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<EiQuery>,
) -> ApiResult<Json<EiReport>> {
    Ok(Json(
        state
            .services
            .oversight()
            .effective_implementation(&auth.actor(), q.party_id)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IssueBody {
    summary: String,
}

async fn issue_report(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(b): ApiJson<IssueBody>,
) -> ApiResult<(StatusCode, Json<Published>)> {
    let version = state
        .services
        .oversight()
        .issue_activity_report(&auth.actor(), id, &b.summary)
        .await?;
    Ok((StatusCode::CREATED, Json(Published { version })))
}

async fn issued_reports(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Vec<sems_services::oversight::activity_reports::IssuedReportView>>> {
    Ok(Json(
        state
            .services
            .oversight()
            .activity_reports(&auth.actor(), id)
            .await?,
    ))
}

async fn proposals(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Vec<sems_domain::oversight::ProposedActivity>>> {
    Ok(Json(
        state
            .services
            .oversight()
            .proposed_activities(&auth.actor(), party_id)
            .await?,
    ))
}

async fn attach(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath((id, item)): sems_web_kit::api::ApiPath<(i64, i64)>,
    ApiJson(b): ApiJson<sems_web_kit::api::FileBody>,
) -> ApiResult<(
    StatusCode,
    Json<sems_storage::oversight::activities::ItemEvidence>,
)> {
    let stored = state
        .services
        .oversight()
        .attach_item_evidence(&auth.actor(), id, item, b.decode()?)
        .await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

#[derive(Serialize)]
struct Contractor {
    party_id: i64,
    name: String,
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewContractor {
    party_id: i64,
}

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
