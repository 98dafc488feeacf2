//! Filing a report, publicly or signed in, and the reporter's follow-up with the receipt.

use super::too_many;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::Json;
use sems_domain::report::ReportMode;
use sems_services::reports::views::ReportCategory;
use sems_services::reports::{Filed, NewAttachment, ReceiptView, ReportInput};
use sems_services::Actor;
use sems_web_kit::api::{ApiJson, ApiPath, FileBody};
use sems_web_kit::client::ClientAddr;
use sems_web_kit::error::ApiResult;
use sems_web_kit::limits::Limit;
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::Deserialize;
use std::net::IpAddr;
use utoipa::ToSchema;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    let upload = DefaultBodyLimit::max(sems_web_kit::middleware::UPLOAD_LIMIT);
    OpenApiRouter::new()
        .routes(routes!(categories))
        .routes(routes!(public_file).layer(upload))
        .routes(routes!(receipt))
        .routes(routes!(receipt_reply))
        .routes(routes!(file).layer(upload))
}

/// The authority's taxonomy of report categories (no account needed).
#[utoipa::path(get, path = "/report-categories", tag = "Reports", security(()),
    operation_id = "reporting_categories",
    responses((status = 200, body = Vec<ReportCategory>)))]
async fn categories(State(state): State<AppState>) -> ApiResult<Json<Vec<ReportCategory>>> {
    Ok(Json(
        state
            .services
            .reporting()
            .report_categories()
            .await?
            .into_iter()
            .map(ReportCategory::from)
            .collect(),
    ))
}

/// A report as the API files it: the form's fields and base64 attachments.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ReportFiling {
    /// A site of the organisation.
    #[serde(default)]
    site_id: Option<i64>,
    /// A category code of the taxonomy.
    category: String,
    /// When it happened: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
    occurred_at: String,
    #[serde(default)]
    location: String,
    #[schema(min_length = 10, max_length = 10000)]
    what_happened: String,
    #[serde(default)]
    reporter_thinks_mandatory: bool,
    /// Read as a word of the vocabulary, so that a wrong one is refused with the words it
    /// accepts; identified only signed in.
    #[schema(value_type = ReportMode)]
    mode: String,
    /// Confidential: how the handlers may reach the reporter, sealed with the identity;
    /// anonymous: must be empty.
    #[serde(default)]
    reporter_contact: String,
    #[serde(default)]
    #[schema(max_items = 3)]
    attachments: Vec<FileBody>,
}

fn split(body: ReportFiling) -> ApiResult<(ReportInput, Vec<NewAttachment>)> {
    let files = body
        .attachments
        .into_iter()
        .map(FileBody::decode)
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

/// File a report through an organisation's public link, without an account.
///
/// The party code is in the path; confidential or anonymous; attachments in base64.
/// Rate-limited: 429 with Retry-After. The receipt is in this response only.
#[utoipa::path(post, path = "/public/reports/{code}", tag = "Reports",
    params(("code" = String, Path, description = "The organisation's party code")),
    request_body = ReportFiling, responses((status = 201, body = Filed)))]
async fn public_file(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<ReportFiling>,
) -> ApiResult<(StatusCode, Json<Filed>)> {
    let party_id = state.services.reporting().filing_party(&code).await?;
    let client = state.limits.client(peer);
    state
        .limits
        .hit(Limit::FilingPerClient, &client)
        .map_err(too_many)?;
    let (input, files) = split(body)?;
    let filed = state
        .services
        .reporting()
        .file_report(&Actor::System("public reporting"), party_id, &input, files)
        .await?;
    Ok((StatusCode::CREATED, Json(filed)))
}

/// File a report signed in (identified, confidential or anonymous).
#[utoipa::path(post, path = "/parties/{id}/reports", tag = "Reports",
    operation_id = "reporting_file",
    params(("id" = i64, Path, description = "The organisation's id")),
    request_body = ReportFiling, responses((status = 201, body = Filed)))]
async fn file(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(party_id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReportFiling>,
) -> ApiResult<(StatusCode, Json<Filed>)> {
    let (input, files) = split(body)?;
    let filed = state
        .services
        .reporting()
        .file_report(&auth.actor(), party_id, &input, files)
        .await?;
    Ok((StatusCode::CREATED, Json(filed)))
}

/// A reporter's receipt, in the body so that it is not in a URL or a log.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Receipt {
    receipt: String,
}

/// A receipt look-up; a wrong receipt counts against the caller's allowance.
async fn checked_receipt(state: &AppState, peer: IpAddr, receipt: &str) -> ApiResult<ReceiptView> {
    let client = state.limits.client(peer);
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

/// What the reporter sees with their receipt: status, messages, feedback, disclosures.
///
/// Wrong receipts are rate-limited (429).
#[utoipa::path(post, path = "/public/receipt", tag = "Reports", security(()),
    operation_id = "reporting_receipt",
    request_body = Receipt, responses((status = 200, body = ReceiptView)))]
async fn receipt(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
    ApiJson(body): ApiJson<Receipt>,
) -> ApiResult<Json<ReceiptView>> {
    Ok(Json(checked_receipt(&state, peer, &body.receipt).await?))
}

/// The reporter's answer to the handlers, with their receipt.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ReceiptReply {
    receipt: String,
    body: String,
}

/// The reporter answers the handlers, with their receipt.
#[utoipa::path(post, path = "/public/receipt/messages", tag = "Reports", security(()),
    request_body = ReceiptReply, responses((status = 204, description = "Done")))]
async fn receipt_reply(
    State(state): State<AppState>,
    ClientAddr(peer): ClientAddr,
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
