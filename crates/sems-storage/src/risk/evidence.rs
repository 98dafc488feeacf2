//! Objective data on a scenario at an organisation: security test results and occurrences.
//! The oversight and reporting modules write here through the risk service; the counts feed
//! the score proposals.

use crate::decode::{Day, OptionalFlag};
use crate::{now_ms, Conn, Result};
use sems_domain::measure::EvidenceKind;
use sems_domain::util::format_date;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Evidence {
    pub id: i64,
    #[sqlx(rename = "owner_party_id")]
    pub party_id: i64,
    pub scenario_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: EvidenceKind,
    /// For a test: whether it passed.
    #[sqlx(try_from = "OptionalFlag")]
    pub passed: Option<bool>,
    #[sqlx(try_from = "Day")]
    pub occurred_on: time::Date,
    pub summary: String,
    /// Which module or person recorded it (e.g. "manual", "oversight", "reporting").
    pub source: String,
    pub source_ref: String,
    pub recorded_by_name: Option<String>,
    pub recorded_at_ms: i64,
}

pub struct NewEvidence<'a> {
    pub party_id: i64,
    pub scenario_id: i64,
    pub kind: EvidenceKind,
    pub passed: Option<bool>,
    pub occurred_on: time::Date,
    pub summary: &'a str,
    pub source: &'a str,
    pub source_ref: &'a str,
}

#[tracing::instrument(skip_all)]
pub async fn insert_evidence(conn: &mut Conn, e: &NewEvidence<'_>, by: Option<i64>) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO risk_evidence (owner_party_id, scenario_id, kind, passed, occurred_on, summary, source,
             source_ref, classification, need_to_know, recorded_by, recorded_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 0, $9, $10) RETURNING id",
    )
    .bind(e.party_id)
    .bind(e.scenario_id)
    .bind(e.kind.as_str())
    .bind(e.passed.map(i64::from))
    .bind(format_date(e.occurred_on))
    .bind(e.summary)
    .bind(e.source)
    .bind(e.source_ref)
    .bind(by)
    .bind(now_ms())
    .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

/// The newest evidence on a scenario at an organisation.
#[tracing::instrument(skip_all)]
pub async fn evidence(
    conn: &mut Conn,
    party_id: i64,
    scenario_id: i64,
    limit: i64,
) -> Result<Vec<Evidence>> {
    Ok(sqlx::query_as(
        "SELECT ev.id, ev.owner_party_id, ev.scenario_id, ev.kind, ev.passed, ev.occurred_on, ev.summary,
                ev.source, ev.source_ref, pe.display_name AS recorded_by_name, ev.recorded_at_ms
         FROM risk_evidence ev LEFT JOIN people pe ON pe.id = ev.recorded_by
         WHERE ev.owner_party_id = $1 AND ev.scenario_id = $2
         ORDER BY ev.occurred_on DESC, ev.id DESC LIMIT $3",
    )
    .bind(party_id)
    .bind(scenario_id)
    .bind(limit)
    .fetch_all(&mut *conn)
        .await?)
}

/// How many tests passed and failed, and how many occurrences were recorded, in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct EvidenceCounts {
    pub passed: i64,
    pub failed: i64,
    pub occurrences: i64,
}

/// Tests passed and failed since `tests_since`, and occurrences since `occurrences_since`.
#[tracing::instrument(skip_all)]
pub async fn counts(
    conn: &mut Conn,
    party_id: i64,
    scenario_id: i64,
    tests_since: &str,
    occurrences_since: &str,
) -> Result<EvidenceCounts> {
    Ok(sqlx::query_as(
        "SELECT
             COALESCE(SUM(CASE WHEN kind = 'test' AND passed = 1 AND occurred_on >= $3 THEN 1 ELSE 0 END), 0) AS passed,
             COALESCE(SUM(CASE WHEN kind = 'test' AND passed = 0 AND occurred_on >= $3 THEN 1 ELSE 0 END), 0) AS failed,
             COALESCE(SUM(CASE WHEN kind = 'occurrence' AND occurred_on >= $4 THEN 1 ELSE 0 END), 0) AS occurrences
         FROM risk_evidence WHERE owner_party_id = $1 AND scenario_id = $2",
    )
    .bind(party_id)
    .bind(scenario_id)
    .bind(tests_since)
    .bind(occurrences_since)
    .fetch_one(&mut *conn)
    .await?)
}
