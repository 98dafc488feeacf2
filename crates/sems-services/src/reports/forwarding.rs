//! De-identification and forwarding: before anything leaves the organisation a handler writes
//! a de-identified version (helped by suggestions); mandatory reports go to the authority
//! within the deadline. The authority reads only that version, in its national occurrence
//! list, and may ask the organisation follow-up questions.

use super::record_report_event;
use super::ReportingServices;
use crate::About;
use crate::{authorize, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::page::{Page, PageRequest};
use sems_domain::report::{
    apply_redactions, suggest_redactions, ForwardProposal, MessageSide, Redaction, ReportStatus,
};
use sems_domain::role::Role;
use sems_domain::util::bounded_text;
use sems_domain::ValidationError;
use sems_storage::reports::{self, Occurrence, OccurrenceFilter};
use sems_storage::{notifications, parties, people};
use serde::Serialize;

/// Suggestions for a report's text, and the text with all of them applied.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Suggestions {
    pub redactions: Vec<SuggestedRedaction>,
    pub suggested_text: String,
}

/// Something in a text that probably identifies somebody.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SuggestedRedaction {
    /// What it looks like: an e-mail address, a phone number, a badge number, a name.
    pub kind: &'static str,
    pub text: String,
}

pub use sems_domain::report::KeptItem;

/// What a forwarding did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Forwarding {
    /// The authority has it.
    Forwarded,
    /// It keeps identifiers and the deployment asks a second handler to confirm them: the
    /// proposal is recorded and the other handlers told.
    AwaitsSecondHandler,
}

/// A forwarded occurrence with the authority's questions and the organisation's answers, and
/// what the reader may do (`update`: ask or answer).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OccurrenceView {
    pub occurrence: super::views::Occurrence,
    /// The clocks of the steps owed to the authority: forwarding, analysis, final result.
    pub countdowns: sems_domain::report::rules::Countdowns,
    /// The label of the final result's just-culture class, by the rules in force.
    pub final_just_culture_label: Option<String>,
    pub messages: Vec<super::views::ReportMessage>,
    pub allowed: sems_domain::access::Allowed,
}

fn occurrence_meta(party_id: i64) -> RecordMeta {
    RecordMeta::plain(RecordKind::Occurrence, party_id, false)
}

impl ReportingServices<'_> {
    /// Names of the organisation's people (its directory) for the suggestions.
    async fn directory_names(&self, party_id: i64) -> Result<Vec<String>> {
        let mut conn = self.store.read().await?;
        Ok(people::display_names(&mut conn, party_id).await?)
    }

    /// What probably identifies somebody in a text, for a report of `report_id`'s party.
    #[tracing::instrument(skip_all)]
    pub async fn suggest_for(
        &self,
        actor: &Actor,
        report_id: i64,
        text: &str,
    ) -> Result<Vec<Redaction>> {
        let report = {
            let mut conn = self.store.read().await?;
            Self::readable_report(&mut conn, actor, report_id).await?
        };
        let mut names = self.directory_names(report.party_id).await?;
        if let Some(n) = report.reporter_name {
            names.push(n);
        }
        Ok(suggest_redactions(text, &names))
    }

    /// Suggestions on the report's own text.
    #[tracing::instrument(skip_all)]
    pub async fn deidentification_suggestions(
        &self,
        actor: &Actor,
        report_id: i64,
    ) -> Result<Suggestions> {
        let text = {
            let mut conn = self.store.read().await?;
            let r = Self::readable_report(&mut conn, actor, report_id).await?;
            if r.location.is_empty() {
                r.what_happened
            } else {
                format!("{}\n\nWhere: {}", r.what_happened, r.location)
            }
        };
        let found = self.suggest_for(actor, report_id, &text).await?;
        Ok(Suggestions {
            suggested_text: apply_redactions(&text, &found),
            redactions: found
                .into_iter()
                .map(|r| SuggestedRedaction {
                    kind: r.kind,
                    text: r.text,
                })
                .collect(),
        })
    }

    /// Saves the de-identified version the handler wrote; returns what still looks
    /// identifying in it (the handler decides).
    #[tracing::instrument(skip_all)]
    pub async fn set_deidentified(
        &self,
        actor: &Actor,
        report_id: i64,
        text: &str,
    ) -> Result<Vec<Redaction>> {
        let text = bounded_text("deidentified_text", text, 10, 10_000)?;
        let remaining = self.suggest_for(actor, report_id, &text).await?;
        let mut tx = self.store.write().await?;
        let r = Self::report_for_update(tx.conn(), actor, report_id).await?;
        if r.forwarded_at_ms.is_some() {
            return Err(ServiceError::Conflict(
                "this report was forwarded already; its de-identified version is what the authority received".into(),
            ));
        }
        reports::set_deidentified(tx.conn(), report_id, &text).await?;
        record_report_event(
            tx.conn(),
            r.mode,
            actor,
            crate::Change {
                about: &super::report_about(&r),
                action: crate::reports::trail::SECURITY_REPORT_DEIDENTIFY,
                record_id: Some(report_id),
                before: NONE,
                after: Some(
                    &serde_json::json!({ "report_id": report_id, "deidentified_text": text }),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(remaining)
    }

    /// What the saved de-identified version still shows that probably identifies somebody:
    /// each must be removed, or kept with a reason, before forwarding.
    #[tracing::instrument(skip_all)]
    pub async fn remaining_identifiers(
        &self,
        actor: &Actor,
        report_id: i64,
    ) -> Result<Vec<SuggestedRedaction>> {
        let text = {
            let mut conn = self.store.read().await?;
            Self::readable_report(&mut conn, actor, report_id)
                .await?
                .deidentified_text
        };
        Ok(self
            .suggest_for(actor, report_id, &text)
            .await?
            .into_iter()
            .map(|r| SuggestedRedaction {
                kind: r.kind,
                text: r.text,
            })
            .collect())
    }

    /// Forwards the de-identified version to the authority. Whatever it still shows that
    /// probably identifies somebody must be in `kept`, each with why it stays; the kinds and
    /// reasons are recorded with the forwarding.
    #[tracing::instrument(skip_all)]
    pub async fn forward_report(
        &self,
        actor: &Actor,
        report_id: i64,
        kept: &[KeptItem],
    ) -> Result<Forwarding> {
        let remaining = self.remaining_identifiers(actor, report_id).await?;
        let mut confirmed = Vec::new();
        let mut unconfirmed = Vec::new();
        for item in &remaining {
            let reason = kept
                .iter()
                .find(|k| k.text.trim() == item.text.trim())
                .map(|k| k.reason.trim())
                .filter(|r| r.chars().count() >= 3);
            match reason {
                Some(r) => confirmed.push(serde_json::json!({ "kind": item.kind, "reason": bounded_text("reason", r, 3, 500)? })),
                None => unconfirmed.push(format!("{} \"{}\"", item.kind, item.text)),
            }
        }
        if !unconfirmed.is_empty() {
            return Err(ValidationError::new(
                "kept",
                format!(
                    "the de-identified version still shows {}: remove each, or confirm why it stays",
                    unconfirmed.join(", ")
                ),
            )
            .into());
        }
        let mut tx = self.store.write().await?;
        let r = Self::report_for_update(tx.conn(), actor, report_id).await?;
        if r.status == ReportStatus::New {
            return Err(ServiceError::Conflict(
                "triage the report first: the authority receives triaged reports".into(),
            ));
        }
        if r.deidentified_text.trim().is_empty() {
            return Err(ValidationError::new(
                "deidentified_text",
                "write the de-identified version first: nothing leaves the organisation with names in it",
            )
            .into());
        }
        if r.forwarded_at_ms.is_some() {
            return Err(ServiceError::Conflict("already forwarded".into()));
        }
        // What leaves with identifiers in it may need a second handler (deployment setting).
        let mut confirmed_by: Vec<i64> = Vec::new();
        if !confirmed.is_empty() && self.reporting_config()?.second_handler_for_kept {
            let me = actor.person_id().ok_or(ServiceError::Forbidden(
                "a report handler forwards a report".into(),
            ))?;
            let kept_now: Vec<KeptItem> = remaining
                .iter()
                .filter_map(|item| kept.iter().find(|k| k.text.trim() == item.text.trim()))
                .cloned()
                .collect();
            match reports::forward_proposal(tx.conn(), report_id).await? {
                Some(p) if p.by != me => {
                    p.confirmed_by(me, &kept_now)
                        .map_err(|m| ValidationError::new("kept", m))?;
                    confirmed_by.push(p.by);
                }
                Some(_) => {
                    return Err(ServiceError::Conflict(
                        "you proposed this forwarding: a second report handler confirms it".into(),
                    ))
                }
                None => {
                    let by_name = people::get(tx.conn(), me)
                        .await?
                        .map(|p| p.display_name)
                        .unwrap_or_default();
                    reports::set_forward_proposal(
                        tx.conn(),
                        report_id,
                        &ForwardProposal {
                            by: me,
                            by_name,
                            kept: kept_now,
                        },
                    )
                    .await?;
                    record_report_event(
                        tx.conn(),
                        r.mode,
                        actor,
                        crate::Change {
                            about: &super::report_about(&r),
                            action: crate::reports::trail::SECURITY_REPORT_FORWARD_PROPOSED,
                            record_id: Some(report_id),
                            before: NONE,
                            after: Some(
                                &serde_json::json!({ "report_id": report_id, "kept": confirmed }),
                            ),
                        },
                    )
                    .await?;
                    let handlers: Vec<i64> = people::ids_with_roles(
                        tx.conn(),
                        r.party_id,
                        &[Role::ReportHandler, Role::SecurityManager],
                    )
                    .await?
                    .into_iter()
                    .filter(|p| *p != me)
                    .collect();
                    notifications::insert(
                        tx.conn(),
                        &handlers,
                        "A forwarding that keeps identifiers awaits a second handler's confirmation",
                        &format!("/reports/{report_id}"),
                    )
                    .await?;
                    tx.commit().await?;
                    return Ok(Forwarding::AwaitsSecondHandler);
                }
            }
        }
        // The analysis and final result are due from now, by the rules in force.
        let deadlines = super::rules::current_rules(tx.conn())
            .await?
            .rules
            .deadlines(&r.category_code);
        let now = sems_storage::now_ms();
        reports::mark_forwarded(
            tx.conn(),
            report_id,
            now,
            deadlines.analysis_due(now),
            deadlines.final_due(now),
        )
        .await?;
        record_report_event(tx.conn(), r.mode, actor, crate::Change { about: &About::record(&occurrence_meta(r.party_id), Some(report_id)), action: crate::reports::trail::SECURITY_REPORT_FORWARD, record_id: Some(report_id), before: NONE, after: Some(&serde_json::json!({ "report_id": report_id, "kept": confirmed, "proposed_by": confirmed_by })) })
        .await?;
        if let Some(authority) = parties::authority(tx.conn()).await? {
            let told = people::ids_with_roles(
                tx.conn(),
                authority.id,
                &[Role::Director, Role::Inspector, Role::IntelligenceAnalyst],
            )
            .await?;
            notifications::insert(
                tx.conn(),
                &told,
                &format!("{} forwarded a security occurrence", r.party_name),
                &format!("/occurrences/{report_id}"),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Forwarding::Forwarded)
    }

    /// The forwarding a first handler proposed, waiting for a second one's confirmation.
    #[tracing::instrument(skip_all)]
    pub async fn forward_proposal(
        &self,
        actor: &Actor,
        report_id: i64,
    ) -> Result<Option<ForwardProposal>> {
        let mut conn = self.store.read().await?;
        Self::readable_report(&mut conn, actor, report_id).await?;
        Ok(reports::forward_proposal(&mut conn, report_id).await?)
    }

    /// The national occurrence list.
    #[tracing::instrument(skip_all)]
    pub async fn occurrences(
        &self,
        actor: &Actor,
        filter: &OccurrenceFilter,
        page: PageRequest,
    ) -> Result<Page<Occurrence>> {
        let subject = actor.lister()?;
        if filter.late == Some(sems_domain::report::rules::OccurrenceStep::Forwarding) {
            return Err(ValidationError::new(
                "late",
                "reports late for forwarding are not occurrences yet: the authority sees them as counts per organisation",
            )
            .into());
        }
        let filter = OccurrenceFilter {
            now_ms: sems_storage::now_ms(),
            ..filter.clone()
        };
        let mut conn = self.store.read().await?;
        let mut page = reports::occurrences(&mut conn, subject, &filter, page).await?;
        // The authority works by the day; the forwarding time is the handlers'.
        for o in &mut page.items {
            o.to_the_day();
        }
        Ok(page)
    }

    /// One forwarded occurrence with the authority's questions and the organisation's answers.
    #[tracing::instrument(skip_all)]
    pub async fn occurrence(&self, actor: &Actor, id: i64) -> Result<OccurrenceView> {
        let mut conn = self.store.read().await?;
        let mut o = reports::occurrence(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound("occurrence"))?;
        let meta = occurrence_meta(o.party_id);
        authorize(actor, Action::Read, &meta, "occurrence")?;
        // The authority works by the day; the exact times are the handlers'.
        let countdowns = super::lifecycle::countdowns_of_occurrence(&o, sems_storage::now_ms())
            .map_times(sems_domain::audit::day_start);
        o.to_the_day();
        let final_just_culture_label = match &o.final_just_culture {
            Some(w) => Some(
                super::rules::current_rules(&mut conn)
                    .await?
                    .rules
                    .decision_label(w)
                    .to_string(),
            ),
            None => None,
        };
        let messages = reports::messages(
            &mut conn,
            id,
            &[MessageSide::Authority, MessageSide::Organisation],
        )
        .await?;
        Ok(OccurrenceView {
            countdowns,
            final_just_culture_label,
            allowed: crate::allowed(actor, &meta),
            occurrence: o.into(),
            messages: messages.into_iter().map(Into::into).collect(),
        })
    }

    /// The authority asks a follow-up question on a forwarded occurrence, or the organisation
    /// answers it (the side follows from who writes).
    #[tracing::instrument(skip_all)]
    pub async fn occurrence_message(&self, actor: &Actor, id: i64, body: &str) -> Result<()> {
        let body = bounded_text("body", body, 1, 5000)?;
        let subject = actor
            .subject()
            .ok_or(ServiceError::Forbidden("only a person writes".into()))?;
        let mut tx = self.store.write().await?;
        let o = reports::occurrence(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("occurrence"))?;
        authorize(
            actor,
            Action::Update,
            &occurrence_meta(o.party_id),
            "occurrence",
        )?;
        let side = if subject.party_is_authority {
            MessageSide::Authority
        } else {
            MessageSide::Organisation
        };
        reports::insert_message(tx.conn(), id, side, actor.person_id(), &body).await?;
        let mode = reports::mode_of(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("occurrence"))?;
        record_report_event(
            tx.conn(),
            mode,
            actor,
            crate::Change {
                about: &About::record(&occurrence_meta(o.party_id), Some(id)),
                action: crate::reports::trail::OCCURRENCE_MESSAGE,
                record_id: Some(id),
                before: NONE,
                after: Some(&serde_json::json!({ "report_id": id, "side": side.as_str() })),
            },
        )
        .await?;
        let recipients = if side == MessageSide::Authority {
            people::ids_with_roles(
                tx.conn(),
                o.party_id,
                &[Role::ReportHandler, Role::SecurityManager],
            )
            .await?
        } else {
            let authority = parties::authority(tx.conn())
                .await?
                .map(|a| a.id)
                .unwrap_or(0);
            people::ids_with_roles(tx.conn(), authority, &[Role::Director, Role::Inspector]).await?
        };
        let link = if side == MessageSide::Authority {
            format!("/reports/{id}")
        } else {
            format!("/occurrences/{id}")
        };
        notifications::insert(
            tx.conn(),
            &recipients,
            "A question or answer on a forwarded occurrence",
            &link,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
