//! Need-to-know groups.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use sems_domain::access::RecordKind;
use sems_web_kit::form::Form;
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{
    after_post, notice, render, service_error, Layout, ListQuery, PageQuery, Pager,
};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

use sems_services::groups::GroupInput;
use sems_services::ServiceError;
use sems_storage::groups::NeedToKnowGroup;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/groups", get(list).post(create))
        .route("/groups/{id}", get(show))
        .route("/groups/{id}/members", post(add_member))
        .route(
            "/groups/{id}/members/{person_id}/remove",
            post(remove_member),
        )
}

#[derive(Template)]
#[template(path = "platform/groups.html")]
struct ListPage {
    layout: Layout,
    items: Vec<NeedToKnowGroup>,
    pager: Pager,
    can_create: bool,
    /// The classification scheme's levels, for the highest marking.
    levels: Vec<String>,
}

fn can_create(user: &Signed) -> bool {
    sems_services::allowed_in_own_party(&user.actor(), RecordKind::NeedToKnowGroup).create
}

async fn list(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<ListQuery>,
) -> Response {
    list_page(&state, &user, q, None).await
}

async fn list_page(
    state: &AppState,
    user: &Signed,
    q: ListQuery,
    error: Option<String>,
) -> Response {
    match state.services.groups(&user.actor(), q.page_request()).await {
        Ok(page) => render(
            if error.is_some() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            },
            &ListPage {
                layout: Layout::new("Need-to-know groups", user, "/groups")
                    .with_notice(notice(q.notice.as_deref()))
                    .with_error(error),
                pager: Pager::new(&page, "/groups", &[]),
                items: page.items,
                can_create: can_create(user),
                levels: state.services.classification.levels().to_vec(),
            },
        ),
        Err(e) => service_error(e),
    }
}

/// The new-group form.
#[derive(serde::Deserialize)]
struct GroupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    highest_classification: String,
}

impl From<GroupForm> for GroupInput {
    fn from(f: GroupForm) -> Self {
        Self {
            name: f.name,
            description: f.description,
            highest_classification: Some(f.highest_classification),
        }
    }
}

async fn create(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<GroupForm>,
) -> Response {
    let result = state
        .services
        .create_group(&user.actor(), user.0.subject.party_id, &fields.into())
        .await;
    after_post(
        result,
        |g| format!("/groups/{}?notice=created", g.id),
        |message| list_page(&state, &user, ListQuery::default(), Some(message)),
    )
    .await
}

#[derive(Template)]
#[template(path = "platform/group.html")]
struct ShowPage {
    layout: Layout,
    group: NeedToKnowGroup,
    members: Vec<sems_storage::Named>,
    can_edit: bool,
    /// The highest marking its members may receive, named; empty: no limit.
    highest: String,
}

async fn show_page(
    state: &AppState,
    user: &Signed,
    id: i64,
    error: Option<String>,
    notice_key: Option<&str>,
) -> Response {
    match state.services.group(&user.actor(), id).await {
        Ok(view) => {
            let (group, members, can_edit) = (view.group, view.members, view.allowed.update);
            render(
                if error.is_some() {
                    StatusCode::UNPROCESSABLE_ENTITY
                } else {
                    StatusCode::OK
                },
                &ShowPage {
                    layout: Layout::new(group.name.clone(), user, "/groups")
                        .with_error(error)
                        .with_notice(notice(notice_key)),
                    highest: group
                        .highest_classification
                        .map(|r| state.services.classification.name(r).to_string())
                        .unwrap_or_default(),
                    group,
                    members,
                    can_edit,
                },
            )
        }
        Err(e) => service_error(e),
    }
}

async fn show(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<ListQuery>,
) -> Response {
    show_page(&state, &user, id, None, q.notice.as_deref()).await
}

/// The person to add to a group, by user name.
#[derive(serde::Deserialize)]
struct MemberForm {
    #[serde(default)]
    username: String,
}

async fn add_member(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<MemberForm>,
) -> PageResult {
    let username = fields.username.trim().to_lowercase();
    let person = match state.services.find_person_by_username(&username).await {
        Ok(p) => p,
        Err(e @ ServiceError::NotFound(_)) => {
            return Ok(show_page(
                &state,
                &user,
                id,
                Some(format!(
                    "{}: {}",
                    username,
                    sems_web_kit::error::classify(&e).1
                )),
                None,
            )
            .await)
        }
        Err(e) => return Err(e.into()),
    };
    match state
        .services
        .change_group_member(&user.actor(), id, person, true)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/groups/{id}?notice=member-added")).into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn remove_member(
    State(state): State<AppState>,
    user: Signed,
    Path((id, person_id)): Path<(i64, i64)>,
) -> Response {
    match state
        .services
        .change_group_member(&user.actor(), id, person_id, false)
        .await
    {
        Ok(()) => Redirect::to(&format!("/groups/{id}?notice=member-removed")).into_response(),
        Err(e) => service_error(e),
    }
}
