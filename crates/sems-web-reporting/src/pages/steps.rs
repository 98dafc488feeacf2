//! The handlers' steps on a report: triage, investigation, closure, messages,
//! de-identification and forwarding, identity requests, the authority's questions, attachments.

use super::*;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sems_services::reports::forwarding::{Forwarding, KeptItem};
use sems_services::reports::{CloseInput, CorrectiveActionInput, TriageInput};
use sems_services::ServiceError;
use sems_web_kit::form::{field, Form};
use sems_web_kit::pages::service_error;
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

/// Runs a workflow write and answers with a redirect, or the page with the reason.
pub(super) async fn after(
    state: &AppState,
    user: &Signed,
    id: i64,
    result: Result<(), ServiceError>,
    notice_key: &str,
) -> Response {
    sems_web_kit::pages::after_post(
        result,
        |()| format!("/reports/{id}?notice={notice_key}"),
        |message| report_page(state, user, id, None, Some(message), None),
    )
    .await
}

/// The triage form: the category, severity and whether the report must go to the authority.
#[derive(serde::Deserialize)]
pub(super) struct TriageForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    mandatory: String,
    #[serde(default)]
    scenario_ids: Vec<String>,
    #[serde(default)]
    note: String,
}

impl From<TriageForm> for TriageInput {
    /// "yes" is mandatory; a scenario that is not an id is left out.
    fn from(f: TriageForm) -> Self {
        Self {
            category: f.category,
            severity: f.severity,
            mandatory: f.mandatory == "yes",
            scenario_ids: f
                .scenario_ids
                .iter()
                .filter_map(|s| s.parse().ok())
                .collect(),
            note: f.note,
        }
    }
}

pub(super) async fn triage(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<TriageForm>,
) -> Response {
    if !matches!(fields.mandatory.as_str(), "yes" | "no") {
        let e = ServiceError::from(sems_domain::ValidationError::new(
            "mandatory",
            "decide whether the report must go to the authority",
        ));
        return after(&state, &user, id, Err(e), "").await;
    }
    let result = state
        .services
        .reporting()
        .triage_report(&user.actor(), id, &fields.into())
        .await
        .map(|_| ());
    after(&state, &user, id, result, "saved").await
}

pub(super) async fn investigate(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
) -> Response {
    let result = state
        .services
        .reporting()
        .start_investigation(&user.actor(), id)
        .await
        .map(|_| ());
    after(&state, &user, id, result, "saved").await
}

/// The closure form: the outcome, lessons, just-culture assessment and corrective actions.
#[derive(serde::Deserialize)]
pub(super) struct CloseForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    lessons: String,
    #[serde(default)]
    just_culture: String,
    #[serde(default, deserialize_with = "field::lines")]
    corrective_actions: Vec<String>,
    #[serde(default)]
    actions_due_on: String,
    /// Who carries the actions out: one of the organisation's people, or nobody yet.
    #[serde(default, deserialize_with = "field::id")]
    actions_owner: Option<i64>,
}

impl From<CloseForm> for CloseInput {
    /// One corrective action a line, each due on the one date and carried out by the one owner.
    fn from(f: CloseForm) -> Self {
        let due_on = f.actions_due_on;
        let owner = f.actions_owner;
        Self {
            outcome: f.outcome,
            lessons: f.lessons,
            just_culture: f.just_culture,
            corrective_actions: f
                .corrective_actions
                .into_iter()
                .map(|title| CorrectiveActionInput {
                    title,
                    due_on: due_on.clone(),
                    responsible_person_id: owner,
                })
                .collect(),
        }
    }
}

pub(super) async fn close(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<CloseForm>,
) -> Response {
    let result = state
        .services
        .reporting()
        .close_report(&user.actor(), id, &fields.into())
        .await
        .map(|_| ());
    after(&state, &user, id, result, "saved").await
}

/// A message: to the reporter, or the answer to the authority's question.
#[derive(serde::Deserialize)]
pub(super) struct MessageForm {
    #[serde(default)]
    body: String,
}

pub(super) async fn message(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<MessageForm>,
) -> Response {
    let result = state
        .services
        .reporting()
        .message_reporter(&user.actor(), id, &fields.body)
        .await;
    after(&state, &user, id, result, "sent").await
}

/// The de-identified text of the report.
#[derive(serde::Deserialize)]
pub(super) struct DeidentifiedForm {
    #[serde(default)]
    deidentified_text: String,
}

pub(super) async fn deidentify(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<DeidentifiedForm>,
) -> Response {
    let result = state
        .services
        .reporting()
        .set_deidentified(&user.actor(), id, &fields.deidentified_text)
        .await
        .map(|_| ());
    after(&state, &user, id, result, "saved").await
}

/// The forwarding form: each identifying item that remains, with why it stays.
#[derive(serde::Deserialize)]
pub(super) struct ForwardForm {
    #[serde(default)]
    kept_text: Vec<String>,
    #[serde(default)]
    kept_reason: Vec<String>,
}

pub(super) async fn forward(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<ForwardForm>,
) -> Response {
    // Each remaining item comes as a pair: its text and why it stays.
    let kept: Vec<KeptItem> = fields
        .kept_text
        .into_iter()
        .zip(fields.kept_reason)
        .map(|(text, reason)| KeptItem { text, reason })
        .collect();
    let (result, done) = match state
        .services
        .reporting()
        .forward_report(&user.actor(), id, &kept)
        .await
    {
        Ok(Forwarding::Forwarded) => (Ok(()), "forwarded"),
        Ok(Forwarding::AwaitsSecondHandler) => (Ok(()), "forward-proposed"),
        Err(e) => (Err(e), "forwarded"),
    };
    after(&state, &user, id, result, done).await
}

/// A request to disclose the reporter's identity, with its reason.
#[derive(serde::Deserialize)]
pub(super) struct IdentityRequestForm {
    #[serde(default)]
    reason: String,
}

pub(super) async fn request_identity(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<IdentityRequestForm>,
) -> Response {
    let result = state
        .services
        .reporting()
        .request_identity(&user.actor(), id, &fields.reason)
        .await
        .map(|_| ());
    after(&state, &user, id, result, "requested").await
}

/// The decision on an identity request: "approve" or not, with a note.
#[derive(serde::Deserialize)]
pub(super) struct IdentityDecisionForm {
    #[serde(default, deserialize_with = "field::id")]
    request_id: Option<i64>,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

pub(super) async fn decide_identity(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<IdentityDecisionForm>,
) -> Response {
    let result = state
        .services
        .reporting()
        .decide_identity(
            &user.actor(),
            id,
            fields.request_id.unwrap_or(0),
            fields.decision == "approve",
            &fields.note,
        )
        .await;
    after(&state, &user, id, result, "decided").await
}

/// Shows the sealed identity once, on the response to the request that opened it (never
/// in a link, never cached).
pub(super) async fn disclose_identity(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
) -> PageResult {
    match state
        .services
        .reporting()
        .disclose_identity(&user.actor(), id)
        .await
    {
        Ok(identity) => report_page(&state, &user, id, None, None, Some(identity)).await,
        Err(e) => Ok(after(&state, &user, id, Err(e), "").await),
    }
}

pub(super) async fn answer_authority(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<MessageForm>,
) -> Response {
    let result = state
        .services
        .reporting()
        .occurrence_message(&user.actor(), id, &fields.body)
        .await;
    after(&state, &user, id, result, "sent").await
}

/// The organisation's analysis of a forwarded occurrence, for the authority.
#[derive(serde::Deserialize)]
pub(super) struct AnalysisForm {
    #[serde(default)]
    analysis_text: String,
}

pub(super) async fn send_analysis(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<AnalysisForm>,
) -> Response {
    let result = state
        .services
        .reporting()
        .send_occurrence_analysis(&user.actor(), id, &fields.analysis_text)
        .await;
    after(&state, &user, id, result, "sent").await
}

/// The final result of a forwarded occurrence, for the authority.
#[derive(serde::Deserialize)]
pub(super) struct FinalResultForm {
    #[serde(default)]
    final_outcome: String,
    #[serde(default)]
    final_lessons: String,
    #[serde(default)]
    final_actions: String,
    #[serde(default)]
    final_just_culture: String,
}

pub(super) async fn send_final_result(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<FinalResultForm>,
) -> Response {
    let input = sems_services::reports::lifecycle::FinalResultInput {
        outcome: fields.final_outcome,
        lessons: fields.final_lessons,
        actions: fields.final_actions,
        just_culture: fields.final_just_culture,
    };
    let result = state
        .services
        .reporting()
        .send_final_result(&user.actor(), id, &input)
        .await;
    after(&state, &user, id, result, "sent").await
}

pub(super) async fn attachment(
    State(state): State<AppState>,
    user: Signed,
    Path((id, attachment)): Path<(i64, i64)>,
) -> Response {
    match state
        .services
        .reporting()
        .attachment(&user.actor(), id, attachment)
        .await
    {
        Ok((a, bytes)) => {
            let disposition = sems_web_kit::export::content_disposition(&a.filename);
            (
                [
                    (header::CONTENT_TYPE, a.content_type),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => service_error(e),
    }
}
