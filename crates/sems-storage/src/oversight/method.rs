//! Versions of the oversight method (the authority's scales, plan deadlines, EI thresholds
//! and intervals), kept as JSON documents like the risk method's.

use crate::decode::{decode_error, Document};
use crate::{now_ms, Conn, Result};
use sems_domain::oversight::method::OversightMethod;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MethodVersion {
    pub version: i64,
    pub owner_party_id: i64,
    #[sqlx(rename = "document", try_from = "Document")]
    pub method: OversightMethod,
    pub note: String,
    #[sqlx(rename = "by_name")]
    pub published_by_name: Option<String>,
    pub published_at_ms: i64,
}

/// Publishes `method` as the next version; returns the version number.
pub async fn publish(
    conn: &mut Conn,
    owner_party_id: i64,
    method: &OversightMethod,
    note: &str,
    published_by: Option<i64>,
) -> Result<i64> {
    let next: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) + 1 AS v FROM oversight_methods")
            .fetch_one(&mut *conn)
            .await?;
    let document = serde_json::to_string(method)
        .map_err(|e| decode_error(format!("oversight method document: {e}")))?;
    sqlx::query(
        "INSERT INTO oversight_methods (owner_party_id, version, document, note, published_by, published_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(owner_party_id)
    .bind(next)
    .bind(document)
    .bind(note)
    .bind(published_by)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(next)
}

const SELECT: &str = "SELECT m.version, m.owner_party_id, m.document, m.note,
        pe.display_name AS by_name, m.published_at_ms
     FROM oversight_methods m LEFT JOIN people pe ON pe.id = m.published_by";

/// The version in force: the newest.
pub async fn current(conn: &mut Conn) -> Result<Option<MethodVersion>> {
    Ok(
        sqlx::query_as(&format!("{SELECT} ORDER BY m.version DESC LIMIT 1"))
            .fetch_optional(&mut *conn)
            .await?,
    )
}

pub async fn version(conn: &mut Conn, version: i64) -> Result<Option<MethodVersion>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE m.version = $1"))
        .bind(version)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Every version, newest first (there are few).
pub async fn versions(conn: &mut Conn) -> Result<Vec<MethodVersion>> {
    Ok(sqlx::query_as(&format!("{SELECT} ORDER BY m.version DESC"))
        .fetch_all(&mut *conn)
        .await?)
}
