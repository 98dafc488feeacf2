//! A recipient's inbox (unread, to acknowledge, to implement, overdue), the issuer's
//! directive tracker across recipient organisations, and the issuer's distribution lists with
//! their periodic review.

use super::{trail, SharingServices};
use crate::{authorize, record_change, About, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::page::{Page, PageRequest};
use sems_domain::sharing::directive::{late, DirectiveDates, Late, RecipientStep};
use sems_domain::sharing::Audience;
use sems_domain::util::{format_date, parse_date, today};
use sems_domain::ValidationError;
use sems_storage::sharing::inbox::{self as store, InboxShow, TrackerFilter};
use sems_storage::sharing::lists;
use serde::{Deserialize, Serialize};

/// Months between two reviews of a distribution list.
pub const LIST_REVIEW_MONTHS: u8 = 12;

/// An item of the inbox.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InboxEntry {
    pub id: i64,
    pub kind: sems_domain::sharing::ItemKind,
    pub title: String,
    pub summary: String,
    pub party_name: String,
    pub marking: String,
    pub tlp: sems_domain::sharing::tlp::Tlp,
    pub issued_at_ms: Option<i64>,
    pub read: bool,
    /// The reader's organisation's step on a directive.
    pub step: Option<RecipientStep>,
    pub acknowledge_by: Option<String>,
    pub implement_by: Option<String>,
    /// What is late for the reader's organisation.
    pub late: Vec<Late>,
}

/// How many items each tab of the inbox holds.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct InboxCounts {
    pub unread: i64,
    pub to_acknowledge: i64,
    pub to_implement: i64,
    pub overdue: i64,
}

/// A line of the directive tracker.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrackerEntry {
    pub item_id: i64,
    pub title: String,
    pub party_id: i64,
    pub party_name: String,
    pub step: RecipientStep,
    pub acknowledge_by: Option<String>,
    pub implement_by: Option<String>,
    pub acknowledged_on: Option<String>,
    pub implemented_on: Option<String>,
    pub verified_on: Option<String>,
    pub method: String,
    pub alternative: String,
    pub decision_note: String,
    pub evidence_sha256: Option<String>,
    pub late: Vec<Late>,
}

fn dates(
    effective: Option<time::Date>,
    ack: Option<time::Date>,
    imp: Option<time::Date>,
) -> Option<DirectiveDates> {
    Some(DirectiveDates {
        effective_on: effective?,
        acknowledge_by: ack?,
        implement_by: imp?,
        expires_on: None,
    })
}

impl From<store::TrackerLine> for TrackerEntry {
    fn from(l: store::TrackerLine) -> Self {
        let late = dates(l.effective_on, l.acknowledge_by, l.implement_by)
            .map(|d| late(l.step, &d, today()))
            .unwrap_or_default();
        TrackerEntry {
            item_id: l.item_id,
            title: l.title,
            party_id: l.party_id,
            party_name: l.party_name,
            step: l.step,
            acknowledge_by: l.acknowledge_by.map(format_date),
            implement_by: l.implement_by.map(format_date),
            acknowledged_on: l.acknowledged_on.map(format_date),
            implemented_on: l.implemented_on.map(format_date),
            verified_on: l.verified_on.map(format_date),
            method: l.method,
            alternative: l.alternative,
            decision_note: l.decision_note,
            evidence_sha256: l.evidence_sha256,
            late,
        }
    }
}

/// A distribution list as its issuer sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ListView {
    pub id: i64,
    pub name: String,
    pub highest_classification: Option<String>,
    pub review_due_on: String,
    pub review_due: bool,
    pub entries: Vec<ListEntryView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ListEntryView {
    pub id: i64,
    pub audience: Audience,
    pub named: String,
    pub reason: String,
    pub expires_on: Option<String>,
    pub expired: bool,
}

/// A list to create.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListInput {
    pub name: String,
    /// A level name of the classification scheme; none: no limit.
    #[serde(default)]
    pub highest_classification: Option<String>,
}

/// An entry to add to a list.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListEntryInput {
    pub audience: Audience,
    pub reason: String,
    #[serde(default)]
    pub expires_on: Option<String>,
}

impl SharingServices<'_> {
    /// The reader's inbox.
    #[tracing::instrument(skip_all)]
    pub async fn inbox(
        &self,
        actor: &Actor,
        show: InboxShow,
        page: PageRequest,
    ) -> Result<Page<InboxEntry>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        let today = today();
        let found = store::inbox(&mut conn, subject, show, today, page).await?;
        Ok(found.map(|r| {
            let step = r
                .my_step
                .as_deref()
                .and_then(|s| RecipientStep::parse(s).ok());
            let late = match (
                step,
                dates(
                    r.item.effective_on,
                    r.item.acknowledge_by,
                    r.item.implement_by,
                ),
            ) {
                (Some(s), Some(d)) => late(s, &d, today),
                _ => Vec::new(),
            };
            InboxEntry {
                id: r.item.id,
                kind: r.item.kind,
                marking: super::items::marking(
                    self.classification.name(r.item.classification),
                    r.item.tlp,
                ),
                tlp: r.item.tlp,
                title: r.item.title,
                summary: r.item.summary,
                party_name: r.item.party_name,
                issued_at_ms: r.item.issued_at_ms,
                read: r.read,
                step,
                acknowledge_by: r.item.acknowledge_by.map(format_date),
                implement_by: r.item.implement_by.map(format_date),
                late,
            }
        }))
    }

    #[tracing::instrument(skip_all)]
    pub async fn inbox_counts(&self, actor: &Actor) -> Result<InboxCounts> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        let today = today();
        Ok(InboxCounts {
            unread: store::inbox_count(&mut conn, subject, InboxShow::Unread, today).await?,
            to_acknowledge: store::inbox_count(&mut conn, subject, InboxShow::ToAcknowledge, today)
                .await?,
            to_implement: store::inbox_count(&mut conn, subject, InboxShow::ToImplement, today)
                .await?,
            overdue: store::inbox_count(&mut conn, subject, InboxShow::Overdue, today).await?,
        })
    }

    /// The issuer's directive tracker: for the issuer's readers (the authority's, for its
    /// directives across organisations).
    #[tracing::instrument(skip_all)]
    pub async fn directive_tracker(
        &self,
        actor: &Actor,
        filter: &TrackerFilter,
        page: PageRequest,
    ) -> Result<Page<TrackerEntry>> {
        let issuer = actor.party_id().ok_or(ServiceError::NotFound("tracker"))?;
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        let authority = crate::risk::authority_id(&mut conn).await?;
        let meta = RecordMeta::plain(RecordKind::SharedItem, issuer, issuer == authority);
        authorize(actor, Action::Read, &meta, "tracker")?;
        Ok(
            store::tracker(&mut conn, subject, issuer, filter, today(), page)
                .await?
                .map(TrackerEntry::from),
        )
    }

    fn list_meta(owner: i64) -> RecordMeta {
        RecordMeta::plain(RecordKind::SharedItem, owner, false)
    }

    fn list_view(&self, l: lists::DistributionList, entries: Vec<lists::ListEntry>) -> ListView {
        let today = today();
        ListView {
            id: l.id,
            name: l.name,
            highest_classification: l
                .highest_classification
                .map(|h| self.classification.name(h).to_string()),
            review_due_on: format_date(l.review_due_on),
            review_due: l.review_due_on <= today,
            entries: entries
                .into_iter()
                .map(|e| ListEntryView {
                    id: e.id,
                    audience: e.audience,
                    named: e.named,
                    reason: e.reason,
                    expired: e.expires_on.is_some_and(|d| d < today),
                    expires_on: e.expires_on.map(format_date),
                })
                .collect(),
        }
    }

    /// The issuer's lists; `review_due`: only those past their review day.
    #[tracing::instrument(skip_all)]
    pub async fn distribution_lists(
        &self,
        actor: &Actor,
        review_due: bool,
        page: PageRequest,
    ) -> Result<Page<ListView>> {
        let owner = actor.party_id().ok_or(ServiceError::NotFound("lists"))?;
        authorize(actor, Action::Read, &Self::list_meta(owner), "lists")?;
        let mut conn = self.store.read().await?;
        let found = lists::list(&mut conn, owner, review_due.then(today), page).await?;
        let mut out = Vec::with_capacity(found.items.len());
        for l in &found.items {
            out.push(lists::entries(&mut conn, l.id, None).await?);
        }
        let mut entries = out.into_iter();
        Ok(found.map(|l| self.list_view(l, entries.next().unwrap_or_default())))
    }

    async fn own_list(
        &self,
        conn: &mut sems_storage::Conn,
        actor: &Actor,
        id: i64,
        action: Action,
    ) -> Result<lists::DistributionList> {
        let l = lists::get(conn, id)
            .await?
            .ok_or(ServiceError::NotFound("distribution list"))?;
        let meta = Self::list_meta(l.owner_party_id);
        authorize(actor, Action::Read, &meta, "distribution list")?;
        authorize(actor, action, &meta, "distribution list")?;
        Ok(l)
    }

    #[tracing::instrument(skip_all)]
    pub async fn distribution_list(&self, actor: &Actor, id: i64) -> Result<ListView> {
        let mut conn = self.store.read().await?;
        let l = self.own_list(&mut conn, actor, id, Action::Read).await?;
        let entries = lists::entries(&mut conn, id, None).await?;
        Ok(self.list_view(l, entries))
    }

    async fn record_list_change(
        &self,
        conn: &mut sems_storage::Conn,
        actor: &Actor,
        owner: i64,
        after: serde_json::Value,
    ) -> Result<()> {
        record_change(
            conn,
            actor,
            crate::Change {
                about: &About::plain(RecordKind::SharedItem, owner, None),
                action: trail::LIST_CHANGE,
                record_id: None,
                before: NONE,
                after: Some(&after),
            },
        )
        .await?;
        Ok(())
    }

    /// Creates a list of the actor's organisation; its first review due in a year.
    #[tracing::instrument(skip_all)]
    pub async fn create_distribution_list(
        &self,
        actor: &Actor,
        input: &ListInput,
    ) -> Result<ListView> {
        let name = sems_domain::util::bounded_text("name", &input.name, 2, 120)?;
        let highest = match input.highest_classification.as_deref().map(str::trim) {
            Some(l) if !l.is_empty() => Some(self.classification.parse(l)?),
            _ => None,
        };
        let owner = actor
            .party_id()
            .ok_or(ServiceError::NotFound("organisation"))?;
        let mut tx = self.store.write().await?;
        authorize(
            actor,
            Action::Create,
            &Self::list_meta(owner),
            "organisation",
        )?;
        let due = sems_domain::util::add_months(today(), LIST_REVIEW_MONTHS.into());
        let id = lists::insert(tx.conn(), owner, &name, highest, due)
            .await
            .map_err(|e| ServiceError::conflict_on_unique(e, "a list with this name exists"))?;
        self.record_list_change(
            tx.conn(),
            actor,
            owner,
            serde_json::json!({ "list": id, "created": name, "highest_classification": highest }),
        )
        .await?;
        let l = lists::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("distribution list"))?;
        tx.commit().await?;
        Ok(self.list_view(l, Vec::new()))
    }

    /// Adds an entry (its reason and expiry) to a list.
    #[tracing::instrument(skip_all)]
    pub async fn add_list_entry(
        &self,
        actor: &Actor,
        id: i64,
        input: &ListEntryInput,
    ) -> Result<ListView> {
        let reason = sems_domain::util::bounded_text("reason", &input.reason, 1, 500)?;
        let expires_on = match input
            .expires_on
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(d) => Some(parse_date("expires_on", d)?),
            None => None,
        };
        if expires_on.is_some_and(|d| d < today()) {
            return Err(
                ValidationError::new("expires_on", "an entry expires today or later").into(),
            );
        }
        if matches!(input.audience, Audience::List { .. }) {
            return Err(ValidationError::new(
                "audience",
                "a list holds parties, roles, groups and persons, not another list",
            )
            .into());
        }
        let mut tx = self.store.write().await?;
        let l = self.own_list(tx.conn(), actor, id, Action::Update).await?;
        // What the entry names exists: resolved as an issue would, at the lowest marking.
        super::audience::resolve(
            tx.conn(),
            &self.classification,
            l.owner_party_id,
            std::slice::from_ref(&input.audience),
            0,
        )
        .await?;
        let entry = lists::add_entry(tx.conn(), id, &input.audience, &reason, expires_on).await?;
        self.record_list_change(tx.conn(), actor, l.owner_party_id, serde_json::json!({ "list": id, "entry": entry, "audience": input.audience, "reason": reason, "expires_on": input.expires_on })).await?;
        let entries = lists::entries(tx.conn(), id, None).await?;
        let l = lists::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("distribution list"))?;
        tx.commit().await?;
        Ok(self.list_view(l, entries))
    }

    #[tracing::instrument(skip_all)]
    pub async fn remove_list_entry(&self, actor: &Actor, id: i64, entry_id: i64) -> Result<()> {
        let mut tx = self.store.write().await?;
        let l = self.own_list(tx.conn(), actor, id, Action::Update).await?;
        if !lists::remove_entry(tx.conn(), id, entry_id).await? {
            return Err(ServiceError::NotFound("list entry"));
        }
        self.record_list_change(
            tx.conn(),
            actor,
            l.owner_party_id,
            serde_json::json!({ "list": id, "removed_entry": entry_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records the periodic review of a list: the next one due in a year.
    #[tracing::instrument(skip_all)]
    pub async fn review_distribution_list(&self, actor: &Actor, id: i64) -> Result<ListView> {
        let mut tx = self.store.write().await?;
        let l = self.own_list(tx.conn(), actor, id, Action::Update).await?;
        let next = sems_domain::util::add_months(today(), LIST_REVIEW_MONTHS.into());
        lists::reviewed(tx.conn(), id, next).await?;
        self.record_list_change(tx.conn(), actor, l.owner_party_id, serde_json::json!({ "list": id, "reviewed": format_date(today()), "next_review": format_date(next) })).await?;
        let entries = lists::entries(tx.conn(), id, None).await?;
        let l = lists::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("distribution list"))?;
        tx.commit().await?;
        Ok(self.list_view(l, entries))
    }
}
