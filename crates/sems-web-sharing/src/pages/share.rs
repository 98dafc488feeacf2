//! Sharing any record the same way as an item: an assessment, a scenario, a finding or an item
//! distributed from its page to an audience, with the reason and an expiry.

use super::{audience_choices, audience_of, AudienceChoices, AudienceFields};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sems_domain::access::RecordKind;
use sems_services::sharing::records::{ShareInput, SHAREABLE};
use sems_services::ServiceError;
use sems_web_kit::form::Form;
use sems_web_kit::pages::{after_post, render, Layout, PageResult};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

fn kind_of(word: &str) -> Result<RecordKind, ServiceError> {
    RecordKind::parse(word)
        .filter(|k| SHAREABLE.contains(k))
        .ok_or(ServiceError::NotFound("record"))
}

/// Where a shared record is shown.
fn back(kind: RecordKind, id: i64) -> String {
    match kind {
        RecordKind::RiskAssessment => format!("/risk/assessments/{id}"),
        RecordKind::ThreatScenario => format!("/risk/scenarios/{id}"),
        RecordKind::Finding => format!("/oversight/findings/{id}"),
        _ => format!("/sharing/items/{id}"),
    }
}

#[derive(Template)]
#[template(path = "sharing/share.html")]
struct SharePage {
    layout: Layout,
    kind: &'static str,
    id: i64,
    back: String,
    audience: AudienceChoices,
}

async fn share_page(
    state: &AppState,
    user: &Signed,
    kind: RecordKind,
    id: i64,
    error: Option<String>,
) -> PageResult {
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &SharePage {
            layout: Layout::new("Share a record", user, "/sharing").with_error(error),
            kind: kind.as_str(),
            id,
            back: back(kind, id),
            audience: audience_choices(state, user).await,
        },
    ))
}

pub async fn form(
    State(state): State<AppState>,
    user: Signed,
    Path((kind, id)): Path<(String, i64)>,
) -> PageResult {
    let kind = kind_of(&kind)?;
    share_page(&state, &user, kind, id, None).await
}

#[derive(serde::Deserialize)]
pub struct ShareFields {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    expires_on: String,
}

pub async fn share(
    State(state): State<AppState>,
    user: Signed,
    Path((kind, id)): Path<(String, i64)>,
    Form { fields, values }: Form<ShareFields>,
) -> Response {
    let kind = match kind_of(&kind) {
        Ok(k) => k,
        Err(e) => return sems_web_kit::pages::service_error(e),
    };
    let result = match audience_of(&state, &AudienceFields::of(&values)).await {
        Ok(audience) => {
            let input = ShareInput {
                audience,
                reason: fields.reason,
                expires_on: Some(fields.expires_on).filter(|s| !s.trim().is_empty()),
            };
            state
                .services
                .sharing()
                .share_record(&user.actor(), kind, id, &input)
                .await
        }
        Err(e) => Err(e),
    };
    after_post(
        result,
        |_| format!("{}?notice=saved", back(kind, id)),
        |m| async move {
            match share_page(&state, &user, kind, id, Some(m)).await {
                Ok(r) => r,
                Err(e) => e.into_response(),
            }
        },
    )
    .await
}
