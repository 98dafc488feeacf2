//! The training home page and the due list: for the keepers of an organisation's register,
//! what is due, overdue, in grace or lapsed, most urgent first, with the organisation's
//! figures; for the authority, the national view; for everyone else, their own record.

use super::{currency_choices, function_choices, requirement_choices, word};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sems_domain::access::RecordKind;
use sems_domain::page::PageRequest;
use sems_domain::training::assess::RequirementKind;
use sems_domain::training::currency::Currency;
use sems_domain::training::Function;
use sems_services::training::compliance::{ComplianceFigures, StandingView};
use sems_services::training::personnel::PersonnelView;
use sems_services::training::TrainingServices;
use sems_storage::training::personnel::PersonnelFilter;
use sems_storage::training::standings::DueFilter;
use sems_web_kit::pages::{
    notice, render, service_error, Choice, Layout, PageQuery, PageResult, Pager,
};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

#[derive(serde::Deserialize, Default)]
pub struct DueQuery {
    page: Option<u32>,
    party: Option<String>,
    site: Option<String>,
    function: Option<String>,
    requirement: Option<String>,
    currency: Option<String>,
    notice: Option<String>,
}

impl DueQuery {
    fn filter(&self) -> DueFilter {
        DueFilter {
            party_id: sems_web_kit::pages::ListQuery::id(&self.party),
            site_id: sems_web_kit::pages::ListQuery::id(&self.site),
            personnel_id: None,
            function: word(&self.function, Function::parse),
            kind: word(&self.requirement, RequirementKind::parse),
            currency: word(&self.currency, Currency::parse),
        }
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![
            ("party", text(&self.party)),
            ("site", text(&self.site)),
            ("function", text(&self.function)),
            ("requirement", text(&self.requirement)),
            ("currency", text(&self.currency)),
        ]
    }
}

#[derive(Template)]
#[template(path = "training/due.html")]
struct DuePage {
    layout: Layout,
    rows: Vec<StandingView>,
    pager: Pager,
    functions: Vec<Choice>,
    requirements: Vec<Choice>,
    currencies: Vec<Choice>,
    party: String,
    export: String,
    figures: Option<ComplianceFigures>,
    may_keep: bool,
}

#[derive(Template)]
#[template(path = "training/mine.html")]
struct MinePage {
    layout: Layout,
    records: Vec<PersonnelView>,
}

/// Whether the reader keeps their organisation's register (its training officer, its
/// security manager).
pub(crate) fn keeps_register(user: &Signed) -> bool {
    sems_services::allowed_in_own_party(&user.actor(), RecordKind::Personnel).create
}

pub async fn home(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<DueQuery>,
) -> Response {
    if keeps_register(&user) {
        return match due_page(&state, &user, q, true).await {
            Ok(r) => r,
            Err(e) => e.into_response(),
        };
    }
    let actor = user.actor();
    if TrainingServices::sees_national_compliance(&actor) {
        return Redirect::to("/training/national").into_response();
    }
    // Everyone else: their own training, as the register holds it.
    match state
        .services
        .training()
        .personnel(
            &actor,
            &PersonnelFilter::default(),
            PageRequest::new(None, None),
        )
        .await
    {
        Ok(page) => render(
            StatusCode::OK,
            &MinePage {
                layout: Layout::new("My training", &user, "/training")
                    .with_notice(notice(q.notice.as_deref())),
                records: page.items,
            },
        ),
        Err(e) => service_error(e),
    }
}

pub async fn list(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<DueQuery>,
) -> PageResult {
    due_page(&state, &user, q, false).await
}

async fn due_page(state: &AppState, user: &Signed, q: DueQuery, home: bool) -> PageResult {
    let actor = user.actor();
    let t = state.services.training();
    let page = t
        .due_list(&actor, &q.filter(), PageRequest::new(q.page, None))
        .await?;
    let figures = if home {
        Some(t.compliance(&actor, user.0.subject.party_id).await?.figures)
    } else {
        None
    };
    let query = q.query();
    let base = if home { "/training" } else { "/training/due" };
    Ok(render(
        StatusCode::OK,
        &DuePage {
            layout: Layout::new(
                if home { "Training" } else { "Due and overdue" },
                user,
                "/training",
            )
            .with_notice(notice(q.notice.as_deref())),
            pager: Pager::new(&page, base, &query),
            rows: page.items,
            functions: function_choices(word(&q.function, Function::parse)),
            requirements: requirement_choices(word(&q.requirement, RequirementKind::parse)),
            currencies: currency_choices(word(&q.currency, Currency::parse)),
            party: q.party.clone().unwrap_or_default(),
            export: format!(
                "/training/due.csv?{}",
                sems_web_kit::pages::query_string(&query)
            ),
            figures,
            may_keep: keeps_register(user),
        },
    ))
}

/// The due list as CSV, every page of it.
pub async fn export_csv(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<DueQuery>,
) -> Response {
    let actor = user.actor();
    let filter = q.filter();
    let t = state.services.training();
    let rows = sems_web_kit::export::all_pages(|p| t.due_list(&actor, &filter, p)).await;
    match rows {
        Ok(rows) => sems_web_kit::export::csv_download(
            "training-due.csv",
            &[
                "Employee number",
                "Name",
                "Organisation",
                "Site",
                "Function",
                "Requirement",
                "Course",
                "Standing",
                "Due",
                "Lapses",
                "Detail",
            ],
            rows.into_iter().map(|r| {
                vec![
                    r.employee_number,
                    r.full_name,
                    r.party_name,
                    r.site_name.unwrap_or_default(),
                    r.function_label.to_string(),
                    r.requirement_label.to_string(),
                    r.course,
                    r.currency_label.to_string(),
                    r.due_on.unwrap_or_default(),
                    r.lapses_on.unwrap_or_default(),
                    r.detail,
                ]
            }),
        ),
        Err(e) => service_error(e),
    }
}
