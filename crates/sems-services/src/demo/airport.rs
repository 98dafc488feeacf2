//! The demo's story at the airport the README signs in to (`npt.security`): every module's
//! records there, so a new user's first hour shows the whole product — a risk register with
//! proposals, an override, an acceptance and actions (one overdue); a closed report with its
//! corrective action; the authority's inspection with findings in several states; and the
//! airport's own self-evaluation apart from it.

use super::demo_actor;
use crate::{Actor, Result, ServiceError, Services};
use sems_domain::util::{add_months, format_date, sub_months, today};
use sems_storage::people;

fn days_from_today(days: i64) -> String {
    format_date(today() + time::Duration::days(days))
}

impl Services {
    /// The airport's risk picture. Skipped when the airport has assessed anything already.
    pub(super) async fn load_airport_risk_demo(
        &self,
        actor: &Actor,
        party_id: i64,
    ) -> Result<usize> {
        use crate::risk::actions::ActionInput;
        use crate::risk::evidence::EvidenceInput;
        use crate::risk::AssessmentInput;
        let mut conn = self.store.read().await?;
        if sems_storage::risk::assessment_count(&mut conn, party_id).await? > 0 {
            return Ok(0);
        }
        let authority = sems_storage::parties::authority(&mut conn)
            .await?
            .ok_or_else(|| ServiceError::Internal("the authority party is missing".into()))?;
        let mut scenario = std::collections::HashMap::new();
        for code in ["NAT-04", "NAT-07", "NAT-16"] {
            if let Some(s) =
                sems_storage::risk::scenario_by_code(&mut conn, authority.id, code).await?
            {
                scenario.insert(code, s.id);
            }
        }
        let security_manager = people::by_username(&mut conn, "npt.security")
            .await?
            .map(|p| p.id);
        drop(conn);
        let (Some(&passes), Some(&vehicle), Some(&drones)) = (
            scenario.get("NAT-16"),
            scenario.get("NAT-04"),
            scenario.get("NAT-07"),
        ) else {
            return Ok(0);
        };
        let mut created = 0;
        // The pass system tested three times and passed: the data propose the scores.
        for (months_ago, summary) in [
            (
                8,
                "Penetration test of the pass system: no privileged access gained",
            ),
            (
                5,
                "Audit of pass-system administrators' rights: all justified",
            ),
            (
                2,
                "Test: a revoked pass was refused at every door within a minute",
            ),
        ] {
            self.risk()
                .record_evidence(
                    actor,
                    party_id,
                    &EvidenceInput {
                        scenario_id: passes,
                        kind: "test".into(),
                        passed: Some(true),
                        occurred_on: format_date(sub_months(today(), months_ago)),
                        summary: summary.into(),
                        source_ref: format!("PASS-{months_ago:02}"),
                    },
                    "demo",
                )
                .await?;
            created += 1;
        }
        let proposed = |p: &crate::risk::evidence::ScoreProposals| {
            (
                p.likelihood
                    .as_ref()
                    .map_or(3, |x| i64::from(x.score.get())),
                p.vulnerability
                    .as_ref()
                    .map_or(3, |x| i64::from(x.score.get())),
            )
        };
        let base = |scenario_id, likelihood, vulnerability| AssessmentInput {
            scenario_id,
            site_id: None,
            likelihood,
            likelihood_rationale: "National threat level for the category".into(),
            consequence_human: 5,
            consequence_economic: 4,
            consequence_political: 4,
            consequence_rationale:
                "Reasonable worst case: loss of life at the terminal or on an aircraft".into(),
            vulnerability,
            vulnerability_rationale: "Measures as recorded in the measure register and tested"
                .into(),
            likelihood_override_reason: String::new(),
            vulnerability_override_reason: String::new(),
            evidence: vec!["Airport security programme, edition 7".into()],
            classification: None,
            reason: String::new(),
            reassess: false,
        };
        // Insider misuse of the pass system: as the data propose.
        let p = self.risk().score_proposals(actor, party_id, passes).await?;
        let (l, v) = proposed(&p);
        self.risk()
            .create_assessment(actor, party_id, &base(passes, l, v))
            .await?;
        // Drones: the assessor rates likelihood above the proposal, with a reason.
        let p = self.risk().score_proposals(actor, party_id, drones).await?;
        let (l, v) = proposed(&p);
        let mut input = base(drones, (l + 1).min(5), v.max(3));
        input.likelihood_override_reason =
            "Four drone sightings near runway 27 this year: we rate it above the national level"
                .into();
        input.vulnerability_override_reason =
            "No drone detection yet; sightings depend on the tower's eyes".into();
        let drone = self
            .risk()
            .create_assessment(actor, party_id, &input)
            .await?;
        // Vehicle-borne IED landside: a medium residual risk, accepted by the accountable
        // executive for a year.
        let p = self
            .risk()
            .score_proposals(actor, party_id, vehicle)
            .await?;
        let (l, _) = proposed(&p);
        let l = l.clamp(2, 4);
        let mut input = base(vehicle, l, 3);
        input.likelihood_override_reason = "Rated on the national threat level".into();
        input.vulnerability_override_reason =
            "Bollards cover the departures kerb only; arrivals is open".into();
        let landside = self
            .risk()
            .create_assessment(actor, party_id, &input)
            .await?;
        created += 3;
        if let Some(executive) = demo_actor(self, "npt.executive").await? {
            self.risk()
                .accept_risk(
                    &executive,
                    landside.id,
                    &crate::risk::AcceptanceInput {
                        expires_on: format_date(add_months(today(), 12)),
                        note: "Accepted while the arrivals bollards are procured".into(),
                    },
                )
                .await?;
            created += 1;
        }
        for (title, due_on, status, effect) in [
            (
                "Drone detection on the runway 27 approach",
                days_from_today(-7),
                Some("in_progress"),
                "vulnerability",
            ),
            (
                "Drone sighting procedure with the police and the tower",
                format_date(add_months(today(), 1)),
                None,
                "vulnerability",
            ),
        ] {
            self.risk()
                .create_action(
                    actor,
                    drone.id,
                    &ActionInput {
                        title: title.into(),
                        responsible_person_id: security_manager,
                        due_on,
                        status: status.map(Into::into),
                        cost_one_off: 80_000,
                        cost_annual: 12_000,
                        effect_on: effect.into(),
                        expected_reduction: 1,
                    },
                )
                .await?;
            created += 1;
        }
        Ok(created)
    }

    /// The authority's inspection of the airport's access control last month, with findings
    /// open, with their plan accepted and closed; and the airport's own audit of its cargo
    /// screening, apart from it. Skipped when the airport has any activity.
    pub(super) async fn load_airport_oversight_demo(&self, party_id: i64) -> Result<usize> {
        use crate::oversight::activities::{AnswerInput, PlanInput};
        use crate::oversight::findings::{CapInput, RaiseInput};
        use sems_domain::oversight::Performer;
        let mut conn = self.store.read().await?;
        for performer in Performer::ALL {
            let any = sems_storage::oversight::activities::last_completed(
                &mut conn, party_id, *performer, None,
            )
            .await?;
            if any.is_some() {
                return Ok(0);
            }
        }
        drop(conn);
        let (Some(inspector), Some(security), Some(auditor)) = (
            demo_actor(self, "inspector").await?,
            demo_actor(self, "npt.security").await?,
            demo_actor(self, "npt.auditor").await?,
        ) else {
            return Ok(0);
        };
        let oversight = self.oversight();
        let inspection = oversight
            .plan_activity(
                &inspector,
                &PlanInput {
                    overseen_party_id: party_id,
                    kind: "inspection".into(),
                    title: "Access control inspection".into(),
                    planned_on: days_from_today(-30),
                    announced: true,
                    team: Vec::new(),
                    scope: vec!["NASP-02".into()],
                    catalogue_id: None,
                },
            )
            .await?;
        let items = oversight.activity(&inspector, inspection.id).await?.items;
        let answers = [
            ("compliant", "Badges checked at every staff door visited"),
            (
                "not_compliant_serious",
                "Staff door 4 to the baggage hall left open at night",
            ),
            (
                "not_compliant",
                "Vehicle passes not checked against the permit list",
            ),
            ("not_compliant", "Escort log missing two entries"),
        ];
        let to_answer: Vec<AnswerInput> = items
            .iter()
            .zip(answers)
            .map(|(item, (answer, notes))| AnswerInput {
                item_id: item.id,
                answer: answer.into(),
                notes: notes.into(),
                ..Default::default()
            })
            .collect();
        oversight
            .answer_checklist(&inspector, inspection.id, &to_answer)
            .await?;
        let mut findings = Vec::new();
        for (item, level, description) in [
            (
                1,
                "level_1",
                "Staff door 4 to the baggage hall is left open at night",
            ),
            (
                2,
                "level_2",
                "Vehicle passes are not checked against the permit list",
            ),
            (3, "observation", "The escort log is not always filled in"),
        ] {
            if let Some(item) = items.get(item) {
                let f = oversight
                    .raise_finding(
                        &inspector,
                        inspection.id,
                        &RaiseInput {
                            item_id: item.id,
                            level: level.into(),
                            description: description.into(),
                        },
                    )
                    .await?;
                findings.push(f.id);
            }
        }
        oversight
            .complete_activity(&inspector, inspection.id)
            .await?;
        let plan = |actions: &str| CapInput {
            root_cause: "No check in the night shift's round".into(),
            actions: actions.into(),
            owner_person_id: security.person_id(),
            due_on: days_from_today(21),
            compensatory_measures: "A guard at the door every night until repaired".into(),
        };
        // Level 1: plan accepted, being carried out. Level 2: awaiting the airport's plan.
        // Observation: done, verified and closed.
        if let (Some(&level_1), Some(&observation)) = (findings.first(), findings.get(2)) {
            oversight
                .submit_cap(
                    &security,
                    level_1,
                    &plan("Repair the closer; door alarm to the control room"),
                )
                .await?;
            oversight
                .review_cap(
                    &inspector,
                    level_1,
                    true,
                    "Accepted; the guard stays until the alarm works",
                )
                .await?;
            oversight
                .submit_cap(
                    &security,
                    observation,
                    &plan("Escort log checked at every shift change"),
                )
                .await?;
            oversight
                .review_cap(&inspector, observation, true, "")
                .await?;
            oversight
                .complete_finding(
                    &security,
                    observation,
                    "Log checked daily since; spot check of 20 entries",
                )
                .await?;
            oversight
                .verify_finding(
                    &inspector,
                    observation,
                    true,
                    "Seen on the follow-up visit",
                    None,
                )
                .await?;
        }
        // The airport's own quality control of its cargo screening, all but one compliant.
        let own = oversight
            .plan_activity(
                &auditor,
                &PlanInput {
                    overseen_party_id: party_id,
                    kind: "audit_partial".into(),
                    title: "Internal audit of cargo screening".into(),
                    planned_on: days_from_today(-14),
                    announced: true,
                    team: Vec::new(),
                    scope: vec!["NASP-05".into()],
                    catalogue_id: None,
                },
            )
            .await?;
        let own_items = oversight.activity(&auditor, own.id).await?.items;
        let own_answers: Vec<AnswerInput> = own_items
            .iter()
            .enumerate()
            .map(|(i, item)| AnswerInput {
                item_id: item.id,
                answer: if i == 0 {
                    "compliant_with_observations"
                } else {
                    "compliant"
                }
                .into(),
                notes: "Checked on the cargo apron".into(),
                ..Default::default()
            })
            .collect();
        oversight
            .answer_checklist(&auditor, own.id, &own_answers)
            .await?;
        oversight.complete_activity(&auditor, own.id).await?;
        Ok(2 + findings.len())
    }
}
