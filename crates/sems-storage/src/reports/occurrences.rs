//! The authority's view of forwarded reports: de-identified occurrences.

use super::OCCURRENCE_ACCESS;
use crate::access_filter::filter;
use crate::decode::{OptionalFlag, Word};
use crate::sql::{all_words_like, fetch_page, Key, Order};
use crate::{Conn, Result};
use sems_domain::access::{Action, Subject};
use sems_domain::page::{Page, PageRequest};
use sems_domain::report::{ReportStatus, Severity};
use sems_domain::util::format_date;

/// The order of the list: ending in the id, so pages never overlap.
const ORDER: Order = &[
    Key::int("sr.forwarded_at_ms").desc(),
    Key::int("sr.id").desc(),
];

/// A forwarded report as the authority reads it: de-identified, nothing else.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Occurrence {
    pub id: i64,
    #[sqlx(rename = "owner_party_id")]
    pub party_id: i64,
    pub party_name: String,
    pub site_name: Option<String>,
    pub category_code: String,
    pub category_label: String,
    pub occurred_at: String,
    #[sqlx(try_from = "Word")]
    pub severity: Option<Severity>,
    #[sqlx(try_from = "OptionalFlag")]
    pub mandatory: Option<bool>,
    #[sqlx(try_from = "String")]
    pub status: ReportStatus,
    #[sqlx(rename = "deidentified_text")]
    pub text: String,
    pub forwarded_at_ms: i64,
}

const OCCURRENCE_SELECT: &str = "SELECT sr.id, sr.owner_party_id, pa.name AS party_name, si.name AS site_name,
        sr.category_code, rc.label AS category_label, sr.occurred_at, sr.severity, sr.mandatory, sr.status,
        sr.deidentified_text, COALESCE(sr.forwarded_at_ms, 0) AS forwarded_at_ms
     FROM security_reports sr JOIN parties pa ON pa.id = sr.owner_party_id
     JOIN report_categories rc ON rc.code = sr.category_code
     LEFT JOIN sites si ON si.id = sr.site_id";
const OCCURRENCE_FROM: &str = "security_reports sr JOIN parties pa ON pa.id = sr.owner_party_id
     JOIN report_categories rc ON rc.code = sr.category_code
     LEFT JOIN sites si ON si.id = sr.site_id";

#[derive(Debug, Clone, Default)]
pub struct OccurrenceFilter {
    pub party_id: Option<i64>,
    pub category: Option<String>,
    pub search: Option<String>,
    /// Occurred on or after this day.
    pub from: Option<time::Date>,
    /// Occurred on or before this day.
    pub until: Option<time::Date>,
}

/// The national occurrence list: forwarded reports `subject` may read, newest first.
pub async fn occurrences(
    conn: &mut Conn,
    subject: &Subject,
    f: &OccurrenceFilter,
    page: PageRequest,
) -> Result<Page<Occurrence>> {
    let mut cond = filter(subject, Action::Read, &OCCURRENCE_ACCESS);
    cond.push(" AND sr.forwarded_at_ms IS NOT NULL");
    if let Some(p) = f.party_id {
        cond.push(" AND sr.owner_party_id = ").bind(p);
    }
    if let Some(c) = &f.category {
        cond.push(" AND sr.category_code = ").bind(c.clone());
    }
    if let Some(from) = f.from {
        cond.push(" AND sr.occurred_at >= ").bind(from);
    }
    if let Some(until) = &f.until {
        // occurred_at is "YYYY-MM-DDTHH:MM": everything on that day sorts below its end.
        cond.push(" AND sr.occurred_at <= ")
            .bind(format!("{}T99", format_date(*until)));
    }
    if let Some(search) = f.search.as_deref().filter(|s| !s.trim().is_empty()) {
        all_words_like(
            &mut cond,
            search,
            &["sr.deidentified_text", "rc.label", "pa.name"],
        );
    }
    fetch_page(conn, OCCURRENCE_FROM, OCCURRENCE_SELECT, &cond, ORDER, page).await
}

pub async fn occurrence(conn: &mut Conn, id: i64) -> Result<Option<Occurrence>> {
    Ok(sqlx::query_as(&format!(
        "{OCCURRENCE_SELECT} WHERE sr.id = $1 AND sr.forwarded_at_ms IS NOT NULL"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}
