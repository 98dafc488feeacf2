//! Sites of organisations.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use sems_domain::access::RecordKind;
use sems_services::sites::SiteInput;
use sems_storage::parties::Party;
use sems_storage::sites::{Site, SiteFilter};
use sems_web_kit::form::{field, Form};
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{
    after_post, notice, render, visible_parties, Choice, Layout, ListQuery, PageQuery, Pager,
};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sites", get(list).post(create))
        .route("/sites/new", get(new_form))
        .route("/sites/{id}", get(show).post(update))
}

#[derive(Template)]
#[template(path = "platform/sites.html")]
struct ListPage {
    layout: Layout,
    items: Vec<Site>,
    pager: Pager,
    q: String,
    party: String,
    inactive: bool,
    parties: Vec<Choice>,
    can_create: bool,
}

async fn creatable_parties(state: &AppState, user: &Signed) -> Vec<Party> {
    visible_parties(state, user)
        .await
        .into_iter()
        .filter(|p| {
            !p.kind.is_authority()
                && sems_services::allowed_new(&user.actor(), RecordKind::Site, p).create
        })
        .collect()
}

async fn list(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let filter = SiteFilter {
        party_id: ListQuery::id(&q.party),
        search: q.q.clone(),
        include_inactive: q.inactive.is_some(),
    };
    let page = state
        .services
        .sites(&user.actor(), &filter, q.page_request())
        .await?;
    let parties = visible_parties(&state, &user).await;
    let pager = Pager::new(
        &page,
        "/sites",
        &[
            ("q", ListQuery::text(&q.q)),
            ("party", ListQuery::text(&q.party)),
            ("inactive", ListQuery::text(&q.inactive)),
        ],
    );
    Ok(render(
        StatusCode::OK,
        &ListPage {
            layout: Layout::new("Sites", &user, "/sites").with_notice(notice(q.notice.as_deref())),
            can_create: !creatable_parties(&state, &user).await.is_empty(),
            items: page.items,
            pager,
            q: ListQuery::text(&q.q),
            party: ListQuery::text(&q.party),
            inactive: q.inactive.is_some(),
            parties: Choice::list(
                parties
                    .iter()
                    .filter(|p| !p.kind.is_authority())
                    .map(|p| (p.id, p.name.clone())),
                &ListQuery::text(&q.party),
            ),
        },
    ))
}

#[derive(Template)]
#[template(path = "platform/site_form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    parties: Vec<Party>,
    party_id: i64,
    name: String,
    location: String,
    active: bool,
    editing: bool,
}

#[derive(serde::Deserialize)]
struct NewQuery {
    party: Option<i64>,
}

async fn new_form(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<NewQuery>,
) -> Response {
    let parties = creatable_parties(&state, &user).await;
    if parties.is_empty() {
        return sems_web_kit::pages::error_page(
            StatusCode::FORBIDDEN,
            "Your roles do not allow adding sites.",
        );
    }
    let party_id = q
        .party
        .filter(|id| parties.iter().any(|p| p.id == *id))
        .unwrap_or(parties[0].id);
    render(
        StatusCode::OK,
        &FormPage {
            layout: Layout::new("Add a site", &user, "/sites"),
            action: "/sites".into(),
            parties,
            party_id,
            name: String::new(),
            location: String::new(),
            active: true,
            editing: false,
        },
    )
}

/// The new-site form, with the organisation it belongs to.
#[derive(serde::Deserialize)]
struct NewSiteForm {
    #[serde(default, deserialize_with = "field::id")]
    party_id: Option<i64>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    location: String,
}

async fn create(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<NewSiteForm>,
) -> Response {
    let party_id = fields.party_id.unwrap_or(0);
    let input = SiteInput {
        name: fields.name,
        location: fields.location,
        active: None,
    };
    let result = state
        .services
        .create_site(&user.actor(), party_id, &input)
        .await;
    after_post(
        result,
        |s| format!("/sites/{}?notice=created", s.id),
        |message| async move {
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    layout: Layout::new("Add a site", &user, "/sites").with_error(Some(message)),
                    action: "/sites".into(),
                    parties: creatable_parties(&state, &user).await,
                    party_id,
                    name: input.name,
                    location: input.location,
                    active: true,
                    editing: false,
                },
            )
        },
    )
    .await
}

async fn show_page(
    state: &AppState,
    user: &Signed,
    id: i64,
    error: Option<String>,
    notice_key: Option<&str>,
) -> PageResult {
    let (site, can_edit) = match state.services.site_view(&user.actor(), id).await {
        Ok(v) => (v.record, v.allowed.update),
        Err(e) => return Err(e.into()),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let layout = Layout::new(site.name.clone(), user, "/sites")
        .with_error(error)
        .with_notice(notice(notice_key));
    if can_edit {
        Ok(render(
            status,
            &FormPage {
                layout,
                action: format!("/sites/{id}"),
                parties: Vec::new(),
                party_id: site.party_id,
                name: site.name,
                location: site.location,
                active: site.active,
                editing: true,
            },
        ))
    } else {
        Ok(render(status, &SitePage { layout, site }))
    }
}

#[derive(Template)]
#[template(path = "platform/site.html")]
struct SitePage {
    layout: Layout,
    site: Site,
}

async fn show(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    show_page(&state, &user, id, None, q.notice.as_deref()).await
}

/// The change form of a site's page.
#[derive(serde::Deserialize)]
struct SiteForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    location: String,
    #[serde(default, deserialize_with = "field::checkbox")]
    active: bool,
}

impl From<SiteForm> for SiteInput {
    fn from(f: SiteForm) -> Self {
        Self {
            name: f.name,
            location: f.location,
            active: Some(f.active),
        }
    }
}

async fn update(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<SiteForm>,
) -> Response {
    let result = state
        .services
        .update_site(&user.actor(), id, &fields.into())
        .await;
    after_post(
        result,
        |_| format!("/sites/{id}?notice=saved"),
        |message| show_page(&state, &user, id, Some(message), None),
    )
    .await
}
