//! The handlers' steps on a report: triage, investigation, closure, messages,
//! de-identification and forwarding, identity requests, the authority's questions, attachments.

use super::*;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sems_services::reports::forwarding::{Forwarding, KeptItem};
use sems_services::reports::{CloseInput, CorrectiveActionInput, TriageInput};
use sems_services::ServiceError;
use sems_web_kit::form::FormData;
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

pub(super) async fn triage(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    let input = TriageInput {
        category: form.get("category").into(),
        severity: form.get("severity").into(),
        mandatory: form.get("mandatory") == "yes",
        scenario_ids: form
            .all("scenario_ids")
            .iter()
            .filter_map(|s| s.parse().ok())
            .collect(),
        note: form.get("note").into(),
    };
    if !matches!(form.get("mandatory"), "yes" | "no") {
        let e = ServiceError::from(sems_domain::ValidationError::new(
            "mandatory",
            "decide whether the report must go to the authority",
        ));
        return after(&state, &user, id, Err(e), "").await;
    }
    let result = state
        .services
        .reporting()
        .triage_report(&user.actor(), id, &input)
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

pub(super) async fn close(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    let actions = form
        .get("corrective_actions")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| CorrectiveActionInput {
            title: l.trim().to_string(),
            due_on: form.get("actions_due_on").to_string(),
            responsible_person_id: None,
        })
        .collect();
    let input = CloseInput {
        outcome: form.get("outcome").into(),
        lessons: form.get("lessons").into(),
        just_culture: form.get("just_culture").into(),
        corrective_actions: actions,
    };
    let result = state
        .services
        .reporting()
        .close_report(&user.actor(), id, &input)
        .await
        .map(|_| ());
    after(&state, &user, id, result, "saved").await
}

pub(super) async fn message(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    let result = state
        .services
        .reporting()
        .message_reporter(&user.actor(), id, form.get("body"))
        .await;
    after(&state, &user, id, result, "sent").await
}

pub(super) async fn deidentify(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    let result = state
        .services
        .reporting()
        .set_deidentified(&user.actor(), id, form.get("deidentified_text"))
        .await
        .map(|_| ());
    after(&state, &user, id, result, "saved").await
}

pub(super) async fn forward(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    // Each remaining item comes as a pair: its text and why it stays.
    let kept: Vec<KeptItem> = form
        .all("kept_text")
        .into_iter()
        .zip(form.all("kept_reason"))
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

pub(super) async fn request_identity(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    let result = state
        .services
        .reporting()
        .request_identity(&user.actor(), id, form.get("reason"))
        .await
        .map(|_| ());
    after(&state, &user, id, result, "requested").await
}

pub(super) async fn decide_identity(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    form: FormData,
) -> Response {
    let result = state
        .services
        .reporting()
        .decide_identity(
            &user.actor(),
            id,
            form.id("request_id").unwrap_or(0),
            form.get("decision") == "approve",
            form.get("note"),
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
    form: FormData,
) -> Response {
    let result = state
        .services
        .reporting()
        .occurrence_message(&user.actor(), id, form.get("body"))
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
