//! The reporting part of the synthetic data set: for every generated organisation and year,
//! security reports in every mode and stage, the mandatory ones forwarded to the authority
//! (most on time, some late) with their analyses and final results, so the occurrence list,
//! the statistics and what is late are measured at national scale.

use super::ReportingServices;
use crate::generate::{GenerateParams, Rng};
use crate::Result;
use sems_domain::report::{ReportMode, ReportStatus, Severity};
use sems_storage::bulk::{self, BulkSet};
use sems_storage::sql::Arg;
use sems_storage::{now_ms, reports, Conn};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

const WHAT_HAPPENED: [&str; 6] = [
    "A door to the security-restricted area was found propped open during a shift change.",
    "A vehicle without a valid pass followed another through the airside gate.",
    "An unattended bag was found near the check-in hall and cleared by the police.",
    "A prohibited item was missed at screening and found at the gate.",
    "A person without a card was seen airside without an escort.",
    "A gap in the perimeter fence was found during a patrol and closed.",
];

/// The statement a report of the past is written with (the synthetic data set, the demo's
/// history): every time given, not taken from the clock.
pub(crate) const PAST_REPORTS: &str =
    "INSERT INTO security_reports (id, owner_party_id, category_code, occurred_at, location,
     what_happened, mode, receipt_hash, status, severity, mandatory, deidentified_text,
     filed_at_ms, triaged_at_ms, closed_at_ms, forward_due_at_ms, forwarded_at_ms,
     analysis_due_at_ms, analysis_sent_at_ms, final_due_at_ms, final_sent_at_ms,
     triage_due_at_ms, closure_due_at_ms, updated_at_ms) VALUES";

/// A report of the past with every one of its times.
pub(crate) struct PastReport<'a> {
    pub id: i64,
    pub party_id: i64,
    pub category: String,
    pub occurred: i64,
    pub what_happened: &'a str,
    pub mode: ReportMode,
    /// Unique: a stand-in for the hash of a receipt nobody holds.
    pub receipt: String,
    pub status: ReportStatus,
    pub severity: Option<Severity>,
    pub mandatory: Option<bool>,
    pub filed: i64,
    pub triaged: Option<i64>,
    pub closed: Option<i64>,
    pub forward_due: Option<i64>,
    pub forwarded: Option<i64>,
    pub analysis_due: Option<i64>,
    pub analysis_sent: Option<i64>,
    pub final_due: Option<i64>,
    pub final_sent: Option<i64>,
}

impl PastReport<'_> {
    /// The row of [`PAST_REPORTS`].
    pub(crate) fn values(&self) -> Vec<Arg> {
        let updated = [
            Some(self.filed),
            self.triaged,
            self.closed,
            self.forwarded,
            self.analysis_sent,
            self.final_sent,
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(self.filed);
        vec![
            self.id.into(),
            self.party_id.into(),
            self.category.clone().into(),
            sems_domain::util::date_of(self.occurred).into(),
            "Terminal 1".into(),
            self.what_happened.into(),
            self.mode.as_str().into(),
            self.receipt.clone().into(),
            self.status.as_str().into(),
            Arg::from(self.severity.map(|s| s.as_str().to_string())),
            Arg::from(self.mandatory.map(i64::from)),
            (if self.forwarded.is_some() {
                self.what_happened
            } else {
                ""
            })
            .into(),
            self.filed.into(),
            self.triaged.into(),
            self.closed.into(),
            self.forward_due.into(),
            self.forwarded.into(),
            self.analysis_due.into(),
            self.analysis_sent.into(),
            self.final_due.into(),
            self.final_sent.into(),
            (self.filed + 48 * HOUR).into(),
            self.triaged.map(|t| t + 30 * DAY).into(),
            updated.into(),
        ]
    }
}

impl ReportingServices<'_> {
    /// `p.reports_per_year` reports per organisation and year, filed over the years of the
    /// data set; returns how many were written.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn generate_reports(
        &self,
        conn: &mut Conn,
        p: &GenerateParams,
        orgs: &[i64],
    ) -> Result<u64> {
        let mut rng = Rng::new(p.seed ^ 0x0E5E_0000_0000_0003);
        let categories: Vec<String> = reports::categories(conn)
            .await?
            .into_iter()
            .map(|c| c.code)
            .collect();
        let mut rows = BulkSet::new(&[PAST_REPORTS]);
        let mut id = bulk::next_id(conn, "security_reports").await?;
        let now = now_ms();
        let span = i64::from(p.years) * 365 * DAY;
        let modes = [
            ReportMode::Identified,
            ReportMode::Confidential,
            ReportMode::Confidential,
            ReportMode::Anonymous,
        ];
        let severities = [
            Severity::Low,
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ];
        for org in orgs {
            for _ in 0..u64::from(p.years) * u64::from(p.reports_per_year) {
                let filed = now - rng.below(span as u64) as i64;
                let occurred = filed - rng.below(2 * DAY as u64) as i64;
                let age = now - filed;
                let text = *rng.pick(&WHAT_HAPPENED);
                let mode = *rng.pick(&modes);
                // Triaged within two days, closed within two months; the newest still wait.
                let triaged = filed + HOUR + rng.below(47 * HOUR as u64) as i64;
                let triaged = (triaged < now).then_some(triaged);
                let closed = filed + 5 * DAY + rng.below(55 * DAY as u64) as i64;
                let closed = (closed < now && age > 10 * DAY).then_some(closed);
                let status = match (triaged, closed) {
                    (_, Some(_)) => ReportStatus::Closed,
                    (Some(_), None) if rng.below(2) == 0 => ReportStatus::UnderInvestigation,
                    (Some(_), None) => ReportStatus::Triaged,
                    (None, _) => ReportStatus::New,
                };
                // Two in five are mandatory: forwarded within 72 hours, one in twenty late and
                // one in a hundred not at all; the analysis within 30 days and the final result
                // within 90, one in fifty and one in twenty never sent.
                let mandatory = triaged.is_some() && rng.below(5) < 2;
                let forward_due = mandatory.then_some(filed + 72 * HOUR);
                let forwarded = forward_due
                    .zip(triaged)
                    .filter(|_| rng.below(100) != 0)
                    .map(|(forward_due, t)| {
                        if rng.below(20) == 0 {
                            forward_due + rng.below(5 * DAY as u64) as i64
                        } else {
                            t.min(forward_due - HOUR)
                        }
                    });
                let forwarded = forwarded.filter(|f| *f < now);
                let analysis_due = forwarded.map(|f| f + 30 * DAY);
                let analysis_sent = analysis_due
                    .filter(|_| rng.below(50) != 0)
                    .map(|d| d - rng.below(20 * DAY as u64) as i64)
                    .filter(|s| *s < now);
                let final_due = forwarded.map(|f| f + 90 * DAY);
                let final_sent = final_due
                    .filter(|_| rng.below(20) != 0)
                    .map(|d| d - rng.below(40 * DAY as u64) as i64)
                    .filter(|s| *s < now);
                let report = PastReport {
                    id,
                    party_id: *org,
                    category: rng.pick(&categories).clone(),
                    occurred,
                    what_happened: text,
                    mode,
                    receipt: format!("generated-{}-{id}", p.seed),
                    status,
                    severity: triaged.map(|_| *rng.pick(&severities)),
                    mandatory: triaged.map(|_| mandatory),
                    filed,
                    triaged,
                    closed,
                    forward_due,
                    forwarded,
                    analysis_due,
                    analysis_sent,
                    final_due,
                    final_sent,
                };
                rows.row(conn, 0, report.values()).await?;
                id += 1;
            }
        }
        rows.flush(conn).await?;
        Ok(rows.written(0))
    }
}
