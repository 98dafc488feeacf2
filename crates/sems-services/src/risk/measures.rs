//! Security measures: the authority's baseline and organisations' own, each organisation's
//! implementation of them, and exemptions from a baseline measure that only the authority
//! approves.

use super::authority_id;
use super::views;
use super::RiskServices;
use crate::About;
use crate::{authorize, record_change, Actor, Result, ServiceError, NONE};
use sems_domain::access::{decide, Action, RecordKind, RecordMeta};
use sems_domain::measure::{Exemption, MeasureStatus};
use sems_domain::page::{Page, PageRequest};
use sems_domain::util::bounded_text;
use sems_domain::ValidationError;
use sems_storage::risk::measures::{
    self, Implementation, ImplementationValues, MeasureFilter, NewMeasure, SecurityMeasure,
};
use sems_storage::{parties, people, Conn};
use serde::{Deserialize, Serialize};

/// The access facts of a measure of the catalogue.
fn measure_meta(m: &SecurityMeasure, owner_is_authority: bool) -> RecordMeta {
    let mut meta = RecordMeta::plain(RecordKind::SecurityMeasure, m.party_id, owner_is_authority);
    meta.published = m.published;
    meta.classification = m.classification;
    meta.need_to_know = m.need_to_know;
    meta
}

/// The access facts of an organisation's implementation records.
fn implementation_meta(party_id: i64) -> RecordMeta {
    RecordMeta::plain(RecordKind::SecurityMeasure, party_id, false)
}

/// What the actor may do with an organisation's measures (`update`: record the
/// implementation; `accept`: decide an exemption; `delete`: remove an own measure), as the
/// writes check it.
pub fn implementation_allowed(actor: &Actor, party_id: i64) -> sems_domain::access::Allowed {
    crate::allowed(actor, &implementation_meta(party_id))
}

/// A measure to add: a baseline measure (the authority) or an organisation's own.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureInput {
    pub code: String,
    pub title: String,
    pub description: String,
    /// The scenarios the measure mitigates (at least one).
    #[serde(default)]
    #[schema(min_items = 1)]
    pub scenario_ids: Vec<i64>,
}

/// A measure input checked against the rules, ready to store.
pub(super) struct ValidMeasure {
    pub code: String,
    pub title: String,
    pub description: String,
    pub scenario_ids: Vec<i64>,
}

pub(super) fn validate_measure(input: &MeasureInput) -> Result<ValidMeasure, ValidationError> {
    let mut scenario_ids = input.scenario_ids.clone();
    scenario_ids.sort_unstable();
    scenario_ids.dedup();
    if scenario_ids.is_empty() {
        return Err(ValidationError::new(
            "scenario_ids",
            "link the measure to at least one scenario it mitigates",
        ));
    }
    if scenario_ids.len() > 100 {
        return Err(ValidationError::new(
            "scenario_ids",
            "link at most 100 scenarios",
        ));
    }
    Ok(ValidMeasure {
        code: bounded_text("code", &input.code, 2, 20)?.to_uppercase(),
        title: bounded_text("title", &input.title, 3, 200)?,
        description: bounded_text("description", &input.description, 10, 5000)?,
        scenario_ids,
    })
}

/// What an organisation records about its implementation of a measure.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImplementationInput {
    #[serde(default)]
    pub responsible_person_id: Option<i64>,
    /// `planned`, `implemented`, `suspended` or `not_applicable` (the last on a baseline
    /// measure only through an approved exemption).
    pub status: String,
    #[serde(default)]
    pub cost_one_off: i64,
    #[serde(default)]
    pub cost_annual: i64,
    #[serde(default)]
    pub note: String,
}

/// A line of an organisation's measure register: a measure that applies and what the
/// organisation recorded about it (nothing yet for a baseline measure it has not recorded).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeasureLine {
    pub measure: views::SecurityMeasure,
    pub implementation: Option<views::Implementation>,
}

/// An exemption request waiting for the authority.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PendingExemption {
    pub party_id: i64,
    pub party_name: String,
    pub measure_id: i64,
    pub measure_name: String,
    pub reason: String,
    pub requested_at_ms: i64,
}

/// Costs are whole units of the deployment's currency; a ceiling catches typing slips.
pub(crate) fn cost(field: &'static str, value: i64) -> Result<i64, ValidationError> {
    if (0..=1_000_000_000_000).contains(&value) {
        Ok(value)
    } else {
        Err(ValidationError::new(
            field,
            "must be a whole amount from 0 to 1,000,000,000,000",
        ))
    }
}

impl RiskServices<'_> {
    /// Checks that every scenario exists, may be read by the actor and can be linked by the
    /// measure's owner: a national one, or one of the owner's own.
    async fn check_linked_scenarios(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        owner_party_id: i64,
        scenario_ids: &[i64],
    ) -> Result<()> {
        for id in scenario_ids {
            let refused =
                || ValidationError::new("scenario_ids", format!("no scenario {id} to link"));
            let scenario = sems_storage::risk::scenario(conn, *id)
                .await?
                .ok_or_else(refused)?;
            let owner_is_authority = parties::get(conn, scenario.party_id)
                .await?
                .is_some_and(|p| p.kind.is_authority());
            let readable = authorize(
                actor,
                Action::Read,
                &super::scenario_meta(&scenario, owner_is_authority),
                "threat scenario",
            )
            .is_ok();
            if !readable || !(scenario.published || scenario.party_id == owner_party_id) {
                return Err(refused().into());
            }
        }
        Ok(())
    }

    /// Stores a validated measure for `party` with its audit entry, inside the caller's
    /// transaction. The authority's measures are the baseline, published to everyone; an
    /// organisation's own measure starts as planned in its register.
    pub(super) async fn insert_measure(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        party: &parties::Party,
        m: &ValidMeasure,
    ) -> Result<SecurityMeasure> {
        let baseline = party.kind.is_authority();
        let id = measures::insert_measure(
            conn,
            &NewMeasure {
                party_id: party.id,
                code: &m.code,
                title: &m.title,
                description: &m.description,
                baseline,
                published: baseline,
                classification: 0,
            },
        )
        .await
        .map_err(|e| ServiceError::conflict_on_unique(e, "a measure with this code exists"))?;
        measures::set_measure_scenarios(conn, id, &m.scenario_ids).await?;
        if !baseline {
            measures::upsert_implementation(
                conn,
                party.id,
                id,
                &ImplementationValues {
                    responsible_person_id: None,
                    status: MeasureStatus::Planned,
                    cost_one_off: 0,
                    cost_annual: 0,
                    note: "",
                },
                actor.person_id(),
            )
            .await?;
        }
        let stored = measures::measure(conn, id)
            .await?
            .ok_or(ServiceError::NotFound("security measure"))?;
        record_change(
            conn,
            actor,
            crate::Change {
                about: &About::record(&measure_meta(&stored, false), Some(id)),
                action: crate::risk::trail::SECURITY_MEASURE_CREATE,
                record_id: Some(id),
                before: NONE,
                after: Some(&views::SecurityMeasure::from(&stored)),
            },
        )
        .await?;
        Ok(stored)
    }

    /// Adds a measure: a baseline measure when the party is the authority, else one of the
    /// organisation's own.
    #[tracing::instrument(skip_all)]
    pub async fn create_measure(
        &self,
        actor: &Actor,
        party_id: i64,
        input: &MeasureInput,
    ) -> Result<SecurityMeasure> {
        let valid = validate_measure(input)?;
        let mut tx = self.store.write().await?;
        let party = parties::get(tx.conn(), party_id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        authorize(
            actor,
            Action::Create,
            &RecordMeta::plain(
                RecordKind::SecurityMeasure,
                party.id,
                party.kind.is_authority(),
            ),
            "party",
        )?;
        self.check_linked_scenarios(tx.conn(), actor, party.id, &valid.scenario_ids)
            .await?;
        let stored = self
            .insert_measure(tx.conn(), actor, &party, &valid)
            .await?;
        tx.commit().await?;
        Ok(stored)
    }

    #[tracing::instrument(skip_all)]
    pub async fn measure(&self, actor: &Actor, id: i64) -> Result<SecurityMeasure> {
        let mut conn = self.store.read().await?;
        let m = measures::measure(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound("security measure"))?;
        let owner_is_authority = parties::get(&mut conn, m.party_id)
            .await?
            .is_some_and(|p| p.kind.is_authority());
        authorize(
            actor,
            Action::Read,
            &measure_meta(&m, owner_is_authority),
            "security measure",
        )?;
        Ok(m)
    }

    /// The measures of the catalogue the actor may read.
    #[tracing::instrument(skip_all)]
    pub async fn measures(
        &self,
        actor: &Actor,
        filter: &MeasureFilter,
        page: PageRequest,
    ) -> Result<Page<SecurityMeasure>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        Ok(measures::measures(&mut conn, subject, filter, page).await?)
    }

    /// An organisation's measure register: every baseline measure and its own, with what it
    /// recorded about each.
    #[tracing::instrument(skip_all)]
    pub async fn measure_register(&self, actor: &Actor, party_id: i64) -> Result<Vec<MeasureLine>> {
        let mut conn = self.store.read().await?;
        let party = parties::get(&mut conn, party_id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        if party.kind.is_authority() {
            return Err(ValidationError::new(
                "party_id",
                "measures are implemented by organisations",
            )
            .into());
        }
        authorize(actor, Action::Read, &implementation_meta(party.id), "party")?;
        let catalogue = measures::catalogue_for(&mut conn, party.id).await?;
        let mut recorded = measures::implementations(&mut conn, party.id).await?;
        Ok(catalogue
            .into_iter()
            .map(|measure| {
                let implementation = recorded
                    .iter()
                    .position(|i| i.measure_id == measure.id)
                    .map(|at| recorded.swap_remove(at));
                MeasureLine {
                    measure: measure.into(),
                    implementation: implementation.map(views::Implementation::from),
                }
            })
            .collect())
    }

    /// Loads a measure that applies to `party_id` (a baseline one or the party's own).
    async fn applicable_measure(
        conn: &mut Conn,
        party_id: i64,
        measure_id: i64,
    ) -> Result<SecurityMeasure> {
        measures::measure(conn, measure_id)
            .await?
            .filter(|m| m.baseline || m.party_id == party_id)
            .ok_or(ServiceError::NotFound("security measure"))
    }

    /// Records an organisation's implementation of a measure: responsible person, status,
    /// costs. Not applicable on a baseline measure comes only from an approved exemption.
    #[tracing::instrument(skip_all)]
    pub async fn set_implementation(
        &self,
        actor: &Actor,
        party_id: i64,
        measure_id: i64,
        input: &ImplementationInput,
    ) -> Result<Implementation> {
        let status = MeasureStatus::parse(&input.status)?;
        let cost_one_off = cost("cost_one_off", input.cost_one_off)?;
        let cost_annual = cost("cost_annual", input.cost_annual)?;
        let note = bounded_text("note", &input.note, 0, 2000)?;
        let mut tx = self.store.write().await?;
        authorize(
            actor,
            Action::Update,
            &implementation_meta(party_id),
            "security measure",
        )?;
        let measure = Self::applicable_measure(tx.conn(), party_id, measure_id).await?;
        let before = measures::implementation(tx.conn(), party_id, measure_id).await?;
        let exempted = before
            .as_ref()
            .is_some_and(|i| i.exemption == Exemption::Approved);
        if !status.settable(measure.baseline) && !exempted {
            return Err(ServiceError::Conflict(
                "a baseline measure is mandatory: it can be marked not applicable only through an exemption the authority approves".into(),
            ));
        }
        crate::check_person_of_party(
            tx.conn(),
            party_id,
            input.responsible_person_id,
            "responsible_person_id",
            crate::OF_THIS_ORGANISATION,
        )
        .await?;
        measures::upsert_implementation(
            tx.conn(),
            party_id,
            measure_id,
            &ImplementationValues {
                responsible_person_id: input.responsible_person_id,
                status,
                cost_one_off,
                cost_annual,
                note: &note,
            },
            actor.person_id(),
        )
        .await?;
        let after = measures::implementation(tx.conn(), party_id, measure_id)
            .await?
            .ok_or(ServiceError::NotFound("security measure"))?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&implementation_meta(party_id), None),
                action: crate::risk::trail::SECURITY_MEASURE_IMPLEMENTATION,
                record_id: Some(measure_id),
                before: before.as_ref().map(views::Implementation::from).as_ref(),
                after: Some(&views::Implementation::from(&after)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Removes one of an organisation's own measures. A baseline measure is never removed by
    /// an organisation: it asks the authority for an exemption instead.
    #[tracing::instrument(skip_all)]
    pub async fn remove_measure(
        &self,
        actor: &Actor,
        party_id: i64,
        measure_id: i64,
    ) -> Result<()> {
        let mut tx = self.store.write().await?;
        let measure = Self::applicable_measure(tx.conn(), party_id, measure_id).await?;
        authorize(
            actor,
            Action::Delete,
            &implementation_meta(party_id),
            "security measure",
        )?;
        if measure.baseline {
            return Err(ServiceError::Conflict(
                "a baseline measure cannot be removed: request an exemption from the authority instead".into(),
            ));
        }
        measures::delete_measure(tx.conn(), measure_id).await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&measure_meta(&measure, false), Some(measure_id)),
                action: crate::risk::trail::SECURITY_MEASURE_DELETE,
                record_id: Some(measure_id),
                before: Some(&views::SecurityMeasure::from(&measure)),
                after: NONE,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An organisation asks the authority not to apply a baseline measure, saying why.
    #[tracing::instrument(skip_all)]
    pub async fn request_exemption(
        &self,
        actor: &Actor,
        party_id: i64,
        measure_id: i64,
        reason: &str,
    ) -> Result<Implementation> {
        let reason = bounded_text("reason", reason, 10, 2000).map_err(|_| {
            ValidationError::new("reason", "explain the request in 10 to 2000 characters")
        })?;
        let mut tx = self.store.write().await?;
        authorize(
            actor,
            Action::Update,
            &implementation_meta(party_id),
            "security measure",
        )?;
        let measure = Self::applicable_measure(tx.conn(), party_id, measure_id).await?;
        if !measure.baseline {
            return Err(ValidationError::new(
                "measure_id",
                "only a baseline measure needs an exemption; remove an own measure instead",
            )
            .into());
        }
        let mut before = measures::implementation(tx.conn(), party_id, measure_id).await?;
        if before.is_none() {
            measures::upsert_implementation(
                tx.conn(),
                party_id,
                measure_id,
                &ImplementationValues {
                    responsible_person_id: None,
                    status: MeasureStatus::Planned,
                    cost_one_off: 0,
                    cost_annual: 0,
                    note: "",
                },
                actor.person_id(),
            )
            .await?;
            before = measures::implementation(tx.conn(), party_id, measure_id).await?;
        }
        let before = before.ok_or(ServiceError::NotFound("security measure"))?;
        if !before.exemption.may_move_to(Exemption::Requested) {
            return Err(ServiceError::Conflict(format!(
                "an exemption from this measure is already {}",
                before.exemption.as_str()
            )));
        }
        measures::request_exemption(tx.conn(), before.id, &reason, actor.person_id()).await?;
        let after = measures::implementation(tx.conn(), party_id, measure_id)
            .await?
            .ok_or(ServiceError::NotFound("security measure"))?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&implementation_meta(party_id), None),
                action: crate::risk::trail::SECURITY_MEASURE_EXEMPTION_REQUEST,
                record_id: Some(measure_id),
                before: Some(&views::Implementation::from(&before)),
                after: Some(&views::Implementation::from(&after)),
            },
        )
        .await?;
        let party_name = parties::get(tx.conn(), party_id)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        let authority = authority_id(tx.conn()).await?;
        let recipients = people::ids_with_roles(
            tx.conn(),
            authority,
            &[
                sems_domain::role::Role::Director,
                sems_domain::role::Role::Inspector,
            ],
        )
        .await?;
        sems_storage::notifications::insert(
            tx.conn(),
            &recipients,
            &format!(
                "{party_name} asks for an exemption from baseline measure {} {}",
                measure.code, measure.title
            ),
            &format!("/risk/measures?party={party_id}"),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The authority approves or refuses a requested exemption, with a recorded note. An
    /// approval makes the measure not applicable for that organisation.
    #[tracing::instrument(skip_all)]
    pub async fn decide_exemption(
        &self,
        actor: &Actor,
        party_id: i64,
        measure_id: i64,
        approve: bool,
        note: &str,
    ) -> Result<Implementation> {
        let note = bounded_text("note", note, 3, 2000).map_err(|_| {
            ValidationError::new(
                "note",
                "record the grounds of the decision (3 to 2000 characters)",
            )
        })?;
        let mut tx = self.store.write().await?;
        let before = measures::implementation(tx.conn(), party_id, measure_id)
            .await?
            .ok_or(ServiceError::NotFound("security measure"))?;
        authorize(
            actor,
            Action::Accept,
            &implementation_meta(party_id),
            "security measure",
        )?;
        if !before.exemption.may_move_to(Exemption::Approved) {
            return Err(ServiceError::Conflict(
                "there is no pending exemption request on this measure".into(),
            ));
        }
        measures::decide_exemption(tx.conn(), before.id, approve, &note, actor.person_id()).await?;
        let after = measures::implementation(tx.conn(), party_id, measure_id)
            .await?
            .ok_or(ServiceError::NotFound("security measure"))?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&implementation_meta(party_id), None),
                action: if approve {
                    crate::risk::trail::SECURITY_MEASURE_EXEMPTION_APPROVE
                } else {
                    crate::risk::trail::SECURITY_MEASURE_EXEMPTION_REFUSE
                },
                record_id: Some(measure_id),
                before: Some(&views::Implementation::from(&before)),
                after: Some(&views::Implementation::from(&after)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The exemption requests the actor may decide, oldest first.
    #[tracing::instrument(skip_all)]
    pub async fn pending_exemptions(&self, actor: &Actor) -> Result<Vec<PendingExemption>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        Ok(measures::pending_exemptions(&mut conn)
            .await?
            .into_iter()
            .filter(|r| {
                decide(
                    subject,
                    Action::Accept,
                    &implementation_meta(r.implementation.party_id),
                )
                .is_ok()
            })
            .map(|r| PendingExemption {
                party_id: r.implementation.party_id,
                party_name: r.party_name,
                measure_id: r.implementation.measure_id,
                measure_name: r.measure_name,
                reason: r.implementation.exemption_reason,
                requested_at_ms: r.implementation.updated_at_ms,
            })
            .collect())
    }
}
