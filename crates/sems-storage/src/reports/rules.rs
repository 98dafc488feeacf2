//! Versions of the reporting rules (taxonomy, deadlines per category, just-culture
//! decisions), kept as JSON documents (`crate::versions`); `report_categories` is kept as
//! their projection, the table reports reference.

use crate::decode::Document;
use crate::versions::{self, Versioned};
use crate::{Conn, Result};
use sems_domain::report::rules::ReportingRules;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RulesVersion {
    pub version: i64,
    pub owner_party_id: i64,
    #[sqlx(rename = "document", try_from = "Document")]
    pub rules: ReportingRules,
    pub note: String,
    #[sqlx(rename = "by_name")]
    pub published_by_name: Option<String>,
    pub published_at_ms: i64,
}

/// Publishes `rules` as the next version and brings the categories reports reference in line
/// with it; returns the version number.
#[tracing::instrument(skip_all)]
pub async fn publish(
    conn: &mut Conn,
    owner_party_id: i64,
    rules: &ReportingRules,
    note: &str,
    published_by: Option<i64>,
) -> Result<i64> {
    let version = versions::publish(
        conn,
        Versioned::ReportingRules,
        owner_party_id,
        rules,
        note,
        published_by,
    )
    .await?;
    for (position, c) in rules.categories.iter().enumerate() {
        sqlx::query(
            "INSERT INTO report_categories (code, label, active, position) VALUES ($1, $2, $3, $4)
             ON CONFLICT (code) DO UPDATE SET label = $2, active = $3, position = $4",
        )
        .bind(&c.code)
        .bind(&c.label)
        .bind(i64::from(c.active))
        .bind(position as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(version)
}

/// The version in force: the newest.
#[tracing::instrument(skip_all)]
pub async fn current(conn: &mut Conn) -> Result<Option<RulesVersion>> {
    versions::current(conn, Versioned::ReportingRules).await
}

#[tracing::instrument(skip_all)]
pub async fn version(conn: &mut Conn, version: i64) -> Result<Option<RulesVersion>> {
    versions::version(conn, Versioned::ReportingRules, version).await
}

/// Every version, newest first (there are few).
#[tracing::instrument(skip_all)]
pub async fn versions(conn: &mut Conn) -> Result<Vec<RulesVersion>> {
    versions::versions(conn, Versioned::ReportingRules).await
}
