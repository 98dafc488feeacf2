//! Requirements catalogues: versions (never edited) and their nodes, programme → chapter →
//! requirement.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::Flag;
use crate::sql::{all_words_like, Sql};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::oversight::RequirementLevel;

pub const REQUIREMENT_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::Requirement,
    id: "rq.id",
    owner_party: "rq.owner_party_id",
    classification: Some("rq.classification"),
    need_to_know: Some("rq.need_to_know"),
    person: None,
    published: Some("rq.published"),
    raiser: None,
    reach: Reach::Scan,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CatalogueVersion {
    pub owner_party_id: i64,
    pub version: i64,
    pub note: String,
    #[sqlx(rename = "by_name")]
    pub published_by_name: Option<String>,
    pub published_at_ms: i64,
    #[sqlx(rename = "n")]
    pub requirements: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Requirement {
    pub id: i64,
    pub owner_party_id: i64,
    pub version: i64,
    pub code: String,
    pub parent_code: Option<String>,
    #[sqlx(try_from = "String")]
    pub level: RequirementLevel,
    pub title: String,
    pub text: String,
    #[sqlx(try_from = "Flag")]
    pub published: bool,
}

/// A node to store.
#[derive(Debug, Clone)]
pub struct NewRequirement {
    pub code: String,
    pub parent_code: Option<String>,
    pub level: RequirementLevel,
    pub title: String,
    pub text: String,
}

const SELECT: &str =
    "SELECT rq.id, rq.owner_party_id, rq.version, rq.code, rq.parent_code, rq.level, rq.title,
        rq.text, rq.published FROM requirements rq";

/// The newest version of `owner`'s catalogue, if any.
pub async fn current_version(conn: &mut Conn, owner: i64) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT MAX(version) AS v FROM requirement_versions WHERE owner_party_id = $1",
    )
    .bind(owner)
    .fetch_one(&mut *conn)
    .await?)
}

/// Publishes `nodes` (in order) as the next version of `owner`'s catalogue.
pub async fn publish_version(
    conn: &mut Conn,
    owner: i64,
    published: bool,
    note: &str,
    by: Option<i64>,
    nodes: &[NewRequirement],
) -> Result<i64> {
    let version = current_version(conn, owner).await?.unwrap_or(0) + 1;
    sqlx::query(
        "INSERT INTO requirement_versions (owner_party_id, version, note, published_by, published_at_ms)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(owner)
    .bind(version)
    .bind(note)
    .bind(by)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    for (position, n) in nodes.iter().enumerate() {
        sqlx::query(
            "INSERT INTO requirements (owner_party_id, version, code, parent_code, level, position, title, text,
                 published, classification, need_to_know)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 0)",
        )
        .bind(owner)
        .bind(version)
        .bind(n.code.as_str())
        .bind(n.parent_code.clone())
        .bind(n.level.as_str())
        .bind(position as i64)
        .bind(n.title.as_str())
        .bind(n.text.as_str())
        .bind(i64::from(published))
        .execute(&mut *conn)
        .await?;
    }
    Ok(version)
}

/// The versions of `owner`'s catalogue, newest first.
pub async fn versions(conn: &mut Conn, owner: i64) -> Result<Vec<CatalogueVersion>> {
    Ok(sqlx::query_as(
        "SELECT v.owner_party_id, v.version, v.note, pe.display_name AS by_name, v.published_at_ms,
                (SELECT COUNT(*) FROM requirements rq WHERE rq.owner_party_id = v.owner_party_id
                     AND rq.version = v.version) AS n
         FROM requirement_versions v LEFT JOIN people pe ON pe.id = v.published_by
         WHERE v.owner_party_id = $1 ORDER BY v.version DESC",
    )
    .bind(owner)
    .fetch_all(&mut *conn)
    .await?)
}

/// One version of a catalogue as `subject` may read it, in catalogue order; `search` keeps
/// the nodes whose code, title or text has every word.
pub async fn catalogue(
    conn: &mut Conn,
    subject: &Subject,
    owner: i64,
    version: i64,
    search: Option<&str>,
) -> Result<Vec<Requirement>> {
    let mut sql = Sql::new(&format!("{SELECT} WHERE "));
    sql.append(&filter(subject, Action::Read, &REQUIREMENT_ACCESS))
        .push(" AND rq.owner_party_id = ")
        .bind(owner)
        .push(" AND rq.version = ")
        .bind(version);
    all_words_like(
        &mut sql,
        search.unwrap_or(""),
        &["rq.code", "rq.title", "rq.text"],
    );
    sql.push(" ORDER BY rq.position, rq.id");
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}

/// The nodes of one version, unfiltered (for a service that checked access already).
pub async fn nodes(conn: &mut Conn, owner: i64, version: i64) -> Result<Vec<Requirement>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE rq.owner_party_id = $1 AND rq.version = $2 ORDER BY rq.position, rq.id"
    ))
    .bind(owner)
    .bind(version)
    .fetch_all(&mut *conn)
    .await?)
}
