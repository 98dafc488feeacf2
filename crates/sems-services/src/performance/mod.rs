//! Security performance (DESIGN.md module 5): indicators as versioned data (the authority's
//! national library and organisations' own), the State's expected levels and organisations'
//! targets, data series, values computed ahead and stored, alerts that act, the silence
//! warning, dashboards, control charts and the national view.

pub mod alerts;
pub mod compute;
pub mod dashboard;
pub mod generate;
pub mod indicators;
mod records_behind;
pub mod series;
pub mod trail;

use crate::{record_change, About, Actor, Result, Services, NONE};
use sems_domain::access::{RecordKind, RecordMeta};
use sems_domain::performance::definition::national_library;
use sems_storage::performance::indicators::{self as store, Indicator};

/// The use cases of security performance, apart from the other modules':
/// `services.performance().dashboard(…)`. Derefs to [`Services`] for what every module shares.
#[derive(Clone, Copy)]
pub struct PerformanceServices<'a>(&'a Services);

impl std::ops::Deref for PerformanceServices<'_> {
    type Target = Services;
    fn deref(&self) -> &Services {
        self.0
    }
}

impl Services {
    /// The use cases of security performance.
    pub fn performance(&self) -> PerformanceServices<'_> {
        PerformanceServices(self)
    }
}

/// An indicator as the access rule sees it: the authority's published library, or an
/// organisation's own.
pub(crate) fn indicator_meta(i: &Indicator, authority_id: i64) -> RecordMeta {
    let mut m = RecordMeta::plain(
        RecordKind::PerformanceIndicator,
        i.owner_party_id,
        i.owner_party_id == authority_id,
    );
    m.published = i.published;
    m
}

/// A record of an organisation's performance (its values, its series, its settings for an
/// indicator), which the access rule reads by its owner.
pub(crate) fn organisation_meta(kind: RecordKind, party_id: i64, authority_id: i64) -> RecordMeta {
    RecordMeta::plain(kind, party_id, party_id == authority_id)
}

pub(crate) use crate::risk::authority_id;

impl PerformanceServices<'_> {
    /// Publishes the shipped national library where an indicator of its code does not exist
    /// yet. Runs at start; doing it again changes nothing, and an indicator the authority
    /// edited keeps its versions.
    #[tracing::instrument(skip_all)]
    pub async fn ensure_performance_defaults(&self) -> Result<()> {
        let actor = Actor::System("set-up");
        let mut tx = self.store.write().await?;
        let authority = authority_id(tx.conn()).await?;
        for definition in national_library() {
            if store::by_code(tx.conn(), authority, &definition.code)
                .await?
                .is_some()
            {
                continue;
            }
            let id = store::insert(
                tx.conn(),
                authority,
                true,
                &definition,
                "The national library shipped with sems",
                None,
            )
            .await?;
            let mut meta = RecordMeta::plain(RecordKind::PerformanceIndicator, authority, true);
            meta.published = true;
            record_change(
                tx.conn(),
                &actor,
                crate::Change {
                    about: &About::record(&meta, Some(id)),
                    action: trail::INDICATOR_CREATE,
                    record_id: Some(id),
                    before: NONE,
                    after: Some(&definition),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
