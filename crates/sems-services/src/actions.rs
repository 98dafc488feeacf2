//! The one corrective-action register: every module opens its actions here
//! (`sems_storage::actions`), and the register lists, completes and checks every action a
//! person may read, across modules. An action is read and managed as its source: who may
//! read the source reads the action; who may update the source completes it and checks its
//! effectiveness.

use crate::{authorize, record_change, About, Actor, Result, ServiceError, Services, NONE};
use sems_domain::access::{Action, Distribution, RecordKind, RecordMeta};
use sems_domain::action::{is_overdue, may_check_effectiveness, Effectiveness};
use sems_domain::page::{Page, PageRequest};
use sems_domain::role::Role;
use sems_domain::util::{bounded_text, format_date, today};
use sems_storage::actions::{self as store, ActionFilter, ActionRecord, Source};
use sems_storage::reports::Report;
use sems_storage::{groups, notifications, people, Conn};
use serde::{Deserialize, Serialize};

/// What an action of a risk assessment inherits from it.
pub fn assessment_source(a: &sems_storage::risk::Assessment) -> Source {
    Source {
        kind: RecordKind::RiskAssessment,
        id: a.id,
        party_id: a.party_id,
        classification: a.classification,
        need_to_know: a.need_to_know,
    }
}

/// What a corrective action of a report inherits from it.
pub fn report_source(r: &Report) -> Source {
    Source {
        kind: RecordKind::SecurityReport,
        id: r.id,
        party_id: r.party_id,
        classification: r.classification,
        need_to_know: r.need_to_know,
    }
}

/// What a finding's accepted plan puts in the register.
pub fn finding_source(f: &sems_storage::oversight::findings::Finding) -> Source {
    Source {
        kind: RecordKind::Finding,
        id: f.id,
        party_id: f.party_id,
        classification: f.classification,
        need_to_know: f.need_to_know,
    }
}

/// A finding's accepted plan as an action of the register: its workflow stays the finding's
/// (the organisation completes it, the overseer verifies it on the finding page), and the
/// register follows.
pub(crate) mod finding_plan {
    use super::*;
    use sems_storage::oversight::findings::Finding;

    /// The plan was accepted: its action opens, owned and dated as the plan.
    #[tracing::instrument(skip_all)]
    pub async fn accepted(conn: &mut Conn, actor: &Actor, f: &Finding) -> Result<()> {
        let first_line = f.cap_actions.lines().next().unwrap_or("").trim();
        let mut title = format!("{}: {first_line}", f.requirement_code);
        if title.chars().count() > 300 {
            title = title.chars().take(299).collect::<String>() + "…";
        }
        store::insert(
            conn,
            &finding_source(f),
            &store::ActionValues {
                title: &title,
                responsible_person_id: f.cap_owner_person_id,
                due_on: f.cap_due_on.unwrap_or(f.due_on),
                status: sems_domain::action::ActionStatus::InProgress,
                cost_one_off: 0,
                cost_annual: 0,
            },
            actor.person_id(),
        )
        .await?;
        Ok(())
    }

    /// The open action of the finding's plan, if any.
    async fn open_of(conn: &mut Conn, f: &Finding) -> Result<Option<ActionRecord>> {
        Ok(store::of_source(conn, RecordKind::Finding, f.id)
            .await?
            .into_iter()
            .find(|a| a.status.is_open()))
    }

    /// The organisation recorded the plan carried out: its action is done with that evidence.
    #[tracing::instrument(skip_all)]
    pub async fn completed(
        conn: &mut Conn,
        actor: &Actor,
        f: &Finding,
        evidence: &str,
    ) -> Result<()> {
        if let Some(a) = open_of(conn, f).await? {
            store::complete(
                conn,
                a.id,
                &format_date(today()),
                evidence,
                actor.person_id(),
            )
            .await?;
        }
        Ok(())
    }

    /// The overseer verified: closing says the action was effective; sending the finding back
    /// says it was not, and the plan's work opens again as a new action.
    #[tracing::instrument(skip_all)]
    pub async fn verified(
        conn: &mut Conn,
        actor: &Actor,
        f: &Finding,
        closed: bool,
        comment: &str,
    ) -> Result<()> {
        let done = store::of_source(conn, RecordKind::Finding, f.id)
            .await?
            .into_iter()
            .rfind(|a| may_check_effectiveness(a.status, a.effectiveness));
        if let Some(a) = done {
            let result = if closed {
                Effectiveness::Effective
            } else {
                Effectiveness::NotEffective
            };
            store::check_effectiveness(conn, a.id, result, comment, actor.person_id()).await?;
        }
        if !closed {
            accepted(conn, actor, f).await?;
        }
        Ok(())
    }
}

/// What the reader may do with an action.
#[derive(Debug, Clone, Copy, Default, Serialize, utoipa::ToSchema)]
pub struct ActionActions {
    /// Record that it was done, with evidence.
    pub complete: bool,
    /// Record whether it was effective.
    pub check: bool,
}

/// An action of the register as a reader sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActionView {
    #[serde(flatten)]
    pub action: crate::views::ActionRecord,
    pub overdue: bool,
    /// What the source is, in words, and where it is shown.
    pub source_label: &'static str,
    pub source_link: String,
    pub allowed: ActionActions,
}

/// What a source is, in words.
pub fn source_label(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::RiskAssessment => "Risk assessment",
        RecordKind::SecurityReport => "Security report",
        RecordKind::Finding => "Finding",
        RecordKind::PerformanceAlert => "SPI alert",
        RecordKind::Personnel => "Training lapse",
        RecordKind::CultureSurvey => "Culture survey",
        RecordKind::DisclosureReport => "Disclosure report",
        _ => "Record",
    }
}

fn source_link(kind: RecordKind, id: i64) -> String {
    match kind {
        RecordKind::RiskAssessment => format!("/risk/assessments/{id}"),
        RecordKind::SecurityReport => format!("/reports/{id}"),
        RecordKind::Finding => format!("/oversight/findings/{id}"),
        RecordKind::PerformanceAlert => format!("/performance/alerts/{id}"),
        RecordKind::Personnel => format!("/training/personnel/{id}"),
        RecordKind::CultureSurvey => format!("/training/surveys/{id}"),
        RecordKind::DisclosureReport => format!("/sharing/disclosures/{id}"),
        _ => "/actions".to_string(),
    }
}

/// The access facts of an action: those of its source record.
async fn source_meta(conn: &mut Conn, a: &ActionRecord) -> Result<RecordMeta> {
    let distribution = groups::distribution_of(conn, a.source_kind, a.source_id).await?;
    Ok(meta_with(a, distribution))
}

/// The meta of an action's source: its marking, copied on the action, and the source's
/// distribution.
fn meta_with(a: &ActionRecord, distribution: Distribution) -> RecordMeta {
    let mut m = RecordMeta::plain(a.source_kind, a.party_id, false);
    m.classification = a.classification;
    m.need_to_know = a.need_to_know;
    m.distribution = distribution;
    m
}

fn view(actor: &Actor, a: ActionRecord, meta: &RecordMeta) -> ActionView {
    // A finding's plan is completed and verified on the finding: its workflow is the overseer's.
    let update = crate::allowed(actor, meta).update && a.source_kind != RecordKind::Finding;
    ActionView {
        overdue: is_overdue(a.status, a.due_on, today()),
        source_label: source_label(a.source_kind),
        source_link: source_link(a.source_kind, a.source_id),
        allowed: ActionActions {
            complete: update && a.status.is_open(),
            check: update && may_check_effectiveness(a.status, a.effectiveness),
        },
        action: a.into(),
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteInput {
    /// What shows it was done (a document, a test, an observation).
    pub evidence: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EffectivenessInput {
    pub effective: bool,
    /// Why: required when it was not effective.
    #[serde(default)]
    pub note: String,
}

impl Services {
    /// The register: every action the actor may read, across modules, the most urgent first.
    #[tracing::instrument(skip_all)]
    pub async fn action_register(
        &self,
        actor: &Actor,
        filter: &ActionFilter,
        page: PageRequest,
    ) -> Result<Page<ActionView>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        let mut found = store::list(&mut conn, subject, filter, page).await?;
        let records = std::mem::take(&mut found.items);
        let sources: Vec<(RecordKind, i64)> = records
            .iter()
            .map(|a| (a.source_kind, a.source_id))
            .collect();
        let distributions = groups::distributions_of(&mut conn, &sources).await?;
        let items = records
            .into_iter()
            .map(|a| {
                // Several actions may share a source: each gets a copy.
                let d = distributions
                    .get(&(a.source_kind, a.source_id))
                    .cloned()
                    .unwrap_or_default();
                let meta = meta_with(&a, d);
                view(actor, a, &meta)
            })
            .collect();
        Ok(found.with_items(items))
    }

    /// One action, when the actor may read its source.
    #[tracing::instrument(skip_all)]
    pub async fn register_action(&self, actor: &Actor, id: i64) -> Result<ActionView> {
        let mut conn = self.store.read().await?;
        let a = store::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound("action"))?;
        let meta = source_meta(&mut conn, &a).await?;
        authorize(actor, Action::Read, &meta, "action")?;
        Ok(view(actor, a, &meta))
    }

    async fn action_for_update(
        conn: &mut Conn,
        actor: &Actor,
        id: i64,
    ) -> Result<(ActionRecord, RecordMeta)> {
        let a = store::get(conn, id)
            .await?
            .ok_or(ServiceError::NotFound("action"))?;
        let meta = source_meta(conn, &a).await?;
        authorize(actor, Action::Read, &meta, "action")?;
        authorize(actor, Action::Update, &meta, "action")?;
        if a.source_kind == RecordKind::Finding {
            return Err(ServiceError::Conflict(
                "a finding's plan is completed and verified on the finding".into(),
            ));
        }
        Ok((a, meta))
    }

    /// Records an open action done today, with what shows it.
    #[tracing::instrument(skip_all)]
    pub async fn complete_action(
        &self,
        actor: &Actor,
        id: i64,
        input: &CompleteInput,
    ) -> Result<ActionView> {
        let evidence = bounded_text("evidence", &input.evidence, 3, 5000)?;
        let mut tx = self.store.write().await?;
        let (before, meta) = Self::action_for_update(tx.conn(), actor, id).await?;
        if !before.status.is_open() {
            return Err(ServiceError::Conflict(format!(
                "the action is {}",
                before.status.label().to_lowercase()
            )));
        }
        store::complete(
            tx.conn(),
            id,
            &format_date(today()),
            &evidence,
            actor.person_id(),
        )
        .await?;
        let after = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("action"))?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(before.source_id)),
                action: crate::trail::ACTION_COMPLETE,
                record_id: Some(id),
                before: Some(&crate::views::ActionRecord::from(&before)),
                after: Some(&crate::views::ActionRecord::from(&after)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(view(actor, after, &meta))
    }

    /// Records whether a completed action was effective (once); an ineffective one is told
    /// to its responsible person, whose source needs a new action.
    #[tracing::instrument(skip_all)]
    pub async fn check_action_effectiveness(
        &self,
        actor: &Actor,
        id: i64,
        input: &EffectivenessInput,
    ) -> Result<ActionView> {
        let note = bounded_text(
            "note",
            &input.note,
            if input.effective { 0 } else { 3 },
            2000,
        )?;
        let mut tx = self.store.write().await?;
        let (before, meta) = Self::action_for_update(tx.conn(), actor, id).await?;
        if !may_check_effectiveness(before.status, before.effectiveness) {
            return Err(ServiceError::Conflict(
                "effectiveness is checked once, after the action is done".into(),
            ));
        }
        let result = if input.effective {
            Effectiveness::Effective
        } else {
            Effectiveness::NotEffective
        };
        store::check_effectiveness(tx.conn(), id, result, &note, actor.person_id()).await?;
        let after = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("action"))?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(before.source_id)),
                action: crate::trail::ACTION_EFFECTIVENESS,
                record_id: Some(id),
                before: Some(&crate::views::ActionRecord::from(&before)),
                after: Some(&crate::views::ActionRecord::from(&after)),
            },
        )
        .await?;
        if let (Effectiveness::NotEffective, Some(person)) = (result, before.responsible_person_id)
        {
            notifications::insert(
                tx.conn(),
                &[person],
                &format!("The action “{}” was found not effective", before.title),
                &format!("/actions/{id}"),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(view(actor, after, &meta))
    }

    /// Tells the responsible person and the organisation's accountable executive and security
    /// manager, once, of every open action past its date, in every module.
    #[tracing::instrument(skip_all)]
    pub async fn escalate_overdue_actions(&self) -> Result<usize> {
        let day = today();
        let mut tx = self.store.write().await?;
        let overdue = store::overdue_unescalated(tx.conn(), day, 500).await?;
        let mut escalated = 0;
        for a in &overdue {
            // Claimed first: on several nodes, the one that claims it tells.
            if !store::claim_escalation(tx.conn(), a.id, day).await? {
                continue;
            }
            escalated += 1;
            // Those who read the source: a report's actions go to the security manager only
            // (the accountable executive does not read reports).
            let leaders: &[Role] = if a.source_kind == RecordKind::SecurityReport {
                &[Role::SecurityManager]
            } else {
                &[Role::AccountableExecutive, Role::SecurityManager]
            };
            let mut told = people::ids_with_roles(tx.conn(), a.party_id, leaders).await?;
            told.extend(a.responsible_person_id);
            told.sort_unstable();
            told.dedup();
            notifications::insert(
                tx.conn(),
                &told,
                &format!("Overdue action: “{}” was due on {}", a.title, a.due_on),
                &format!("/actions/{}", a.id),
            )
            .await?;
            let meta = source_meta(tx.conn(), a).await?;
            record_change(
                tx.conn(),
                &Actor::System("housekeeping"),
                crate::Change {
                    about: &About::record(&meta, Some(a.source_id)),
                    action: crate::trail::ACTION_ESCALATE,
                    record_id: Some(a.id),
                    before: NONE,
                    after: Some(&serde_json::json!({ "action": a.id, "notified": told.len() })),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(escalated)
    }
}
