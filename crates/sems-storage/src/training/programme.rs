//! Versions of the national training programme, kept as JSON documents (`crate::versions`).

use crate::decode::Document;
use crate::versions::{self, Versioned};
use crate::{Conn, Result};
use sems_domain::training::programme::TrainingProgramme;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProgrammeVersion {
    pub version: i64,
    pub owner_party_id: i64,
    #[sqlx(rename = "document", try_from = "Document")]
    pub programme: TrainingProgramme,
    pub note: String,
    #[sqlx(rename = "by_name")]
    pub published_by_name: Option<String>,
    pub published_at_ms: i64,
}

/// Publishes `programme` as the next version; returns the version number.
#[tracing::instrument(skip_all)]
pub async fn publish(
    conn: &mut Conn,
    owner_party_id: i64,
    programme: &TrainingProgramme,
    note: &str,
    published_by: Option<i64>,
) -> Result<i64> {
    versions::publish(
        conn,
        Versioned::TrainingProgramme,
        owner_party_id,
        programme,
        note,
        published_by,
    )
    .await
}

/// The version in force: the newest.
#[tracing::instrument(skip_all)]
pub async fn current(conn: &mut Conn) -> Result<Option<ProgrammeVersion>> {
    versions::current(conn, Versioned::TrainingProgramme).await
}

#[tracing::instrument(skip_all)]
pub async fn version(conn: &mut Conn, version: i64) -> Result<Option<ProgrammeVersion>> {
    versions::version(conn, Versioned::TrainingProgramme, version).await
}

/// Every version, newest first (there are few).
#[tracing::instrument(skip_all)]
pub async fn versions(conn: &mut Conn) -> Result<Vec<ProgrammeVersion>> {
    versions::versions(conn, Versioned::TrainingProgramme).await
}
