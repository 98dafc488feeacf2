//! A recipient's inbox — the items in force sent to them, with their organisation's step on a
//! directive and whether they have read it — and the issuer's directive tracker across
//! recipient organisations. Both paged by index, filtered in the database.

use super::items::{SharedItem, ITEM_ACCESS};
use crate::access_filter::filter;
use crate::decode::{Flag, OptionalDay};
use crate::sql::{fetch_page, Key, Order, Sql};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, Subject};
use sems_domain::page::{Page, PageRequest};
use sems_domain::sharing::directive::{DirectiveStatus, Late, RecipientStep};
use sems_domain::sharing::ItemKind;
use sems_domain::util::format_date;
use time::Date;

/// The steps a recipient organisation has not acknowledged at, and has acknowledged but not
/// implemented at: from the domain's rule, never restated.
fn steps(pick: impl Fn(RecipientStep) -> bool) -> Vec<&'static str> {
    RecipientStep::ALL
        .iter()
        .copied()
        .filter(|s| pick(*s))
        .map(|s| s.as_str())
        .collect()
}

fn not_acknowledged() -> Vec<&'static str> {
    steps(|s| !s.acknowledged())
}

fn not_implemented() -> Vec<&'static str> {
    steps(|s| s.acknowledged() && !s.implemented())
}

/// What the inbox shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InboxShow {
    #[default]
    All,
    Unread,
    ToAcknowledge,
    ToImplement,
    Overdue,
}

/// An item of the inbox: the item, the reader's organisation's step (a directive's), and
/// whether the reader opened it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InboxItem {
    #[sqlx(flatten)]
    pub item: SharedItem,
    pub my_step: Option<String>,
    #[sqlx(try_from = "Flag")]
    pub read: bool,
}

const ORDER: Order = &[Key::int("si.issued_at_ms").desc(), Key::int("si.id").desc()];

fn inbox_select(subject: &Subject) -> String {
    // Two integers of the session, never text of a user.
    format!(
        "SELECT {columns},
            (SELECT dr.step FROM directive_recipients dr
              WHERE dr.item_id = si.id AND dr.party_id = {party}) AS my_step,
            CASE WHEN EXISTS (SELECT 1 FROM shared_item_reads r
              WHERE r.person_id = {person} AND r.item_id = si.id) THEN 1 ELSE 0 END AS read
         {from}",
        columns = super::items::COLUMNS,
        from = super::items::FROM,
        party = subject.party_id,
        person = subject.person_id
    )
}

/// The condition of the inbox: items in force sent to the subject by another party (or by
/// their own, to them by name), readable under the access rule, narrowed to `show`.
fn inbox_condition(subject: &Subject, show: InboxShow, today: Date) -> Sql {
    let mut cond = filter(subject, Action::Read, &ITEM_ACCESS);
    cond.push(" AND si.status = ")
        .bind(DirectiveStatus::Issued.as_str())
        .push(" AND si.id IN (SELECT d.record_id FROM distributions d WHERE d.record_kind = ")
        .bind(ITEM_ACCESS.kind.as_str())
        .push(" AND ")
        .append(&crate::access_filter::to_subject(subject, false))
        .push(")");
    let mine = |cond: &mut Sql| {
        cond.push(" AND EXISTS (SELECT 1 FROM directive_recipients dr WHERE dr.item_id = si.id AND dr.party_id = ")
            .bind(subject.party_id);
    };
    let day = format_date(today);
    match show {
        InboxShow::All => {}
        InboxShow::Unread => {
            cond.push(" AND NOT EXISTS (SELECT 1 FROM shared_item_reads r WHERE r.person_id = ")
                .bind(subject.person_id)
                .push(" AND r.item_id = si.id)");
        }
        InboxShow::ToAcknowledge => {
            mine(&mut cond);
            cond.push(" AND dr.step IN ")
                .bind_list(&not_acknowledged())
                .push(")");
        }
        InboxShow::ToImplement => {
            mine(&mut cond);
            cond.push(" AND dr.step IN ")
                .bind_list(&not_implemented())
                .push(")");
        }
        InboxShow::Overdue => {
            mine(&mut cond);
            cond.push(" AND ((dr.step IN ")
                .bind_list(&not_acknowledged())
                .push(" AND si.acknowledge_by < ")
                .bind(day.clone())
                .push(") OR (dr.step IN ")
                .bind_list(&steps(|s| !s.implemented()))
                .push(" AND si.implement_by < ")
                .bind(day)
                .push(")))");
        }
    }
    cond
}

/// A page of the subject's inbox, newest first.
#[tracing::instrument(skip_all)]
pub async fn inbox(
    conn: &mut Conn,
    subject: &Subject,
    show: InboxShow,
    today: Date,
    page: PageRequest,
) -> Result<Page<InboxItem>> {
    let cond = inbox_condition(subject, show, today);
    fetch_page(
        conn,
        "shared_items si",
        &inbox_select(subject),
        &cond,
        ORDER,
        page,
    )
    .await
}

/// How many items of the inbox each tab holds (capped as every list count is).
#[tracing::instrument(skip_all)]
pub async fn inbox_count(
    conn: &mut Conn,
    subject: &Subject,
    show: InboxShow,
    today: Date,
) -> Result<i64> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM (SELECT si.id FROM shared_items si WHERE ");
    sql.append(&inbox_condition(subject, show, today))
        .push(" LIMIT 1000) n");
    Ok(sql.query_scalar().fetch_one(&mut *conn).await?)
}

/// Marks the item read by the person (the first read is kept).
#[tracing::instrument(skip_all)]
pub async fn mark_read(conn: &mut Conn, person_id: i64, item_id: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO shared_item_reads (person_id, item_id, first_read_at_ms) VALUES ($1, $2, $3)
         ON CONFLICT (person_id, item_id) DO NOTHING",
    )
    .bind(person_id)
    .bind(item_id)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The tracker's filter.
#[derive(Debug, Clone, Default)]
pub struct TrackerFilter {
    pub item_id: Option<i64>,
    pub party_id: Option<i64>,
    pub step: Option<RecipientStep>,
    pub late: Option<Late>,
}

/// A recipient organisation's line of the tracker.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TrackerLine {
    pub item_id: i64,
    pub title: String,
    pub party_id: i64,
    pub party_name: String,
    #[sqlx(try_from = "String")]
    pub step: RecipientStep,
    #[sqlx(try_from = "OptionalDay")]
    pub effective_on: Option<Date>,
    #[sqlx(try_from = "OptionalDay")]
    pub acknowledge_by: Option<Date>,
    #[sqlx(try_from = "OptionalDay")]
    pub implement_by: Option<Date>,
    #[sqlx(try_from = "OptionalDay")]
    pub acknowledged_on: Option<Date>,
    #[sqlx(try_from = "OptionalDay")]
    pub implemented_on: Option<Date>,
    #[sqlx(try_from = "OptionalDay")]
    pub verified_on: Option<Date>,
    pub method: String,
    pub alternative: String,
    pub decision_note: String,
    pub evidence_sha256: Option<String>,
}

/// Newest directive first, its lines in the order they were delivered; ending in the line's id.
const TRACKER_ORDER: Order = &[Key::int("dr.item_id").desc(), Key::int("dr.id")];

const TRACKER_SELECT: &str = "SELECT dr.item_id, si.title, dr.party_id, pa.name AS party_name,
        dr.step, si.effective_on, si.acknowledge_by, si.implement_by, dr.acknowledged_on,
        dr.implemented_on, dr.verified_on, dr.method, dr.alternative, dr.decision_note,
        dr.evidence_sha256
     FROM directive_recipients dr JOIN shared_items si ON si.id = dr.item_id
     JOIN parties pa ON pa.id = dr.party_id";

/// The issuer's directives in force that `subject` may read (their marking), a line per
/// recipient organisation, newest directive first.
#[tracing::instrument(skip_all)]
pub async fn tracker(
    conn: &mut Conn,
    subject: &Subject,
    issuer: i64,
    f: &TrackerFilter,
    today: Date,
    page: PageRequest,
) -> Result<Page<TrackerLine>> {
    // The issuer's directives in force the subject may read, found once (a few hundred at
    // most nationally); the lines are then walked by their key.
    let mut items = filter(subject, Action::Read, &ITEM_ACCESS);
    items
        .push(" AND si.owner_party_id = ")
        .bind(issuer)
        .push(" AND si.kind = ")
        .bind(ItemKind::SecurityDirective.as_str())
        .push(" AND si.status = ")
        .bind(DirectiveStatus::Issued.as_str());
    let day = format_date(today);
    let mut cond = Sql::new("");
    match f.late {
        Some(Late::Acknowledgement) => {
            items.push(" AND si.acknowledge_by < ").bind(day);
            cond.push("dr.step IN ")
                .bind_list(&not_acknowledged())
                .push(" AND ");
        }
        Some(Late::Implementation) => {
            items.push(" AND si.implement_by < ").bind(day);
            cond.push("dr.step IN ")
                .bind_list(&steps(|s| !s.implemented()))
                .push(" AND ");
        }
        None => {}
    }
    cond.push("dr.item_id IN (SELECT si.id FROM shared_items si WHERE ")
        .append(&items)
        .push(")")
        // The items are reached by index, the lines by their own key: not by the filter's.
        .set_by_index(false);
    if let Some(i) = f.item_id {
        cond.push(" AND dr.item_id = ").bind(i);
    }
    if let Some(p) = f.party_id {
        cond.push(" AND dr.party_id = ").bind(p);
    }
    if let Some(s) = f.step {
        cond.push(" AND dr.step = ").bind(s.as_str());
    }
    fetch_page(
        conn,
        "directive_recipients dr",
        TRACKER_SELECT,
        &cond,
        TRACKER_ORDER,
        page,
    )
    .await
}

/// One recipient organisation's line of a directive.
#[tracing::instrument(skip_all)]
pub async fn tracker_line(
    conn: &mut Conn,
    item_id: i64,
    party_id: i64,
) -> Result<Option<TrackerLine>> {
    Ok(sqlx::query_as(&format!(
        "{TRACKER_SELECT} WHERE dr.item_id = $1 AND dr.party_id = $2"
    ))
    .bind(item_id)
    .bind(party_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A late step not yet escalated, to escalate once.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LateStep {
    pub item_id: i64,
    pub title: String,
    pub owner_party_id: i64,
    pub party_id: i64,
    pub party_name: String,
    #[sqlx(try_from = "String")]
    pub step: RecipientStep,
}

/// The recipients late at `late` on `today` whose lateness was not escalated yet, at most
/// `limit`.
#[tracing::instrument(skip_all)]
pub async fn late_unescalated(
    conn: &mut Conn,
    late: Late,
    today: Date,
    limit: i64,
) -> Result<Vec<LateStep>> {
    let (flag, deadline, at) = match late {
        Late::Acknowledgement => (
            "acknowledgement_escalated",
            "acknowledge_by",
            not_acknowledged(),
        ),
        Late::Implementation => (
            "implementation_escalated",
            "implement_by",
            steps(|s| !s.implemented()),
        ),
    };
    let mut sql = Sql::new(
        "SELECT dr.item_id, si.title, si.owner_party_id, dr.party_id, pa.name AS party_name, dr.step
         FROM directive_recipients dr JOIN shared_items si ON si.id = dr.item_id
         JOIN parties pa ON pa.id = dr.party_id WHERE si.status = ",
    );
    sql.bind(DirectiveStatus::Issued.as_str())
        .push(&format!(" AND dr.{flag} = 0 AND si.{deadline} < "))
        .bind(format_date(today))
        .push(" AND dr.step IN ")
        .bind_list(&at)
        .push(" ORDER BY dr.item_id, dr.party_id LIMIT ")
        .bind(limit);
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}

/// Claims a late step's escalation: true for the one node that claims it.
#[tracing::instrument(skip_all)]
pub async fn claim_escalation(
    conn: &mut Conn,
    late: Late,
    item_id: i64,
    party_id: i64,
) -> Result<bool> {
    let flag = match late {
        Late::Acknowledgement => "acknowledgement_escalated",
        Late::Implementation => "implementation_escalated",
    };
    let done = sqlx::query(&format!(
        "UPDATE directive_recipients SET {flag} = 1 WHERE item_id = $1 AND party_id = $2 AND {flag} = 0"
    ))
    .bind(item_id)
    .bind(party_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Items in force whose expiry day has passed, at most `limit`.
#[tracing::instrument(skip_all)]
pub async fn expired(conn: &mut Conn, today: Date, limit: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM shared_items WHERE status = $1 AND expires_on < $2 ORDER BY id LIMIT $3",
    )
    .bind(DirectiveStatus::Issued.as_str())
    .bind(format_date(today))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}
