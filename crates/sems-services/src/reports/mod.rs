//! Confidential security reporting: filing (identified, confidential or anonymous, signed in
//! or through an organisation's public link), the receipt with which a reporter follows the
//! report without an account, and the handlers' workflow from triage to closure. Identity
//! disclosure, de-identification and forwarding, and statistics are in the submodules.

pub mod forwarding;
pub mod identity;
pub mod sealing;
pub mod statistics;

use crate::risk::evidence::{store_evidence, NewFact};
use crate::{authorize, record_change, Actor, Result, ServiceError, Services, NONE};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::audit::{day_start, AuditChannel};
use sems_domain::measure::EvidenceKind;
use sems_domain::report::{
    check_attachment, clean_filename, normalize_receipt, receipt_code, sees_exact_times,
    DisclosureDecision, JustCulture, MessageSide, ReportMode, ReportStatus, Severity,
    DEFAULT_TAXONOMY, MAX_ATTACHMENTS,
};
use sems_domain::role::Role;
use sems_domain::util::{bounded_text, format_date, parse_date, sha256_hex, today};
use sems_domain::ValidationError;
use sems_storage::reports::{self, Attachment, Message, NewReport, Report, ReportAction};
use sems_storage::{notifications, now_ms, parties, people, risk, Conn};
use serde::{Deserialize, Serialize};

/// The actor recorded in the audit trail for what a confidential or anonymous reporter does:
/// never the person, so the trail cannot be used to unmask them.
pub const REPORTER: Actor = Actor::System("confidential reporting");

pub(crate) fn report_meta(r: &Report) -> RecordMeta {
    let mut m = RecordMeta::plain(RecordKind::SecurityReport, r.party_id, false);
    m.classification = r.classification;
    m.need_to_know = r.need_to_know;
    m
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    #[serde(default)]
    pub site_id: Option<i64>,
    /// A category code of the taxonomy.
    pub category: String,
    /// When it happened: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
    pub occurred_at: String,
    #[serde(default)]
    pub location: String,
    pub what_happened: String,
    #[serde(default)]
    pub reporter_thinks_mandatory: bool,
    /// identified, confidential or anonymous.
    pub mode: String,
    /// For a confidential report: how the handlers may reach the reporter (sealed with the
    /// identity). Must be empty for an anonymous one.
    #[serde(default)]
    pub reporter_contact: String,
}

/// An uploaded file, before checking.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// What filing returns: the receipt, shown once and never stored.
#[derive(Debug, Clone, Serialize)]
pub struct Filed {
    pub report_id: i64,
    pub receipt: String,
}

/// What a reporter sees with their receipt.
#[derive(Debug, Clone, Serialize)]
pub struct ReceiptView {
    pub status: ReportStatus,
    pub category: String,
    pub occurred_at: String,
    pub filed_at_ms: i64,
    pub what_happened: String,
    pub mode: ReportMode,
    /// The conversation with the handlers (their names are not shown).
    pub messages: Vec<ReporterMessage>,
    /// Once closed: what came of it.
    pub outcome: String,
    pub lessons: String,
    /// Each disclosure request and its fate: the reporter learns that it happened.
    pub disclosures: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReporterMessage {
    pub from_reporter: bool,
    pub body: String,
    pub at_ms: i64,
}

/// Whether a step of the workflow is late.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Overdue {
    pub triage: bool,
    pub closure: bool,
    pub forwarding: bool,
}

/// A report with everything its handler works with.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub report: Report,
    pub attachments: Vec<Attachment>,
    pub messages: Vec<Message>,
    pub identity_requests: Vec<reports::IdentityRequest>,
    pub actions: Vec<ReportAction>,
    pub overdue: Overdue,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageInput {
    pub category: String,
    pub severity: String,
    pub mandatory: bool,
    #[serde(default)]
    pub scenario_ids: Vec<i64>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectiveActionInput {
    pub title: String,
    pub due_on: String,
    #[serde(default)]
    pub responsible_person_id: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    pub outcome: String,
    #[serde(default)]
    pub lessons: String,
    pub just_culture: String,
    #[serde(default)]
    pub corrective_actions: Vec<CorrectiveActionInput>,
}

/// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`, not in the future (a day's grace for time zones).
fn occurred_at(input: &str) -> Result<String, ValidationError> {
    let input = input.trim();
    let (day, time) = match input.split_once(['T', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (input, None),
    };
    let date = parse_date("occurred_at", day)?;
    if date > today() + time::Duration::days(1) {
        return Err(ValidationError::new(
            "occurred_at",
            "cannot be in the future",
        ));
    }
    let time = match time {
        Some(t) => {
            let parts: Vec<&str> = t.split(':').collect();
            let ok = parts.len() >= 2
                && parts[0].parse::<u8>().is_ok_and(|h| h < 24)
                && parts[1].parse::<u8>().is_ok_and(|m| m < 60);
            if !ok {
                return Err(ValidationError::new(
                    "occurred_at",
                    "the time must be written HH:MM",
                ));
            }
            format!("T{:0>2}:{:0>2}", parts[0], parts[1])
        }
        None => String::new(),
    };
    Ok(format!("{}{time}", format_date(date)))
}

/// The checked attachments: (clean name, content type, SHA-256, bytes).
type CheckedAttachment = (String, &'static str, String, Vec<u8>);

fn check_attachments(files: Vec<NewAttachment>) -> Result<Vec<CheckedAttachment>> {
    let files: Vec<NewAttachment> = files
        .into_iter()
        .filter(|f| !(f.bytes.is_empty() && f.filename.trim().is_empty()))
        .collect();
    if files.len() > MAX_ATTACHMENTS {
        return Err(ValidationError::new(
            "attachments",
            format!("at most {MAX_ATTACHMENTS} attachments"),
        )
        .into());
    }
    files
        .into_iter()
        .map(|f| {
            let name = clean_filename(&f.filename);
            let kind = check_attachment(&name, &f.bytes)?;
            let sum = sha256_hex(&f.bytes);
            Ok((name, kind, sum, f.bytes))
        })
        .collect()
}

impl Services {
    pub(crate) fn reporting(&self) -> Result<&sealing::ReportingConfig> {
        self.reporting.as_ref().ok_or_else(|| {
            ServiceError::Internal("confidential reporting is not configured".into())
        })
    }

    /// Publishes the default taxonomy where its categories are missing. Runs at start.
    pub async fn ensure_reporting_defaults(&self) -> Result<()> {
        let mut tx = self.store.write().await?;
        let authority = parties::authority(tx.conn()).await?.map(|a| a.id);
        let mut added = Vec::new();
        for (i, (code, label)) in DEFAULT_TAXONOMY.iter().enumerate() {
            if reports::ensure_category(tx.conn(), code, label, i as i64).await? {
                added.push(*code);
            }
        }
        if let (false, Some(authority)) = (added.is_empty(), authority) {
            record_change(
                tx.conn(),
                &Actor::System("set-up"),
                authority,
                "report_category.create",
                "report_category",
                None,
                NONE,
                Some(&added),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn report_categories(&self) -> Result<Vec<reports::Category>> {
        let mut conn = self.store.read().await?;
        Ok(reports::categories(&mut conn).await?)
    }

    /// Files a report with `party_id`. `actor` is the signed-in person, or `Actor::System`
    /// for the public link. Every check runs before anything is written.
    pub async fn file_report(
        &self,
        actor: &Actor,
        party_id: i64,
        input: &ReportInput,
        attachments: Vec<NewAttachment>,
    ) -> Result<Filed> {
        let mode = ReportMode::parse(&input.mode)?;
        let occurred = occurred_at(&input.occurred_at)?;
        let what =
            bounded_text("what_happened", &input.what_happened, 10, 10_000).map_err(|_| {
                ValidationError::new(
                    "what_happened",
                    "describe what happened in 10 to 10,000 characters",
                )
            })?;
        let location = bounded_text("location", &input.location, 0, 300)?;
        let contact = bounded_text("reporter_contact", &input.reporter_contact, 0, 500)?;
        let files = check_attachments(attachments)?;
        let reporting = self.reporting()?.clone();
        let mut tx = self.store.write().await?;
        let party = parties::get(tx.conn(), party_id)
            .await?
            .filter(|p| !p.kind.is_authority() && p.active)
            .ok_or(ServiceError::NotFound("organisation"))?;
        let person = match actor {
            Actor::Person(subject) => {
                authorize(
                    actor,
                    Action::Create,
                    &RecordMeta::plain(RecordKind::SecurityReport, party.id, false),
                    "organisation",
                )?;
                people::get(tx.conn(), subject.person_id).await?
            }
            Actor::System(_) => None,
        };
        let (reporter_person_id, sealed) = match mode {
            ReportMode::Identified => {
                let p = person.as_ref().ok_or_else(|| {
                    ValidationError::new(
                        "mode",
                        "an identified report is filed signed in; choose confidential to leave your name",
                    )
                })?;
                (Some(p.id), None)
            }
            ReportMode::Confidential => {
                let identity = match &person {
                    Some(p) => format!("{} ({}) {contact}", p.display_name, p.username),
                    None if contact.chars().count() >= 3 => contact.clone(),
                    None => {
                        return Err(ValidationError::new(
                            "reporter_contact",
                            "give your name and a way to reach you; only the report handlers can see it",
                        )
                        .into())
                    }
                };
                (None, Some(reporting.seal(identity.trim())?))
            }
            ReportMode::Anonymous => {
                if !contact.is_empty() {
                    return Err(ValidationError::new(
                        "reporter_contact",
                        "leave the contact empty for an anonymous report, or choose confidential",
                    )
                    .into());
                }
                (None, None)
            }
        };
        let category = known_category(tx.conn(), &input.category).await?;
        if let Some(site) = input.site_id {
            let found = sems_storage::sites::get(tx.conn(), site).await?;
            if found.is_none_or(|s| s.party_id != party.id) {
                return Err(
                    ValidationError::new("site_id", "choose a site of this organisation").into(),
                );
            }
        }
        // Files first: content-addressed, so a failed transaction leaves at most an unused
        // file, never a row without its file.
        for (_, _, sum, bytes) in &files {
            store_file(&reporting.attachments_dir, sum, bytes)?;
        }
        let random = crate::secrets::random_bytes(20)?;
        let mut seed = [0u8; 20];
        seed.copy_from_slice(&random);
        let receipt = receipt_code(&seed);
        let filed = now_ms();
        let id = reports::insert_report(
            tx.conn(),
            &NewReport {
                party_id: party.id,
                site_id: input.site_id,
                category_code: category,
                occurred_at: &occurred,
                location: &location,
                what_happened: &what,
                reporter_thinks_mandatory: input.reporter_thinks_mandatory,
                mode,
                reporter_person_id,
                reporter_identity_sealed: sealed,
                receipt_hash: &sha256_hex(normalize_receipt(&receipt).as_bytes()),
                forward_due_at_ms: input
                    .reporter_thinks_mandatory
                    .then(|| filed + reporting.targets.forward_hours * 3_600_000),
            },
        )
        .await?;
        for (name, kind, sum, bytes) in &files {
            reports::insert_attachment(tx.conn(), id, name, kind, bytes.len() as i64, sum).await?;
        }
        let audit_actor = if mode == ReportMode::Identified {
            actor.clone()
        } else {
            REPORTER
        };
        let detail = serde_json::json!({
            "report_id": id, "mode": mode.as_str(), "category": category,
            "attachments": files.len(),
        });
        record_report_event(
            tx.conn(),
            mode,
            &audit_actor,
            party.id,
            "security_report.file",
            "security_report",
            Some(id),
            NONE,
            Some(&detail),
        )
        .await?;
        let handlers = people::ids_with_roles(tx.conn(), party.id, &[Role::ReportHandler]).await?;
        notifications::insert(
            tx.conn(),
            &handlers,
            "A security report was filed",
            &format!("/reports/{id}"),
        )
        .await?;
        tx.commit().await?;
        Ok(Filed {
            report_id: id,
            receipt,
        })
    }

    /// What the reporter sees with their receipt. A wrong receipt is simply not found.
    pub async fn receipt_view(&self, receipt: &str) -> Result<ReceiptView> {
        let mut conn = self.store.read().await?;
        let report = by_receipt(&mut conn, receipt).await?;
        let messages = reports::messages(
            &mut conn,
            report.id,
            &[MessageSide::Handler, MessageSide::Reporter],
        )
        .await?
        .into_iter()
        .map(|m| ReporterMessage {
            from_reporter: m.side == MessageSide::Reporter,
            body: m.body,
            at_ms: m.created_at_ms,
        })
        .collect();
        let disclosures = reports::identity_requests(&mut conn, report.id)
            .await?
            .into_iter()
            .map(|r| match r.decision {
                DisclosureDecision::Pending => format!(
                    "On {} a report handler asked to know who you are; the identity custodian has not decided yet.",
                    sems_domain::util::date_of(r.requested_at_ms)
                ),
                DisclosureDecision::Approved => format!(
                    "On {} the identity custodian allowed a report handler to know who you are.",
                    sems_domain::util::date_of(r.decided_at_ms.unwrap_or(r.requested_at_ms))
                ),
                DisclosureDecision::Refused => format!(
                    "On {} a request to know who you are was refused by the identity custodian.",
                    sems_domain::util::date_of(r.decided_at_ms.unwrap_or(r.requested_at_ms))
                ),
            })
            .collect();
        let closed = report.status == ReportStatus::Closed;
        Ok(ReceiptView {
            status: report.status,
            category: report.category_label,
            occurred_at: report.occurred_at,
            filed_at_ms: report.filed_at_ms,
            what_happened: report.what_happened,
            mode: report.mode,
            messages,
            outcome: if closed {
                report.outcome
            } else {
                String::new()
            },
            lessons: if closed {
                report.lessons
            } else {
                String::new()
            },
            disclosures,
        })
    }

    /// The reporter answers the handlers, with their receipt.
    pub async fn reply_with_receipt(&self, receipt: &str, body: &str) -> Result<()> {
        let body = bounded_text("body", body, 1, 5000)?;
        let mut tx = self.store.write().await?;
        let report = by_receipt(tx.conn(), receipt).await?;
        reports::insert_message(tx.conn(), report.id, MessageSide::Reporter, None, &body).await?;
        record_report_event(
            tx.conn(),
            report.mode,
            &REPORTER,
            report.party_id,
            "security_report.reporter_reply",
            "security_report",
            Some(report.id),
            NONE,
            Some(&serde_json::json!({ "report_id": report.id })),
        )
        .await?;
        let handlers =
            people::ids_with_roles(tx.conn(), report.party_id, &[Role::ReportHandler]).await?;
        notifications::insert(
            tx.conn(),
            &handlers,
            "A reporter answered",
            &format!("/reports/{}", report.id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The reports the actor may read (handlers search them here).
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

    pub(crate) async fn readable_report(conn: &mut Conn, actor: &Actor, id: i64) -> Result<Report> {
        let r = reports::report(conn, id)
            .await?
            .ok_or(ServiceError::NotFound("security report"))?;
        authorize(actor, Action::Read, &report_meta(&r), "security report")?;
        Ok(r)
    }

    /// Late steps of a report, against the deployment's targets.
    pub fn overdue(&self, r: &Report) -> Overdue {
        let now = now_ms();
        let Ok(reporting) = self.reporting() else {
            return Overdue::default();
        };
        let t = reporting.targets;
        Overdue {
            triage: r.status == ReportStatus::New
                && now > r.filed_at_ms + t.triage_hours * 3_600_000,
            closure: r.status != ReportStatus::Closed
                && r.triaged_at_ms
                    .is_some_and(|at| now > at + t.closure_days * 86_400_000),
            forwarding: r.forwarded_at_ms.is_none()
                && r.mandatory != Some(false)
                && r.forward_due_at_ms.is_some_and(|due| now > due),
        }
    }

    /// A report with its attachments, messages, disclosure requests and actions.
    pub async fn report_view(&self, actor: &Actor, id: i64) -> Result<ReportView> {
        let mut conn = self.store.read().await?;
        let mut report = Self::readable_report(&mut conn, actor, id).await?;
        let mut messages = reports::messages(&mut conn, id, MessageSide::ALL).await?;
        let mut identity_requests = reports::identity_requests(&mut conn, id).await?;
        let overdue = self.overdue(&report);
        // Readers other than the handlers see a protected report's times to the day only.
        let exact = actor
            .subject()
            .is_none_or(|s| sees_exact_times(&s.roles, report.mode));
        if !exact {
            report.to_the_day();
            for m in &mut messages {
                m.created_at_ms = day_start(m.created_at_ms);
            }
            for r in &mut identity_requests {
                r.requested_at_ms = day_start(r.requested_at_ms);
                r.decided_at_ms = r.decided_at_ms.map(day_start);
            }
        }
        Ok(ReportView {
            attachments: reports::attachments(&mut conn, id).await?,
            messages,
            identity_requests,
            actions: reports::report_actions(&mut conn, id).await?,
            overdue,
            report,
        })
    }

    /// An attachment's metadata and bytes, checked against its recorded checksum.
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
        let path = file_path(&self.reporting()?.attachments_dir, &a.sha256);
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

    /// Loads a report for a change by its handler.
    async fn report_for_update(conn: &mut Conn, actor: &Actor, id: i64) -> Result<Report> {
        let r = reports::report(conn, id)
            .await?
            .ok_or(ServiceError::NotFound("security report"))?;
        authorize(actor, Action::Update, &report_meta(&r), "security report")?;
        Ok(r)
    }

    /// Triage: the category confirmed, severity, whether it is mandatory to report to the
    /// authority, and the threat scenarios it concerns — each of which records an occurrence
    /// in the risk module's objective data and marks those assessments for review.
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
        let forward_hours = self.reporting()?.targets.forward_hours;
        let mut tx = self.store.write().await?;
        let before = Self::report_for_update(tx.conn(), actor, id).await?;
        if !before.status.may_move_to(ReportStatus::Triaged) {
            return Err(ServiceError::Conflict(format!(
                "a report that is {} cannot be triaged",
                before.status.label().to_lowercase()
            )));
        }
        let category = known_category(tx.conn(), &input.category).await?;
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
            .then(|| before.filed_at_ms + forward_hours * 3_600_000);
        reports::triage(
            tx.conn(),
            id,
            &reports::Triage {
                category_code: category,
                severity,
                mandatory: input.mandatory,
                note: &note,
                forward_due_at_ms: due,
            },
            &scenario_ids,
        )
        .await?;
        let occurred_on: String = before.occurred_at.chars().take(10).collect();
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
                    occurred_on: &occurred_on,
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
            before.party_id,
            "security_report.triage",
            "security_report",
            Some(id),
            Some(&workflow_facts(&before)),
            Some(&workflow_facts(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

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
            before.party_id,
            "security_report.investigate",
            "security_report",
            Some(id),
            Some(&workflow_facts(&before)),
            Some(&workflow_facts(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Closure: outcome, lessons, the just-culture decision, and corrective actions opened.
    pub async fn close_report(&self, actor: &Actor, id: i64, input: &CloseInput) -> Result<Report> {
        let outcome = bounded_text("outcome", &input.outcome, 3, 5000)?;
        let lessons = bounded_text("lessons", &input.lessons, 0, 5000)?;
        let decision = JustCulture::parse(&input.just_culture)?;
        if input.corrective_actions.len() > 20 {
            return Err(ValidationError::new("corrective_actions", "at most 20").into());
        }
        let mut actions = Vec::new();
        for a in &input.corrective_actions {
            actions.push((
                bounded_text("corrective_actions", &a.title, 3, 300)?,
                format_date(parse_date("due_on", &a.due_on)?),
                a.responsible_person_id,
            ));
        }
        let mut tx = self.store.write().await?;
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
        reports::close(tx.conn(), id, &outcome, &lessons, decision).await?;
        for (title, due, person) in &actions {
            reports::insert_report_action(tx.conn(), id, title, *person, due).await?;
        }
        let after = reports::report(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("security report"))?;
        record_report_event(
            tx.conn(),
            before.mode,
            actor,
            before.party_id,
            "security_report.close",
            "security_report",
            Some(id),
            Some(&workflow_facts(&before)),
            Some(&workflow_facts(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// A handler writes to the reporter (read with the receipt).
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
            r.party_id,
            "security_report.message",
            "security_report",
            Some(id),
            NONE,
            Some(&serde_json::json!({ "report_id": id, "side": "handler" })),
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
        "scenario_ids": r.scenario_ids, "just_culture": r.just_culture.map(|j| j.as_str()),
        "forwarded_at_ms": r.forwarded_at_ms,
    })
}

/// Records an event of a report in its audit channel: the protected-source channel when
/// the report is confidential or anonymous (served only as counts per day), so that nothing
/// served places the filing or what follows from it among other people's entries.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_report_event<B: Serialize, A: Serialize>(
    conn: &mut Conn,
    mode: ReportMode,
    actor: &Actor,
    owner_party_id: i64,
    action: &str,
    record_kind: &str,
    record_id: Option<i64>,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<i64> {
    let channel = if mode.protects_source() {
        AuditChannel::ProtectedSource
    } else {
        AuditChannel::Trail
    };
    crate::record_change_in(
        conn,
        channel,
        actor,
        owner_party_id,
        action,
        record_kind,
        record_id,
        before,
        after,
    )
    .await
}

/// A category code of the taxonomy, or a refusal.
async fn known_category<'a>(conn: &mut Conn, code: &'a str) -> Result<&'a str> {
    let code = code.trim();
    if reports::categories(conn)
        .await?
        .iter()
        .any(|c| c.code == code)
    {
        Ok(code)
    } else {
        Err(ValidationError::new("category", "choose a category of the list").into())
    }
}

async fn by_receipt(conn: &mut Conn, receipt: &str) -> Result<Report> {
    let code = normalize_receipt(receipt);
    if code.len() < 20 {
        return Err(ServiceError::NotFound("receipt"));
    }
    reports::report_by_receipt(conn, &sha256_hex(code.as_bytes()))
        .await?
        .ok_or(ServiceError::NotFound("receipt"))
}

pub(crate) fn file_path(dir: &std::path::Path, sha256: &str) -> std::path::PathBuf {
    dir.join(sha256.get(..2).unwrap_or("00")).join(sha256)
}

/// Writes an attachment under its checksum (once: the same file twice is stored once).
pub(crate) fn store_file(dir: &std::path::Path, sha256: &str, bytes: &[u8]) -> Result<()> {
    let path = file_path(dir, sha256);
    if path.exists() {
        return Ok(());
    }
    let parent = path
        .parent()
        .ok_or_else(|| ServiceError::Internal("attachment path".into()))?;
    std::fs::create_dir_all(parent)
        .map_err(|e| ServiceError::Internal(format!("cannot create {}: {e}", parent.display())))?;
    // Write then rename, so a crash never leaves a half file under a valid checksum.
    let partial = parent.join(format!("{sha256}.partial"));
    std::fs::write(&partial, bytes)
        .map_err(|e| ServiceError::Internal(format!("cannot write an attachment: {e}")))?;
    std::fs::rename(&partial, &path)
        .map_err(|e| ServiceError::Internal(format!("cannot store an attachment: {e}")))
}

/// What the filing form needs to know about the organisation a report goes to.
#[derive(Debug, Clone, Serialize)]
pub struct FilingTarget {
    pub party_id: i64,
    pub party_code: String,
    pub party_name: String,
    pub sites: Vec<(i64, String)>,
    pub categories: Vec<reports::Category>,
}

impl Services {
    /// The organisation behind a public reporting link (its party code), for anyone.
    pub async fn filing_target(&self, code: &str) -> Result<FilingTarget> {
        let mut conn = self.store.read().await?;
        let party = parties::by_code(&mut conn, code.trim()).await?;
        Self::target_of(&mut conn, party).await
    }

    /// The same for an organisation by id (a signed-in person's own).
    pub async fn filing_target_for(&self, party_id: i64) -> Result<FilingTarget> {
        let mut conn = self.store.read().await?;
        let party = parties::get(&mut conn, party_id).await?;
        Self::target_of(&mut conn, party).await
    }

    async fn target_of(conn: &mut Conn, party: Option<parties::Party>) -> Result<FilingTarget> {
        let party = party
            .filter(|p| !p.kind.is_authority() && p.active)
            .ok_or(ServiceError::NotFound("organisation"))?;
        Ok(FilingTarget {
            sites: reports::site_names(conn, party.id).await?,
            categories: reports::categories(conn).await?,
            party_id: party.id,
            party_code: party.code,
            party_name: party.name,
        })
    }
}
