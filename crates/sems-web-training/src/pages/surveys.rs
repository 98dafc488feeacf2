//! Culture surveys on the web: an organisation's surveys and the launch form, the links shown
//! once after a launch (to print and hand out), a survey's results with the actions its weak
//! themes may open, the organisation's trend, the authority's national picture, and the
//! public page a person invited answers on, on a phone, without an account.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use sems_domain::access::RecordKind;
use sems_domain::page::PageRequest;
use sems_domain::training::survey::{Question, Theme};
use sems_domain::training::Function;
use sems_services::training::surveys::{
    AnswerInput, ItemInput, Launched, NationalCulture, PublicSurvey, SurveyInput, SurveyResults,
    SurveyView, TrendPoint,
};
use sems_storage::sites::SiteFilter;
use sems_storage::training::surveys::SurveyFilter;
use sems_web_kit::api::ApiPath;
use sems_web_kit::charts::{bars_svg, Bar};
use sems_web_kit::form::{field, Form};
use sems_web_kit::pages::{
    after_form_post, after_post, notice, render, service_error, Choice, FormState, Layout,
    PageQuery, PageResult, Pager,
};
use sems_web_kit::session::{Auth, Signed};
use sems_web_kit::AppState;

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    page: Option<u32>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "training/surveys.html")]
struct ListPage {
    layout: Layout,
    surveys: Vec<SurveyView>,
    pager: Pager,
    may_launch: bool,
    state: FormState,
    sites: Vec<Choice>,
    functions: Vec<Choice>,
    trend: String,
    bank: Vec<Question>,
}

async fn list_page(
    state: &AppState,
    user: &Signed,
    q: &ListQuery,
    form: FormState,
    error: Option<String>,
) -> PageResult {
    let actor = user.actor();
    let t = state.services.training();
    let party = user.0.subject.party_id;
    let page = t
        .surveys(
            &actor,
            &SurveyFilter {
                party_id: Some(party),
                ..Default::default()
            },
            PageRequest::new(q.page, None),
        )
        .await?;
    let may_launch = sems_services::allowed_in_own_party(&actor, RecordKind::CultureSurvey).create;
    let sites = state
        .services
        .sites(
            &actor,
            &SiteFilter {
                party_id: Some(party),
                ..Default::default()
            },
            PageRequest::new(None, Some(sems_domain::page::MAX_PER_PAGE)),
        )
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let trend = t.culture_trend(&actor, party).await.unwrap_or_default();
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ListPage {
            layout: Layout::new("Security culture surveys", user, "/training")
                .with_notice(notice(q.notice.as_deref()))
                .with_error(error),
            pager: Pager::new(&page, "/training/surveys", &[]),
            surveys: page.items,
            may_launch,
            sites: Choice::list(
                sites.into_iter().map(|s| (s.id, s.name)),
                form.value("site"),
            ),
            functions: super::function_choices(super::word(
                &Some(form.value("function").to_string()),
                Function::parse,
            )),
            state: form,
            trend: trend_chart(&trend),
            bank: if may_launch {
                t.question_bank(&actor).await.unwrap_or_default()
            } else {
                Vec::new()
            },
        },
    ))
}

fn trend_chart(points: &[TrendPoint]) -> String {
    if points.is_empty() {
        return String::new();
    }
    let bars: Vec<Bar> = points
        .iter()
        .map(|p| Bar {
            label: format!("{} ({})", p.closes_on, p.title),
            value: p.index,
            shown: format!("{:.0} · {} answers", p.index, p.answered),
        })
        .collect();
    bars_svg(&bars, 100.0, "Culture index per survey", "culture-trend")
}

pub async fn list(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    list_page(&state, &user, &q, FormState::default(), None).await
}

#[derive(serde::Deserialize)]
pub struct LaunchFields {
    #[serde(default)]
    title: String,
    #[serde(default, deserialize_with = "field::id")]
    site: Option<i64>,
    #[serde(default)]
    function: String,
    #[serde(default)]
    opens_on: String,
    #[serde(default)]
    closes_on: String,
    #[serde(default)]
    question: Vec<String>,
}

#[derive(Template)]
#[template(path = "training/survey_launched.html")]
struct LaunchedPage {
    layout: Layout,
    l: Launched,
    base: String,
}

pub async fn launch(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, values }: Form<LaunchFields>,
) -> Response {
    let function = if fields.function.trim().is_empty() {
        Ok(None)
    } else {
        Function::parse(&fields.function).map(Some)
    };
    let result = match function {
        Ok(function) => {
            state
                .services
                .training()
                .launch_survey(
                    &user.actor(),
                    user.0.subject.party_id,
                    &SurveyInput {
                        title: fields.title.clone(),
                        site_id: fields.site,
                        function,
                        opens_on: fields.opens_on.clone(),
                        closes_on: fields.closes_on.clone(),
                        questions: (!fields.question.is_empty()).then(|| fields.question.clone()),
                    },
                )
                .await
        }
        Err(e) => Err(e.into()),
    };
    match result {
        // The links are shown once, here: a redirect would lose them.
        Ok(l) => render(
            StatusCode::CREATED,
            &LaunchedPage {
                layout: Layout::new("Survey launched", &user, "/training"),
                base: state.config.public_url.clone().unwrap_or_default(),
                l,
            },
        ),
        Err(e) => {
            after_form_post(
                Err::<(), _>(e),
                values,
                "The survey was not launched: see the fields marked.",
                |_| String::new(),
                |message, form| async move {
                    list_page(&state, &user, &ListQuery::default(), form, Some(message)).await
                },
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "training/survey.html")]
struct ResultsPage {
    layout: Layout,
    r: SurveyResults,
    chart: String,
}

pub async fn page(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    results_page(&state, &user, id, q.notice.as_deref(), None).await
}

async fn results_page(
    state: &AppState,
    user: &Signed,
    id: i64,
    notice_key: Option<&str>,
    error: Option<String>,
) -> PageResult {
    let r = state
        .services
        .training()
        .survey_results(&user.actor(), id)
        .await?;
    let bars: Vec<Bar> = r
        .themes
        .iter()
        .map(|t| Bar {
            label: t.label.to_string(),
            value: t.index,
            shown: format!("{:.0}", t.index),
        })
        .collect();
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ResultsPage {
            layout: Layout::new(r.survey.title.clone(), user, "/training")
                .with_notice(notice(notice_key))
                .with_error(error),
            chart: if bars.is_empty() {
                String::new()
            } else {
                bars_svg(&bars, 100.0, "Index per theme", "theme-chart")
            },
            r,
        },
    ))
}

pub async fn close(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
) -> Response {
    let result = state
        .services
        .training()
        .close_survey(&user.actor(), id)
        .await;
    after_post(
        result,
        |_| format!("/training/surveys/{id}?notice=saved"),
        |message| async move { results_page(&state, &user, id, None, Some(message)).await },
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct ThemeFields {
    #[serde(default)]
    theme: String,
}

pub async fn theme_action(
    State(state): State<AppState>,
    user: Signed,
    ApiPath(id): ApiPath<i64>,
    Form { fields, .. }: Form<ThemeFields>,
) -> Response {
    let result = match Theme::parse(&fields.theme) {
        Ok(theme) => {
            state
                .services
                .training()
                .open_theme_action(&user.actor(), id, theme)
                .await
        }
        Err(e) => Err(e.into()),
    };
    after_post(
        result,
        |action| format!("/actions/{action}"),
        |message| async move { results_page(&state, &user, id, None, Some(message)).await },
    )
    .await
}

#[derive(Template)]
#[template(path = "training/culture_national.html")]
struct NationalPage {
    layout: Layout,
    n: NationalCulture,
    chart: String,
}

pub async fn national(State(state): State<AppState>, user: Signed) -> PageResult {
    let n = state
        .services
        .training()
        .national_culture(&user.actor())
        .await?;
    let bars: Vec<Bar> = n
        .themes
        .iter()
        .map(|t| Bar {
            label: t.label.to_string(),
            value: t.index,
            shown: format!("{:.0}", t.index),
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &NationalPage {
            layout: Layout::new("Security culture: national picture", &user, "/training"),
            chart: if bars.is_empty() {
                String::new()
            } else {
                bars_svg(&bars, 100.0, "National index per theme", "theme-chart")
            },
            n,
        },
    ))
}

/// The public page: the questions of the survey a link invites to.
#[derive(Template)]
#[template(path = "training/survey_answer.html")]
struct AnswerPage {
    layout: Layout,
    s: Option<PublicSurvey>,
    action: String,
    state: FormState,
    done: bool,
}

fn action_with_csrf(path: &str, auth: &Auth) -> String {
    match auth.csrf_token() {
        Some(t) => format!("{path}?csrf_token={t}"),
        None => path.to_string(),
    }
}

pub async fn answer_form(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    ApiPath(token): ApiPath<String>,
) -> Response {
    match state.services.training().public_survey(&token).await {
        Ok(s) => render(
            StatusCode::OK,
            &AnswerPage {
                layout: Layout::public(s.title.clone(), auth.csrf_token().map(str::to_string)),
                action: action_with_csrf(&format!("/survey/{token}"), &auth),
                s: Some(s),
                state: FormState::default(),
                done: false,
            },
        ),
        Err(e) => closed_or_used(&auth, e),
    }
}

/// A link that cannot answer: said plainly, on the same public frame.
fn closed_or_used(auth: &Auth, e: sems_services::ServiceError) -> Response {
    use sems_services::ServiceError;
    let (status, message) = match &e {
        ServiceError::Conflict(m) => (StatusCode::CONFLICT, m.clone()),
        ServiceError::NotFound(_) => (
            StatusCode::NOT_FOUND,
            "This survey link is not known: check that it was copied whole.".to_string(),
        ),
        _ => return service_error(e),
    };
    let mut page = render(
        status,
        &AnswerPage {
            layout: Layout::public(
                "Security culture survey",
                auth.csrf_token().map(str::to_string),
            )
            .with_error(Some(message)),
            s: None,
            action: String::new(),
            state: FormState::default(),
            done: false,
        },
    );
    *page.status_mut() = status;
    page
}

pub async fn answer(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    ApiPath(token): ApiPath<String>,
    Form { values, .. }: Form<std::collections::BTreeMap<String, String>>,
) -> Response {
    let t = state.services.training();
    let survey = match t.public_survey(&token).await {
        Ok(s) => s,
        Err(e) => return closed_or_used(&auth, e),
    };
    let mut answers = Vec::new();
    for q in &survey.questions {
        if let Ok(v) = values.get(&q.code).trim().parse::<u8>() {
            answers.push(ItemInput {
                code: q.code.clone(),
                value: v,
            });
        }
    }
    let input = AnswerInput {
        answers,
        free_text: values.get("free_text").to_string(),
    };
    match t.answer_survey(&token, &input).await {
        Ok(()) => render(
            StatusCode::OK,
            &AnswerPage {
                layout: Layout::public("Thank you", None),
                s: None,
                action: String::new(),
                state: FormState::default(),
                done: true,
            },
        ),
        Err(e @ sems_services::ServiceError::Validation(_)) => {
            let form = FormState::refused(values, &e);
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &AnswerPage {
                    layout: Layout::public(
                        survey.title.clone(),
                        auth.csrf_token().map(str::to_string),
                    )
                    .with_error(Some(
                        "Some questions are not answered yet: see the marks below.".into(),
                    )),
                    action: action_with_csrf(&format!("/survey/{token}"), &auth),
                    s: Some(survey),
                    state: form,
                    done: false,
                },
            )
        }
        Err(e) => closed_or_used(&auth, e),
    }
}
