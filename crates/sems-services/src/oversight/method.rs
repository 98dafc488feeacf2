//! The oversight method: the authority's compliance scales, plan deadlines, EI thresholds and
//! intervals, read by everyone who audits or is audited and published as a new version by
//! the authority's policy officers and director. What is planned after a new version follows
//! it; an activity keeps the version it was planned with.

use super::OversightServices;
use crate::{authorize, record_change, About, Actor, Result, ServiceError};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::oversight::method::OversightMethod;
use sems_domain::util::bounded_text;
use sems_storage::oversight::method::{self as store, MethodVersion};
use sems_storage::{parties, Conn};
use serde::Serialize;

/// The access facts of the method: the authority's, published.
pub(crate) fn method_meta(authority: i64) -> RecordMeta {
    let mut m = RecordMeta::plain(RecordKind::OversightMethod, authority, true);
    m.published = true;
    m
}

/// The version in force, for a service that plans, answers or proposes.
#[tracing::instrument(skip_all)]
pub(crate) async fn current_method(conn: &mut Conn) -> Result<MethodVersion> {
    store::current(conn).await?.ok_or_else(|| {
        ServiceError::Internal("the oversight method is missing: sems sets it up at start".into())
    })
}

/// The version an activity was planned with.
#[tracing::instrument(skip_all)]
pub(crate) async fn method_of(conn: &mut Conn, version: i64) -> Result<MethodVersion> {
    store::version(conn, version)
        .await?
        .ok_or(ServiceError::NotFound("oversight method version"))
}

/// One version of the method, with who published it and when.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OversightMethodView {
    pub version: i64,
    pub method: OversightMethod,
    pub note: String,
    pub published_by_name: Option<String>,
    pub published_at_ms: i64,
    /// Whether the reader may publish a new version.
    pub may_publish: bool,
}

impl OversightServices<'_> {
    fn view(actor: &Actor, v: MethodVersion) -> OversightMethodView {
        let may_publish = crate::allowed(actor, &method_meta(v.owner_party_id)).create;
        OversightMethodView {
            version: v.version,
            method: v.method,
            note: v.note,
            published_by_name: v.published_by_name,
            published_at_ms: v.published_at_ms,
            may_publish,
        }
    }

    /// A version of the method (the one in force when `version` is `None`).
    #[tracing::instrument(skip_all)]
    pub async fn oversight_method(
        &self,
        actor: &Actor,
        version: Option<i64>,
    ) -> Result<OversightMethodView> {
        let mut conn = self.store.read().await?;
        let found = match version {
            Some(v) => method_of(&mut conn, v).await?,
            None => current_method(&mut conn).await?,
        };
        authorize(
            actor,
            Action::Read,
            &method_meta(found.owner_party_id),
            "oversight method",
        )?;
        Ok(Self::view(actor, found))
    }

    /// Every version, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn oversight_method_versions(
        &self,
        actor: &Actor,
    ) -> Result<Vec<OversightMethodView>> {
        let mut conn = self.store.read().await?;
        let versions = store::versions(&mut conn).await?;
        if let Some(first) = versions.first() {
            authorize(
                actor,
                Action::Read,
                &method_meta(first.owner_party_id),
                "oversight method",
            )?;
        }
        Ok(versions.into_iter().map(|v| Self::view(actor, v)).collect())
    }

    /// Publishes a new version: checked whole, by the authority's policy officers and
    /// director only; recorded in the trail with the document.
    #[tracing::instrument(skip_all)]
    pub async fn publish_oversight_method(
        &self,
        actor: &Actor,
        method: &OversightMethod,
        note: &str,
    ) -> Result<OversightMethodView> {
        let note = bounded_text("note", note, 0, 2000)?;
        let mut tx = self.store.write().await?;
        let authority = parties::authority(tx.conn())
            .await?
            .ok_or_else(|| ServiceError::Internal("the authority party is missing".into()))?;
        authorize(
            actor,
            Action::Create,
            &method_meta(authority.id),
            "oversight method",
        )?;
        method.validate()?;
        let before = current_method(tx.conn()).await?;
        // A scale a catalogue is answered on stays: remove it from the catalogue first.
        let in_use = sems_storage::oversight::requirements::scales_in_use(tx.conn()).await?;
        if let Some(gone) = in_use
            .iter()
            .find(|s| !method.scales.iter().any(|m| &m.code == *s))
        {
            return Err(sems_domain::ValidationError::new(
                "scales",
                format!("the scale '{gone}' is the scale of a catalogue: give the catalogue another first"),
            )
            .into());
        }
        let version =
            store::publish(tx.conn(), authority.id, method, &note, actor.person_id()).await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&method_meta(authority.id), Some(version)),
                action: crate::oversight::trail::OVERSIGHT_METHOD_PUBLISH,
                record_id: Some(version),
                before: Some(&before.method),
                after: Some(method),
            },
        )
        .await?;
        let stored = method_of(tx.conn(), version).await?;
        tx.commit().await?;
        Ok(Self::view(actor, stored))
    }
}
