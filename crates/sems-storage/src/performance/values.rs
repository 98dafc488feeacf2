//! Indicators' values per organisation and period, computed by sems and stored, so dashboards
//! and charts read them rather than compute them; each keeps the definition version it was
//! computed under. The distribution of a national indicator across organisations per period
//! is stored beside them.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};

pub const VALUE_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::IndicatorValue,
    id: "iv.id",
    owner_party: "iv.owner_party_id",
    classification: None,
    need_to_know: None,
    person: None,
    published: None,
    raiser: None,
    reach: Reach::Own("indicator_values"),
};

/// A stored value.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StoredValue {
    pub indicator_id: i64,
    pub owner_party_id: i64,
    pub period: String,
    pub version: i64,
    pub value: f64,
    pub numerator: f64,
    pub denominator: Option<f64>,
    pub note: String,
    pub computed_at_ms: i64,
}

const COLUMNS: &str =
    "iv.indicator_id, iv.owner_party_id, iv.period, iv.version, iv.value, iv.numerator,
        iv.denominator, iv.note, iv.computed_at_ms";

/// A value to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewValue {
    pub indicator_id: i64,
    pub owner_party_id: i64,
    pub period: String,
    pub version: i64,
    pub value: f64,
    pub numerator: f64,
    pub denominator: Option<f64>,
    pub note: String,
}

/// Every stored value of an organisation's indicator, by period (for the computation, which
/// writes only what changed).
#[tracing::instrument(skip_all)]
pub async fn of_indicator(
    conn: &mut Conn,
    party_id: i64,
    indicator_id: i64,
) -> Result<Vec<StoredValue>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM indicator_values iv
         WHERE iv.owner_party_id = $1 AND iv.indicator_id = $2 ORDER BY iv.period"
    ))
    .bind(party_id)
    .bind(indicator_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Stores a value, replacing the period's earlier one.
#[tracing::instrument(skip_all)]
pub async fn upsert(conn: &mut Conn, v: &NewValue) -> Result<()> {
    let mut sql = crate::sql::Sql::new(
        "INSERT INTO indicator_values (indicator_id, owner_party_id, period, version, value, numerator,
             denominator, note, computed_at_ms) VALUES (",
    );
    sql.bind(v.indicator_id)
        .push(", ")
        .bind(v.owner_party_id)
        .push(", ")
        .bind(v.period.as_str())
        .push(", ")
        .bind(v.version)
        .push(", ")
        .bind(v.value)
        .push(", ")
        .bind(v.numerator)
        .push(", ")
        .bind(v.denominator)
        .push(", ")
        .bind(v.note.as_str())
        .push(", ")
        .bind(now_ms())
        .push(
            ") ON CONFLICT (owner_party_id, indicator_id, period) DO UPDATE SET version = excluded.version,
             value = excluded.value, numerator = excluded.numerator,
             denominator = excluded.denominator, note = excluded.note,
             computed_at_ms = excluded.computed_at_ms",
        );
    sql.query().execute(&mut *conn).await?;
    Ok(())
}

/// Removes a period's value that can no longer be computed (its exposure was withdrawn).
#[tracing::instrument(skip_all)]
pub async fn remove(conn: &mut Conn, party_id: i64, indicator_id: i64, period: &str) -> Result<()> {
    sqlx::query(
        "DELETE FROM indicator_values WHERE owner_party_id = $1 AND indicator_id = $2 AND period = $3",
    )
    .bind(party_id)
    .bind(indicator_id)
    .bind(period)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The values of an organisation from `from_period` on that `subject` may read, by indicator
/// and period: a dashboard's sparklines and a chart's points.
#[tracing::instrument(skip_all)]
pub async fn of_organisation(
    conn: &mut Conn,
    subject: &Subject,
    party_id: i64,
    indicator_id: Option<i64>,
    from_period: &str,
) -> Result<Vec<StoredValue>> {
    let mut sql = crate::sql::Sql::new(&format!(
        "SELECT {COLUMNS} FROM indicator_values iv WHERE iv.owner_party_id = "
    ));
    sql.bind(party_id)
        .push(" AND iv.period >= ")
        .bind(from_period);
    if let Some(i) = indicator_id {
        sql.push(" AND iv.indicator_id = ").bind(i);
    }
    sql.push(" AND ")
        .append(&filter(subject, Action::Read, &VALUE_ACCESS))
        .push(" ORDER BY iv.indicator_id, iv.period");
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}

/// A value with its organisation's name, for the national view.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrganisationValue {
    pub indicator_id: i64,
    pub owner_party_id: i64,
    pub party_name: String,
    pub party_kind: String,
    pub period: String,
    pub value: f64,
    pub numerator: f64,
    pub denominator: Option<f64>,
}

/// Every organisation's value of some indicators for a period that `subject` may read, in one
/// statement (the national view's columns).
#[tracing::instrument(skip_all)]
pub async fn of_period(
    conn: &mut Conn,
    subject: &Subject,
    indicator_ids: &[i64],
    period: &str,
) -> Result<Vec<OrganisationValue>> {
    if indicator_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = crate::sql::Sql::new(
        "SELECT iv.indicator_id, iv.owner_party_id, pa.name AS party_name, pa.kind AS party_kind,
                iv.period, iv.value, iv.numerator, iv.denominator
         FROM indicator_values iv JOIN parties pa ON pa.id = iv.owner_party_id
         WHERE iv.indicator_id IN ",
    );
    sql.bind_list(indicator_ids)
        .push(" AND iv.period = ")
        .bind(period)
        .push(" AND ")
        .append(&filter(subject, Action::Read, &VALUE_ACCESS))
        .push(" ORDER BY pa.name, iv.owner_party_id");
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}

/// Every organisation's value of an indicator for a period, whoever reads: the distribution is
/// computed from them and only its quartiles are shown.
#[tracing::instrument(skip_all)]
pub async fn all_of_period(conn: &mut Conn, indicator_id: i64, period: &str) -> Result<Vec<f64>> {
    Ok(sqlx::query_scalar(
        "SELECT value FROM indicator_values WHERE indicator_id = $1 AND period = $2",
    )
    .bind(indicator_id)
    .bind(period)
    .fetch_all(&mut *conn)
    .await?)
}

/// The quartiles of a national indicator across organisations for a period.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Distribution {
    pub indicator_id: i64,
    pub period: String,
    pub organisations: i64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
}

/// Stores a period's distribution, or removes it where too few organisations contribute.
#[tracing::instrument(skip_all)]
pub async fn set_distribution(
    conn: &mut Conn,
    indicator_id: i64,
    period: &str,
    d: Option<(i64, sems_domain::performance::statistics::Quartiles)>,
) -> Result<()> {
    match d {
        Some((n, q)) => {
            sqlx::query(
                "INSERT INTO indicator_distributions (indicator_id, period, organisations, q1, median, q3)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (indicator_id, period) DO UPDATE SET organisations = excluded.organisations,
                     q1 = excluded.q1, median = excluded.median, q3 = excluded.q3",
            )
            .bind(indicator_id)
            .bind(period)
            .bind(n)
            .bind(q.q1)
            .bind(q.median)
            .bind(q.q3)
            .execute(&mut *conn)
            .await?;
        }
        None => {
            sqlx::query(
                "DELETE FROM indicator_distributions WHERE indicator_id = $1 AND period = $2",
            )
            .bind(indicator_id)
            .bind(period)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// The distributions of national indicators from `from_period` on (published: every reader of
/// the library may compare itself with them).
#[tracing::instrument(skip_all)]
pub async fn distributions(conn: &mut Conn, from_period: &str) -> Result<Vec<Distribution>> {
    Ok(sqlx::query_as(
        "SELECT indicator_id, period, organisations, q1, median, q3 FROM indicator_distributions
         WHERE period >= $1 ORDER BY indicator_id, period",
    )
    .bind(from_period)
    .fetch_all(&mut *conn)
    .await?)
}

/// A value with its organisation's kind, for figures drawn across organisations.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KindValue {
    pub owner_party_id: i64,
    pub party_kind: String,
    pub indicator_id: i64,
    pub period: String,
    pub value: f64,
    pub denominator: Option<f64>,
}

/// Every organisation's values of some indicators from `from_period` on, whoever reads: the
/// silence warning compares an organisation with comparable ones through a quartile only.
#[tracing::instrument(skip_all)]
pub async fn across_organisations(
    conn: &mut Conn,
    indicator_ids: &[i64],
    from_period: &str,
) -> Result<Vec<KindValue>> {
    if indicator_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = crate::sql::Sql::new(
        "SELECT iv.owner_party_id, pa.kind AS party_kind, iv.indicator_id, iv.period, iv.value, iv.denominator
         FROM indicator_values iv JOIN parties pa ON pa.id = iv.owner_party_id
         WHERE iv.indicator_id IN ",
    );
    sql.bind_list(indicator_ids)
        .push(" AND iv.period >= ")
        .bind(from_period);
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}
