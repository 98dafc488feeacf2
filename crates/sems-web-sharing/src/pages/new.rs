//! Drafting an item — its kind, marking, audience, dates, the scenarios it concerns, a
//! bulletin's proposed threat level, the closed report or finding a lesson is drawn from, the
//! item it supersedes — and importing a STIX 2.1 report bundle as a draft bulletin.

use super::{audience_choices, audience_of, levels, AudienceChoices, AudienceFields};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sems_domain::scenario::ScenarioCategory;
use sems_domain::sharing::tlp::Tlp;
use sems_domain::sharing::ItemKind;
use sems_services::sharing::export::StixImport;
use sems_services::sharing::items::{ItemInput, LessonSource};
use sems_services::ServiceError;
use sems_web_kit::form::{field, Form, FormData};
use sems_web_kit::pages::{
    after_form_post, after_post, render, Choice, FormState, Layout, PageQuery, PageResult,
};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

#[derive(serde::Deserialize, Default)]
pub struct NewQuery {
    kind: Option<String>,
    source_kind: Option<String>,
    source_id: Option<String>,
    supersedes: Option<String>,
}

#[derive(Template)]
#[template(path = "sharing/item_form.html")]
struct FormPage {
    layout: Layout,
    form: FormState,
    kinds: Vec<Choice>,
    tlps: Vec<Choice>,
    levels: Vec<Choice>,
    categories: Vec<Choice>,
    scenarios: Vec<Choice>,
    audience: AudienceChoices,
    is_authority: bool,
}

async fn form_page(
    state: &AppState,
    user: &Signed,
    form: FormState,
    error: Option<String>,
) -> PageResult {
    let actor = user.actor();
    let scenarios = state
        .services
        .risk()
        .scenarios(
            &actor,
            &Default::default(),
            sems_domain::page::PageRequest::new(Some(1), Some(sems_domain::page::MAX_PER_PAGE)),
        )
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &FormPage {
            layout: Layout::new("New item", user, "/sharing").with_error(error),
            kinds: Choice::list(
                ItemKind::ALL.iter().map(|k| (k.as_str(), k.label())),
                form.value("kind"),
            ),
            tlps: Choice::list(
                Tlp::ALL.iter().map(|t| (t.as_str(), t.label())),
                &form.value_or("tlp", "amber"),
            ),
            levels: levels(state, form.value("classification")),
            categories: Choice::list(
                ScenarioCategory::ALL
                    .iter()
                    .map(|c| (c.as_str(), c.label())),
                form.value("threat_category"),
            ),
            scenarios: Choice::list(
                scenarios
                    .into_iter()
                    .map(|s| (s.id, format!("{} {}", s.code, s.title))),
                "",
            ),
            audience: audience_choices(state, user).await,
            is_authority: user.0.subject.party_is_authority,
            form,
        },
    ))
}

pub async fn form(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<NewQuery>,
) -> PageResult {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let form = FormState::filled(&[
        ("kind", text(&q.kind)),
        ("source_kind", text(&q.source_kind)),
        ("source_id", text(&q.source_id)),
        ("supersedes_id", text(&q.supersedes)),
    ]);
    form_page(&state, &user, form, None).await
}

/// The new-item form.
#[derive(serde::Deserialize)]
pub struct ItemFields {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    tlp: String,
    #[serde(default)]
    classification: String,
    #[serde(default, deserialize_with = "field::checkbox")]
    recipients_visible: bool,
    #[serde(default)]
    effective_on: String,
    #[serde(default)]
    acknowledge_by: String,
    #[serde(default)]
    implement_by: String,
    #[serde(default)]
    expires_on: String,
    #[serde(default)]
    scenario: Vec<String>,
    #[serde(default)]
    threat_category: String,
    #[serde(default, deserialize_with = "field::id")]
    proposed_level: Option<i64>,
    #[serde(default)]
    source_kind: String,
    #[serde(default, deserialize_with = "field::id")]
    source_id: Option<i64>,
    #[serde(default, deserialize_with = "field::id")]
    supersedes_id: Option<i64>,
}

fn some(v: &str) -> Option<String> {
    Some(v.trim().to_string()).filter(|s| !s.is_empty())
}

async fn input_of(
    state: &AppState,
    f: &ItemFields,
    values: &FormData,
) -> Result<ItemInput, ServiceError> {
    Ok(ItemInput {
        kind: ItemKind::parse(&f.kind)?,
        title: f.title.clone(),
        summary: f.summary.clone(),
        body: f.body.clone(),
        tlp: Tlp::parse(&f.tlp)?,
        classification: some(&f.classification),
        audience: audience_of(state, &AudienceFields::of(values)).await?,
        recipients_visible: f.recipients_visible,
        effective_on: some(&f.effective_on),
        acknowledge_by: some(&f.acknowledge_by),
        implement_by: some(&f.implement_by),
        expires_on: some(&f.expires_on),
        scenario_ids: f
            .scenario
            .iter()
            .filter_map(|s| s.trim().parse().ok())
            .collect(),
        threat_category: some(&f.threat_category),
        proposed_level: f.proposed_level,
        lesson_source: match (some(&f.source_kind), f.source_id) {
            (Some(kind), Some(id)) => Some(LessonSource { kind, id }),
            _ => None,
        },
        supersedes_id: f.supersedes_id,
    })
}

pub async fn create(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, values }: Form<ItemFields>,
) -> Response {
    let result = match input_of(&state, &fields, &values).await {
        Ok(input) => {
            state
                .services
                .sharing()
                .draft_item(&user.actor(), user.0.subject.party_id, &input)
                .await
        }
        Err(e) => Err(e),
    };
    after_form_post(
        result,
        values,
        "The item was not drafted: see the fields marked.",
        |v| format!("/sharing/items/{}?notice=created", v.id),
        |message, form| async move {
            match form_page(&state, &user, form, Some(message)).await {
                Ok(r) => r,
                Err(e) => e.into_response(),
            }
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "sharing/import.html")]
struct ImportPage {
    layout: Layout,
    audience: AudienceChoices,
    bundle: String,
}

async fn import_page(
    state: &AppState,
    user: &Signed,
    bundle: String,
    error: Option<String>,
) -> Response {
    render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ImportPage {
            layout: Layout::new("Import a STIX report", user, "/sharing").with_error(error),
            audience: audience_choices(state, user).await,
            bundle,
        },
    )
}

pub async fn import_form(State(state): State<AppState>, user: Signed) -> Response {
    import_page(&state, &user, String::new(), None).await
}

#[derive(serde::Deserialize)]
pub struct ImportFields {
    #[serde(default)]
    bundle: String,
}

pub async fn import(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, values }: Form<ImportFields>,
) -> Response {
    let result = match audience_of(&state, &AudienceFields::of(&values)).await {
        Ok(audience) => {
            state
                .services
                .sharing()
                .import_stix(
                    &user.actor(),
                    &StixImport {
                        bundle: fields.bundle.clone(),
                        audience,
                    },
                )
                .await
        }
        Err(e) => Err(e),
    };
    after_post(
        result,
        |v| format!("/sharing/items/{}?notice=created", v.id),
        |message| import_page(&state, &user, fields.bundle.clone(), Some(message)),
    )
    .await
}
