//! The demo's risk story: the regulated agent's assessments, measures, tests and actions.

use crate::{Actor, Result, ServiceError, Services};
use sems_storage::people;

impl Services {
    /// The regulated agent's risk picture: three assessed scenarios (one proposed from data,
    /// one overridden with a reason), its baseline measures recorded, tests of its cargo
    /// screening (one failed, which marks the assessment for review) and mitigation actions,
    /// one of them overdue. Skipped when the organisation has assessed anything already.
    pub(super) async fn load_risk_demo(&self, actor: &Actor, party_id: i64) -> Result<usize> {
        use crate::risk::actions::ActionInput;
        use crate::risk::evidence::EvidenceInput;
        use crate::risk::measures::ImplementationInput;
        use crate::risk::AssessmentInput;
        use sems_domain::util::{add_months, format_date, sub_months, today};
        let mut conn = self.store.read().await?;
        let assessed = sems_storage::risk::assessment_count(&mut conn, party_id).await?;
        if assessed > 0 {
            return Ok(0);
        }
        let authority = sems_storage::parties::authority(&mut conn)
            .await?
            .ok_or_else(|| ServiceError::Internal("the authority party is missing".into()))?;
        let mut scenario = std::collections::HashMap::new();
        for code in ["NAT-03", "NAT-09", "NAT-14"] {
            if let Some(s) =
                sems_storage::risk::scenario_by_code(&mut conn, authority.id, code).await?
            {
                scenario.insert(code, s.id);
            }
        }
        let mut measure = std::collections::HashMap::new();
        for code in ["BL-03", "BL-04", "BL-07", "BL-08"] {
            if let Some(m) =
                sems_storage::risk::measures::measure_by_code(&mut conn, authority.id, code).await?
            {
                measure.insert(code, m.id);
            }
        }
        let security_manager = people::by_username(&mut conn, "swc.security")
            .await?
            .map(|p| p.id);
        drop(conn);
        let day = |months_ago: u32| format_date(sub_months(today(), months_ago));
        let mut created = 0;
        for (code, status, one_off, annual) in [
            ("BL-03", "implemented", 0, 40_000),
            ("BL-04", "implemented", 15_000, 25_000),
            ("BL-07", "implemented", 250_000, 90_000),
            ("BL-08", "planned", 0, 0),
        ] {
            if let Some(id) = measure.get(code) {
                self.risk()
                    .set_implementation(
                        actor,
                        party_id,
                        *id,
                        &ImplementationInput {
                            responsible_person_id: security_manager,
                            status: status.into(),
                            cost_one_off: one_off,
                            cost_annual: annual,
                            note: String::new(),
                        },
                    )
                    .await?;
                created += 1;
            }
        }
        let (Some(&cargo), Some(&insider), Some(&supplies)) = (
            scenario.get("NAT-09"),
            scenario.get("NAT-03"),
            scenario.get("NAT-14"),
        ) else {
            return Ok(created);
        };
        for (months_ago, passed, summary) in [
            (
                9,
                true,
                "Covert test: simulated IED in a consignment detected at X-ray",
            ),
            (6, true, "Covert test: simulated IED in a mail bag detected"),
            (
                3,
                true,
                "Authority inspection test of the screening of a consignment passed",
            ),
        ] {
            self.risk()
                .record_evidence(
                    actor,
                    party_id,
                    &EvidenceInput {
                        scenario_id: cargo,
                        kind: "test".into(),
                        passed: Some(passed),
                        occurred_on: day(months_ago),
                        summary: summary.into(),
                        source_ref: format!("QC-{months_ago:02}"),
                    },
                    "demo",
                )
                .await?;
            created += 1;
        }
        let base = |scenario_id, likelihood, vulnerability| AssessmentInput {
            scenario_id,
            site_id: None,
            likelihood,
            likelihood_rationale:
                "National threat level for the category; no specific intelligence about our site"
                    .into(),
            consequence_human: 5,
            consequence_economic: 4,
            consequence_political: 4,
            consequence_rationale:
                "Loss of an aircraft carrying cargo screened by us: reasonable worst case".into(),
            vulnerability,
            vulnerability_rationale:
                "Screening and access control as recorded in the measure register".into(),
            likelihood_override_reason: String::new(),
            vulnerability_override_reason: String::new(),
            evidence: vec!["Security programme, chapter 4".into()],
            classification: None,
            reason: String::new(),
            reassess: false,
        };
        // Cargo: as the data propose (threat level 3; all three tests passed → 1).
        self.risk()
            .create_assessment(actor, party_id, &base(cargo, 3, 1))
            .await?;
        // Insider: the assessor departs from the proposed likelihood, with a reason.
        let mut insider_input = base(insider, 4, 3);
        insider_input.likelihood_override_reason =
            "Two staff dismissed this year after vetting findings: we rate intent higher than the national level".into();
        let insider_assessment = self
            .risk()
            .create_assessment(actor, party_id, &insider_input)
            .await?;
        self.risk()
            .create_assessment(actor, party_id, &base(supplies, 3, 4))
            .await?;
        created += 3;
        self.risk()
            .create_action(
                actor,
                insider_assessment.id,
                &ActionInput {
                    title: "Random screening of staff at the warehouse entrance".into(),
                    responsible_person_id: security_manager,
                    due_on: day(1),
                    status: Some("in_progress".into()),
                    cost_one_off: 12_000,
                    cost_annual: 30_000,
                    effect_on: "vulnerability".into(),
                    expected_reduction: 1,
                },
            )
            .await?;
        self.risk()
            .create_action(
                actor,
                insider_assessment.id,
                &ActionInput {
                    title: "Refresher insider-threat awareness training for all warehouse staff"
                        .into(),
                    responsible_person_id: security_manager,
                    due_on: format_date(add_months(today(), 2)),
                    status: None,
                    cost_one_off: 5_000,
                    cost_annual: 0,
                    effect_on: "likelihood".into(),
                    expected_reduction: 1,
                },
            )
            .await?;
        // A failed test of the supplies chain: the assessment is marked for review.
        self.risk()
            .record_evidence(
                actor,
                party_id,
                &EvidenceInput {
                    scenario_id: supplies,
                    kind: "test".into(),
                    passed: Some(false),
                    occurred_on: day(0),
                    summary: "Tamper-evident seal check missed on a delivery to the airside store"
                        .into(),
                    source_ref: "QC-17".into(),
                },
                "demo",
            )
            .await?;
        created += 3;
        Ok(created)
    }
}
