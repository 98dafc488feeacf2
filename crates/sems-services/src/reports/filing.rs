//! Filing a report (identified, confidential or anonymous; signed in or through an
//! organisation's public link) and following it with the receipt, without an account.

use super::ReportingServices;
use crate::{authorize, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::report::{
    check_attachment, clean_filename, normalize_receipt, receipt_code, DisclosureDecision,
    MessageSide, ReportMode, ReportStatus, MAX_ATTACHMENTS,
};
use sems_domain::role::Role;
use sems_domain::util::{bounded_text, format_date, parse_date, sha256_hex, today};
use sems_domain::{Checks, ValidationError};
use sems_storage::reports::{self, Report};
use sems_storage::{notifications, parties, people, Conn};
use serde::{Deserialize, Serialize};

use super::{record_report_event, REPORTER};
use crate::attachments::store_file;

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
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Filed {
    pub report_id: i64,
    /// Shown once: only its hash is stored.
    pub receipt: String,
}

/// What a reporter sees with their receipt.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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

/// A message of the conversation between the reporter and the handlers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReporterMessage {
    pub from_reporter: bool,
    pub body: String,
    pub at_ms: i64,
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

/// Who the reporter is for `mode`: the person's id for an identified report, the identity to
/// seal for a confidential one (sealed once the report has its id, to which it is bound),
/// nothing for an anonymous one.
fn reporter_of(
    mode: ReportMode,
    person: Option<&sems_storage::people::Person>,
    contact: &str,
) -> Result<(Option<i64>, Option<String>), ValidationError> {
    match mode {
        ReportMode::Identified => {
            let p = person.ok_or_else(|| {
                ValidationError::new(
                    "mode",
                    "an identified report is filed signed in; choose confidential to leave your name",
                )
            })?;
            Ok((Some(p.id), None))
        }
        ReportMode::Confidential => {
            let identity = match person {
                Some(p) => format!("{} ({}) {contact}", p.display_name, p.username),
                None if contact.chars().count() >= 3 => contact.to_string(),
                None => return Err(ValidationError::new(
                    "reporter_contact",
                    "give your name and a way to reach you; only the report handlers can see it",
                )),
            };
            Ok((None, Some(identity.trim().to_string())))
        }
        ReportMode::Anonymous => {
            if !contact.is_empty() {
                return Err(ValidationError::new(
                    "reporter_contact",
                    "leave the contact empty for an anonymous report, or choose confidential",
                ));
            }
            Ok((None, None))
        }
    }
}

/// The checked attachments: (clean name, content type, SHA-256, bytes).
type CheckedAttachment = (String, &'static str, String, Vec<u8>);

fn check_attachments(files: Vec<NewAttachment>) -> Result<Vec<CheckedAttachment>, ValidationError> {
    let files: Vec<NewAttachment> = files
        .into_iter()
        .filter(|f| !(f.bytes.is_empty() && f.filename.trim().is_empty()))
        .collect();
    if files.len() > MAX_ATTACHMENTS {
        return Err(ValidationError::new(
            "attachments",
            format!("at most {MAX_ATTACHMENTS} attachments"),
        ));
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

impl ReportingServices<'_> {
    /// Files a report with `party_id`. `actor` is the signed-in person, or `Actor::System`
    /// for the public link. Every check runs before anything is written.
    #[tracing::instrument(skip_all)]
    pub async fn file_report(
        &self,
        actor: &Actor,
        party_id: i64,
        input: &ReportInput,
        attachments: Vec<NewAttachment>,
    ) -> Result<Filed> {
        // Every answer is checked before any is refused, so the reporter sees every refusal
        // at once.
        let mut checks = Checks::default();
        let mode = checks.check(ReportMode::parse(&input.mode));
        let occurred = checks.check(occurred_at(&input.occurred_at));
        let what = checks.check(
            bounded_text("what_happened", &input.what_happened, 10, 10_000).map_err(|_| {
                ValidationError::new(
                    "what_happened",
                    "describe what happened in 10 to 10,000 characters",
                )
            }),
        );
        let location = checks
            .check(bounded_text("location", &input.location, 0, 300))
            .unwrap_or_default();
        let contact = checks
            .check(bounded_text(
                "reporter_contact",
                &input.reporter_contact,
                0,
                500,
            ))
            .unwrap_or_default();
        let files = checks.check(check_attachments(attachments));
        let reporting = self.reporting_config()?.clone();
        // What the filing reads to be checked is read before the write lock is taken (the
        // organisation, the reporter, the rules, the site), so that concurrent filings queue
        // only for their writes.
        let mut conn = self.store.read().await?;
        let party = receiving_filings(parties::get(&mut conn, party_id).await?)?;
        let person = match actor {
            Actor::Person(subject) => {
                authorize(
                    actor,
                    Action::Create,
                    &RecordMeta::plain(RecordKind::SecurityReport, party.id, false),
                    "organisation",
                )?;
                people::get(&mut conn, subject.person_id).await?
            }
            Actor::System(_) => None,
        };
        let reporter = mode.and_then(|m| checks.check(reporter_of(m, person.as_ref(), &contact)));
        let rules = super::rules::current_rules(&mut conn).await?;
        let category = checks.check(super::category_of(&rules.rules, &input.category, None));
        if let Some(site) = input.site_id {
            let found = sems_storage::sites::get(&mut conn, site).await?;
            if found.is_none_or(|s| s.party_id != party.id) {
                checks.refuse(ValidationError::new(
                    "site_id",
                    "choose a site of this organisation",
                ));
            }
        }
        drop(conn);
        checks.finish()?;
        let (
            Some(mode),
            Some(occurred),
            Some(what),
            Some(files),
            Some((reporter_person_id, to_seal)),
            Some(category),
        ) = (mode, occurred, what, files, reporter, category)
        else {
            return Err(ServiceError::Internal(
                "a report passed its checks without every value".into(),
            ));
        };
        // Files first: content-addressed, so a failed transaction leaves at most an unused
        // file, never a row without its file.
        for (_, _, sum, bytes) in &files {
            store_file(&reporting.attachments_dir, sum, bytes)?;
        }
        let random = crate::secrets::random_bytes(20)?;
        let mut seed = [0u8; 20];
        seed.copy_from_slice(&random);
        let receipt = receipt_code(&seed);
        let audit_actor = if mode == ReportMode::Identified {
            actor.clone()
        } else {
            REPORTER
        };
        let written = self
            .write_filing(super::intake::CheckedFiling {
                party_id: party.id,
                site_id: input.site_id,
                category_code: category.code.clone(),
                occurred_at: occurred,
                location,
                what_happened: what,
                reporter_thinks_mandatory: input.reporter_thinks_mandatory,
                mode,
                reporter_person_id,
                to_seal: to_seal.map(|identity| (identity, reporting.clone())),
                receipt_hash: sha256_hex(normalize_receipt(&receipt).as_bytes()),
                receipt,
                deadlines: category.deadlines,
                rules_version: rules.version,
                files: files
                    .iter()
                    .map(|(name, kind, sum, bytes)| {
                        (name.clone(), *kind, sum.clone(), bytes.len() as i64)
                    })
                    .collect(),
                audit_actor,
                category: serde_json::to_value(category)?,
            })
            .await?;
        Ok(Filed {
            report_id: written.report_id,
            receipt: written.receipt,
        })
    }

    /// What the reporter sees with their receipt. A wrong receipt is simply not found.
    #[tracing::instrument(skip_all)]
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
    #[tracing::instrument(skip_all)]
    pub async fn reply_with_receipt(&self, receipt: &str, body: &str) -> Result<()> {
        let body = bounded_text("body", body, 1, 5000)?;
        let mut tx = self.store.write().await?;
        let report = by_receipt(tx.conn(), receipt).await?;
        reports::insert_message(tx.conn(), report.id, MessageSide::Reporter, None, &body).await?;
        record_report_event(
            tx.conn(),
            report.mode,
            &REPORTER,
            crate::Change {
                about: &super::report_about(&report),
                action: crate::reports::trail::SECURITY_REPORT_REPORTER_REPLY,
                record_id: Some(report.id),
                before: NONE,
                after: Some(&serde_json::json!({ "report_id": report.id })),
            },
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

/// What the filing form needs to know about the organisation a report goes to (the pages'
/// only: the API answers with `Filed`).
#[derive(Debug, Clone)]
pub struct FilingTarget {
    pub party_id: i64,
    pub party_code: String,
    pub party_name: String,
    pub sites: Vec<sems_storage::Named>,
    pub categories: Vec<reports::Category>,
}

impl ReportingServices<'_> {
    /// The organisation behind a public reporting link (its party code), for anyone.
    #[tracing::instrument(skip_all)]
    pub async fn filing_target(&self, code: &str) -> Result<FilingTarget> {
        let mut conn = self.store.read().await?;
        let party = parties::by_code(&mut conn, code.trim()).await?;
        Self::target_of(&mut conn, party).await
    }

    /// The organisation a public link files to (its id), without what its form shows: for the
    /// API, which needs nothing else.
    #[tracing::instrument(skip_all)]
    pub async fn filing_party(&self, code: &str) -> Result<i64> {
        let mut conn = self.store.read().await?;
        Ok(receiving_filings(parties::by_code(&mut conn, code.trim()).await?)?.id)
    }

    /// The same for an organisation by id (a signed-in person's own).
    #[tracing::instrument(skip_all)]
    pub async fn filing_target_for(&self, party_id: i64) -> Result<FilingTarget> {
        let mut conn = self.store.read().await?;
        let party = parties::get(&mut conn, party_id).await?;
        Self::target_of(&mut conn, party).await
    }

    async fn target_of(conn: &mut Conn, party: Option<parties::Party>) -> Result<FilingTarget> {
        let party = receiving_filings(party)?;
        Ok(FilingTarget {
            sites: reports::site_names(conn, party.id).await?,
            categories: reports::categories(conn).await?,
            party_id: party.id,
            party_code: party.code,
            party_name: party.name,
        })
    }
}

/// The organisation a report is filed with: an active organisation other than the authority.
fn receiving_filings(party: Option<parties::Party>) -> Result<parties::Party> {
    party
        .filter(|p| !p.kind.is_authority() && p.active)
        .ok_or(ServiceError::NotFound("organisation"))
}
