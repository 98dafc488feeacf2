//! Nominations of an organisation's accountable executive and security manager, with dates.
//! A nomination is never edited away: a new one ends the previous one, so the history stays.

use crate::access_filter::{filter, AccessColumns};
use crate::parties::decode_error;
use crate::sql::fetch_page;
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::nomination::NominatedPosition;
use sems_domain::page::{Page, PageRequest};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

pub const ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::Nomination,
    id: "n.id",
    owner_party: "n.owner_party_id",
    classification: None,
    need_to_know: None,
    person: None,
    published: None,
    raiser: None,
};

#[derive(Debug, Clone, Serialize)]
pub struct Nomination {
    pub id: i64,
    pub party_id: i64,
    pub party_name: String,
    pub position: NominatedPosition,
    pub person_id: i64,
    pub person_name: String,
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub note: String,
    pub created_at_ms: i64,
}

const COLUMNS: &str = "n.id, n.owner_party_id, pa.name AS party_name, n.position, n.person_id, \
     pe.display_name AS person_name, n.starts_on, n.ends_on, n.note, n.created_at_ms";
const FROM: &str = "FROM nominations n JOIN parties pa ON pa.id = n.owner_party_id \
     JOIN people pe ON pe.id = n.person_id";

fn from_row(row: &AnyRow) -> Result<Nomination> {
    let position: String = row.try_get("position")?;
    Ok(Nomination {
        id: row.try_get("id")?,
        party_id: row.try_get("owner_party_id")?,
        party_name: row.try_get("party_name")?,
        position: NominatedPosition::parse(&position).map_err(|e| decode_error(e.to_string()))?,
        person_id: row.try_get("person_id")?,
        person_name: row.try_get("person_name")?,
        starts_on: row.try_get("starts_on")?,
        ends_on: row.try_get("ends_on")?,
        note: row.try_get("note")?,
        created_at_ms: row.try_get("created_at_ms")?,
    })
}

pub struct NewNomination<'a> {
    pub party_id: i64,
    pub position: NominatedPosition,
    pub person_id: i64,
    pub starts_on: &'a str,
    pub ends_on: Option<&'a str>,
    pub note: &'a str,
    pub created_by: i64,
}

pub async fn insert(conn: &mut Conn, n: &NewNomination<'_>) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO nominations (owner_party_id, position, person_id, starts_on, ends_on, note, created_by, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(n.party_id)
    .bind(n.position.as_str())
    .bind(n.person_id)
    .bind(n.starts_on)
    .bind(n.ends_on.map(str::to_string))
    .bind(n.note)
    .bind(n.created_by)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

/// Sets the end date of a nomination.
pub async fn set_end(conn: &mut Conn, id: i64, ends_on: &str) -> Result<()> {
    sqlx::query("UPDATE nominations SET ends_on = $1 WHERE id = $2")
        .bind(ends_on)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Nomination>> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} {FROM} WHERE n.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The nominations of a party for a position that are open on `day` (YYYY-MM-DD) or later.
pub async fn open_on(
    conn: &mut Conn,
    party_id: i64,
    position: NominatedPosition,
    day: &str,
) -> Result<Vec<Nomination>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} {FROM} WHERE n.owner_party_id = $1 AND n.position = $2
         AND (n.ends_on IS NULL OR n.ends_on >= $3) ORDER BY n.starts_on, n.id"
    ))
    .bind(party_id)
    .bind(position.as_str())
    .bind(day)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

#[derive(Debug, Clone, Default)]
pub struct NominationFilter {
    pub party_id: Option<i64>,
    /// Only nominations in force on this day (YYYY-MM-DD).
    pub current_on: Option<String>,
}

pub async fn list(
    conn: &mut Conn,
    subject: &Subject,
    f: &NominationFilter,
    page: PageRequest,
) -> Result<Page<Nomination>> {
    let mut cond = filter(subject, Action::Read, &ACCESS);
    if let Some(party) = f.party_id {
        cond.push(" AND n.owner_party_id = ").bind(party);
    }
    if let Some(day) = &f.current_on {
        cond.push(" AND n.starts_on <= ")
            .bind(day.clone())
            .push(" AND (n.ends_on IS NULL OR n.ends_on >= ")
            .bind(day.clone())
            .push(")");
    }
    fetch_page(
        conn,
        "nominations n",
        &format!("SELECT {COLUMNS} {FROM}"),
        &cond,
        "pa.name, n.position, n.starts_on DESC, n.id DESC",
        page,
        from_row,
    )
    .await
}
