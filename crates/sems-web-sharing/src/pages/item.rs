//! An item's page: its marking at the top and bottom, what it says, the reader's
//! organisation's step on a directive with the forms of the steps it may take, the issuer's
//! view (each recipient and its step with the decisions the issuer may take, the access log),
//! passing it on, reporting a disclosure; and its print and exports, watermarked and logged.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use sems_domain::sharing::directive::RecipientStep;
use sems_domain::ValidationError;
use sems_services::sharing::export::ExportFormat;
use sems_services::sharing::forward::ForwardInput;
use sems_services::sharing::items::ItemView;
use sems_services::sharing::steps::StepInput;
use sems_services::ServiceError;
use sems_storage::sharing::access_log::AccessEntry;
use sems_web_kit::api::ApiPath;
use sems_web_kit::form::Form;
use sems_web_kit::pages::{
    after_post, notice, render, service_error, when, Choice, Layout, PageQuery, PageResult,
};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

#[derive(serde::Deserialize, Default)]
pub struct ItemQuery {
    notice: Option<String>,
}

/// A form of a step: the step, its label, and whether it asks for text or a file.
pub struct StepForm {
    pub step: &'static str,
    pub label: &'static str,
    pub asks_text: bool,
    pub asks_file: bool,
    pub text_label: &'static str,
}

fn step_form(s: RecipientStep) -> StepForm {
    use RecipientStep as S;
    StepForm {
        step: s.as_str(),
        label: match s {
            S::Acknowledged => "Acknowledge",
            S::MethodStated => "State the implementation method",
            S::AlternativeProposed => "Propose alternative measures",
            S::AlternativeAccepted => "Accept the alternative measures",
            S::AlternativeRefused => "Refuse the alternative measures",
            S::Implemented => "Record the implementation",
            S::Verified => "Verify the implementation",
            S::Delivered => "Deliver",
        },
        asks_text: matches!(
            s,
            S::MethodStated
                | S::AlternativeProposed
                | S::AlternativeAccepted
                | S::AlternativeRefused
        ),
        asks_file: s == S::Implemented,
        text_label: match s {
            S::MethodStated => "How you implement it",
            S::AlternativeProposed => "The alternative measures and why they are as effective",
            _ => "The reason for the decision",
        },
    }
}

/// A read of the access log.
pub struct LogRow {
    pub at: String,
    pub person: String,
    pub party: String,
    pub action: String,
}

impl From<AccessEntry> for LogRow {
    fn from(e: AccessEntry) -> Self {
        LogRow {
            at: when(e.at_ms),
            person: e.person_name,
            party: e.party_name,
            action: e.action,
        }
    }
}

/// A recipient organisation's line of the issuer's view.
pub struct RecipientRow {
    pub party_id: i64,
    pub party_name: String,
    pub step: &'static str,
    /// Its implementation evidence is there to download.
    pub evidence: bool,
    pub forms: Vec<StepForm>,
}

#[derive(Template)]
#[template(path = "sharing/item.html")]
struct ItemPage {
    layout: Layout,
    item: ItemView,
    issued: String,
    /// When the director applied the proposed threat level; empty: not yet.
    proposal_applied: String,
    steps: Vec<StepForm>,
    /// Each recipient organisation with the issuer's decisions as forms.
    recipients: Vec<RecipientRow>,
    access_log: Vec<LogRow>,
    groups: Vec<Choice>,
    upload_query: String,
}

pub(super) async fn item_page(
    state: &AppState,
    user: &Signed,
    id: i64,
    notice_key: Option<&str>,
    error: Option<String>,
) -> PageResult {
    let actor = user.actor();
    let sharing = state.services.sharing();
    let item = sharing.item(&actor, id).await?;
    let access_log = if item.actions.access_log {
        sharing
            .item_access_log(&actor, id)
            .await?
            .into_iter()
            .map(LogRow::from)
            .collect()
    } else {
        Vec::new()
    };
    let groups = if item.actions.forward {
        state
            .services
            .groups(
                &actor,
                sems_domain::page::PageRequest::new(Some(1), Some(sems_domain::page::MAX_PER_PAGE)),
            )
            .await
            .map(|p| Choice::list(p.items.into_iter().map(|g| (g.id, g.name)), ""))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ItemPage {
            layout: Layout::new(item.title.clone(), user, "/sharing")
                .with_notice(notice(notice_key))
                .with_error(error),
            issued: item.issued_at_ms.map(when).unwrap_or_default(),
            proposal_applied: item
                .threat_proposal
                .as_ref()
                .and_then(|p| p.applied_at_ms)
                .map(when)
                .unwrap_or_default(),
            steps: item.actions.steps.iter().copied().map(step_form).collect(),
            recipients: item
                .recipients
                .iter()
                .map(|r| RecipientRow {
                    party_id: r.party_id,
                    party_name: r.party_name.clone(),
                    step: r.step.label(),
                    evidence: r.step.implemented(),
                    forms: r.decisions.iter().copied().map(step_form).collect(),
                })
                .collect(),
            access_log,
            groups,
            upload_query: format!("csrf_token={}", user.0.csrf_token),
            item,
        },
    ))
}

pub async fn page(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
    PageQuery(q): PageQuery<ItemQuery>,
) -> PageResult {
    item_page(&state, &user, id, q.notice.as_deref(), None).await
}

async fn again(state: &AppState, user: &Signed, id: i64, message: String) -> Response {
    match item_page(state, user, id, None, Some(message)).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

/// After a post on the item: back to its page, saved, or again with the refusal.
async fn answer<T>(
    state: &AppState,
    user: &Signed,
    id: i64,
    result: Result<T, ServiceError>,
) -> Response {
    after_post(
        result,
        |_| format!("/sharing/items/{id}?notice=saved"),
        |m| again(state, user, id, m),
    )
    .await
}

pub async fn approve(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
) -> Response {
    let result = state
        .services
        .sharing()
        .approve_directive(&user.actor(), id)
        .await;
    answer(&state, &user, id, result).await
}

pub async fn issue(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
) -> Response {
    let result = state.services.sharing().issue_item(&user.actor(), id).await;
    answer(&state, &user, id, result).await
}

#[derive(serde::Deserialize)]
pub struct ReasonFields {
    #[serde(default)]
    reason: String,
}

pub async fn cancel(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
    Form { fields, .. }: Form<ReasonFields>,
) -> Response {
    let result = state
        .services
        .sharing()
        .cancel_item(&user.actor(), id, &fields.reason)
        .await;
    answer(&state, &user, id, result).await
}

pub async fn apply_threat_level(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
) -> Response {
    let result = state
        .services
        .sharing()
        .apply_threat_proposal(&user.actor(), id)
        .await;
    answer(&state, &user, id, result).await
}

/// A step (the recipient's) or a decision (the issuer's), multipart for the evidence file.
pub async fn step(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
    mut multipart: Multipart,
) -> Response {
    let (mut step, mut party, mut text, mut file) =
        (String::new(), String::new(), String::new(), None);
    while let Ok(Some(f)) = multipart.next_field().await {
        match f.name().unwrap_or("") {
            "evidence" => {
                let filename = f.file_name().unwrap_or("").to_string();
                if let Ok(bytes) = f.bytes().await {
                    if !bytes.is_empty() {
                        file = Some(sems_services::reports::NewAttachment {
                            filename,
                            bytes: bytes.to_vec(),
                        });
                    }
                }
            }
            "step" => step = f.text().await.unwrap_or_default(),
            "party_id" => party = f.text().await.unwrap_or_default(),
            "text" => text = f.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    let result = match RecipientStep::parse(step.trim()) {
        Ok(step) => {
            let party_id = party.trim().parse::<i64>().ok();
            state
                .services
                .sharing()
                .directive_step(
                    &user.actor(),
                    id,
                    &StepInput {
                        step,
                        party_id,
                        text,
                    },
                    file,
                )
                .await
        }
        Err(e) => Err(ServiceError::from(e)),
    };
    answer(&state, &user, id, result).await
}

#[derive(serde::Deserialize)]
pub struct ForwardFields {
    #[serde(default)]
    username: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    reason: String,
}

pub async fn forward(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
    Form { fields, .. }: Form<ForwardFields>,
) -> Response {
    let username = fields.username.trim().to_lowercase();
    let person_id = if username.is_empty() {
        Ok(None)
    } else {
        match state.services.find_person_by_username(&username).await {
            Ok(p) => Ok(Some(p)),
            Err(ServiceError::NotFound(_)) => Err(ServiceError::from(ValidationError::new(
                "person_id",
                format!("no person with the user name {username}"),
            ))),
            Err(e) => Err(e),
        }
    };
    let result = match person_id {
        Ok(person_id) => {
            let input = ForwardInput {
                person_id,
                group_id: fields.group.trim().parse().ok(),
                reason: fields.reason,
            };
            state
                .services
                .sharing()
                .forward_item(&user.actor(), id, &input)
                .await
        }
        Err(e) => Err(e),
    };
    answer(&state, &user, id, result).await
}

#[derive(serde::Deserialize)]
pub struct DisclosureFields {
    #[serde(default)]
    description: String,
}

pub async fn disclosure(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
    Form { fields, .. }: Form<DisclosureFields>,
) -> Response {
    let result = state
        .services
        .sharing()
        .report_disclosure(&user.actor(), id, &fields.description)
        .await;
    answer(&state, &user, id, result).await
}

#[derive(Template)]
#[template(path = "sharing/print.html")]
struct PrintPage {
    layout: Layout,
    item: ItemView,
    watermark: String,
}

/// The printed view: the marking and the watermark at the top and bottom; one log entry.
pub async fn print(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
) -> PageResult {
    let (item, watermark) = state
        .services
        .sharing()
        .print_item(&user.actor(), id)
        .await?;
    Ok(render(
        StatusCode::OK,
        &PrintPage {
            layout: Layout::new(item.title.clone(), &user, "/sharing"),
            item,
            watermark,
        },
    ))
}

async fn export(state: &AppState, user: &Signed, id: i64, format: ExportFormat) -> Response {
    match state
        .services
        .sharing()
        .export_item(&user.actor(), id, format)
        .await
    {
        Ok(f) => (
            [
                (header::CONTENT_TYPE, f.content_type.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", f.filename),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            f.body,
        )
            .into_response(),
        Err(e) => service_error(e),
    }
}

pub async fn export_text(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
) -> Response {
    export(&state, &user, id, ExportFormat::Text).await
}

pub async fn export_stix(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
) -> Response {
    export(&state, &user, id, ExportFormat::Stix).await
}

/// A disclosure report (the source of its investigation in the register): its item's page, for
/// the issuer's readers.
pub async fn disclosure_page(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
) -> Response {
    match state
        .services
        .sharing()
        .disclosure_item(&user.actor(), id)
        .await
    {
        Ok(item) => axum::response::Redirect::to(&format!("/sharing/items/{item}")).into_response(),
        Err(e) => service_error(e),
    }
}

/// A file attached on the item's page (multipart, the token in the action's query).
pub async fn attach(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
    mut multipart: Multipart,
) -> Response {
    let mut file = None;
    while let Ok(Some(f)) = multipart.next_field().await {
        if f.name() == Some("file") {
            let filename = f.file_name().unwrap_or("").to_string();
            if let Ok(bytes) = f.bytes().await {
                if !bytes.is_empty() {
                    file = Some(sems_services::reports::NewAttachment {
                        filename,
                        bytes: bytes.to_vec(),
                    });
                }
            }
        }
    }
    let result = match file {
        Some(f) => {
            state
                .services
                .sharing()
                .attach_file(&user.actor(), id, f)
                .await
        }
        None => Err(ServiceError::from(ValidationError::new(
            "file",
            "choose a file to attach",
        ))),
    };
    answer(&state, &user, id, result).await
}

fn download(d: sems_services::sharing::files::Download) -> Response {
    sems_web_kit::export::stored_file(&d.filename, d.bytes)
}

/// A file of an item: each download of a marked item logged.
pub async fn file(
    State(state): State<AppState>,
    user: Signed,
    ApiPath((id, file)): ApiPath<(i64, i64)>,
) -> Response {
    match state
        .services
        .sharing()
        .item_file(&user.actor(), id, file)
        .await
    {
        Ok(d) => download(d),
        Err(e) => service_error(e),
    }
}

/// A recipient organisation's implementation evidence (the issuer, that organisation).
pub async fn evidence(
    State(state): State<AppState>,
    user: Signed,
    ApiPath((id, party)): ApiPath<(i64, i64)>,
) -> Response {
    match state
        .services
        .sharing()
        .directive_evidence(&user.actor(), id, party)
        .await
    {
        Ok(d) => download(d),
        Err(e) => service_error(e),
    }
}
