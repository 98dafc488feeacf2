//! Browsing the audit trail.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use sems_storage::audit::AuditFilter;
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{
    render, visible_parties, when, Choice, Layout, ListQuery, PageQuery, Pager,
};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit", get(list))
        .route("/audit/confidential-reporting", get(protected))
        .route("/security-log", get(security_log))
}

pub struct EntryView {
    pub seq: i64,
    pub when: String,
    pub actor: String,
    pub party: String,
    pub action: String,
    pub record: String,
    pub before: String,
    pub after: String,
    pub hash: String,
}

#[derive(Template)]
#[template(path = "platform/audit.html")]
struct AuditPage {
    layout: Layout,
    items: Vec<EntryView>,
    pager: Pager,
    parties: Vec<Choice>,
    action: String,
    record_kind: String,
    record_id: String,
}

fn pretty(json: Option<String>) -> String {
    json.map(|j| {
        serde_json::from_str::<serde_json::Value>(&j)
            .and_then(|v| serde_json::to_string_pretty(&v))
            .unwrap_or(j)
    })
    .unwrap_or_default()
}

pub(crate) fn entry_view(a: sems_storage::audit::AuditView) -> EntryView {
    EntryView {
        seq: a.seq,
        when: when(a.at_ms),
        actor: a.actor_name.unwrap_or_else(|| "system".into()),
        party: a.owner_party_name,
        action: a.action,
        record: match a.record_id {
            Some(id) => format!("{} {id}", a.record_kind),
            None => a.record_kind,
        },
        before: pretty(a.before),
        after: pretty(a.after),
        hash: a.hash[..12.min(a.hash.len())].to_string(),
    }
}

async fn list(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let filter = AuditFilter {
        party_id: ListQuery::id(&q.party),
        record_kind: q.record_kind.clone().filter(|s| !s.is_empty()),
        record_id: ListQuery::id(&q.record_id),
        action_prefix: q.action.clone().filter(|s| !s.is_empty()),
        actor_person_id: ListQuery::id(&q.actor),
        from_ms: None,
        until_ms: None,
        subject_person_id: None,
    };
    let page = state
        .services
        .audit_entries(&user.actor(), &filter, q.page_request())
        .await?;
    let parties = visible_parties(&state, &user).await;
    let pager = Pager::new(
        &page,
        "/audit",
        &[
            ("party", ListQuery::text(&q.party)),
            ("action", ListQuery::text(&q.action)),
            ("record_kind", ListQuery::text(&q.record_kind)),
            ("record_id", ListQuery::text(&q.record_id)),
            ("actor", ListQuery::text(&q.actor)),
        ],
    );
    let items = page.items.into_iter().map(entry_view).collect();
    Ok(render(
        StatusCode::OK,
        &AuditPage {
            layout: Layout::new("Audit trail", &user, "/audit"),
            items,
            pager,
            parties: Choice::list(
                parties.iter().map(|p| (p.id, p.name.clone())),
                &ListQuery::text(&q.party),
            ),
            action: ListQuery::text(&q.action),
            record_kind: ListQuery::text(&q.record_kind),
            record_id: ListQuery::text(&q.record_id),
        },
    ))
}

#[derive(Template)]
#[template(path = "platform/audit_protected.html")]
struct ProtectedPage {
    layout: Layout,
    items: Vec<sems_storage::audit::ProtectedDay>,
    pager: Pager,
    parties: Vec<Choice>,
}

/// Confidential and anonymous reporting as the trail's readers see it: counts per day.
async fn protected(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let page = state
        .services
        .protected_reporting_days(&user.actor(), ListQuery::id(&q.party), q.page_request())
        .await?;
    let parties = visible_parties(&state, &user).await;
    let pager = Pager::new(
        &page,
        "/audit/confidential-reporting",
        &[("party", ListQuery::text(&q.party))],
    );
    Ok(render(
        StatusCode::OK,
        &ProtectedPage {
            layout: Layout::new("Confidential reporting in the trail", &user, "/audit"),
            items: page.items,
            pager,
            parties: Choice::list(
                parties.iter().map(|p| (p.id, p.name.clone())),
                &ListQuery::text(&q.party),
            ),
        },
    ))
}

#[derive(Template)]
#[template(path = "platform/security_log.html")]
struct SecurityLogPage {
    layout: Layout,
    items: Vec<EntryView>,
    pager: Pager,
    everyone: bool,
    action: String,
    actor: String,
}

/// The security log: every event for the administrator, one's own for everyone else.
async fn security_log(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let filter = AuditFilter {
        action_prefix: q.action.clone().filter(|s| !s.is_empty()),
        subject_person_id: ListQuery::id(&q.actor),
        ..Default::default()
    };
    let page = state
        .services
        .security_log(&user.actor(), &filter, q.page_request())
        .await?;
    let pager = Pager::new(
        &page,
        "/security-log",
        &[
            ("action", ListQuery::text(&q.action)),
            ("actor", ListQuery::text(&q.actor)),
        ],
    );
    let everyone = user
        .0
        .subject
        .has_role(sems_domain::role::Role::Administrator);
    let items = page.items.into_iter().map(entry_view).collect();
    Ok(render(
        StatusCode::OK,
        &SecurityLogPage {
            layout: Layout::new("Security log", &user, "/security-log"),
            items,
            pager,
            everyone,
            action: ListQuery::text(&q.action),
            actor: ListQuery::text(&q.actor),
        },
    ))
}
