//! Findings and their corrective action plans.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::{Day, Flag, OptionalDay};
use crate::sql::{fetch_page, Key, Order};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::oversight::{FindingLevel, FindingStatus};
use sems_domain::page::{Page, PageRequest};
use sems_domain::util::format_date;

/// The order of the list: ending in the id, so pages never overlap.
const ORDER: Order = &[
    Key::text("fi.level"),
    Key::text("fi.due_on"),
    Key::int("fi.id"),
];

pub const FINDING_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::Finding,
    id: "fi.id",
    owner_party: "fi.owner_party_id",
    classification: Some("fi.classification"),
    need_to_know: Some("fi.need_to_know"),
    person: None,
    published: None,
    raiser: Some("fi.raised_by_party_id"),
    reach: Reach::Own("findings"),
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Finding {
    pub id: i64,
    /// The overseen organisation, which corrects it.
    #[sqlx(rename = "owner_party_id")]
    pub party_id: i64,
    pub party_name: String,
    pub raised_by_party_id: i64,
    pub activity_id: i64,
    pub activity_title: String,
    pub item_id: Option<i64>,
    pub requirement_code: String,
    #[sqlx(try_from = "String")]
    pub level: FindingLevel,
    pub description: String,
    #[sqlx(try_from = "String")]
    pub status: FindingStatus,
    #[sqlx(try_from = "Day")]
    pub due_on: time::Date,
    pub root_cause: String,
    pub cap_actions: String,
    pub cap_owner_person_id: Option<i64>,
    pub cap_owner_name: Option<String>,
    #[sqlx(try_from = "OptionalDay")]
    pub cap_due_on: Option<time::Date>,
    pub compensatory_measures: String,
    pub overseer_comment: String,
    pub completion_evidence: String,
    pub classification: i64,
    #[sqlx(try_from = "Flag")]
    pub need_to_know: bool,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

const SELECT: &str = "SELECT fi.id, fi.owner_party_id, pa.name AS party_name, fi.raised_by_party_id, fi.activity_id,
        oa.title AS activity_title, fi.item_id, fi.requirement_code, fi.level, fi.description, fi.status, fi.due_on,
        fi.root_cause, fi.cap_actions, fi.cap_owner_person_id, pe.display_name AS cap_owner_name, fi.cap_due_on,
        fi.compensatory_measures, fi.overseer_comment, fi.completion_evidence, fi.classification, fi.need_to_know,
        fi.created_at_ms, fi.updated_at_ms
     FROM findings fi JOIN parties pa ON pa.id = fi.owner_party_id
     JOIN oversight_activities oa ON oa.id = fi.activity_id
     LEFT JOIN people pe ON pe.id = fi.cap_owner_person_id";
pub struct NewFinding<'a> {
    pub party_id: i64,
    pub raised_by_party_id: i64,
    pub activity_id: i64,
    pub item_id: Option<i64>,
    pub requirement_code: &'a str,
    pub level: FindingLevel,
    pub description: &'a str,
    pub due_on: time::Date,
    pub classification: i64,
    pub need_to_know: bool,
}

#[tracing::instrument(skip_all)]
pub async fn insert(conn: &mut Conn, f: &NewFinding<'_>) -> Result<i64> {
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO findings (owner_party_id, raised_by_party_id, activity_id, item_id, requirement_code, level,
             description, status, due_on, classification, need_to_know, created_at_ms, updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(f.party_id)
    .bind(f.raised_by_party_id)
    .bind(f.activity_id)
    .bind(f.item_id)
    .bind(f.requirement_code)
    .bind(f.level.as_str())
    .bind(f.description)
    .bind(format_date(f.due_on))
    .bind(f.classification)
    .bind(i64::from(f.need_to_know))
    .bind(now)
    .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Finding>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE fi.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

#[tracing::instrument(skip_all)]
pub async fn for_activity(conn: &mut Conn, activity_id: i64) -> Result<Vec<Finding>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE fi.activity_id = $1 ORDER BY fi.id"
    ))
    .bind(activity_id)
    .fetch_all(&mut *conn)
    .await?)
}

pub struct Cap<'a> {
    pub root_cause: &'a str,
    pub actions: &'a str,
    pub owner_person_id: Option<i64>,
    pub due_on: time::Date,
    pub compensatory: &'a str,
}

#[tracing::instrument(skip_all)]
pub async fn submit_cap(conn: &mut Conn, id: i64, cap: &Cap<'_>) -> Result<()> {
    sqlx::query(
        "UPDATE findings SET status = 'cap_submitted', root_cause = $1, cap_actions = $2, cap_owner_person_id = $3,
             cap_due_on = $4, compensatory_measures = $5, updated_at_ms = $6 WHERE id = $7",
    )
    .bind(cap.root_cause)
    .bind(cap.actions)
    .bind(cap.owner_person_id)
    .bind(format_date(cap.due_on))
    .bind(cap.compensatory)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves a finding on, with the overseer's comment or the completion evidence.
#[tracing::instrument(skip_all)]
pub async fn set_status(
    conn: &mut Conn,
    id: i64,
    status: FindingStatus,
    overseer_comment: Option<&str>,
    evidence: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "UPDATE findings SET status = $1, overseer_comment = COALESCE($2, overseer_comment),
             completion_evidence = COALESCE($3, completion_evidence), updated_at_ms = $4 WHERE id = $5",
    )
    .bind(status.as_str())
    .bind(overseer_comment.map(str::to_string))
    .bind(evidence.map(str::to_string))
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn record_history(
    conn: &mut Conn,
    finding_id: i64,
    status: FindingStatus,
    by: Option<i64>,
    note: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO finding_history (finding_id, status, by_person_id, note, at_ms) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(finding_id)
    .bind(status.as_str())
    .bind(by)
    .bind(note)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FindingStep {
    #[sqlx(try_from = "String")]
    pub status: FindingStatus,
    pub by_name: Option<String>,
    pub note: String,
    pub at_ms: i64,
}

#[tracing::instrument(skip_all)]
pub async fn history(conn: &mut Conn, finding_id: i64) -> Result<Vec<FindingStep>> {
    Ok(sqlx::query_as(
        "SELECT h.status, pe.display_name AS by_name, h.note, h.at_ms FROM finding_history h
         LEFT JOIN people pe ON pe.id = h.by_person_id WHERE h.finding_id = $1 ORDER BY h.id",
    )
    .bind(finding_id)
    .fetch_all(&mut *conn)
    .await?)
}

#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    pub party_id: Option<i64>,
    pub status: Option<FindingStatus>,
    pub level: Option<FindingLevel>,
    /// Only those past their due date and still awaiting the organisation.
    pub overdue_on: Option<time::Date>,
    /// Only those awaiting the organisation (its plan, revised plan or completion).
    pub awaiting_organisation: bool,
    /// Only those raised by this party's activities (the overseer's, who decides on them).
    pub raised_by_party_id: Option<i64>,
    /// Only those not closed.
    pub open_only: bool,
    /// Only those escalated to the organisation's accountable executive (overdue).
    pub escalated: bool,
    /// Words the requirement code or the description contains.
    pub search: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn list(
    conn: &mut Conn,
    subject: &Subject,
    f: &FindingFilter,
    page: PageRequest,
) -> Result<Page<Finding>> {
    let mut cond = filter(subject, Action::Read, &FINDING_ACCESS);
    if let Some(p) = f.party_id {
        cond.push(" AND fi.owner_party_id = ").bind(p);
    }
    if let Some(s) = f.status {
        cond.push(" AND fi.status = ").bind(s.as_str());
    }
    if let Some(l) = f.level {
        cond.push(" AND fi.level = ").bind(l.as_str());
    }
    if f.awaiting_organisation {
        cond.push(" AND fi.status IN ")
            .bind_list(&awaiting_organisation());
    }
    if let Some(p) = f.raised_by_party_id {
        cond.push(" AND fi.raised_by_party_id = ").bind(p);
    }
    if f.escalated {
        cond.push(" AND fi.escalated_on IS NOT NULL");
    }
    if let Some(q) = &f.search {
        crate::sql::all_words_like(&mut cond, q, &["fi.requirement_code", "fi.description"]);
    }
    if f.open_only {
        cond.push(" AND fi.status <> ")
            .bind(FindingStatus::Closed.as_str());
    }
    if let Some(day) = f.overdue_on {
        cond.push(" AND fi.status IN ")
            .bind_list(&awaiting_organisation())
            .push(" AND COALESCE(fi.cap_due_on, fi.due_on) < ")
            .bind(day);
    }
    fetch_page(
        conn,
        "findings fi",
        SELECT,
        &cond,
        // level_1 < level_2 < observation: the words sort by seriousness, and an index serves it.
        ORDER,
        page,
    )
    .await
}

/// The words of the statuses in which the organisation acts next, as the domain defines them.
fn awaiting_organisation() -> Vec<&'static str> {
    FindingStatus::AWAITING_ORGANISATION
        .iter()
        .map(|s| s.as_str())
        .collect()
}

/// A finding past its date that nobody was told about yet.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OverdueFinding {
    pub id: i64,
    /// The overseen organisation.
    pub owner_party_id: i64,
    pub raised_by_party_id: i64,
    pub requirement_code: String,
    #[sqlx(try_from = "String")]
    pub level: FindingLevel,
}

/// Findings waiting on their organisation past their date and not escalated yet.
#[tracing::instrument(skip_all)]
pub async fn overdue_unescalated(
    conn: &mut Conn,
    today: time::Date,
    limit: i64,
) -> Result<Vec<OverdueFinding>> {
    let mut sql = crate::sql::Sql::new(
        "SELECT id, owner_party_id, raised_by_party_id, requirement_code, level FROM findings
         WHERE escalated_on IS NULL AND need_to_know = 0 AND status IN ",
    );
    sql.bind_list(&awaiting_organisation())
        .push(" AND COALESCE(cap_due_on, due_on) < ")
        .bind(today)
        .push(" ORDER BY id LIMIT ")
        .bind(limit);
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}

/// Claims the escalation of one overdue finding for this run: true for the one run, of every
/// node's, that marks it first. On PostgreSQL a second node's update waits for the first's
/// commit, then finds the row marked and claims nothing; SQLite has one writer at a time.
#[tracing::instrument(skip_all)]
pub async fn claim_escalation(conn: &mut Conn, id: i64, today: time::Date) -> Result<bool> {
    let done =
        sqlx::query("UPDATE findings SET escalated_on = $1 WHERE id = $2 AND escalated_on IS NULL")
            .bind(format_date(today))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() == 1)
}
