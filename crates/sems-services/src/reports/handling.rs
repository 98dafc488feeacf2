//! The handlers' workflow: triage (feeding the risk module), investigation, closure with a
//! just-culture decision and corrective actions, messages to the reporter.

use super::ReportingServices;
use crate::risk::evidence::{store_evidence, NewFact};
use crate::{authorize, Actor, Result, ServiceError, NONE};
use sems_domain::access::Action;
use sems_domain::measure::EvidenceKind;
use sems_domain::report::{MessageSide, ReportStatus, Severity};
use sems_domain::util::{bounded_text, parse_date};
use sems_domain::ValidationError;
use sems_storage::reports::{self, Report};
use sems_storage::{now_ms, risk, Conn};
use serde::Deserialize;

use super::{category_of, record_report_event, report_meta};

/// What a handler decides at triage.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageInput {
    /// A category code of the taxonomy (the reporter's, confirmed or corrected).
    pub category: String,
    /// Read as a word of the vocabulary, so that a wrong one is refused with the words it
    /// accepts rather than a JSON error.
    #[schema(value_type = Severity)]
    pub severity: String,
    /// Whether the report must go to the authority.
    pub mandatory: bool,
    /// The threat scenarios it concerns: each records an occurrence for the risk module.
    #[serde(default)]
    pub scenario_ids: Vec<i64>,
    #[serde(default)]
    pub note: String,
}

/// A corrective action opened at closure, in the one register of actions.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectiveActionInput {
    pub title: String,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub due_on: String,
    #[serde(default)]
    pub responsible_person_id: Option<i64>,
}

/// What a handler records at closure.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    pub outcome: String,
    #[serde(default)]
    pub lessons: String,
    /// A word of the reporting rules' just-culture decisions (`GET /api/v1/reports/rules`).
    pub just_culture: String,
    /// At most 20.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub corrective_actions: Vec<CorrectiveActionInput>,
}

impl ReportingServices<'_> {
    /// Loads a report for a change by its handler.
    pub(super) async fn report_for_update(
        conn: &mut Conn,
        actor: &Actor,
        id: i64,
    ) -> Result<Report> {
        let r = reports::report(conn, id)
            .await?
            .ok_or(ServiceError::NotFound("security report"))?;
        authorize(actor, Action::Update, &report_meta(&r), "security report")?;
        Ok(r)
    }

    /// Triage: the category confirmed, severity, whether it is mandatory to report to the
    /// authority, and the threat scenarios it concerns — each of which records an occurrence
    /// in the risk module's objective data and marks those assessments for review.
    #[tracing::instrument(skip_all)]
    pub async fn triage_report(
        &self,
        actor: &Actor,
        id: i64,
        input: &TriageInput,
    ) -> Result<Report> {
        let severity = Severity::parse(&input.severity)?;
        let note = bounded_text("note", &input.note, 0, 5000)?;
        let mut scenario_ids = input.scenario_ids.clone();
        scenario_ids.sort_unstable();
        scenario_ids.dedup();
        let mut tx = self.store.write().await?;
        let before = Self::report_for_update(tx.conn(), actor, id).await?;
        if !before.status.may_move_to(ReportStatus::Triaged) {
            return Err(ServiceError::Conflict(format!(
                "a report that is {} cannot be triaged",
                before.status.label().to_lowercase()
            )));
        }
        let rules = super::rules::current_rules(tx.conn()).await?;
        let category = category_of(&rules.rules, &input.category, Some(&before.category_code))?;
        let mut scenarios = Vec::new();
        for sid in &scenario_ids {
            let s = risk::scenario(tx.conn(), *sid)
                .await?
                .filter(|s| s.published || s.party_id == before.party_id)
                .ok_or_else(|| {
                    ValidationError::new("scenario_ids", format!("no scenario {sid}"))
                })?;
            scenarios.push(s);
        }
        let due = input
            .mandatory
            .then(|| category.deadlines.forward_due(before.filed_at_ms));
        let triaged_at_ms = now_ms();
        reports::triage(
            tx.conn(),
            id,
            &reports::Triage {
                category_code: &category.code,
                severity,
                mandatory: input.mandatory,
                note: &note,
                forward_due_at_ms: due,
                triaged_at_ms,
                closure_due_at_ms: rules.rules.closure_due(triaged_at_ms),
            },
            &scenario_ids,
        )
        .await?;
        // The day part of the local time the reporter gave (validated when filed); the
        // triage day if it cannot be read.
        let day: String = before.occurred_at.chars().take(10).collect();
        let occurred_on = sems_domain::util::parse_date("occurred_at", &day)
            .unwrap_or_else(|_| sems_domain::util::today());
        let summary = format!("Security report {id}: {}", before.category_label);
        let source_ref = format!("report {id}");
        for s in &scenarios {
            store_evidence(
                tx.conn(),
                actor,
                before.party_id,
                s,
                &NewFact {
                    kind: EvidenceKind::Occurrence,
                    passed: None,
                    occurred_on,
                    summary: &summary,
                    source: "reporting",
                    source_ref: &source_ref,
                },
            )
            .await?;
        }
        let after = reports::report(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("security report"))?;
        record_report_event(
            tx.conn(),
            before.mode,
            actor,
            crate::Change {
                about: &super::report_about(&after),
                action: crate::reports::trail::SECURITY_REPORT_TRIAGE,
                record_id: Some(id),
                before: Some(&workflow_facts(&before)),
                after: Some(&workflow_facts(&after)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    #[tracing::instrument(skip_all)]
    pub async fn start_investigation(&self, actor: &Actor, id: i64) -> Result<Report> {
        let mut tx = self.store.write().await?;
        let before = Self::report_for_update(tx.conn(), actor, id).await?;
        if !before.status.may_move_to(ReportStatus::UnderInvestigation) {
            return Err(ServiceError::Conflict(
                "only a triaged report goes under investigation".into(),
            ));
        }
        reports::start_investigation(tx.conn(), id).await?;
        let after = reports::report(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("security report"))?;
        record_report_event(
            tx.conn(),
            before.mode,
            actor,
            crate::Change {
                about: &super::report_about(&after),
                action: crate::reports::trail::SECURITY_REPORT_INVESTIGATE,
                record_id: Some(id),
                before: Some(&workflow_facts(&before)),
                after: Some(&workflow_facts(&after)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Closure: outcome, lessons, the just-culture decision, and corrective actions opened.
    #[tracing::instrument(skip_all)]
    pub async fn close_report(&self, actor: &Actor, id: i64, input: &CloseInput) -> Result<Report> {
        let outcome = bounded_text("outcome", &input.outcome, 3, 5000)?;
        let lessons = bounded_text("lessons", &input.lessons, 0, 5000)?;
        if input.corrective_actions.len() > 20 {
            return Err(ValidationError::new("corrective_actions", "at most 20").into());
        }
        let mut actions = Vec::new();
        for a in &input.corrective_actions {
            actions.push((
                bounded_text("corrective_actions", &a.title, 3, 300)?,
                parse_date("due_on", &a.due_on)?,
                a.responsible_person_id,
            ));
        }
        let mut tx = self.store.write().await?;
        let rules = super::rules::current_rules(tx.conn()).await?;
        let decision = rules.rules.decision(&input.just_culture)?.word.clone();
        let before = Self::report_for_update(tx.conn(), actor, id).await?;
        if !before.status.may_move_to(ReportStatus::Closed) {
            return Err(ServiceError::Conflict(format!(
                "a report that is {} cannot be closed: triage it first",
                before.status.label().to_lowercase()
            )));
        }
        for (_, _, person) in &actions {
            crate::check_person_of_party(
                tx.conn(),
                before.party_id,
                *person,
                "responsible_person_id",
                crate::OF_THIS_ORGANISATION,
            )
            .await?;
        }
        reports::close(tx.conn(), id, &outcome, &lessons, &decision).await?;
        let source = crate::actions::report_source(&before);
        for (title, due, person) in &actions {
            reports::insert_report_action(
                tx.conn(),
                &source,
                title,
                *person,
                *due,
                actor.person_id(),
            )
            .await?;
        }
        let after = reports::report(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("security report"))?;
        record_report_event(
            tx.conn(),
            before.mode,
            actor,
            crate::Change {
                about: &super::report_about(&after),
                action: crate::reports::trail::SECURITY_REPORT_CLOSE,
                record_id: Some(id),
                before: Some(&workflow_facts(&before)),
                after: Some(&workflow_facts(&after)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// A handler writes to the reporter (read with the receipt).
    #[tracing::instrument(skip_all)]
    pub async fn message_reporter(&self, actor: &Actor, id: i64, body: &str) -> Result<()> {
        let body = bounded_text("body", body, 1, 5000)?;
        let mut tx = self.store.write().await?;
        let r = Self::report_for_update(tx.conn(), actor, id).await?;
        reports::insert_message(
            tx.conn(),
            id,
            MessageSide::Handler,
            actor.person_id(),
            &body,
        )
        .await?;
        record_report_event(
            tx.conn(),
            r.mode,
            actor,
            crate::Change {
                about: &super::report_about(&r),
                action: crate::reports::trail::SECURITY_REPORT_MESSAGE,
                record_id: Some(id),
                before: NONE,
                after: Some(&serde_json::json!({ "report_id": id, "side": "handler" })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The workflow facts of a report for the audit trail: never its text or its reporter.
fn workflow_facts(r: &Report) -> serde_json::Value {
    serde_json::json!({
        "status": r.status.as_str(), "category": r.category_code,
        "severity": r.severity.map(|s| s.as_str()), "mandatory": r.mandatory,
        "scenario_ids": r.scenario_ids, "just_culture": r.just_culture,
        "forwarded_at_ms": r.forwarded_at_ms,
    })
}
