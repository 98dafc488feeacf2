//! The authority's view of forwarded reports: de-identified occurrences.

use super::OCCURRENCE_ACCESS;
use crate::access_filter::filter;
use crate::decode::{OptionalFlag, Word};
use crate::sql::{all_words_like, fetch_page, Key, Order};
use crate::{Conn, Result};
use sems_domain::access::{Action, Subject};
use sems_domain::page::{Page, PageRequest};
use sems_domain::report::rules::OccurrenceStep;
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
    pub forward_due_at_ms: Option<i64>,
    pub analysis_due_at_ms: Option<i64>,
    pub analysis_text: String,
    pub analysis_sent_at_ms: Option<i64>,
    pub final_due_at_ms: Option<i64>,
    pub final_outcome: String,
    pub final_lessons: String,
    pub final_actions: String,
    pub final_just_culture: Option<String>,
    pub final_sent_at_ms: Option<i64>,
}

impl Occurrence {
    /// Rounds every time down to its day: the authority works by the day, and the exact
    /// times of a report are its handlers'.
    pub fn to_the_day(&mut self) {
        use sems_domain::audit::day_start;
        self.forwarded_at_ms = day_start(self.forwarded_at_ms);
        for t in [
            &mut self.forward_due_at_ms,
            &mut self.analysis_due_at_ms,
            &mut self.analysis_sent_at_ms,
            &mut self.final_due_at_ms,
            &mut self.final_sent_at_ms,
        ] {
            *t = t.map(day_start);
        }
    }
}

const OCCURRENCE_SELECT: &str = "SELECT sr.id, sr.owner_party_id, pa.name AS party_name, si.name AS site_name,
        sr.category_code, rc.label AS category_label, sr.occurred_at, sr.severity, sr.mandatory, sr.status,
        sr.deidentified_text, COALESCE(sr.forwarded_at_ms, 0) AS forwarded_at_ms, sr.forward_due_at_ms,
        sr.analysis_due_at_ms, sr.analysis_text, sr.analysis_sent_at_ms,
        sr.final_due_at_ms, sr.final_outcome, sr.final_lessons, sr.final_actions, sr.final_just_culture,
        sr.final_sent_at_ms
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
    /// Only those whose analysis or final result is past its deadline at `now_ms` (listed
    /// by that deadline, the longest overdue first).
    pub late: Option<OccurrenceStep>,
    pub now_ms: i64,
}

/// The order of a list of late analyses or final results: by deadline, behind the partial
/// indexes of migration 27.
const BY_ANALYSIS_DUE: Order = &[Key::int("sr.analysis_due_at_ms"), Key::int("sr.id")];
const BY_FINAL_DUE: Order = &[Key::int("sr.final_due_at_ms"), Key::int("sr.id")];

/// The national occurrence list: forwarded reports `subject` may read, newest first.
#[tracing::instrument(skip_all)]
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
    let order = match f.late {
        Some(OccurrenceStep::Analysis) => {
            cond.push(" AND sr.analysis_sent_at_ms IS NULL AND sr.final_sent_at_ms IS NULL AND sr.analysis_due_at_ms < ")
                .bind(f.now_ms);
            BY_ANALYSIS_DUE
        }
        Some(OccurrenceStep::FinalResult) => {
            cond.push(" AND sr.final_sent_at_ms IS NULL AND sr.final_due_at_ms < ")
                .bind(f.now_ms);
            BY_FINAL_DUE
        }
        // A forwarded occurrence is never late for forwarding: those are counted apart
        // (`late_forwarding`), as the authority does not read them.
        Some(OccurrenceStep::Forwarding) => {
            cond.push(" AND 1 = 0");
            ORDER
        }
        None => ORDER,
    };
    fetch_page(conn, OCCURRENCE_FROM, OCCURRENCE_SELECT, &cond, order, page).await
}

#[tracing::instrument(skip_all)]
pub async fn occurrence(conn: &mut Conn, id: i64) -> Result<Option<Occurrence>> {
    Ok(sqlx::query_as(&format!(
        "{OCCURRENCE_SELECT} WHERE sr.id = $1 AND sr.forwarded_at_ms IS NOT NULL"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}
