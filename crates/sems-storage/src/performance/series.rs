//! Data series of security performance: an organisation's values per month (departures,
//! passengers, the staff headcount, badge transactions, any manual indicator), of the whole
//! organisation (site 0) or of one site. A value entered again for the same series, site and
//! month replaces the earlier one.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::sql::{fetch_page, Key, Order};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::page::{Page, PageRequest};
use sems_domain::performance::Month;

/// The order of the list: newest month first, ending in the id.
const ORDER: Order = &[Key::text("dv.month").desc(), Key::int("dv.id").desc()];

pub const SERIES_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::DataSeries,
    id: "dv.id",
    owner_party: "dv.owner_party_id",
    classification: None,
    need_to_know: None,
    person: None,
    published: None,
    raiser: None,
    reach: Reach::Own("data_series_values"),
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SeriesValue {
    pub id: i64,
    pub owner_party_id: i64,
    pub owner_name: String,
    /// 0 for the whole organisation.
    pub site_id: i64,
    pub series: String,
    pub month: String,
    pub value: f64,
    pub entered_by_name: Option<String>,
    pub entered_at_ms: i64,
}

const SELECT: &str =
    "SELECT dv.id, dv.owner_party_id, pa.name AS owner_name, dv.site_id, dv.series,
        dv.month, dv.value, pe.display_name AS entered_by_name, dv.entered_at_ms
     FROM data_series_values dv JOIN parties pa ON pa.id = dv.owner_party_id
     LEFT JOIN people pe ON pe.id = dv.entered_by";

/// One value by its id (for the service that stored it).
#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<SeriesValue>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE dv.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// One value to store.
pub struct NewValue<'a> {
    pub owner_party_id: i64,
    pub site_id: i64,
    pub series: &'a str,
    pub month: Month,
    pub value: f64,
}

/// Stores a value, replacing the one of the same series, site and month; returns its id and
/// the value it replaced.
#[tracing::instrument(skip_all)]
pub async fn upsert(
    conn: &mut Conn,
    v: &NewValue<'_>,
    by: Option<i64>,
) -> Result<(i64, Option<f64>)> {
    let before: Option<(i64, f64)> = sqlx::query_as(
        "SELECT id, value FROM data_series_values
         WHERE owner_party_id = $1 AND series = $2 AND site_id = $3 AND month = $4",
    )
    .bind(v.owner_party_id)
    .bind(v.series)
    .bind(v.site_id)
    .bind(v.month.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let now = now_ms();
    match before {
        Some((id, old)) => {
            sqlx::query(
                "UPDATE data_series_values SET value = $1, entered_by = $2, entered_at_ms = $3 WHERE id = $4",
            )
            .bind(v.value)
            .bind(by)
            .bind(now)
            .bind(id)
            .execute(&mut *conn)
            .await?;
            Ok((id, Some(old)))
        }
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO data_series_values (owner_party_id, site_id, series, month, value, entered_by, entered_at_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(v.owner_party_id)
            .bind(v.site_id)
            .bind(v.series)
            .bind(v.month.as_str())
            .bind(v.value)
            .bind(by)
            .bind(now)
            .fetch_one(&mut *conn)
            .await?;
            Ok((id, None))
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct SeriesFilter {
    pub party_id: Option<i64>,
    pub series: Option<String>,
    pub site_id: Option<i64>,
    /// Months from and until, inclusive.
    pub from: Option<Month>,
    pub until: Option<Month>,
}

/// The values `subject` may read, newest month first.
#[tracing::instrument(skip_all)]
pub async fn list(
    conn: &mut Conn,
    subject: &Subject,
    f: &SeriesFilter,
    page: PageRequest,
) -> Result<Page<SeriesValue>> {
    let mut cond = filter(subject, Action::Read, &SERIES_ACCESS);
    if let Some(p) = f.party_id {
        cond.push(" AND dv.owner_party_id = ").bind(p);
    }
    if let Some(s) = &f.series {
        cond.push(" AND dv.series = ").bind(s.clone());
    }
    if let Some(s) = f.site_id {
        cond.push(" AND dv.site_id = ").bind(s);
    }
    if let Some(m) = &f.from {
        cond.push(" AND dv.month >= ").bind(m.as_str());
    }
    if let Some(m) = &f.until {
        cond.push(" AND dv.month <= ").bind(m.as_str());
    }
    fetch_page(conn, "data_series_values dv", SELECT, &cond, ORDER, page).await
}

/// Whether an organisation has entered any value of a series.
#[tracing::instrument(skip_all)]
pub async fn exists(conn: &mut Conn, party_id: i64, series: &str) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM data_series_values WHERE owner_party_id = $1 AND series = $2 LIMIT 1",
    )
    .bind(party_id)
    .bind(series)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.is_some())
}

/// The series an organisation has entered, by name.
#[tracing::instrument(skip_all)]
pub async fn names(conn: &mut Conn, party_id: i64) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT series FROM data_series_values WHERE owner_party_id = $1 ORDER BY series",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?)
}

#[derive(sqlx::FromRow)]
struct HeadcountRow {
    owner_party_id: i64,
    site_id: i64,
    value: f64,
}

/// The staff headcount of an organisation (or, `None`, of every organisation added up): each
/// organisation's latest month entered, its whole-organisation value where entered, else the
/// sum of its sites'. `None` when none is entered: rates per staff then have no denominator.
#[tracing::instrument(skip_all)]
pub async fn latest_headcount(conn: &mut Conn, party_id: Option<i64>) -> Result<Option<f64>> {
    let mut sql = crate::sql::Sql::new(
        "SELECT dv.owner_party_id, dv.site_id, dv.value FROM data_series_values dv
         WHERE dv.series = 'staff_headcount' AND dv.month = (SELECT MAX(m.month) FROM data_series_values m
             WHERE m.owner_party_id = dv.owner_party_id AND m.series = 'staff_headcount')",
    );
    if let Some(p) = party_id {
        sql.push(" AND dv.owner_party_id = ").bind(p);
    }
    let rows: Vec<HeadcountRow> = sql.query_as().fetch_all(&mut *conn).await?;
    let mut by_party: std::collections::BTreeMap<i64, (Option<f64>, f64)> = Default::default();
    for r in rows {
        let entry = by_party.entry(r.owner_party_id).or_default();
        if r.site_id == 0 {
            entry.0 = Some(r.value);
        } else {
            entry.1 += r.value;
        }
    }
    Ok((!by_party.is_empty()).then(|| {
        by_party
            .values()
            .map(|(whole, sites)| whole.unwrap_or(*sites))
            .sum()
    }))
}
