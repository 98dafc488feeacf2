//! Threat and risk management: risk method versions, national threat levels, threat scenarios;
//! assessments and acceptances, measures, objective data and actions in the submodules.

pub mod actions;
mod assessments;
pub use assessments::*;
pub mod evidence;
pub mod measures;

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::{decode_error, Document, Flag};
use crate::sql::{fetch_page, like_pattern, Key, Order};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::page::{Page, PageRequest};
use sems_domain::risk::RiskMethod;
use sems_domain::scenario::{Perpetrator, ScenarioCategory};

/// The order of the list: ending in the id, so pages never overlap.
const ORDER: Order = &[
    Key::int("ts.published").desc(),
    Key::text("ts.code"),
    Key::int("ts.id"),
];

/// A published version of the risk method.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MethodVersion {
    pub version: i64,
    pub owner_party_id: i64,
    #[sqlx(rename = "document", try_from = "Document")]
    pub method: RiskMethod,
    pub note: String,
    pub published_at_ms: i64,
}

/// Publishes `method` as the next version; returns the version number.
#[tracing::instrument(skip_all)]
pub async fn publish_method(
    conn: &mut Conn,
    owner_party_id: i64,
    method: &RiskMethod,
    note: &str,
    published_by: Option<i64>,
) -> Result<i64> {
    let next: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) + 1 AS v FROM risk_methods")
            .fetch_one(&mut *conn)
            .await?;
    let document = serde_json::to_string(method)
        .map_err(|e| decode_error(format!("risk method document: {e}")))?;
    sqlx::query(
        "INSERT INTO risk_methods (owner_party_id, version, document, note, published, published_by, published_at_ms)
         VALUES ($1, $2, $3, $4, 1, $5, $6)",
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

const METHOD_COLUMNS: &str = "version, owner_party_id, document, note, published_at_ms";

/// The version organisations use now: the newest.
#[tracing::instrument(skip_all)]
pub async fn current_method(conn: &mut Conn) -> Result<Option<MethodVersion>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {METHOD_COLUMNS} FROM risk_methods ORDER BY version DESC LIMIT 1"
    ))
    .fetch_optional(&mut *conn)
    .await?)
}

#[tracing::instrument(skip_all)]
pub async fn method(conn: &mut Conn, version: i64) -> Result<Option<MethodVersion>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {METHOD_COLUMNS} FROM risk_methods WHERE version = $1"
    ))
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Every version, newest first (there are few).
#[tracing::instrument(skip_all)]
pub async fn methods(conn: &mut Conn) -> Result<Vec<MethodVersion>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {METHOD_COLUMNS} FROM risk_methods ORDER BY version DESC"
    ))
    .fetch_all(&mut *conn)
    .await?)
}

/// The national threat level of a scenario category (1–5), which feeds likelihood proposals.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ThreatLevel {
    #[sqlx(try_from = "String")]
    pub category: ScenarioCategory,
    pub level: i64,
    pub rationale: String,
    pub set_at_ms: i64,
}

#[tracing::instrument(skip_all)]
pub async fn set_threat_level(
    conn: &mut Conn,
    owner_party_id: i64,
    category: ScenarioCategory,
    level: i64,
    rationale: &str,
    set_by: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO threat_levels (category, owner_party_id, level, rationale, set_by, set_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (category) DO UPDATE SET level = excluded.level, rationale = excluded.rationale,
             set_by = excluded.set_by, set_at_ms = excluded.set_at_ms",
    )
    .bind(category.as_str())
    .bind(owner_party_id)
    .bind(level)
    .bind(rationale)
    .bind(set_by)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn threat_levels(conn: &mut Conn) -> Result<Vec<ThreatLevel>> {
    Ok(sqlx::query_as(
        "SELECT category, level, rationale, set_at_ms FROM threat_levels ORDER BY category",
    )
    .fetch_all(&mut *conn)
    .await?)
}

pub const SCENARIO_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::ThreatScenario,
    id: "ts.id",
    owner_party: "ts.owner_party_id",
    classification: Some("ts.classification"),
    need_to_know: Some("ts.need_to_know"),
    person: None,
    published: Some("ts.published"),
    raiser: None,
    reach: Reach::Scan,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ThreatScenario {
    pub id: i64,
    #[sqlx(rename = "owner_party_id")]
    pub party_id: i64,
    pub code: String,
    #[sqlx(try_from = "String")]
    pub category: ScenarioCategory,
    pub title: String,
    pub target: String,
    pub means: String,
    #[sqlx(try_from = "String")]
    pub perpetrator: Perpetrator,
    pub description: String,
    #[sqlx(try_from = "Flag")]
    pub published: bool,
    pub classification: i64,
    #[sqlx(try_from = "Flag")]
    pub need_to_know: bool,
    #[sqlx(try_from = "Flag")]
    pub active: bool,
}

const SCENARIO_COLUMNS: &str = "ts.id, ts.owner_party_id, ts.code, ts.category, ts.title, ts.target, \
     ts.means, ts.perpetrator, ts.description, ts.published, ts.classification, ts.need_to_know, ts.active";

/// A scenario to store.
pub struct NewScenario<'a> {
    pub party_id: i64,
    pub code: &'a str,
    pub category: ScenarioCategory,
    pub title: &'a str,
    pub target: &'a str,
    pub means: &'a str,
    pub perpetrator: Perpetrator,
    pub description: &'a str,
    pub published: bool,
    pub classification: i64,
}

#[tracing::instrument(skip_all)]
pub async fn insert_scenario(conn: &mut Conn, s: &NewScenario<'_>) -> Result<i64> {
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO threat_scenarios (owner_party_id, code, category, title, target, means, perpetrator,
             description, published, classification, need_to_know, active, created_at_ms, updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, 1, $11, $11) RETURNING id",
    )
    .bind(s.party_id)
    .bind(s.code)
    .bind(s.category.as_str())
    .bind(s.title)
    .bind(s.target)
    .bind(s.means)
    .bind(s.perpetrator.as_str())
    .bind(s.description)
    .bind(i64::from(s.published))
    .bind(s.classification)
    .bind(now)
    .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

#[tracing::instrument(skip_all)]
pub async fn scenario(conn: &mut Conn, id: i64) -> Result<Option<ThreatScenario>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {SCENARIO_COLUMNS} FROM threat_scenarios ts WHERE ts.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

#[tracing::instrument(skip_all)]
pub async fn scenario_by_code(
    conn: &mut Conn,
    party_id: i64,
    code: &str,
) -> Result<Option<ThreatScenario>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {SCENARIO_COLUMNS} FROM threat_scenarios ts WHERE ts.owner_party_id = $1 AND ts.code = $2"
    ))
    .bind(party_id)
    .bind(code)
    .fetch_optional(&mut *conn)
        .await?)
}

#[derive(Debug, Clone, Default)]
pub struct ScenarioFilter {
    pub party_id: Option<i64>,
    pub category: Option<ScenarioCategory>,
    pub search: Option<String>,
}

/// The scenarios `subject` may read: the national library and their own party's.
#[tracing::instrument(skip_all)]
pub async fn scenarios(
    conn: &mut Conn,
    subject: &Subject,
    f: &ScenarioFilter,
    page: PageRequest,
) -> Result<Page<ThreatScenario>> {
    let mut cond = filter(subject, Action::Read, &SCENARIO_ACCESS);
    if let Some(p) = f.party_id {
        cond.push(" AND ts.owner_party_id = ").bind(p);
    }
    if let Some(c) = f.category {
        cond.push(" AND ts.category = ").bind(c.as_str());
    }
    if let Some(search) = f.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let pattern = like_pattern(search);
        cond.push(" AND (LOWER(ts.title) LIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\' OR LOWER(ts.code) LIKE ")
            .bind(pattern)
            .push(" ESCAPE '\\')");
    }
    fetch_page(
        conn,
        "threat_scenarios ts",
        &format!("SELECT {SCENARIO_COLUMNS} FROM threat_scenarios ts"),
        &cond,
        ORDER,
        page,
    )
    .await
}
