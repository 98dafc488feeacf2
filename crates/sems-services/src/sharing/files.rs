//! The files an item carries — attached by its issuer before it is issued, so what recipients
//! receive never changes — and a directive's implementation evidence; each download of a
//! marked item's file one entry in its access log.

use super::items::ItemView;
use super::{trail, SharingServices};
use crate::{authorize, record_change, About, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, RecordKind};
use sems_domain::sharing::tlp::Tlp;
use sems_storage::sharing::{access_log, items as store};
use serde::Serialize;

/// A file of an item, as readers see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemFileView {
    pub id: i64,
    pub filename: String,
    pub size_bytes: i64,
}

impl From<store::ItemFile> for ItemFileView {
    fn from(f: store::ItemFile) -> Self {
        ItemFileView {
            id: f.id,
            filename: f.filename,
            size_bytes: f.size_bytes,
        }
    }
}

/// A file handed to the reader.
#[derive(Debug, Clone)]
pub struct Download {
    pub filename: String,
    pub bytes: Vec<u8>,
}

impl SharingServices<'_> {
    /// Attaches a file to an item not yet issued (its issuer).
    #[tracing::instrument(skip_all)]
    pub async fn attach_file(
        &self,
        actor: &Actor,
        id: i64,
        file: crate::reports::NewAttachment,
    ) -> Result<ItemView> {
        let name = sems_domain::report::clean_filename(&file.filename);
        sems_domain::report::check_attachment(&name, &file.bytes)?;
        let sum = sems_domain::util::sha256_hex(&file.bytes);
        let mut tx = self.store.write().await?;
        let (i, meta) = Self::item_and_meta(tx.conn(), id).await?;
        authorize(actor, Action::Update, &meta, "item")?;
        Self::issuer_only(actor, &i)?;
        if i.status.in_force()
            || !i
                .status
                .may_move_to(sems_domain::sharing::directive::DirectiveStatus::Cancelled)
        {
            return Err(ServiceError::Conflict(
                "files are attached before the item is issued: what recipients received does not change".into(),
            ));
        }
        crate::attachments::store_file(
            &self.reporting_config()?.attachments_dir,
            &sum,
            &file.bytes,
        )?;
        let size = i64::try_from(file.bytes.len()).unwrap_or(i64::MAX);
        let file_id = store::add_file(tx.conn(), id, &name, &sum, size, actor.person_id()).await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::ITEM_ATTACH,
                record_id: Some(id),
                before: NONE,
                after: Some(
                    &serde_json::json!({ "file": file_id, "filename": name, "sha256": sum }),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        self.item_unlogged(actor, id).await
    }

    fn read_stored(&self, sum: &str, what: &str) -> Result<Vec<u8>> {
        let path = crate::attachments::file_path(&self.reporting_config()?.attachments_dir, sum);
        let bytes =
            std::fs::read(&path).map_err(|e| ServiceError::Internal(format!("{what}: {e}")))?;
        if sems_domain::util::sha256_hex(&bytes) != sum {
            return Err(ServiceError::Internal(format!(
                "{what} does not match its checksum"
            )));
        }
        Ok(bytes)
    }

    /// Logs one download of a marked item by a person.
    async fn log_download(
        &self,
        conn: &mut sems_storage::Conn,
        actor: &Actor,
        i: &store::SharedItem,
    ) -> Result<()> {
        if let Actor::Person(s) = actor {
            if i.tlp != Tlp::Clear || i.classification > 0 {
                access_log::append(
                    conn,
                    RecordKind::SharedItem,
                    i.id,
                    i.owner_party_id,
                    s.person_id,
                    s.party_id,
                    "download",
                )
                .await?;
            }
        }
        Ok(())
    }

    /// A file of an item, for its readers; logged.
    #[tracing::instrument(skip_all)]
    pub async fn item_file(&self, actor: &Actor, id: i64, file_id: i64) -> Result<Download> {
        let mut tx = self.store.write().await?;
        let (i, meta) = Self::item_and_meta(tx.conn(), id).await?;
        authorize(actor, Action::Read, &meta, "item")?;
        let file = store::files(tx.conn(), id)
            .await?
            .into_iter()
            .find(|f| f.id == file_id)
            .ok_or(ServiceError::NotFound("file"))?;
        let bytes = self.read_stored(&file.sha256, &format!("file {file_id} of item {id}"))?;
        self.log_download(tx.conn(), actor, &i).await?;
        tx.commit().await?;
        Ok(Download {
            filename: file.filename,
            bytes,
        })
    }

    /// A recipient organisation's implementation evidence: for the issuer and that
    /// organisation; logged.
    #[tracing::instrument(skip_all)]
    pub async fn directive_evidence(
        &self,
        actor: &Actor,
        id: i64,
        party_id: i64,
    ) -> Result<Download> {
        let mut tx = self.store.write().await?;
        let (i, meta) = Self::item_and_meta(tx.conn(), id).await?;
        authorize(actor, Action::Read, &meta, "item")?;
        let reader = actor.party_id();
        if reader != Some(i.owner_party_id) && reader != Some(party_id) {
            return Err(ServiceError::NotFound("evidence"));
        }
        let sum = store::evidence_of(tx.conn(), id, party_id)
            .await?
            .ok_or(ServiceError::NotFound("evidence"))?;
        let bytes = self.read_stored(&sum, &format!("evidence of item {id}"))?;
        self.log_download(tx.conn(), actor, &i).await?;
        tx.commit().await?;
        Ok(Download {
            filename: format!("directive-{id}-evidence-{party_id}"),
            bytes,
        })
    }

    /// The files of an item, for its readers.
    pub(super) async fn file_views(
        conn: &mut sems_storage::Conn,
        id: i64,
    ) -> Result<Vec<ItemFileView>> {
        Ok(store::files(conn, id)
            .await?
            .into_iter()
            .map(ItemFileView::from)
            .collect())
    }
}
