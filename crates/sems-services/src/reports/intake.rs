//! Group commit of filings. A checked filing (every refusal already given, its files already
//! on disk) joins a queue; one writer takes every filing waiting, up to `BATCH`, and writes
//! them in one transaction: each report with its attachments, each its own audit entry (the
//! entries appended together, in order), the handlers' notifications in one statement. Each
//! filing is answered only once that transaction has committed, so an acknowledged filing is
//! as durable as any other write; filings that arrive while a batch is written wait for the
//! next one, and a filing alone is written at once. If a batch fails, its filings are written
//! one by one, so one filing's failure is never another's.
//!
//! What it saves is statements, not only commits: on SQLite each statement crosses to the
//! connection's thread and back, and on PostgreSQL it is a round trip, so a batch of eight
//! filings costs about a third of the statements of eight transactions.

use super::sealing::{identity_binding, ReportingConfig};
use crate::{Actor, Result, ServiceError};
use sems_domain::access::RecordKind;
use sems_domain::report::ReportMode;
use sems_storage::audit;
use sems_storage::reports::{self, NewReport};
use sems_storage::{notifications, Store};
use tokio::sync::{mpsc, oneshot};

/// Filings written in one transaction at most.
pub const BATCH: usize = 32;

/// A filing that passed every check, waiting to be written.
pub(crate) struct CheckedFiling {
    pub party_id: i64,
    pub site_id: Option<i64>,
    pub category_code: String,
    pub occurred_at: String,
    pub location: String,
    pub what_happened: String,
    pub reporter_thinks_mandatory: bool,
    pub mode: ReportMode,
    pub reporter_person_id: Option<i64>,
    /// A confidential reporter's identity with the key that seals it (bound to the report's
    /// id, so sealed once the id is known).
    pub to_seal: Option<(String, ReportingConfig)>,
    pub receipt: String,
    pub receipt_hash: String,
    /// The category's deadlines, counted from the moment the filing is written.
    pub deadlines: sems_domain::report::rules::Deadlines,
    pub rules_version: i64,
    /// name, content type, checksum, size
    pub files: Vec<(String, &'static str, String, i64)>,
    pub audit_actor: Actor,
    pub category: serde_json::Value,
}

/// What the filing's answer carries.
pub(crate) struct Written {
    pub report_id: i64,
    pub receipt: String,
}

struct Waiting {
    filing: CheckedFiling,
    answer: oneshot::Sender<Result<Written>>,
}

/// The queue of one node's filings, and its writer.
pub(crate) struct Intake {
    queue: mpsc::Sender<Waiting>,
}

impl Intake {
    /// Starts the writer. It holds the store but not the queue's sender, so it ends when the
    /// services that own the queue are dropped.
    fn start(store: Store) -> Self {
        let (queue, mut waiting) = mpsc::channel::<Waiting>(BATCH * 8);
        tokio::spawn(async move {
            while let Some(first) = waiting.recv().await {
                let mut batch = vec![first];
                while batch.len() < BATCH {
                    match waiting.try_recv() {
                        Ok(next) => batch.push(next),
                        Err(_) => break,
                    }
                }
                write_answering(&store, batch).await;
            }
        });
        Self { queue }
    }
}

impl crate::Services {
    /// Writes a checked filing with the others waiting; answers once it is committed.
    pub(crate) async fn write_filing(&self, filing: CheckedFiling) -> Result<Written> {
        let intake = self
            .intake
            .get_or_init(|| Intake::start(self.store.clone()));
        let (answer, answered) = oneshot::channel();
        intake
            .queue
            .send(Waiting { filing, answer })
            .await
            .map_err(|_| ServiceError::Internal("the filing queue has stopped".into()))?;
        answered
            .await
            .map_err(|_| ServiceError::Internal("the filing was not written".into()))?
    }
}

/// Writes a batch and answers each filing; a failed batch is written again one by one, so
/// each filing is answered with its own outcome.
async fn write_answering(store: &Store, batch: Vec<Waiting>) {
    let (filings, answers): (Vec<_>, Vec<_>) =
        batch.into_iter().map(|w| (w.filing, w.answer)).unzip();
    let outcomes: Vec<Result<Written>> = match write_batch(store, &filings).await {
        Ok(written) => written.into_iter().map(Ok).collect(),
        Err(e) if filings.len() == 1 => vec![Err(e)],
        Err(_) => {
            let mut one_by_one = Vec::with_capacity(filings.len());
            for filing in &filings {
                one_by_one.push(
                    write_batch(store, std::slice::from_ref(filing))
                        .await
                        .and_then(|written| {
                            written.into_iter().next().ok_or_else(|| {
                                ServiceError::Internal("the filing was not written".into())
                            })
                        }),
                );
            }
            one_by_one
        }
    };
    for (answer, outcome) in answers.into_iter().zip(outcomes) {
        let _ = answer.send(outcome);
    }
}

async fn write_batch(store: &Store, filings: &[CheckedFiling]) -> Result<Vec<Written>> {
    let mut tx = store.write().await?;
    let filed = sems_storage::now_ms();
    let mut ids = Vec::with_capacity(filings.len());
    for f in filings {
        let id = reports::insert_report(
            tx.conn(),
            &NewReport {
                party_id: f.party_id,
                site_id: f.site_id,
                category_code: &f.category_code,
                occurred_at: &f.occurred_at,
                location: &f.location,
                what_happened: &f.what_happened,
                reporter_thinks_mandatory: f.reporter_thinks_mandatory,
                mode: f.mode,
                reporter_person_id: f.reporter_person_id,
                reporter_identity_sealed: None,
                receipt_hash: &f.receipt_hash,
                forward_due_at_ms: f
                    .reporter_thinks_mandatory
                    .then(|| f.deadlines.forward_due(filed)),
                triage_due_at_ms: Some(f.deadlines.triage_due(filed)),
                rules_version: Some(f.rules_version),
                filed_at_ms: filed,
            },
        )
        .await?;
        if let Some((identity, key)) = &f.to_seal {
            let sealed = key.seal(identity, &identity_binding(id))?;
            reports::set_sealed_identity(tx.conn(), id, &sealed).await?;
        }
        for (name, kind, sum, size) in &f.files {
            reports::insert_attachment(tx.conn(), id, name, kind, *size, sum).await?;
        }
        ids.push(id);
    }
    let mut entries = Vec::with_capacity(filings.len());
    for (f, id) in filings.iter().zip(&ids) {
        let detail = serde_json::json!({
            "report_id": id, "mode": f.mode.as_str(), "category": f.category,
            "attachments": f.files.len(),
        });
        entries.push(crate::entry_of(
            super::report_channel(f.mode),
            &f.audit_actor,
            crate::Change {
                about: &crate::About::plain(RecordKind::SecurityReport, f.party_id, Some(*id)),
                action: super::trail::SECURITY_REPORT_FILE,
                record_id: Some(*id),
                before: crate::NONE,
                after: Some(&detail),
            },
        )?);
    }
    audit::append_for_new_records(tx.conn(), &entries).await?;
    // The handlers of each organisation, read once a batch.
    let mut handlers: std::collections::BTreeMap<i64, Vec<i64>> = Default::default();
    for f in filings {
        if let std::collections::btree_map::Entry::Vacant(slot) = handlers.entry(f.party_id) {
            slot.insert(
                sems_storage::people::ids_with_roles(
                    tx.conn(),
                    f.party_id,
                    &[sems_domain::role::Role::ReportHandler],
                )
                .await?,
            );
        }
    }
    let links: Vec<String> = ids.iter().map(|id| format!("/reports/{id}")).collect();
    let mut told = Vec::new();
    for (f, link) in filings.iter().zip(&links) {
        for person in handlers.get(&f.party_id).into_iter().flatten() {
            told.push((*person, "A security report was filed", link.as_str()));
        }
    }
    notifications::insert_rows(tx.conn(), &told).await?;
    tx.commit().await?;
    Ok(filings
        .iter()
        .zip(ids)
        .map(|(f, report_id)| Written {
            report_id,
            receipt: f.receipt.clone(),
        })
        .collect())
}
