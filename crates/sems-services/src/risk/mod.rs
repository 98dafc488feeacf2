//! Threat and risk management: the risk method (versions published by the authority), national
//! threat levels, the threat scenario library. Assessments and acceptance, measures, objective
//! data, mitigation actions, the national picture and imports are in the submodules.

pub mod actions;
pub(crate) mod assessments;
pub use assessments::*;
pub mod evidence;
pub mod generate;
pub mod import;
pub mod measures;
pub mod national;
pub mod trail;
pub mod views;

use crate::About;
use crate::{authorize, record_change, Actor, Result, ServiceError, Services, NONE};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::page::{Page, PageRequest};
use sems_domain::risk::RiskMethod;
use sems_domain::scenario::{Perpetrator, ScenarioCategory, DEFAULT_LIBRARY};
use sems_domain::util::bounded_text;
use sems_domain::ValidationError;
use sems_storage::risk::{
    self, MethodVersion, NewScenario, ScenarioFilter, ThreatLevel, ThreatScenario,
};
use sems_storage::{parties, Conn};
use serde::Deserialize;

/// The use cases of threat and risk management, apart from the other modules': `services.risk().create_assessment(…)`. Derefs to
/// [`Services`] for what every module shares (the store, the configuration).
#[derive(Clone, Copy)]
pub struct RiskServices<'a>(&'a Services);

impl std::ops::Deref for RiskServices<'_> {
    type Target = Services;
    fn deref(&self) -> &Services {
        self.0
    }
}

impl Services {
    /// The use cases of threat and risk management.
    pub fn risk(&self) -> RiskServices<'_> {
        RiskServices(self)
    }
}

/// The level every category starts at: a general threat without specific intelligence.
const DEFAULT_THREAT_LEVEL: i64 = 3;

/// A published record of the authority (the method, threat levels, the national library).
fn published(kind: RecordKind, authority: i64) -> RecordMeta {
    let mut m = RecordMeta::plain(kind, authority, true);
    m.published = true;
    m
}

pub(crate) fn scenario_meta(s: &ThreatScenario, owner_is_authority: bool) -> RecordMeta {
    let mut m = RecordMeta::plain(RecordKind::ThreatScenario, s.party_id, owner_is_authority);
    m.published = s.published;
    m.classification = s.classification;
    m.need_to_know = s.need_to_know;
    m
}

/// A scenario to add: to the national library (the authority) or an organisation's own.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioInput {
    pub code: String,
    /// A scenario category (`explosives`, `unauthorised_access`, `cyber`, ...).
    pub category: String,
    pub title: String,
    pub target: String,
    pub means: String,
    /// `external` or `insider`.
    pub perpetrator: String,
    pub description: String,
    /// A level name of the classification scheme (default: the lowest).
    #[serde(default)]
    pub classification: Option<String>,
}

/// A scenario input that passed validation.
pub(crate) struct ValidScenario {
    pub code: String,
    pub category: ScenarioCategory,
    pub title: String,
    pub target: String,
    pub means: String,
    pub perpetrator: Perpetrator,
    pub description: String,
    pub classification: i64,
}

/// The authority's party id (every deployment has one, made at start).
pub(crate) async fn authority_id(conn: &mut Conn) -> Result<i64> {
    parties::authority(conn)
        .await?
        .map(|a| a.id)
        .ok_or_else(|| ServiceError::Internal("the authority party is missing".into()))
}

impl RiskServices<'_> {
    /// Publishes the default method, threat levels and national library where none exist yet.
    /// Runs at start; doing it again changes nothing.
    #[tracing::instrument(skip_all)]
    pub async fn ensure_risk_defaults(&self) -> Result<()> {
        let actor = Actor::System("set-up");
        let mut tx = self.store.write().await?;
        let authority = authority_id(tx.conn()).await?;
        if risk::current_method(tx.conn()).await?.is_none() {
            let method = RiskMethod::default_method();
            let version = risk::publish_method(
                tx.conn(),
                authority,
                &method,
                "Default method shipped with sems",
                None,
            )
            .await?;
            record_change(
                tx.conn(),
                &actor,
                crate::Change {
                    about: &About::record(
                        &published(RecordKind::RiskMethod, authority),
                        Some(version),
                    ),
                    action: crate::risk::trail::RISK_METHOD_PUBLISH,
                    record_id: Some(version),
                    before: NONE,
                    after: Some(&method),
                },
            )
            .await?;
        }
        let levels = risk::threat_levels(tx.conn()).await?;
        for category in ScenarioCategory::ALL {
            if levels.iter().all(|l| l.category != category) {
                risk::set_threat_level(
                    tx.conn(),
                    authority,
                    category,
                    DEFAULT_THREAT_LEVEL,
                    "Default: a general threat without specific intelligence",
                    None,
                )
                .await?;
                let detail = serde_json::json!({ "category": category.as_str(), "level": DEFAULT_THREAT_LEVEL });
                record_change(
                    tx.conn(),
                    &actor,
                    crate::Change {
                        about: &About::record(&published(RecordKind::ThreatLevel, authority), None),
                        action: crate::risk::trail::THREAT_LEVEL_SET,
                        record_id: None,
                        before: NONE,
                        after: Some(&detail),
                    },
                )
                .await?;
            }
        }
        for s in DEFAULT_LIBRARY {
            if risk::scenario_by_code(tx.conn(), authority, s.code)
                .await?
                .is_some()
            {
                continue;
            }
            let id = risk::insert_scenario(
                tx.conn(),
                &NewScenario {
                    party_id: authority,
                    code: s.code,
                    category: s.category,
                    title: s.title,
                    target: s.target,
                    means: s.means,
                    perpetrator: s.perpetrator,
                    description: s.description,
                    published: true,
                    classification: 0,
                },
            )
            .await?;
            let stored = risk::scenario(tx.conn(), id)
                .await?
                .ok_or(ServiceError::NotFound("threat scenario"))?;
            record_change(
                tx.conn(),
                &actor,
                crate::Change {
                    about: &About::record(&scenario_meta(&stored, true), Some(id)),
                    action: crate::risk::trail::THREAT_SCENARIO_CREATE,
                    record_id: Some(id),
                    before: NONE,
                    after: Some(&views::ThreatScenario::from(&stored)),
                },
            )
            .await?;
        }
        for m in sems_domain::measure::DEFAULT_BASELINE {
            if sems_storage::risk::measures::measure_by_code(tx.conn(), authority, m.code)
                .await?
                .is_some()
            {
                continue;
            }
            let mut scenario_ids = Vec::new();
            for code in m.scenarios {
                if let Some(s) = risk::scenario_by_code(tx.conn(), authority, code).await? {
                    scenario_ids.push(s.id);
                }
            }
            let valid = measures::ValidMeasure {
                code: m.code.to_string(),
                title: m.title.to_string(),
                description: m.description.to_string(),
                scenario_ids,
            };
            let party = parties::get(tx.conn(), authority)
                .await?
                .ok_or(ServiceError::NotFound("party"))?;
            self.insert_measure(tx.conn(), &actor, &party, &valid)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Publishes a new version of the risk method. Earlier versions stay as they were:
    /// assessments keep the version they were made with.
    #[tracing::instrument(skip_all)]
    pub async fn publish_risk_method(
        &self,
        actor: &Actor,
        method: &RiskMethod,
        note: &str,
    ) -> Result<MethodVersion> {
        method.validate()?;
        let note = bounded_text("note", note, 0, 2000)?;
        let mut tx = self.store.write().await?;
        let authority = authority_id(tx.conn()).await?;
        authorize(
            actor,
            Action::Create,
            &RecordMeta::plain(RecordKind::RiskMethod, authority, true),
            "risk method",
        )?;
        let version =
            risk::publish_method(tx.conn(), authority, method, &note, actor.person_id()).await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&published(RecordKind::RiskMethod, authority), Some(version)),
                action: crate::risk::trail::RISK_METHOD_PUBLISH,
                record_id: Some(version),
                before: NONE,
                after: Some(method),
            },
        )
        .await?;
        let stored = risk::method(tx.conn(), version)
            .await?
            .ok_or(ServiceError::NotFound("risk method"))?;
        tx.commit().await?;
        Ok(stored)
    }

    /// A version of the method (the current one when `version` is `None`).
    #[tracing::instrument(skip_all)]
    pub async fn risk_method(&self, actor: &Actor, version: Option<i64>) -> Result<MethodVersion> {
        let mut conn = self.store.read().await?;
        let found = match version {
            Some(v) => risk::method(&mut conn, v).await?,
            None => risk::current_method(&mut conn).await?,
        };
        let found = found.ok_or(ServiceError::NotFound("risk method"))?;
        authorize(
            actor,
            Action::Read,
            &published(RecordKind::RiskMethod, found.owner_party_id),
            "risk method",
        )?;
        Ok(found)
    }

    /// Sets the national threat level (1–5) of a scenario category.
    #[tracing::instrument(skip_all)]
    pub async fn set_threat_level(
        &self,
        actor: &Actor,
        category: &str,
        level: i64,
        rationale: &str,
    ) -> Result<()> {
        let category = ScenarioCategory::parse(category)?;
        if !(1..=5).contains(&level) {
            return Err(ValidationError::new(
                "level",
                format!("must be a whole number from 1 to 5 (got {level})"),
            )
            .into());
        }
        let rationale = bounded_text("rationale", rationale, 1, 2000)?;
        let mut tx = self.store.write().await?;
        Self::set_threat_level_in(tx.conn(), actor, category, level, &rationale).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a checked threat level in the caller's transaction: its trail entry, and the
    /// assessments of the category marked for review when the level changes.
    pub(crate) async fn set_threat_level_in(
        conn: &mut sems_storage::Conn,
        actor: &Actor,
        category: ScenarioCategory,
        level: i64,
        rationale: &str,
    ) -> Result<()> {
        let authority = authority_id(&mut *conn).await?;
        authorize(
            actor,
            Action::Update,
            &published(RecordKind::ThreatLevel, authority),
            "threat level",
        )?;
        let before = risk::threat_levels(&mut *conn)
            .await?
            .into_iter()
            .find(|l| l.category == category);
        risk::set_threat_level(
            &mut *conn,
            authority,
            category,
            level,
            rationale,
            actor.person_id(),
        )
        .await?;
        let after = risk::threat_levels(&mut *conn)
            .await?
            .into_iter()
            .find(|l| l.category == category);
        record_change(
            &mut *conn,
            actor,
            crate::Change {
                about: &About::record(&published(RecordKind::ThreatLevel, authority), None),
                action: crate::risk::trail::THREAT_LEVEL_SET,
                record_id: None,
                before: before.as_ref().map(views::ThreatLevel::from).as_ref(),
                after: after.as_ref().map(views::ThreatLevel::from).as_ref(),
            },
        )
        .await?;
        let previous = before.as_ref().map(|b| b.level);
        if previous != Some(level) {
            let reason = format!(
                "National threat level for {} changed from {} to {level}",
                category.label(),
                previous.map_or("none".to_string(), |p| p.to_string())
            );
            evidence::mark_for_review(
                &mut *conn,
                actor,
                authority,
                &risk::ReviewScope::Category(category),
                &reason,
            )
            .await?;
            // Each organisation that assesses the category reviews its assessments: its
            // security manager hears of it, with the register's review list one click away.
            let managers = risk::people_assessing_category(
                &mut *conn,
                category,
                &[sems_domain::role::Role::SecurityManager],
            )
            .await?;
            sems_storage::notifications::insert(
                &mut *conn,
                &managers,
                &format!("{reason}: your assessments of this category are marked for review"),
                "/risk/register?review=required",
            )
            .await?;
        }
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn threat_levels(&self, actor: &Actor) -> Result<Vec<ThreatLevel>> {
        Ok(self.threat_levels_view(actor).await?.record)
    }

    /// The national threat levels with what the reader may do (`update`: set a level).
    #[tracing::instrument(skip_all)]
    pub async fn threat_levels_view(
        &self,
        actor: &Actor,
    ) -> Result<crate::Viewed<Vec<ThreatLevel>>> {
        let mut conn = self.store.read().await?;
        let authority = authority_id(&mut conn).await?;
        let meta = published(RecordKind::ThreatLevel, authority);
        authorize(actor, Action::Read, &meta, "threat levels")?;
        Ok(crate::Viewed {
            allowed: crate::allowed(actor, &meta),
            record: risk::threat_levels(&mut conn).await?,
        })
    }

    /// Checks a scenario input against the rules.
    pub(crate) fn validate_scenario(&self, input: &ScenarioInput) -> Result<ValidScenario> {
        Ok(ValidScenario {
            code: bounded_text("code", &input.code, 2, 20)?.to_uppercase(),
            category: ScenarioCategory::parse(&input.category)?,
            title: bounded_text("title", &input.title, 3, 200)?,
            target: bounded_text("target", &input.target, 2, 300)?,
            means: bounded_text("means", &input.means, 2, 300)?,
            perpetrator: Perpetrator::parse(&input.perpetrator)?,
            description: bounded_text("description", &input.description, 10, 5000)?,
            classification: match input
                .classification
                .as_deref()
                .filter(|c| !c.trim().is_empty())
            {
                Some(c) => self.classification.parse(c)?,
                None => 0,
            },
        })
    }

    /// Stores a validated scenario for `party` with its audit entry, inside the caller's
    /// transaction, after checking the actor may create it there.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn insert_valid_scenario(
        conn: &mut Conn,
        actor: &Actor,
        party: &parties::Party,
        v: &ValidScenario,
    ) -> Result<ThreatScenario> {
        let mut meta = RecordMeta::plain(
            RecordKind::ThreatScenario,
            party.id,
            party.kind.is_authority(),
        );
        meta.classification = v.classification;
        authorize(actor, Action::Create, &meta, "party")?;
        let id = risk::insert_scenario(
            conn,
            &NewScenario {
                party_id: party.id,
                code: &v.code,
                category: v.category,
                title: &v.title,
                target: &v.target,
                means: &v.means,
                perpetrator: v.perpetrator,
                description: &v.description,
                published: party.kind.is_authority(),
                classification: v.classification,
            },
        )
        .await
        .map_err(|e| ServiceError::conflict_on_unique(e, "a scenario with this code exists"))?;
        let stored = risk::scenario(conn, id)
            .await?
            .ok_or(ServiceError::NotFound("threat scenario"))?;
        record_change(
            conn,
            actor,
            crate::Change {
                about: &About::record(&scenario_meta(&stored, false), Some(id)),
                action: crate::risk::trail::THREAT_SCENARIO_CREATE,
                record_id: Some(id),
                before: NONE,
                after: Some(&views::ThreatScenario::from(&stored)),
            },
        )
        .await?;
        Ok(stored)
    }

    /// Adds a scenario: to the national library when the party is the authority (published
    /// to every party), else to the organisation's own scenarios.
    #[tracing::instrument(skip_all)]
    pub async fn create_scenario(
        &self,
        actor: &Actor,
        party_id: i64,
        input: &ScenarioInput,
    ) -> Result<ThreatScenario> {
        let valid = self.validate_scenario(input)?;
        let mut tx = self.store.write().await?;
        let party = parties::get(tx.conn(), party_id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        let stored = Self::insert_valid_scenario(tx.conn(), actor, &party, &valid).await?;
        tx.commit().await?;
        Ok(stored)
    }

    #[tracing::instrument(skip_all)]
    pub async fn scenario(&self, actor: &Actor, id: i64) -> Result<ThreatScenario> {
        let mut conn = self.store.read().await?;
        let s = risk::scenario(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound("threat scenario"))?;
        let owner = parties::get(&mut conn, s.party_id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        let mut meta = scenario_meta(&s, owner.kind.is_authority());
        meta.distribution = sems_storage::groups::distribution_of(
            &mut conn,
            sems_domain::access::RecordKind::ThreatScenario,
            s.id,
        )
        .await?;
        authorize(actor, Action::Read, &meta, "threat scenario")?;
        Ok(s)
    }

    #[tracing::instrument(skip_all)]
    pub async fn scenarios(
        &self,
        actor: &Actor,
        filter: &ScenarioFilter,
        page: PageRequest,
    ) -> Result<Page<ThreatScenario>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        Ok(risk::scenarios(&mut conn, subject, filter, page).await?)
    }
}

impl RiskServices<'_> {
    /// Every published version of the method, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn risk_methods(&self, actor: &Actor) -> Result<Vec<MethodVersion>> {
        let mut conn = self.store.read().await?;
        let authority = authority_id(&mut conn).await?;
        authorize(
            actor,
            Action::Read,
            &published(RecordKind::RiskMethod, authority),
            "risk method",
        )?;
        Ok(risk::methods(&mut conn).await?)
    }
}
