//! Versions of the oversight method (the authority's scales, plan deadlines, EI thresholds
//! and intervals), kept as JSON documents (`crate::versions`).

use crate::decode::Document;
use crate::versions::{self, Versioned};
use crate::{Conn, Result};
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
#[tracing::instrument(skip_all)]
pub async fn publish(
    conn: &mut Conn,
    owner_party_id: i64,
    method: &OversightMethod,
    note: &str,
    published_by: Option<i64>,
) -> Result<i64> {
    versions::publish(
        conn,
        Versioned::OversightMethod,
        owner_party_id,
        method,
        note,
        published_by,
    )
    .await
}

/// The version in force: the newest.
#[tracing::instrument(skip_all)]
pub async fn current(conn: &mut Conn) -> Result<Option<MethodVersion>> {
    versions::current(conn, Versioned::OversightMethod).await
}

#[tracing::instrument(skip_all)]
pub async fn version(conn: &mut Conn, version: i64) -> Result<Option<MethodVersion>> {
    versions::version(conn, Versioned::OversightMethod, version).await
}

/// Every version, newest first (there are few).
#[tracing::instrument(skip_all)]
pub async fn versions(conn: &mut Conn) -> Result<Vec<MethodVersion>> {
    versions::versions(conn, Versioned::OversightMethod).await
}
