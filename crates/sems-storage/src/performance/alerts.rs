//! Alerts of indicators at organisations: raised once per indicator, organisation and period
//! (a second node's insert finds the first's), never recomputed away; acknowledged, or
//! escalated once to the accountable executive.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::{decode_error, JsonText, OptionalDay};
use crate::sql::{fetch_page, Key, Order};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::page::{Page, PageRequest};
use sems_domain::performance::alerts::{AlertStatus, Point, Rule};

/// Newest first, ending in the id.
const ORDER: Order = &[Key::int("al.raised_at_ms").desc(), Key::int("al.id").desc()];

pub const ALERT_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::PerformanceAlert,
    id: "al.id",
    owner_party: "al.owner_party_id",
    classification: None,
    need_to_know: None,
    person: None,
    published: None,
    raiser: None,
    reach: Reach::Own("performance_alerts"),
};

/// The points an alert fired on, stored as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Points(pub Vec<Point>);

impl TryFrom<JsonText> for Points {
    type Error = serde_json::Error;
    fn try_from(json: JsonText) -> std::result::Result<Self, Self::Error> {
        serde_json::from_str(&json.0).map(Points)
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Alert {
    pub id: i64,
    pub indicator_id: i64,
    pub indicator_code: String,
    pub indicator_name: String,
    pub indicator_owner_party_id: i64,
    pub owner_party_id: i64,
    pub party_name: String,
    pub period: String,
    pub version: i64,
    #[sqlx(try_from = "String")]
    pub rule: Rule,
    pub level: i64,
    pub line: f64,
    #[sqlx(try_from = "JsonText")]
    pub points: Points,
    pub baseline_from: Option<String>,
    pub baseline_until: Option<String>,
    pub sentence: String,
    #[sqlx(try_from = "String")]
    pub status: AlertStatus,
    pub acknowledged_by_name: Option<String>,
    pub acknowledged_at_ms: Option<i64>,
    pub acknowledgement: String,
    #[sqlx(try_from = "OptionalDay")]
    pub escalated_on: Option<time::Date>,
    /// The corrective action the alert opened in the register.
    pub action_id: Option<i64>,
    pub raised_at_ms: i64,
    pub updated_at_ms: i64,
}

const SELECT: &str = "SELECT al.id, al.indicator_id, pi.code AS indicator_code, pi.name AS indicator_name,
        pi.owner_party_id AS indicator_owner_party_id, al.owner_party_id, pa.name AS party_name,
        al.period, al.version, al.rule, al.level, al.line, al.points, al.baseline_from,
        al.baseline_until, al.sentence, al.status, pe.display_name AS acknowledged_by_name,
        al.acknowledged_at_ms, al.acknowledgement, al.escalated_on,
        (SELECT MIN(ac.id) FROM actions ac WHERE ac.source_kind = 'performance_alert' AND ac.source_id = al.id) AS action_id,
        al.raised_at_ms, al.updated_at_ms
     FROM performance_alerts al JOIN performance_indicators pi ON pi.id = al.indicator_id
     JOIN parties pa ON pa.id = al.owner_party_id
     LEFT JOIN people pe ON pe.id = al.acknowledged_by";

/// An alert to raise.
pub struct NewAlert<'a> {
    pub indicator_id: i64,
    pub owner_party_id: i64,
    pub period: &'a str,
    pub version: i64,
    pub rule: Rule,
    pub line: f64,
    pub points: &'a [Point],
    pub baseline: Option<(&'a str, &'a str)>,
    pub sentence: &'a str,
}

/// Raises an alert unless the period's alert of this indicator at this organisation was raised
/// already (by this node or another); returns its id when this call raised it.
#[tracing::instrument(skip_all)]
pub async fn raise_once(conn: &mut Conn, a: &NewAlert<'_>) -> Result<Option<i64>> {
    let points = serde_json::to_string(a.points)
        .map_err(|e| crate::StoreError::from(decode_error(format!("alert points: {e}"))))?;
    let now = now_ms();
    Ok(sqlx::query_scalar(
        "INSERT INTO performance_alerts (indicator_id, owner_party_id, period, version, rule, level, line,
             points, baseline_from, baseline_until, sentence, status, raised_at_ms, updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
         ON CONFLICT (owner_party_id, indicator_id, period) DO NOTHING RETURNING id",
    )
    .bind(a.indicator_id)
    .bind(a.owner_party_id)
    .bind(a.period)
    .bind(a.version)
    .bind(a.rule.as_str())
    .bind(a.rule.level() as i64)
    .bind(a.line)
    .bind(points)
    .bind(a.baseline.map(|b| b.0))
    .bind(a.baseline.map(|b| b.1))
    .bind(a.sentence)
    .bind(AlertStatus::Open.as_str())
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?)
}

#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Alert>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE al.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Acknowledges an open alert; `false` when it was acknowledged already.
#[tracing::instrument(skip_all)]
pub async fn acknowledge(conn: &mut Conn, id: i64, by: i64, note: &str) -> Result<bool> {
    let now = now_ms();
    let changed = sqlx::query(
        "UPDATE performance_alerts SET status = $1, acknowledged_by = $2, acknowledged_at_ms = $3,
             acknowledgement = $4, updated_at_ms = $3
         WHERE id = $5 AND status = $6",
    )
    .bind(AlertStatus::Acknowledged.as_str())
    .bind(by)
    .bind(now)
    .bind(note)
    .bind(id)
    .bind(AlertStatus::Open.as_str())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// Open alerts raised before `raised_before_ms` and never escalated.
#[tracing::instrument(skip_all)]
pub async fn unacknowledged_unescalated(
    conn: &mut Conn,
    raised_before_ms: i64,
    limit: i64,
) -> Result<Vec<Alert>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE al.status = $1 AND al.escalated_on IS NULL AND al.raised_at_ms < $2
         ORDER BY al.raised_at_ms, al.id LIMIT $3"
    ))
    .bind(AlertStatus::Open.as_str())
    .bind(raised_before_ms)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}

/// Marks an alert escalated unless it is already: the node whose update changed the row tells.
#[tracing::instrument(skip_all)]
pub async fn claim_escalation(conn: &mut Conn, id: i64, day: time::Date) -> Result<bool> {
    let changed = sqlx::query(
        "UPDATE performance_alerts SET escalated_on = $1, updated_at_ms = $2
         WHERE id = $3 AND escalated_on IS NULL AND status = $4",
    )
    .bind(sems_domain::util::format_date(day))
    .bind(now_ms())
    .bind(id)
    .bind(AlertStatus::Open.as_str())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub party_id: Option<i64>,
    pub indicator_id: Option<i64>,
    pub status: Option<AlertStatus>,
}

/// The alerts `subject` may read, newest first.
#[tracing::instrument(skip_all)]
pub async fn list(
    conn: &mut Conn,
    subject: &Subject,
    f: &AlertFilter,
    page: PageRequest,
) -> Result<Page<Alert>> {
    let mut cond = filter(subject, Action::Read, &ALERT_ACCESS);
    if let Some(p) = f.party_id {
        cond.push(" AND al.owner_party_id = ").bind(p);
    }
    if let Some(i) = f.indicator_id {
        cond.push(" AND al.indicator_id = ").bind(i);
    }
    if let Some(s) = f.status {
        cond.push(" AND al.status = ").bind(s.as_str());
    }
    fetch_page(conn, "performance_alerts al", SELECT, &cond, ORDER, page).await
}

/// Open alerts per organisation that `subject` may read.
#[tracing::instrument(skip_all)]
pub async fn open_counts(conn: &mut Conn, subject: &Subject) -> Result<Vec<(i64, i64)>> {
    let mut sql = crate::sql::Sql::new(
        "SELECT al.owner_party_id, COUNT(*) FROM performance_alerts al WHERE al.status = ",
    );
    sql.bind(AlertStatus::Open.as_str())
        .push(" AND ")
        .append(&filter(subject, Action::Read, &ALERT_ACCESS))
        .push(" GROUP BY al.owner_party_id");
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}
