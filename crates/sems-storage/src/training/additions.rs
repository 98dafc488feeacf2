//! Organisations' additions to the national training programme (their own courses and
//! stricter requirements), versioned per organisation and kept as JSON documents
//! (`sems_domain::training::programme::Additions`), never edited.

use crate::decode::Document;
use crate::{now_ms, Conn, Result};
use sems_domain::training::programme::Additions;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AdditionsVersion {
    pub owner_party_id: i64,
    pub version: i64,
    #[sqlx(rename = "document", try_from = "Document")]
    pub additions: Additions,
    pub note: String,
    pub by_name: Option<String>,
    pub published_at_ms: i64,
}

/// Publishes the next version of an organisation's additions; returns its number.
#[tracing::instrument(skip_all)]
pub async fn publish(
    conn: &mut Conn,
    party_id: i64,
    additions: &Additions,
    note: &str,
    by: Option<i64>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO training_additions (owner_party_id, version, document, note, published_by,
             published_at_ms)
         SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5 FROM training_additions
         WHERE owner_party_id = $1
         RETURNING version",
    )
    .bind(party_id)
    .bind(
        serde_json::to_string(additions)
            .map_err(|e| crate::decode::decode_error(format!("training additions: {e}")))?,
    )
    .bind(note)
    .bind(by)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?)
}

const SELECT: &str = "SELECT a.owner_party_id, a.version, a.document, a.note,
        pe.display_name AS by_name, a.published_at_ms
     FROM training_additions a LEFT JOIN people pe ON pe.id = a.published_by
     WHERE a.owner_party_id = $1 ORDER BY a.version DESC";

/// An organisation's versions, newest first.
#[tracing::instrument(skip_all)]
pub async fn all(conn: &mut Conn, party_id: i64) -> Result<Vec<AdditionsVersion>> {
    Ok(sqlx::query_as(SELECT)
        .bind(party_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// An organisation's current additions.
#[tracing::instrument(skip_all)]
pub async fn current(conn: &mut Conn, party_id: i64) -> Result<Option<AdditionsVersion>> {
    Ok(sqlx::query_as(&format!("{SELECT} LIMIT 1"))
        .bind(party_id)
        .fetch_optional(&mut *conn)
        .await?)
}
