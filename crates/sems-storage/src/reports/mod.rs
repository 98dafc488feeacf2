//! Confidential security reports: the taxonomy, reports, attachments' metadata (the files
//! live outside the database), messages with the reporter, identity disclosure requests,
//! corrective actions, the authority's occurrence list, and the counts statistics need.

use crate::access_filter::{filter, AccessColumns};
use crate::parties::decode_error;
use crate::sql::{all_words_like, fetch_page, Sql};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::page::{Page, PageRequest};
use sems_domain::report::{ForwardProposal, JustCulture, ReportMode, ReportStatus, Severity};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

mod exchanges;
mod occurrences;
pub use exchanges::*;
pub use occurrences::*;

pub const REPORT_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::SecurityReport,
    id: "sr.id",
    owner_party: "sr.owner_party_id",
    classification: Some("sr.classification"),
    need_to_know: Some("sr.need_to_know"),
    person: None,
    published: None,
    raiser: None,
};

/// The same rows as the authority reads them: only once forwarded, and only through the
/// de-identified columns `occurrences` selects.
pub const OCCURRENCE_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::Occurrence,
    ..REPORT_ACCESS
};

#[derive(Debug, Clone, Serialize)]
pub struct Category {
    pub code: String,
    pub label: String,
}

pub async fn categories(conn: &mut Conn) -> Result<Vec<Category>> {
    let rows = sqlx::query(
        "SELECT code, label FROM report_categories WHERE active = 1 ORDER BY position, label",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Category {
                code: r.try_get("code")?,
                label: r.try_get("label")?,
            })
        })
        .collect()
}

/// Adds a category of the taxonomy unless its code exists; returns whether it was added.
pub async fn ensure_category(
    conn: &mut Conn,
    code: &str,
    label: &str,
    position: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO report_categories (code, label, active, position) VALUES ($1, $2, 1, $3)
         ON CONFLICT (code) DO NOTHING",
    )
    .bind(code)
    .bind(label)
    .bind(position)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub struct NewReport<'a> {
    pub party_id: i64,
    pub site_id: Option<i64>,
    pub category_code: &'a str,
    pub occurred_at: &'a str,
    pub location: &'a str,
    pub what_happened: &'a str,
    pub reporter_thinks_mandatory: bool,
    pub mode: ReportMode,
    pub reporter_person_id: Option<i64>,
    pub reporter_identity_sealed: Option<String>,
    pub receipt_hash: &'a str,
    pub forward_due_at_ms: Option<i64>,
}

pub async fn insert_report(conn: &mut Conn, r: &NewReport<'_>) -> Result<i64> {
    let now = now_ms();
    let row = sqlx::query(
        "INSERT INTO security_reports (owner_party_id, site_id, category_code, occurred_at, location,
             what_happened, reporter_thinks_mandatory, mode, reporter_person_id, reporter_identity_sealed,
             receipt_hash, status, filed_at_ms, forward_due_at_ms, classification, need_to_know, updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'new', $12, $13, 0, 0, $12) RETURNING id",
    )
    .bind(r.party_id)
    .bind(r.site_id)
    .bind(r.category_code)
    .bind(r.occurred_at)
    .bind(r.location)
    .bind(r.what_happened)
    .bind(i64::from(r.reporter_thinks_mandatory))
    .bind(r.mode.as_str())
    .bind(r.reporter_person_id)
    .bind(r.reporter_identity_sealed.clone())
    .bind(r.receipt_hash)
    .bind(now)
    .bind(r.forward_due_at_ms)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

/// A report as its handlers see it (never the sealed identity: see `sealed_identity`).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub id: i64,
    pub party_id: i64,
    pub party_name: String,
    pub site_id: Option<i64>,
    pub site_name: Option<String>,
    pub category_code: String,
    pub category_label: String,
    pub occurred_at: String,
    pub location: String,
    pub what_happened: String,
    pub reporter_thinks_mandatory: bool,
    pub mode: ReportMode,
    /// Only for an identified report.
    pub reporter_person_id: Option<i64>,
    pub reporter_name: Option<String>,
    pub status: ReportStatus,
    pub severity: Option<Severity>,
    pub mandatory: Option<bool>,
    pub triage_note: String,
    pub outcome: String,
    pub lessons: String,
    pub just_culture: Option<JustCulture>,
    pub deidentified_text: String,
    pub filed_at_ms: i64,
    pub triaged_at_ms: Option<i64>,
    pub investigation_at_ms: Option<i64>,
    pub closed_at_ms: Option<i64>,
    pub forward_due_at_ms: Option<i64>,
    pub forwarded_at_ms: Option<i64>,
    pub classification: i64,
    pub need_to_know: bool,
    pub scenario_ids: Vec<i64>,
    pub updated_at_ms: i64,
    /// Set when the times are served to the day only (`report::sees_exact_times`): every
    /// `_at_ms` is then the start of its day, and pages show the date alone.
    pub times_to_the_day: bool,
}

impl Report {
    /// Rounds every time of the report down to its day.
    pub fn to_the_day(&mut self) {
        use sems_domain::audit::day_start;
        self.times_to_the_day = true;
        self.filed_at_ms = day_start(self.filed_at_ms);
        self.updated_at_ms = day_start(self.updated_at_ms);
        for t in [
            &mut self.triaged_at_ms,
            &mut self.investigation_at_ms,
            &mut self.closed_at_ms,
            &mut self.forward_due_at_ms,
            &mut self.forwarded_at_ms,
        ] {
            *t = t.map(day_start);
        }
    }
}

const REPORT_SELECT: &str = "SELECT sr.id, sr.owner_party_id, pa.name AS party_name, sr.site_id, si.name AS site_name,
        sr.category_code, rc.label AS category_label, sr.occurred_at, sr.location, sr.what_happened,
        sr.reporter_thinks_mandatory, sr.mode, sr.reporter_person_id, pe.display_name AS reporter_name, sr.status,
        sr.severity, sr.mandatory, sr.triage_note, sr.outcome, sr.lessons, sr.just_culture, sr.deidentified_text,
        sr.filed_at_ms, sr.triaged_at_ms, sr.investigation_at_ms, sr.closed_at_ms, sr.forward_due_at_ms,
        sr.forwarded_at_ms, sr.classification, sr.need_to_know, sr.updated_at_ms
     FROM security_reports sr JOIN parties pa ON pa.id = sr.owner_party_id
     JOIN report_categories rc ON rc.code = sr.category_code
     LEFT JOIN sites si ON si.id = sr.site_id
     LEFT JOIN people pe ON pe.id = sr.reporter_person_id";
const REPORT_FROM: &str = "security_reports sr JOIN parties pa ON pa.id = sr.owner_party_id
     JOIN report_categories rc ON rc.code = sr.category_code
     LEFT JOIN sites si ON si.id = sr.site_id
     LEFT JOIN people pe ON pe.id = sr.reporter_person_id";

fn parse_opt<T>(
    value: Option<String>,
    parse: impl Fn(&str) -> std::result::Result<T, sems_domain::ValidationError>,
) -> Result<Option<T>> {
    Ok(value
        .map(|v| parse(&v).map_err(|e| decode_error(e.to_string())))
        .transpose()?)
}

fn report_from_row(r: &AnyRow) -> Result<Report> {
    let mode: String = r.try_get("mode")?;
    let status: String = r.try_get("status")?;
    Ok(Report {
        id: r.try_get("id")?,
        party_id: r.try_get("owner_party_id")?,
        party_name: r.try_get("party_name")?,
        site_id: r.try_get("site_id")?,
        site_name: r.try_get("site_name")?,
        category_code: r.try_get("category_code")?,
        category_label: r.try_get("category_label")?,
        occurred_at: r.try_get("occurred_at")?,
        location: r.try_get("location")?,
        what_happened: r.try_get("what_happened")?,
        reporter_thinks_mandatory: r.try_get::<i64, _>("reporter_thinks_mandatory")? != 0,
        mode: ReportMode::parse(&mode).map_err(|e| decode_error(e.to_string()))?,
        reporter_person_id: r.try_get("reporter_person_id")?,
        reporter_name: r.try_get("reporter_name")?,
        status: ReportStatus::parse(&status).map_err(|e| decode_error(e.to_string()))?,
        severity: parse_opt(r.try_get("severity")?, Severity::parse)?,
        mandatory: r.try_get::<Option<i64>, _>("mandatory")?.map(|m| m != 0),
        triage_note: r.try_get("triage_note")?,
        outcome: r.try_get("outcome")?,
        lessons: r.try_get("lessons")?,
        just_culture: parse_opt(r.try_get("just_culture")?, JustCulture::parse)?,
        deidentified_text: r.try_get("deidentified_text")?,
        filed_at_ms: r.try_get("filed_at_ms")?,
        triaged_at_ms: r.try_get("triaged_at_ms")?,
        investigation_at_ms: r.try_get("investigation_at_ms")?,
        closed_at_ms: r.try_get("closed_at_ms")?,
        forward_due_at_ms: r.try_get("forward_due_at_ms")?,
        forwarded_at_ms: r.try_get("forwarded_at_ms")?,
        classification: r.try_get("classification")?,
        need_to_know: r.try_get::<i64, _>("need_to_know")? != 0,
        scenario_ids: Vec::new(),
        updated_at_ms: r.try_get("updated_at_ms")?,
        times_to_the_day: false,
    })
}

async fn with_scenarios(conn: &mut Conn, mut report: Report) -> Result<Report> {
    let rows = sqlx::query(
        "SELECT scenario_id FROM report_scenarios WHERE report_id = $1 ORDER BY scenario_id",
    )
    .bind(report.id)
    .fetch_all(&mut *conn)
    .await?;
    report.scenario_ids = rows
        .iter()
        .map(|r| r.try_get::<i64, _>("scenario_id"))
        .collect::<std::result::Result<_, _>>()?;
    Ok(report)
}

pub async fn report(conn: &mut Conn, id: i64) -> Result<Option<Report>> {
    let row = sqlx::query(&format!("{REPORT_SELECT} WHERE sr.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    match row.as_ref().map(report_from_row).transpose()? {
        Some(r) => Ok(Some(with_scenarios(conn, r).await?)),
        None => Ok(None),
    }
}

/// How a report was filed (whether it protects its source).
pub async fn mode_of(conn: &mut Conn, id: i64) -> Result<Option<ReportMode>> {
    let row = sqlx::query("SELECT mode FROM security_reports WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(r) => {
            let mode: String = r.try_get("mode")?;
            Ok(Some(
                ReportMode::parse(&mode).map_err(|e| decode_error(e.to_string()))?,
            ))
        }
        None => Ok(None),
    }
}

pub async fn report_by_receipt(conn: &mut Conn, receipt_hash: &str) -> Result<Option<Report>> {
    let row = sqlx::query(&format!("{REPORT_SELECT} WHERE sr.receipt_hash = $1"))
        .bind(receipt_hash)
        .fetch_optional(&mut *conn)
        .await?;
    match row.as_ref().map(report_from_row).transpose()? {
        Some(r) => Ok(Some(with_scenarios(conn, r).await?)),
        None => Ok(None),
    }
}

/// The sealed (encrypted) identity of a confidential reporter.
/// Stores the sealed identity of a report (sealed once the report has its id).
pub async fn set_sealed_identity(conn: &mut Conn, id: i64, sealed: &str) -> Result<()> {
    sqlx::query("UPDATE security_reports SET reporter_identity_sealed = $1 WHERE id = $2")
        .bind(sealed)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn sealed_identity(conn: &mut Conn, id: i64) -> Result<Option<String>> {
    let row = sqlx::query("SELECT reporter_identity_sealed FROM security_reports WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        Some(r) => r.try_get("reporter_identity_sealed")?,
        None => None,
    })
}

#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub party_id: Option<i64>,
    pub status: Option<ReportStatus>,
    pub category: Option<String>,
    pub mode: Option<ReportMode>,
    /// Words searched in the text, location and notes.
    pub search: Option<String>,
}

/// The reports `subject` may read, newest first.
pub async fn reports(
    conn: &mut Conn,
    subject: &Subject,
    f: &ReportFilter,
    page: PageRequest,
) -> Result<Page<Report>> {
    let mut cond = filter(subject, Action::Read, &REPORT_ACCESS);
    if let Some(p) = f.party_id {
        cond.push(" AND sr.owner_party_id = ").bind(p);
    }
    if let Some(s) = f.status {
        cond.push(" AND sr.status = ").bind(s.as_str());
    }
    if let Some(c) = &f.category {
        cond.push(" AND sr.category_code = ").bind(c.clone());
    }
    if let Some(m) = f.mode {
        cond.push(" AND sr.mode = ").bind(m.as_str());
    }
    if let Some(search) = f.search.as_deref().filter(|s| !s.trim().is_empty()) {
        all_words_like(
            &mut cond,
            search,
            &[
                "sr.what_happened",
                "sr.location",
                "sr.triage_note",
                "sr.outcome",
                "sr.lessons",
                "rc.label",
            ],
        );
    }
    fetch_page(
        conn,
        REPORT_FROM,
        REPORT_SELECT,
        &cond,
        "sr.filed_at_ms DESC, sr.id DESC",
        page,
        report_from_row,
    )
    .await
}

pub struct Triage<'a> {
    pub category_code: &'a str,
    pub severity: Severity,
    pub mandatory: bool,
    pub note: &'a str,
    pub forward_due_at_ms: Option<i64>,
}

pub async fn triage(conn: &mut Conn, id: i64, t: &Triage<'_>, scenario_ids: &[i64]) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "UPDATE security_reports SET status = 'triaged', category_code = $1, severity = $2, mandatory = $3,
             triage_note = $4, forward_due_at_ms = $5, triaged_at_ms = $6, updated_at_ms = $6
         WHERE id = $7",
    )
    .bind(t.category_code)
    .bind(t.severity.as_str())
    .bind(i64::from(t.mandatory))
    .bind(t.note)
    .bind(t.forward_due_at_ms)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM report_scenarios WHERE report_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for s in scenario_ids {
        sqlx::query("INSERT INTO report_scenarios (report_id, scenario_id) VALUES ($1, $2)")
            .bind(id)
            .bind(*s)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn start_investigation(conn: &mut Conn, id: i64) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "UPDATE security_reports SET status = 'under_investigation', investigation_at_ms = $1,
             updated_at_ms = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn close(
    conn: &mut Conn,
    id: i64,
    outcome: &str,
    lessons: &str,
    just_culture: JustCulture,
) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "UPDATE security_reports SET status = 'closed', outcome = $1, lessons = $2, just_culture = $3,
             closed_at_ms = $4, updated_at_ms = $4 WHERE id = $5",
    )
    .bind(outcome)
    .bind(lessons)
    .bind(just_culture.as_str())
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_deidentified(conn: &mut Conn, id: i64, text: &str) -> Result<()> {
    sqlx::query(
        "UPDATE security_reports SET deidentified_text = $1, forward_proposal = NULL, updated_at_ms = $2
         WHERE id = $3",
    )
    .bind(text)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn mark_forwarded(conn: &mut Conn, id: i64) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "UPDATE security_reports SET forwarded_at_ms = $1, forward_proposal = NULL, updated_at_ms = $1
         WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The forwarding a first handler proposed, waiting for a second one.
pub async fn forward_proposal(conn: &mut Conn, id: i64) -> Result<Option<ForwardProposal>> {
    let row = sqlx::query("SELECT forward_proposal FROM security_reports WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let json: Option<String> = row.try_get("forward_proposal")?;
    json.map(|j| {
        serde_json::from_str(&j).map_err(|e| decode_error(format!("forward proposal: {e}")).into())
    })
    .transpose()
}

pub async fn set_forward_proposal(conn: &mut Conn, id: i64, p: &ForwardProposal) -> Result<()> {
    let json = serde_json::to_string(p)
        .map_err(|e| crate::StoreError::from(decode_error(format!("forward proposal: {e}"))))?;
    sqlx::query("UPDATE security_reports SET forward_proposal = $1 WHERE id = $2")
        .bind(json)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The facts statistics are computed from: one row per report of the scope.
#[derive(Debug, Clone)]
pub struct ReportFacts {
    pub category_label: String,
    pub month: String,
    pub mode: ReportMode,
    pub filed_at_ms: i64,
    pub triaged_at_ms: Option<i64>,
    pub closed_at_ms: Option<i64>,
}

/// Facts of an organisation's reports (`party_id`), or of every forwarded report (`None`),
/// filed since `since_ms`.
pub async fn report_facts(
    conn: &mut Conn,
    party_id: Option<i64>,
    since_ms: i64,
) -> Result<Vec<ReportFacts>> {
    let mut sql = Sql::new(
        "SELECT rc.label, sr.occurred_at, sr.mode, sr.filed_at_ms, sr.triaged_at_ms, sr.closed_at_ms
         FROM security_reports sr JOIN report_categories rc ON rc.code = sr.category_code
         WHERE sr.filed_at_ms >= ",
    );
    sql.bind(since_ms);
    match party_id {
        Some(p) => {
            sql.push(" AND sr.owner_party_id = ").bind(p);
        }
        None => {
            sql.push(" AND sr.forwarded_at_ms IS NOT NULL");
        }
    }
    let rows = sql.query().fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            let occurred: String = r.try_get("occurred_at")?;
            let mode: String = r.try_get("mode")?;
            Ok(ReportFacts {
                category_label: r.try_get("label")?,
                month: occurred.chars().take(7).collect(),
                mode: ReportMode::parse(&mode).map_err(|e| decode_error(e.to_string()))?,
                filed_at_ms: r.try_get("filed_at_ms")?,
                triaged_at_ms: r.try_get("triaged_at_ms")?,
                closed_at_ms: r.try_get("closed_at_ms")?,
            })
        })
        .collect()
}

/// Active people of an organisation (`None`: of every organisation), the base of the
/// reporting rate.
pub async fn staff_count(conn: &mut Conn, party_id: Option<i64>) -> Result<i64> {
    let mut sql = Sql::new(
        "SELECT COUNT(*) AS n FROM people pe JOIN parties pa ON pa.id = pe.owner_party_id
         WHERE pe.active = 1 AND pa.kind <> 'authority'",
    );
    if let Some(p) = party_id {
        sql.push(" AND pe.owner_party_id = ").bind(p);
    }
    Ok(sql.query().fetch_one(&mut *conn).await?.try_get("n")?)
}

/// An organisation's active sites (id, name), for the filing form's "where".
pub async fn site_names(conn: &mut Conn, party_id: i64) -> Result<Vec<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT id, name FROM sites WHERE owner_party_id = $1 AND active = 1 ORDER BY name",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect()
}
