//! The inbox (unread, to acknowledge, to implement, overdue: on a phone first), every item the
//! reader may read, and the issuer's directive tracker across recipient organisations.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use sems_domain::sharing::directive::{Late, RecipientStep};
use sems_domain::sharing::ItemKind;
use sems_services::sharing::inbox::{InboxCounts, InboxEntry, TrackerEntry};
use sems_services::sharing::items::ItemView;
use sems_storage::sharing::inbox::{InboxShow, TrackerFilter};
use sems_storage::sharing::items::ItemFilter;
use sems_web_kit::pages::{
    notice, render, Choice, Layout, ListQuery, PageQuery, PageResult, Pager,
};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

#[derive(serde::Deserialize, Default)]
pub struct InboxQuery {
    page: Option<u32>,
    show: Option<String>,
    notice: Option<String>,
}

fn show_of(word: Option<&str>) -> InboxShow {
    match word {
        Some("unread") => InboxShow::Unread,
        Some("to_acknowledge") => InboxShow::ToAcknowledge,
        Some("to_implement") => InboxShow::ToImplement,
        Some("overdue") => InboxShow::Overdue,
        _ => InboxShow::All,
    }
}

/// A tab of the inbox.
pub struct Tab {
    pub href: &'static str,
    pub label: &'static str,
    pub count: Option<i64>,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "sharing/inbox.html")]
struct InboxPage {
    layout: Layout,
    tabs: Vec<Tab>,
    rows: Vec<InboxEntry>,
    pager: Pager,
    may_draft: bool,
    is_authority: bool,
}

pub async fn inbox(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<InboxQuery>,
) -> PageResult {
    let actor = user.actor();
    let sharing = state.services.sharing();
    let show = show_of(q.show.as_deref());
    let counts: InboxCounts = sharing.inbox_counts(&actor).await?;
    let page = sharing
        .inbox(
            &actor,
            show,
            sems_domain::page::PageRequest::new(q.page, None),
        )
        .await?;
    let word = q.show.clone().unwrap_or_default();
    let tab = |href, label, count, me: &str| Tab {
        href,
        label,
        count,
        current: word == me,
    };
    Ok(render(
        StatusCode::OK,
        &InboxPage {
            layout: Layout::new("Sharing", &user, "/sharing")
                .with_notice(notice(q.notice.as_deref())),
            tabs: vec![
                tab("/sharing", "All", None, ""),
                tab(
                    "/sharing?show=unread",
                    "Unread",
                    Some(counts.unread),
                    "unread",
                ),
                tab(
                    "/sharing?show=to_acknowledge",
                    "To acknowledge",
                    Some(counts.to_acknowledge),
                    "to_acknowledge",
                ),
                tab(
                    "/sharing?show=to_implement",
                    "To implement",
                    Some(counts.to_implement),
                    "to_implement",
                ),
                tab(
                    "/sharing?show=overdue",
                    "Overdue",
                    Some(counts.overdue),
                    "overdue",
                ),
            ],
            pager: Pager::new(&page, "/sharing", &[("show", word.clone())]),
            rows: page.items,
            may_draft: sems_services::allowed_in_own_party(
                &actor,
                sems_domain::access::RecordKind::SharedItem,
            )
            .create,
            is_authority: user.0.subject.party_is_authority,
        },
    ))
}

#[derive(serde::Deserialize, Default)]
pub struct ItemsQuery {
    page: Option<u32>,
    kind: Option<String>,
    /// "ours": the reader's organisation's items.
    issuer: Option<String>,
}

#[derive(Template)]
#[template(path = "sharing/items.html")]
struct ItemsPage {
    layout: Layout,
    rows: Vec<ItemView>,
    pager: Pager,
    kinds: Vec<Choice>,
    ours: bool,
}

pub async fn items(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<ItemsQuery>,
) -> PageResult {
    let actor = user.actor();
    let kind = q
        .kind
        .as_deref()
        .filter(|k| !k.is_empty())
        .and_then(|k| ItemKind::parse(k).ok());
    let ours = q.issuer.as_deref() == Some("ours");
    let page = state
        .services
        .sharing()
        .items(
            &actor,
            &ItemFilter {
                owner_party_id: ours.then_some(user.0.subject.party_id),
                kind,
            },
            sems_domain::page::PageRequest::new(q.page, None),
        )
        .await?;
    let kind_word = kind.map(|k| k.as_str().to_string()).unwrap_or_default();
    Ok(render(
        StatusCode::OK,
        &ItemsPage {
            layout: Layout::new(
                if ours { "Issued by us" } else { "Every item" },
                &user,
                "/sharing",
            ),
            pager: Pager::new(
                &page,
                "/sharing/items",
                &[
                    ("kind", kind_word.clone()),
                    ("issuer", q.issuer.clone().unwrap_or_default()),
                ],
            ),
            rows: page.items,
            kinds: Choice::list(
                ItemKind::ALL.iter().map(|k| (k.as_str(), k.label())),
                &kind_word,
            ),
            ours,
        },
    ))
}

#[derive(serde::Deserialize, Default)]
pub struct TrackerQuery {
    page: Option<u32>,
    item: Option<String>,
    party: Option<String>,
    step: Option<String>,
    late: Option<String>,
}

#[derive(Template)]
#[template(path = "sharing/tracker.html")]
struct TrackerPage {
    layout: Layout,
    rows: Vec<TrackerEntry>,
    pager: Pager,
    steps: Vec<Choice>,
    lates: Vec<Choice>,
    item: String,
    party: String,
}

pub async fn tracker(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<TrackerQuery>,
) -> PageResult {
    let step = q
        .step
        .as_deref()
        .filter(|s| !s.is_empty())
        .and_then(|s| RecipientStep::parse(s).ok());
    let late = q
        .late
        .as_deref()
        .filter(|s| !s.is_empty())
        .and_then(|s| Late::parse(s).ok());
    let filter = TrackerFilter {
        item_id: ListQuery::id(&q.item),
        party_id: ListQuery::id(&q.party),
        step,
        late,
    };
    let page = state
        .services
        .sharing()
        .directive_tracker(
            &user.actor(),
            &filter,
            sems_domain::page::PageRequest::new(q.page, None),
        )
        .await?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    Ok(render(
        StatusCode::OK,
        &TrackerPage {
            layout: Layout::new("Directive tracker", &user, "/sharing"),
            pager: Pager::new(
                &page,
                "/sharing/tracker",
                &[
                    ("item", text(&q.item)),
                    ("party", text(&q.party)),
                    ("step", text(&q.step)),
                    ("late", text(&q.late)),
                ],
            ),
            rows: page.items,
            steps: Choice::list(
                RecipientStep::ALL.iter().map(|s| (s.as_str(), s.label())),
                &text(&q.step),
            ),
            lates: Choice::list(
                Late::ALL.iter().map(|s| (s.as_str(), s.label())),
                &text(&q.late),
            ),
            item: text(&q.item),
            party: text(&q.party),
        },
    ))
}
