//! Nominations of an organisation's accountable executive and security manager, with dates.
//! A nomination is never edited away: a new one ends the previous one, so the history stays.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::{Day, OptionalDay};
use crate::sql::{fetch_page, Key, Order};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::nomination::NominatedPosition;
use sems_domain::page::{Page, PageRequest};
use sems_domain::util::format_date;

/// The order of the list: ending in the id, so pages never overlap.
const ORDER: Order = &[
    Key::text("pa.name"),
    Key::text("n.position"),
    Key::text("n.starts_on").desc(),
    Key::int("n.id").desc(),
];

pub const ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::Nomination,
    id: "n.id",
    owner_party: "n.owner_party_id",
    classification: None,
    need_to_know: None,
    person: None,
    published: None,
    raiser: None,
    reach: Reach::Scan,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Nomination {
    pub id: i64,
    #[sqlx(rename = "owner_party_id")]
    pub party_id: i64,
    pub party_name: String,
    #[sqlx(try_from = "String")]
    pub position: NominatedPosition,
    pub person_id: i64,
    pub person_name: String,
    #[sqlx(try_from = "Day")]
    pub starts_on: time::Date,
    #[sqlx(try_from = "OptionalDay")]
    pub ends_on: Option<time::Date>,
    pub note: String,
    pub created_at_ms: i64,
}

const COLUMNS: &str = "n.id, n.owner_party_id, pa.name AS party_name, n.position, n.person_id, \
     pe.display_name AS person_name, n.starts_on, n.ends_on, n.note, n.created_at_ms";
const FROM: &str = "FROM nominations n JOIN parties pa ON pa.id = n.owner_party_id \
     JOIN people pe ON pe.id = n.person_id";

pub struct NewNomination<'a> {
    pub party_id: i64,
    pub position: NominatedPosition,
    pub person_id: i64,
    pub starts_on: time::Date,
    pub ends_on: Option<time::Date>,
    pub note: &'a str,
    pub created_by: i64,
}

#[tracing::instrument(skip_all)]
pub async fn insert(conn: &mut Conn, n: &NewNomination<'_>) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO nominations (owner_party_id, position, person_id, starts_on, ends_on, note, created_by, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(n.party_id)
    .bind(n.position.as_str())
    .bind(n.person_id)
    .bind(format_date(n.starts_on))
    .bind(n.ends_on.map(format_date))
    .bind(n.note)
    .bind(n.created_by)
    .bind(now_ms())
    .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

/// Sets the end date of a nomination.
#[tracing::instrument(skip_all)]
pub async fn set_end(conn: &mut Conn, id: i64, ends_on: time::Date) -> Result<()> {
    sqlx::query("UPDATE nominations SET ends_on = $1 WHERE id = $2")
        .bind(format_date(ends_on))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Nomination>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} {FROM} WHERE n.id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// The nominations of a party for a position that are open on `day` (YYYY-MM-DD) or later.
#[tracing::instrument(skip_all)]
pub async fn open_on(
    conn: &mut Conn,
    party_id: i64,
    position: NominatedPosition,
    day: time::Date,
) -> Result<Vec<Nomination>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} {FROM} WHERE n.owner_party_id = $1 AND n.position = $2
         AND (n.ends_on IS NULL OR n.ends_on >= $3) ORDER BY n.starts_on, n.id"
    ))
    .bind(party_id)
    .bind(position.as_str())
    .bind(format_date(day))
    .fetch_all(&mut *conn)
    .await?)
}

#[derive(Debug, Clone, Default)]
pub struct NominationFilter {
    pub party_id: Option<i64>,
    /// Only nominations in force on this day (YYYY-MM-DD).
    pub current_on: Option<time::Date>,
}

#[tracing::instrument(skip_all)]
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
    if let Some(day) = f.current_on {
        cond.push(" AND n.starts_on <= ")
            .bind(day)
            .push(" AND (n.ends_on IS NULL OR n.ends_on >= ")
            .bind(day)
            .push(")");
    }
    fetch_page(
        conn,
        "nominations n",
        &format!("SELECT {COLUMNS} {FROM}"),
        &cond,
        ORDER,
        page,
    )
    .await
}
