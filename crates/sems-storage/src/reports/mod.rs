//! Confidential security reports: the taxonomy, reports, attachments' metadata (the files
//! live outside the database), messages with the reporter, identity disclosure requests,
//! corrective actions, the authority's occurrence list, and the counts statistics need.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::{decode_error, Flag, OptionalFlag, Word};
use crate::sql::{all_words_like, fetch_page, Key, Order, Sql};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::page::{Page, PageRequest};
use sems_domain::report::{ForwardProposal, ReportMode, ReportStatus, Severity};

/// The order of the list: ending in the id, so pages never overlap.
const ORDER: Order = &[Key::int("sr.filed_at_ms").desc(), Key::int("sr.id").desc()];

mod exchanges;
mod occurrences;
pub mod rules;
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
    reach: Reach::Own("security_reports"),
};

/// The same rows as the authority reads them: only once forwarded, and only through the
/// de-identified columns `occurrences` selects.
pub const OCCURRENCE_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::Occurrence,
    ..REPORT_ACCESS
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Category {
    pub code: String,
    pub label: String,
}

#[tracing::instrument(skip_all)]
pub async fn categories(conn: &mut Conn) -> Result<Vec<Category>> {
    Ok(sqlx::query_as(
        "SELECT code, label FROM report_categories WHERE active = 1 ORDER BY position, label",
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// Adds a category of the taxonomy unless its code exists; returns whether it was added.
#[tracing::instrument(skip_all)]
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
    pub triage_due_at_ms: Option<i64>,
    /// The version of the reporting rules the deadlines come from.
    pub rules_version: Option<i64>,
    /// When it was filed: the moment its deadlines count from.
    pub filed_at_ms: i64,
}

#[tracing::instrument(skip_all)]
pub async fn insert_report(conn: &mut Conn, r: &NewReport<'_>) -> Result<i64> {
    let now = r.filed_at_ms;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO security_reports (owner_party_id, site_id, category_code, occurred_at, location,
             what_happened, reporter_thinks_mandatory, mode, reporter_person_id, reporter_identity_sealed,
             receipt_hash, status, filed_at_ms, forward_due_at_ms, classification, need_to_know, updated_at_ms,
             triage_due_at_ms, rules_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'new', $12, $13, 0, 0, $12, $14, $15) RETURNING id",
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
    .bind(r.triage_due_at_ms)
    .bind(r.rules_version)
    .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

/// A report as its handlers see it (never the sealed identity: see `sealed_identity`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Report {
    pub id: i64,
    #[sqlx(rename = "owner_party_id")]
    pub party_id: i64,
    pub party_name: String,
    pub site_id: Option<i64>,
    pub site_name: Option<String>,
    pub category_code: String,
    pub category_label: String,
    pub occurred_at: String,
    pub location: String,
    pub what_happened: String,
    #[sqlx(try_from = "Flag")]
    pub reporter_thinks_mandatory: bool,
    #[sqlx(try_from = "String")]
    pub mode: ReportMode,
    /// Only for an identified report.
    pub reporter_person_id: Option<i64>,
    pub reporter_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: ReportStatus,
    #[sqlx(try_from = "Word")]
    pub severity: Option<Severity>,
    #[sqlx(try_from = "OptionalFlag")]
    pub mandatory: Option<bool>,
    pub triage_note: String,
    pub outcome: String,
    pub lessons: String,
    /// A word of the reporting rules' just-culture decisions.
    pub just_culture: Option<String>,
    pub deidentified_text: String,
    pub filed_at_ms: i64,
    pub triaged_at_ms: Option<i64>,
    pub investigation_at_ms: Option<i64>,
    pub closed_at_ms: Option<i64>,
    pub forward_due_at_ms: Option<i64>,
    pub forwarded_at_ms: Option<i64>,
    pub triage_due_at_ms: Option<i64>,
    pub closure_due_at_ms: Option<i64>,
    /// What the organisation sent the authority after forwarding: its analysis and its final
    /// result, each de-identified and with its deadline.
    pub analysis_due_at_ms: Option<i64>,
    pub analysis_text: String,
    pub analysis_sent_at_ms: Option<i64>,
    pub final_due_at_ms: Option<i64>,
    pub final_outcome: String,
    pub final_lessons: String,
    pub final_actions: String,
    pub final_just_culture: Option<String>,
    pub final_sent_at_ms: Option<i64>,
    pub classification: i64,
    #[sqlx(try_from = "Flag")]
    pub need_to_know: bool,
    #[sqlx(skip)]
    pub scenario_ids: Vec<i64>,
    pub updated_at_ms: i64,
    /// Set when the times are served to the day only (`report::sees_exact_times`): every
    /// `_at_ms` is then the start of its day, and pages show the date alone.
    #[sqlx(skip)]
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
            &mut self.triage_due_at_ms,
            &mut self.closure_due_at_ms,
            &mut self.analysis_due_at_ms,
            &mut self.analysis_sent_at_ms,
            &mut self.final_due_at_ms,
            &mut self.final_sent_at_ms,
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
        sr.forwarded_at_ms, sr.classification, sr.need_to_know, sr.updated_at_ms, sr.triage_due_at_ms,
        sr.closure_due_at_ms, sr.analysis_due_at_ms, sr.analysis_text, sr.analysis_sent_at_ms,
        sr.final_due_at_ms, sr.final_outcome, sr.final_lessons, sr.final_actions, sr.final_just_culture,
        sr.final_sent_at_ms
     FROM security_reports sr JOIN parties pa ON pa.id = sr.owner_party_id
     JOIN report_categories rc ON rc.code = sr.category_code
     LEFT JOIN sites si ON si.id = sr.site_id
     LEFT JOIN people pe ON pe.id = sr.reporter_person_id";
const REPORT_FROM: &str = "security_reports sr JOIN parties pa ON pa.id = sr.owner_party_id
     JOIN report_categories rc ON rc.code = sr.category_code
     LEFT JOIN sites si ON si.id = sr.site_id
     LEFT JOIN people pe ON pe.id = sr.reporter_person_id";

async fn with_scenarios(conn: &mut Conn, mut report: Report) -> Result<Report> {
    report.scenario_ids = sqlx::query_scalar(
        "SELECT scenario_id FROM report_scenarios WHERE report_id = $1 ORDER BY scenario_id",
    )
    .bind(report.id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(report)
}

#[tracing::instrument(skip_all)]
pub async fn report(conn: &mut Conn, id: i64) -> Result<Option<Report>> {
    let found: Option<Report> = sqlx::query_as(&format!("{REPORT_SELECT} WHERE sr.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    match found {
        Some(r) => Ok(Some(with_scenarios(conn, r).await?)),
        None => Ok(None),
    }
}

/// How a report was filed (whether it protects its source).
#[tracing::instrument(skip_all)]
pub async fn mode_of(conn: &mut Conn, id: i64) -> Result<Option<ReportMode>> {
    let mode: Option<String> =
        sqlx::query_scalar("SELECT mode FROM security_reports WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    mode.map(|m| ReportMode::parse(&m).map_err(|e| decode_error(e.to_string()).into()))
        .transpose()
}

#[tracing::instrument(skip_all)]
pub async fn report_by_receipt(conn: &mut Conn, receipt_hash: &str) -> Result<Option<Report>> {
    let found: Option<Report> =
        sqlx::query_as(&format!("{REPORT_SELECT} WHERE sr.receipt_hash = $1"))
            .bind(receipt_hash)
            .fetch_optional(&mut *conn)
            .await?;
    match found {
        Some(r) => Ok(Some(with_scenarios(conn, r).await?)),
        None => Ok(None),
    }
}

/// The sealed (encrypted) identity of a confidential reporter.
/// Stores the sealed identity of a report (sealed once the report has its id).
#[tracing::instrument(skip_all)]
pub async fn set_sealed_identity(conn: &mut Conn, id: i64, sealed: &str) -> Result<()> {
    sqlx::query("UPDATE security_reports SET reporter_identity_sealed = $1 WHERE id = $2")
        .bind(sealed)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn sealed_identity(conn: &mut Conn, id: i64) -> Result<Option<String>> {
    let sealed: Option<Option<String>> =
        sqlx::query_scalar("SELECT reporter_identity_sealed FROM security_reports WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(sealed.flatten())
}

#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub party_id: Option<i64>,
    pub status: Option<ReportStatus>,
    pub category: Option<String>,
    pub mode: Option<ReportMode>,
    /// Words searched in the text, location and notes.
    pub search: Option<String>,
    /// Only those that owe the authority a step: a mandatory report not yet forwarded, or a
    /// forwarded one whose final result is not sent.
    pub owed_to_authority: bool,
}

/// The reports `subject` may read, newest first.
#[tracing::instrument(skip_all)]
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
    if f.owed_to_authority {
        cond.push(
            " AND ((sr.forwarded_at_ms IS NULL AND sr.forward_due_at_ms IS NOT NULL
                    AND (sr.mandatory IS NULL OR sr.mandatory = 1))
                OR (sr.forwarded_at_ms IS NOT NULL AND sr.final_sent_at_ms IS NULL))",
        );
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
    fetch_page(conn, REPORT_FROM, REPORT_SELECT, &cond, ORDER, page).await
}

pub struct Triage<'a> {
    pub category_code: &'a str,
    pub severity: Severity,
    pub mandatory: bool,
    pub note: &'a str,
    pub forward_due_at_ms: Option<i64>,
    /// When it was triaged: the closure clock starts from the same instant.
    pub triaged_at_ms: i64,
    pub closure_due_at_ms: i64,
}

#[tracing::instrument(skip_all)]
pub async fn triage(conn: &mut Conn, id: i64, t: &Triage<'_>, scenario_ids: &[i64]) -> Result<()> {
    let now = t.triaged_at_ms;
    sqlx::query(
        "UPDATE security_reports SET status = 'triaged', category_code = $1, severity = $2, mandatory = $3,
             triage_note = $4, forward_due_at_ms = $5, triaged_at_ms = $6, updated_at_ms = $6,
             closure_due_at_ms = $8
         WHERE id = $7",
    )
    .bind(t.category_code)
    .bind(t.severity.as_str())
    .bind(i64::from(t.mandatory))
    .bind(t.note)
    .bind(t.forward_due_at_ms)
    .bind(now)
    .bind(id)
    .bind(t.closure_due_at_ms)
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

#[tracing::instrument(skip_all)]
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

#[tracing::instrument(skip_all)]
pub async fn close(
    conn: &mut Conn,
    id: i64,
    outcome: &str,
    lessons: &str,
    just_culture: &str,
) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "UPDATE security_reports SET status = 'closed', outcome = $1, lessons = $2, just_culture = $3,
             closed_at_ms = $4, updated_at_ms = $4 WHERE id = $5",
    )
    .bind(outcome)
    .bind(lessons)
    .bind(just_culture)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
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

/// Marks a report forwarded at `now` with the deadlines of its analysis and final result.
#[tracing::instrument(skip_all)]
pub async fn mark_forwarded(
    conn: &mut Conn,
    id: i64,
    now: i64,
    analysis_due_at_ms: i64,
    final_due_at_ms: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE security_reports SET forwarded_at_ms = $1, forward_proposal = NULL, updated_at_ms = $1,
             analysis_due_at_ms = $3, final_due_at_ms = $4
         WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .bind(analysis_due_at_ms)
    .bind(final_due_at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records the organisation's de-identified analysis of a forwarded occurrence.
#[tracing::instrument(skip_all)]
pub async fn send_analysis(conn: &mut Conn, id: i64, text: &str) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "UPDATE security_reports SET analysis_text = $1, analysis_sent_at_ms = $2, updated_at_ms = $2
         WHERE id = $3",
    )
    .bind(text)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The final result of a forwarded occurrence, de-identified: what it was, what was learnt,
/// what was done, and the class of the just-culture decision (never a person).
pub struct FinalResult<'a> {
    pub outcome: &'a str,
    pub lessons: &'a str,
    pub actions: &'a str,
    pub just_culture: &'a str,
}

#[tracing::instrument(skip_all)]
pub async fn send_final_result(conn: &mut Conn, id: i64, f: &FinalResult<'_>) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "UPDATE security_reports SET final_outcome = $1, final_lessons = $2, final_actions = $3,
             final_just_culture = $4, final_sent_at_ms = $5, updated_at_ms = $5
         WHERE id = $6",
    )
    .bind(f.outcome)
    .bind(f.lessons)
    .bind(f.actions)
    .bind(f.just_culture)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Mandatory reports an organisation has not forwarded past their deadline.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LateForwarding {
    pub party_id: i64,
    pub party_name: String,
    pub late: i64,
}

/// How many mandatory reports each organisation has not forwarded past their deadline at
/// `now`, worst first: counts only, for the authority, who never reads the reports.
#[tracing::instrument(skip_all)]
pub async fn late_forwarding(conn: &mut Conn, now: i64) -> Result<Vec<LateForwarding>> {
    Ok(sqlx::query_as(
        "SELECT sr.owner_party_id AS party_id, pa.name AS party_name, COUNT(*) AS late
         FROM security_reports sr JOIN parties pa ON pa.id = sr.owner_party_id
         WHERE sr.forwarded_at_ms IS NULL AND sr.forward_due_at_ms < $1
           AND (sr.mandatory IS NULL OR sr.mandatory = 1)
         GROUP BY sr.owner_party_id, pa.name
         ORDER BY late DESC, pa.name",
    )
    .bind(now)
    .fetch_all(&mut *conn)
    .await?)
}

/// The forwarding a first handler proposed, waiting for a second one.
#[tracing::instrument(skip_all)]
pub async fn forward_proposal(conn: &mut Conn, id: i64) -> Result<Option<ForwardProposal>> {
    let json: Option<Option<String>> =
        sqlx::query_scalar("SELECT forward_proposal FROM security_reports WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    json.flatten()
        .map(|j| {
            serde_json::from_str(&j)
                .map_err(|e| decode_error(format!("forward proposal: {e}")).into())
        })
        .transpose()
}

#[tracing::instrument(skip_all)]
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

/// Reports of a month (`YYYY-MM`) and category.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MonthTally {
    pub month: String,
    #[sqlx(rename = "label")]
    pub category_label: String,
    #[sqlx(rename = "n")]
    pub reports: i64,
}

/// Reports filed in a mode.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ModeTally {
    #[sqlx(try_from = "String")]
    pub mode: ReportMode,
    #[sqlx(rename = "n")]
    pub reports: i64,
}

/// What reporting statistics are computed from, counted and measured in the database so the
/// national figures never bring every occurrence out of it: reports per month and category,
/// per mode, and the median times from filing to triage and to closure.
#[derive(Debug, Clone, Default)]
pub struct ReportTallies {
    pub by_month: Vec<MonthTally>,
    pub by_mode: Vec<ModeTally>,
    pub median_ms_to_triage: Option<f64>,
    pub median_ms_to_close: Option<f64>,
}

/// The reports of an organisation (`party_id`), or every forwarded report (`None`), filed
/// since `since_ms`: each read by index (a report is forwarded after it is filed, so the
/// forwarded ones are those forwarded since then too; their figures are in one index).
fn statistics_scope(party_id: Option<i64>, since_ms: i64) -> Sql {
    let mut sql = Sql::new("sr.filed_at_ms >= ");
    sql.bind(since_ms);
    match party_id {
        Some(p) => {
            sql.push(" AND sr.owner_party_id = ").bind(p);
        }
        None => {
            sql.push(" AND sr.forwarded_at_ms >= ").bind(since_ms);
        }
    }
    sql
}

/// Reports per month (`YYYY-MM`, count) of an organisation (`party_id`), or of every
/// forwarded report (`None`), filed since `since_ms`.
#[tracing::instrument(skip_all)]
pub async fn reports_per_month(
    conn: &mut Conn,
    party_id: Option<i64>,
    since_ms: i64,
) -> Result<Vec<(String, i64)>> {
    let mut sql = Sql::new(
        "SELECT SUBSTR(sr.occurred_at, 1, 7) AS month, COUNT(*) AS n FROM security_reports sr WHERE ",
    );
    sql.append(&statistics_scope(party_id, since_ms))
        .push(" GROUP BY SUBSTR(sr.occurred_at, 1, 7) ORDER BY month");
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}

/// The median of the milliseconds from filing to `step` (a column of the time it was done)
/// over the scope's reports that reached it; `None` when none did. The middle one, or the
/// mean of the two middle ones, found by numbering the durations in order.
async fn median_ms_to(conn: &mut Conn, scope: &Sql, step: &str) -> Result<Option<f64>> {
    let mut sql = Sql::new(&format!(
        "SELECT CAST(AVG(d.ms) AS DOUBLE PRECISION) AS median FROM (
             SELECT sr.{step} - sr.filed_at_ms AS ms,
                    ROW_NUMBER() OVER (ORDER BY sr.{step} - sr.filed_at_ms) AS position,
                    COUNT(*) OVER () AS reached
             FROM security_reports sr WHERE sr.{step} IS NOT NULL AND "
    ));
    sql.append(scope)
        .push(") d WHERE d.position IN ((d.reached + 1) / 2, (d.reached + 2) / 2)");
    Ok(sql.query_scalar().fetch_one(&mut *conn).await?)
}

/// The tallies of an organisation's reports (`party_id`), or of every forwarded report
/// (`None`), filed since `since_ms`.
#[tracing::instrument(skip_all)]
pub async fn report_tallies(
    conn: &mut Conn,
    party_id: Option<i64>,
    since_ms: i64,
) -> Result<ReportTallies> {
    let scope = statistics_scope(party_id, since_ms);
    let mut by_month = Sql::new(
        "SELECT SUBSTR(sr.occurred_at, 1, 7) AS month, rc.label, COUNT(*) AS n
         FROM security_reports sr JOIN report_categories rc ON rc.code = sr.category_code WHERE ",
    );
    by_month
        .append(&scope)
        .push(" GROUP BY SUBSTR(sr.occurred_at, 1, 7), rc.label");
    let mut by_mode = Sql::new("SELECT sr.mode, COUNT(*) AS n FROM security_reports sr WHERE ");
    by_mode.append(&scope).push(" GROUP BY sr.mode");
    Ok(ReportTallies {
        by_month: by_month.query_as().fetch_all(&mut *conn).await?,
        by_mode: by_mode.query_as().fetch_all(&mut *conn).await?,
        median_ms_to_triage: median_ms_to(conn, &scope, "triaged_at_ms").await?,
        median_ms_to_close: median_ms_to(conn, &scope, "closed_at_ms").await?,
    })
}

/// An organisation's active sites (id, name), for the filing form's "where".
#[tracing::instrument(skip_all)]
pub async fn site_names(conn: &mut Conn, party_id: i64) -> Result<Vec<crate::Named>> {
    Ok(sqlx::query_as(
        "SELECT id, name FROM sites WHERE owner_party_id = $1 AND active = 1 ORDER BY name",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?)
}
