//! The national training programme, published in versions by the authority's policy officers
//! and director (the shipped default is version 1), and organisations' additions: their own
//! courses and stricter requirements, never weaker ones.

use super::{authority_id, currency, register_meta, trail, TrainingServices};
use crate::{authorize, record_change, About, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::training::programme::{default_programme, Additions, TrainingProgramme};
use sems_domain::ValidationError;
use sems_storage::training::{additions, programme as store};
use serde::{Deserialize, Serialize};

/// A version of the national programme as a reader sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProgrammeView {
    pub version: i64,
    pub programme: TrainingProgramme,
    pub note: String,
    pub published_by_name: Option<String>,
    pub published_at_ms: i64,
    /// Whether the reader may publish the next version.
    pub may_publish: bool,
}

/// A version to publish.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishProgramme {
    pub programme: TrainingProgramme,
    /// What changed and why: required.
    pub note: String,
}

/// An organisation's additions as a reader sees them, with the programme they make.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AdditionsView {
    pub party_id: i64,
    /// None before the first version.
    pub version: Option<i64>,
    pub additions: Additions,
    pub note: String,
    pub published_by_name: Option<String>,
    /// The national programme with these additions: what the personnel are held to.
    pub effective: TrainingProgramme,
    pub national_version: i64,
    pub may_publish: bool,
}

/// Additions to publish.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishAdditions {
    pub additions: Additions,
    pub note: String,
}

/// The national programme: the authority's, published to every party it applies to.
fn programme_meta(authority: i64) -> RecordMeta {
    let mut m = RecordMeta::plain(RecordKind::TrainingProgramme, authority, true);
    m.published = true;
    m
}

fn require_note(note: &str) -> Result<String> {
    let note = note.trim();
    if note.is_empty() || note.len() > 2000 {
        return Err(ValidationError::new(
            "note",
            "say what changed and why (up to 2,000 characters)",
        )
        .into());
    }
    Ok(note.to_string())
}

impl TrainingServices<'_> {
    /// Publishes the shipped programme as version 1 when none is published. Runs at start;
    /// doing it again changes nothing.
    #[tracing::instrument(skip_all)]
    pub async fn ensure_training_defaults(&self) -> Result<()> {
        let mut tx = self.store.write().await?;
        Self::ensure_bank(tx.conn()).await?;
        if store::current(tx.conn()).await?.is_some() {
            tx.commit().await?;
            return Ok(());
        }
        let authority = authority_id(tx.conn()).await?;
        let version = store::publish(
            tx.conn(),
            authority,
            &default_programme(),
            "The national training programme shipped with sems",
            None,
        )
        .await?;
        record_change(
            tx.conn(),
            &Actor::System("set-up"),
            crate::Change {
                about: &About::record(&programme_meta(authority), None),
                action: trail::PROGRAMME_PUBLISH,
                record_id: Some(version),
                before: NONE,
                after: Some(&serde_json::json!({ "version": version, "shipped": true })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The national programme in force (or a version of it).
    #[tracing::instrument(skip_all)]
    pub async fn programme(&self, actor: &Actor, version: Option<i64>) -> Result<ProgrammeView> {
        let mut conn = self.store.read().await?;
        let authority = authority_id(&mut conn).await?;
        let meta = programme_meta(authority);
        authorize(actor, Action::Read, &meta, "training programme")?;
        let v = match version {
            Some(n) => store::version(&mut conn, n).await?,
            None => store::current(&mut conn).await?,
        }
        .ok_or(ServiceError::NotFound("training programme version"))?;
        Ok(ProgrammeView {
            version: v.version,
            programme: v.programme,
            note: v.note,
            published_by_name: v.published_by_name,
            published_at_ms: v.published_at_ms,
            may_publish: crate::allowed(actor, &meta).create,
        })
    }

    /// Every version of the national programme, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn programme_versions(&self, actor: &Actor) -> Result<Vec<ProgrammeView>> {
        let mut conn = self.store.read().await?;
        let authority = authority_id(&mut conn).await?;
        let meta = programme_meta(authority);
        authorize(actor, Action::Read, &meta, "training programme")?;
        let may_publish = crate::allowed(actor, &meta).create;
        Ok(store::versions(&mut conn)
            .await?
            .into_iter()
            .map(|v| ProgrammeView {
                version: v.version,
                programme: v.programme,
                note: v.note,
                published_by_name: v.published_by_name,
                published_at_ms: v.published_at_ms,
                may_publish,
            })
            .collect())
    }

    /// Publishes the next version of the national programme: whole and valid, or refused
    /// with every reason. The training job computes every organisation's personnel again under it,
    /// one organisation at a time.
    #[tracing::instrument(skip_all)]
    pub async fn publish_programme(
        &self,
        actor: &Actor,
        input: &PublishProgramme,
    ) -> Result<ProgrammeView> {
        let note = require_note(&input.note)?;
        input.programme.validate()?;
        let mut tx = self.store.write().await?;
        let authority = authority_id(tx.conn()).await?;
        let meta = programme_meta(authority);
        authorize(actor, Action::Create, &meta, "training programme")?;
        let before = store::current(tx.conn()).await?.map(|v| v.version);
        let version = store::publish(
            tx.conn(),
            authority,
            &input.programme,
            &note,
            actor.person_id(),
        )
        .await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, None),
                action: trail::PROGRAMME_PUBLISH,
                record_id: Some(version),
                before: before.map(|v| serde_json::json!({ "version": v })).as_ref(),
                after: Some(&serde_json::json!({ "version": version, "note": note })),
            },
        )
        .await?;
        tx.commit().await?;
        // Every organisation's personnel are computed again under it by the training job,
        // one organisation at a time, not in this request.
        self.programme(actor, Some(version)).await
    }

    /// An organisation's additions and the programme its personnel are held to.
    #[tracing::instrument(skip_all)]
    pub async fn additions(&self, actor: &Actor, party_id: i64) -> Result<AdditionsView> {
        let mut conn = self.store.read().await?;
        let authority = authority_id(&mut conn).await?;
        let meta = register_meta(party_id, authority);
        authorize(actor, Action::Read, &meta, "organisation")?;
        let (national, national_version) = super::national(&mut conn).await?;
        let current = additions::current(&mut conn, party_id).await?;
        let (version, a, note, by) = match current {
            Some(v) => (Some(v.version), v.additions, v.note, v.by_name),
            None => (None, Additions::default(), String::new(), None),
        };
        Ok(AdditionsView {
            party_id,
            version,
            effective: national.with_additions(&a),
            additions: a,
            note,
            published_by_name: by,
            national_version,
            may_publish: crate::allowed(actor, &meta).create,
        })
    }

    /// Publishes an organisation's next additions, each requirement at least the national
    /// one (a weaker one is refused with the national requirement in the message); the
    /// organisation's personnel are assessed again under them.
    #[tracing::instrument(skip_all)]
    pub async fn publish_additions(
        &self,
        actor: &Actor,
        party_id: i64,
        input: &PublishAdditions,
    ) -> Result<AdditionsView> {
        let note = require_note(&input.note)?;
        let mut tx = self.store.write().await?;
        let authority = authority_id(tx.conn()).await?;
        let meta = register_meta(party_id, authority);
        authorize(actor, Action::Create, &meta, "organisation")?;
        let (national, _) = super::national(tx.conn()).await?;
        national.check_additions(&input.additions)?;
        let version = additions::publish(
            tx.conn(),
            party_id,
            &input.additions,
            &note,
            actor.person_id(),
        )
        .await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, None),
                action: trail::ADDITIONS_PUBLISH,
                record_id: Some(version),
                before: NONE,
                after: Some(&serde_json::json!({
                    "version": version,
                    "note": note,
                    "courses": input.additions.courses.iter().map(|c| &c.code).collect::<Vec<_>>(),
                    "functions": input.additions.functions.iter().map(|f| f.function).collect::<Vec<_>>(),
                })),
            },
        )
        .await?;
        tx.commit().await?;
        currency::refresh_party(self, party_id, sems_domain::util::today()).await?;
        self.additions(actor, party_id).await
    }
}
