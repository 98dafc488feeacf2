//! Oversight activities: the programme (plan, list) and an activity's page with its
//! checklist, made for a tablet on site: one form for every item, saved together, and kept
//! in the browser until the server has it (a session that expires loses nothing).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use sems_domain::access::RecordKind;
use sems_domain::oversight::FindingLevel;
use sems_services::oversight::activities::{ActivityView, AnswerInput, PlanInput};
use sems_services::oversight::findings::RaiseInput;
use sems_services::ServiceError;
use sems_storage::oversight::activities::{Activity, ActivityFilter};
use sems_web_kit::form::{field, Form};
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{
    after_post, notice, render, service_error, Choice, Layout, PageQuery, Pager,
};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/oversight/activities", get(list).post(plan))
        .route("/oversight/activities/{id}", get(page).post(save))
        .route("/oversight/contractors", post(add_contractor))
        .route("/oversight/activities/{id}/complete", post(complete))
        .route("/oversight/activities/{id}/release", post(release))
        .route("/oversight/activities/{id}/findings", post(raise))
        .route("/oversight/activities/{id}/report", post(issue))
        .route(
            "/oversight/activities/{id}/items/{item}/evidence",
            post(attach).layer(axum::extract::DefaultBodyLimit::max(
                sems_web_kit::middleware::UPLOAD_LIMIT,
            )),
        )
        .route(
            "/oversight/activities/{id}/evidence/{evidence}",
            get(evidence_file),
        )
        .route("/oversight/activities/{id}/reports/{version}", get(report))
}

#[derive(Template)]
#[template(path = "oversight/activities.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Activity>,
    pager: Pager,
    can_plan: bool,
    organisations: Vec<Choice>,
    kinds: Vec<Choice>,
    /// The catalogues an activity may be scoped on, and each one's chapters.
    catalogues: Vec<Choice>,
    chapters: Vec<(String, Vec<Choice>)>,
    today: String,
    /// The organisation whose next activities are proposed, and the proposals.
    proposal_party: String,
    proposals: Vec<sems_domain::oversight::ProposedActivity>,
    people: Vec<Choice>,
    /// Organisations name the contractors they oversee.
    is_organisation: bool,
}

#[derive(serde::Deserialize, Default)]
struct Params {
    page: Option<u32>,
    party: Option<String>,
    notice: Option<String>,
}

async fn list_page(
    state: &AppState,
    user: &Signed,
    page_no: Option<u32>,
    party: Option<i64>,
    notice_key: Option<&str>,
    error: Option<String>,
) -> PageResult {
    let actor = user.actor();
    let subject = &user.0.subject;
    // Proposals: for one's own organisation, or the one the authority chose.
    let proposal_party = if subject.party_is_authority {
        party
    } else {
        Some(subject.party_id)
    };
    let proposals = match proposal_party {
        Some(p) => state
            .services
            .oversight()
            .proposed_activities(&actor, p)
            .await
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let mut people =
        sems_web_kit::pages::people_choices(&state.services, &actor, subject.party_id, "").await;
    // The team besides the one who plans: they lead it already.
    people.retain(|c| c.value != subject.person_id.to_string());
    let page = state
        .services
        .oversight()
        .activities(
            &actor,
            &ActivityFilter::default(),
            sems_domain::page::PageRequest::new(page_no, None),
        )
        .await?;
    let can_plan =
        sems_services::allowed_in_own_party(&actor, RecordKind::OversightActivity).create;
    let organisations = if subject.party_is_authority {
        Choice::list(
            sems_web_kit::pages::visible_parties(state, user)
                .await
                .into_iter()
                .filter(|p| !p.kind.is_authority())
                .map(|p| (p.id, p.name)),
            "",
        )
    } else {
        let mut own = vec![(subject.party_id, user.0.person.party_name.clone())];
        own.extend(
            state
                .services
                .oversight()
                .contractors(&actor)
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|c| (c.id, c.name)),
        );
        Choice::list(own, "")
    };
    let oversight = state.services.oversight();
    let kinds = oversight
        .oversight_method(&actor, None)
        .await
        .map(|m| m.method.kinds)
        .unwrap_or_default();
    let usable = oversight.catalogues(&actor).await.unwrap_or_default();
    let mut chapters = Vec::new();
    for c in usable.iter().filter(|c| c.current_version.is_some()) {
        let of = sems_services::oversight::requirements::CatalogueOf {
            party_id: c.owner_party_id,
            code: Some(&c.code),
        };
        if let Ok(view) = oversight
            .requirement_catalogue(&actor, of, None, None)
            .await
        {
            let options = view
                .nodes
                .into_iter()
                .filter(|n| n.depth == 1)
                .map(|n| Choice {
                    value: n.requirement.code.clone(),
                    label: format!("{} {}", n.requirement.code, n.requirement.title),
                    selected: false,
                })
                .collect();
            chapters.push((c.title.clone(), options));
        }
    }
    let catalogues = Choice::list(
        usable
            .iter()
            .filter(|c| c.current_version.is_some())
            .map(|c| {
                (
                    c.id,
                    format!("{} ({}, {} scale)", c.title, c.owner_name, c.scale),
                )
            }),
        "",
    );
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ListPage {
            layout: Layout::new("Oversight activities", user, "/oversight/requirements")
                .with_notice(notice(notice_key))
                .with_error(error),
            pager: Pager::new(&page, "/oversight/activities", &[]),
            rows: page.items,
            can_plan,
            organisations,
            kinds: Choice::list(
                kinds.iter().map(|k| (k.word.as_str(), k.label.as_str())),
                sems_domain::oversight::method::INSPECTION,
            ),
            catalogues,
            chapters,
            today: sems_domain::util::format_date(sems_domain::util::today()),
            proposal_party: proposal_party.map(|p| p.to_string()).unwrap_or_default(),
            proposals,
            people,
            is_organisation: !subject.party_is_authority,
        },
    ))
}

async fn list(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    let party = p.party.as_deref().and_then(|x| x.trim().parse().ok());
    list_page(&state, &user, p.page, party, p.notice.as_deref(), None).await
}

/// The planning form of an activity: whom, what, when, the team and the scope.
#[derive(serde::Deserialize)]
struct PlanForm {
    #[serde(default, deserialize_with = "field::id")]
    overseen_party_id: Option<i64>,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    planned_on: String,
    #[serde(default)]
    announced: String,
    #[serde(default)]
    team: Vec<String>,
    #[serde(default)]
    scope: Vec<String>,
    #[serde(default, deserialize_with = "field::id")]
    catalogue_id: Option<i64>,
}

impl From<PlanForm> for PlanInput {
    /// Announced unless "no"; a team member that is not an id is left out.
    fn from(f: PlanForm) -> Self {
        Self {
            overseen_party_id: f.overseen_party_id.unwrap_or(0),
            kind: f.kind,
            title: f.title,
            planned_on: f.planned_on,
            announced: f.announced != "no",
            team: f.team.iter().filter_map(|t| t.parse().ok()).collect(),
            scope: f.scope,
            catalogue_id: f.catalogue_id,
        }
    }
}

async fn plan(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<PlanForm>,
) -> Response {
    let result = state
        .services
        .oversight()
        .plan_activity(&user.actor(), &fields.into())
        .await;
    after_post(
        result,
        |a| format!("/oversight/activities/{}?notice=created", a.id),
        |message| list_page(&state, &user, None, None, None, Some(message)),
    )
    .await
}

pub struct ItemRow {
    pub id: i64,
    /// Evidence files: (id, name).
    pub files: Vec<(i64, String)>,
    pub code: String,
    pub title: String,
    pub answers: Vec<Choice>,
    pub notes: String,
    pub passed: String,
    pub method: String,
    pub non_compliant: bool,
}

#[derive(Template)]
#[template(path = "oversight/activity.html")]
struct ActivityPage {
    layout: Layout,
    v: ActivityView,
    rows: Vec<ItemRow>,
    is_test: bool,
    can_record: bool,
    can_release: bool,
    completed: bool,
    ei: String,
    levels: Vec<Choice>,
    team: String,
    issued: Vec<(i64, String)>,
    can_issue: bool,
    /// The CSRF token in the query of upload forms (their bodies are not buffered).
    upload_query: String,
}

async fn activity_page(
    state: &AppState,
    user: &Signed,
    id: i64,
    notice_key: Option<&str>,
    error: Option<String>,
) -> PageResult {
    let v = state
        .services
        .oversight()
        .activity(&user.actor(), id)
        .await?;
    let me = user.0.subject.person_id;
    let on_team = v.team.iter().any(|p| p.id == me);
    let completed = v.activity.status == sems_domain::oversight::ActivityStatus::Completed;
    let issued = state
        .services
        .oversight()
        .activity_reports(&user.actor(), id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            (
                r.version,
                format!(
                    "Version {} issued {} by {}",
                    r.version,
                    sems_web_kit::pages::when(r.issued_at_ms),
                    r.issued_by
                ),
            )
        })
        .collect();
    let rows = v
        .items
        .iter()
        .map(|i| ItemRow {
            files: v
                .evidence
                .iter()
                .filter(|e| e.item_id == i.id)
                .map(|e| (e.id, e.filename.clone()))
                .collect(),
            id: i.id,
            code: i.requirement_code.clone(),
            title: i.requirement_title.clone(),
            answers: Choice::list(
                v.scale
                    .answers
                    .iter()
                    .map(|a| (a.word.as_str(), a.label.as_str())),
                i.answer.as_deref().unwrap_or(""),
            ),
            notes: i.notes.clone(),
            passed: match i.test_passed {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            method: i.test_method.clone(),
            non_compliant: i
                .answer
                .as_deref()
                .and_then(|w| v.scale.answer(w).ok())
                .is_some_and(|a| a.is_deficient()),
        })
        .collect();
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ActivityPage {
            layout: Layout::new(v.activity.title.clone(), user, "/oversight/requirements")
                .with_notice(notice(notice_key))
                .with_error(error),
            rows,
            is_test: v.kind.test,
            can_record: on_team && !completed,
            can_release: on_team && completed && v.activity.covert && !v.activity.released,
            completed,
            ei: v
                .effective_implementation
                .map_or("—".into(), |e| format!("{e:.1} %")),
            levels: Choice::list(
                FindingLevel::ALL.iter().map(|l| (l.as_str(), l.label())),
                "level_2",
            ),
            team: v
                .team
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            issued,
            can_issue: on_team && completed,
            upload_query: format!("csrf_token={}", user.0.csrf_token),
            v,
        },
    ))
}

async fn page(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    activity_page(&state, &user, id, p.notice.as_deref(), None).await
}

async fn after(
    state: &AppState,
    user: &Signed,
    id: i64,
    result: Result<(), ServiceError>,
    notice_key: &str,
) -> Response {
    sems_web_kit::pages::after_post(
        result,
        |()| format!("/oversight/activities/{id}?notice={notice_key}"),
        |message| activity_page(state, user, id, None, Some(message)),
    )
    .await
}

/// The checklist form: the items it shows; each item's answer, notes, test result and method
/// come under names of the item (`answer_{item}` …), read from the values as typed.
#[derive(serde::Deserialize)]
struct ChecklistForm {
    #[serde(default)]
    item: Vec<String>,
}

/// Saves every answered row of the checklist form at once.
async fn save(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, values }: Form<ChecklistForm>,
) -> Response {
    let answers: Vec<AnswerInput> = fields
        .item
        .iter()
        .filter_map(|item| {
            let answer = values.get(&format!("answer_{item}")).to_string();
            (!answer.is_empty()).then(|| AnswerInput {
                item_id: item.parse().unwrap_or(0),
                answer,
                notes: values.get(&format!("notes_{item}")).into(),
                test_passed: match values.get(&format!("passed_{item}")) {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                },
                test_method: values.get(&format!("method_{item}")).into(),
            })
        })
        .collect();
    let result = state
        .services
        .oversight()
        .answer_checklist(&user.actor(), id, &answers)
        .await
        .map(|_| ());
    after(&state, &user, id, result, "saved").await
}

async fn complete(State(state): State<AppState>, user: Signed, Path(id): Path<i64>) -> Response {
    let result = state
        .services
        .oversight()
        .complete_activity(&user.actor(), id)
        .await
        .map(|_| ());
    after(&state, &user, id, result, "saved").await
}

async fn release(State(state): State<AppState>, user: Signed, Path(id): Path<i64>) -> Response {
    let result = state
        .services
        .oversight()
        .release_activity(&user.actor(), id)
        .await;
    after(&state, &user, id, result, "saved").await
}

/// A finding raised on a checklist item: its level and description.
#[derive(serde::Deserialize)]
struct RaiseForm {
    #[serde(default, deserialize_with = "field::id")]
    item_id: Option<i64>,
    #[serde(default)]
    level: String,
    #[serde(default)]
    description: String,
}

impl From<RaiseForm> for RaiseInput {
    fn from(f: RaiseForm) -> Self {
        Self {
            item_id: f.item_id.unwrap_or(0),
            level: f.level,
            description: f.description,
        }
    }
}

async fn raise(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<RaiseForm>,
) -> Response {
    let result = state
        .services
        .oversight()
        .raise_finding(&user.actor(), id, &fields.into())
        .await;
    after_post(
        result,
        |f| format!("/oversight/findings/{}?notice=created", f.id),
        |message| activity_page(&state, &user, id, None, Some(message)),
    )
    .await
}

/// The activity report to issue: its summary.
#[derive(serde::Deserialize)]
struct IssueForm {
    #[serde(default)]
    summary: String,
}

async fn issue(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<IssueForm>,
) -> Response {
    let result = state
        .services
        .oversight()
        .issue_activity_report(&user.actor(), id, &fields.summary)
        .await;
    after_post(
        result,
        |v| format!("/oversight/activities/{id}/reports/{v}"),
        |message| activity_page(&state, &user, id, None, Some(message)),
    )
    .await
}

#[derive(Template)]
#[template(path = "oversight/activity_report.html")]
struct ReportPage {
    layout: Layout,
    r: sems_services::oversight::activity_reports::IssuedReportView,
    activity_id: i64,
    issued: String,
    ei: String,
}

/// An issued report, made to be printed.
async fn report(
    State(state): State<AppState>,
    user: Signed,
    Path((id, version)): Path<(i64, i64)>,
) -> PageResult {
    let reports = state
        .services
        .oversight()
        .activity_reports(&user.actor(), id)
        .await?;
    let Some(r) = reports.into_iter().find(|r| r.version == version) else {
        return Ok(service_error(ServiceError::NotFound("report")));
    };
    Ok(render(
        StatusCode::OK,
        &ReportPage {
            layout: Layout::new(
                format!("Report: {} (version {version})", r.content.title),
                &user,
                "/oversight/requirements",
            ),
            issued: sems_web_kit::pages::when(r.issued_at_ms),
            ei: r
                .content
                .effective_implementation
                .map_or("—".into(), |e| format!("{e:.1} %")),
            activity_id: id,
            r,
        },
    ))
}

/// Attaches a photo or document to a checklist item.
async fn attach(
    State(state): State<AppState>,
    user: Signed,
    Path((id, item)): Path<(i64, i64)>,
    mut multipart: axum::extract::Multipart,
) -> Response {
    let mut file = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let filename = field.file_name().unwrap_or("").to_string();
                match field.bytes().await {
                    Ok(bytes) => {
                        file = Some(sems_services::reports::NewAttachment {
                            filename,
                            bytes: bytes.to_vec(),
                        })
                    }
                    Err(_) => break,
                }
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    let Some(file) = file.filter(|f| !f.bytes.is_empty()) else {
        let e = ServiceError::from(sems_domain::ValidationError::new("file", "choose a file"));
        return after(&state, &user, id, Err(e), "").await;
    };
    let result = state
        .services
        .oversight()
        .attach_item_evidence(&user.actor(), id, item, file)
        .await
        .map(|_| ());
    after(&state, &user, id, result, "saved").await
}

async fn evidence_file(
    State(state): State<AppState>,
    user: Signed,
    Path((id, evidence)): Path<(i64, i64)>,
) -> Response {
    match state
        .services
        .oversight()
        .item_evidence_file(&user.actor(), id, evidence)
        .await
    {
        Ok((e, bytes)) => (
            [
                (axum::http::header::CONTENT_TYPE, e.content_type),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    sems_web_kit::export::content_disposition(&e.filename),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => service_error(e),
    }
}

/// The contractor form: the party code of its public reporting link.
#[derive(serde::Deserialize)]
struct ContractorForm {
    #[serde(default)]
    code: String,
}

/// Names a contractor by its party code (the code of its public reporting link).
async fn add_contractor(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<ContractorForm>,
) -> Response {
    let result = match state.services.reporting().filing_target(&fields.code).await {
        Ok(t) => {
            state
                .services
                .oversight()
                .add_contractor(&user.actor(), t.party_id)
                .await
        }
        Err(_) => Err(ServiceError::from(sems_domain::ValidationError::new(
            "code",
            "no organisation has this code",
        ))),
    };
    after_post(
        result,
        |()| "/oversight/activities?notice=saved".to_string(),
        |message| list_page(&state, &user, None, None, None, Some(message)),
    )
    .await
}
