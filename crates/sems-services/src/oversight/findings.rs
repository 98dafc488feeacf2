//! Findings and corrective action plans across the authority–organisation boundary: the
//! overseer raises a finding from a non-compliant item; the overseen organisation submits a
//! plan; the overseer accepts it or returns it; the organisation records completion; the
//! overseer verifies and closes, or sends it back.

use super::trail;
use super::OversightServices;
use crate::About;
use crate::{authorize, record_change, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::audit::AuditAction;
use sems_domain::oversight::{FindingLevel, FindingStatus};
use sems_domain::page::{Page, PageRequest};
use sems_domain::role::Role;
use sems_domain::util::{bounded_text, format_date, parse_date, today};
use sems_domain::ValidationError;
use sems_storage::groups::{self, Recipient};
use sems_storage::oversight::activities as activity_store;
use sems_storage::oversight::findings::{self as store, Finding, FindingFilter};
use sems_storage::{notifications, parties, people, Conn};
use serde::{Deserialize, Serialize};

/// What the audit trail knows of a finding: its organisation and marking (need-to-know to
/// the test team while its covert test is unreleased).
fn finding_about(f: &Finding) -> About {
    let mut m = RecordMeta::plain(RecordKind::Finding, f.party_id, false);
    m.classification = f.classification;
    m.need_to_know = f.need_to_know;
    About::record(&m, Some(f.id))
}

pub(crate) async fn finding_meta(conn: &mut Conn, f: &Finding) -> Result<RecordMeta> {
    let mut m = RecordMeta::plain(RecordKind::Finding, f.party_id, false);
    m.classification = f.classification;
    m.need_to_know = f.need_to_know;
    m.raised_by_party_id = Some(f.raised_by_party_id);
    m.distribution = groups::distribution_of(conn, RecordKind::Finding, f.id).await?;
    Ok(m)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RaiseInput {
    pub item_id: i64,
    pub level: String,
    pub description: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CapInput {
    pub root_cause: String,
    pub actions: String,
    #[serde(default)]
    pub owner_person_id: Option<i64>,
    pub due_on: String,
    /// Required for a level 1 finding: what protects until the fix is in place.
    #[serde(default)]
    pub compensatory_measures: String,
}

/// A finding with its history, whether it is overdue, and what the reader may do with it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FindingView {
    pub finding: super::views::Finding,
    pub history: Vec<super::views::FindingStep>,
    pub overdue: bool,
    /// What the reader may do with it, by the same checks the writes make.
    pub actions: FindingActions,
}

/// The steps of a finding a reader may take: the overseen organisation plans and completes
/// (`plan`); the party that raised it reviews and verifies (`decide`).
#[derive(Debug, Clone, Copy, Default, Serialize, utoipa::ToSchema)]
pub struct FindingActions {
    pub plan: bool,
    pub decide: bool,
}

/// The overseen organisation answers its finding: the access rule's Update, as the owner.
/// `refusal` says which step was refused to someone else.
/// The organisation that must correct a finding answers with its plan: the access rule's
/// Update, which only its owner holds.
fn may_plan(actor: &Actor, meta: &RecordMeta, refusal: &str) -> Result<()> {
    authorize(actor, Action::Update, meta, "finding").map_err(|e| in_words(e, refusal))
}

/// The party that raised a finding decides on it: the access rule's Accept, which only the
/// `Raiser` relation grants.
fn may_decide(actor: &Actor, meta: &RecordMeta) -> Result<()> {
    authorize(actor, Action::Accept, meta, "finding")
        .map_err(|e| in_words(e, "only the overseer who raised the finding decides on it"))
}

/// A refusal of a visible finding, said in the words of the step refused.
fn in_words(e: ServiceError, refusal: &str) -> ServiceError {
    match e {
        ServiceError::Forbidden(_) => ServiceError::Forbidden(refusal.into()),
        other => other,
    }
}

/// Whether a finding waits on the organisation past its date.
pub fn is_overdue(f: &Finding) -> bool {
    let due = f.cap_due_on.unwrap_or(f.due_on);
    f.status.awaits_organisation() && due < today()
}

impl OversightServices<'_> {
    /// Raises a finding from a non-compliant item of an activity the actor's team runs.
    #[tracing::instrument(skip_all)]
    pub async fn raise_finding(
        &self,
        actor: &Actor,
        activity_id: i64,
        input: &RaiseInput,
    ) -> Result<Finding> {
        let level = FindingLevel::parse(&input.level)?;
        let description = bounded_text("description", &input.description, 10, 5000)?;
        let mut tx = self.store.write().await?;
        let activity = Self::readable_activity(tx.conn(), actor, activity_id).await?;
        let on_team = activity_store::team(tx.conn(), activity_id)
            .await?
            .iter()
            .any(|p| Some(p.id) == actor.person_id());
        if !on_team {
            return Err(ServiceError::Forbidden(
                "only the activity's team raises its findings".into(),
            ));
        }
        // The finding will belong to the overseen organisation; one raised by an organisation
        // on its contractor is distributed to that organisation, which is how it may raise it.
        let on_contractor = activity.party_id != activity.overseen_party_id
            && parties::get(tx.conn(), activity.party_id)
                .await?
                .is_some_and(|p| !p.kind.is_authority());
        let mut meta = RecordMeta::plain(RecordKind::Finding, activity.overseen_party_id, false);
        if on_contractor {
            meta.distribution.parties.push(activity.party_id);
        }
        authorize(actor, Action::Create, &meta, "organisation")?;
        let item = activity_store::items(tx.conn(), activity_id)
            .await?
            .into_iter()
            .find(|i| i.id == input.item_id)
            .ok_or_else(|| ValidationError::new("item_id", "no such item on this checklist"))?;
        let method = super::method::method_of(tx.conn(), activity.method_version).await?;
        let scale = method.method.scale(&activity.scale)?;
        if !item
            .answer
            .as_deref()
            .and_then(|w| scale.answer(w).ok())
            .is_some_and(|a| a.is_deficient())
        {
            return Err(ValidationError::new(
                "item_id",
                "a finding comes from an item answered not compliant",
            )
            .into());
        }
        // The plan deadline of the method the activity was planned with.
        let due = today() + time::Duration::days(method.method.plan_days(level));
        let secret = activity.covert && !activity.released;
        let id = store::insert(
            tx.conn(),
            &store::NewFinding {
                party_id: activity.overseen_party_id,
                raised_by_party_id: activity.party_id,
                activity_id,
                item_id: Some(item.id),
                requirement_code: &item.requirement_code,
                level,
                description: &description,
                due_on: due,
                classification: activity.classification,
                need_to_know: secret,
            },
        )
        .await?;
        if secret {
            for person in activity_store::team(tx.conn(), activity_id).await? {
                groups::distribute(
                    tx.conn(),
                    RecordKind::Finding,
                    id,
                    Recipient::Person(person.id),
                )
                .await?;
            }
        }
        // An organisation's finding on its contractor: the organisation decides on the plan.
        if on_contractor {
            groups::distribute(
                tx.conn(),
                RecordKind::Finding,
                id,
                Recipient::Party(activity.party_id),
            )
            .await?;
        }
        store::record_history(
            tx.conn(),
            id,
            FindingStatus::Open,
            actor.person_id(),
            &description,
        )
        .await?;
        let stored = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("finding"))?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &finding_about(&stored),
                action: crate::oversight::trail::FINDING_RAISE,
                record_id: Some(id),
                before: NONE,
                after: Some(&super::views::Finding::from(&stored)),
            },
        )
        .await?;
        if !secret {
            let told = people::ids_with_roles(
                tx.conn(),
                activity.overseen_party_id,
                &[
                    Role::SecurityManager,
                    Role::AccountableExecutive,
                    Role::QualityAuditor,
                ],
            )
            .await?;
            notifications::insert(
                tx.conn(),
                &told,
                &format!("A {} finding was raised", level.label()),
                &format!("/oversight/findings/{id}"),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(stored)
    }

    async fn readable_finding(
        conn: &mut Conn,
        actor: &Actor,
        id: i64,
    ) -> Result<(Finding, RecordMeta)> {
        let f = store::get(conn, id)
            .await?
            .ok_or(ServiceError::NotFound("finding"))?;
        let meta = finding_meta(conn, &f).await?;
        authorize(actor, Action::Read, &meta, "finding")?;
        Ok((f, meta))
    }

    #[tracing::instrument(skip_all)]
    pub async fn finding(&self, actor: &Actor, id: i64) -> Result<FindingView> {
        let mut conn = self.store.read().await?;
        let (finding, meta) = Self::readable_finding(&mut conn, actor, id).await?;
        Ok(FindingView {
            history: crate::views::into_views(store::history(&mut conn, id).await?),
            overdue: is_overdue(&finding),
            actions: FindingActions {
                plan: may_plan(actor, &meta, "").is_ok(),
                decide: may_decide(actor, &meta).is_ok(),
            },
            finding: finding.into(),
        })
    }

    #[tracing::instrument(skip_all)]
    pub async fn findings(
        &self,
        actor: &Actor,
        filter: &FindingFilter,
        page: PageRequest,
    ) -> Result<Page<Finding>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        Ok(store::list(&mut conn, subject, filter, page).await?)
    }

    /// Moves a finding on after checks, records the step and tells the other side.
    #[allow(clippy::too_many_arguments)]
    async fn step(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        f: &Finding,
        to: FindingStatus,
        note: &str,
        action: AuditAction,
        tell_overseer: bool,
    ) -> Result<()> {
        store::record_history(conn, f.id, to, actor.person_id(), note).await?;
        let after = store::get(conn, f.id)
            .await?
            .ok_or(ServiceError::NotFound("finding"))?;
        record_change(
            conn,
            actor,
            crate::Change {
                about: &finding_about(&after),
                action,
                record_id: Some(f.id),
                before: Some(&super::views::Finding::from(f)),
                after: Some(&super::views::Finding::from(&after)),
            },
        )
        .await?;
        let (party, roles): (i64, &[Role]) = if tell_overseer {
            (
                f.raised_by_party_id,
                &[
                    Role::Director,
                    Role::Inspector,
                    Role::QualityAuditor,
                    Role::SecurityManager,
                ],
            )
        } else {
            (
                f.party_id,
                &[
                    Role::SecurityManager,
                    Role::AccountableExecutive,
                    Role::QualityAuditor,
                ],
            )
        };
        let told = people::ids_with_roles(conn, party, roles).await?;
        notifications::insert(
            conn,
            &told,
            &format!("Finding {}: {}", f.id, to.label()),
            &format!("/oversight/findings/{}", f.id),
        )
        .await?;
        Ok(())
    }

    /// The overseen organisation submits (or resubmits) its corrective action plan.
    #[tracing::instrument(skip_all)]
    pub async fn submit_cap(&self, actor: &Actor, id: i64, input: &CapInput) -> Result<Finding> {
        let root_cause = bounded_text("root_cause", &input.root_cause, 3, 5000)?;
        let actions = bounded_text("actions", &input.actions, 3, 5000)?;
        let compensatory = bounded_text(
            "compensatory_measures",
            &input.compensatory_measures,
            0,
            5000,
        )?;
        let due = parse_date("due_on", &input.due_on)?;
        let mut tx = self.store.write().await?;
        let (f, meta) = Self::readable_finding(tx.conn(), actor, id).await?;
        may_plan(actor, &meta, "the overseen organisation submits the plan")?;
        if !f.status.may_move_to(FindingStatus::CapSubmitted) {
            return Err(ServiceError::Conflict(format!(
                "the finding is {}",
                f.status.label().to_lowercase()
            )));
        }
        if f.level == FindingLevel::Level1 && compensatory.chars().count() < 3 {
            return Err(ValidationError::new(
                "compensatory_measures",
                "a level 1 finding needs compensatory measures until it is fixed",
            )
            .into());
        }
        crate::check_person_of_party(
            tx.conn(),
            f.party_id,
            input.owner_person_id,
            "owner_person_id",
            crate::OF_THIS_ORGANISATION,
        )
        .await?;
        store::submit_cap(
            tx.conn(),
            id,
            &store::Cap {
                root_cause: &root_cause,
                actions: &actions,
                owner_person_id: input.owner_person_id,
                due_on: due,
                compensatory: &compensatory,
            },
        )
        .await?;
        self.step(
            tx.conn(),
            actor,
            &f,
            FindingStatus::CapSubmitted,
            &actions,
            trail::FINDING_CAP_SUBMIT,
            true,
        )
        .await?;
        let after = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("finding"))?;
        tx.commit().await?;
        Ok(after)
    }

    /// Loads a finding for a decision of the overseer: only the party that raised it decides.
    async fn finding_for_overseer(conn: &mut Conn, actor: &Actor, id: i64) -> Result<Finding> {
        let (f, meta) = Self::readable_finding(conn, actor, id).await?;
        may_decide(actor, &meta)?;
        Ok(f)
    }

    /// The overseer accepts the plan, or returns it with comments.
    #[tracing::instrument(skip_all)]
    pub async fn review_cap(
        &self,
        actor: &Actor,
        id: i64,
        accept: bool,
        comment: &str,
    ) -> Result<Finding> {
        let comment = bounded_text("comment", comment, if accept { 0 } else { 3 }, 5000)?;
        let mut tx = self.store.write().await?;
        let f = Self::finding_for_overseer(tx.conn(), actor, id).await?;
        if !f.status.may_move_to(FindingStatus::CapAccepted) {
            return Err(ServiceError::Conflict("no submitted plan to review".into()));
        }
        let to = if accept {
            FindingStatus::CapAccepted
        } else {
            FindingStatus::CapReturned
        };
        store::set_status(tx.conn(), id, to, Some(&comment), None).await?;
        self.step(
            tx.conn(),
            actor,
            &f,
            to,
            &comment,
            if accept {
                trail::FINDING_CAP_ACCEPT
            } else {
                trail::FINDING_CAP_RETURN
            },
            false,
        )
        .await?;
        let after = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("finding"))?;
        if accept {
            crate::actions::finding_plan::accepted(tx.conn(), actor, &after).await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    /// The organisation records that the plan is carried out, with evidence.
    #[tracing::instrument(skip_all)]
    pub async fn complete_finding(
        &self,
        actor: &Actor,
        id: i64,
        evidence: &str,
    ) -> Result<Finding> {
        let evidence = bounded_text("evidence", evidence, 3, 5000)?;
        let mut tx = self.store.write().await?;
        let (f, meta) = Self::readable_finding(tx.conn(), actor, id).await?;
        may_plan(actor, &meta, "the overseen organisation records completion")?;
        if !f.status.may_move_to(FindingStatus::Completed) {
            return Err(ServiceError::Conflict(
                "only an accepted plan is completed".into(),
            ));
        }
        store::set_status(
            tx.conn(),
            id,
            FindingStatus::Completed,
            None,
            Some(&evidence),
        )
        .await?;
        self.step(
            tx.conn(),
            actor,
            &f,
            FindingStatus::Completed,
            &evidence,
            trail::FINDING_COMPLETE,
            true,
        )
        .await?;
        let after = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("finding"))?;
        crate::actions::finding_plan::completed(tx.conn(), actor, &after, &evidence).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The overseer verifies: closes the finding, or sends it back to the organisation —
    /// then, when `follow_up_on` is given, with a follow-up inspection of its requirement
    /// planned on that day.
    #[tracing::instrument(skip_all)]
    pub async fn verify_finding(
        &self,
        actor: &Actor,
        id: i64,
        close: bool,
        comment: &str,
        follow_up_on: Option<&str>,
    ) -> Result<Finding> {
        let comment = bounded_text("comment", comment, if close { 0 } else { 3 }, 5000)?;
        if close && follow_up_on.is_some() {
            return Err(ValidationError::new(
                "follow_up_on",
                "a closed finding needs no follow-up inspection",
            )
            .into());
        }
        let follow_up = follow_up_on
            .map(|d| parse_date("follow_up_on", d).map(format_date))
            .transpose()?;
        let mut tx = self.store.write().await?;
        let f = Self::finding_for_overseer(tx.conn(), actor, id).await?;
        if !f.status.may_move_to(FindingStatus::Closed) {
            return Err(ServiceError::Conflict(
                "only a completed finding is verified".into(),
            ));
        }
        let to = if close {
            FindingStatus::Closed
        } else {
            FindingStatus::CapAccepted
        };
        store::set_status(tx.conn(), id, to, Some(&comment), None).await?;
        self.step(
            tx.conn(),
            actor,
            &f,
            to,
            &comment,
            if close {
                trail::FINDING_CLOSE
            } else {
                trail::FINDING_REOPEN
            },
            false,
        )
        .await?;
        let after = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("finding"))?;
        crate::actions::finding_plan::verified(tx.conn(), actor, &after, close, &comment).await?;
        tx.commit().await?;
        if let Some(day) = follow_up {
            let catalogue_id = activity_store::get(&mut *self.store.read().await?, f.activity_id)
                .await?
                .map(|a| a.catalogue_id);
            self.plan_activity(
                actor,
                &crate::oversight::activities::PlanInput {
                    overseen_party_id: f.party_id,
                    kind: "inspection".into(),
                    title: format!("Follow-up of finding {} ({})", f.id, f.requirement_code),
                    planned_on: day,
                    announced: true,
                    team: Vec::new(),
                    scope: vec![f.requirement_code.clone()],
                    catalogue_id,
                },
            )
            .await?;
        }
        Ok(after)
    }
}

impl OversightServices<'_> {
    /// Escalates every finding overdue on its organisation, once: the organisation's
    /// accountable executive and the overseer (the authority's director and inspectors, or
    /// the organisation's own security manager for a self-evaluation) are notified. Run by
    /// the server's housekeeping; returns how many were escalated.
    #[tracing::instrument(skip_all)]
    pub async fn escalate_overdue_findings(&self) -> Result<usize> {
        let today = today();
        let mut tx = self.store.write().await?;
        let overdue = store::overdue_unescalated(tx.conn(), today, 500).await?;
        let mut escalated = 0;
        for found in &overdue {
            // Claimed first: on several nodes, the one that claims it tells.
            if !store::claim_escalation(tx.conn(), found.id, today).await? {
                continue;
            }
            escalated += 1;
            let mut told = people::ids_with_roles(
                tx.conn(),
                found.owner_party_id,
                &[Role::AccountableExecutive],
            )
            .await?;
            told.extend(
                people::ids_with_roles(
                    tx.conn(),
                    found.raised_by_party_id,
                    &[Role::Director, Role::Inspector, Role::SecurityManager],
                )
                .await?,
            );
            told.sort_unstable();
            told.dedup();
            notifications::insert(
                tx.conn(),
                &told,
                &format!(
                    "Overdue: the {} finding on {} awaits its organisation",
                    found.level.as_str().replace('_', " "),
                    found.requirement_code
                ),
                &format!("/oversight/findings/{}", found.id),
            )
            .await?;
            let marked = store::get(tx.conn(), found.id)
                .await?
                .ok_or(ServiceError::NotFound("finding"))?;
            record_change(
                tx.conn(),
                &Actor::System("housekeeping"),
                crate::Change {
                    about: &finding_about(&marked),
                    action: crate::oversight::trail::FINDING_ESCALATE,
                    record_id: Some(found.id),
                    before: NONE,
                    after: Some(
                        &serde_json::json!({ "finding": found.id, "notified": told.len() }),
                    ),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(escalated)
    }
}
