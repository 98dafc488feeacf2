//! The requirements catalogues: the national programme and an organisation's internal
//! requirements, by version, with search, one-by-one additions and CSV import.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use sems_domain::oversight::RequirementLevel;
use sems_services::import::ImportReport;
use sems_services::oversight::requirements::{
    CatalogueView, RequirementInput, REQUIREMENT_COLUMNS,
};
use sems_services::ServiceError;
use sems_web_kit::form::{field, Form};
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{notice, render, service_error, when, Choice, Layout, PageQuery};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/oversight/requirements", get(page).post(add))
        .route("/oversight/requirements/import", post(import))
}

#[derive(serde::Deserialize, Default)]
struct Params {
    party: Option<String>,
    version: Option<String>,
    q: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "oversight/requirements.html")]
struct Page {
    layout: Layout,
    c: CatalogueView,
    catalogues: Vec<Choice>,
    versions: Vec<Choice>,
    published: String,
    q: String,
    can_edit: bool,
    levels: Vec<Choice>,
    parents: Vec<Choice>,
    columns: String,
    report: Option<ImportReport>,
    csv: String,
}

/// The catalogues a person may open: the national programme, and their organisation's own.
async fn catalogues(state: &AppState, user: &Signed, selected: i64) -> Vec<Choice> {
    let mut out = Vec::new();
    if let Ok(Some(a)) = state.services.authority().await {
        out.push((a.id, "National programme".to_string()));
    }
    if !user.0.subject.party_is_authority {
        out.push((
            user.0.subject.party_id,
            format!("Internal requirements of {}", user.0.person.party_name),
        ));
    }
    Choice::list(out, &selected.to_string())
}

#[allow(clippy::too_many_arguments)]
async fn show(
    state: &AppState,
    user: &Signed,
    party: Option<i64>,
    version: Option<i64>,
    q: String,
    notice_key: Option<&str>,
    error: Option<String>,
    report: Option<ImportReport>,
    csv: String,
) -> PageResult {
    let authority = match state.services.authority().await {
        Ok(Some(a)) => a.id,
        Ok(None) => return Ok(service_error(ServiceError::NotFound("authority"))),
        Err(e) => return Err(e.into()),
    };
    let party = party.unwrap_or(authority);
    let c = state
        .services
        .oversight()
        .requirement_catalogue(&user.actor(), party, version, Some(&q))
        .await?;
    let can_edit = c.allowed.create;
    let shown = c.version.unwrap_or(0);
    let published = c
        .versions
        .iter()
        .find(|v| Some(v.version) == c.version)
        .map(|v| {
            format!(
                "Version {} published {}{}{}",
                v.version,
                when(v.published_at_ms),
                v.published_by_name
                    .as_ref()
                    .map(|n| format!(" by {n}"))
                    .unwrap_or_default(),
                if v.note.is_empty() {
                    String::new()
                } else {
                    format!(": {}", v.note)
                }
            )
        })
        .unwrap_or_default();
    let parents = c
        .nodes
        .iter()
        .filter(|n| n.requirement.level != RequirementLevel::Requirement)
        .map(|n| Choice {
            value: n.requirement.code.clone(),
            label: format!("{} {}", n.requirement.code, n.requirement.title),
            selected: false,
        })
        .collect();
    Ok(render(
        if error.is_some() || report.as_ref().is_some_and(|r| !r.errors.is_empty()) {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &Page {
            layout: Layout::new("Requirements", user, "/oversight/requirements")
                .with_notice(notice(notice_key))
                .with_error(error),
            catalogues: catalogues(state, user, party).await,
            versions: Choice::list(
                c.versions.iter().map(|v| {
                    (
                        v.version,
                        format!("Version {} ({} entries)", v.version, v.requirements),
                    )
                }),
                &shown.to_string(),
            ),
            published,
            q,
            can_edit,
            levels: Choice::list(
                RequirementLevel::ALL
                    .iter()
                    .map(|l| (l.as_str(), l.label())),
                "requirement",
            ),
            parents,
            columns: REQUIREMENT_COLUMNS.join(", "),
            report,
            csv,
            c,
        },
    ))
}

fn id(v: &Option<String>) -> Option<i64> {
    v.as_deref().and_then(|x| x.trim().parse().ok())
}

async fn page(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    show(
        &state,
        &user,
        id(&p.party),
        id(&p.version),
        p.q.clone().unwrap_or_default(),
        p.notice.as_deref(),
        None,
        None,
        String::new(),
    )
    .await
}

/// A requirement added to a catalogue, with the note of the version it makes.
#[derive(serde::Deserialize)]
struct RequirementForm {
    #[serde(default, deserialize_with = "field::id")]
    party_id: Option<i64>,
    #[serde(default)]
    code: String,
    #[serde(default, deserialize_with = "field::text")]
    parent: Option<String>,
    #[serde(default)]
    level: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    note: String,
}

async fn add(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<RequirementForm>,
) -> Response {
    let party = fields.party_id.unwrap_or(0);
    let input = RequirementInput {
        code: fields.code,
        parent: fields.parent,
        level: fields.level,
        title: fields.title,
        text: fields.text,
    };
    let result = state
        .services
        .oversight()
        .add_requirement(&user.actor(), party, &input, &fields.note)
        .await;
    sems_web_kit::pages::after_post(
        result,
        |_| format!("/oversight/requirements?party={party}&notice=saved"),
        |message| {
            show(
                &state,
                &user,
                Some(party),
                None,
                String::new(),
                None,
                Some(message),
                None,
                String::new(),
            )
        },
    )
    .await
}

/// A catalogue imported from CSV, or tried first (a dry run), with the version's note.
#[derive(serde::Deserialize)]
struct RequirementImportForm {
    #[serde(default, deserialize_with = "field::id")]
    party_id: Option<i64>,
    #[serde(default)]
    csv: String,
    #[serde(default, deserialize_with = "field::checkbox")]
    dry_run: bool,
    #[serde(default)]
    note: String,
}

async fn import(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<RequirementImportForm>,
) -> PageResult {
    let party = fields.party_id.unwrap_or(0);
    let csv = fields.csv;
    match state
        .services
        .oversight()
        .import_requirements(&user.actor(), party, &csv, fields.dry_run, &fields.note)
        .await
    {
        Ok(r) if r.imported => Ok(Redirect::to(&format!(
            "/oversight/requirements?party={party}&notice=imported"
        ))
        .into_response()),
        Ok(r) => Ok(show(
            &state,
            &user,
            Some(party),
            None,
            String::new(),
            None,
            None,
            Some(r),
            csv,
        )
        .await?),
        Err(e) => Err(e.into()),
    }
}
