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
        let mut rows = BulkSet::new(&[
            "INSERT INTO security_reports (id, owner_party_id, category_code, occurred_at, location,
                 what_happened, mode, receipt_hash, status, severity, mandatory, deidentified_text,
                 filed_at_ms, triaged_at_ms, closed_at_ms, forward_due_at_ms, forwarded_at_ms,
                 analysis_due_at_ms, analysis_sent_at_ms, final_due_at_ms, final_sent_at_ms,
                 triage_due_at_ms, closure_due_at_ms, updated_at_ms) VALUES",
        ]);
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
                let updated = [
                    Some(filed),
                    triaged,
                    closed,
                    forwarded,
                    analysis_sent,
                    final_sent,
                ]
                .into_iter()
                .flatten()
                .max()
                .unwrap_or(filed);
                rows.row(
                    conn,
                    0,
                    vec![
                        id.into(),
                        (*org).into(),
                        rng.pick(&categories).clone().into(),
                        sems_domain::util::date_of(occurred).into(),
                        "Terminal 1".into(),
                        text.into(),
                        mode.as_str().into(),
                        format!("generated-{}-{id}", p.seed).into(),
                        status.as_str().into(),
                        Arg::from(triaged.map(|_| rng.pick(&severities).as_str().to_string())),
                        Arg::from(triaged.map(|_| i64::from(mandatory))),
                        (if forwarded.is_some() { text } else { "" }).into(),
                        filed.into(),
                        triaged.into(),
                        closed.into(),
                        forward_due.into(),
                        forwarded.into(),
                        analysis_due.into(),
                        analysis_sent.into(),
                        final_due.into(),
                        final_sent.into(),
                        (filed + 48 * HOUR).into(),
                        triaged.map(|t| t + 30 * DAY).into(),
                        updated.into(),
                    ],
                )
                .await?;
                id += 1;
            }
        }
        rows.flush(conn).await?;
        Ok(rows.written(0))
    }
}
