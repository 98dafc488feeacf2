//! The requirements catalogues: the national programme, the authority's sector catalogues and
//! an organisation's internal requirements, by version, with search, one-by-one additions and
//! CSV import; opening a catalogue and choosing the scale it is answered on.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use sems_domain::oversight::RequirementLevel;
use sems_services::import::ImportReport;
use sems_services::oversight::requirements::{
    CatalogueInput, CatalogueOf, CatalogueView, RequirementInput, REQUIREMENT_COLUMNS,
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
        .route("/oversight/catalogues", post(create))
        .route("/oversight/catalogues/scale", post(set_scale))
}

#[derive(serde::Deserialize, Default)]
struct Params {
    party: Option<String>,
    /// A catalogue of the party's by code (default: its main one).
    catalogue: Option<String>,
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
    /// The code of the catalogue shown (the forms post it back).
    code: String,
    /// The scales of the oversight method, and the sectors a catalogue may be for.
    scales: Vec<Choice>,
    sectors: Vec<Choice>,
    may_have_sector: bool,
}

/// The catalogues a person may open: the authority's and their organisation's own (a main
/// catalogue not kept yet too, so it can be started). The value is `party:CODE`.
async fn catalogues(state: &AppState, user: &Signed, party: i64, code: &str) -> Vec<Choice> {
    let mut out: Vec<(String, String)> = state
        .services
        .oversight()
        .catalogues(&user.actor())
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|c| {
            (
                format!("{}:{}", c.owner_party_id, c.code),
                format!("{} ({})", c.title, c.owner_name),
            )
        })
        .collect();
    let own = format!(
        "{}:{}",
        user.0.subject.party_id,
        sems_services::oversight::requirements::INTERNAL_REQUIREMENTS
    );
    if !user.0.subject.party_is_authority && !out.iter().any(|(v, _)| *v == own) {
        out.push((
            own,
            format!("Internal requirements ({})", user.0.person.party_name),
        ));
    }
    Choice::list(out, &format!("{party}:{code}"))
}

#[allow(clippy::too_many_arguments)]
async fn show(
    state: &AppState,
    user: &Signed,
    party: Option<i64>,
    code: Option<&str>,
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
    let code = code.map(str::trim).filter(|c| !c.is_empty());
    let c = state
        .services
        .oversight()
        .requirement_catalogue(
            &user.actor(),
            CatalogueOf {
                party_id: party,
                code,
            },
            version,
            Some(&q),
        )
        .await?;
    let code = c
        .catalogue
        .as_ref()
        .map(|x| x.code.clone())
        .unwrap_or_default();
    let method = state
        .services
        .oversight()
        .oversight_method(&user.actor(), None)
        .await
        .ok();
    let current_scale = c
        .catalogue
        .as_ref()
        .map(|x| x.scale.clone())
        .unwrap_or_default();
    let scales = Choice::list(
        method
            .iter()
            .flat_map(|m| m.method.scales.iter())
            .map(|x| (x.code.clone(), x.title.clone())),
        &current_scale,
    );
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
            catalogues: catalogues(state, user, party, &code).await,
            may_have_sector: party == authority,
            sectors: Choice::list(
                sems_domain::party::PartyKind::ALL
                    .iter()
                    .filter(|k| !k.is_authority())
                    .map(|k| (k.as_str(), k.label())),
                "",
            ),
            scales,
            code,
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
    // The catalogue chooser sends `party:CODE`; a link may send `party` and `catalogue`.
    let (party, code) = match p.party.as_deref().and_then(|x| x.split_once(':')) {
        Some((party, code)) => (party.trim().parse().ok(), Some(code.to_string())),
        None => (id(&p.party), p.catalogue.clone()),
    };
    show(
        &state,
        &user,
        party,
        code.as_deref(),
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
    catalogue: String,
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
        .add_requirement(
            &user.actor(),
            of(party, &fields.catalogue),
            &input,
            &fields.note,
        )
        .await;
    let code = fields.catalogue.clone();
    sems_web_kit::pages::after_post(
        result,
        |_| format!("/oversight/requirements?party={party}&catalogue={code}&notice=saved"),
        |message| {
            show(
                &state,
                &user,
                Some(party),
                Some(&fields.catalogue),
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
    catalogue: String,
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
        .import_requirements(
            &user.actor(),
            of(party, &fields.catalogue),
            &csv,
            fields.dry_run,
            &fields.note,
        )
        .await
    {
        Ok(r) if r.imported => Ok(Redirect::to(&format!(
            "/oversight/requirements?party={party}&catalogue={}&notice=imported",
            fields.catalogue
        ))
        .into_response()),
        Ok(r) => Ok(show(
            &state,
            &user,
            Some(party),
            Some(&fields.catalogue),
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

/// A party's catalogue by the code a form posts (empty: its main one).
fn of(party_id: i64, code: &str) -> CatalogueOf<'_> {
    CatalogueOf {
        party_id,
        code: Some(code.trim()).filter(|c| !c.is_empty()),
    }
}

/// A new catalogue of the party's.
#[derive(serde::Deserialize)]
struct CatalogueForm {
    #[serde(default, deserialize_with = "field::id")]
    party_id: Option<i64>,
    #[serde(default)]
    code: String,
    #[serde(default)]
    title: String,
    #[serde(default, deserialize_with = "field::text")]
    sector: Option<String>,
    #[serde(default, deserialize_with = "field::text")]
    scale: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<CatalogueForm>,
) -> Response {
    let party = fields.party_id.unwrap_or(0);
    let result = state
        .services
        .oversight()
        .create_catalogue(
            &user.actor(),
            party,
            &CatalogueInput {
                code: fields.code,
                title: fields.title,
                sector: fields.sector,
                scale: fields.scale,
            },
        )
        .await;
    sems_web_kit::pages::after_post(
        result,
        |c| {
            format!(
                "/oversight/requirements?party={party}&catalogue={}&notice=created",
                c.code
            )
        },
        |message| {
            show(
                &state,
                &user,
                Some(party),
                None,
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

/// The scale a catalogue is answered on.
#[derive(serde::Deserialize)]
struct ScaleForm {
    #[serde(default, deserialize_with = "field::id")]
    party_id: Option<i64>,
    #[serde(default)]
    catalogue: String,
    #[serde(default)]
    scale: String,
}

async fn set_scale(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<ScaleForm>,
) -> Response {
    let party = fields.party_id.unwrap_or(0);
    let result = state
        .services
        .oversight()
        .set_catalogue_scale(&user.actor(), of(party, &fields.catalogue), &fields.scale)
        .await;
    let code = fields.catalogue.clone();
    sems_web_kit::pages::after_post(
        result,
        |_| format!("/oversight/requirements?party={party}&catalogue={code}&notice=saved"),
        |message| {
            show(
                &state,
                &user,
                Some(party),
                Some(&fields.catalogue),
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
