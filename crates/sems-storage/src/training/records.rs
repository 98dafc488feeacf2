//! Training records and background checks of a person of the register. Each row copies its
//! person's employer and account, so the access rule reads it as the person's record
//! (`RECORD_ACCESS`, `CHECK_ACCESS`: kind `Personnel`). A check keeps that it was done, its
//! level, validity and outcome, never its content.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::{Day, Flag};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::training::{CheckLevel, CheckOutcome};
use sems_domain::util::format_date;

pub const RECORD_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::Personnel,
    id: "tr.personnel_id",
    owner_party: "tr.owner_party_id",
    classification: None,
    need_to_know: None,
    person: Some("tr.person_id"),
    published: None,
    raiser: None,
    reach: Reach::Scan,
};

pub const CHECK_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::Personnel,
    id: "bc.personnel_id",
    owner_party: "bc.owner_party_id",
    classification: None,
    need_to_know: None,
    person: Some("bc.person_id"),
    published: None,
    raiser: None,
    reach: Reach::Scan,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TrainingRecord {
    pub id: i64,
    pub personnel_id: i64,
    pub course_code: String,
    #[sqlx(try_from = "Day")]
    pub completed_on: time::Date,
    pub hours: f64,
    #[sqlx(try_from = "Flag")]
    pub passed: bool,
    pub score: Option<f64>,
    pub instructor_personnel_id: Option<i64>,
    pub instructor_name: Option<String>,
    pub provider: String,
    pub evidence_sha256: Option<String>,
    pub programme_version: i64,
    pub recorded_at_ms: i64,
}

/// A record to store.
pub struct NewRecord<'a> {
    pub personnel_id: i64,
    pub course_code: &'a str,
    pub completed_on: time::Date,
    pub hours: f64,
    pub passed: bool,
    pub score: Option<f64>,
    pub instructor_personnel_id: Option<i64>,
    pub provider: &'a str,
    pub evidence_sha256: Option<&'a str>,
    pub programme_version: i64,
}

/// Stores a training record, with its person's employer and account copied; returns its id.
#[tracing::instrument(skip_all)]
pub async fn insert_record(conn: &mut Conn, r: &NewRecord<'_>, by: Option<i64>) -> Result<i64> {
    let mut sql = crate::sql::Sql::new(
        "INSERT INTO training_records (personnel_id, owner_party_id, person_id, course_code, completed_on,
             hours, passed, score, instructor_personnel_id, provider, evidence_sha256,
             programme_version, recorded_by, recorded_at_ms)
         SELECT pn.id, pn.owner_party_id, pn.person_id, ",
    );
    sql.bind(r.course_code)
        .push(", ")
        .bind(format_date(r.completed_on))
        .push(", ")
        .bind(r.hours)
        .push(", ")
        .bind(i64::from(r.passed))
        .push(", ")
        .bind(r.score)
        .push(", ")
        .bind(r.instructor_personnel_id)
        .push(", ")
        .bind(r.provider)
        .push(", ")
        .bind(r.evidence_sha256.map(str::to_string))
        .push(", ")
        .bind(r.programme_version)
        .push(", ")
        .bind(by)
        .push(", ")
        .bind(now_ms())
        .push(" FROM personnel pn WHERE pn.id = ")
        .bind(r.personnel_id)
        .push(" RETURNING id");
    Ok(sql.query_scalar().fetch_one(&mut *conn).await?)
}

/// A person's training records `subject` may read, newest first.
#[tracing::instrument(skip_all)]
pub async fn records_of(
    conn: &mut Conn,
    subject: &Subject,
    personnel_id: i64,
) -> Result<Vec<TrainingRecord>> {
    let mut sql = crate::sql::Sql::new(
        "SELECT tr.id, tr.personnel_id, tr.course_code, tr.completed_on, tr.hours, tr.passed, tr.score,
                tr.instructor_personnel_id, ip.full_name AS instructor_name, tr.provider,
                tr.evidence_sha256, tr.programme_version, tr.recorded_at_ms
         FROM training_records tr LEFT JOIN personnel ip ON ip.id = tr.instructor_personnel_id
         WHERE tr.personnel_id = ",
    );
    sql.bind(personnel_id)
        .push(" AND ")
        .append(&filter(subject, Action::Read, &RECORD_ACCESS))
        .push(" ORDER BY tr.completed_on DESC, tr.id DESC");
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BackgroundCheck {
    pub id: i64,
    pub personnel_id: i64,
    #[sqlx(try_from = "String")]
    pub level: CheckLevel,
    #[sqlx(try_from = "Day")]
    pub completed_on: time::Date,
    #[sqlx(try_from = "Day")]
    pub valid_until: time::Date,
    #[sqlx(try_from = "String")]
    pub outcome: CheckOutcome,
    pub recorded_at_ms: i64,
}

/// A check to store.
pub struct NewCheck {
    pub personnel_id: i64,
    pub level: CheckLevel,
    pub completed_on: time::Date,
    pub valid_until: time::Date,
    pub outcome: CheckOutcome,
}

#[tracing::instrument(skip_all)]
pub async fn insert_check(conn: &mut Conn, c: &NewCheck, by: Option<i64>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO background_checks (personnel_id, owner_party_id, person_id, level, completed_on,
             valid_until, outcome, recorded_by, recorded_at_ms)
         SELECT pn.id, pn.owner_party_id, pn.person_id, $1, $2, $3, $4, $5, $6
         FROM personnel pn WHERE pn.id = $7 RETURNING id",
    )
    .bind(c.level.as_str())
    .bind(format_date(c.completed_on))
    .bind(format_date(c.valid_until))
    .bind(c.outcome.as_str())
    .bind(by)
    .bind(now_ms())
    .bind(c.personnel_id)
    .fetch_one(&mut *conn)
    .await?)
}

/// A person's background checks `subject` may read, newest first.
#[tracing::instrument(skip_all)]
pub async fn checks_of(
    conn: &mut Conn,
    subject: &Subject,
    personnel_id: i64,
) -> Result<Vec<BackgroundCheck>> {
    let mut sql = crate::sql::Sql::new(
        "SELECT bc.id, bc.personnel_id, bc.level, bc.completed_on, bc.valid_until, bc.outcome,
                bc.recorded_at_ms
         FROM background_checks bc WHERE bc.personnel_id = ",
    );
    sql.bind(personnel_id)
        .push(" AND ")
        .append(&filter(subject, Action::Read, &CHECK_ACCESS))
        .push(" ORDER BY bc.completed_on DESC, bc.id DESC");
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}

/// Every training record of a person, oldest first: what their standings are computed from
/// (the service has authorised the reader).
#[tracing::instrument(skip_all)]
pub async fn all_records(conn: &mut Conn, personnel_id: i64) -> Result<Vec<TrainingRecord>> {
    Ok(sqlx::query_as(
        "SELECT tr.id, tr.personnel_id, tr.course_code, tr.completed_on, tr.hours, tr.passed, tr.score,
                tr.instructor_personnel_id, ip.full_name AS instructor_name, tr.provider,
                tr.evidence_sha256, tr.programme_version, tr.recorded_at_ms
         FROM training_records tr LEFT JOIN personnel ip ON ip.id = tr.instructor_personnel_id
         WHERE tr.personnel_id = $1 ORDER BY tr.completed_on, tr.id",
    )
    .bind(personnel_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Every background check of a person, oldest first.
#[tracing::instrument(skip_all)]
pub async fn all_checks(conn: &mut Conn, personnel_id: i64) -> Result<Vec<BackgroundCheck>> {
    Ok(sqlx::query_as(
        "SELECT bc.id, bc.personnel_id, bc.level, bc.completed_on, bc.valid_until, bc.outcome,
                bc.recorded_at_ms
         FROM background_checks bc WHERE bc.personnel_id = $1 ORDER BY bc.completed_on, bc.id",
    )
    .bind(personnel_id)
    .fetch_all(&mut *conn)
    .await?)
}
