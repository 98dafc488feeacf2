//! The demo's oversight story: the authority's inspection of the air carrier with its report
//! and open finding, and a full audit planned.

use crate::{Result, Services};

impl Services {
    /// The authority's oversight of the air carrier: an inspection of aircraft security done
    /// last month (one item not compliant, its finding awaiting the carrier's plan) and a
    /// full audit planned. Skipped when the carrier has any activity.
    pub(super) async fn load_oversight_demo(&self, party_id: i64) -> Result<usize> {
        use crate::oversight::activities::{AnswerInput, PlanInput};
        use crate::oversight::findings::RaiseInput;
        let mut conn = self.store.read().await?;
        let existing = sems_storage::oversight::activities::last_completed(
            &mut conn,
            party_id,
            sems_domain::oversight::Performer::Authority,
            None,
        )
        .await?;
        if existing.is_some() {
            return Ok(0);
        }
        drop(conn);
        let Some(actor) = super::demo_actor(self, "inspector").await? else {
            return Ok(0);
        };
        let day = |days: i64| {
            sems_domain::util::format_date(sems_domain::util::today() + time::Duration::days(days))
        };
        let inspection = self
            .oversight()
            .plan_activity(
                &actor,
                &PlanInput {
                    overseen_party_id: party_id,
                    kind: "inspection".into(),
                    title: "Aircraft security inspection".into(),
                    planned_on: day(-30),
                    announced: true,
                    team: Vec::new(),
                    scope: vec!["NASP-07".into()],
                    catalogue_id: None,
                },
            )
            .await?;
        let items = self
            .oversight()
            .activity(&actor, inspection.id)
            .await?
            .items;
        let answers: Vec<AnswerInput> = items
            .iter()
            .enumerate()
            .map(|(i, item)| AnswerInput {
                item_id: item.id,
                answer: if i == 1 { "not_compliant" } else { "compliant" }.into(),
                notes: if i == 1 {
                    "Two aircraft parked overnight with doors open and stairs attached".into()
                } else {
                    "Seen on the apron".into()
                },
                ..Default::default()
            })
            .collect();
        self.oversight()
            .answer_checklist(&actor, inspection.id, &answers)
            .await?;
        if let Some(item) = items.get(1) {
            self.oversight()
                .raise_finding(
                    &actor,
                    inspection.id,
                    &RaiseInput {
                        item_id: item.id,
                        level: "level_2".into(),
                        description: "Unattended aircraft left open overnight at stands 12 and 14"
                            .into(),
                    },
                )
                .await?;
        }
        self.oversight()
            .complete_activity(&actor, inspection.id)
            .await?;
        self.oversight().issue_activity_report(
            &actor,
            inspection.id,
            "Aircraft security is applied in flight; protection of unattended aircraft on the ground needs attention.",
        )
        .await?;
        self.oversight()
            .plan_activity(
                &actor,
                &PlanInput {
                    overseen_party_id: party_id,
                    kind: "audit_full".into(),
                    title: "Full audit of the security programme".into(),
                    planned_on: day(60),
                    announced: true,
                    team: Vec::new(),
                    scope: Vec::new(),
                    catalogue_id: None,
                },
            )
            .await?;
        Ok(2)
    }
}
