//! The issuer's distribution lists: each entry an audience with the reason its members need to
//! know and an expiry; the highest marking the list may carry; reviewed every year, the lists
//! past their review shown first.

use super::{audience_choices, audience_of, levels, AudienceChoices, AudienceFields};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sems_services::sharing::inbox::{ListEntryInput, ListInput, ListView};
use sems_services::ServiceError;
use sems_web_kit::form::Form;
use sems_web_kit::pages::{
    after_post, notice, render, Choice, Layout, PageQuery, PageResult, Pager,
};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

#[derive(serde::Deserialize, Default)]
pub struct ListsQuery {
    page: Option<u32>,
    review: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "sharing/lists.html")]
struct ListsPage {
    layout: Layout,
    rows: Vec<ListView>,
    pager: Pager,
    due_only: bool,
    levels: Vec<Choice>,
}

async fn lists_page(
    state: &AppState,
    user: &Signed,
    q: ListsQuery,
    error: Option<String>,
) -> PageResult {
    let due_only = q.review.as_deref() == Some("due");
    let page = state
        .services
        .sharing()
        .distribution_lists(
            &user.actor(),
            due_only,
            sems_domain::page::PageRequest::new(q.page, None),
        )
        .await?;
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ListsPage {
            layout: Layout::new("Distribution lists", user, "/sharing")
                .with_notice(notice(q.notice.as_deref()))
                .with_error(error),
            pager: Pager::new(
                &page,
                "/sharing/lists",
                &[("review", q.review.clone().unwrap_or_default())],
            ),
            rows: page.items,
            due_only,
            levels: levels(state, ""),
        },
    ))
}

pub async fn list(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<ListsQuery>,
) -> PageResult {
    lists_page(&state, &user, q, None).await
}

#[derive(serde::Deserialize)]
pub struct ListFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    highest_classification: String,
}

pub async fn create(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<ListFields>,
) -> Response {
    let input = ListInput {
        name: fields.name,
        highest_classification: Some(fields.highest_classification),
    };
    let result = state
        .services
        .sharing()
        .create_distribution_list(&user.actor(), &input)
        .await;
    after_post(
        result,
        |l| format!("/sharing/lists/{}?notice=created", l.id),
        |m| async move {
            match lists_page(&state, &user, ListsQuery::default(), Some(m)).await {
                Ok(r) => r,
                Err(e) => e.into_response(),
            }
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "sharing/list.html")]
struct ListPage {
    layout: Layout,
    list: ListView,
    audience: AudienceChoices,
}

async fn list_page(
    state: &AppState,
    user: &Signed,
    id: i64,
    notice_key: Option<&str>,
    error: Option<String>,
) -> PageResult {
    let list = state
        .services
        .sharing()
        .distribution_list(&user.actor(), id)
        .await?;
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ListPage {
            layout: Layout::new(list.name.clone(), user, "/sharing")
                .with_notice(notice(notice_key))
                .with_error(error),
            audience: audience_choices(state, user).await,
            list,
        },
    ))
}

pub async fn page(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<ListsQuery>,
) -> PageResult {
    list_page(&state, &user, id, q.notice.as_deref(), None).await
}

async fn again(state: &AppState, user: &Signed, id: i64, message: String) -> Response {
    match list_page(state, user, id, None, Some(message)).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

#[derive(serde::Deserialize)]
pub struct EntryFields {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    expires_on: String,
}

/// One entry: the form names exactly one audience.
pub async fn add_entry(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, values }: Form<EntryFields>,
) -> Response {
    let result = match audience_of(&state, &AudienceFields::of(&values)).await {
        Ok(mut audience) if audience.len() == 1 => {
            let input = ListEntryInput {
                audience: audience.remove(0),
                reason: fields.reason,
                expires_on: Some(fields.expires_on).filter(|s| !s.trim().is_empty()),
            };
            state
                .services
                .sharing()
                .add_list_entry(&user.actor(), id, &input)
                .await
        }
        Ok(_) => Err(ServiceError::from(sems_domain::ValidationError::new(
            "audience",
            "an entry names one audience: add them one by one",
        ))),
        Err(e) => Err(e),
    };
    after_post(
        result,
        |_| format!("/sharing/lists/{id}?notice=saved"),
        |m| again(&state, &user, id, m),
    )
    .await
}

pub async fn remove_entry(
    State(state): State<AppState>,
    user: Signed,
    Path((id, entry)): Path<(i64, i64)>,
) -> Response {
    let result = state
        .services
        .sharing()
        .remove_list_entry(&user.actor(), id, entry)
        .await;
    after_post(
        result,
        |_| format!("/sharing/lists/{id}?notice=saved"),
        |m| again(&state, &user, id, m),
    )
    .await
}

pub async fn review(State(state): State<AppState>, user: Signed, Path(id): Path<i64>) -> Response {
    let result = state
        .services
        .sharing()
        .review_distribution_list(&user.actor(), id)
        .await;
    after_post(
        result,
        |_| format!("/sharing/lists/{id}?notice=saved"),
        |m| again(&state, &user, id, m),
    )
    .await
}
