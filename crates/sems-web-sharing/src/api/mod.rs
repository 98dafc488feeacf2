//! `/api/v1` for need-to-know sharing: the inbox, items (drafted, approved, issued, cancelled,
//! read, passed on, exported as STIX 2.1 or imported from it), a directive's steps, the
//! access log, disclosure reports, a bulletin's threat level applied, the directive tracker,
//! distribution lists, and any record distributed to an audience.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sems_domain::access::RecordKind;
use sems_domain::page::Page;
use sems_domain::sharing::directive::{Late, RecipientStep};
use sems_domain::sharing::ItemKind;
use sems_services::sharing::export::{ExportFormat, StixImport};
use sems_services::sharing::forward::ForwardInput;
use sems_services::sharing::inbox::{
    InboxCounts, InboxEntry, ListEntryInput, ListInput, ListView, TrackerEntry,
};
use sems_services::sharing::items::{ItemInput, ItemView, RecipientView};
use sems_services::sharing::records::{ShareInput, Shared, SHAREABLE};
use sems_services::sharing::steps::StepInput;
use sems_services::ServiceError;
use sems_storage::sharing::inbox::{InboxShow, TrackerFilter};
use sems_storage::sharing::items::ItemFilter;
use sems_web_kit::api::{ApiJson, ApiPath, ApiQuery, FileBody};
use sems_web_kit::error::ApiResult;
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sharing_inbox))
        .routes(routes!(sharing_inbox_counts))
        .routes(routes!(shared_items, draft_shared_item))
        .routes(routes!(shared_item))
        .routes(routes!(approve_directive))
        .routes(routes!(issue_shared_item))
        .routes(routes!(cancel_shared_item))
        .routes(routes!(directive_step))
        .routes(routes!(forward_shared_item))
        .routes(routes!(shared_item_access_log))
        .routes(routes!(report_disclosure))
        .routes(routes!(apply_threat_level_proposal))
        .routes(routes!(export_shared_item_stix))
        .routes(routes!(attach_shared_item_file))
        .routes(routes!(shared_item_file))
        .routes(routes!(directive_implementation_evidence))
        .routes(routes!(import_stix_bundle))
        .routes(routes!(directive_tracker))
        .routes(routes!(distribution_lists, create_distribution_list))
        .routes(routes!(distribution_list))
        .routes(routes!(add_distribution_list_entry))
        .routes(routes!(remove_distribution_list_entry))
        .routes(routes!(review_distribution_list))
        .routes(routes!(distribute_record))
}

const ITEM: &str = "The id of a shared item";
const LIST: &str = "The id of a distribution list";

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct InboxQuery {
    #[param(minimum = 1)]
    page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    cursor: Option<String>,
    /// `unread`, `to_acknowledge`, `to_implement` or `overdue`; every item when left out.
    show: Option<String>,
}

fn show_of(word: Option<&str>) -> Result<InboxShow, ServiceError> {
    Ok(match word {
        None | Some("") | Some("all") => InboxShow::All,
        Some("unread") => InboxShow::Unread,
        Some("to_acknowledge") => InboxShow::ToAcknowledge,
        Some("to_implement") => InboxShow::ToImplement,
        Some("overdue") => InboxShow::Overdue,
        Some(other) => {
            return Err(sems_domain::ValidationError::new(
                "show",
                format!("'{other}' is not one of unread, to_acknowledge, to_implement, overdue"),
            )
            .into())
        }
    })
}

/// The reader's inbox: the items in force sent to them, newest first, with their
/// organisation's step on a directive and what is late.
#[utoipa::path(get, path = "/sharing/inbox", tag = "Sharing", params(InboxQuery),
    responses((status = 200, body = Page<InboxEntry>)))]
async fn sharing_inbox(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<InboxQuery>,
) -> ApiResult<Json<Page<InboxEntry>>> {
    let page = sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?;
    let show = show_of(q.show.as_deref())?;
    Ok(Json(
        state
            .services
            .sharing()
            .inbox(&auth.actor(), show, page)
            .await?,
    ))
}

/// How many items each tab of the inbox holds.
#[utoipa::path(get, path = "/sharing/inbox/counts", tag = "Sharing",
    responses((status = 200, body = InboxCounts)))]
async fn sharing_inbox_counts(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<InboxCounts>> {
    Ok(Json(
        state.services.sharing().inbox_counts(&auth.actor()).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ItemsQuery {
    #[param(minimum = 1)]
    page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    cursor: Option<String>,
    /// Items of one issuer.
    party_id: Option<i64>,
    kind: Option<ItemKind>,
}

/// Every item the reader may read (their organisation's and those sent to them), newest first.
#[utoipa::path(get, path = "/sharing/items", tag = "Sharing", params(ItemsQuery),
    responses((status = 200, body = Page<ItemView>)))]
async fn shared_items(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<ItemsQuery>,
) -> ApiResult<Json<Page<ItemView>>> {
    let page = sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?;
    let filter = ItemFilter {
        owner_party_id: q.party_id,
        kind: q.kind,
    };
    Ok(Json(
        state
            .services
            .sharing()
            .items(&auth.actor(), &filter, page)
            .await?,
    ))
}

/// Draft an item of the reader's organisation (a security directive: the authority's).
#[utoipa::path(post, path = "/sharing/items", tag = "Sharing", request_body = ItemInput,
    responses((status = 201, body = ItemView)))]
async fn draft_shared_item(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(input): ApiJson<ItemInput>,
) -> ApiResult<(StatusCode, Json<ItemView>)> {
    let actor = auth.actor();
    let party = actor
        .party_id()
        .ok_or(ServiceError::NotFound("organisation"))?;
    let v = state
        .services
        .sharing()
        .draft_item(&actor, party, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// An item, with what the reader may do with it; a marked one leaves an entry in its access
/// log. 404 for a reader outside its audience.
#[utoipa::path(get, path = "/sharing/items/{id}", tag = "Sharing",
    params(("id" = i64, Path, description = ITEM)), responses((status = 200, body = ItemView)))]
async fn shared_item(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ItemView>> {
    Ok(Json(
        state.services.sharing().item(&auth.actor(), id).await?,
    ))
}

/// Approve a draft directive (the director).
#[utoipa::path(post, path = "/sharing/items/{id}/approve", tag = "Sharing",
    params(("id" = i64, Path, description = ITEM)), responses((status = 200, body = ItemView)))]
async fn approve_directive(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ItemView>> {
    Ok(Json(
        state
            .services
            .sharing()
            .approve_directive(&auth.actor(), id)
            .await?,
    ))
}

/// Issue an item to its audience (a directive once approved, with its dates).
#[utoipa::path(post, path = "/sharing/items/{id}/issue", tag = "Sharing",
    params(("id" = i64, Path, description = ITEM)), responses((status = 200, body = ItemView)))]
async fn issue_shared_item(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ItemView>> {
    Ok(Json(
        state
            .services
            .sharing()
            .issue_item(&auth.actor(), id)
            .await?,
    ))
}

/// Why an item is cancelled.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CancelBody {
    reason: String,
}

/// Cancel an item (its issuer).
#[utoipa::path(post, path = "/sharing/items/{id}/cancel", tag = "Sharing",
    params(("id" = i64, Path, description = ITEM)), request_body = CancelBody,
    responses((status = 204, description = "Cancelled")))]
async fn cancel_shared_item(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CancelBody>,
) -> ApiResult<StatusCode> {
    state
        .services
        .sharing()
        .cancel_item(&auth.actor(), id, &body.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A step on a directive, with the implementation's evidence.
#[derive(Deserialize, ToSchema)]
struct StepBody {
    #[serde(flatten)]
    step: StepInput,
    #[serde(default)]
    evidence: Option<FileBody>,
}

/// Take a step on a directive: the recipient's accountable executive or security manager
/// acknowledges, states the method or proposes alternatives, implements (with evidence); the
/// issuer accepts or refuses alternatives and verifies (naming the recipient).
#[utoipa::path(post, path = "/sharing/items/{id}/steps", tag = "Sharing",
    params(("id" = i64, Path, description = ITEM)), request_body = StepBody,
    responses((status = 200, body = Vec<RecipientView>)))]
async fn directive_step(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StepBody>,
) -> ApiResult<Json<Vec<RecipientView>>> {
    let evidence = match body.evidence {
        Some(f) => Some(f.decode()?),
        None => None,
    };
    Ok(Json(
        state
            .services
            .sharing()
            .directive_step(&auth.actor(), id, &body.step, evidence)
            .await?,
    ))
}

/// Pass an item on to a person or group, as far as its TLP label allows, with the reason.
#[utoipa::path(post, path = "/sharing/items/{id}/forward", tag = "Sharing",
    params(("id" = i64, Path, description = ITEM)), request_body = ForwardInput,
    responses((status = 204, description = "Passed on")))]
async fn forward_shared_item(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ForwardInput>,
) -> ApiResult<StatusCode> {
    state
        .services
        .sharing()
        .forward_item(&auth.actor(), id, &body)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A read of an item.
#[derive(Serialize, ToSchema)]
struct AccessLogEntry {
    person_id: i64,
    person_name: String,
    party_name: String,
    /// view, print or export.
    action: String,
    at_ms: i64,
}

/// The access log of an item, newest first: for its issuer's readers.
#[utoipa::path(get, path = "/sharing/items/{id}/access-log", tag = "Sharing",
    params(("id" = i64, Path, description = ITEM)), responses((status = 200, body = Vec<AccessLogEntry>)))]
async fn shared_item_access_log(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<AccessLogEntry>>> {
    let log = state
        .services
        .sharing()
        .item_access_log(&auth.actor(), id)
        .await?;
    Ok(Json(
        log.into_iter()
            .map(|e| AccessLogEntry {
                person_id: e.person_id,
                person_name: e.person_name,
                party_name: e.party_name,
                action: e.action,
                at_ms: e.at_ms,
            })
            .collect(),
    ))
}

/// A suspected unauthorised disclosure.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct DisclosureBody {
    description: String,
}

/// The action opened in the register.
#[derive(Serialize, ToSchema)]
struct OpenedAction {
    action_id: i64,
}

/// Report a suspected unauthorised disclosure of an item: the issuer is told and an action
/// opens in the register.
#[utoipa::path(post, path = "/sharing/items/{id}/disclosures", tag = "Sharing",
    params(("id" = i64, Path, description = ITEM)), request_body = DisclosureBody,
    responses((status = 201, body = OpenedAction)))]
async fn report_disclosure(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DisclosureBody>,
) -> ApiResult<(StatusCode, Json<OpenedAction>)> {
    let action_id = state
        .services
        .sharing()
        .report_disclosure(&auth.actor(), id, &body.description)
        .await?;
    Ok((StatusCode::CREATED, Json(OpenedAction { action_id })))
}

/// Apply a bulletin's proposed national threat level (the director): the category's
/// assessments are marked for review.
#[utoipa::path(post, path = "/sharing/items/{id}/apply-threat-level", tag = "Sharing",
    params(("id" = i64, Path, description = ITEM)), responses((status = 204, description = "Applied")))]
async fn apply_threat_level_proposal(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    state
        .services
        .sharing()
        .apply_threat_proposal(&auth.actor(), id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The item as a STIX 2.1 bundle (its report, the issuer's identity, the TLP 2.0 marking
/// definition), watermarked with the reader and logged.
#[utoipa::path(get, path = "/sharing/items/{id}/stix", tag = "Sharing",
    params(("id" = i64, Path, description = ITEM)),
    responses((status = 200, description = "A STIX 2.1 bundle", content_type = "application/stix+json", body = Object)))]
async fn export_shared_item_stix(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let f = state
        .services
        .sharing()
        .export_item(&auth.actor(), id, ExportFormat::Stix)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, f.content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        f.body,
    )
        .into_response())
}

/// Import a STIX 2.1 report bundle as a draft threat bulletin of the reader's organisation.
#[utoipa::path(post, path = "/sharing/stix", tag = "Sharing", request_body = StixImport,
    responses((status = 201, body = ItemView)))]
async fn import_stix_bundle(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(input): ApiJson<StixImport>,
) -> ApiResult<(StatusCode, Json<ItemView>)> {
    let v = state
        .services
        .sharing()
        .import_stix(&auth.actor(), &input)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct TrackerQuery {
    #[param(minimum = 1)]
    page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    cursor: Option<String>,
    item_id: Option<i64>,
    party_id: Option<i64>,
    step: Option<RecipientStep>,
    late: Option<Late>,
}

/// The issuer's directives in force, a line per recipient organisation, newest first.
#[utoipa::path(get, path = "/sharing/tracker", tag = "Sharing", params(TrackerQuery),
    responses((status = 200, body = Page<TrackerEntry>)))]
async fn directive_tracker(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<TrackerQuery>,
) -> ApiResult<Json<Page<TrackerEntry>>> {
    let page = sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?;
    let filter = TrackerFilter {
        item_id: q.item_id,
        party_id: q.party_id,
        step: q.step,
        late: q.late,
    };
    Ok(Json(
        state
            .services
            .sharing()
            .directive_tracker(&auth.actor(), &filter, page)
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ListsQuery {
    #[param(minimum = 1)]
    page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    cursor: Option<String>,
    /// Only the lists past their review day.
    review_due: Option<bool>,
}

/// The reader's organisation's distribution lists.
#[utoipa::path(get, path = "/sharing/lists", tag = "Sharing", params(ListsQuery),
    responses((status = 200, body = Page<ListView>)))]
async fn distribution_lists(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<ListsQuery>,
) -> ApiResult<Json<Page<ListView>>> {
    let page = sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?;
    Ok(Json(
        state
            .services
            .sharing()
            .distribution_lists(&auth.actor(), q.review_due.unwrap_or(false), page)
            .await?,
    ))
}

/// Create a distribution list (its first review due in a year).
#[utoipa::path(post, path = "/sharing/lists", tag = "Sharing", request_body = ListInput,
    responses((status = 201, body = ListView)))]
async fn create_distribution_list(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(input): ApiJson<ListInput>,
) -> ApiResult<(StatusCode, Json<ListView>)> {
    let v = state
        .services
        .sharing()
        .create_distribution_list(&auth.actor(), &input)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// A distribution list with its entries.
#[utoipa::path(get, path = "/sharing/lists/{id}", tag = "Sharing",
    params(("id" = i64, Path, description = LIST)), responses((status = 200, body = ListView)))]
async fn distribution_list(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ListView>> {
    Ok(Json(
        state
            .services
            .sharing()
            .distribution_list(&auth.actor(), id)
            .await?,
    ))
}

/// Add an entry to a list: one audience, the reason, an expiry.
#[utoipa::path(post, path = "/sharing/lists/{id}/entries", tag = "Sharing",
    params(("id" = i64, Path, description = LIST)), request_body = ListEntryInput,
    responses((status = 201, body = ListView)))]
async fn add_distribution_list_entry(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ListEntryInput>,
) -> ApiResult<(StatusCode, Json<ListView>)> {
    let v = state
        .services
        .sharing()
        .add_list_entry(&auth.actor(), id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// Remove an entry of a list.
#[utoipa::path(delete, path = "/sharing/lists/{id}/entries/{entry_id}", tag = "Sharing",
    params(("id" = i64, Path, description = LIST), ("entry_id" = i64, Path, description = "The id of an entry")),
    responses((status = 204, description = "Removed")))]
async fn remove_distribution_list_entry(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath((id, entry)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    state
        .services
        .sharing()
        .remove_list_entry(&auth.actor(), id, entry)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record the periodic review of a list: the next one due in a year.
#[utoipa::path(post, path = "/sharing/lists/{id}/review", tag = "Sharing",
    params(("id" = i64, Path, description = LIST)), responses((status = 200, body = ListView)))]
async fn review_distribution_list(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ListView>> {
    Ok(Json(
        state
            .services
            .sharing()
            .review_distribution_list(&auth.actor(), id)
            .await?,
    ))
}

/// Distribute a record — a risk assessment, a threat scenario, a finding or a shared item — to
/// an audience, with the reason and an expiry (those who may change it).
#[utoipa::path(post, path = "/records/{kind}/{id}/distributions", tag = "Sharing",
    params(("kind" = String, Path, description = "risk_assessment, threat_scenario, finding or shared_item"), ("id" = i64, Path, description = "The record's id")),
    request_body = ShareInput, responses((status = 201, body = Shared)))]
async fn distribute_record(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath((kind, id)): ApiPath<(String, i64)>,
    ApiJson(input): ApiJson<ShareInput>,
) -> ApiResult<(StatusCode, Json<Shared>)> {
    let kind = RecordKind::parse(&kind)
        .filter(|k| SHAREABLE.contains(k))
        .ok_or(ServiceError::NotFound("record"))?;
    let v = state
        .services
        .sharing()
        .share_record(&auth.actor(), kind, id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// Attach a file to an item not yet issued (its issuer).
#[utoipa::path(post, path = "/sharing/items/{id}/files", tag = "Sharing",
    params(("id" = i64, Path, description = ITEM)), request_body = FileBody,
    responses((status = 201, body = ItemView)))]
async fn attach_shared_item_file(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<FileBody>,
) -> ApiResult<(StatusCode, Json<ItemView>)> {
    let file = body.decode()?;
    let v = state
        .services
        .sharing()
        .attach_file(&auth.actor(), id, file)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

fn file_reply(d: sems_services::sharing::files::Download) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (
                header::CONTENT_DISPOSITION,
                sems_web_kit::export::content_disposition(&d.filename),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        d.bytes,
    )
        .into_response()
}

/// A file of an item; a download of a marked item's file is logged.
#[utoipa::path(get, path = "/sharing/items/{id}/files/{file_id}", tag = "Sharing",
    params(("id" = i64, Path, description = ITEM), ("file_id" = i64, Path, description = "The id of a file of the item")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>)))]
async fn shared_item_file(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath((id, file)): ApiPath<(i64, i64)>,
) -> ApiResult<Response> {
    Ok(file_reply(
        state
            .services
            .sharing()
            .item_file(&auth.actor(), id, file)
            .await?,
    ))
}

/// A recipient organisation's implementation evidence of a directive (its issuer, that
/// organisation); logged.
#[utoipa::path(get, path = "/sharing/items/{id}/recipients/{party_id}/evidence", tag = "Sharing",
    params(("id" = i64, Path, description = ITEM), ("party_id" = i64, Path, description = "The recipient organisation")),
    responses((status = 200, description = "The evidence file", content_type = "application/octet-stream", body = Vec<u8>)))]
async fn directive_implementation_evidence(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath((id, party)): ApiPath<(i64, i64)>,
) -> ApiResult<Response> {
    Ok(file_reply(
        state
            .services
            .sharing()
            .directive_evidence(&auth.actor(), id, party)
            .await?,
    ))
}
