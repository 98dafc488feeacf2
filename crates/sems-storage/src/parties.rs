//! Parties: the authority and the organisations.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::Flag;
use crate::sql::{fetch_page, like_pattern, Key, Order};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::page::{Page, PageRequest};
use sems_domain::party::PartyKind;

/// The order of the list: ending in the id, so pages never overlap.
const ORDER: Order = &[
    Key::int("CASE WHEN p.kind = 'authority' THEN 0 ELSE 1 END"),
    Key::text("p.name"),
    Key::int("p.id"),
];

pub const ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::Party,
    id: "p.id",
    owner_party: "p.id",
    classification: None,
    need_to_know: None,
    person: None,
    published: None,
    raiser: None,
    reach: Reach::Scan,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Party {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: PartyKind,
    pub name: String,
    pub code: String,
    #[sqlx(try_from = "Flag")]
    pub active: bool,
    pub created_at_ms: i64,
}

const COLUMNS: &str = "p.id, p.kind, p.name, p.code, p.active, p.created_at_ms";

#[tracing::instrument(skip_all)]
pub async fn insert(conn: &mut Conn, kind: PartyKind, name: &str, code: &str) -> Result<i64> {
    let now = now_ms();
    let id = sqlx::query_scalar(
        "INSERT INTO parties (kind, name, code, active, created_at_ms, updated_at_ms)
         VALUES ($1, $2, $3, 1, $4, $4) RETURNING id",
    )
    .bind(kind.as_str())
    .bind(name)
    .bind(code)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

#[tracing::instrument(skip_all)]
pub async fn update(conn: &mut Conn, id: i64, name: &str, code: &str, active: bool) -> Result<()> {
    sqlx::query(
        "UPDATE parties SET name = $1, code = $2, active = $3, updated_at_ms = $4 WHERE id = $5",
    )
    .bind(name)
    .bind(code)
    .bind(i64::from(active))
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Party>> {
    let party = sqlx::query_as(&format!("SELECT {COLUMNS} FROM parties p WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(party)
}

#[tracing::instrument(skip_all)]
pub async fn by_code(conn: &mut Conn, code: &str) -> Result<Option<Party>> {
    let party = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM parties p WHERE p.code = $1"
    ))
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(party)
}

#[tracing::instrument(skip_all)]
pub async fn authority(conn: &mut Conn) -> Result<Option<Party>> {
    let party = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM parties p WHERE p.kind = 'authority'"
    ))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(party)
}

#[derive(Debug, Clone, Default)]
pub struct PartyFilter {
    pub search: Option<String>,
    pub kind: Option<PartyKind>,
}

/// The parties `subject` may read, by name.
#[tracing::instrument(skip_all)]
pub async fn list(
    conn: &mut Conn,
    subject: &Subject,
    f: &PartyFilter,
    page: PageRequest,
) -> Result<Page<Party>> {
    let mut cond = filter(subject, Action::Read, &ACCESS);
    if let Some(search) = f.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let pattern = like_pattern(search);
        cond.push(" AND (LOWER(p.name) LIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\' OR LOWER(p.code) LIKE ")
            .bind(pattern)
            .push(" ESCAPE '\\')");
    }
    if let Some(kind) = f.kind {
        cond.push(" AND p.kind = ").bind(kind.as_str());
    }
    fetch_page(
        conn,
        "parties p",
        &format!("SELECT {COLUMNS} FROM parties p"),
        &cond,
        ORDER,
        page,
    )
    .await
}

/// The names of the classification levels, lowest first.
#[tracing::instrument(skip_all)]
pub async fn classification_levels(conn: &mut Conn) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT name FROM classification_levels ORDER BY rank")
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// The ids of the first `limit` organisations (every party but the authority), by id.
#[tracing::instrument(skip_all)]
pub async fn organisation_ids(conn: &mut Conn, limit: i64) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM parties WHERE kind <> 'authority' ORDER BY id LIMIT $1")
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?,
    )
}
