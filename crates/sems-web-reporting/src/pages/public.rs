//! Filing a security report — through an organisation's public link by anyone, or signed in
//! by its staff — and following it with the receipt, without an account. What an anonymous
//! reporter sends is never tied to their address: the rate limits know clients only by a
//! keyed hash held in memory.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::Extension;
use sems_domain::report::{ReportMode, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES};
use sems_services::reports::{FilingTarget, NewAttachment, ReceiptView, ReportInput};
use sems_services::{Actor, ServiceError};
use sems_web_kit::client::ClientAddr;
use sems_web_kit::form::Form;
use sems_web_kit::limits::Limit;
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{render, service_error, Choice, FormState, Layout};
use sems_web_kit::session::{Auth, Signed};
use sems_web_kit::AppState;
use std::net::IpAddr;

#[derive(Template)]
#[template(path = "reporting/report_file.html")]
struct FilePage {
    layout: Layout,
    target: FilingTarget,
    action: String,
    categories: Vec<Choice>,
    sites: Vec<Choice>,
    modes: Vec<Choice>,
    /// A signed-in reporter's name is known: they are not asked for it again.
    signed_in: bool,
    input: ReportInput,
    occurred_on: String,
    occurred_time: String,
    /// Every refusal of the filing, by field, shown next to it.
    form: FormState,
    max_files: usize,
    max_mb: usize,
}

#[derive(Template)]
#[template(path = "reporting/report_filed.html")]
struct FiledPage {
    layout: Layout,
    receipt: String,
    party_name: String,
}

#[derive(Template)]
#[template(path = "reporting/report_receipt.html")]
struct ReceiptPage {
    layout: Layout,
    receipt: String,
    view: Option<ReceiptView>,
}

/// The answer when a limit is spent: 429 with the wait.
pub fn too_many(retry: std::time::Duration) -> Response {
    let seconds = retry.as_secs().max(1);
    let mut r = sems_web_kit::pages::error_page(
        StatusCode::TOO_MANY_REQUESTS,
        &format!(
            "Too many attempts from here. Please try again in {} minutes.",
            seconds.div_ceil(60)
        ),
    );
    if let Ok(v) = seconds.to_string().parse() {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

fn file_page(
    layout: Layout,
    target: FilingTarget,
    action: String,
    signed_in: bool,
    input: ReportInput,
    form: FormState,
) -> FilePage {
    let (occurred_on, occurred_time) = match input.occurred_at.split_once('T') {
        Some((d, t)) => (d.to_string(), t.to_string()),
        None if input.occurred_at.is_empty() => (
            sems_domain::util::format_date(sems_domain::util::today()),
            String::new(),
        ),
        None => (input.occurred_at.clone(), String::new()),
    };
    let mode = if input.mode.is_empty() {
        "confidential"
    } else {
        input.mode.as_str()
    };
    FilePage {
        categories: Choice::list(
            target
                .categories
                .iter()
                .map(|c| (c.code.as_str(), c.label.as_str())),
            &input.category,
        ),
        sites: Choice::list(
            target.sites.iter().map(|s| (s.id, s.name.as_str())),
            &input.site_id.map(|s| s.to_string()).unwrap_or_default(),
        ),
        modes: Choice::list(
            ReportMode::ALL
                .iter()
                .filter(|m| signed_in || **m != ReportMode::Identified)
                .map(|m| (m.as_str(), m.label())),
            mode,
        ),
        layout,
        target,
        action,
        signed_in,
        input,
        occurred_on,
        occurred_time,
        form,
        max_files: MAX_ATTACHMENTS,
        max_mb: MAX_ATTACHMENT_BYTES / (1024 * 1024),
    }
}

/// What a refused report says above the form; each refusal is beside its answer.
const NOT_SENT: &str = "The report was not sent: some answers need attention. Everything you \
     typed is kept; choose any files again.";

/// The refusals of a filing, by the form's fields: the moment is typed as a day and a time.
fn refused(e: &ServiceError) -> FormState {
    FormState::errors_of(e, &[("occurred_at", "occurred_on")])
}

fn action_with_csrf(path: &str, auth: &Auth) -> String {
    match auth.csrf_token() {
        Some(t) => format!("{path}?csrf_token={t}"),
        None => path.to_string(),
    }
}

/// The public filing form of an organisation (its party code in the link).
pub async fn public_form(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Path(code): Path<String>,
) -> PageResult {
    let target = state.services.reporting().filing_target(&code).await?;
    let layout = Layout::public(
        format!("Report a security concern to {}", target.party_name),
        auth.csrf_token().map(str::to_string),
    );
    let action = action_with_csrf(&format!("/report/{}", target.party_code), &auth);
    Ok(render(
        StatusCode::OK,
        &file_page(
            layout,
            target,
            action,
            false,
            ReportInput::default(),
            FormState::default(),
        ),
    ))
}

/// Reads the filing form: its fields and up to the allowed number of files.
async fn read_form(mut multipart: Multipart) -> Result<(ReportInput, Vec<NewAttachment>), String> {
    let mut input = ReportInput::default();
    let mut files = Vec::new();
    let (mut day, mut time) = (String::new(), String::new());
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| format!("the form could not be read: {e}"))?
    {
        let name = field.name().unwrap_or("").to_string();
        if name == "attachments" {
            let filename = field.file_name().unwrap_or("").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| "an attachment could not be read (too large?)".to_string())?;
            if !(filename.is_empty() && bytes.is_empty()) {
                files.push(NewAttachment {
                    filename,
                    bytes: bytes.to_vec(),
                });
            }
            continue;
        }
        let value = field
            .text()
            .await
            .map_err(|_| "the form could not be read".to_string())?;
        match name.as_str() {
            "category" => input.category = value,
            "occurred_on" => day = value,
            "occurred_time" => time = value,
            "site_id" => input.site_id = value.trim().parse().ok(),
            "location" => input.location = value,
            "what_happened" => input.what_happened = value,
            "reporter_thinks_mandatory" => input.reporter_thinks_mandatory = value == "on",
            "mode" => input.mode = value,
            "reporter_contact" => input.reporter_contact = value,
            _ => {}
        }
    }
    input.occurred_at = if time.trim().is_empty() {
        day
    } else {
        format!("{}T{}", day.trim(), time.trim())
    };
    Ok((input, files))
}

/// Files a report through the public link.
pub async fn public_file(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    ClientAddr(peer): ClientAddr,
    Path(code): Path<String>,
    multipart: Multipart,
) -> PageResult {
    let target = state.services.reporting().filing_target(&code).await?;
    let client = state.limits.client(peer);
    if let Err(wait) = state.limits.hit(Limit::FilingPerClient, &client) {
        return Ok(too_many(wait));
    }
    let csrf = auth.csrf_token().map(str::to_string);
    let action = action_with_csrf(&format!("/report/{}", target.party_code), &auth);
    let (input, files) = match read_form(multipart).await {
        Ok(f) => f,
        Err(message) => {
            let layout =
                Layout::public("Report a security concern", csrf).with_error(Some(message));
            return Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &file_page(
                    layout,
                    target,
                    action,
                    false,
                    ReportInput::default(),
                    FormState::default(),
                ),
            ));
        }
    };
    match state
        .services
        .reporting()
        .file_report(
            &Actor::System("public reporting"),
            target.party_id,
            &input,
            files,
        )
        .await
    {
        Ok(filed) => Ok(render(
            StatusCode::OK,
            &FiledPage {
                layout: Layout::public("Report received", csrf),
                receipt: filed.receipt,
                party_name: target.party_name,
            },
        )),
        Err(e @ ServiceError::Validation(_)) => {
            let layout =
                Layout::public("Report a security concern", csrf).with_error(Some(NOT_SENT.into()));
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &file_page(layout, target, action, false, input, refused(&e)),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// The filing form for a signed-in person's own organisation.
pub async fn signed_form(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    user: Signed,
) -> PageResult {
    let target = state
        .services
        .reporting()
        .filing_target_for(user.0.person.party_id)
        .await?;
    let input = ReportInput {
        mode: "confidential".into(),
        ..Default::default()
    };
    Ok(render(
        StatusCode::OK,
        &file_page(
            Layout::new("File a security report", &user, "/reports/new"),
            target,
            action_with_csrf("/reports/new", &auth),
            true,
            input,
            FormState::default(),
        ),
    ))
}

pub async fn signed_file(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    user: Signed,
    multipart: Multipart,
) -> PageResult {
    let target = state
        .services
        .reporting()
        .filing_target_for(user.0.person.party_id)
        .await?;
    let action = action_with_csrf("/reports/new", &auth);
    let (input, files) = match read_form(multipart).await {
        Ok(f) => f,
        Err(message) => {
            let layout = Layout::new("File a security report", &user, "/reports/new")
                .with_error(Some(message));
            return Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &file_page(
                    layout,
                    target,
                    action,
                    true,
                    ReportInput::default(),
                    FormState::default(),
                ),
            ));
        }
    };
    match state
        .services
        .reporting()
        .file_report(&user.actor(), target.party_id, &input, files)
        .await
    {
        Ok(filed) => Ok(render(
            StatusCode::OK,
            &FiledPage {
                layout: Layout::new("Report received", &user, "/reports/new"),
                receipt: filed.receipt,
                party_name: target.party_name,
            },
        )),
        Err(e @ (ServiceError::Validation(_) | ServiceError::Forbidden(_))) => {
            let (status, message) = sems_web_kit::pages::refusal(&e, NOT_SENT);
            let layout = Layout::new("File a security report", &user, "/reports/new")
                .with_error(Some(message));
            Ok(render(
                status,
                &file_page(layout, target, action, true, input, refused(&e)),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// The receipt look-up form.
pub async fn receipt_form(Extension(auth): Extension<Auth>) -> Response {
    render(
        StatusCode::OK,
        &ReceiptPage {
            layout: Layout::public("Follow your report", auth.csrf_token().map(str::to_string)),
            receipt: String::new(),
            view: None,
        },
    )
}

/// Looks a receipt up (counting a wrong one against the limits), then shows the report.
async fn show_receipt(
    state: &AppState,
    auth: &Auth,
    peer: IpAddr,
    receipt: String,
    notice: Option<String>,
) -> Response {
    let client = state.limits.client(peer);
    state.limits.before_receipt(&client, &receipt).await;
    let layout = Layout::public("Follow your report", auth.csrf_token().map(str::to_string));
    match state.services.reporting().receipt_view(&receipt).await {
        Ok(view) => render(
            StatusCode::OK,
            &ReceiptPage {
                layout: layout.with_notice(notice),
                receipt,
                view: Some(view),
            },
        ),
        Err(ServiceError::NotFound(_)) => {
            if let Some(wait) = state.limits.wrong_receipt(&client, &receipt) {
                return too_many(wait);
            }
            render(
                StatusCode::NOT_FOUND,
                &ReceiptPage {
                    layout: layout.with_error(Some(
                        "No report has this receipt. Check the code you wrote down.".into(),
                    )),
                    receipt,
                    view: None,
                },
            )
        }
        Err(e) => service_error(e),
    }
}

/// The receipt look-up form: the code the reporter wrote down.
#[derive(serde::Deserialize)]
pub struct ReceiptForm {
    #[serde(default)]
    receipt: String,
}

pub async fn receipt_lookup(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    ClientAddr(peer): ClientAddr,
    Form { fields, .. }: Form<ReceiptForm>,
) -> Response {
    show_receipt(&state, &auth, peer, fields.receipt.trim().to_string(), None).await
}

/// The reporter's answer on the receipt page, with the receipt it follows.
#[derive(serde::Deserialize)]
pub struct ReceiptReplyForm {
    #[serde(default)]
    receipt: String,
    #[serde(default)]
    body: String,
}

pub async fn receipt_reply(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    ClientAddr(peer): ClientAddr,
    Form { fields, .. }: Form<ReceiptReplyForm>,
) -> Response {
    let receipt = fields.receipt.trim().to_string();
    // The page shown afterwards slows a client over its allowance and counts a wrong receipt.
    match state
        .services
        .reporting()
        .reply_with_receipt(&receipt, &fields.body)
        .await
    {
        Ok(()) => {
            show_receipt(
                &state,
                &auth,
                peer,
                receipt,
                Some("Your answer was sent.".into()),
            )
            .await
        }
        Err(ServiceError::NotFound(_)) => show_receipt(&state, &auth, peer, receipt, None).await,
        Err(e @ ServiceError::Validation(_)) => {
            let layout =
                Layout::public("Follow your report", auth.csrf_token().map(str::to_string))
                    .with_error(Some(sems_web_kit::error::classify(&e).1));
            let view = state.services.reporting().receipt_view(&receipt).await.ok();
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ReceiptPage {
                    layout,
                    receipt,
                    view,
                },
            )
        }
        Err(e) => service_error(e),
    }
}
