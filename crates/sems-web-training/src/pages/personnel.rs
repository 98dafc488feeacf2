//! The personnel register: the list, a person registered or changed, and a person's page —
//! their standing with each requirement, their records and checks, and the forms to record a
//! completed course (with its evidence file) and a background check.

use super::due::keeps_register;
use super::function_choices;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use sems_domain::page::PageRequest;
use sems_domain::training::{CheckLevel, CheckOutcome, Function};
use sems_services::training::compliance::StandingView;
use sems_services::training::personnel::{FunctionInput, PersonnelInput, PersonnelView};
use sems_services::training::records::{CheckInput, CheckView, RecordInput, RecordView};
use sems_services::ServiceError;
use sems_storage::sites::SiteFilter;
use sems_storage::training::personnel::PersonnelFilter;
use sems_web_kit::api::ApiPath;
use sems_web_kit::form::{field, Form, FormData};
use sems_web_kit::pages::{
    after_form_post, notice, render, service_error, Choice, FormState, Layout, ListQuery,
    PageQuery, PageResult, Pager,
};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

#[derive(serde::Deserialize, Default)]
pub struct PersonnelQuery {
    page: Option<u32>,
    q: Option<String>,
    function: Option<String>,
    site: Option<String>,
    inactive: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "training/personnel.html")]
struct ListPage {
    layout: Layout,
    people: Vec<PersonnelView>,
    pager: Pager,
    q: String,
    functions: Vec<Choice>,
    inactive: bool,
    may_register: bool,
}

pub async fn list(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(p): PageQuery<PersonnelQuery>,
) -> PageResult {
    let function = super::word(&p.function, Function::parse);
    let filter = PersonnelFilter {
        party_id: None,
        site_id: ListQuery::id(&p.site),
        function,
        search: p.q.clone().filter(|s| !s.trim().is_empty()),
        include_inactive: p.inactive.is_some(),
    };
    let page = state
        .services
        .training()
        .personnel(&user.actor(), &filter, PageRequest::new(p.page, None))
        .await?;
    let query = [
        ("q", ListQuery::text(&p.q)),
        ("function", ListQuery::text(&p.function)),
        ("site", ListQuery::text(&p.site)),
        ("inactive", ListQuery::text(&p.inactive)),
    ];
    Ok(render(
        StatusCode::OK,
        &ListPage {
            layout: Layout::new("Personnel", &user, "/training")
                .with_notice(notice(p.notice.as_deref())),
            pager: Pager::new(&page, "/training/personnel", &query),
            people: page.items,
            q: ListQuery::text(&p.q),
            functions: function_choices(function),
            inactive: p.inactive.is_some(),
            may_register: keeps_register(&user),
        },
    ))
}

/// A function's box on the form: ticked or not, and the last day it was exercised.
pub struct FunctionBox {
    pub word: &'static str,
    pub label: &'static str,
    pub held: bool,
    pub last_exercised_on: String,
}

#[derive(Template)]
#[template(path = "training/person_form.html")]
struct PersonForm {
    layout: Layout,
    action: String,
    state: FormState,
    functions: Vec<FunctionBox>,
    sites: Vec<Choice>,
    active: bool,
}

async fn site_choices(
    state: &AppState,
    user: &Signed,
    party_id: i64,
    current: &str,
) -> Vec<Choice> {
    let sites = state
        .services
        .sites(
            &user.actor(),
            &SiteFilter {
                party_id: Some(party_id),
                ..Default::default()
            },
            PageRequest::new(None, Some(sems_domain::page::MAX_PER_PAGE)),
        )
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    Choice::list(sites.into_iter().map(|s| (s.id, s.name)), current)
}

fn boxes(held: &[(Function, String)]) -> Vec<FunctionBox> {
    Function::ALL
        .iter()
        .map(|f| {
            let h = held.iter().find(|(g, _)| g == f);
            FunctionBox {
                word: f.as_str(),
                label: f.label(),
                held: h.is_some(),
                last_exercised_on: h.map(|(_, d)| d.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    user: &Signed,
    title: &str,
    action: String,
    form: FormState,
    held: Vec<(Function, String)>,
    site: &str,
    active: bool,
    error: Option<String>,
) -> PageResult {
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &PersonForm {
            layout: Layout::new(title, user, "/training").with_error(error),
            action,
            state: form,
            functions: boxes(&held),
            sites: site_choices(state, user, user.0.subject.party_id, site).await,
            active,
        },
    ))
}

pub async fn new_form(State(state): State<AppState>, user: Signed) -> PageResult {
    let form = FormState::filled(&[(
        "started_on",
        sems_domain::util::format_date(sems_domain::util::today()),
    )]);
    form_page(
        &state,
        &user,
        "Register a person",
        "/training/personnel".into(),
        form,
        vec![(Function::Awareness, String::new())],
        "",
        true,
        None,
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct PersonFields {
    #[serde(default)]
    employee_number: String,
    #[serde(default)]
    full_name: String,
    #[serde(default, deserialize_with = "field::id")]
    site: Option<i64>,
    #[serde(default)]
    account: String,
    #[serde(default)]
    started_on: String,
    #[serde(default)]
    function: Vec<String>,
    #[serde(default, deserialize_with = "field::checkbox")]
    active: bool,
}

/// The input a submitted form stands for; an unknown function word is refused by name.
fn input_of(f: &PersonFields, values: &FormData) -> Result<PersonnelInput, ServiceError> {
    let mut functions = Vec::new();
    for w in &f.function {
        let function = Function::parse(w)?;
        let last = values.get(&format!("last_{w}")).trim().to_string();
        functions.push(FunctionInput {
            function,
            since: None,
            last_exercised_on: (!last.is_empty()).then_some(last),
        });
    }
    Ok(PersonnelInput {
        employee_number: f.employee_number.clone(),
        full_name: f.full_name.clone(),
        site_id: f.site,
        account: Some(f.account.clone()).filter(|a| !a.trim().is_empty()),
        started_on: f.started_on.clone(),
        functions,
        active: f.active,
    })
}

fn held_of(f: &PersonFields, values: &FormData) -> Vec<(Function, String)> {
    f.function
        .iter()
        .filter_map(|w| {
            Function::parse(w)
                .ok()
                .map(|fun| (fun, values.get(&format!("last_{w}")).to_string()))
        })
        .collect()
}

pub async fn register(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, values }: Form<PersonFields>,
) -> Response {
    let party = user.0.subject.party_id;
    let result = match input_of(&fields, &values) {
        Ok(input) => {
            state
                .services
                .training()
                .register_person(&user.actor(), party, &input)
                .await
        }
        Err(e) => Err(e),
    };
    let held = held_of(&fields, &values);
    let site = fields.site.map(|s| s.to_string()).unwrap_or_default();
    after_form_post(
        result,
        values,
        "The person was not registered: see the fields marked.",
        |p| format!("/training/personnel/{}?notice=created", p.id),
        |message, form| async move {
            form_page(
                &state,
                &user,
                "Register a person",
                "/training/personnel".into(),
                form,
                held,
                &site,
                fields.active,
                Some(message),
            )
            .await
        },
    )
    .await
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
) -> PageResult {
    let p = state.services.training().person(&user.actor(), id).await?;
    let form = FormState::filled(&[
        ("employee_number", p.employee_number.clone()),
        ("full_name", p.full_name.clone()),
        ("started_on", p.started_on.clone()),
    ]);
    let held = p
        .functions
        .iter()
        .map(|f| (f.function, f.last_exercised_on.clone().unwrap_or_default()))
        .collect();
    form_page(
        &state,
        &user,
        &format!("Change {}", p.full_name),
        format!("/training/personnel/{id}/edit"),
        form,
        held,
        &p.site_id.map(|s| s.to_string()).unwrap_or_default(),
        p.active,
        None,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
    Form { fields, values }: Form<PersonFields>,
) -> Response {
    let result = match input_of(&fields, &values) {
        Ok(mut input) => {
            // The account is kept unless a new one is named: the form shows no user names.
            if input.account.is_none() {
                input.account = linked_account(&state, &user, id).await;
            }
            state
                .services
                .training()
                .update_person(&user.actor(), id, &input)
                .await
        }
        Err(e) => Err(e),
    };
    let held = held_of(&fields, &values);
    let site = fields.site.map(|s| s.to_string()).unwrap_or_default();
    after_form_post(
        result,
        values,
        "The person was not changed: see the fields marked.",
        |p| format!("/training/personnel/{}?notice=saved", p.id),
        |message, form| async move {
            form_page(
                &state,
                &user,
                "Change a person",
                format!("/training/personnel/{id}/edit"),
                form,
                held,
                &site,
                fields.active,
                Some(message),
            )
            .await
        },
    )
    .await
}

/// The user name of the account linked to a person of the register, if any.
async fn linked_account(state: &AppState, user: &Signed, id: i64) -> Option<String> {
    let p = state
        .services
        .training()
        .person(&user.actor(), id)
        .await
        .ok()?;
    let account = p.person_id?;
    state
        .services
        .person(&user.actor(), account)
        .await
        .ok()
        .map(|a| a.username)
}

#[derive(serde::Deserialize, Default)]
pub struct PersonQuery {
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "training/person.html")]
struct PersonPage {
    layout: Layout,
    p: PersonnelView,
    standings: Vec<StandingView>,
    records: Vec<RecordView>,
    checks: Vec<CheckView>,
    courses: Vec<Choice>,
    levels: Vec<Choice>,
    outcomes: Vec<Choice>,
    upload_query: String,
    record_state: FormState,
    check_state: FormState,
    today: String,
}

async fn person_page(
    state: &AppState,
    user: &Signed,
    id: i64,
    notice_key: Option<&str>,
    error: Option<String>,
    record_state: FormState,
    check_state: FormState,
) -> PageResult {
    let actor = user.actor();
    let t = state.services.training();
    let p = t.person(&actor, id).await?;
    let standings = t.standings(&actor, id).await?;
    let records = t.training_records(&actor, id).await?;
    let checks = t.background_checks(&actor, id).await?;
    // The courses of the person's functions, under the programme their employer holds them to.
    let courses = if p.allowed.update {
        let programme = t
            .additions(&actor, p.party_id)
            .await
            .map(|a| a.effective)
            .ok();
        let mut codes: Vec<(String, String)> = Vec::new();
        if let Some(programme) = &programme {
            for f in &p.functions {
                for code in programme.courses_of(f.function) {
                    if !codes.iter().any(|(c, _)| c == code) {
                        let title = programme
                            .course(code)
                            .map(|c| c.title.clone())
                            .unwrap_or_default();
                        codes.push((code.to_string(), format!("{code} — {title}")));
                    }
                }
            }
        }
        codes.sort();
        Choice::list(codes, record_state.value("course"))
    } else {
        Vec::new()
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render(
        status,
        &PersonPage {
            layout: Layout::new(p.full_name.clone(), user, "/training")
                .with_notice(notice(notice_key))
                .with_error(error),
            courses,
            levels: Choice::list(
                CheckLevel::ALL.iter().map(|l| (l.as_str(), l.label())),
                check_state.value("level"),
            ),
            outcomes: Choice::list(
                CheckOutcome::ALL.iter().map(|o| (o.as_str(), o.label())),
                check_state.value("outcome"),
            ),
            upload_query: format!("csrf_token={}", user.0.csrf_token),
            p,
            standings,
            records,
            checks,
            record_state,
            check_state,
            today: sems_domain::util::format_date(sems_domain::util::today()),
        },
    ))
}

pub async fn page(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
    PageQuery(q): PageQuery<PersonQuery>,
) -> PageResult {
    person_page(
        &state,
        &user,
        id,
        q.notice.as_deref(),
        None,
        FormState::default(),
        FormState::default(),
    )
    .await
}

/// Reads the record form (multipart: its evidence file travels with it).
async fn read_record_form(
    mut multipart: Multipart,
) -> (FormData, Option<sems_services::reports::NewAttachment>) {
    let mut values = Vec::new();
    let mut file = None;
    while let Ok(Some(f)) = multipart.next_field().await {
        let name = f.name().unwrap_or("").to_string();
        if name == "evidence" {
            let filename = f.file_name().unwrap_or("").to_string();
            if let Ok(bytes) = f.bytes().await {
                if !bytes.is_empty() {
                    file = Some(sems_services::reports::NewAttachment {
                        filename,
                        bytes: bytes.to_vec(),
                    });
                }
            }
        } else if let Ok(text) = f.text().await {
            values.push((name, text));
        }
    }
    (FormData(values), file)
}

pub async fn record_training(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
    multipart: Multipart,
) -> Response {
    let (values, file) = read_record_form(multipart).await;
    let hours = values.get("hours").trim().replace(',', ".");
    let score = values.get("score").trim().to_string();
    let result = match (hours.parse::<f64>(), score.parse::<f64>()) {
        (Err(_), _) => Err(ServiceError::from(sems_domain::ValidationError::new(
            "hours",
            format!("'{}' is not a number of hours", values.get("hours").trim()),
        ))),
        (_, Err(_)) if !score.is_empty() => Err(ServiceError::from(
            sems_domain::ValidationError::new("score", format!("'{score}' is not a number")),
        )),
        (Ok(hours), score) => {
            let input = RecordInput {
                course: values.get("course").to_string(),
                completed_on: values.get("completed_on").to_string(),
                hours,
                passed: values.get("result") != "failed",
                score: score.ok(),
                instructor: Some(values.get("instructor").to_string())
                    .filter(|s| !s.trim().is_empty()),
                provider: values.get("provider").to_string(),
            };
            state
                .services
                .training()
                .record_training(&user.actor(), id, &input, file)
                .await
        }
    };
    after_form_post(
        result,
        values,
        "The course was not recorded: see the fields marked.",
        |_| format!("/training/personnel/{id}?notice=recorded-training"),
        |message, form| async move {
            person_page(
                &state,
                &user,
                id,
                None,
                Some(message),
                form,
                FormState::default(),
            )
            .await
        },
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct CheckFields {
    #[serde(default)]
    level: String,
    #[serde(default)]
    completed_on: String,
    #[serde(default)]
    valid_until: String,
    #[serde(default)]
    outcome: String,
}

pub async fn record_check(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
    Form { fields, values }: Form<CheckFields>,
) -> Response {
    let result = match (
        CheckLevel::parse(&fields.level),
        CheckOutcome::parse(&fields.outcome),
    ) {
        (Ok(level), Ok(outcome)) => {
            state
                .services
                .training()
                .record_check(
                    &user.actor(),
                    id,
                    &CheckInput {
                        level,
                        completed_on: fields.completed_on.clone(),
                        valid_until: fields.valid_until.clone(),
                        outcome,
                    },
                )
                .await
        }
        (Err(e), _) | (_, Err(e)) => Err(e.into()),
    };
    after_form_post(
        result,
        values,
        "The check was not recorded: see the fields marked.",
        |_| format!("/training/personnel/{id}?notice=recorded-check"),
        |message, form| async move {
            person_page(
                &state,
                &user,
                id,
                None,
                Some(message),
                FormState::default(),
                form,
            )
            .await
        },
    )
    .await
}

pub async fn evidence(
    State(state): State<AppState>,
    user: Signed,
    ApiPath((id, record)): ApiPath<(i64, i64)>,
) -> Response {
    match state
        .services
        .training()
        .training_evidence(&user.actor(), id, record)
        .await
    {
        Ok(bytes) => {
            sems_web_kit::export::stored_file(&format!("training-record-{record}-evidence"), bytes)
        }
        Err(e) => service_error(e),
    }
}
