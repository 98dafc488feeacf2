//! Evidence files attached to checklist items.

use super::activities::*;
use super::OversightServices;
use crate::{record_change, Actor, Result, ServiceError, NONE};
use sems_domain::ValidationError;
use sems_storage::oversight::activities::{self as store};

impl OversightServices<'_> {
    /// Attaches a file (photo, document) to a checklist item as evidence: by the team, while
    /// the activity runs. The file is judged by its bytes and stored under its checksum.
    #[tracing::instrument(skip_all)]
    pub async fn attach_item_evidence(
        &self,
        actor: &Actor,
        activity_id: i64,
        item_id: i64,
        file: crate::reports::NewAttachment,
    ) -> Result<store::ItemEvidence> {
        let name = sems_domain::report::clean_filename(&file.filename);
        let kind = sems_domain::report::check_attachment(&name, &file.bytes)?;
        let sum = sems_domain::util::sha256_hex(&file.bytes);
        let dir = self.reporting_config()?.attachments_dir.clone();
        let mut tx = self.store.write().await?;
        let a = Self::activity_for_team(tx.conn(), actor, activity_id).await?;
        if !store::items(tx.conn(), a.id)
            .await?
            .iter()
            .any(|i| i.id == item_id)
        {
            return Err(ValidationError::new("item_id", "no such item on this checklist").into());
        }
        crate::attachments::store_file(&dir, &sum, &file.bytes)?;
        let id = store::insert_evidence(
            tx.conn(),
            a.id,
            item_id,
            (&name, kind, file.bytes.len() as i64, &sum),
            actor.person_id(),
        )
        .await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &activity_about(&a),
                action: crate::oversight::trail::OVERSIGHT_ACTIVITY_EVIDENCE,
                record_id: Some(a.id),
                before: NONE,
                after: Some(&serde_json::json!({ "item": item_id, "file": name, "sha256": sum })),
            },
        )
        .await?;
        let stored = store::evidence(tx.conn(), a.id)
            .await?
            .into_iter()
            .find(|e| e.id == id)
            .ok_or(ServiceError::NotFound("evidence"))?;
        tx.commit().await?;
        Ok(stored)
    }

    /// A file of an activity's evidence, checked against its checksum, for whoever may read
    /// the activity.
    #[tracing::instrument(skip_all)]
    pub async fn item_evidence_file(
        &self,
        actor: &Actor,
        activity_id: i64,
        evidence_id: i64,
    ) -> Result<(store::ItemEvidence, Vec<u8>)> {
        let mut conn = self.store.read().await?;
        Self::readable_activity(&mut conn, actor, activity_id).await?;
        let e = store::evidence(&mut conn, activity_id)
            .await?
            .into_iter()
            .find(|e| e.id == evidence_id)
            .ok_or(ServiceError::NotFound("evidence"))?;
        let path =
            crate::attachments::file_path(&self.reporting_config()?.attachments_dir, &e.sha256);
        let bytes = std::fs::read(&path)
            .map_err(|err| ServiceError::Internal(format!("evidence {}: {err}", e.id)))?;
        if sems_domain::util::sha256_hex(&bytes) != e.sha256 {
            return Err(ServiceError::Internal(format!(
                "evidence {} does not match its checksum",
                e.id
            )));
        }
        Ok((e, bytes))
    }
}
