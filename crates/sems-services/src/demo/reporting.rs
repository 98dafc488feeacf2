//! The demo's reporting story: three reports at the airport, one in each mode and stage.

use crate::{Actor, Result, ServiceError, Services};
use sems_storage::people;

impl Services {
    /// Three reports at the airport: an anonymous one waiting for triage, a confidential one
    /// from staff under investigation, and an identified mandatory one, triaged, linked to a
    /// scenario and forwarded de-identified. Skipped when the airport has any report.
    pub(super) async fn load_reporting_demo(&self, party_id: i64) -> Result<usize> {
        use crate::reports::{ReportInput, TriageInput};
        let mut conn = self.store.read().await?;
        let any = sems_storage::reports::report_facts(&mut conn, Some(party_id), 0).await?;
        if !any.is_empty() {
            return Ok(0);
        }
        let subject = |username: &'static str| async move {
            let mut conn = self.store.read().await?;
            let p = people::by_username(&mut conn, username)
                .await?
                .ok_or(ServiceError::NotFound("demo account"))?;
            people::subject(&mut conn, p.id)
                .await?
                .map(Actor::Person)
                .ok_or(ServiceError::NotFound("demo account"))
        };
        let authority = sems_storage::parties::authority(&mut conn)
            .await?
            .ok_or_else(|| ServiceError::Internal("the authority party is missing".into()))?;
        let insider = sems_storage::risk::scenario_by_code(&mut conn, authority.id, "NAT-16")
            .await?
            .map(|s| s.id);
        drop(conn);
        let day = |days_ago: i64| {
            sems_domain::util::format_date(
                sems_domain::util::today() - time::Duration::days(days_ago),
            )
        };
        let staff = subject("npt.staff").await?;
        let handler = subject("npt.handler").await?;
        let security = subject("npt.security").await?;
        self.reporting().file_report(
            &Actor::System("public reporting"),
            party_id,
            &ReportInput {
                category: "suspicious".into(),
                occurred_at: format!("{}T06:40", day(1)),
                location: "Car park B, level 2".into(),
                what_happened: "A man photographed the staff entrance and the fence for ten minutes and left when approached.".into(),
                mode: "anonymous".into(),
                ..Default::default()
            },
            Vec::new(),
        )
        .await?;
        let confidential = self
            .reporting().file_report(
                &staff,
                party_id,
                &ReportInput {
                    category: "access_control".into(),
                    occurred_at: format!("{}T22:15", day(4)),
                    location: "Staff door 4".into(),
                    what_happened: "The door to the baggage hall stays open at night because the closer is broken; badge AB12345 holders prop it open.".into(),
                    mode: "confidential".into(),
                    reporter_contact: "Night shift, mobile 07700 900123".into(),
                    ..Default::default()
                },
                Vec::new(),
            )
            .await?;
        self.reporting()
            .triage_report(
                &handler,
                confidential.report_id,
                &TriageInput {
                    category: "access_control".into(),
                    severity: "high".into(),
                    mandatory: false,
                    scenario_ids: insider.into_iter().collect(),
                    note: "Door closer to be repaired; check the access log".into(),
                },
            )
            .await?;
        self.reporting()
            .start_investigation(&handler, confidential.report_id)
            .await?;
        self.reporting()
            .message_reporter(
                &handler,
                confidential.report_id,
                "Thank you. Since when has the closer been broken?",
            )
            .await?;
        let identified = self
            .reporting().file_report(
                &security,
                party_id,
                &ReportInput {
                    category: "prohibited_item".into(),
                    occurred_at: format!("{}T09:05", day(2)),
                    location: "Central security checkpoint, lane 3".into(),
                    what_happened: "A folding knife was found in a cabin bag after the X-ray image was cleared; screener Tom Berg recalled the bag.".into(),
                    mode: "identified".into(),
                    reporter_thinks_mandatory: true,
                    ..Default::default()
                },
                Vec::new(),
            )
            .await?;
        self.reporting()
            .triage_report(
                &handler,
                identified.report_id,
                &TriageInput {
                    category: "prohibited_item".into(),
                    severity: "medium".into(),
                    mandatory: true,
                    scenario_ids: Vec::new(),
                    note: "Missed detection at screening".into(),
                },
            )
            .await?;
        self.reporting().set_deidentified(
            &handler,
            identified.report_id,
            "A folding knife was found in a cabin bag after the X-ray image was cleared at the central checkpoint; a screener recalled the bag.",
        )
        .await?;
        self.reporting()
            .forward_report(&handler, identified.report_id, &[])
            .await?;
        Ok(3)
    }
}
