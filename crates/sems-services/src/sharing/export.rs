//! Taking an item out of sems: a printed view or an export (a text file, a STIX 2.1 bundle),
//! each marked at top and bottom, watermarked with the reader, their organisation and the time,
//! and one entry in the access log; and a STIX report bundle imported as a draft bulletin.

use super::items::{marking, ItemInput, ItemView};
use super::{trail, SharingServices};
use crate::{record_change, About, Actor, Result, ServiceError, NONE};
use sems_domain::access::RecordKind;
use sems_domain::sharing::stix::{export_bundle, import_report, uuid_v4, BundleIds, ExportItem};
use sems_domain::sharing::{watermark, Audience, ItemKind};
use sems_domain::util::format_timestamp;
use sems_storage::sharing::access_log;
use serde::Deserialize;

/// How an item leaves sems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Plain text, marked at top and bottom.
    Text,
    /// A STIX 2.1 bundle.
    Stix,
}

/// A file to hand to the reader.
#[derive(Debug, Clone)]
pub struct ExportFile {
    pub filename: String,
    pub content_type: &'static str,
    pub body: String,
}

/// A STIX report bundle to import as a draft threat bulletin, with whom it is for.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StixImport {
    /// The bundle, as JSON text.
    pub bundle: String,
    pub audience: Vec<Audience>,
}

fn uuid() -> Result<String> {
    let bytes = crate::secrets::random_bytes(16)?;
    let mut b = [0u8; 16];
    b.copy_from_slice(&bytes);
    Ok(uuid_v4(b))
}

impl SharingServices<'_> {
    /// The watermark for the actor now, and one access-log entry of `what`.
    async fn taken(
        &self,
        conn: &mut sems_storage::Conn,
        actor: &Actor,
        item: &ItemView,
        what: &str,
    ) -> Result<String> {
        let Actor::Person(s) = actor else {
            return Err(ServiceError::Forbidden("a person takes an item out".into()));
        };
        access_log::append(
            conn,
            RecordKind::SharedItem,
            item.id,
            item.party_id,
            s.person_id,
            s.party_id,
            what,
        )
        .await?;
        let reader = sems_storage::people::get(conn, s.person_id)
            .await?
            .map(|p| p.display_name)
            .unwrap_or_default();
        let organisation = sems_storage::parties::get(conn, s.party_id)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        Ok(watermark(
            &reader,
            &organisation,
            &format_timestamp(sems_storage::now_ms()),
        ))
    }

    /// An item for printing: its view and the watermark; logged as a print.
    #[tracing::instrument(skip_all)]
    pub async fn print_item(&self, actor: &Actor, id: i64) -> Result<(ItemView, String)> {
        let view = self.item_unlogged(actor, id).await?;
        let mut tx = self.store.write().await?;
        let mark = self.taken(tx.conn(), actor, &view, "print").await?;
        tx.commit().await?;
        Ok((view, mark))
    }

    /// An item exported: marked, watermarked, logged, and recorded in the trail.
    #[tracing::instrument(skip_all)]
    pub async fn export_item(
        &self,
        actor: &Actor,
        id: i64,
        format: ExportFormat,
    ) -> Result<ExportFile> {
        let view = self.item_unlogged(actor, id).await?;
        let mut tx = self.store.write().await?;
        let mark = self.taken(tx.conn(), actor, &view, "export").await?;
        let (_, meta) = Self::item_and_meta(tx.conn(), id).await?;
        let file = match format {
            ExportFormat::Text => {
                let line = marking(&view.classification, view.tlp);
                let mut body = format!(
                    "{line}\n{mark}\n\n{}\n{} — {}\n\n{}\n",
                    view.title,
                    view.kind.label(),
                    view.party_name,
                    view.summary
                );
                if !view.body.is_empty() {
                    body.push_str(&format!("\n{}\n", view.body));
                }
                body.push_str(&format!(
                    "\n{}: {}\n\n{mark}\n{line}\n",
                    view.tlp.label(),
                    view.tlp_meaning
                ));
                ExportFile {
                    filename: format!("item-{id}.txt"),
                    content_type: "text/plain; charset=utf-8",
                    body,
                }
            }
            ExportFormat::Stix => {
                let published = time::OffsetDateTime::from_unix_timestamp_nanos(
                    i128::from(view.issued_at_ms.unwrap_or_else(sems_storage::now_ms)) * 1_000_000,
                )
                .map_err(|e| ServiceError::Internal(e.to_string()))?
                .format(&time::format_description::well_known::Rfc3339)
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
                let mut bundle = export_bundle(
                    &ExportItem {
                        title: &view.title,
                        summary: &view.summary,
                        body: &view.body,
                        tlp: view.tlp,
                        kind: view.kind.as_str(),
                        issuer: &view.party_name,
                        published: &published,
                    },
                    &BundleIds {
                        bundle: uuid()?,
                        identity: uuid()?,
                        report: uuid()?,
                    },
                );
                // The watermark rides on the report as a custom property (STIX 2.1 §11.1).
                if let Some(report) = bundle.get_mut("objects").and_then(|o| o.get_mut(1)) {
                    report["x_sems_watermark"] = serde_json::Value::String(mark.clone());
                    report["x_sems_classification"] =
                        serde_json::Value::String(view.classification.clone());
                }
                ExportFile {
                    filename: format!("item-{id}.stix.json"),
                    content_type: "application/stix+json;version=2.1",
                    body: serde_json::to_string_pretty(&bundle)
                        .map_err(|e| ServiceError::Internal(e.to_string()))?,
                }
            }
        };
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::ITEM_EXPORT,
                record_id: Some(id),
                before: NONE,
                after: Some(&serde_json::json!({ "format": file.filename, "watermark": mark })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(file)
    }

    /// Imports a STIX report bundle as a draft threat bulletin of the actor's organisation.
    #[tracing::instrument(skip_all)]
    pub async fn import_stix(&self, actor: &Actor, input: &StixImport) -> Result<ItemView> {
        let report = import_report(&input.bundle)?;
        let party = actor
            .party_id()
            .ok_or(ServiceError::NotFound("organisation"))?;
        let mut summary = report.summary;
        if let Some(note) = report.note {
            summary = format!("{summary}\n\n({note})");
        }
        self.draft_item(
            actor,
            party,
            &ItemInput {
                body: report.body,
                ..ItemInput::new(
                    ItemKind::ThreatBulletin,
                    &report.title,
                    &summary,
                    report.tlp,
                    input.audience.clone(),
                )
            },
        )
        .await
    }
}
