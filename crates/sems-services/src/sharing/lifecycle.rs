//! How items end and what their clocks do: the issuer cancels an item (a directive is
//! superseded when its replacement is issued); the sharing job expires items past their day
//! and escalates each late directive step once, to the recipient's accountable executive and
//! the issuer; a recipient reports a suspected unauthorised disclosure (an action of the one
//! register); the director applies a bulletin's proposed national threat level.

use super::{trail, SharingServices};
use crate::{authorize, record_change, About, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::action::ActionStatus;
use sems_domain::role::Role;
use sems_domain::sharing::directive::{DirectiveStatus, Late};
use sems_domain::ValidationError;
use sems_storage::sharing::{inbox, items as store};
use sems_storage::{actions, notifications, people};
use serde::Serialize;

/// Days a disclosure's investigation is due in.
const DISCLOSURE_DUE_DAYS: i64 = 14;

/// What the sharing job did.
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct SharingJobRun {
    pub expired: usize,
    pub escalated: usize,
}

impl SharingServices<'_> {
    /// Cancels an item (its issuer): a draft, an approved directive or an issued item.
    #[tracing::instrument(skip_all)]
    pub async fn cancel_item(&self, actor: &Actor, id: i64, reason: &str) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ValidationError::new("reason", "say why it is cancelled").into());
        }
        let mut tx = self.store.write().await?;
        let (i, meta) = Self::item_and_meta(tx.conn(), id).await?;
        authorize(actor, Action::Update, &meta, "item")?;
        Self::issuer_only(actor, &i)?;
        if !i.status.may_move_to(DirectiveStatus::Cancelled)
            || !store::end(tx.conn(), id, i.status, DirectiveStatus::Cancelled).await?
        {
            return Err(ServiceError::Conflict(format!(
                "a {} item is not cancelled",
                i.status.label().to_lowercase()
            )));
        }
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::ITEM_END,
                record_id: Some(id),
                before: Some(&serde_json::json!({ "status": i.status })),
                after: Some(
                    &serde_json::json!({ "status": DirectiveStatus::Cancelled, "reason": reason }),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The sharing job: expires items past their day, escalates late directive steps once.
    #[tracing::instrument(skip_all)]
    pub async fn run_sharing_job(&self, today: time::Date) -> Result<SharingJobRun> {
        let mut run = SharingJobRun::default();
        let actor = Actor::System("sharing");
        loop {
            let mut tx = self.store.write().await?;
            let due = inbox::expired(tx.conn(), today, 100).await?;
            if due.is_empty() {
                break;
            }
            for id in &due {
                if store::end(
                    tx.conn(),
                    *id,
                    DirectiveStatus::Issued,
                    DirectiveStatus::Expired,
                )
                .await?
                {
                    let (_, meta) = Self::item_and_meta(tx.conn(), *id).await?;
                    record_change(
                        tx.conn(),
                        &actor,
                        crate::Change {
                            about: &About::record(&meta, Some(*id)),
                            action: trail::ITEM_END,
                            record_id: Some(*id),
                            before: Some(&serde_json::json!({ "status": DirectiveStatus::Issued })),
                            after: Some(&serde_json::json!({ "status": DirectiveStatus::Expired })),
                        },
                    )
                    .await?;
                    run.expired += 1;
                }
            }
            tx.commit().await?;
        }
        for late in Late::ALL {
            loop {
                let mut tx = self.store.write().await?;
                let steps = inbox::late_unescalated(tx.conn(), *late, today, 100).await?;
                if steps.is_empty() {
                    break;
                }
                for s in &steps {
                    if !inbox::claim_escalation(tx.conn(), *late, s.item_id, s.party_id).await? {
                        continue;
                    }
                    let mut told = people::ids_with_roles(
                        tx.conn(),
                        s.party_id,
                        &[Role::AccountableExecutive],
                    )
                    .await?;
                    told.extend(
                        people::ids_with_roles(
                            tx.conn(),
                            s.owner_party_id,
                            &[
                                Role::Director,
                                Role::PolicyOfficer,
                                Role::IntelligenceAnalyst,
                            ],
                        )
                        .await?,
                    );
                    told.sort_unstable();
                    told.dedup();
                    notifications::insert(
                        tx.conn(),
                        &told,
                        &format!("{} late: {} at {}", late.label(), s.title, s.party_name),
                        &format!("/sharing/items/{}", s.item_id),
                    )
                    .await?;
                    let (_, meta) = Self::item_and_meta(tx.conn(), s.item_id).await?;
                    record_change(
                        tx.conn(),
                        &actor,
                        crate::Change {
                            about: &About::record(&meta, Some(s.item_id)),
                            action: trail::DIRECTIVE_ESCALATE,
                            record_id: Some(s.item_id),
                            before: NONE,
                            after: Some(&serde_json::json!({ "party": s.party_id, "late": late, "step": s.step, "told": told })),
                        },
                    )
                    .await?;
                    run.escalated += 1;
                }
                tx.commit().await?;
            }
        }
        Ok(run)
    }

    /// A recipient reports a suspected unauthorised disclosure of an item: the issuer is told
    /// and an action opens in the register for the issuer's security manager (or director).
    #[tracing::instrument(skip_all)]
    pub async fn report_disclosure(
        &self,
        actor: &Actor,
        id: i64,
        description: &str,
    ) -> Result<i64> {
        let description = description.trim();
        if description.is_empty() || description.chars().count() > 4000 {
            return Err(ValidationError::new(
                "description",
                "say what was disclosed, to whom and how you learned of it (up to 4,000 characters)",
            )
            .into());
        }
        let mut tx = self.store.write().await?;
        let (i, meta) = Self::item_and_meta(tx.conn(), id).await?;
        authorize(actor, Action::Read, &meta, "item")?;
        let Some(reporter) = actor.person_id() else {
            return Err(ServiceError::Forbidden(
                "a person reports a disclosure".into(),
            ));
        };
        let handlers = people::ids_with_roles(
            tx.conn(),
            i.owner_party_id,
            &[
                Role::SecurityManager,
                Role::Director,
                Role::IntelligenceAnalyst,
            ],
        )
        .await?;
        let today = sems_domain::util::today();
        // The report and its action are the issuer's alone: read as a `DisclosureReport`, never
        // through the item's distribution, as the leak may be among its recipients.
        let report_id = store::insert_disclosure(tx.conn(), id, reporter, description).await?;
        let report = RecordMeta::plain(RecordKind::DisclosureReport, i.owner_party_id, false);
        let action_id = actions::insert(
            tx.conn(),
            &actions::Source {
                kind: RecordKind::DisclosureReport,
                id: report_id,
                party_id: i.owner_party_id,
                classification: i.classification,
                need_to_know: false,
            },
            &actions::ActionValues {
                title: &format!(
                    "Investigate a suspected unauthorised disclosure of {}",
                    i.title
                ),
                responsible_person_id: handlers.first().copied(),
                due_on: today + time::Duration::days(DISCLOSURE_DUE_DAYS),
                status: ActionStatus::Planned,
                cost_one_off: 0,
                cost_annual: 0,
            },
            actor.person_id(),
        )
        .await?;
        store::set_disclosure_action(tx.conn(), report_id, action_id).await?;
        notifications::insert(
            tx.conn(),
            &handlers,
            &format!("Suspected unauthorised disclosure of {}", i.title),
            &format!("/actions/{action_id}"),
        )
        .await?;
        let mut about = report;
        about.classification = i.classification;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&about, Some(report_id)),
                action: trail::DISCLOSURE_REPORT,
                record_id: Some(report_id),
                before: NONE,
                after: Some(&serde_json::json!({ "item": id, "action": action_id, "description": description })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(action_id)
    }

    /// The item a disclosure report is about, for those who may read the report.
    #[tracing::instrument(skip_all)]
    pub async fn disclosure_item(&self, actor: &Actor, report_id: i64) -> Result<i64> {
        let mut conn = self.store.read().await?;
        let (item_id, owner) = store::disclosure(&mut conn, report_id)
            .await?
            .ok_or(ServiceError::NotFound("disclosure report"))?;
        authorize(
            actor,
            Action::Read,
            &RecordMeta::plain(RecordKind::DisclosureReport, owner, false),
            "disclosure report",
        )?;
        Ok(item_id)
    }

    /// The director applies a bulletin's proposed national threat level: the level is set as
    /// the risk module sets it (assessments of the category marked for review), once.
    #[tracing::instrument(skip_all)]
    pub async fn apply_threat_proposal(&self, actor: &Actor, id: i64) -> Result<()> {
        let (category, level, title, meta) = {
            let mut conn = self.store.read().await?;
            let (i, meta) = Self::item_and_meta(&mut conn, id).await?;
            authorize(actor, Action::Read, &meta, "item")?;
            let owner = RecordMeta::plain(RecordKind::SharedItem, i.owner_party_id, true);
            authorize(actor, Action::Accept, &owner, "item").map_err(|_| {
                ServiceError::Forbidden("the director applies a proposed threat level".into())
            })?;
            match (
                i.threat_category,
                i.proposed_level,
                i.proposal_applied_at_ms,
            ) {
                (Some(c), Some(l), None) if i.status.in_force() => (c, l, i.title, meta),
                (_, _, Some(_)) => {
                    return Err(ServiceError::Conflict(
                        "the proposal was applied already".into(),
                    ))
                }
                _ => {
                    return Err(ServiceError::Conflict(
                        "no proposal of an issued bulletin to apply".into(),
                    ))
                }
            }
        };
        let category = sems_domain::scenario::ScenarioCategory::parse(&category)?;
        let mut tx = self.store.write().await?;
        if !store::claim_proposal(tx.conn(), id).await? {
            return Err(ServiceError::Conflict(
                "the proposal was applied already".into(),
            ));
        }
        // The risk module's own rule, in this transaction: the level, its trail entry and the
        // review marking of the category's assessments.
        crate::risk::RiskServices::set_threat_level_in(
            tx.conn(),
            actor,
            category,
            level,
            &format!("Applied from the bulletin {title}"),
        )
        .await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::THREAT_PROPOSAL_APPLY,
                record_id: Some(id),
                before: NONE,
                after: Some(&serde_json::json!({ "category": category, "level": level })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
