//! Oversight activities: planning (scope, team, covert or not), the checklist drawn from the
//! requirements in scope, answering it on site, completion, and the release of a covert test.

use super::views;
use super::OversightServices;
use crate::views::into_views;
use crate::About;
use crate::{authorize, record_change, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::oversight::{ActivityStatus, RequirementLevel};
use sems_domain::page::{Page, PageRequest};
use sems_domain::role::Role;
use sems_domain::util::{bounded_text, format_date, parse_date, today};
use sems_domain::ValidationError;
use sems_storage::groups::{self, Recipient};
use sems_storage::oversight::activities::{self as store, Activity, ActivityFilter};
use sems_storage::oversight::findings::{self};
use sems_storage::oversight::requirements;
use sems_storage::{parties, people, Conn};
use serde::{Deserialize, Serialize};

/// The classification a covert test gets: the second level of the scheme (RESTRICTED by
/// default).
const COVERT_CLASSIFICATION: i64 = 1;

/// What the audit trail knows of an activity: owned by the performing party, need-to-know to
/// its team while a covert test is unreleased.
pub(crate) fn activity_about(a: &Activity) -> About {
    let mut m = RecordMeta::plain(RecordKind::OversightActivity, a.party_id, false);
    m.classification = a.classification;
    m.need_to_know = a.need_to_know;
    About::record(&m, Some(a.id))
}

/// The scale an activity's checklist is answered on: the one of the method version it was
/// planned with.
#[tracing::instrument(skip_all)]
pub(crate) async fn scale_of(
    conn: &mut Conn,
    a: &Activity,
) -> Result<sems_domain::oversight::method::ComplianceScale> {
    let method = super::method::method_of(conn, a.method_version).await?;
    Ok(method.method.scale(&a.scale)?.clone())
}

#[tracing::instrument(skip_all)]
pub(crate) async fn activity_meta(conn: &mut Conn, a: &Activity) -> Result<RecordMeta> {
    let mut m = RecordMeta::plain(
        RecordKind::OversightActivity,
        a.party_id,
        parties::get(conn, a.party_id)
            .await?
            .is_some_and(|p| p.kind.is_authority()),
    );
    m.classification = a.classification;
    m.need_to_know = a.need_to_know;
    m.distribution = groups::distribution_of(conn, RecordKind::OversightActivity, a.id).await?;
    Ok(m)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    pub overseen_party_id: i64,
    pub kind: String,
    pub title: String,
    /// YYYY-MM-DD.
    pub planned_on: String,
    #[serde(default = "yes")]
    pub announced: bool,
    /// People of the performing party on the team (the planner is always on it).
    #[serde(default)]
    pub team: Vec<i64>,
    /// Chapter or requirement codes of the catalogue in scope; empty: all of it.
    #[serde(default)]
    pub scope: Vec<String>,
    /// The catalogue audited against (`GET /oversight/catalogues`): the national programme
    /// when none is named; a sector catalogue of the authority's for its sector; the
    /// performer's own internal requirements.
    #[serde(default)]
    pub catalogue_id: Option<i64>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    pub item_id: i64,
    /// A word of the activity's compliance scale (`scale` in its view).
    pub answer: String,
    #[serde(default)]
    pub notes: String,
    /// For a test: whether it passed.
    #[serde(default)]
    pub test_passed: Option<bool>,
    #[serde(default)]
    pub test_method: String,
}

/// An activity with its team, checklist, evidence and findings.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActivityView {
    pub activity: views::Activity,
    /// Files attached to the items as evidence.
    pub evidence: Vec<views::ItemEvidence>,
    pub team: Vec<crate::views::Named>,
    pub items: Vec<views::ChecklistItem>,
    pub findings: Vec<views::Finding>,
    pub answered: usize,
    /// EI of the answered items, in percent.
    pub effective_implementation: Option<f64>,
    /// The scale the checklist is answered on, with how EI counts each answer.
    pub scale: sems_domain::oversight::method::ComplianceScale,
    /// Its kind as the method version it was planned with says (a test, covert, …).
    pub kind: sems_domain::oversight::method::KindOfActivity,
}

impl OversightServices<'_> {
    /// Plans an activity by the actor's party: of an organisation (the authority) or of itself
    /// (an organisation). The checklist is drawn at once from the requirements in scope.
    #[tracing::instrument(skip_all)]
    pub async fn plan_activity(&self, actor: &Actor, input: &PlanInput) -> Result<Activity> {
        let title = bounded_text("title", &input.title, 3, 300)?;
        let planned_on = parse_date("planned_on", &input.planned_on)?;
        let subject = actor
            .subject()
            .ok_or(ServiceError::Forbidden(
                "activities are planned by a person".into(),
            ))?
            .clone();
        let mut tx = self.store.write().await?;
        let performer = parties::get(tx.conn(), subject.party_id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        authorize(
            actor,
            Action::Create,
            &RecordMeta::plain(
                RecordKind::OversightActivity,
                performer.id,
                performer.kind.is_authority(),
            ),
            "party",
        )?;
        let overseen = parties::get(tx.conn(), input.overseen_party_id)
            .await?
            .filter(|p| !p.kind.is_authority())
            .ok_or_else(|| ValidationError::new("overseen_party_id", "choose an organisation"))?;
        if !performer.kind.is_authority()
            && overseen.id != performer.id
            && !store::contractors(tx.conn(), performer.id)
                .await?
                .iter()
                .any(|c| c.id == overseen.id)
        {
            return Err(ValidationError::new(
                "overseen_party_id",
                "an organisation evaluates itself or its contractors; the authority oversees organisations",
            )
            .into());
        }
        let catalogue = match input.catalogue_id {
            Some(id) => requirements::catalogue_by_id(tx.conn(), id)
                .await?
                .ok_or_else(|| ValidationError::new("catalogue_id", "no such catalogue"))?,
            None => {
                let authority = parties::authority(tx.conn()).await?.ok_or_else(|| {
                    ServiceError::Internal("the authority party is missing".into())
                })?;
                Self::main_catalogue(tx.conn(), &authority).await?
            }
        };
        let owner = parties::get(tx.conn(), catalogue.owner_party_id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        sems_domain::oversight::method::may_audit_against(
            &catalogue.title,
            owner.kind.is_authority(),
            owner.id,
            catalogue.sector,
            performer.id,
            overseen.kind,
        )?;
        let version = catalogue.current_version.ok_or_else(|| {
            ValidationError::new(
                "catalogue_id",
                format!("{} has no requirement yet", catalogue.title),
            )
        })?;
        let method = super::method::current_method(tx.conn()).await?;
        let kind = method.method.kind(&input.kind)?.clone();
        let scale = method.method.scale(&catalogue.scale)?.code.clone();
        let nodes = requirements::nodes(tx.conn(), catalogue.id, version).await?;
        let scope: Vec<String> = input
            .scope
            .iter()
            .map(|c| c.trim().to_uppercase())
            .filter(|c| !c.is_empty())
            .collect();
        for code in &scope {
            if !nodes.iter().any(|n| &n.code == code) {
                return Err(ValidationError::new(
                    "scope",
                    format!("no {code} in {}", catalogue.title),
                )
                .into());
            }
        }
        // Each requirement in scope, with its chapter as the area.
        let chapter_of = |n: &requirements::Requirement| n.parent_code.clone().unwrap_or_default();
        let in_scope: Vec<&requirements::Requirement> = nodes
            .iter()
            .filter(|n| n.level == RequirementLevel::Requirement)
            .filter(|n| {
                scope.is_empty() || scope.contains(&n.code) || scope.contains(&chapter_of(n))
            })
            .collect();
        if in_scope.is_empty() {
            return Err(ValidationError::new("scope", "the scope holds no requirement").into());
        }
        let covert = kind.covert;
        let id = store::insert(
            tx.conn(),
            &store::NewActivity {
                party_id: performer.id,
                overseen_party_id: overseen.id,
                kind: &kind.word,
                kind_label: &kind.label,
                performer: sems_domain::oversight::Performer::of(
                    performer.kind.is_authority(),
                    performer.id,
                    overseen.id,
                ),
                title: &title,
                catalogue_party_id: catalogue.owner_party_id,
                catalogue_id: catalogue.id,
                catalogue_version: version,
                method_version: method.version,
                scale: &scale,
                announced: input.announced && !covert,
                covert,
                planned_on,
                classification: if covert { COVERT_CLASSIFICATION } else { 0 },
            },
            actor.person_id(),
        )
        .await?;
        let mut team: Vec<i64> = input.team.clone();
        team.push(subject.person_id);
        team.sort_unstable();
        team.dedup();
        for person in &team {
            crate::check_person_of_party(
                tx.conn(),
                performer.id,
                Some(*person),
                "team",
                "the team is of the performing party",
            )
            .await?;
            store::add_team_member(tx.conn(), id, *person).await?;
        }
        if covert {
            // Need-to-know: the team and the performing party's director (or accountable
            // executive), until released.
            let heads = people::ids_with_roles(
                tx.conn(),
                performer.id,
                &[Role::Director, Role::AccountableExecutive],
            )
            .await?;
            let mut named = team.clone();
            named.extend(heads);
            named.sort_unstable();
            named.dedup();
            for person in named {
                groups::distribute(
                    tx.conn(),
                    RecordKind::OversightActivity,
                    id,
                    Recipient::Person(person),
                )
                .await?;
            }
        } else if overseen.id != performer.id {
            groups::distribute(
                tx.conn(),
                RecordKind::OversightActivity,
                id,
                Recipient::Party(overseen.id),
            )
            .await?;
        }
        for (i, n) in in_scope.iter().enumerate() {
            store::add_item(tx.conn(), id, i as i64, &n.code, &n.title, &chapter_of(n)).await?;
        }
        let stored = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("activity"))?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &activity_about(&stored),
                action: crate::oversight::trail::OVERSIGHT_ACTIVITY_PLAN,
                record_id: Some(id),
                before: NONE,
                after: Some(&serde_json::json!({
                    "kind": kind.word, "overseen_party_id": overseen.id, "planned_on": planned_on,
                    "covert": covert, "items": in_scope.len(), "team": team,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(stored)
    }

    #[tracing::instrument(skip_all)]
    pub(crate) async fn readable_activity(
        conn: &mut Conn,
        actor: &Actor,
        id: i64,
    ) -> Result<Activity> {
        let a = store::get(conn, id)
            .await?
            .ok_or(ServiceError::NotFound("activity"))?;
        let meta = activity_meta(conn, &a).await?;
        authorize(actor, Action::Read, &meta, "activity")?;
        Ok(a)
    }

    #[tracing::instrument(skip_all)]
    pub async fn activity(&self, actor: &Actor, id: i64) -> Result<ActivityView> {
        let mut conn = self.store.read().await?;
        let activity = Self::readable_activity(&mut conn, actor, id).await?;
        let items = store::items(&mut conn, id).await?;
        let method = super::method::method_of(&mut conn, activity.method_version).await?;
        let scale = method.method.scale(&activity.scale)?.clone();
        let kind = method.method.kind(&activity.kind).cloned().unwrap_or(
            sems_domain::oversight::method::KindOfActivity {
                word: activity.kind.clone(),
                label: activity.kind_label.clone(),
                test: false,
                covert: activity.covert,
                full_audit: false,
                exercise: false,
            },
        );
        let answered = items.iter().filter(|i| i.answer.is_some()).count();
        let ei = sems_domain::oversight::effective_implementation(
            items
                .iter()
                .filter_map(|i| i.answer.as_deref())
                .filter_map(|w| scale.answer(w).ok()),
        );
        Ok(ActivityView {
            scale,
            kind,
            evidence: into_views(store::evidence(&mut conn, id).await?),
            team: into_views(store::team(&mut conn, id).await?),
            findings: into_views(findings::for_activity(&mut conn, id).await?),
            effective_implementation: ei,
            answered,
            items: into_views(items),
            activity: activity.into(),
        })
    }

    #[tracing::instrument(skip_all)]
    pub async fn activities(
        &self,
        actor: &Actor,
        filter: &ActivityFilter,
        page: PageRequest,
    ) -> Result<Page<Activity>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        Ok(store::list(&mut conn, subject, filter, page).await?)
    }

    /// Loads an activity its team works on: readable, writable, not completed, and the actor
    /// on its team.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn activity_for_team(
        conn: &mut Conn,
        actor: &Actor,
        id: i64,
    ) -> Result<Activity> {
        let a = Self::readable_activity(conn, actor, id).await?;
        let meta = activity_meta(conn, &a).await?;
        authorize(actor, Action::Update, &meta, "activity")?;
        let on_team = store::team(conn, id)
            .await?
            .iter()
            .any(|p| Some(p.id) == actor.person_id());
        if !on_team {
            return Err(ServiceError::Forbidden(
                "only the activity's team records its results".into(),
            ));
        }
        if !a.status.may_move_to(ActivityStatus::Completed) {
            return Err(ServiceError::Conflict(
                "the activity is completed; its results are final".into(),
            ));
        }
        Ok(a)
    }

    /// Records answers on the checklist (several at once: a tablet sends what was entered).
    /// Every answer is checked before any is stored.
    #[tracing::instrument(skip_all)]
    pub async fn answer_checklist(
        &self,
        actor: &Actor,
        id: i64,
        answers: &[AnswerInput],
    ) -> Result<usize> {
        let mut tx = self.store.write().await?;
        let activity = Self::activity_for_team(tx.conn(), actor, id).await?;
        let method = super::method::method_of(tx.conn(), activity.method_version).await?;
        let scale = method.method.scale(&activity.scale)?;
        let is_test = method.method.kind(&activity.kind).is_ok_and(|k| k.test);
        let mut checked = Vec::new();
        for a in answers {
            let answer = scale.answer(&a.answer)?;
            checked.push((
                a.item_id,
                answer,
                bounded_text("notes", &a.notes, 0, 5000)?,
                a.test_passed,
                bounded_text("test_method", &a.test_method, 0, 300)?,
            ));
        }
        for (item, answer, notes, passed, method) in &checked {
            if is_test && passed.is_none() && answer.applicable {
                return Err(ValidationError::new(
                    "test_passed",
                    "a test records whether it passed",
                )
                .into());
            }
            let found = store::answer(
                tx.conn(),
                id,
                *item,
                &store::Answer {
                    answer: &answer.word,
                    notes,
                    test_passed: *passed,
                    test_method: method,
                },
                actor.person_id(),
            )
            .await?;
            if !found {
                return Err(ValidationError::new(
                    "item_id",
                    format!("item {item} is not on this checklist"),
                )
                .into());
            }
        }
        if activity.status.may_move_to(ActivityStatus::InProgress) && !checked.is_empty() {
            store::set_status(
                tx.conn(),
                id,
                ActivityStatus::InProgress,
                &format_date(today()),
            )
            .await?;
        }
        record_change(tx.conn(), actor, crate::Change { about: &activity_about(&activity), action: crate::oversight::trail::OVERSIGHT_ACTIVITY_ANSWER, record_id: Some(id), before: NONE, after: Some(&serde_json::json!({
                "answers": checked.iter().map(|(i, a, _, p, _)| serde_json::json!({"item": i, "answer": a.word, "passed": p})).collect::<Vec<_>>()
            })) })
        .await?;
        tx.commit().await?;
        Ok(checked.len())
    }

    /// Completes an activity once every item is answered.
    #[tracing::instrument(skip_all)]
    pub async fn complete_activity(&self, actor: &Actor, id: i64) -> Result<Activity> {
        let mut tx = self.store.write().await?;
        let activity = Self::activity_for_team(tx.conn(), actor, id).await?;
        if !activity.status.may_move_to(ActivityStatus::Completed) {
            return Err(ServiceError::Conflict(
                "the activity is completed already".into(),
            ));
        }
        let open = store::items(tx.conn(), id)
            .await?
            .iter()
            .filter(|i| i.answer.is_none())
            .count();
        if open > 0 {
            return Err(ValidationError::new(
                "checklist",
                format!("{open} item(s) are not answered yet (an answer that is not applicable says what could not be checked)"),
            )
            .into());
        }
        store::set_status(
            tx.conn(),
            id,
            ActivityStatus::Completed,
            &format_date(today()),
        )
        .await?;
        let scale = scale_of(tx.conn(), &activity).await?;
        store::store_results(tx.conn(), id, &scale).await?;
        if !activity.covert {
            let done = store::get(tx.conn(), id)
                .await?
                .ok_or(ServiceError::NotFound("activity"))?;
            feed_risk(tx.conn(), actor, &done).await?;
        }
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &activity_about(&activity),
                action: crate::oversight::trail::OVERSIGHT_ACTIVITY_COMPLETE,
                record_id: Some(id),
                before: NONE,
                after: Some(&serde_json::json!({ "activity": id })),
            },
        )
        .await?;
        let after = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("activity"))?;
        tx.commit().await?;
        Ok(after)
    }

    /// Releases a covert test to the tested organisation (its results and findings).
    #[tracing::instrument(skip_all)]
    pub async fn release_activity(&self, actor: &Actor, id: i64) -> Result<()> {
        let mut tx = self.store.write().await?;
        let a = Self::readable_activity(tx.conn(), actor, id).await?;
        let meta = activity_meta(tx.conn(), &a).await?;
        authorize(actor, Action::Update, &meta, "activity")?;
        if !a.covert || a.released {
            return Err(ServiceError::Conflict(
                "only an unreleased covert test is released".into(),
            ));
        }
        if a.status != ActivityStatus::Completed {
            return Err(ServiceError::Conflict(
                "complete the test before releasing it".into(),
            ));
        }
        store::release(tx.conn(), id).await?;
        feed_risk(tx.conn(), actor, &a).await?;
        groups::distribute(
            tx.conn(),
            RecordKind::OversightActivity,
            id,
            Recipient::Party(a.overseen_party_id),
        )
        .await?;
        // The trail's entries of the test and of its findings follow them out of need-to-know.
        let released = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("activity"))?;
        for f in findings::for_activity(tx.conn(), id).await? {
            let mut m = RecordMeta::plain(RecordKind::Finding, f.party_id, false);
            m.classification = f.classification;
            m.need_to_know = f.need_to_know;
            sems_storage::audit::remark(
                tx.conn(),
                &sems_storage::audit::EntryAccess::of(&m, Some(f.id)),
            )
            .await?;
        }
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &activity_about(&released),
                action: crate::oversight::trail::OVERSIGHT_ACTIVITY_RELEASE,
                record_id: Some(id),
                before: NONE,
                after: Some(&serde_json::json!({ "activity": id })),
            },
        )
        .await?;
        tx.commit().await?;
        // The organisation's indicators now count the test, in the month it was completed.
        let performance = self.performance();
        let refreshed = performance
            .refresh_organisation(
                released.overseen_party_id,
                sems_domain::util::today(),
                released.completed_on,
            )
            .await;
        match refreshed {
            Ok(done) => performance.refresh_distributions(&done.touched).await?,
            // Derived figures: the release stands; the next computation from that month
            // (a series entry, the first run after it) counts it.
            Err(e) => tracing::warn!(error = %e, "indicators not recomputed after a release"),
        }
        Ok(())
    }
}

/// Feeds the risk module from an activity whose results the overseen organisation may now
/// see (an overt one at completion, a covert test at release): each test result of a
/// requirement tied to a baseline measure becomes a test of the scenarios that measure
/// mitigates, and each finding marks the organisation's assessments of them for review.
#[tracing::instrument(skip_all)]
pub(crate) async fn feed_risk(conn: &mut Conn, actor: &Actor, a: &Activity) -> Result<()> {
    use crate::risk::evidence::{store_evidence, NewFact};
    use sems_domain::measure::EvidenceKind;
    let Some(authority) = parties::authority(conn).await? else {
        return Ok(());
    };
    let day = a.completed_on.unwrap_or_else(today);
    let findings = findings::for_activity(conn, a.id).await?;
    for item in store::items(conn, a.id).await? {
        let Some((_, measure_code)) = sems_domain::oversight::REQUIREMENT_MEASURES
            .iter()
            .find(|(r, _)| *r == item.requirement_code)
        else {
            continue;
        };
        let Some(measure) =
            sems_storage::risk::measures::measure_by_code(conn, authority.id, measure_code).await?
        else {
            continue;
        };
        let finding = findings.iter().find(|f| f.item_id == Some(item.id));
        for scenario_id in &measure.scenario_ids {
            let Some(scenario) = sems_storage::risk::scenario(conn, *scenario_id).await? else {
                continue;
            };
            let source_ref = format!("activity {}", a.id);
            if let Some(passed) = item.test_passed {
                let summary = format!(
                    "{}: {} ({})",
                    item.requirement_code, item.requirement_title, item.test_method
                );
                store_evidence(
                    conn,
                    actor,
                    a.overseen_party_id,
                    &scenario,
                    &NewFact {
                        kind: EvidenceKind::Test,
                        passed: Some(passed),
                        occurred_on: day,
                        summary: &summary,
                        source: "oversight",
                        source_ref: &source_ref,
                    },
                )
                .await?;
            } else if let Some(f) = finding {
                let reason = format!(
                    "Finding {} on {}: {}",
                    f.id, f.requirement_code, f.description
                );
                crate::risk::evidence::mark_for_review(
                    conn,
                    actor,
                    a.overseen_party_id,
                    &sems_storage::risk::ReviewScope::PartyScenario {
                        party_id: a.overseen_party_id,
                        scenario_id: scenario.id,
                    },
                    &reason,
                )
                .await?;
            }
        }
    }
    Ok(())
}
