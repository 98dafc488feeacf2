//! The demo's security performance: two years of the airport's monthly data series, its own
//! indicator of access control violations watching the insider scenario, in alert in the last
//! month closed with its corrective action open; the State's expected levels of two national
//! indicators; and the air carrier whose reporting fell silent while it records no occurrence.

use super::demo_actor;
use crate::performance::indicators::{ExpectedLevelInput, IndicatorInput};
use crate::reports::generate::{PastReport, PAST_REPORTS};
use crate::{About, Actor, Result, ServiceError, Services, NONE};
use sems_domain::access::RecordKind;
use sems_domain::performance::definition::{AlertMethod, Exposure, Source, SpiDefinition, Timing};
use sems_domain::performance::periods::{last_closed, Span};
use sems_domain::performance::{Direction, Period};
use sems_domain::report::{ReportMode, ReportStatus, Severity};
use sems_storage::bulk::{self, BulkSet};

/// The airport's own indicator.
pub const AIRPORT_SPI: &str = "NPT-ACCESS-VIOL";

/// The months from `n - 1` months before `last` to `last`, oldest first.
fn months_to(last: &Span, n: usize) -> Vec<Span> {
    let mut out = vec![last.clone()];
    while out.len() < n {
        let before = out[out.len() - 1].previous(Period::Month);
        out.push(before);
    }
    out.reverse();
    out
}

fn access_violations() -> SpiDefinition {
    SpiDefinition {
        code: AIRPORT_SPI.into(),
        name: "Access control violations".into(),
        measures: "Doors forced or held, passes refused at readers and tailgating detected, per 10,000 badge transactions at the airport's access points.".into(),
        why: "A rise says the access control of the security-restricted area is being tested or worked around, the way an insider would.".into(),
        source: Source::Series {
            numerator: "access_violations".into(),
            denominator: None,
        },
        numerator: "Access control violations recorded by the access control system".into(),
        denominator: "Badge transactions".into(),
        exposure: Some(Exposure {
            series: "badge_transactions".into(),
            per: 10_000,
        }),
        direction: Direction::LowerIsBetter,
        timing: Timing::Leading,
        period: Period::Month,
        alert: AlertMethod::Statistical {
            baseline_periods: 12,
        },
        target: Some(3.5),
        scenarios: vec!["NAT-16".into()],
    }
}

impl Services {
    /// Loads the performance story once; returns how many records it made.
    pub(super) async fn load_performance_demo(&self, airport: i64, carrier: i64) -> Result<usize> {
        let p = self.performance();
        {
            let mut conn = self.store.read().await?;
            if sems_storage::performance::indicators::by_code(&mut conn, airport, AIRPORT_SPI)
                .await?
                .is_some()
            {
                return Ok(0);
            }
        }
        let security = demo_actor(self, "npt.security")
            .await?
            .ok_or(ServiceError::NotFound("demo account"))?;
        let carrier_security = demo_actor(self, "sky.security")
            .await?
            .ok_or(ServiceError::NotFound("demo account"))?;
        let policy = demo_actor(self, "policy")
            .await?
            .ok_or(ServiceError::NotFound("demo account"))?;
        let today = sems_domain::util::today();
        let last = last_closed(Period::Month, today);
        let mut created = 0;

        // Two years of the airport's series. Violations run near 3 per 10,000 transactions,
        // then jump in the last month closed: far beyond its year's third line.
        let mut csv = String::from("series,month,value\n");
        for (i, m) in months_to(&last, 24).iter().enumerate() {
            let transactions = 52_000 + (i as i64 % 5) * 700;
            let violations = if m.label == last.label {
                33
            } else {
                [15, 17, 14, 16, 18, 15][i % 6]
            };
            let headcount = 1_820 + (i as i64 / 6) * 15;
            csv.push_str(&format!(
                "badge_transactions,{0},{transactions}\naccess_violations,{0},{violations}\nstaff_headcount,{0},{headcount}\ndepartures,{0},{1}\n",
                m.label,
                3_900 + (i as i64 % 12) * 80
            ));
        }
        let report = p.import_series(&security, airport, &csv, false).await?;
        if !report.imported {
            return Err(ServiceError::Internal(format!(
                "the demo's data series were refused: {:?}",
                report.errors
            )));
        }
        created += report.rows;
        let owner = security.person_id();
        p.define_indicator(
            &security,
            &IndicatorInput {
                definition: access_violations(),
                note: "Watched since the access control system was replaced".into(),
                owner_person_id: owner,
            },
        )
        .await?;
        created += 1;

        // The carrier reported every month until three months ago, none since, and recorded
        // no occurrence.
        let mut tx = self.store.write().await?;
        let categories = sems_storage::reports::categories(tx.conn()).await?;
        let category = categories
            .first()
            .map(|c| c.code.clone())
            .ok_or(ServiceError::NotFound("report category"))?;
        let mut id = bulk::next_id(tx.conn(), "security_reports").await?;
        let mut rows = BulkSet::new(&[PAST_REPORTS]);
        let mut filed_ids = Vec::new();
        let hour = 3_600_000;
        for (i, m) in months_to(&last, 16).iter().enumerate().take(13) {
            for k in 0..(2 + (i % 3) as i64) {
                let filed = m.start_ms() + (3 + 7 * k) * 24 * hour + 9 * hour;
                let report = PastReport {
                    id,
                    party_id: carrier,
                    category: category.clone(),
                    occurred: filed - 2 * hour,
                    what_happened: "A passenger's bag was left unattended at the gate; the crew reported it and it was cleared.",
                    mode: ReportMode::Anonymous,
                    receipt: format!("demo-carrier-{id}"),
                    status: ReportStatus::Closed,
                    severity: Some(Severity::Low),
                    mandatory: Some(false),
                    filed,
                    triaged: Some(filed + 5 * hour),
                    closed: Some(filed + 6 * 24 * hour),
                    forward_due: None,
                    forwarded: None,
                    analysis_due: None,
                    analysis_sent: None,
                    final_due: None,
                    final_sent: None,
                };
                rows.row(tx.conn(), 0, report.values()).await?;
                filed_ids.push(id);
                id += 1;
            }
        }
        rows.flush(tx.conn()).await?;
        created += rows.written(0) as usize;
        // Each filed as the demo's history, in the trail like any anonymous filing.
        for report in &filed_ids {
            crate::reports::record_report_event(
                tx.conn(),
                ReportMode::Anonymous,
                &Actor::System("sems demo"),
                crate::Change {
                    about: &About::plain(RecordKind::SecurityReport, carrier, Some(*report)),
                    action: crate::reports::trail::SECURITY_REPORT_FILE,
                    record_id: Some(*report),
                    before: NONE,
                    after: Some(&serde_json::json!({
                        "report_id": report, "mode": "anonymous", "history": "the demo's past months",
                    })),
                },
            )
            .await?;
        }
        tx.commit().await?;
        // The rows came with their ids: PostgreSQL's sequence moves past them.
        bulk::reset_sequences(&self.store, &["security_reports"]).await?;

        // Its staff: 250 for a year and a half (entered after the reports, so that the
        // values computed from it count them).
        let mut csv = String::from("series,month,value\n");
        for m in months_to(&last, 18) {
            csv.push_str(&format!("staff_headcount,{},250\n", m.label));
        }
        let report = p
            .import_series(&carrier_security, carrier, &csv, false)
            .await?;
        created += report.rows;
        // The State's expected levels of two national indicators.
        for (code, level) in [("NAT-TEST-OVERT", 90.0), ("NAT-REP-FORWARD", 95.0)] {
            let found = p
                .indicators(
                    &policy,
                    &sems_storage::performance::indicators::IndicatorFilter {
                        national: Some(true),
                        search: Some(code.into()),
                        ..Default::default()
                    },
                    Default::default(),
                )
                .await?;
            if let Some(i) = found.items.iter().find(|i| i.code == code) {
                p.set_expected_level(
                    &policy,
                    i.id,
                    &ExpectedLevelInput {
                        expected_level: Some(level),
                    },
                )
                .await?;
                created += 1;
            }
        }

        // Every value computed, the airport's alert raised with its action.
        let run = p.refresh_performance_on(today).await?;
        created += run.values_written + run.alerts_raised;
        Ok(created)
    }
}
