//! `/api/v1` for confidential reporting: public filing and receipt follow-up (rate-limited,
//! no account), the handlers' workflow, identity disclosure, de-identification and
//! forwarding, the authority's occurrence list, statistics.

use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use sems_domain::page::Page;
use sems_domain::report::{ReportMode, ReportStatus};
use sems_services::reports::forwarding::{Forwarding, Suggestions};
use sems_services::reports::statistics::ReportStatistics;
use sems_services::reports::{
    CloseInput, Filed, NewAttachment, ReceiptView, ReportInput, ReportView, TriageInput,
};
use sems_services::Actor;
use sems_storage::reports::{Category, Occurrence, OccurrenceFilter, Report, ReportFilter};
use sems_web_kit::api::ApiJson;
use sems_web_kit::error::{ApiError, ApiResult};
use sems_web_kit::limits::Limit;
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

pub fn router() -> Router<AppState> {
    let upload = DefaultBodyLimit::max(sems_web_kit::middleware::UPLOAD_LIMIT);
    Router::new()
        .route("/report-categories", get(categories))
        .route("/public/reports/{code}", post(public_file).layer(upload))
        .route("/public/receipt", post(receipt))
        .route("/public/receipt/messages", post(receipt_reply))
        .route("/parties/{id}/reports", post(file).layer(upload))
        .route("/reports", get(list))
        .route("/reports/statistics", get(statistics))
        .route("/reports/{id}", get(one))
        .route("/reports/{id}/triage", post(triage))
        .route("/reports/{id}/investigation", post(investigate))
        .route("/reports/{id}/closure", post(close))
        .route("/reports/{id}/messages", post(message))
        .route("/reports/{id}/suggestions", get(suggestions))
        .route("/reports/{id}/deidentified", put(deidentify))
        .route("/reports/{id}/forward", post(forward))
        .route("/reports/{id}/identity-requests", post(request_identity))
        .route(
            "/reports/{id}/identity-requests/{request_id}/decision",
            post(decide_identity),
        )
        .route("/reports/{id}/identity", post(disclose_identity))
        .route("/occurrences", get(occurrences))
        .route("/occurrences/{id}", get(occurrence))
        .route("/occurrences/{id}/messages", post(occurrence_message))
}

fn too_many(wait: std::time::Duration) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too many attempts from here; try again later",
    );
    e.retry_after = Some(wait.as_secs().max(1) as i64);
    e
}

async fn categories(State(state): State<AppState>) -> ApiResult<Json<Vec<Category>>> {
    Ok(Json(state.services.reporting().report_categories().await?))
}

/// A report as the API files it: the form's fields and base64 attachments.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportBody {
    #[serde(default)]
    site_id: Option<i64>,
    category: String,
    occurred_at: String,
    #[serde(default)]
    location: String,
    what_happened: String,
    #[serde(default)]
    reporter_thinks_mandatory: bool,
    mode: String,
    #[serde(default)]
    reporter_contact: String,
    #[serde(default)]
    attachments: Vec<sems_web_kit::api::FileBody>,
}

fn split(body: ReportBody) -> ApiResult<(ReportInput, Vec<NewAttachment>)> {
    let files = body
        .attachments
        .into_iter()
        .map(sems_web_kit::api::FileBody::decode)
        .collect::<ApiResult<Vec<_>>>()?;
    Ok((
        ReportInput {
            site_id: body.site_id,
            category: body.category,
            occurred_at: body.occurred_at,
            location: body.location,
            what_happened: body.what_happened,
            reporter_thinks_mandatory: body.reporter_thinks_mandatory,
            mode: body.mode,
            reporter_contact: body.reporter_contact,
        },
        files,
    ))
}

async fn public_file(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    sems_web_kit::api::ApiPath(code): sems_web_kit::api::ApiPath<String>,
    ApiJson(body): ApiJson<ReportBody>,
) -> ApiResult<(StatusCode, Json<Filed>)> {
    let target = state.services.reporting().filing_target(&code).await?;
    let client = state.limits.client(peer.ip());
    state
        .limits
        .hit(Limit::FilingPerClient, &client)
        .map_err(too_many)?;
    let (input, files) = split(body)?;
    let filed = state
        .services
        .reporting()
        .file_report(
            &Actor::System("public reporting"),
            target.party_id,
            &input,
            files,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(filed)))
}

async fn file(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(party_id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<ReportBody>,
) -> ApiResult<(StatusCode, Json<Filed>)> {
    let (input, files) = split(body)?;
    let filed = state
        .services
        .reporting()
        .file_report(&auth.actor(), party_id, &input, files)
        .await?;
    Ok((StatusCode::CREATED, Json(filed)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiptBody {
    receipt: String,
}

/// A receipt look-up; a wrong receipt counts against the caller's allowance.
async fn checked_receipt(
    state: &AppState,
    peer: SocketAddr,
    receipt: &str,
) -> ApiResult<ReceiptView> {
    let client = state.limits.client(peer.ip());
    state.limits.before_receipt(&client, receipt).await;
    match state.services.reporting().receipt_view(receipt).await {
        Ok(v) => Ok(v),
        Err(e) => {
            if matches!(e, sems_services::ServiceError::NotFound(_)) {
                if let Some(wait) = state.limits.wrong_receipt(&client, receipt) {
                    return Err(too_many(wait));
                }
            }
            Err(e.into())
        }
    }
}

async fn receipt(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<ReceiptBody>,
) -> ApiResult<Json<ReceiptView>> {
    Ok(Json(checked_receipt(&state, peer, &body.receipt).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiptReply {
    receipt: String,
    body: String,
}

async fn receipt_reply(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<ReceiptReply>,
) -> ApiResult<StatusCode> {
    checked_receipt(&state, peer, &body.receipt).await?;
    state
        .services
        .reporting()
        .reply_with_receipt(&body.receipt, &body.body)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    page: Option<u32>,
    per_page: Option<u32>,
    cursor: Option<String>,
    q: Option<String>,
    status: Option<String>,
    category: Option<String>,
    mode: Option<String>,
    party_id: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<ListQuery>,
) -> ApiResult<Json<Page<Report>>> {
    let status = q
        .status
        .as_deref()
        .map(ReportStatus::parse)
        .transpose()
        .map_err(|e| ApiError::from(sems_services::ServiceError::from(e)))?;
    let mode = q
        .mode
        .as_deref()
        .map(ReportMode::parse)
        .transpose()
        .map_err(|e| ApiError::from(sems_services::ServiceError::from(e)))?;
    let filter = ReportFilter {
        party_id: q.party_id,
        status,
        category: q.category,
        mode,
        search: q.q,
    };
    Ok(Json(
        state
            .services
            .reporting()
            .reports(
                &auth.actor(),
                &filter,
                sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?,
            )
            .await?,
    ))
}

async fn one(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<ReportView>> {
    Ok(Json(
        state
            .services
            .reporting()
            .report_view(&auth.actor(), id)
            .await?,
    ))
}

async fn triage(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<TriageInput>,
) -> ApiResult<Json<Report>> {
    Ok(Json(
        state
            .services
            .reporting()
            .triage_report(&auth.actor(), id, &body)
            .await?,
    ))
}

async fn investigate(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Report>> {
    Ok(Json(
        state
            .services
            .reporting()
            .start_investigation(&auth.actor(), id)
            .await?,
    ))
}

async fn close(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(body): ApiJson<CloseInput>,
) -> ApiResult<Json<Report>> {
    Ok(Json(
        state
            .services
            .reporting()
            .close_report(&auth.actor(), id, &body)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    body: String,
}

async fn message(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(b): ApiJson<Body>,
) -> ApiResult<StatusCode> {
    state
        .services
        .reporting()
        .message_reporter(&auth.actor(), id, &b.body)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn suggestions(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Suggestions>> {
    Ok(Json(
        state
            .services
            .reporting()
            .deidentification_suggestions(&auth.actor(), id)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Deidentified {
    text: String,
}

#[derive(Serialize)]
struct Remaining {
    /// What still looks identifying in the saved text (the handler decides).
    remaining: Vec<String>,
}

async fn deidentify(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(b): ApiJson<Deidentified>,
) -> ApiResult<Json<Remaining>> {
    let left = state
        .services
        .reporting()
        .set_deidentified(&auth.actor(), id, &b.text)
        .await?;
    Ok(Json(Remaining {
        remaining: left
            .into_iter()
            .map(|r| format!("{}: {}", r.kind, r.text))
            .collect(),
    }))
}

/// What the de-identified text still shows, kept on purpose, each with why.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ForwardBody {
    #[serde(default)]
    kept: Vec<sems_services::reports::forwarding::KeptItem>,
}

async fn forward(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    body: axum::body::Bytes,
) -> ApiResult<StatusCode> {
    // The body is optional: nothing to confirm when nothing identifying remains.
    let kept = if body.iter().all(u8::is_ascii_whitespace) {
        Vec::new()
    } else {
        serde_json::from_slice::<ForwardBody>(&body)
            .map_err(|e| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("the JSON does not fit: {e}"),
                )
            })?
            .kept
    };
    // 204 once the authority has it; 202 when a second handler must confirm the items kept.
    Ok(
        match state
            .services
            .reporting()
            .forward_report(&auth.actor(), id, &kept)
            .await?
        {
            Forwarding::Forwarded => StatusCode::NO_CONTENT,
            Forwarding::AwaitsSecondHandler => StatusCode::ACCEPTED,
        },
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentityRequestBody {
    reason: String,
}

#[derive(Serialize)]
struct Created {
    id: i64,
}

async fn request_identity(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(b): ApiJson<IdentityRequestBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = state
        .services
        .reporting()
        .request_identity(&auth.actor(), id, &b.reason)
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Decision {
    approve: bool,
    note: String,
}

async fn decide_identity(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath((id, request_id)): sems_web_kit::api::ApiPath<(i64, i64)>,
    ApiJson(b): ApiJson<Decision>,
) -> ApiResult<StatusCode> {
    state
        .services
        .reporting()
        .decide_identity(&auth.actor(), id, request_id, b.approve, &b.note)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize)]
struct Identity {
    identity: String,
}

async fn disclose_identity(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<Identity>> {
    Ok(Json(Identity {
        identity: state
            .services
            .reporting()
            .disclose_identity(&auth.actor(), id)
            .await?,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OccurrenceQuery {
    page: Option<u32>,
    per_page: Option<u32>,
    cursor: Option<String>,
    q: Option<String>,
    category: Option<String>,
    party_id: Option<i64>,
    from: Option<String>,
    until: Option<String>,
}

async fn occurrences(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiQuery(q): sems_web_kit::api::ApiQuery<OccurrenceQuery>,
) -> ApiResult<Json<Page<Occurrence>>> {
    let day = |field: &'static str, v: Option<String>| -> ApiResult<Option<time::Date>> {
        v.map(|d| {
            sems_domain::util::parse_date(field, &d)
                .map_err(|e| ApiError::from(sems_services::ServiceError::from(e)))
        })
        .transpose()
    };
    let filter = OccurrenceFilter {
        party_id: q.party_id,
        category: q.category,
        search: q.q,
        from: day("from", q.from)?,
        until: day("until", q.until)?,
    };
    Ok(Json(
        state
            .services
            .reporting()
            .occurrences(
                &auth.actor(),
                &filter,
                sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?,
            )
            .await?,
    ))
}

async fn occurrence(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
) -> ApiResult<Json<sems_services::reports::forwarding::OccurrenceView>> {
    Ok(Json(
        state
            .services
            .reporting()
            .occurrence(&auth.actor(), id)
            .await?,
    ))
}

async fn occurrence_message(
    State(state): State<AppState>,
    auth: ApiAuth,
    sems_web_kit::api::ApiPath(id): sems_web_kit::api::ApiPath<i64>,
    ApiJson(b): ApiJson<Body>,
) -> ApiResult<StatusCode> {
    state
        .services
        .reporting()
        .occurrence_message(&auth.actor(), id, &b.body)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn statistics(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<ReportStatistics>> {
    Ok(Json(
        state
            .services
            .reporting()
            .report_statistics(&auth.actor())
            .await?,
    ))
}
