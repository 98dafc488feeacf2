//! Indicators' definitions: the national library kept by the authority's policy officers and
//! director, organisations' own; each change a new version. The State's expected level of a
//! national indicator, and each organisation's target, never weaker than it.

use super::{authority_id, indicator_meta, organisation_meta, trail, PerformanceServices};
use crate::{authorize, record_change, About, Actor, Result, ServiceError};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::page::{Page, PageRequest};
use sems_domain::performance::definition::{
    check_target, Source, SpiDefinition, ValueKind, STANDARD_SERIES,
};
use sems_domain::ValidationError;
use sems_storage::performance::indicators::{self as store, Indicator, IndicatorFilter};
use sems_storage::{people, risk, Conn};
use serde::{Deserialize, Serialize};

/// What the reader may do with an indicator.
#[derive(Debug, Clone, Copy, Default, Serialize, utoipa::ToSchema)]
pub struct IndicatorActions {
    /// Publish a new version of the definition.
    pub publish: bool,
    /// Set the State's expected level (national indicators, the authority).
    pub set_expected_level: bool,
    /// Set the reader's organisation's target.
    pub set_target: bool,
}

/// An indicator as a reader sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorView {
    pub id: i64,
    pub owner_party_id: i64,
    pub owner_name: String,
    pub code: String,
    pub name: String,
    /// Part of the authority's national library.
    pub national: bool,
    pub version: i64,
    pub definition: SpiDefinition,
    pub value_kind: ValueKind,
    /// The State's expected level of security performance (national indicators).
    pub expected_level: Option<f64>,
    /// Who answers for it.
    pub owner_person_id: Option<i64>,
    pub owner_person_name: Option<String>,
    /// The reader's organisation's target: its own indicator's, or the one it set for a
    /// national indicator.
    pub target: Option<f64>,
    /// Why a target on it may do harm (a reporting rate).
    pub target_warning: Option<&'static str>,
    pub allowed: IndicatorActions,
    pub updated_at_ms: i64,
}

/// A version of a definition, as published.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorVersionView {
    pub version: i64,
    pub definition: SpiDefinition,
    pub note: String,
    pub by_name: Option<String>,
    pub published_at_ms: i64,
}

/// An indicator with every version of its definition.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorDetail {
    pub indicator: IndicatorView,
    pub versions: Vec<IndicatorVersionView>,
}

/// A definition to add or publish again.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorInput {
    pub definition: SpiDefinition,
    /// What changed and why (kept with the version).
    #[serde(default)]
    pub note: String,
    /// Who answers for it: a person of the indicator's owner.
    #[serde(default)]
    pub owner_person_id: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedLevelInput {
    /// None clears it.
    #[serde(default)]
    pub expected_level: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    /// None clears it.
    #[serde(default)]
    pub target: Option<f64>,
    /// A target on a reporting rate is set only when this says the warning was read.
    #[serde(default)]
    pub despite_warning: bool,
}

/// The reader's organisation's target for `i`.
async fn target_of(conn: &mut Conn, i: &Indicator, party_id: Option<i64>) -> Result<Option<f64>> {
    let set = match party_id {
        Some(p) if i.published && p != i.owner_party_id => store::target(conn, i.id, p).await?,
        _ => None,
    };
    Ok(target_with(i, party_id, set))
}

/// `party_id`'s target for `i`: its own indicator's, else the one it `set` for a national one.
pub(crate) fn target_with(i: &Indicator, party_id: Option<i64>, set: Option<f64>) -> Option<f64> {
    match party_id {
        Some(p) if p == i.owner_party_id => i.definition.target,
        Some(_) if i.published => set,
        _ => None,
    }
}

pub(crate) async fn view(
    conn: &mut Conn,
    actor: &Actor,
    i: Indicator,
    authority: i64,
) -> Result<IndicatorView> {
    let target = target_of(conn, &i, actor.party_id()).await?;
    Ok(view_of(actor, i, authority, target))
}

/// The view of an indicator whose reader's target is known.
pub(crate) fn view_of(
    actor: &Actor,
    i: Indicator,
    authority: i64,
    target: Option<f64>,
) -> IndicatorView {
    let meta = indicator_meta(&i, authority);
    let party = actor.party_id();
    let own_settings =
        party.map(|p| organisation_meta(RecordKind::PerformanceIndicator, p, authority));
    let set_target = match (party, &own_settings) {
        // The authority sets expected levels, not targets, on the national library.
        (Some(p), Some(m)) if p != authority || !i.published => {
            (i.published || p == i.owner_party_id) && crate::allowed(actor, m).update
        }
        _ => false,
    };
    let allowed = crate::allowed(actor, &meta);
    IndicatorView {
        id: i.id,
        owner_party_id: i.owner_party_id,
        owner_name: i.owner_name,
        code: i.code,
        name: i.name,
        national: i.published,
        version: i.current_version,
        value_kind: i.definition.value_kind(),
        target_warning: i.definition.target_warning(),
        definition: i.definition,
        expected_level: i.expected_level,
        owner_person_id: i.owner_person_id,
        owner_person_name: i.owner_person_name,
        target,
        allowed: IndicatorActions {
            publish: allowed.update,
            set_expected_level: allowed.update && i.published,
            set_target,
        },
        updated_at_ms: i.updated_at_ms,
    }
}

/// The indicator as changed, read back in the change's transaction, which then commits.
async fn committed_view(
    mut tx: sems_storage::WriteTx,
    actor: &Actor,
    id: i64,
    authority: i64,
) -> Result<IndicatorView> {
    let stored = store::get(tx.conn(), id)
        .await?
        .ok_or(ServiceError::NotFound("indicator"))?;
    let out = view(tx.conn(), actor, stored, authority).await?;
    tx.commit().await?;
    Ok(out)
}

/// Where a definition's data come from must exist: a series the organisation entered or one
/// every organisation may enter, scenarios of its library or the national one.
async fn check_sources(
    conn: &mut Conn,
    owner_party_id: i64,
    authority: i64,
    d: &SpiDefinition,
) -> Result<()> {
    let mut checks = sems_domain::Checks::default();
    let mut series: Vec<&str> = match &d.source {
        Source::Series {
            numerator,
            denominator,
        } => std::iter::once(numerator.as_str())
            .chain(denominator.as_deref())
            .collect(),
        Source::Computed { .. } => Vec::new(),
    };
    if let Some(e) = &d.exposure {
        series.push(&e.series);
    }
    for s in series {
        let standard = STANDARD_SERIES.iter().any(|(code, _)| *code == s);
        let entered = owner_party_id != authority
            && sems_storage::performance::series::exists(conn, owner_party_id, s).await?;
        if !standard && !entered {
            let names: Vec<&str> = STANDARD_SERIES.iter().map(|(c, _)| *c).collect();
            checks.refuse(ValidationError::new(
                "source",
                format!(
                    "no data series '{s}': use one of {} or one your organisation has entered",
                    names.join(", ")
                ),
            ));
        }
    }
    for code in &d.scenarios {
        let own = risk::scenario_by_code(conn, owner_party_id, code).await?;
        let national = match own {
            Some(_) => None,
            None => risk::scenario_by_code(conn, authority, code).await?,
        };
        if own.is_none() && national.is_none() {
            checks.refuse(ValidationError::new(
                "scenarios",
                format!("no threat scenario '{code}' in your library or the national one"),
            ));
        }
    }
    Ok(checks.finish()?)
}

/// A person of `party` who answers for an indicator.
async fn check_owner_person(conn: &mut Conn, party: i64, person: Option<i64>) -> Result<()> {
    if let Some(id) = person {
        let found = people::get(conn, id).await?;
        if found.is_none_or(|p| p.party_id != party) {
            return Err(ValidationError::new(
                "owner_person_id",
                "who answers for an indicator is a person of its owner",
            )
            .into());
        }
    }
    Ok(())
}

impl PerformanceServices<'_> {
    /// The indicators the actor may read: the national library and their organisation's own
    /// (the authority: every organisation's).
    #[tracing::instrument(skip_all)]
    pub async fn indicators(
        &self,
        actor: &Actor,
        filter: &IndicatorFilter,
        page: PageRequest,
    ) -> Result<Page<IndicatorView>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        let authority = authority_id(&mut conn).await?;
        let found = store::list(&mut conn, subject, filter, page).await?;
        // The reader's targets in one statement, not one per indicator of the page.
        let party = actor.party_id();
        let targets: std::collections::BTreeMap<i64, f64> = match party {
            Some(p) => store::targets_of(&mut conn, p).await?.into_iter().collect(),
            None => Default::default(),
        };
        Ok(found.map(|i| {
            let target = target_with(&i, party, targets.get(&i.id).copied());
            view_of(actor, i, authority, target)
        }))
    }

    /// One indicator with its versions.
    #[tracing::instrument(skip_all)]
    pub async fn indicator(&self, actor: &Actor, id: i64) -> Result<IndicatorDetail> {
        let mut conn = self.store.read().await?;
        let authority = authority_id(&mut conn).await?;
        let i = store::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound("indicator"))?;
        authorize(
            actor,
            Action::Read,
            &indicator_meta(&i, authority),
            "indicator",
        )?;
        let versions = store::versions(&mut conn, id)
            .await?
            .into_iter()
            .map(|v| IndicatorVersionView {
                version: v.version,
                definition: v.definition,
                note: v.note,
                by_name: v.by_name,
                published_at_ms: v.published_at_ms,
            })
            .collect();
        Ok(IndicatorDetail {
            indicator: view(&mut conn, actor, i, authority).await?,
            versions,
        })
    }

    /// Adds an indicator to the actor's library: the authority's national one (published to
    /// every organisation) or their organisation's own.
    #[tracing::instrument(skip_all)]
    pub async fn define_indicator(
        &self,
        actor: &Actor,
        input: &IndicatorInput,
    ) -> Result<IndicatorView> {
        let party = actor.party_id().ok_or(ServiceError::Forbidden(
            "indicators are defined by a person".into(),
        ))?;
        input.definition.validate()?;
        let mut tx = self.store.write().await?;
        let authority = authority_id(tx.conn()).await?;
        let national = party == authority;
        let mut meta = organisation_meta(RecordKind::PerformanceIndicator, party, authority);
        meta.published = national;
        authorize(actor, Action::Create, &meta, "indicator")?;
        check_sources(tx.conn(), party, authority, &input.definition).await?;
        check_owner_person(tx.conn(), party, input.owner_person_id).await?;
        if store::by_code(tx.conn(), party, &input.definition.code)
            .await?
            .is_some()
        {
            return Err(ServiceError::Conflict(format!(
                "an indicator {} exists already: publish a new version of it",
                input.definition.code
            )));
        }
        let note = input.note.trim();
        let id = store::insert(
            tx.conn(),
            party,
            national,
            &input.definition,
            note,
            actor.person_id(),
        )
        .await?;
        store::set_owner_person(tx.conn(), id, input.owner_person_id).await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::INDICATOR_CREATE,
                record_id: Some(id),
                before: crate::NONE,
                after: Some(&serde_json::json!({
                    "definition": input.definition, "owner_person_id": input.owner_person_id,
                })),
            },
        )
        .await?;
        committed_view(tx, actor, id, authority).await
    }

    /// Publishes the next version of an indicator's definition; values computed so far keep
    /// the version they were computed under.
    #[tracing::instrument(skip_all)]
    pub async fn publish_indicator(
        &self,
        actor: &Actor,
        id: i64,
        input: &IndicatorInput,
    ) -> Result<IndicatorView> {
        input.definition.validate()?;
        let mut tx = self.store.write().await?;
        let authority = authority_id(tx.conn()).await?;
        let before = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("indicator"))?;
        let meta = indicator_meta(&before, authority);
        authorize(actor, Action::Read, &meta, "indicator")?;
        authorize(actor, Action::Update, &meta, "indicator")?;
        if input.definition.period != before.definition.period {
            return Err(ValidationError::new(
                "period",
                format!(
                    "an indicator keeps its period ({}): its values are of that period; define a new indicator for another",
                    before.definition.period.label().to_lowercase()
                ),
            )
            .into());
        }
        if input.definition.code != before.code {
            return Err(ValidationError::new(
                "code",
                format!("an indicator keeps its code ({})", before.code),
            )
            .into());
        }
        check_sources(
            tx.conn(),
            before.owner_party_id,
            authority,
            &input.definition,
        )
        .await?;
        check_owner_person(tx.conn(), before.owner_party_id, input.owner_person_id).await?;
        if input.note.trim().is_empty() {
            return Err(ValidationError::new("note", "say what changed and why").into());
        }
        store::publish_version(
            tx.conn(),
            id,
            &input.definition,
            input.note.trim(),
            actor.person_id(),
        )
        .await?;
        store::set_owner_person(tx.conn(), id, input.owner_person_id).await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::INDICATOR_PUBLISH,
                record_id: Some(id),
                before: Some(&serde_json::json!({
                    "definition": before.definition, "owner_person_id": before.owner_person_id,
                })),
                after: Some(&serde_json::json!({
                    "definition": input.definition, "owner_person_id": input.owner_person_id,
                })),
            },
        )
        .await?;
        committed_view(tx, actor, id, authority).await
    }

    /// Sets the State's expected level of security performance of a national indicator: the
    /// authority's policy officers and director only.
    #[tracing::instrument(skip_all)]
    pub async fn set_expected_level(
        &self,
        actor: &Actor,
        id: i64,
        input: &ExpectedLevelInput,
    ) -> Result<IndicatorView> {
        let mut tx = self.store.write().await?;
        let authority = authority_id(tx.conn()).await?;
        let before = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("indicator"))?;
        let meta = indicator_meta(&before, authority);
        authorize(actor, Action::Read, &meta, "indicator")?;
        if !before.published {
            return Err(ServiceError::Conflict(
                "only national indicators have the State's expected level: an organisation's own indicator has a target"
                    .into(),
            ));
        }
        authorize(actor, Action::Update, &meta, "indicator")?;
        if let Some(level) = input.expected_level {
            let mut probe = before.definition.clone();
            probe.target = Some(level);
            if let Err(e) = probe.validate() {
                if let Some(t) = e.iter().find(|e| e.field == "target") {
                    return Err(ValidationError::new("expected_level", t.message.clone()).into());
                }
            }
        }
        store::set_expected_level(tx.conn(), id, input.expected_level).await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::INDICATOR_EXPECTED_LEVEL,
                record_id: Some(id),
                before: Some(&serde_json::json!({ "expected_level": before.expected_level })),
                after: Some(&serde_json::json!({ "expected_level": input.expected_level })),
            },
        )
        .await?;
        committed_view(tx, actor, id, authority).await
    }

    /// Sets the actor's organisation's target for an indicator: for a national one, never
    /// weaker than the State's expected level; for its own, a new version of the definition.
    /// A target on a reporting rate needs `despite_warning`.
    #[tracing::instrument(skip_all)]
    pub async fn set_target(
        &self,
        actor: &Actor,
        id: i64,
        input: &TargetInput,
    ) -> Result<IndicatorView> {
        let party = actor.party_id().ok_or(ServiceError::Forbidden(
            "a target is an organisation's".into(),
        ))?;
        let mut tx = self.store.write().await?;
        let authority = authority_id(tx.conn()).await?;
        let before = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("indicator"))?;
        authorize(
            actor,
            Action::Read,
            &indicator_meta(&before, authority),
            "indicator",
        )?;
        let meta = organisation_meta(RecordKind::PerformanceIndicator, party, authority);
        if party == authority && before.published {
            return Err(ServiceError::Forbidden(
                "the authority sets the expected level of a national indicator, not a target"
                    .into(),
            ));
        }
        if !before.published && before.owner_party_id != party {
            return Err(ServiceError::Forbidden(
                "a target is set on your organisation's indicators and the national ones".into(),
            ));
        }
        authorize(actor, Action::Update, &meta, "indicator")?;
        if let Some(t) = input.target {
            let mut probe = before.definition.clone();
            probe.target = Some(t);
            probe.validate()?;
            if let (Some(warning), false) =
                (before.definition.target_warning(), input.despite_warning)
            {
                return Err(ValidationError::new("target", warning).into());
            }
            if before.published {
                check_target(&before.definition, before.expected_level, t)?;
            }
        }
        let old = target_of(tx.conn(), &before, Some(party)).await?;
        if before.published {
            store::set_target(tx.conn(), id, party, input.target, actor.person_id()).await?;
        } else {
            let mut changed = before.definition.clone();
            changed.target = input.target;
            let note = match input.target {
                Some(t) => format!("target set to {t}"),
                None => "target removed".to_string(),
            };
            store::publish_version(tx.conn(), id, &changed, &note, actor.person_id()).await?;
        }
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::INDICATOR_TARGET,
                record_id: Some(id),
                before: Some(&serde_json::json!({ "indicator": id, "target": old })),
                after: Some(&serde_json::json!({ "indicator": id, "target": input.target })),
            },
        )
        .await?;
        committed_view(tx, actor, id, authority).await
    }
}

/// The meta of an organisation's settings of an indicator (its target).
pub fn target_meta(party_id: i64, authority_id: i64) -> RecordMeta {
    organisation_meta(RecordKind::PerformanceIndicator, party_id, authority_id)
}
