//! The national training programme as the authority publishes it (its courses, each
//! function's requirements, the gate on reading marked records, its versions), and an
//! organisation's additions: its own courses and stricter requirements. Both are published as
//! a whole document (JSON, as the API takes it), checked whole: a weaker requirement than the
//! national one is refused with the national requirement in the message.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use sems_domain::training::programme::TrainingProgramme;
use sems_services::training::programme::{PublishAdditions, PublishProgramme};
use sems_web_kit::form::Form;
use sems_web_kit::pages::{after_post, notice, render, when, Layout, PageQuery, PageResult};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

/// A function's requirements in words, for the programme's table.
pub struct FunctionLine {
    pub label: &'static str,
    pub initial: String,
    pub recurrent: String,
    pub certification: String,
    pub image_training: String,
    pub check: String,
}

fn lines(p: &TrainingProgramme) -> Vec<FunctionLine> {
    p.functions
        .iter()
        .map(|f| FunctionLine {
            label: f.function.label(),
            initial: f.initial.join(", "),
            recurrent: f
                .recurrent
                .iter()
                .map(|r| format!("{} every {} months", r.course, r.every_months))
                .chain(
                    f.refresher_after_absence_months
                        .map(|m| format!("a refresher after {m} months away")),
                )
                .collect::<Vec<_>>()
                .join("; "),
            certification: f
                .certification
                .as_ref()
                .map(|c| {
                    format!(
                        "{} every {} months, {} months' grace",
                        c.course, c.renewal_months, c.grace_months
                    )
                })
                .unwrap_or_default(),
            image_training: f
                .image_training
                .as_ref()
                .map(|i| {
                    format!(
                        "{} hours of {} in every {} months",
                        i.hours, i.course, i.window_months
                    )
                })
                .unwrap_or_default(),
            check: f
                .background_check
                .as_ref()
                .map(|c| {
                    format!(
                        "{}, renewed within {} months",
                        c.level.label(),
                        c.renewal_months
                    )
                })
                .unwrap_or_default(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "training/programme.html")]
struct ProgrammePage {
    layout: Layout,
    /// "national" or "additions".
    mode: &'static str,
    heading: String,
    programme: TrainingProgramme,
    functions: Vec<FunctionLine>,
    history: Vec<(i64, String, String)>,
    may_publish: bool,
    document: String,
    note: String,
    action: &'static str,
}

#[derive(serde::Deserialize, Default)]
pub struct ProgrammeQuery {
    notice: Option<String>,
}

async fn national_page(
    state: &AppState,
    user: &Signed,
    notice_key: Option<&str>,
    error: Option<String>,
    document: Option<String>,
    note: String,
) -> PageResult {
    let actor = user.actor();
    let t = state.services.training();
    let current = t.programme(&actor, None).await?;
    let history = t
        .programme_versions(&actor)
        .await?
        .into_iter()
        .map(|v| (v.version, when(v.published_at_ms), v.note))
        .collect();
    let document = document
        .unwrap_or_else(|| serde_json::to_string_pretty(&current.programme).unwrap_or_default());
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ProgrammePage {
            layout: Layout::new("National training programme", user, "/training")
                .with_notice(notice(notice_key))
                .with_error(error),
            mode: "national",
            heading: format!(
                "Version {} · {}{}",
                current.version,
                when(current.published_at_ms),
                current
                    .published_by_name
                    .map(|n| format!(" by {n}"))
                    .unwrap_or_default()
            ),
            functions: lines(&current.programme),
            programme: current.programme,
            history,
            may_publish: current.may_publish,
            document,
            note,
            action: "/training/programme",
        },
    ))
}

pub async fn page(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<ProgrammeQuery>,
) -> PageResult {
    national_page(
        &state,
        &user,
        q.notice.as_deref(),
        None,
        None,
        String::new(),
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    document: String,
    #[serde(default)]
    note: String,
}

/// The document of the form, or why it is not one.
fn parse<T: serde::de::DeserializeOwned>(document: &str) -> Result<T, sems_services::ServiceError> {
    serde_json::from_str(document).map_err(|e| {
        sems_domain::ValidationError::new(
            "document",
            format!("the document is not a programme as sems reads it: {e}"),
        )
        .into()
    })
}

pub async fn publish(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<PublishForm>,
) -> Response {
    let result = match parse(&fields.document) {
        Ok(programme) => {
            state
                .services
                .training()
                .publish_programme(
                    &user.actor(),
                    &PublishProgramme {
                        programme,
                        note: fields.note.clone(),
                    },
                )
                .await
        }
        Err(e) => Err(e),
    };
    after_post(
        result,
        |_| "/training/programme?notice=saved".into(),
        |message| async move {
            national_page(
                &state,
                &user,
                None,
                Some(message),
                Some(fields.document),
                fields.note,
            )
            .await
        },
    )
    .await
}

async fn additions_page(
    state: &AppState,
    user: &Signed,
    notice_key: Option<&str>,
    error: Option<String>,
    document: Option<String>,
    note: String,
) -> PageResult {
    let actor = user.actor();
    let v = state
        .services
        .training()
        .additions(&actor, user.0.subject.party_id)
        .await?;
    let document =
        document.unwrap_or_else(|| serde_json::to_string_pretty(&v.additions).unwrap_or_default());
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ProgrammePage {
            layout: Layout::new("Our training programme", user, "/training")
                .with_notice(notice(notice_key))
                .with_error(error),
            mode: "additions",
            heading: match v.version {
                Some(n) => format!(
                    "Additions version {n}{} over national version {}",
                    v.published_by_name
                        .map(|b| format!(" by {b}"))
                        .unwrap_or_default(),
                    v.national_version
                ),
                None => format!(
                    "No additions: national version {} applies as it is",
                    v.national_version
                ),
            },
            functions: lines(&v.effective),
            programme: v.effective,
            history: Vec::new(),
            may_publish: v.may_publish,
            document,
            note,
            action: "/training/additions",
        },
    ))
}

pub async fn additions(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<ProgrammeQuery>,
) -> PageResult {
    additions_page(
        &state,
        &user,
        q.notice.as_deref(),
        None,
        None,
        String::new(),
    )
    .await
}

pub async fn publish_additions(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<PublishForm>,
) -> Response {
    let result = match parse(&fields.document) {
        Ok(additions) => {
            state
                .services
                .training()
                .publish_additions(
                    &user.actor(),
                    user.0.subject.party_id,
                    &PublishAdditions {
                        additions,
                        note: fields.note.clone(),
                    },
                )
                .await
        }
        Err(e) => Err(e),
    };
    after_post(
        result,
        |_| "/training/additions?notice=saved".into(),
        |message| async move {
            additions_page(
                &state,
                &user,
                None,
                Some(message),
                Some(fields.document),
                fields.note,
            )
            .await
        },
    )
    .await
}
