//! The occurrence lifecycle after forwarding (EU 376/2014's pattern): the organisation sends
//! the authority its analysis and then its final result, each a de-identified update of the
//! forwarded occurrence with its own deadline from the reporting rules; the authority sees
//! what is late — mandatory reports not forwarded as a count per organisation (it never reads
//! them), analyses and final results as lists of the occurrences.

use super::forwarding::SuggestedRedaction;
use super::{record_report_event, ReportingServices};
use crate::{authorize, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::page::PageRequest;
use sems_domain::report::rules::{Clocks, Countdowns, OccurrenceStep};
use sems_domain::role::Role;
use sems_domain::util::bounded_text;
use sems_domain::ValidationError;
use sems_storage::reports::{self, FinalResult, OccurrenceFilter, Report};
use sems_storage::{notifications, now_ms, parties, people};
use serde::{Deserialize, Serialize};

/// The final result as the organisation writes it for the authority: de-identified.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FinalResultInput {
    /// What the occurrence turned out to be, without names or other personal data.
    pub outcome: String,
    #[serde(default)]
    pub lessons: String,
    /// What was done (the corrective actions), without names.
    #[serde(default)]
    pub actions: String,
    /// The class of the just-culture decision: a word of the reporting rules.
    pub just_culture: String,
}

/// Mandatory reports an organisation has not forwarded past their deadline: a count.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LateForwarding {
    pub party_id: i64,
    pub party_name: String,
    pub late: i64,
}

/// What is late to the authority, nationally.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LateToAuthority {
    /// Per organisation, worst first; never the reports themselves.
    pub forwarding: Vec<LateForwarding>,
    pub forwarding_total: i64,
    /// Forwarded occurrences whose analysis is past its deadline (counted up to the list's cap).
    pub analyses_late: i64,
    pub finals_late: i64,
}

/// The three clocks of a report towards the authority.
pub fn countdowns_of_report(r: &Report, now: i64) -> Countdowns {
    Clocks {
        mandatory: r.mandatory.unwrap_or(r.reporter_thinks_mandatory),
        forward_due_at_ms: r.forward_due_at_ms,
        forwarded_at_ms: r.forwarded_at_ms,
        analysis_due_at_ms: r.analysis_due_at_ms,
        analysis_sent_at_ms: r.analysis_sent_at_ms,
        final_due_at_ms: r.final_due_at_ms,
        final_sent_at_ms: r.final_sent_at_ms,
    }
    .at(now)
}

/// The same clocks of a forwarded occurrence, as the authority reads it.
pub fn countdowns_of_occurrence(o: &reports::Occurrence, now: i64) -> Countdowns {
    Clocks {
        mandatory: o.mandatory.unwrap_or(true),
        forward_due_at_ms: o.forward_due_at_ms,
        forwarded_at_ms: Some(o.forwarded_at_ms),
        analysis_due_at_ms: o.analysis_due_at_ms,
        analysis_sent_at_ms: o.analysis_sent_at_ms,
        final_due_at_ms: o.final_due_at_ms,
        final_sent_at_ms: o.final_sent_at_ms,
    }
    .at(now)
}

/// The access facts of the national counts: the authority's statistics.
fn national_counts_meta(authority: i64) -> RecordMeta {
    RecordMeta::plain(RecordKind::ReportStatistics, authority, false)
}

impl ReportingServices<'_> {
    /// Refuses a text for the authority that still shows what probably identifies somebody.
    async fn check_deidentified(
        &self,
        actor: &Actor,
        report_id: i64,
        field: &'static str,
        text: &str,
    ) -> Result<()> {
        let found: Vec<SuggestedRedaction> = self
            .suggest_for(actor, report_id, text)
            .await?
            .into_iter()
            .map(|r| SuggestedRedaction {
                kind: r.kind,
                text: r.text,
            })
            .collect();
        if found.is_empty() {
            return Ok(());
        }
        let shown: Vec<String> = found
            .iter()
            .map(|r| format!("{} \"{}\"", r.kind, r.text))
            .collect();
        Err(ValidationError::new(
            field,
            format!(
                "the authority receives de-identified updates only, and this still shows {}: remove each",
                shown.join(", ")
            ),
        )
        .into())
    }

    /// A forwarded report the actor may update, for a step after forwarding.
    async fn forwarded_for_update(
        conn: &mut sems_storage::Conn,
        actor: &Actor,
        report_id: i64,
        step: &str,
    ) -> Result<Report> {
        let r = Self::report_for_update(conn, actor, report_id).await?;
        if r.forwarded_at_ms.is_none() {
            return Err(ServiceError::Conflict(format!(
                "the {step} goes to the authority after the occurrence is forwarded: forward it first"
            )));
        }
        Ok(r)
    }

    /// Tells the authority's director and inspectors that an update arrived.
    async fn tell_authority(conn: &mut sems_storage::Conn, r: &Report, what: &str) -> Result<()> {
        if let Some(authority) = parties::authority(conn).await? {
            let told =
                people::ids_with_roles(conn, authority.id, &[Role::Director, Role::Inspector])
                    .await?;
            notifications::insert(
                conn,
                &told,
                &format!("{} sent the {what} of occurrence {}", r.party_name, r.id),
                &format!("/occurrences/{}", r.id),
            )
            .await?;
        }
        Ok(())
    }

    /// The organisation sends its analysis of a forwarded occurrence: once, de-identified.
    #[tracing::instrument(skip_all)]
    pub async fn send_occurrence_analysis(
        &self,
        actor: &Actor,
        report_id: i64,
        text: &str,
    ) -> Result<()> {
        let text = bounded_text("analysis_text", text, 10, 10_000)?;
        self.check_deidentified(actor, report_id, "analysis_text", &text)
            .await?;
        let mut tx = self.store.write().await?;
        let r = Self::forwarded_for_update(tx.conn(), actor, report_id, "analysis").await?;
        if r.analysis_sent_at_ms.is_some() || r.final_sent_at_ms.is_some() {
            return Err(ServiceError::Conflict(
                "the analysis was sent already (or the final result stands for it): add to it with a message to the authority".into(),
            ));
        }
        reports::send_analysis(tx.conn(), report_id, &text).await?;
        record_report_event(
            tx.conn(),
            r.mode,
            actor,
            crate::Change {
                about: &super::report_about(&r),
                action: super::trail::OCCURRENCE_ANALYSIS,
                record_id: Some(report_id),
                before: NONE,
                after: Some(&serde_json::json!({ "report_id": report_id, "analysis_text": text })),
            },
        )
        .await?;
        Self::tell_authority(tx.conn(), &r, "analysis").await?;
        tx.commit().await?;
        Ok(())
    }

    /// The organisation sends the final result of a forwarded occurrence: once, de-identified,
    /// with the class of the just-culture decision (never a person).
    #[tracing::instrument(skip_all)]
    pub async fn send_final_result(
        &self,
        actor: &Actor,
        report_id: i64,
        input: &FinalResultInput,
    ) -> Result<()> {
        let outcome = bounded_text("final_outcome", &input.outcome, 3, 5000).map_err(|_| {
            ValidationError::new(
                "final_outcome",
                "write the de-identified outcome (3 to 5,000 characters): it is what the authority receives",
            )
        })?;
        let lessons = bounded_text("final_lessons", &input.lessons, 0, 5000)?;
        let actions = bounded_text("final_actions", &input.actions, 0, 5000)?;
        for (field, text) in [
            ("final_outcome", &outcome),
            ("final_lessons", &lessons),
            ("final_actions", &actions),
        ] {
            self.check_deidentified(actor, report_id, field, text)
                .await?;
        }
        let mut tx = self.store.write().await?;
        let rules = super::rules::current_rules(tx.conn()).await?;
        let decision = rules.rules.decision(&input.just_culture)?.word.clone();
        let r = Self::forwarded_for_update(tx.conn(), actor, report_id, "final result").await?;
        if r.final_sent_at_ms.is_some() {
            return Err(ServiceError::Conflict(
                "the final result was sent already: add to it with a message to the authority"
                    .into(),
            ));
        }
        reports::send_final_result(
            tx.conn(),
            report_id,
            &FinalResult {
                outcome: &outcome,
                lessons: &lessons,
                actions: &actions,
                just_culture: &decision,
            },
        )
        .await?;
        record_report_event(
            tx.conn(),
            r.mode,
            actor,
            crate::Change {
                about: &super::report_about(&r),
                action: super::trail::OCCURRENCE_FINAL_RESULT,
                record_id: Some(report_id),
                before: NONE,
                after: Some(&serde_json::json!({
                    "report_id": report_id, "outcome": outcome, "lessons": lessons,
                    "actions": actions, "just_culture": decision,
                })),
            },
        )
        .await?;
        Self::tell_authority(tx.conn(), &r, "final result").await?;
        tx.commit().await?;
        Ok(())
    }

    /// What is late to the authority: for the readers of the national statistics.
    #[tracing::instrument(skip_all)]
    pub async fn late_to_authority(&self, actor: &Actor) -> Result<LateToAuthority> {
        let mut conn = self.store.read().await?;
        let authority = parties::authority(&mut conn)
            .await?
            .ok_or_else(|| ServiceError::Internal("the authority party is missing".into()))?;
        authorize(
            actor,
            Action::Read,
            &national_counts_meta(authority.id),
            "national reporting statistics",
        )?;
        let now = now_ms();
        let forwarding: Vec<LateForwarding> = reports::late_forwarding(&mut conn, now)
            .await?
            .into_iter()
            .map(|l| LateForwarding {
                party_id: l.party_id,
                party_name: l.party_name,
                late: l.late,
            })
            .collect();
        drop(conn);
        let late = |step| OccurrenceFilter {
            late: Some(step),
            now_ms: now,
            ..OccurrenceFilter::default()
        };
        let analyses = self
            .occurrences(
                actor,
                &late(OccurrenceStep::Analysis),
                PageRequest::new(Some(1), Some(1)),
            )
            .await?;
        let finals = self
            .occurrences(
                actor,
                &late(OccurrenceStep::FinalResult),
                PageRequest::new(Some(1), Some(1)),
            )
            .await?;
        Ok(LateToAuthority {
            forwarding_total: forwarding.iter().map(|l| l.late).sum(),
            forwarding,
            analyses_late: analyses.total,
            finals_late: finals.total,
        })
    }
}
