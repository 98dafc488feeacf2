//! Alerts: the list one may read, one alert with the sentence that says why it fired, its
//! corrective action, and its acknowledgement.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use sems_domain::performance::alerts::AlertStatus;
use sems_services::performance::alerts::{AcknowledgeInput, AlertView};
use sems_storage::performance::alerts::AlertFilter;
use sems_web_kit::form::Form;
use sems_web_kit::pages::{notice, render, when, Choice, Layout, PageQuery, PageResult, Pager};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

#[derive(serde::Deserialize, Default)]
pub struct Params {
    page: Option<u32>,
    status: Option<String>,
    party: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "performance/alerts.html")]
struct ListPage {
    layout: Layout,
    alerts: Vec<AlertView>,
    pager: Pager,
    statuses: Vec<Choice>,
}

pub async fn list(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    let t = |v: &Option<String>| v.clone().unwrap_or_default();
    let filter = AlertFilter {
        party_id: p.party.as_deref().and_then(|s| s.trim().parse().ok()),
        indicator_id: None,
        status: p.status.as_deref().and_then(|s| AlertStatus::parse(s).ok()),
    };
    let page = state
        .services
        .performance()
        .alerts(
            &user.actor(),
            &filter,
            sems_domain::page::PageRequest::new(p.page, None),
        )
        .await?;
    let query = [("status", t(&p.status)), ("party", t(&p.party))];
    Ok(render(
        StatusCode::OK,
        &ListPage {
            layout: Layout::new("Security performance alerts", &user, "/performance"),
            pager: Pager::new(&page, "/performance/alerts", &query),
            alerts: page.items,
            statuses: Choice::list(
                AlertStatus::ALL.iter().map(|s| (s.as_str(), s.label())),
                &t(&p.status),
            ),
        },
    ))
}

#[derive(Template)]
#[template(path = "performance/alert.html")]
struct AlertPage {
    layout: Layout,
    a: AlertView,
    raised: String,
    acknowledged: String,
}

async fn alert_page(
    state: &AppState,
    user: &Signed,
    id: i64,
    notice_key: Option<&str>,
    error: Option<String>,
) -> PageResult {
    let a = state
        .services
        .performance()
        .alert(&user.actor(), id)
        .await?;
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &AlertPage {
            layout: Layout::new(
                format!("Alert on {} ({})", a.indicator_code, a.period),
                user,
                "/performance",
            )
            .with_notice(notice(notice_key))
            .with_error(error),
            raised: when(a.raised_at_ms),
            acknowledged: a.acknowledged_at_ms.map(when).unwrap_or_default(),
            a,
        },
    ))
}

pub async fn page(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    alert_page(&state, &user, id, p.notice.as_deref(), None).await
}

#[derive(serde::Deserialize)]
pub struct AcknowledgeForm {
    #[serde(default)]
    note: String,
}

pub async fn acknowledge(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<AcknowledgeForm>,
) -> Response {
    let result = state
        .services
        .performance()
        .acknowledge_alert(&user.actor(), id, &AcknowledgeInput { note: fields.note })
        .await;
    sems_web_kit::pages::after_post(
        result,
        |_| format!("/performance/alerts/{id}?notice=saved"),
        |message| alert_page(&state, &user, id, None, Some(message)),
    )
    .await
}
