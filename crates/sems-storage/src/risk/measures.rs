//! Security measures: the catalogue (the authority's baseline, organisations' own), the
//! scenarios each mitigates, and each organisation's implementation of a measure.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::Flag;
use crate::sql::{fetch_page, like_pattern, Key, Order, Sql};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::measure::{Exemption, MeasureStatus};
use sems_domain::page::{Page, PageRequest};

/// The order of the list: ending in the id, so pages never overlap.
const ORDER: Order = &[
    Key::int("sm.baseline").desc(),
    Key::text("sm.code"),
    Key::int("sm.id"),
];

pub const MEASURE_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::SecurityMeasure,
    id: "sm.id",
    owner_party: "sm.owner_party_id",
    classification: Some("sm.classification"),
    need_to_know: Some("sm.need_to_know"),
    person: None,
    published: Some("sm.published"),
    raiser: None,
    reach: Reach::Scan,
};

/// A measure of the catalogue.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SecurityMeasure {
    pub id: i64,
    #[sqlx(rename = "owner_party_id")]
    pub party_id: i64,
    pub code: String,
    pub title: String,
    pub description: String,
    /// A baseline measure: an authority requirement, mandatory for every organisation.
    #[sqlx(try_from = "Flag")]
    pub baseline: bool,
    #[sqlx(try_from = "Flag")]
    pub published: bool,
    pub classification: i64,
    #[sqlx(try_from = "Flag")]
    pub need_to_know: bool,
    /// The scenarios it mitigates.
    #[sqlx(skip)]
    pub scenario_ids: Vec<i64>,
}

const MEASURE_COLUMNS: &str =
    "sm.id, sm.owner_party_id, sm.code, sm.title, sm.description, sm.baseline, \
     sm.published, sm.classification, sm.need_to_know";

/// Fills in the scenarios of each measure with one query.
async fn with_scenarios(
    conn: &mut Conn,
    mut items: Vec<SecurityMeasure>,
) -> Result<Vec<SecurityMeasure>> {
    if items.is_empty() {
        return Ok(items);
    }
    let mut sql =
        Sql::new("SELECT measure_id, scenario_id FROM measure_scenarios WHERE measure_id IN (");
    for (i, m) in items.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(m.id);
    }
    sql.push(") ORDER BY scenario_id");
    let links: Vec<MeasureScenario> = sql.query_as().fetch_all(&mut *conn).await?;
    for link in links {
        if let Some(m) = items.iter_mut().find(|m| m.id == link.measure_id) {
            m.scenario_ids.push(link.scenario_id);
        }
    }
    Ok(items)
}

pub struct NewMeasure<'a> {
    pub party_id: i64,
    pub code: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub baseline: bool,
    pub published: bool,
    pub classification: i64,
}

#[tracing::instrument(skip_all)]
pub async fn insert_measure(conn: &mut Conn, m: &NewMeasure<'_>) -> Result<i64> {
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO security_measures (owner_party_id, code, title, description, baseline, published,
             classification, need_to_know, created_at_ms, updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8) RETURNING id",
    )
    .bind(m.party_id)
    .bind(m.code)
    .bind(m.title)
    .bind(m.description)
    .bind(i64::from(m.baseline))
    .bind(i64::from(m.published))
    .bind(m.classification)
    .bind(now)
    .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

/// Replaces the scenarios a measure mitigates.
#[tracing::instrument(skip_all)]
pub async fn set_measure_scenarios(
    conn: &mut Conn,
    measure_id: i64,
    scenario_ids: &[i64],
) -> Result<()> {
    sqlx::query("DELETE FROM measure_scenarios WHERE measure_id = $1")
        .bind(measure_id)
        .execute(&mut *conn)
        .await?;
    for s in scenario_ids {
        sqlx::query("INSERT INTO measure_scenarios (measure_id, scenario_id) VALUES ($1, $2)")
            .bind(measure_id)
            .bind(*s)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn measure(conn: &mut Conn, id: i64) -> Result<Option<SecurityMeasure>> {
    let found: Option<SecurityMeasure> = sqlx::query_as(&format!(
        "SELECT {MEASURE_COLUMNS} FROM security_measures sm WHERE sm.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(m) = found else {
        return Ok(None);
    };
    Ok(with_scenarios(conn, vec![m]).await?.pop())
}

#[tracing::instrument(skip_all)]
pub async fn measure_by_code(
    conn: &mut Conn,
    party_id: i64,
    code: &str,
) -> Result<Option<SecurityMeasure>> {
    let found: Option<SecurityMeasure> = sqlx::query_as(&format!(
        "SELECT {MEASURE_COLUMNS} FROM security_measures sm WHERE sm.owner_party_id = $1 AND sm.code = $2"
    ))
    .bind(party_id)
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(m) = found else {
        return Ok(None);
    };
    Ok(with_scenarios(conn, vec![m]).await?.pop())
}

/// Removes an organisation's own measure with its links and implementation.
#[tracing::instrument(skip_all)]
pub async fn delete_measure(conn: &mut Conn, id: i64) -> Result<()> {
    for sql in [
        "DELETE FROM measure_scenarios WHERE measure_id = $1",
        "DELETE FROM measure_implementations WHERE measure_id = $1",
        "DELETE FROM security_measures WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct MeasureFilter {
    pub party_id: Option<i64>,
    pub scenario_id: Option<i64>,
    pub baseline: Option<bool>,
    pub search: Option<String>,
}

/// The measures `subject` may read: the baseline and their own party's.
#[tracing::instrument(skip_all)]
pub async fn measures(
    conn: &mut Conn,
    subject: &Subject,
    f: &MeasureFilter,
    page: PageRequest,
) -> Result<Page<SecurityMeasure>> {
    let mut cond = filter(subject, Action::Read, &MEASURE_ACCESS);
    if let Some(p) = f.party_id {
        cond.push(" AND sm.owner_party_id = ").bind(p);
    }
    if let Some(s) = f.scenario_id {
        cond.push(" AND sm.id IN (SELECT measure_id FROM measure_scenarios WHERE scenario_id = ")
            .bind(s)
            .push(")");
    }
    if let Some(b) = f.baseline {
        cond.push(" AND sm.baseline = ").bind(i64::from(b));
    }
    if let Some(search) = f.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let pattern = like_pattern(search);
        cond.push(" AND (LOWER(sm.title) LIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\' OR LOWER(sm.code) LIKE ")
            .bind(pattern)
            .push(" ESCAPE '\\')");
    }
    let page = fetch_page(
        conn,
        "security_measures sm",
        &format!("SELECT {MEASURE_COLUMNS} FROM security_measures sm"),
        &cond,
        ORDER,
        page,
    )
    .await?;
    let items = with_scenarios(conn, page.items).await?;
    Ok(Page { items, ..page })
}

/// An organisation's implementation of a measure.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Implementation {
    pub id: i64,
    #[sqlx(rename = "owner_party_id")]
    pub party_id: i64,
    pub measure_id: i64,
    pub responsible_person_id: Option<i64>,
    pub responsible_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: MeasureStatus,
    pub cost_one_off: i64,
    pub cost_annual: i64,
    pub note: String,
    #[sqlx(try_from = "String")]
    pub exemption: Exemption,
    pub exemption_reason: String,
    #[sqlx(rename = "decided_by_name")]
    pub exemption_decided_by_name: Option<String>,
    pub exemption_decided_at_ms: Option<i64>,
    pub exemption_decision_note: String,
    pub updated_at_ms: i64,
}

const IMPLEMENTATION_SELECT: &str = "SELECT mi.id, mi.owner_party_id, mi.measure_id, mi.responsible_person_id,
        rp.display_name AS responsible_name, mi.status, mi.cost_one_off, mi.cost_annual, mi.note, mi.exemption,
        mi.exemption_reason, dp.display_name AS decided_by_name, mi.exemption_decided_at_ms,
        mi.exemption_decision_note, mi.updated_at_ms
     FROM measure_implementations mi
     LEFT JOIN people rp ON rp.id = mi.responsible_person_id
     LEFT JOIN people dp ON dp.id = mi.exemption_decided_by";

#[tracing::instrument(skip_all)]
pub async fn implementation(
    conn: &mut Conn,
    party_id: i64,
    measure_id: i64,
) -> Result<Option<Implementation>> {
    Ok(sqlx::query_as(&format!(
        "{IMPLEMENTATION_SELECT} WHERE mi.owner_party_id = $1 AND mi.measure_id = $2"
    ))
    .bind(party_id)
    .bind(measure_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Every implementation record of an organisation.
#[tracing::instrument(skip_all)]
pub async fn implementations(conn: &mut Conn, party_id: i64) -> Result<Vec<Implementation>> {
    Ok(sqlx::query_as(&format!(
        "{IMPLEMENTATION_SELECT} WHERE mi.owner_party_id = $1 ORDER BY mi.measure_id"
    ))
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// What an organisation records about its implementation of a measure.
pub struct ImplementationValues<'a> {
    pub responsible_person_id: Option<i64>,
    pub status: MeasureStatus,
    pub cost_one_off: i64,
    pub cost_annual: i64,
    pub note: &'a str,
}

#[tracing::instrument(skip_all)]
pub async fn upsert_implementation(
    conn: &mut Conn,
    party_id: i64,
    measure_id: i64,
    v: &ImplementationValues<'_>,
    by: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO measure_implementations (owner_party_id, measure_id, responsible_person_id, status,
             cost_one_off, cost_annual, note, updated_by, updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (owner_party_id, measure_id) DO UPDATE SET
             responsible_person_id = excluded.responsible_person_id, status = excluded.status,
             cost_one_off = excluded.cost_one_off, cost_annual = excluded.cost_annual, note = excluded.note,
             updated_by = excluded.updated_by, updated_at_ms = excluded.updated_at_ms",
    )
    .bind(party_id)
    .bind(measure_id)
    .bind(v.responsible_person_id)
    .bind(v.status.as_str())
    .bind(v.cost_one_off)
    .bind(v.cost_annual)
    .bind(v.note)
    .bind(by)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records an exemption request on an implementation that exists.
#[tracing::instrument(skip_all)]
pub async fn request_exemption(
    conn: &mut Conn,
    implementation_id: i64,
    reason: &str,
    by: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "UPDATE measure_implementations SET exemption = 'requested', exemption_reason = $1,
             exemption_requested_by = $2, exemption_decided_by = NULL, exemption_decided_at_ms = NULL,
             exemption_decision_note = '', updated_by = $2, updated_at_ms = $3
         WHERE id = $4",
    )
    .bind(reason)
    .bind(by)
    .bind(now_ms())
    .bind(implementation_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records the authority's decision; an approved exemption makes the measure not applicable.
#[tracing::instrument(skip_all)]
pub async fn decide_exemption(
    conn: &mut Conn,
    implementation_id: i64,
    approved: bool,
    note: &str,
    by: Option<i64>,
) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "UPDATE measure_implementations SET exemption = $1, exemption_decided_by = $2,
             exemption_decided_at_ms = $3, exemption_decision_note = $4,
             status = CASE WHEN $5 = 1 THEN 'not_applicable' ELSE status END,
             updated_by = $2, updated_at_ms = $3
         WHERE id = $6",
    )
    .bind(if approved { "approved" } else { "refused" })
    .bind(by)
    .bind(now)
    .bind(note)
    .bind(i64::from(approved))
    .bind(implementation_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A scenario a measure protects against.
#[derive(sqlx::FromRow)]
struct MeasureScenario {
    measure_id: i64,
    scenario_id: i64,
}

/// An exemption request awaiting the authority: the implementation, whose it is and of what.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExemptionRequest {
    #[sqlx(flatten)]
    pub implementation: Implementation,
    pub party_name: String,
    pub measure_name: String,
}

/// The exemption requests awaiting the authority's decision, oldest first.
#[tracing::instrument(skip_all)]
pub async fn pending_exemptions(conn: &mut Conn) -> Result<Vec<ExemptionRequest>> {
    Ok(sqlx::query_as(&format!(
        "SELECT q.*, pa.name AS party_name, sm.code || ' ' || sm.title AS measure_name
         FROM ({IMPLEMENTATION_SELECT} WHERE mi.exemption = 'requested') q
         JOIN parties pa ON pa.id = q.owner_party_id
         JOIN security_measures sm ON sm.id = q.measure_id
         ORDER BY q.updated_at_ms"
    ))
    .fetch_all(&mut *conn)
    .await?)
}

/// The measures that apply to an organisation (every baseline measure and its own), for
/// its measure register; the caller has checked it may read the organisation's measures.
#[tracing::instrument(skip_all)]
pub async fn catalogue_for(conn: &mut Conn, party_id: i64) -> Result<Vec<SecurityMeasure>> {
    let items: Vec<SecurityMeasure> = sqlx::query_as(&format!(
        "SELECT {MEASURE_COLUMNS} FROM security_measures sm
         WHERE sm.baseline = 1 OR sm.owner_party_id = $1
         ORDER BY sm.baseline DESC, sm.code, sm.id"
    ))
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?;
    with_scenarios(conn, items).await
}
