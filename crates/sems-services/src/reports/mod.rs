//! Confidential security reporting. Here: reading reports (with the times each reader may
//! see), attachments, and the audit channel of report events. `filing` (the three modes, the
//! public link, the receipt), `handling` (triage to closure), `identity` (disclosure),
//! `forwarding` (de-identification and the authority), `statistics`, `sealing`; `views`, what
//! the API serves of the storage rows.

pub mod eccairs;
mod filing;
pub mod forwarding;
pub(crate) mod generate;
mod handling;
pub mod identity;
pub(crate) mod intake;
pub mod lifecycle;
pub mod rules;
pub mod sealing;
pub mod statistics;
pub mod trail;
pub mod views;
pub use filing::*;
pub use handling::*;

use crate::{authorize, Actor, Result, ServiceError, Services};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::audit::{day_start, AuditChannel};
use sems_domain::report::{sees_exact_times, MessageSide, ReportMode, ReportStatus};
use sems_domain::util::sha256_hex;
use sems_domain::ValidationError;
use sems_storage::reports::{self, Attachment, Report};
use sems_storage::{now_ms, Conn};
use serde::Serialize;

/// The use cases of confidential security reporting, apart from the other modules': `services.reporting().file_report(…)`. Derefs to
/// [`Services`] for what every module shares (the store, the configuration).
#[derive(Clone, Copy)]
pub struct ReportingServices<'a>(&'a Services);

impl std::ops::Deref for ReportingServices<'_> {
    type Target = Services;
    fn deref(&self) -> &Services {
        self.0
    }
}

impl Services {
    /// The use cases of confidential security reporting.
    pub fn reporting(&self) -> ReportingServices<'_> {
        ReportingServices(self)
    }
}

/// The actor recorded in the audit trail for what a confidential or anonymous reporter does:
/// never the person, so the trail cannot be used to unmask them.
pub const REPORTER: Actor = Actor::System("confidential reporting");

pub(crate) fn report_meta(r: &Report) -> RecordMeta {
    let mut m = RecordMeta::plain(RecordKind::SecurityReport, r.party_id, false);
    m.classification = r.classification;
    m.need_to_know = r.need_to_know;
    m
}

/// What the audit trail knows of a report: its organisation and marking.
pub(crate) fn report_about(r: &Report) -> crate::About {
    crate::About::record(&report_meta(r), Some(r.id))
}

/// Whether a step of the workflow is late.
#[derive(Debug, Clone, Copy, Default, Serialize, utoipa::ToSchema)]
pub struct Overdue {
    pub triage: bool,
    pub closure: bool,
    pub forwarding: bool,
    /// The analysis owed to the authority after forwarding.
    pub analysis: bool,
    pub final_result: bool,
}

/// A report with everything its handler works with.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportView {
    pub report: views::Report,
    pub attachments: Vec<views::ReportAttachment>,
    pub messages: Vec<views::ReportMessage>,
    pub identity_requests: Vec<views::IdentityRequest>,
    pub actions: Vec<views::ReportAction>,
    pub overdue: Overdue,
    /// The clocks towards the authority: forwarding, analysis, final result.
    pub countdowns: sems_domain::report::rules::Countdowns,
    /// The label of the closure's just-culture decision, by the rules in force.
    pub just_culture_label: Option<String>,
    /// The decisions a closure or final result may record (the rules in force).
    pub just_culture_choices: Vec<sems_domain::report::rules::JustCultureDecision>,
    /// What the reader may do: `update` (handle), `accept` (decide a disclosure request).
    pub allowed: sems_domain::access::Allowed,
}

impl Services {
    /// The configuration of confidential reporting (the key, the attachments' folder), which
    /// oversight's evidence files use too.
    pub(crate) fn reporting_config(&self) -> Result<&sealing::ReportingConfig> {
        self.reporting.as_ref().ok_or_else(|| {
            ServiceError::Internal("confidential reporting is not configured".into())
        })
    }
}

impl ReportingServices<'_> {
    #[tracing::instrument(skip_all)]
    pub async fn report_categories(&self) -> Result<Vec<reports::Category>> {
        let mut conn = self.store.read().await?;
        Ok(reports::categories(&mut conn).await?)
    }

    /// The reports the actor may read (handlers search them here).
    #[tracing::instrument(skip_all)]
    pub async fn reports(
        &self,
        actor: &Actor,
        filter: &reports::ReportFilter,
        page: sems_domain::page::PageRequest,
    ) -> Result<sems_domain::page::Page<Report>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        let mut page = reports::reports(&mut conn, subject, filter, page).await?;
        for r in &mut page.items {
            if !sees_exact_times(&subject.roles, r.mode) {
                r.to_the_day();
            }
        }
        Ok(page)
    }

    #[tracing::instrument(skip_all)]
    pub(crate) async fn readable_report(conn: &mut Conn, actor: &Actor, id: i64) -> Result<Report> {
        let r = reports::report(conn, id)
            .await?
            .ok_or(ServiceError::NotFound("security report"))?;
        authorize(actor, Action::Read, &report_meta(&r), "security report")?;
        Ok(r)
    }

    /// Late steps of a report, against the deadlines it was given (a report filed before
    /// the reporting rules has the deployment's configured ones).
    pub fn overdue(&self, r: &Report) -> Overdue {
        let now = now_ms();
        let t = self
            .reporting
            .as_ref()
            .map(|c| c.targets)
            .unwrap_or_default();
        let clocks = lifecycle::countdowns_of_report(r, now);
        Overdue {
            triage: r.status == ReportStatus::New
                && now
                    > r.triage_due_at_ms
                        .unwrap_or(r.filed_at_ms + t.triage_hours * 3_600_000),
            closure: r.status != ReportStatus::Closed
                && r.triaged_at_ms.is_some_and(|at| {
                    now > r
                        .closure_due_at_ms
                        .unwrap_or(at + t.closure_days * 86_400_000)
                }),
            forwarding: r.mandatory != Some(false) && clocks.forwarding.is_overdue(),
            analysis: clocks.analysis.is_overdue(),
            final_result: clocks.final_result.is_overdue(),
        }
    }

    /// A report with its attachments, messages, disclosure requests and actions.
    #[tracing::instrument(skip_all)]
    pub async fn report_view(&self, actor: &Actor, id: i64) -> Result<ReportView> {
        let mut conn = self.store.read().await?;
        let mut report = Self::readable_report(&mut conn, actor, id).await?;
        let allowed = crate::allowed(actor, &report_meta(&report));
        let mut messages = reports::messages(&mut conn, id, MessageSide::ALL).await?;
        let mut identity_requests = reports::identity_requests(&mut conn, id).await?;
        let overdue = self.overdue(&report);
        let mut countdowns = lifecycle::countdowns_of_report(&report, now_ms());
        // Readers other than the handlers see a protected report's times to the day only.
        let exact = actor
            .subject()
            .is_none_or(|s| sees_exact_times(&s.roles, report.mode));
        if !exact {
            countdowns = countdowns.map_times(day_start);
            report.to_the_day();
            for m in &mut messages {
                m.created_at_ms = day_start(m.created_at_ms);
            }
            for r in &mut identity_requests {
                r.requested_at_ms = day_start(r.requested_at_ms);
                r.decided_at_ms = r.decided_at_ms.map(day_start);
            }
        }
        let attachments = reports::attachments(&mut conn, id).await?;
        let actions = reports::report_actions(&mut conn, id).await?;
        let rules = rules::current_rules(&mut conn).await?.rules;
        Ok(ReportView {
            just_culture_label: report
                .just_culture
                .as_deref()
                .map(|w| rules.decision_label(w).to_string()),
            just_culture_choices: rules.just_culture,
            countdowns,
            report: report.into(),
            attachments: attachments.into_iter().map(Into::into).collect(),
            messages: messages.into_iter().map(Into::into).collect(),
            identity_requests: identity_requests.into_iter().map(Into::into).collect(),
            actions: actions.into_iter().map(Into::into).collect(),
            overdue,
            allowed,
        })
    }

    /// An attachment's metadata and bytes, checked against its recorded checksum.
    #[tracing::instrument(skip_all)]
    pub async fn attachment(
        &self,
        actor: &Actor,
        report_id: i64,
        attachment_id: i64,
    ) -> Result<(Attachment, Vec<u8>)> {
        let mut conn = self.store.read().await?;
        Self::readable_report(&mut conn, actor, report_id).await?;
        let a = reports::attachments(&mut conn, report_id)
            .await?
            .into_iter()
            .find(|a| a.id == attachment_id)
            .ok_or(ServiceError::NotFound("attachment"))?;
        let path =
            crate::attachments::file_path(&self.reporting_config()?.attachments_dir, &a.sha256);
        let bytes = std::fs::read(&path)
            .map_err(|e| ServiceError::Internal(format!("attachment {}: {e}", a.id)))?;
        if sha256_hex(&bytes) != a.sha256 {
            return Err(ServiceError::Internal(format!(
                "attachment {} does not match its checksum",
                a.id
            )));
        }
        Ok((a, bytes))
    }
}

/// Records an event of a report in its audit channel: the protected-source channel when
/// the report is confidential or anonymous (served only as counts per day), so that nothing
/// served places the filing or what follows from it among other people's entries.
#[tracing::instrument(skip_all)]
pub(crate) async fn record_report_event<B: Serialize, A: Serialize>(
    conn: &mut Conn,
    mode: ReportMode,
    actor: &Actor,
    change: crate::Change<'_, B, A>,
) -> Result<i64> {
    crate::record_change_in(conn, report_channel(mode), actor, change).await
}

/// The audit channel of a report's events: the protected-source channel when its mode
/// protects the reporter.
pub(crate) fn report_channel(mode: ReportMode) -> AuditChannel {
    if mode.protects_source() {
        AuditChannel::ProtectedSource
    } else {
        AuditChannel::Trail
    }
}

/// A category code of the taxonomy, or a refusal.
/// The category a report is filed or triaged under: one the rules offer, or the one it has
/// (a category withdrawn after filing stays the report's).
fn category_of<'a>(
    rules: &'a sems_domain::report::rules::ReportingRules,
    code: &str,
    kept: Option<&str>,
) -> std::result::Result<&'a sems_domain::report::rules::CategoryRule, ValidationError> {
    let code = code.trim();
    match rules.category(code) {
        Some(c) if c.active || kept == Some(code) => Ok(c),
        _ => Err(ValidationError::new(
            "category",
            "choose a category of the list",
        )),
    }
}
