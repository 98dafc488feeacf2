//! Alerts as their readers see them, and their acknowledgement by someone who answers for the
//! organisation's performance.

use super::{authority_id, organisation_meta, trail, PerformanceServices};
use crate::{authorize, record_change, About, Actor, Result, ServiceError};
use sems_domain::access::{Action, RecordKind};
use sems_domain::page::{Page, PageRequest};
use sems_domain::performance::alerts::{AlertStatus, Point, Rule};
use sems_domain::util::bounded_text;
use sems_storage::performance::alerts::{self as store, Alert, AlertFilter};
use serde::{Deserialize, Serialize};

/// What the reader may do with an alert.
#[derive(Debug, Clone, Copy, Default, Serialize, utoipa::ToSchema)]
pub struct AlertActions {
    pub acknowledge: bool,
}

/// An alert as a reader sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AlertView {
    pub id: i64,
    pub indicator_id: i64,
    pub indicator_code: String,
    pub indicator_name: String,
    pub party_id: i64,
    pub party_name: String,
    /// The period of the point that fired it.
    pub period: String,
    /// The definition version its values were judged under.
    pub version: i64,
    pub rule: Rule,
    /// 1 to 3: the line (or threshold) beyond which the points are.
    pub level: i64,
    pub line: f64,
    pub points: Vec<Point>,
    pub baseline_from: Option<String>,
    pub baseline_until: Option<String>,
    /// The alert in a sentence: the rule, the points, the baseline.
    pub sentence: String,
    pub status: AlertStatus,
    pub acknowledged_by_name: Option<String>,
    pub acknowledged_at_ms: Option<i64>,
    pub acknowledgement: String,
    /// When it was escalated to the accountable executive, unacknowledged.
    pub escalated_on: Option<time::Date>,
    /// The corrective action it opened in the register.
    pub action_id: Option<i64>,
    pub raised_at_ms: i64,
    pub allowed: AlertActions,
}

pub(crate) fn view(actor: &Actor, a: Alert, authority: i64) -> AlertView {
    let meta = organisation_meta(RecordKind::PerformanceAlert, a.owner_party_id, authority);
    let may = crate::allowed(actor, &meta);
    AlertView {
        allowed: AlertActions {
            acknowledge: may.update && a.status == AlertStatus::Open,
        },
        id: a.id,
        indicator_id: a.indicator_id,
        indicator_code: a.indicator_code,
        indicator_name: a.indicator_name,
        party_id: a.owner_party_id,
        party_name: a.party_name,
        period: a.period,
        version: a.version,
        rule: a.rule,
        level: a.level,
        line: a.line,
        points: a.points.0,
        baseline_from: a.baseline_from,
        baseline_until: a.baseline_until,
        sentence: a.sentence,
        status: a.status,
        acknowledged_by_name: a.acknowledged_by_name,
        acknowledged_at_ms: a.acknowledged_at_ms,
        acknowledgement: a.acknowledgement,
        escalated_on: a.escalated_on,
        action_id: a.action_id,
        raised_at_ms: a.raised_at_ms,
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeInput {
    /// What is being done about it.
    pub note: String,
}

impl PerformanceServices<'_> {
    /// The alerts the actor may read, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn alerts(
        &self,
        actor: &Actor,
        filter: &AlertFilter,
        page: PageRequest,
    ) -> Result<Page<AlertView>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        let authority = authority_id(&mut conn).await?;
        let found = store::list(&mut conn, subject, filter, page).await?;
        Ok(found.map(|a| view(actor, a, authority)))
    }

    /// One alert.
    #[tracing::instrument(skip_all)]
    pub async fn alert(&self, actor: &Actor, id: i64) -> Result<AlertView> {
        let mut conn = self.store.read().await?;
        let authority = authority_id(&mut conn).await?;
        let a = store::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound("alert"))?;
        let meta = organisation_meta(RecordKind::PerformanceAlert, a.owner_party_id, authority);
        authorize(actor, Action::Read, &meta, "alert")?;
        Ok(view(actor, a, authority))
    }

    /// Acknowledges an open alert with what is being done about it: it is no longer escalated.
    #[tracing::instrument(skip_all)]
    pub async fn acknowledge_alert(
        &self,
        actor: &Actor,
        id: i64,
        input: &AcknowledgeInput,
    ) -> Result<AlertView> {
        let note = bounded_text("note", &input.note, 3, 2000)?;
        let person = actor.person_id().ok_or(ServiceError::Forbidden(
            "an alert is acknowledged by a person".into(),
        ))?;
        let mut tx = self.store.write().await?;
        let authority = authority_id(tx.conn()).await?;
        let a = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("alert"))?;
        let meta = organisation_meta(RecordKind::PerformanceAlert, a.owner_party_id, authority);
        authorize(actor, Action::Read, &meta, "alert")?;
        authorize(actor, Action::Update, &meta, "alert")?;
        if !store::acknowledge(tx.conn(), id, person, &note).await? {
            return Err(ServiceError::Conflict(
                "this alert was acknowledged already".into(),
            ));
        }
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::ALERT_ACKNOWLEDGE,
                record_id: Some(id),
                before: Some(&serde_json::json!({ "status": a.status })),
                after: Some(
                    &serde_json::json!({ "status": AlertStatus::Acknowledged, "note": note }),
                ),
            },
        )
        .await?;
        let after = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("alert"))?;
        tx.commit().await?;
        Ok(view(actor, after, authority))
    }
}
