//! Parties: registering organisations, reading them.

use crate::About;
use crate::{authorize, record_change, Actor, Result, ServiceError, Services};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::page::{Page, PageRequest};
use sems_domain::party::{PartyCode, PartyKind, PartyName};
use sems_storage::parties::{self, Party, PartyFilter};

fn meta(party: &Party) -> RecordMeta {
    RecordMeta::plain(RecordKind::Party, party.id, party.kind.is_authority())
}

/// What a form or API client sends to register or change an organisation.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyInput {
    pub kind: String,
    pub name: String,
    pub code: String,
    #[serde(default)]
    pub active: Option<bool>,
}

/// A party not yet registered (id 0): who may register one is asked of this.
fn new_party_meta() -> RecordMeta {
    RecordMeta::plain(RecordKind::Party, 0, false)
}

/// Whether the actor may register organisations (the deployment administrator).
pub fn may_register_parties(actor: &Actor) -> bool {
    crate::allowed(actor, &new_party_meta()).create
}

impl Services {
    /// Creates the authority party (once, at set-up).
    #[tracing::instrument(skip_all)]
    pub async fn ensure_authority(&self, name: &str, code: &str) -> Result<Party> {
        let name = PartyName::parse(name)?;
        let code = PartyCode::parse(code)?;
        let mut tx = self.store.write().await?;
        if let Some(existing) = parties::authority(tx.conn()).await? {
            return Ok(existing);
        }
        let id = parties::insert(
            tx.conn(),
            PartyKind::Authority,
            name.as_str(),
            code.as_str(),
        )
        .await?;
        let party = parties::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        record_change(
            tx.conn(),
            &Actor::System("set-up"),
            crate::Change {
                about: &About::plain(RecordKind::Party, id, Some(id)),
                action: crate::trail::PARTY_CREATE,
                record_id: Some(id),
                before: crate::NONE,
                after: Some(&crate::views::Party::from(&party)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(party)
    }

    /// Registers an organisation (the deployment administrator's task).
    #[tracing::instrument(skip_all)]
    pub async fn create_organisation(&self, actor: &Actor, input: &PartyInput) -> Result<Party> {
        let kind = PartyKind::parse_organisation(&input.kind)?;
        let name = PartyName::parse(&input.name)?;
        let code = PartyCode::parse(&input.code)?;
        authorize(actor, Action::Create, &new_party_meta(), "party")?;
        let mut tx = self.store.write().await?;
        let id = parties::insert(tx.conn(), kind, name.as_str(), code.as_str())
            .await
            .map_err(|e| {
                ServiceError::conflict_on_unique(e, "another party already has this code")
            })?;
        let party = parties::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::plain(RecordKind::Party, id, Some(id)),
                action: crate::trail::PARTY_CREATE,
                record_id: Some(id),
                before: crate::NONE,
                after: Some(&crate::views::Party::from(&party)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(party)
    }

    #[tracing::instrument(skip_all)]
    pub async fn update_party(&self, actor: &Actor, id: i64, input: &PartyInput) -> Result<Party> {
        let name = PartyName::parse(&input.name)?;
        let code = PartyCode::parse(&input.code)?;
        let mut tx = self.store.write().await?;
        let before = parties::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        authorize(actor, Action::Update, &meta(&before), "party")?;
        if !input.kind.trim().is_empty() && PartyKind::parse(&input.kind)? != before.kind {
            return Err(sems_domain::ValidationError::new(
                "kind",
                "the kind of a party cannot change; register a new party instead",
            )
            .into());
        }
        let active = input.active.unwrap_or(before.active);
        if before.kind.is_authority() && !active {
            return Err(sems_domain::ValidationError::new(
                "active",
                "the authority cannot be deactivated",
            )
            .into());
        }
        parties::update(tx.conn(), id, name.as_str(), code.as_str(), active)
            .await
            .map_err(|e| {
                ServiceError::conflict_on_unique(e, "another party already has this code")
            })?;
        let after = parties::get(tx.conn(), id).await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::plain(RecordKind::Party, id, Some(id)),
                action: crate::trail::PARTY_UPDATE,
                record_id: Some(id),
                before: Some(&crate::views::Party::from(&before)),
                after: after.as_ref().map(crate::views::Party::from).as_ref(),
            },
        )
        .await?;
        tx.commit().await?;
        after.ok_or(ServiceError::NotFound("party"))
    }

    #[tracing::instrument(skip_all)]
    pub async fn party(&self, actor: &Actor, id: i64) -> Result<Party> {
        let mut conn = self.store.read().await?;
        let party = parties::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        authorize(actor, Action::Read, &meta(&party), "party")?;
        Ok(party)
    }

    #[tracing::instrument(skip_all)]
    pub async fn authority(&self) -> Result<Option<Party>> {
        let mut conn = self.store.read().await?;
        Ok(parties::authority(&mut conn).await?)
    }

    #[tracing::instrument(skip_all)]
    pub async fn parties(
        &self,
        actor: &Actor,
        filter: &PartyFilter,
        page: PageRequest,
    ) -> Result<Page<Party>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        Ok(parties::list(&mut conn, subject, filter, page).await?)
    }
}
