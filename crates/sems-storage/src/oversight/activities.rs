//! Oversight activities, their teams and checklists.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::{Day, Flag, OptionalDay, OptionalFlag};
use crate::sql::{fetch_page, Key, Order, Sql};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::oversight::method::ComplianceScale;
use sems_domain::oversight::{ActivityStatus, EiTally, FindingLevel, Performer};
use sems_domain::page::{Page, PageRequest};
use sems_domain::util::format_date;

/// The order of the list: ending in the id, so pages never overlap.
const ORDER: Order = &[Key::text("oa.planned_on").desc(), Key::int("oa.id").desc()];

pub const ACTIVITY_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::OversightActivity,
    id: "oa.id",
    owner_party: "oa.owner_party_id",
    classification: Some("oa.classification"),
    need_to_know: Some("oa.need_to_know"),
    person: None,
    published: None,
    raiser: None,
    reach: Reach::Own("oversight_activities"),
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Activity {
    pub id: i64,
    /// The party that performs it.
    #[sqlx(rename = "owner_party_id")]
    pub party_id: i64,
    pub party_name: String,
    pub overseen_party_id: i64,
    #[sqlx(rename = "overseen_name")]
    pub overseen_party_name: String,
    /// A kind of the oversight method, and its label as planned.
    pub kind: String,
    pub kind_label: String,
    #[sqlx(try_from = "String")]
    pub performer: Performer,
    pub title: String,
    pub catalogue_party_id: i64,
    pub catalogue_id: i64,
    pub catalogue_code: String,
    pub catalogue_version: i64,
    /// The oversight method's version and the scale the checklist is answered on.
    pub method_version: i64,
    pub scale: String,
    #[sqlx(try_from = "Flag")]
    pub announced: bool,
    #[sqlx(try_from = "Flag")]
    pub covert: bool,
    #[sqlx(try_from = "Flag")]
    pub released: bool,
    #[sqlx(try_from = "String")]
    pub status: ActivityStatus,
    #[sqlx(try_from = "Day")]
    pub planned_on: time::Date,
    #[sqlx(try_from = "OptionalDay")]
    pub started_on: Option<time::Date>,
    #[sqlx(try_from = "OptionalDay")]
    pub completed_on: Option<time::Date>,
    pub classification: i64,
    #[sqlx(try_from = "Flag")]
    pub need_to_know: bool,
    pub updated_at_ms: i64,
}

const SELECT: &str = "SELECT oa.id, oa.owner_party_id, pa.name AS party_name, oa.overseen_party_id,
        ov.name AS overseen_name, oa.kind, oa.kind_label, oa.performer, oa.title, oa.catalogue_party_id, oa.catalogue_id, ca.code AS catalogue_code, oa.catalogue_version,
        oa.method_version, oa.scale, oa.announced,
        oa.covert, oa.released, oa.status, oa.planned_on, oa.started_on, oa.completed_on, oa.classification,
        oa.need_to_know, oa.updated_at_ms
     FROM oversight_activities oa JOIN parties pa ON pa.id = oa.owner_party_id
     JOIN parties ov ON ov.id = oa.overseen_party_id JOIN catalogues ca ON ca.id = oa.catalogue_id";
const FROM: &str = "oversight_activities oa JOIN parties pa ON pa.id = oa.owner_party_id
     JOIN parties ov ON ov.id = oa.overseen_party_id JOIN catalogues ca ON ca.id = oa.catalogue_id";

pub struct NewActivity<'a> {
    pub party_id: i64,
    pub overseen_party_id: i64,
    pub kind: &'a str,
    pub kind_label: &'a str,
    pub performer: Performer,
    pub title: &'a str,
    pub catalogue_party_id: i64,
    pub catalogue_id: i64,
    pub catalogue_version: i64,
    pub method_version: i64,
    pub scale: &'a str,
    pub announced: bool,
    pub covert: bool,
    pub planned_on: time::Date,
    pub classification: i64,
}

#[tracing::instrument(skip_all)]
pub async fn insert(conn: &mut Conn, a: &NewActivity<'_>, by: Option<i64>) -> Result<i64> {
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO oversight_activities (owner_party_id, overseen_party_id, kind, title, catalogue_party_id,
             catalogue_version, announced, covert, released, status, planned_on, classification, need_to_know,
             created_by, created_at_ms, updated_at_ms, performer, catalogue_id, method_version, scale, kind_label)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 'planned', $9, $10, $11, $12, $13, $13, $14, $15, $16, $17, $18)
         RETURNING id",
    )
    .bind(a.party_id)
    .bind(a.overseen_party_id)
    .bind(a.kind)
    .bind(a.title)
    .bind(a.catalogue_party_id)
    .bind(a.catalogue_version)
    .bind(i64::from(a.announced))
    .bind(i64::from(a.covert))
    .bind(format_date(a.planned_on))
    .bind(a.classification)
    .bind(i64::from(a.covert))
    .bind(by)
    .bind(now)
    .bind(a.performer.as_str())
    .bind(a.catalogue_id)
    .bind(a.method_version)
    .bind(a.scale)
    .bind(a.kind_label)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

#[tracing::instrument(skip_all)]
pub async fn add_team_member(conn: &mut Conn, activity_id: i64, person_id: i64) -> Result<()> {
    sqlx::query("INSERT INTO activity_team (activity_id, person_id) VALUES ($1, $2)")
        .bind(activity_id)
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The team: each person's id and display name.
#[tracing::instrument(skip_all)]
pub async fn team(conn: &mut Conn, activity_id: i64) -> Result<Vec<crate::Named>> {
    Ok(sqlx::query_as(
        "SELECT t.person_id AS id, pe.display_name AS name FROM activity_team t JOIN people pe ON pe.id = t.person_id
         WHERE t.activity_id = $1 ORDER BY pe.display_name",
    )
    .bind(activity_id)
    .fetch_all(&mut *conn)
    .await?)
}

#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Activity>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE oa.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

#[tracing::instrument(skip_all)]
pub async fn set_status(conn: &mut Conn, id: i64, status: ActivityStatus, day: &str) -> Result<()> {
    let column = match status {
        ActivityStatus::InProgress => "started_on",
        ActivityStatus::Completed => "completed_on",
        ActivityStatus::Planned => "planned_on",
    };
    sqlx::query(&format!(
        "UPDATE oversight_activities SET status = $1, {column} = $2, updated_at_ms = $3 WHERE id = $4"
    ))
    .bind(status.as_str())
    .bind(day)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A released covert test: no longer need-to-know.
#[tracing::instrument(skip_all)]
pub async fn release(conn: &mut Conn, id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE oversight_activities SET released = 1, need_to_know = 0, updated_at_ms = $1 WHERE id = $2",
    )
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE findings SET need_to_know = 0, updated_at_ms = $1 WHERE activity_id = $2")
        .bind(now_ms())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    // Its marking is what the EI totals are kept by.
    super::ei_totals::refresh_for_activity(conn, id).await
}

#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    pub overseen_party_id: Option<i64>,
    pub status: Option<ActivityStatus>,
    pub year: Option<i64>,
    /// Only those this person is on the team of.
    pub team_member: Option<i64>,
    /// Only those not completed and planned on or before this day.
    pub open_due_by: Option<time::Date>,
    /// Words the title contains.
    pub search: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn list(
    conn: &mut Conn,
    subject: &Subject,
    f: &ActivityFilter,
    page: PageRequest,
) -> Result<Page<Activity>> {
    let mut cond = filter(subject, Action::Read, &ACTIVITY_ACCESS);
    if let Some(p) = f.overseen_party_id {
        cond.push(" AND oa.overseen_party_id = ").bind(p);
    }
    if let Some(s) = f.status {
        cond.push(" AND oa.status = ").bind(s.as_str());
    }
    if let Some(y) = f.year {
        cond.push(" AND oa.planned_on LIKE ").bind(format!("{y}-%"));
    }
    if let Some(q) = &f.search {
        crate::sql::all_words_like(&mut cond, q, &["oa.title"]);
    }
    if let Some(person) = f.team_member {
        cond.push(" AND oa.id IN (SELECT activity_id FROM activity_team WHERE person_id = ")
            .bind(person)
            .push(")");
    }
    if let Some(day) = f.open_due_by {
        cond.push(" AND oa.status <> ")
            .bind(ActivityStatus::Completed.as_str())
            .push(" AND oa.planned_on <= ")
            .bind(format_date(day));
    }
    fetch_page(conn, FROM, SELECT, &cond, ORDER, page).await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChecklistItem {
    pub id: i64,
    pub requirement_code: String,
    pub requirement_title: String,
    pub area_code: String,
    /// A word of the activity's scale.
    pub answer: Option<String>,
    pub notes: String,
    #[sqlx(try_from = "OptionalFlag")]
    pub test_passed: Option<bool>,
    pub test_method: String,
    #[sqlx(rename = "by_name")]
    pub answered_by_name: Option<String>,
    pub answered_at_ms: Option<i64>,
}

#[tracing::instrument(skip_all)]
pub async fn add_item(
    conn: &mut Conn,
    activity_id: i64,
    position: i64,
    code: &str,
    title: &str,
    area: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO checklist_items (activity_id, position, requirement_code, requirement_title, area_code)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(activity_id)
    .bind(position)
    .bind(code)
    .bind(title)
    .bind(area)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn items(conn: &mut Conn, activity_id: i64) -> Result<Vec<ChecklistItem>> {
    Ok(sqlx::query_as(
        "SELECT ci.id, ci.requirement_code, ci.requirement_title, ci.area_code, ci.answer, ci.notes, ci.test_passed,
                ci.test_method, pe.display_name AS by_name, ci.answered_at_ms
         FROM checklist_items ci LEFT JOIN people pe ON pe.id = ci.answered_by
         WHERE ci.activity_id = $1 ORDER BY ci.position, ci.id",
    )
    .bind(activity_id)
    .fetch_all(&mut *conn)
        .await?)
}

pub struct Answer<'a> {
    /// A word of the activity's scale, checked by the service.
    pub answer: &'a str,
    pub notes: &'a str,
    pub test_passed: Option<bool>,
    pub test_method: &'a str,
}

/// Records an answer on an item of the activity; false when the item is not on it.
#[tracing::instrument(skip_all)]
pub async fn answer(
    conn: &mut Conn,
    activity_id: i64,
    item_id: i64,
    a: &Answer<'_>,
    by: Option<i64>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE checklist_items SET answer = $1, notes = $2, test_passed = $3, test_method = $4, answered_by = $5,
             answered_at_ms = $6
         WHERE id = $7 AND activity_id = $8",
    )
    .bind(a.answer)
    .bind(a.notes)
    .bind(a.test_passed.map(i64::from))
    .bind(a.test_method)
    .bind(by)
    .bind(now_ms())
    .bind(item_id)
    .bind(activity_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Writes the per-area results of a completed activity from its checklist, counted on its
/// scale.
#[tracing::instrument(skip_all)]
pub async fn store_results(
    conn: &mut Conn,
    activity_id: i64,
    scale: &ComplianceScale,
) -> Result<()> {
    let mut per_area: std::collections::BTreeMap<String, EiTally> = Default::default();
    for item in items(conn, activity_id).await? {
        per_area
            .entry(item.area_code.clone())
            .or_default()
            .count(item.answer.as_deref().and_then(|w| scale.answer(w).ok()));
    }
    sqlx::query("DELETE FROM activity_results WHERE activity_id = $1")
        .bind(activity_id)
        .execute(&mut *conn)
        .await?;
    for (area, tally) in per_area {
        sqlx::query(
            "INSERT INTO activity_results (activity_id, area_code, compliant, applicable, items)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(activity_id)
        .bind(area)
        .bind(tally.compliant)
        .bind(tally.applicable)
        .bind(tally.items)
        .execute(&mut *conn)
        .await?;
    }
    super::ei_totals::refresh_for_activity(conn, activity_id).await
}

/// An issued activity report: a snapshot, never updated.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IssuedReport {
    pub activity_id: i64,
    pub version: i64,
    pub summary: String,
    pub content_json: String,
    #[sqlx(rename = "by_name")]
    pub issued_by_name: Option<String>,
    pub issued_at_ms: i64,
}

/// Issues the next version of an activity's report; returns its version.
#[tracing::instrument(skip_all)]
pub async fn issue_report(
    conn: &mut Conn,
    activity_id: i64,
    summary: &str,
    content_json: &str,
    by: Option<i64>,
) -> Result<i64> {
    let version: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(version), 0) + 1 AS v FROM activity_reports WHERE activity_id = $1",
    )
    .bind(activity_id)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO activity_reports (activity_id, version, summary, content_json, issued_by, issued_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(activity_id)
    .bind(version)
    .bind(summary)
    .bind(content_json)
    .bind(by)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(version)
}

/// The issued reports of an activity, newest first.
#[tracing::instrument(skip_all)]
pub async fn issued_reports(conn: &mut Conn, activity_id: i64) -> Result<Vec<IssuedReport>> {
    Ok(sqlx::query_as(
        "SELECT r.activity_id, r.version, r.summary, r.content_json, pe.display_name AS by_name, r.issued_at_ms
         FROM activity_reports r LEFT JOIN people pe ON pe.id = r.issued_by
         WHERE r.activity_id = $1 ORDER BY r.version DESC",
    )
    .bind(activity_id)
    .fetch_all(&mut *conn)
        .await?)
}

/// The day the last completed activity of an organisation (of a kind, when given) ended.
/// The day of the last completed activity of one performer about an organisation, of the
/// kinds given when asked.
#[tracing::instrument(skip_all)]
pub async fn last_completed(
    conn: &mut Conn,
    overseen_party_id: i64,
    performer: Performer,
    kinds: Option<&[&str]>,
) -> Result<Option<String>> {
    let mut sql = Sql::new(
        "SELECT MAX(completed_on) AS d FROM oversight_activities WHERE overseen_party_id = ",
    );
    sql.bind(overseen_party_id)
        .push(" AND performer = ")
        .bind(performer.as_str())
        .push(" AND status = ")
        .bind(ActivityStatus::Completed.as_str());
    if let Some(k) = kinds {
        sql.push(" AND kind IN ").bind_list(k);
    }
    Ok(sql.query_scalar().fetch_one(&mut *conn).await?)
}

/// The most serious finding still open (not closed) that activities of one performer raised
/// about an organisation.
#[tracing::instrument(skip_all)]
pub async fn most_serious_open_finding(
    conn: &mut Conn,
    overseen_party_id: i64,
    performer: Performer,
) -> Result<Option<FindingLevel>> {
    let mut sql = Sql::new(
        "SELECT DISTINCT f.level FROM findings f JOIN oversight_activities oa ON oa.id = f.activity_id
         WHERE oa.overseen_party_id = ",
    );
    sql.bind(overseen_party_id)
        .push(" AND oa.performer = ")
        .bind(performer.as_str())
        .push(" AND f.status <> ")
        .bind(sems_domain::oversight::FindingStatus::Closed.as_str());
    let levels: Vec<String> = sql.query_scalar().fetch_all(&mut *conn).await?;
    // The levels in the vocabulary's order are the most serious first.
    Ok(FindingLevel::ALL
        .iter()
        .copied()
        .find(|l| levels.iter().any(|x| x == l.as_str())))
}

/// A file attached to a checklist item as evidence.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItemEvidence {
    pub id: i64,
    pub item_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

#[tracing::instrument(skip_all)]
pub async fn insert_evidence(
    conn: &mut Conn,
    activity_id: i64,
    item_id: i64,
    file: (&str, &str, i64, &str),
    by: Option<i64>,
) -> Result<i64> {
    let (filename, content_type, size, sha256) = file;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO item_evidence (activity_id, item_id, filename, content_type, size_bytes, sha256, created_by,
             created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(activity_id)
    .bind(item_id)
    .bind(filename)
    .bind(content_type)
    .bind(size)
    .bind(sha256)
    .bind(by)
    .bind(now_ms())
    .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

#[tracing::instrument(skip_all)]
pub async fn evidence(conn: &mut Conn, activity_id: i64) -> Result<Vec<ItemEvidence>> {
    Ok(sqlx::query_as(
        "SELECT id, item_id, filename, content_type, size_bytes, sha256 FROM item_evidence
         WHERE activity_id = $1 ORDER BY item_id, id",
    )
    .bind(activity_id)
    .fetch_all(&mut *conn)
    .await?)
}

#[tracing::instrument(skip_all)]
pub async fn add_contractor(
    conn: &mut Conn,
    client: i64,
    contractor: i64,
    by: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO party_contractors (client_party_id, contractor_party_id, added_by, added_at_ms)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(client)
    .bind(contractor)
    .bind(by)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An organisation's contractors.
#[tracing::instrument(skip_all)]
pub async fn contractors(conn: &mut Conn, client: i64) -> Result<Vec<crate::Named>> {
    Ok(sqlx::query_as(
        "SELECT pa.id, pa.name FROM party_contractors c JOIN parties pa ON pa.id = c.contractor_party_id
         WHERE c.client_party_id = $1 ORDER BY pa.name",
    )
    .bind(client)
    .fetch_all(&mut *conn)
    .await?)
}
