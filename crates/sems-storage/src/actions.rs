//! The one corrective-action register (`sems_domain::action`): every module's actions in one
//! table, each read through the access rule as its source record, with the risk assessments
//! it affects.

use crate::access_filter::{filter_by_kind, AccessColumns, Reach};
use crate::decode::{Day, Flag, OptionalDay};
use crate::sql::{fetch_page, Key, Order, Sql};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::action::{ActionStatus, Effectiveness, SOURCES};
use sems_domain::page::{Page, PageRequest};
use sems_domain::util::format_date;

/// The order of the list: ending in the id, so pages never overlap.
const ORDER: Order = &[Key::text("ac.due_on"), Key::int("ac.id")];

/// Where an action keeps what the access rule reads of its source.
fn columns(kind: RecordKind) -> AccessColumns {
    AccessColumns {
        kind,
        id: "ac.source_id",
        owner_party: "ac.owner_party_id",
        classification: Some("ac.classification"),
        need_to_know: Some("ac.need_to_know"),
        person: None,
        published: None,
        raiser: None,
        // An organisation's actions are found by its index, not by testing every action of
        // the country.
        reach: Reach::Describing {
            table: "actions",
            row_id: "ac.id",
            kind_column: "source_kind",
        },
    }
}

/// The actions `subject` may `action`, as their sources.
pub fn access(subject: &Subject, action: Action) -> Sql {
    filter_by_kind(subject, action, "ac.source_kind", &SOURCES, columns)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActionRecord {
    pub id: i64,
    #[sqlx(rename = "owner_party_id")]
    pub party_id: i64,
    pub party_name: String,
    /// The record the action comes from.
    #[sqlx(try_from = "String")]
    pub source_kind: RecordKind,
    pub source_id: i64,
    pub title: String,
    pub responsible_person_id: Option<i64>,
    pub responsible_name: Option<String>,
    #[sqlx(try_from = "Day")]
    pub due_on: time::Date,
    #[sqlx(try_from = "String")]
    pub status: ActionStatus,
    pub cost_one_off: i64,
    pub cost_annual: i64,
    #[sqlx(try_from = "OptionalDay")]
    pub completed_on: Option<time::Date>,
    pub completion_evidence: String,
    #[sqlx(try_from = "String")]
    pub effectiveness: Effectiveness,
    pub effectiveness_note: String,
    #[sqlx(rename = "checked_by_name")]
    pub effectiveness_checked_by_name: Option<String>,
    pub classification: i64,
    #[sqlx(try_from = "Flag")]
    pub need_to_know: bool,
    pub updated_at_ms: i64,
}

pub(crate) const SELECT: &str = "SELECT ac.id, ac.owner_party_id, pa.name AS party_name, ac.source_kind,
        ac.source_id, ac.title, ac.responsible_person_id, pe.display_name AS responsible_name, ac.due_on,
        ac.status, ac.cost_one_off, ac.cost_annual, ac.completed_on, ac.completion_evidence,
        ac.effectiveness, ac.effectiveness_note, ck.display_name AS checked_by_name, ac.classification,
        ac.need_to_know, ac.updated_at_ms
     FROM actions ac JOIN parties pa ON pa.id = ac.owner_party_id
     LEFT JOIN people pe ON pe.id = ac.responsible_person_id
     LEFT JOIN people ck ON ck.id = ac.effectiveness_checked_by";
/// What the source gives a new action: its owner and marking.
#[derive(Debug, Clone, Copy)]
pub struct Source {
    pub kind: RecordKind,
    pub id: i64,
    pub party_id: i64,
    pub classification: i64,
    pub need_to_know: bool,
}

/// What an action says; the register's fields that any module sets.
#[derive(Debug, Clone)]
pub struct ActionValues<'a> {
    pub title: &'a str,
    pub responsible_person_id: Option<i64>,
    pub due_on: time::Date,
    pub status: ActionStatus,
    pub cost_one_off: i64,
    pub cost_annual: i64,
}

#[tracing::instrument(skip_all)]
pub async fn insert(
    conn: &mut Conn,
    source: &Source,
    v: &ActionValues<'_>,
    by: Option<i64>,
) -> Result<i64> {
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO actions (owner_party_id, source_kind, source_id, title, responsible_person_id, due_on,
             status, cost_one_off, cost_annual, classification, need_to_know, created_by, created_at_ms,
             updated_by, updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(source.party_id)
    .bind(source.kind.as_str())
    .bind(source.id)
    .bind(v.title)
    .bind(v.responsible_person_id)
    .bind(format_date(v.due_on))
    .bind(v.status.as_str())
    .bind(v.cost_one_off)
    .bind(v.cost_annual)
    .bind(source.classification)
    .bind(i64::from(source.need_to_know))
    .bind(by)
    .bind(now)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

#[tracing::instrument(skip_all)]
pub async fn update(conn: &mut Conn, id: i64, v: &ActionValues<'_>, by: Option<i64>) -> Result<()> {
    sqlx::query(
        "UPDATE actions SET title = $1, responsible_person_id = $2, due_on = $3, status = $4,
             cost_one_off = $5, cost_annual = $6, updated_by = $7, updated_at_ms = $8
         WHERE id = $9",
    )
    .bind(v.title)
    .bind(v.responsible_person_id)
    .bind(format_date(v.due_on))
    .bind(v.status.as_str())
    .bind(v.cost_one_off)
    .bind(v.cost_annual)
    .bind(by)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records an action done on `day` with its evidence.
#[tracing::instrument(skip_all)]
pub async fn complete(
    conn: &mut Conn,
    id: i64,
    day: &str,
    evidence: &str,
    by: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "UPDATE actions SET status = $1, completed_on = $2, completion_evidence = $3, updated_by = $4,
             updated_at_ms = $5
         WHERE id = $6",
    )
    .bind(ActionStatus::Done.as_str())
    .bind(day)
    .bind(evidence)
    .bind(by)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records whether a completed action was effective.
#[tracing::instrument(skip_all)]
pub async fn check_effectiveness(
    conn: &mut Conn,
    id: i64,
    result: Effectiveness,
    note: &str,
    by: Option<i64>,
) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "UPDATE actions SET effectiveness = $1, effectiveness_note = $2, effectiveness_checked_by = $3,
             effectiveness_checked_at_ms = $4, updated_by = $5, updated_at_ms = $6
         WHERE id = $7",
    )
    .bind(result.as_str())
    .bind(note)
    .bind(by)
    .bind(now)
    .bind(by)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<ActionRecord>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE ac.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// The actions of one source record, by due date.
#[tracing::instrument(skip_all)]
pub async fn of_source(
    conn: &mut Conn,
    kind: RecordKind,
    source_id: i64,
) -> Result<Vec<ActionRecord>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE ac.source_kind = $1 AND ac.source_id = $2 ORDER BY ac.due_on, ac.id"
    ))
    .bind(kind.as_str())
    .bind(source_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Gives the actions of a source its marking as it is now (a reclassified assessment).
#[tracing::instrument(skip_all)]
pub async fn remark(
    conn: &mut Conn,
    kind: RecordKind,
    source_id: i64,
    classification: i64,
    need_to_know: bool,
) -> Result<()> {
    sqlx::query(
        "UPDATE actions SET classification = $1, need_to_know = $2
         WHERE source_kind = $3 AND source_id = $4",
    )
    .bind(classification)
    .bind(i64::from(need_to_know))
    .bind(kind.as_str())
    .bind(source_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    pub party_id: Option<i64>,
    pub source_kind: Option<RecordKind>,
    pub status: Option<ActionStatus>,
    /// Open actions only.
    pub open: bool,
    /// Open actions past their date on this day.
    pub overdue_on: Option<time::Date>,
    pub responsible_person_id: Option<i64>,
    /// Completed actions whose effectiveness is still to be checked.
    pub to_check: bool,
    /// Actions escalated to the organisation's accountable executive (overdue).
    pub escalated: bool,
    /// Words the title contains.
    pub search: Option<String>,
}

fn open_words() -> Vec<&'static str> {
    ActionStatus::OPEN.iter().map(|s| s.as_str()).collect()
}

/// The register as `subject` may read it, the most urgent first.
#[tracing::instrument(skip_all)]
pub async fn list(
    conn: &mut Conn,
    subject: &Subject,
    f: &ActionFilter,
    page: PageRequest,
) -> Result<Page<ActionRecord>> {
    let mut cond = access(subject, Action::Read);
    if let Some(p) = f.party_id {
        cond.push(" AND ac.owner_party_id = ").bind(p);
    }
    if let Some(k) = f.source_kind {
        cond.push(" AND ac.source_kind = ").bind(k.as_str());
    }
    if let Some(s) = f.status {
        cond.push(" AND ac.status = ").bind(s.as_str());
    }
    if f.open || f.overdue_on.is_some() {
        cond.push(" AND ac.status IN ").bind_list(&open_words());
    }
    if let Some(day) = f.overdue_on {
        cond.push(" AND ac.due_on < ").bind(day);
    }
    if let Some(p) = f.responsible_person_id {
        cond.push(" AND ac.responsible_person_id = ").bind(p);
    }
    if f.escalated {
        cond.push(" AND ac.escalated_on IS NOT NULL");
    }
    if f.to_check {
        cond.push(" AND ac.status = ")
            .bind(ActionStatus::Done.as_str())
            .push(" AND ac.effectiveness = ")
            .bind(Effectiveness::NotChecked.as_str());
    }
    if let Some(q) = &f.search {
        crate::sql::all_words_like(&mut cond, q, &["ac.title"]);
    }
    fetch_page(conn, "actions ac", SELECT, &cond, ORDER, page).await
}

/// Open actions past their date and not escalated yet, of every module (the job's work).
#[tracing::instrument(skip_all)]
pub async fn overdue_unescalated(
    conn: &mut Conn,
    today: time::Date,
    limit: i64,
) -> Result<Vec<ActionRecord>> {
    let mut sql = Sql::new(&format!(
        "{SELECT} WHERE ac.escalated_on IS NULL AND ac.status IN "
    ));
    sql.bind_list(&open_words())
        .push(" AND ac.due_on < ")
        .bind(today)
        .push(" ORDER BY ac.due_on, ac.id LIMIT ")
        .bind(limit);
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}

/// Claims the escalation of one overdue item for this run: true for the one run, of every
/// node's, that marks it first. On PostgreSQL a second node's update waits for the first's
/// commit, then finds the row marked and claims nothing; SQLite has one writer at a time.
#[tracing::instrument(skip_all)]
pub async fn claim_escalation(conn: &mut Conn, id: i64, day: time::Date) -> Result<bool> {
    let done =
        sqlx::query("UPDATE actions SET escalated_on = $1 WHERE id = $2 AND escalated_on IS NULL")
            .bind(format_date(day))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() == 1)
}
