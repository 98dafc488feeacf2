//! Disclosure of a confidential reporter's identity is an approved act: a handler asks with a
//! reason, the organisation's identity custodian (another person) decides, and only then may
//! that handler open the sealed identity. Each step is in the audit trail — never the
//! identity itself — and the reporter sees it with their receipt.

use super::record_report_event;
use super::report_meta;
use super::ReportingServices;
use crate::{authorize, Actor, Result, ServiceError, NONE};
use sems_domain::access::Action;
use sems_domain::report::{disclosure_usable, DisclosureDecision, MessageSide, ReportMode};
use sems_domain::role::Role;
use sems_domain::util::bounded_text;
use sems_domain::ValidationError;
use sems_storage::{notifications, people, reports};

impl ReportingServices<'_> {
    /// A handler asks to know who filed a confidential report, saying why.
    #[tracing::instrument(skip_all)]
    pub async fn request_identity(
        &self,
        actor: &Actor,
        report_id: i64,
        reason: &str,
    ) -> Result<i64> {
        let reason = bounded_text("reason", reason, 10, 2000).map_err(|_| {
            ValidationError::new(
                "reason",
                "say why you need the identity (10 to 2000 characters)",
            )
        })?;
        let person = actor
            .person_id()
            .ok_or(ServiceError::Forbidden("only a person asks".into()))?;
        let mut tx = self.store.write().await?;
        let report = Self::report_for_update(tx.conn(), actor, report_id).await?;
        if report.mode != ReportMode::Confidential {
            return Err(ServiceError::Conflict(
                "only a confidential report has a sealed identity".into(),
            ));
        }
        // Still open: a pending request, or an approval not yet used and not lapsed.
        let now = sems_storage::now_ms();
        let open = reports::identity_requests(tx.conn(), report_id)
            .await?
            .into_iter()
            .any(|r| {
                r.requested_by == person
                    && match r.decision {
                        DisclosureDecision::Pending => true,
                        DisclosureDecision::Approved => {
                            disclosure_usable(r.used_at_ms, r.valid_until_ms, now).is_ok()
                        }
                        DisclosureDecision::Refused => false,
                    }
            });
        if open {
            return Err(ServiceError::Conflict(
                "you already asked for this identity".into(),
            ));
        }
        let id = reports::insert_identity_request(tx.conn(), report_id, person, &reason).await?;
        record_report_event(
            tx.conn(),
            report.mode,
            actor,
            crate::Change {
                about: &super::report_about(&report),
                action: crate::reports::trail::SECURITY_REPORT_IDENTITY_REQUEST,
                record_id: Some(id),
                before: NONE,
                after: Some(&serde_json::json!({ "report_id": report_id, "reason": reason })),
            },
        )
        .await?;
        let custodians =
            people::ids_with_roles(tx.conn(), report.party_id, &[Role::IdentityCustodian]).await?;
        notifications::insert(
            tx.conn(),
            &custodians,
            "A report handler asks to know a confidential reporter's identity",
            &format!("/reports/{report_id}"),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The identity custodian approves or refuses a request — never their own.
    #[tracing::instrument(skip_all)]
    pub async fn decide_identity(
        &self,
        actor: &Actor,
        report_id: i64,
        request_id: i64,
        approve: bool,
        note: &str,
    ) -> Result<()> {
        let note = bounded_text("note", note, 3, 2000).map_err(|_| {
            ValidationError::new(
                "note",
                "record the grounds of the decision (3 to 2000 characters)",
            )
        })?;
        let mut tx = self.store.write().await?;
        let report = reports::report(tx.conn(), report_id)
            .await?
            .ok_or(ServiceError::NotFound("security report"))?;
        authorize(
            actor,
            Action::Accept,
            &report_meta(&report),
            "security report",
        )?;
        let request = reports::identity_requests(tx.conn(), report_id)
            .await?
            .into_iter()
            .find(|r| r.id == request_id)
            .ok_or(ServiceError::NotFound("identity request"))?;
        if request.decision != DisclosureDecision::Pending {
            return Err(ServiceError::Conflict(
                "this request is already decided".into(),
            ));
        }
        if actor.person_id() == Some(request.requested_by) {
            return Err(ServiceError::Forbidden(
                "the person who asked cannot decide their own request".into(),
            ));
        }
        let decider = actor
            .person_id()
            .ok_or(ServiceError::Forbidden("only a person decides".into()))?;
        let hours = self.reporting_config()?.targets.disclosure_hours;
        let valid_until = approve.then(|| sems_storage::now_ms() + hours * 3_600_000);
        reports::decide_identity_request(
            tx.conn(),
            request_id,
            approve,
            decider,
            &note,
            valid_until,
        )
        .await?;
        record_report_event(
            tx.conn(),
            report.mode,
            actor,
            crate::Change {
                about: &super::report_about(&report),
                action: if approve {
                    crate::reports::trail::SECURITY_REPORT_IDENTITY_APPROVE
                } else {
                    crate::reports::trail::SECURITY_REPORT_IDENTITY_REFUSE
                },
                record_id: Some(request_id),
                before: NONE,
                after: Some(&serde_json::json!({ "report_id": report_id, "note": note })),
            },
        )
        .await?;
        notifications::insert(
            tx.conn(),
            &[request.requested_by],
            if approve {
                "Your request to know a reporter's identity was approved"
            } else {
                "Your request to know a reporter's identity was refused"
            },
            &format!("/reports/{report_id}"),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Opens the sealed identity for the handler whose request was approved, recording the
    /// disclosure and telling the reporter.
    #[tracing::instrument(skip_all)]
    pub async fn disclose_identity(&self, actor: &Actor, report_id: i64) -> Result<String> {
        let person = actor
            .person_id()
            .ok_or(ServiceError::Forbidden("only a person".into()))?;
        let mut tx = self.store.write().await?;
        let report = Self::report_for_update(tx.conn(), actor, report_id).await?;
        let approvals: Vec<_> = reports::identity_requests(tx.conn(), report_id)
            .await?
            .into_iter()
            .filter(|r| r.requested_by == person && r.decision == DisclosureDecision::Approved)
            .collect();
        if approvals.is_empty() {
            return Err(ServiceError::Forbidden(
                "the identity is disclosed only after the identity custodian approves your request"
                    .into(),
            ));
        }
        let now = sems_storage::now_ms();
        // The newest approval that can still be used; otherwise say why the newest cannot.
        let usable = approvals
            .iter()
            .find(|r| disclosure_usable(r.used_at_ms, r.valid_until_ms, now).is_ok());
        let Some(approval) = usable else {
            let why = disclosure_usable(approvals[0].used_at_ms, approvals[0].valid_until_ms, now)
                .err()
                .unwrap_or("ask the identity custodian again");
            return Err(ServiceError::Forbidden(why.into()));
        };
        reports::use_identity_request(tx.conn(), approval.id).await?;
        let sealed = reports::sealed_identity(tx.conn(), report_id)
            .await?
            .ok_or(ServiceError::NotFound("sealed identity"))?;
        let identity = self
            .reporting_config()?
            .open(&sealed, &super::sealing::identity_binding(report_id))?;
        record_report_event(
            tx.conn(),
            report.mode,
            actor,
            crate::Change {
                about: &super::report_about(&report),
                action: crate::reports::trail::SECURITY_REPORT_IDENTITY_DISCLOSED,
                record_id: Some(report_id),
                before: NONE,
                after: Some(&serde_json::json!({ "report_id": report_id })),
            },
        )
        .await?;
        reports::insert_message(
            tx.conn(),
            report_id,
            MessageSide::Handler,
            None,
            "Your identity was disclosed to a report handler, with the identity custodian's approval.",
        )
        .await?;
        tx.commit().await?;
        Ok(identity)
    }

    /// Disclosure requests waiting for the actor's decision, as (request, report, reason).
    #[tracing::instrument(skip_all)]
    pub async fn pending_identity_requests(
        &self,
        actor: &Actor,
    ) -> Result<Vec<reports::PendingDisclosure>> {
        let Some(subject) = actor.subject() else {
            return Ok(Vec::new());
        };
        // Whoever the access rule lets decide on the organisation's reports.
        let decides = sems_domain::access::decide(
            subject,
            Action::Accept,
            &sems_domain::access::RecordMeta::plain(
                sems_domain::access::RecordKind::SecurityReport,
                subject.party_id,
                subject.party_is_authority,
            ),
        );
        if decides.is_err() {
            return Ok(Vec::new());
        }
        let mut conn = self.store.read().await?;
        Ok(reports::pending_identity_requests(&mut conn, subject.party_id).await?)
    }
}
