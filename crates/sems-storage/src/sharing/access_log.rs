//! The access log: every read of a marked record — view, download, export, print — by whom
//! and when (DESIGN.md: "reads of restricted records are logged too"). Read by the record's
//! issuer and quality auditor through the services.

use crate::{now_ms, Conn, Result};
use sems_domain::access::RecordKind;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccessEntry {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub party_name: String,
    pub action: String,
    pub at_ms: i64,
}

/// Records one read.
#[tracing::instrument(skip_all)]
pub async fn append(
    conn: &mut Conn,
    kind: RecordKind,
    record_id: i64,
    owner_party_id: i64,
    person_id: i64,
    party_id: i64,
    action: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO access_log (record_kind, record_id, owner_party_id, person_id, party_id,
             action, at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(kind.as_str())
    .bind(record_id)
    .bind(owner_party_id)
    .bind(person_id)
    .bind(party_id)
    .bind(action)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A record's reads, newest first, at most `limit`.
#[tracing::instrument(skip_all)]
pub async fn of_record(
    conn: &mut Conn,
    kind: RecordKind,
    record_id: i64,
    limit: i64,
) -> Result<Vec<AccessEntry>> {
    Ok(sqlx::query_as(
        "SELECT l.id, l.person_id, pe.display_name AS person_name, pa.name AS party_name,
                l.action, l.at_ms
         FROM access_log l JOIN people pe ON pe.id = l.person_id
         JOIN parties pa ON pa.id = l.party_id
         WHERE l.record_kind = $1 AND l.record_id = $2
         ORDER BY l.at_ms DESC, l.id DESC LIMIT $3",
    )
    .bind(kind.as_str())
    .bind(record_id)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}
