//! The demo's reporting story: four reports at the airport, in each mode and stage.

use crate::{Actor, Result, ServiceError, Services};
use sems_storage::people;

impl Services {
    /// Four reports at the airport: an anonymous one waiting for triage, a confidential one
    /// from staff under investigation, an identified mandatory one, triaged, linked to a
    /// scenario and forwarded de-identified, and one closed with its corrective action in the
    /// register. Skipped when the airport has any report.
    pub(super) async fn load_reporting_demo(&self, party_id: i64) -> Result<usize> {
        use crate::reports::{ReportInput, TriageInput};
        let mut conn = self.store.read().await?;
        let any = sems_storage::reports::reports_per_month(&mut conn, Some(party_id), 0).await?;
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
        // Its analysis is with the authority; the final result's clock runs.
        self.reporting()
            .send_occurrence_analysis(
                &handler,
                identified.report_id,
                "The image was cleared during a lane change-over; the screener recalled the bag within a minute. Change-overs at the central checkpoint are now done with the belt stopped.",
            )
            .await?;
        // Closed, with what was learnt and a corrective action for the security manager.
        let closed = self
            .reporting()
            .file_report(
                &security,
                party_id,
                &ReportInput {
                    category: "procedural_failure".into(),
                    occurred_at: format!("{}T14:20", day(20)),
                    location: "Crew entrance".into(),
                    what_happened: "Crew were waved through without their bags being screened during the shift change.".into(),
                    mode: "identified".into(),
                    ..Default::default()
                },
                Vec::new(),
            )
            .await?;
        self.reporting()
            .triage_report(
                &handler,
                closed.report_id,
                &TriageInput {
                    category: "procedural_failure".into(),
                    severity: "low".into(),
                    mandatory: false,
                    scenario_ids: Vec::new(),
                    note: "Shift change not covered in the crew entrance procedure".into(),
                },
            )
            .await?;
        let owner = {
            let mut conn = self.store.read().await?;
            people::by_username(&mut conn, "npt.security")
                .await?
                .map(|p| p.id)
        };
        self.reporting()
            .close_report(
                &handler,
                closed.report_id,
                &crate::reports::CloseInput {
                    outcome: "The procedure now keeps one screener at the crew entrance during the shift change.".into(),
                    lessons: "Hand-overs need their own line in every post's instructions.".into(),
                    just_culture: "procedure_change".into(),
                    corrective_actions: vec![crate::reports::CorrectiveActionInput {
                        title: "Add the shift change to the crew entrance instructions".into(),
                        due_on: sems_domain::util::format_date(
                            sems_domain::util::today() + time::Duration::days(14),
                        ),
                        responsible_person_id: owner,
                    }],
                },
            )
            .await?;
        Ok(4)
    }
}
