//! Security performance indicators: a row per indicator (its owner, code, current name and
//! version, whether it is the authority's published national library) and every version of
//! its definition as JSON (`sems_domain::performance::definition::SpiDefinition`), never
//! edited: a change is the next version.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::{decode_error, Flag, JsonText};
use crate::sql::{all_words_like, fetch_page, Key, Order};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::page::{Page, PageRequest};
use sems_domain::performance::definition::SpiDefinition;

/// The order of the list: by code, ending in the id, so pages never overlap.
const ORDER: Order = &[Key::text("pi.code"), Key::int("pi.id")];

pub const INDICATOR_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::PerformanceIndicator,
    id: "pi.id",
    owner_party: "pi.owner_party_id",
    classification: None,
    need_to_know: None,
    person: None,
    published: Some("pi.published"),
    raiser: None,
    reach: Reach::Own("performance_indicators"),
};

/// An indicator with its current version's definition.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Indicator {
    pub id: i64,
    pub owner_party_id: i64,
    pub owner_name: String,
    pub code: String,
    pub name: String,
    #[sqlx(try_from = "Flag")]
    pub published: bool,
    pub current_version: i64,
    #[sqlx(try_from = "JsonText")]
    pub definition: SpiDefinition,
    /// The State's expected level (national indicators).
    pub expected_level: Option<f64>,
    /// Who answers for it.
    pub owner_person_id: Option<i64>,
    pub owner_person_name: Option<String>,
    pub updated_at_ms: i64,
}

impl TryFrom<JsonText> for SpiDefinition {
    type Error = serde_json::Error;
    fn try_from(json: JsonText) -> std::result::Result<Self, Self::Error> {
        serde_json::from_str(&json.0)
    }
}

fn to_json(definition: &SpiDefinition) -> Result<String> {
    serde_json::to_string(definition)
        .map_err(|e| decode_error(format!("indicator definition: {e}")).into())
}

const SELECT: &str = "SELECT pi.id, pi.owner_party_id, pa.name AS owner_name, pi.code, pi.name,
        pi.published, pi.current_version, iv.definition, pi.expected_level, pi.owner_person_id,
        op.display_name AS owner_person_name, pi.updated_at_ms
     FROM performance_indicators pi JOIN parties pa ON pa.id = pi.owner_party_id
     LEFT JOIN people op ON op.id = pi.owner_person_id
     JOIN indicator_versions iv ON iv.indicator_id = pi.id AND iv.version = pi.current_version";

/// A new indicator of `owner_party_id` with its first version; `published` for the
/// authority's national library. Returns its id.
#[tracing::instrument(skip_all)]
pub async fn insert(
    conn: &mut Conn,
    owner_party_id: i64,
    published: bool,
    definition: &SpiDefinition,
    note: &str,
    by: Option<i64>,
) -> Result<i64> {
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO performance_indicators (owner_party_id, code, name, published, current_version,
             created_at_ms, updated_at_ms)
         VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id",
    )
    .bind(owner_party_id)
    .bind(&definition.code)
    .bind(&definition.name)
    .bind(i64::from(published))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    insert_version(conn, id, 1, definition, note, by, now).await?;
    Ok(id)
}

async fn insert_version(
    conn: &mut Conn,
    id: i64,
    version: i64,
    definition: &SpiDefinition,
    note: &str,
    by: Option<i64>,
    at_ms: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO indicator_versions (indicator_id, version, definition, note, published_by, published_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(version)
    .bind(to_json(definition)?)
    .bind(note)
    .bind(by)
    .bind(at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Publishes the next version of an indicator's definition (its code stays); returns the
/// version number.
#[tracing::instrument(skip_all)]
pub async fn publish_version(
    conn: &mut Conn,
    id: i64,
    definition: &SpiDefinition,
    note: &str,
    by: Option<i64>,
) -> Result<i64> {
    let now = now_ms();
    let version: i64 = sqlx::query_scalar(
        "UPDATE performance_indicators SET current_version = current_version + 1, name = $1,
             updated_at_ms = $2
         WHERE id = $3 RETURNING current_version",
    )
    .bind(&definition.name)
    .bind(now)
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    insert_version(conn, id, version, definition, note, by, now).await?;
    Ok(version)
}

#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Indicator>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE pi.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

#[tracing::instrument(skip_all)]
pub async fn by_code(
    conn: &mut Conn,
    owner_party_id: i64,
    code: &str,
) -> Result<Option<Indicator>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE pi.owner_party_id = $1 AND pi.code = $2"
    ))
    .bind(owner_party_id)
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A version of a definition, as published.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IndicatorVersion {
    pub version: i64,
    #[sqlx(try_from = "JsonText")]
    pub definition: SpiDefinition,
    pub note: String,
    pub by_name: Option<String>,
    pub published_at_ms: i64,
}

/// Every version of an indicator, newest first.
#[tracing::instrument(skip_all)]
pub async fn versions(conn: &mut Conn, id: i64) -> Result<Vec<IndicatorVersion>> {
    Ok(sqlx::query_as(
        "SELECT iv.version, iv.definition, iv.note, pe.display_name AS by_name, iv.published_at_ms
         FROM indicator_versions iv LEFT JOIN people pe ON pe.id = iv.published_by
         WHERE iv.indicator_id = $1 ORDER BY iv.version DESC",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?)
}

#[derive(Debug, Clone, Default)]
pub struct IndicatorFilter {
    /// Only this party's own indicators.
    pub owner_party_id: Option<i64>,
    /// Only the national library (true) or only organisations' own (false).
    pub national: Option<bool>,
    /// Words the code or the name contains.
    pub search: Option<String>,
}

/// The indicators `subject` may read: the national library and their organisation's own (the
/// authority: every organisation's).
#[tracing::instrument(skip_all)]
pub async fn list(
    conn: &mut Conn,
    subject: &Subject,
    f: &IndicatorFilter,
    page: PageRequest,
) -> Result<Page<Indicator>> {
    let mut cond = filter(subject, Action::Read, &INDICATOR_ACCESS);
    if let Some(p) = f.owner_party_id {
        cond.push(" AND pi.owner_party_id = ").bind(p);
    }
    if let Some(national) = f.national {
        cond.push(" AND pi.published = ").bind(i64::from(national));
    }
    if let Some(q) = &f.search {
        all_words_like(&mut cond, q, &["pi.code", "pi.name"]);
    }
    fetch_page(
        conn,
        "performance_indicators pi",
        SELECT,
        &cond,
        ORDER,
        page,
    )
    .await
}

/// Sets (or clears) the State's expected level of a national indicator.
#[tracing::instrument(skip_all)]
pub async fn set_expected_level(conn: &mut Conn, id: i64, level: Option<f64>) -> Result<()> {
    // Through `Sql`, which writes a missing number as NULL (see `Sql::bind`).
    let mut sql = crate::sql::Sql::new("UPDATE performance_indicators SET expected_level = ");
    sql.bind(level)
        .push(", updated_at_ms = ")
        .bind(now_ms())
        .push(" WHERE id = ")
        .bind(id);
    sql.query().execute(&mut *conn).await?;
    Ok(())
}

/// The target an organisation set for an indicator it does not own (a national one).
#[tracing::instrument(skip_all)]
pub async fn target(conn: &mut Conn, id: i64, party_id: i64) -> Result<Option<f64>> {
    Ok(sqlx::query_scalar(
        "SELECT target FROM indicator_targets WHERE indicator_id = $1 AND owner_party_id = $2",
    )
    .bind(id)
    .bind(party_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Every target an organisation set for indicators it does not own: (indicator, target).
#[tracing::instrument(skip_all)]
pub async fn targets_of(conn: &mut Conn, party_id: i64) -> Result<Vec<(i64, f64)>> {
    Ok(sqlx::query_as(
        "SELECT indicator_id, target FROM indicator_targets WHERE owner_party_id = $1",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Sets or clears an organisation's target for an indicator it does not own.
#[tracing::instrument(skip_all)]
pub async fn set_target(
    conn: &mut Conn,
    id: i64,
    party_id: i64,
    target: Option<f64>,
    by: Option<i64>,
) -> Result<()> {
    sqlx::query("DELETE FROM indicator_targets WHERE indicator_id = $1 AND owner_party_id = $2")
        .bind(id)
        .bind(party_id)
        .execute(&mut *conn)
        .await?;
    if let Some(t) = target {
        sqlx::query(
            "INSERT INTO indicator_targets (indicator_id, owner_party_id, target, set_by, set_at_ms)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(party_id)
        .bind(t)
        .bind(by)
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The indicators an organisation is measured by: the national library and its own. For
/// the computation, which reads for no one.
#[tracing::instrument(skip_all)]
pub async fn of_organisation(conn: &mut Conn, party_id: i64) -> Result<Vec<Indicator>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE pi.published = 1 OR pi.owner_party_id = $1 ORDER BY pi.published DESC, pi.code, pi.id"
    ))
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The national library (for the computation and the national view's columns).
#[tracing::instrument(skip_all)]
pub async fn national(conn: &mut Conn) -> Result<Vec<Indicator>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE pi.published = 1 ORDER BY pi.code, pi.id"
    ))
    .fetch_all(&mut *conn)
    .await?)
}

/// Sets who answers for an indicator.
#[tracing::instrument(skip_all)]
pub async fn set_owner_person(conn: &mut Conn, id: i64, person_id: Option<i64>) -> Result<()> {
    sqlx::query(
        "UPDATE performance_indicators SET owner_person_id = $1, updated_at_ms = $2 WHERE id = $3",
    )
    .bind(person_id)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
