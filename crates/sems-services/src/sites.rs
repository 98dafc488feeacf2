//! Sites of an organisation.

use crate::About;
use crate::{authorize, record_change, Actor, Result, ServiceError, Services};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::page::{Page, PageRequest};
use sems_domain::site::{SiteLocation, SiteName};
use sems_storage::parties;
use sems_storage::sites::{self, Site, SiteFilter};
use serde::Deserialize;

fn meta(site: &Site, owner_is_authority: bool) -> RecordMeta {
    RecordMeta::plain(RecordKind::Site, site.party_id, owner_is_authority)
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteInput {
    pub name: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub active: Option<bool>,
}

impl Services {
    #[tracing::instrument(skip_all)]
    pub async fn create_site(
        &self,
        actor: &Actor,
        party_id: i64,
        input: &SiteInput,
    ) -> Result<Site> {
        let name = SiteName::parse(&input.name)?;
        let location = SiteLocation::parse(&input.location)?;
        let mut tx = self.store.write().await?;
        let party = parties::get(tx.conn(), party_id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        authorize(
            actor,
            Action::Create,
            &RecordMeta::plain(RecordKind::Site, party.id, party.kind.is_authority()),
            "party",
        )?;
        let id = sites::insert(tx.conn(), party.id, name.as_str(), location.as_str())
            .await
            .map_err(|e| {
                ServiceError::conflict_on_unique(
                    e,
                    "this organisation already has a site with this name",
                )
            })?;
        let site = sites::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("site"))?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::plain(RecordKind::Site, party.id, Some(id)),
                action: crate::trail::SITE_CREATE,
                record_id: Some(id),
                before: crate::NONE,
                after: Some(&crate::views::Site::from(&site)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(site)
    }

    #[tracing::instrument(skip_all)]
    pub async fn update_site(&self, actor: &Actor, id: i64, input: &SiteInput) -> Result<Site> {
        let name = SiteName::parse(&input.name)?;
        let location = SiteLocation::parse(&input.location)?;
        let mut tx = self.store.write().await?;
        let before = sites::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("site"))?;
        let owner = parties::get(tx.conn(), before.party_id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        authorize(
            actor,
            Action::Update,
            &meta(&before, owner.kind.is_authority()),
            "site",
        )?;
        sites::update(
            tx.conn(),
            id,
            name.as_str(),
            location.as_str(),
            input.active.unwrap_or(before.active),
        )
        .await
        .map_err(|e| {
            ServiceError::conflict_on_unique(
                e,
                "this organisation already has a site with this name",
            )
        })?;
        let after = sites::get(tx.conn(), id).await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::plain(RecordKind::Site, before.party_id, Some(id)),
                action: crate::trail::SITE_UPDATE,
                record_id: Some(id),
                before: Some(&crate::views::Site::from(&before)),
                after: after.as_ref().map(crate::views::Site::from).as_ref(),
            },
        )
        .await?;
        tx.commit().await?;
        after.ok_or(ServiceError::NotFound("site"))
    }

    #[tracing::instrument(skip_all)]
    pub async fn site(&self, actor: &Actor, id: i64) -> Result<Site> {
        Ok(self.site_view(actor, id).await?.record)
    }

    /// A site with what the reader may do with it.
    #[tracing::instrument(skip_all)]
    pub async fn site_view(&self, actor: &Actor, id: i64) -> Result<crate::Viewed<Site>> {
        let mut conn = self.store.read().await?;
        let site = sites::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound("site"))?;
        let owner = parties::get(&mut conn, site.party_id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        let meta = meta(&site, owner.kind.is_authority());
        authorize(actor, Action::Read, &meta, "site")?;
        Ok(crate::Viewed {
            allowed: crate::allowed(actor, &meta),
            record: site,
        })
    }

    #[tracing::instrument(skip_all)]
    pub async fn sites(
        &self,
        actor: &Actor,
        filter: &SiteFilter,
        page: PageRequest,
    ) -> Result<Page<Site>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        Ok(sites::list(&mut conn, subject, filter, page).await?)
    }
}
