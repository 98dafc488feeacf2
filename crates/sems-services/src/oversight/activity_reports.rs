//! Issued reports of an activity: immutable versions of its results, for the overseen
//! organisation.

use super::activities::*;
use super::OversightServices;
use crate::{authorize, record_change, Actor, Result, ServiceError, NONE};
use sems_domain::access::Action;
use sems_domain::oversight::ActivityStatus;
use sems_domain::util::bounded_text;
use sems_storage::oversight::activities::{self as store};
use sems_storage::oversight::findings::{self};
use serde::{Deserialize, Serialize};

/// What an issued report holds: the activity as it stood when issued.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportContent {
    pub title: String,
    pub kind: String,
    pub overseen: String,
    pub performed_by: String,
    pub planned_on: time::Date,
    pub completed_on: Option<time::Date>,
    pub catalogue_version: i64,
    pub team: Vec<String>,
    pub items: Vec<ReportItem>,
    pub findings: Vec<ReportFinding>,
    pub effective_implementation: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportItem {
    pub code: String,
    pub title: String,
    pub answer: String,
    pub notes: String,
    pub test: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportFinding {
    pub code: String,
    pub level: String,
    pub description: String,
}

/// An issued report, read back.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IssuedReportView {
    pub version: i64,
    pub summary: String,
    pub issued_by: String,
    pub issued_at_ms: i64,
    pub content: ReportContent,
}

impl OversightServices<'_> {
    /// Issues the activity's report (the next version: a correction never changes an
    /// issued one). The activity is completed; a member of its team issues.
    #[tracing::instrument(skip_all)]
    pub async fn issue_activity_report(
        &self,
        actor: &Actor,
        id: i64,
        summary: &str,
    ) -> Result<i64> {
        let summary = bounded_text("summary", summary, 10, 10_000)?;
        let mut tx = self.store.write().await?;
        let a = Self::readable_activity(tx.conn(), actor, id).await?;
        let meta = activity_meta(tx.conn(), &a).await?;
        authorize(actor, Action::Update, &meta, "activity")?;
        let team = store::team(tx.conn(), id).await?;
        if !team.iter().any(|p| Some(p.id) == actor.person_id()) {
            return Err(ServiceError::Forbidden(
                "a member of the team issues the report".into(),
            ));
        }
        if a.status != ActivityStatus::Completed {
            return Err(ServiceError::Conflict(
                "complete the activity before issuing its report".into(),
            ));
        }
        let items = store::items(tx.conn(), id).await?;
        let scale = super::activities::scale_of(tx.conn(), &a).await?;
        let found = findings::for_activity(tx.conn(), id).await?;
        let content = ReportContent {
            title: a.title.clone(),
            kind: a.kind_label.clone(),
            overseen: a.overseen_party_name.clone(),
            performed_by: a.party_name.clone(),
            planned_on: a.planned_on,
            completed_on: a.completed_on,
            catalogue_version: a.catalogue_version,
            team: team.into_iter().map(|p| p.name).collect(),
            effective_implementation: sems_domain::oversight::effective_implementation(
                items
                    .iter()
                    .filter_map(|i| i.answer.as_deref())
                    .filter_map(|w| scale.answer(w).ok()),
            ),
            items: items
                .into_iter()
                .map(|i| ReportItem {
                    code: i.requirement_code,
                    title: i.requirement_title,
                    answer: i.answer.as_deref().map_or(String::new(), |w| {
                        scale.answer(w).map_or(w.to_string(), |a| a.label.clone())
                    }),
                    notes: i.notes,
                    test: match i.test_passed {
                        Some(true) => format!("Passed ({})", i.test_method),
                        Some(false) => format!("Failed ({})", i.test_method),
                        None => String::new(),
                    },
                })
                .collect(),
            findings: found
                .into_iter()
                .map(|f| ReportFinding {
                    code: f.requirement_code,
                    level: f.level.label().to_string(),
                    description: f.description,
                })
                .collect(),
        };
        let json = serde_json::to_string(&content)?;
        let version =
            store::issue_report(tx.conn(), id, &summary, &json, actor.person_id()).await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &activity_about(&a),
                action: crate::oversight::trail::OVERSIGHT_ACTIVITY_REPORT_ISSUE,
                record_id: Some(id),
                before: NONE,
                after: Some(
                    &serde_json::json!({ "activity": id, "version": version, "summary": summary }),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// The issued reports of an activity one may read, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn activity_reports(&self, actor: &Actor, id: i64) -> Result<Vec<IssuedReportView>> {
        let mut conn = self.store.read().await?;
        Self::readable_activity(&mut conn, actor, id).await?;
        store::issued_reports(&mut conn, id)
            .await?
            .into_iter()
            .map(|r| {
                Ok(IssuedReportView {
                    version: r.version,
                    summary: r.summary,
                    issued_by: r.issued_by_name.unwrap_or_default(),
                    issued_at_ms: r.issued_at_ms,
                    content: serde_json::from_str(&r.content_json)?,
                })
            })
            .collect()
    }
}
