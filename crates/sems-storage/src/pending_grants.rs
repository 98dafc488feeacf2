//! Grants waiting for a second person: authority roles and clearances above the lowest that a
//! director of the authority confirms or refuses (`sems_domain::role::HeldGrant`). A grant is
//! never deleted; a newer one for the same person replaces the pending one.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::Words;
use crate::sql::{fetch_page, Key, Order};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::page::{Page, PageRequest};
use sems_domain::role::Role;

/// The order of the list: ending in the id, so pages never overlap.
const ORDER: Order = &[Key::int("pg.id")];

pub const ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::PendingGrant,
    id: "pg.id",
    owner_party: "pg.owner_party_id",
    classification: None,
    need_to_know: None,
    person: None,
    published: None,
    raiser: None,
    reach: Reach::Scan,
};

pub use sems_domain::role::GrantStatus;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingGrant {
    pub id: i64,
    /// The person's party.
    #[sqlx(rename = "owner_party_id")]
    pub party_id: i64,
    pub party_name: String,
    pub person_id: i64,
    pub person_name: String,
    /// The authority roles granted.
    #[sqlx(try_from = "Words")]
    pub roles: Vec<Role>,
    /// The clearance granted (rank), when raised above the lowest.
    pub clearance: Option<i64>,
    pub requested_by: i64,
    pub requested_by_name: String,
    pub requested_at_ms: i64,
    #[sqlx(try_from = "String")]
    pub status: GrantStatus,
    pub decided_by_name: Option<String>,
    pub decided_at_ms: Option<i64>,
    pub note: String,
}

const SELECT: &str = "SELECT pg.id, pg.owner_party_id, pa.name AS party_name, pg.person_id,
        pe.display_name AS person_name, pg.roles, pg.clearance, pg.requested_by,
        rb.display_name AS requested_by_name, pg.requested_at_ms, pg.status,
        db.display_name AS decided_by_name, pg.decided_at_ms, pg.note
     FROM pending_grants pg
     JOIN parties pa ON pa.id = pg.owner_party_id
     JOIN people pe ON pe.id = pg.person_id
     JOIN people rb ON rb.id = pg.requested_by
     LEFT JOIN people db ON db.id = pg.decided_by";

/// Records a grant waiting for confirmation, replacing the person's pending one.
#[tracing::instrument(skip_all)]
pub async fn insert(
    conn: &mut Conn,
    party_id: i64,
    person_id: i64,
    roles: &[Role],
    clearance: Option<i64>,
    requested_by: i64,
) -> Result<i64> {
    let now = now_ms();
    sqlx::query(
        "UPDATE pending_grants SET status = 'replaced', decided_at_ms = $1
         WHERE person_id = $2 AND status = 'pending'",
    )
    .bind(now)
    .bind(person_id)
    .execute(&mut *conn)
    .await?;
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO pending_grants (owner_party_id, person_id, roles, clearance, requested_by, requested_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(party_id)
    .bind(person_id)
    .bind(names.join(","))
    .bind(clearance)
    .bind(requested_by)
    .bind(now)
    .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

/// Confirms or refuses a pending grant; false when it was no longer pending.
#[tracing::instrument(skip_all)]
pub async fn decide(
    conn: &mut Conn,
    id: i64,
    status: GrantStatus,
    decided_by: i64,
    note: &str,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE pending_grants SET status = $1, decided_by = $2, decided_at_ms = $3, note = $4
         WHERE id = $5 AND status = 'pending'",
    )
    .bind(status.as_str())
    .bind(decided_by)
    .bind(now_ms())
    .bind(note)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<PendingGrant>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE pg.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// The grant waiting for `person_id`, if any.
#[tracing::instrument(skip_all)]
pub async fn pending_for(conn: &mut Conn, person_id: i64) -> Result<Option<PendingGrant>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE pg.person_id = $1 AND pg.status = 'pending' ORDER BY pg.id DESC LIMIT 1"
    ))
    .bind(person_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// The pending grants `subject` may read, the oldest first (they have waited longest).
#[tracing::instrument(skip_all)]
pub async fn list_pending(
    conn: &mut Conn,
    subject: &Subject,
    page: PageRequest,
) -> Result<Page<PendingGrant>> {
    let mut cond = filter(subject, Action::Read, &ACCESS);
    cond.push(" AND pg.status = ")
        .bind(GrantStatus::Pending.as_str());
    fetch_page(conn, "pending_grants pg", SELECT, &cond, ORDER, page).await
}
