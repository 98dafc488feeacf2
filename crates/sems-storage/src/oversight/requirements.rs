//! Requirements catalogues — a party's national programme, sector catalogues or internal
//! requirements — their versions (never edited) and their nodes, programme → chapter →
//! requirement.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::Flag;
use crate::sql::{all_words_like, Sql};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::oversight::RequirementLevel;
use sems_domain::party::PartyKind;

/// A catalogue of requirements a party keeps, with the scale it is answered on.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Catalogue {
    pub id: i64,
    pub owner_party_id: i64,
    pub owner_name: String,
    pub code: String,
    pub title: String,
    /// The kind of organisation a sector catalogue is for; none: every kind.
    #[sqlx(try_from = "crate::decode::Word")]
    pub sector: Option<PartyKind>,
    /// A scale of the oversight method.
    pub scale: String,
    #[sqlx(rename = "v")]
    pub current_version: Option<i64>,
}

const CATALOGUE_SELECT: &str = "SELECT c.id, c.owner_party_id, p.name AS owner_name, c.code, c.title,
        c.sector, c.scale, (SELECT MAX(cv.version) FROM catalogue_versions cv WHERE cv.catalogue_id = c.id) AS v
     FROM catalogues c JOIN parties p ON p.id = c.owner_party_id";

#[tracing::instrument(skip_all)]
pub async fn catalogue_by_id(conn: &mut Conn, id: i64) -> Result<Option<Catalogue>> {
    Ok(
        sqlx::query_as(&format!("{CATALOGUE_SELECT} WHERE c.id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

#[tracing::instrument(skip_all)]
pub async fn catalogue_by_code(
    conn: &mut Conn,
    owner: i64,
    code: &str,
) -> Result<Option<Catalogue>> {
    Ok(sqlx::query_as(&format!(
        "{CATALOGUE_SELECT} WHERE c.owner_party_id = $1 AND c.code = $2"
    ))
    .bind(owner)
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?)
}

/// The catalogues of the given parties (the authority's and one's own), the first party's
/// first, each party's by code.
#[tracing::instrument(skip_all)]
pub async fn catalogues_of(conn: &mut Conn, owners: &[i64]) -> Result<Vec<Catalogue>> {
    let mut sql = crate::sql::Sql::new(&format!("{CATALOGUE_SELECT} WHERE c.owner_party_id IN "));
    sql.bind_list(owners);
    sql.push(" ORDER BY c.owner_party_id = ")
        .bind(owners.first().copied().unwrap_or_default())
        .push(" DESC, c.owner_party_id, c.code");
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}

pub struct NewCatalogue<'a> {
    pub owner_party_id: i64,
    pub code: &'a str,
    pub title: &'a str,
    pub sector: Option<PartyKind>,
    pub scale: &'a str,
}

#[tracing::instrument(skip_all)]
pub async fn insert_catalogue(conn: &mut Conn, c: &NewCatalogue<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO catalogues (owner_party_id, code, title, sector, scale, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(c.owner_party_id)
    .bind(c.code)
    .bind(c.title)
    .bind(c.sector.map(|k| k.as_str()))
    .bind(c.scale)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?)
}

/// Changes the scale a catalogue is answered on (activities planned before keep theirs).
#[tracing::instrument(skip_all)]
pub async fn set_catalogue_scale(conn: &mut Conn, id: i64, scale: &str) -> Result<()> {
    sqlx::query("UPDATE catalogues SET scale = $1 WHERE id = $2")
        .bind(scale)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

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
    pub catalogue_id: i64,
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

/// The newest version of a catalogue, if any.
#[tracing::instrument(skip_all)]
pub async fn current_version(conn: &mut Conn, catalogue: i64) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT MAX(version) AS v FROM catalogue_versions WHERE catalogue_id = $1",
    )
    .bind(catalogue)
    .fetch_one(&mut *conn)
    .await?)
}

/// Publishes `nodes` (in order) as the next version of a catalogue.
#[tracing::instrument(skip_all)]
pub async fn publish_version(
    conn: &mut Conn,
    catalogue: &Catalogue,
    published: bool,
    note: &str,
    by: Option<i64>,
    nodes: &[NewRequirement],
) -> Result<i64> {
    let version = current_version(conn, catalogue.id).await?.unwrap_or(0) + 1;
    sqlx::query(
        "INSERT INTO catalogue_versions (catalogue_id, version, note, published_by, published_at_ms)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(catalogue.id)
    .bind(version)
    .bind(note)
    .bind(by)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    for (position, n) in nodes.iter().enumerate() {
        sqlx::query(
            "INSERT INTO requirements (owner_party_id, version, code, parent_code, level, position, title, text,
                 published, classification, need_to_know, catalogue_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 0, $10)",
        )
        .bind(catalogue.owner_party_id)
        .bind(version)
        .bind(n.code.as_str())
        .bind(n.parent_code.clone())
        .bind(n.level.as_str())
        .bind(position as i64)
        .bind(n.title.as_str())
        .bind(n.text.as_str())
        .bind(i64::from(published))
        .bind(catalogue.id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(version)
}

/// The versions of a catalogue, newest first.
#[tracing::instrument(skip_all)]
pub async fn versions(conn: &mut Conn, catalogue: i64) -> Result<Vec<CatalogueVersion>> {
    Ok(sqlx::query_as(
        "SELECT v.catalogue_id, v.version, v.note, pe.display_name AS by_name, v.published_at_ms,
                (SELECT COUNT(*) FROM requirements rq WHERE rq.catalogue_id = v.catalogue_id
                     AND rq.version = v.version) AS n
         FROM catalogue_versions v LEFT JOIN people pe ON pe.id = v.published_by
         WHERE v.catalogue_id = $1 ORDER BY v.version DESC",
    )
    .bind(catalogue)
    .fetch_all(&mut *conn)
    .await?)
}

/// One version of a catalogue as `subject` may read it, in catalogue order; `search` keeps
/// the nodes whose code, title or text has every word.
#[tracing::instrument(skip_all)]
pub async fn catalogue(
    conn: &mut Conn,
    subject: &Subject,
    catalogue: i64,
    version: i64,
    search: Option<&str>,
) -> Result<Vec<Requirement>> {
    let mut sql = Sql::new(&format!("{SELECT} WHERE "));
    sql.append(&filter(subject, Action::Read, &REQUIREMENT_ACCESS))
        .push(" AND rq.catalogue_id = ")
        .bind(catalogue)
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
#[tracing::instrument(skip_all)]
pub async fn nodes(conn: &mut Conn, catalogue: i64, version: i64) -> Result<Vec<Requirement>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE rq.catalogue_id = $1 AND rq.version = $2 ORDER BY rq.position, rq.id"
    ))
    .bind(catalogue)
    .bind(version)
    .fetch_all(&mut *conn)
    .await?)
}

/// The scales catalogues are answered on now.
#[tracing::instrument(skip_all)]
pub async fn scales_in_use(conn: &mut Conn) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT DISTINCT scale FROM catalogues ORDER BY scale")
            .fetch_all(&mut *conn)
            .await?,
    )
}
