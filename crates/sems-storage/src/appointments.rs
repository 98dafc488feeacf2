//! Appointments to an organisation's protected duties (the identity custodian). An
//! appointment is never edited away: ending it keeps it in the history with who ended it.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::sql::{fetch_page, Key, Order};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::page::{Page, PageRequest};
use sems_domain::role::Role;

/// The order of the list: ending in the id, so pages never overlap.
const ORDER: Order = &[
    Key::int("CASE WHEN ap.ended_at_ms IS NULL THEN 0 ELSE 1 END"),
    Key::int("ap.starts_at_ms").desc(),
    Key::int("ap.id").desc(),
];

pub const ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::Appointment,
    id: "ap.id",
    owner_party: "ap.owner_party_id",
    classification: None,
    need_to_know: None,
    person: None,
    published: None,
    raiser: None,
    reach: Reach::Scan,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Appointment {
    pub id: i64,
    #[sqlx(rename = "owner_party_id")]
    pub party_id: i64,
    /// The role the appointment gives.
    #[sqlx(try_from = "String")]
    pub duty: Role,
    pub person_id: i64,
    pub person_name: String,
    pub starts_at_ms: i64,
    pub ended_at_ms: Option<i64>,
    pub appointed_by_name: Option<String>,
    pub ended_by_name: Option<String>,
    pub note: String,
}

const SELECT: &str = "SELECT ap.id, ap.owner_party_id, ap.duty, ap.person_id,
        pe.display_name AS person_name, ap.starts_at_ms, ap.ended_at_ms,
        ab.display_name AS appointed_by_name, eb.display_name AS ended_by_name, ap.note
     FROM appointments ap
     JOIN people pe ON pe.id = ap.person_id
     LEFT JOIN people ab ON ab.id = ap.appointed_by
     LEFT JOIN people eb ON eb.id = ap.ended_by";

#[tracing::instrument(skip_all)]
pub async fn insert(
    conn: &mut Conn,
    party_id: i64,
    duty: Role,
    person_id: i64,
    appointed_by: Option<i64>,
    note: &str,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO appointments (owner_party_id, duty, person_id, starts_at_ms, appointed_by, note)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(party_id)
    .bind(duty.as_str())
    .bind(person_id)
    .bind(now_ms())
    .bind(appointed_by)
    .bind(note)
    .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

#[tracing::instrument(skip_all)]
pub async fn end(conn: &mut Conn, id: i64, ended_by: Option<i64>) -> Result<()> {
    sqlx::query("UPDATE appointments SET ended_at_ms = $1, ended_by = $2 WHERE id = $3")
        .bind(now_ms())
        .bind(ended_by)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Appointment>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE ap.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// The appointment of `person_id` to `duty` in force, if any.
#[tracing::instrument(skip_all)]
pub async fn current_of(
    conn: &mut Conn,
    person_id: i64,
    duty: Role,
) -> Result<Option<Appointment>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE ap.person_id = $1 AND ap.duty = $2 AND ap.ended_at_ms IS NULL
         ORDER BY ap.id DESC LIMIT 1"
    ))
    .bind(person_id)
    .bind(duty.as_str())
    .fetch_optional(&mut *conn)
    .await?)
}

/// An organisation's appointments `subject` may read, those in force first, then the newest.
#[tracing::instrument(skip_all)]
pub async fn list(
    conn: &mut Conn,
    subject: &Subject,
    party_id: i64,
    page: PageRequest,
) -> Result<Page<Appointment>> {
    let mut cond = filter(subject, Action::Read, &ACCESS);
    cond.push(" AND ap.owner_party_id = ").bind(party_id);
    fetch_page(conn, "appointments ap", SELECT, &cond, ORDER, page).await
}
