//! The reporting rules: the authority's taxonomy, the deadlines of each category and the
//! just-culture decisions, read by everyone (everyone files reports under them) and published
//! as a new version by the authority's policy officers and director. What is filed, triaged
//! or forwarded after a new version follows it; a report keeps the deadlines it was given.

use super::ReportingServices;
use crate::{authorize, record_change, About, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::report::rules::{Deadlines, ReportingRules};
use sems_domain::util::bounded_text;
use sems_storage::reports::rules::{self as store, RulesVersion};
use sems_storage::{parties, Conn};
use serde::Serialize;

/// The access facts of the rules: the authority's, published.
pub(crate) fn rules_meta(authority: i64) -> RecordMeta {
    let mut m = RecordMeta::plain(RecordKind::ReportingRules, authority, true);
    m.published = true;
    m
}

/// The version in force, for a service that files, triages, forwards or closes.
#[tracing::instrument(skip_all)]
pub(crate) async fn current_rules(conn: &mut Conn) -> Result<RulesVersion> {
    store::current(conn).await?.ok_or_else(|| {
        ServiceError::Internal("the reporting rules are missing: sems sets them up at start".into())
    })
}

/// One version of the rules, with who published it and when.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportingRulesView {
    pub version: i64,
    pub rules: ReportingRules,
    pub note: String,
    pub published_by_name: Option<String>,
    pub published_at_ms: i64,
    /// Whether the reader may publish a new version.
    pub may_publish: bool,
}

impl ReportingServices<'_> {
    fn rules_view(actor: &Actor, v: RulesVersion) -> ReportingRulesView {
        let may_publish = crate::allowed(actor, &rules_meta(v.owner_party_id)).create;
        ReportingRulesView {
            version: v.version,
            rules: v.rules,
            note: v.note,
            published_by_name: v.published_by_name,
            published_at_ms: v.published_at_ms,
            may_publish,
        }
    }

    /// Publishes today's values as version 1 when there is none: the shipped taxonomy with
    /// the deployment's configured deadlines (`report_triage_hours`, `report_forward_hours`,
    /// `report_closure_days`), 30 days for the analysis and 3 months for the final result.
    /// Runs at start.
    #[tracing::instrument(skip_all)]
    pub async fn ensure_reporting_defaults(&self) -> Result<()> {
        let mut tx = self.store.write().await?;
        let Some(authority) = parties::authority(tx.conn()).await? else {
            return Ok(());
        };
        if store::current(tx.conn()).await?.is_some() {
            return Ok(());
        }
        let targets = self
            .reporting
            .as_ref()
            .map(|r| r.targets)
            .unwrap_or_default();
        let rules = ReportingRules::shipped(
            Deadlines {
                triage_hours: targets.triage_hours,
                forward_hours: targets.forward_hours,
                ..Deadlines::default()
            },
            targets.closure_days,
        );
        let version = store::publish(
            tx.conn(),
            authority.id,
            &rules,
            "Default rules shipped with sems",
            None,
        )
        .await?;
        record_change(
            tx.conn(),
            &Actor::System("set-up"),
            crate::Change {
                about: &About::record(&rules_meta(authority.id), Some(version)),
                action: super::trail::REPORTING_RULES_PUBLISH,
                record_id: Some(version),
                before: NONE,
                after: Some(&rules),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A version of the rules (the one in force when `version` is `None`).
    #[tracing::instrument(skip_all)]
    pub async fn reporting_rules(
        &self,
        actor: &Actor,
        version: Option<i64>,
    ) -> Result<ReportingRulesView> {
        let mut conn = self.store.read().await?;
        let found = match version {
            Some(v) => store::version(&mut conn, v)
                .await?
                .ok_or(ServiceError::NotFound("reporting rules version"))?,
            None => current_rules(&mut conn).await?,
        };
        authorize(
            actor,
            Action::Read,
            &rules_meta(found.owner_party_id),
            "reporting rules",
        )?;
        Ok(Self::rules_view(actor, found))
    }

    /// Every version, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn reporting_rules_versions(&self, actor: &Actor) -> Result<Vec<ReportingRulesView>> {
        let mut conn = self.store.read().await?;
        let versions = store::versions(&mut conn).await?;
        if let Some(first) = versions.first() {
            authorize(
                actor,
                Action::Read,
                &rules_meta(first.owner_party_id),
                "reporting rules",
            )?;
        }
        Ok(versions
            .into_iter()
            .map(|v| Self::rules_view(actor, v))
            .collect())
    }

    /// Publishes a new version: checked whole (a category is withdrawn, never dropped), by
    /// the authority's policy officers and director only; recorded in the trail with the
    /// document.
    #[tracing::instrument(skip_all)]
    pub async fn publish_reporting_rules(
        &self,
        actor: &Actor,
        rules: &ReportingRules,
        note: &str,
    ) -> Result<ReportingRulesView> {
        let note = bounded_text("note", note, 0, 2000)?;
        let mut tx = self.store.write().await?;
        let authority = parties::authority(tx.conn())
            .await?
            .ok_or_else(|| ServiceError::Internal("the authority party is missing".into()))?;
        authorize(
            actor,
            Action::Create,
            &rules_meta(authority.id),
            "reporting rules",
        )?;
        let before = current_rules(tx.conn()).await?;
        rules.validate(Some(&before.rules))?;
        let version =
            store::publish(tx.conn(), authority.id, rules, &note, actor.person_id()).await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&rules_meta(authority.id), Some(version)),
                action: super::trail::REPORTING_RULES_PUBLISH,
                record_id: Some(version),
                before: Some(&before.rules),
                after: Some(rules),
            },
        )
        .await?;
        let stored = store::version(tx.conn(), version)
            .await?
            .ok_or(ServiceError::NotFound("reporting rules version"))?;
        tx.commit().await?;
        Ok(Self::rules_view(actor, stored))
    }
}
