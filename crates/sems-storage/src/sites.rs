//! Sites of an organisation.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::Flag;
use crate::sql::{fetch_page, like_pattern, Key, Order};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::page::{Page, PageRequest};

/// The order of the list: ending in the id, so pages never overlap.
const ORDER: Order = &[Key::text("pa.name"), Key::text("s.name"), Key::int("s.id")];

pub const ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::Site,
    id: "s.id",
    owner_party: "s.owner_party_id",
    classification: None,
    need_to_know: None,
    person: None,
    published: None,
    raiser: None,
    reach: Reach::Scan,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Site {
    pub id: i64,
    #[sqlx(rename = "owner_party_id")]
    pub party_id: i64,
    pub party_name: String,
    pub name: String,
    pub location: String,
    #[sqlx(try_from = "Flag")]
    pub active: bool,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

const COLUMNS: &str =
    "s.id, s.owner_party_id, pa.name AS party_name, s.name, s.location, s.active, \
     s.created_at_ms, s.updated_at_ms";

#[tracing::instrument(skip_all)]
pub async fn insert(conn: &mut Conn, party_id: i64, name: &str, location: &str) -> Result<i64> {
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO sites (owner_party_id, name, location, active, created_at_ms, updated_at_ms)
         VALUES ($1, $2, $3, 1, $4, $4) RETURNING id",
    )
    .bind(party_id)
    .bind(name)
    .bind(location)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

#[tracing::instrument(skip_all)]
pub async fn update(
    conn: &mut Conn,
    id: i64,
    name: &str,
    location: &str,
    active: bool,
) -> Result<()> {
    sqlx::query(
        "UPDATE sites SET name = $1, location = $2, active = $3, updated_at_ms = $4 WHERE id = $5",
    )
    .bind(name)
    .bind(location)
    .bind(i64::from(active))
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Site>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM sites s JOIN parties pa ON pa.id = s.owner_party_id WHERE s.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

#[derive(Debug, Clone, Default)]
pub struct SiteFilter {
    pub party_id: Option<i64>,
    pub search: Option<String>,
    pub include_inactive: bool,
}

#[tracing::instrument(skip_all)]
pub async fn list(
    conn: &mut Conn,
    subject: &Subject,
    f: &SiteFilter,
    page: PageRequest,
) -> Result<Page<Site>> {
    let mut cond = filter(subject, Action::Read, &ACCESS);
    if let Some(party) = f.party_id {
        cond.push(" AND s.owner_party_id = ").bind(party);
    }
    if let Some(search) = f.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let pattern = like_pattern(search);
        cond.push(" AND (LOWER(s.name) LIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\' OR LOWER(s.location) LIKE ")
            .bind(pattern)
            .push(" ESCAPE '\\')");
    }
    if !f.include_inactive {
        cond.push(" AND s.active = 1");
    }
    fetch_page(
        conn,
        "sites s",
        &format!("SELECT {COLUMNS} FROM sites s JOIN parties pa ON pa.id = s.owner_party_id"),
        &cond,
        ORDER,
        page,
    )
    .await
}

/// Every site of a party, by name (for imports that name sites, once the reader's access to
/// the party is checked).
#[tracing::instrument(skip_all)]
pub async fn of_party(conn: &mut Conn, party_id: i64) -> Result<Vec<Site>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM sites s JOIN parties pa ON pa.id = s.owner_party_id
         WHERE s.owner_party_id = $1 ORDER BY s.name, s.id"
    ))
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?)
}
