//! Mitigation actions on an assessment, and the residual risk projected once the open ones
//! have their expected effect.

use super::assessment_meta;
use super::views;
use super::RiskServices;
use crate::About;
use crate::{authorize, record_change, Actor, Result, ServiceError, NONE};
use sems_domain::access::Action;
use sems_domain::measure::{projected_score, ActionStatus, Effect};
use sems_domain::risk::{Consequence, Risk, RiskMethod, Score};
use sems_domain::util::{bounded_text, parse_date, today};
use sems_domain::ValidationError;
use sems_storage::risk::actions::{self, ActionValues, MitigationAction};
use sems_storage::risk::{self, Assessment};
use serde::{Deserialize, Serialize};

/// A mitigation action to add, or an action's new state.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    pub title: String,
    #[serde(default)]
    pub responsible_person_id: Option<i64>,
    /// YYYY-MM-DD.
    #[schema(format = Date)]
    pub due_on: String,
    /// planned, in_progress, done or cancelled (default planned).
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub cost_one_off: i64,
    #[serde(default)]
    pub cost_annual: i64,
    /// likelihood or vulnerability.
    pub effect_on: String,
    /// By how many points the score is expected to fall (1–4).
    #[schema(minimum = 1, maximum = 4)]
    pub expected_reduction: i64,
}

/// A mitigation action with whether it is overdue today.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MitigationActionView {
    #[serde(flatten)]
    pub action: views::MitigationAction,
    pub overdue: bool,
}

/// The residual risk once every open action has its expected effect.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RiskProjection {
    pub likelihood: i64,
    pub vulnerability: i64,
    pub residual: Risk,
}

/// Projects an assessment's residual risk under `method` (the version it was made with),
/// lowering each score by the expected reductions of the open actions.
pub fn project(
    a: &Assessment,
    actions: &[MitigationAction],
    method: &RiskMethod,
) -> Result<RiskProjection, ValidationError> {
    let reduction = |effect: Effect| -> i64 {
        actions
            .iter()
            .filter(|x| x.status.is_open() && x.effect_on == effect)
            .map(|x| x.expected_reduction)
            .sum()
    };
    let likelihood = projected_score(
        Score::new("likelihood", a.likelihood)?,
        reduction(Effect::Likelihood),
    );
    let vulnerability = projected_score(
        Score::new("vulnerability", a.vulnerability)?,
        reduction(Effect::Vulnerability),
    );
    let consequence = Consequence {
        human: Score::new("consequence_human", a.consequence_human)?,
        economic: Score::new("consequence_economic", a.consequence_economic)?,
        political: Score::new("consequence_political", a.consequence_political)?,
    };
    Ok(RiskProjection {
        likelihood: i64::from(likelihood),
        vulnerability: i64::from(vulnerability),
        residual: method.residual(likelihood, consequence, vulnerability),
    })
}

fn view(action: MitigationAction) -> MitigationActionView {
    let overdue = sems_domain::action::is_overdue(action.status, action.due_on, today());
    MitigationActionView {
        action: action.into(),
        overdue,
    }
}

struct ValidAction {
    title: String,
    due_on: time::Date,
    status: ActionStatus,
    effect_on: Effect,
}

impl ValidAction {
    fn values<'a>(&'a self, input: &ActionInput) -> ActionValues<'a> {
        ActionValues {
            title: &self.title,
            responsible_person_id: input.responsible_person_id,
            due_on: self.due_on,
            status: self.status,
            cost_one_off: input.cost_one_off,
            cost_annual: input.cost_annual,
            effect_on: self.effect_on,
            expected_reduction: input.expected_reduction,
        }
    }
}

fn validate(input: &ActionInput) -> Result<ValidAction> {
    if !(1..=4).contains(&input.expected_reduction) {
        return Err(ValidationError::new(
            "expected_reduction",
            "must be a whole number of points from 1 to 4",
        )
        .into());
    }
    super::measures::cost("cost_one_off", input.cost_one_off)?;
    super::measures::cost("cost_annual", input.cost_annual)?;
    Ok(ValidAction {
        title: bounded_text("title", &input.title, 3, 300)?,
        due_on: parse_date("due_on", &input.due_on)?,
        status: match input.status.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => ActionStatus::parse(s)?,
            None => ActionStatus::Planned,
        },
        effect_on: Effect::parse(&input.effect_on)?,
    })
}

impl RiskServices<'_> {
    /// Adds a mitigation action to an assessment.
    #[tracing::instrument(skip_all)]
    pub async fn create_action(
        &self,
        actor: &Actor,
        assessment_id: i64,
        input: &ActionInput,
    ) -> Result<MitigationActionView> {
        let v = validate(input)?;
        let mut tx = self.store.write().await?;
        let a = risk::assessment(tx.conn(), assessment_id)
            .await?
            .ok_or(ServiceError::NotFound("risk assessment"))?;
        authorize(
            actor,
            Action::Update,
            &assessment_meta(&a),
            "risk assessment",
        )?;
        crate::check_person_of_party(
            tx.conn(),
            a.party_id,
            input.responsible_person_id,
            "responsible_person_id",
            crate::OF_THIS_ORGANISATION,
        )
        .await?;
        let id = actions::insert_action(
            tx.conn(),
            &crate::actions::assessment_source(&a),
            &v.values(input),
            actor.person_id(),
        )
        .await?;
        let stored = actions::action(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("mitigation action"))?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&assessment_meta(&a), Some(a.id)),
                action: crate::risk::trail::RISK_ACTION_CREATE,
                record_id: Some(id),
                before: NONE,
                after: Some(&views::MitigationAction::from(&stored)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(view(stored))
    }

    /// Changes a mitigation action (its status as work goes on, its date, its effect).
    #[tracing::instrument(skip_all)]
    pub async fn update_action(
        &self,
        actor: &Actor,
        action_id: i64,
        input: &ActionInput,
    ) -> Result<MitigationActionView> {
        let v = validate(input)?;
        let mut tx = self.store.write().await?;
        let before = actions::action(tx.conn(), action_id)
            .await?
            .ok_or(ServiceError::NotFound("mitigation action"))?;
        let a = risk::assessment(tx.conn(), before.assessment_id)
            .await?
            .ok_or(ServiceError::NotFound("mitigation action"))?;
        authorize(
            actor,
            Action::Update,
            &assessment_meta(&a),
            "mitigation action",
        )?;
        crate::check_person_of_party(
            tx.conn(),
            a.party_id,
            input.responsible_person_id,
            "responsible_person_id",
            crate::OF_THIS_ORGANISATION,
        )
        .await?;
        actions::update_action(tx.conn(), action_id, &v.values(input), actor.person_id()).await?;
        let after = actions::action(tx.conn(), action_id)
            .await?
            .ok_or(ServiceError::NotFound("mitigation action"))?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&assessment_meta(&a), Some(a.id)),
                action: crate::risk::trail::RISK_ACTION_UPDATE,
                record_id: Some(action_id),
                before: Some(&views::MitigationAction::from(&before)),
                after: Some(&views::MitigationAction::from(&after)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(view(after))
    }

    /// The actions of an assessment with the projected residual risk after the open ones.
    #[tracing::instrument(skip_all)]
    pub async fn actions(
        &self,
        actor: &Actor,
        assessment_id: i64,
    ) -> Result<(Vec<MitigationActionView>, RiskProjection)> {
        let a = self.assessment(actor, assessment_id).await?;
        let mut conn = self.store.read().await?;
        let list = actions::actions(&mut conn, a.id).await?;
        let method = risk::method(&mut conn, a.method_version)
            .await?
            .ok_or(ServiceError::NotFound("risk method"))?;
        let projection = project(&a, &list, &method.method)?;
        Ok((list.into_iter().map(view).collect(), projection))
    }
}
