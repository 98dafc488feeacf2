//! An organisation's contractors, which it oversees itself.

use super::OversightServices;
use crate::About;
use crate::{authorize, record_change, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::ValidationError;
use sems_storage::oversight::activities::{self as store};
use sems_storage::parties;

impl OversightServices<'_> {
    /// Names a contractor the actor's organisation oversees (who may plan its activities may
    /// name them).
    #[tracing::instrument(skip_all)]
    pub async fn add_contractor(&self, actor: &Actor, contractor_party_id: i64) -> Result<()> {
        let client = actor
            .party_id()
            .ok_or(ServiceError::Forbidden("a person names contractors".into()))?;
        let mut tx = self.store.write().await?;
        let party = parties::get(tx.conn(), client)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        if party.kind.is_authority() {
            return Err(ValidationError::new(
                "contractor",
                "the authority oversees every organisation already",
            )
            .into());
        }
        authorize(
            actor,
            Action::Create,
            &RecordMeta::plain(RecordKind::OversightActivity, party.id, false),
            "party",
        )?;
        let contractor = parties::get(tx.conn(), contractor_party_id)
            .await?
            .filter(|p| !p.kind.is_authority() && p.id != party.id)
            .ok_or_else(|| ValidationError::new("contractor", "choose another organisation"))?;
        store::add_contractor(tx.conn(), party.id, contractor.id, actor.person_id())
            .await
            .map_err(|e| ServiceError::conflict_on_unique(e, "already a contractor"))?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::plain(RecordKind::Party, party.id, Some(contractor.id)),
                action: crate::oversight::trail::CONTRACTOR_ADD,
                record_id: Some(contractor.id),
                before: NONE,
                after: Some(&serde_json::json!({ "contractor": contractor.name })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The contractors of the actor's organisation.
    #[tracing::instrument(skip_all)]
    pub async fn contractors(&self, actor: &Actor) -> Result<Vec<sems_storage::Named>> {
        let Some(party) = actor.party_id() else {
            return Ok(Vec::new());
        };
        let mut conn = self.store.read().await?;
        Ok(store::contractors(&mut conn, party).await?)
    }
}
