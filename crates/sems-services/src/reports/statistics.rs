//! Reporting statistics: reports per category and month, the reporting rate per 100 staff (of
//! the staff headcount series),
//! the share of each mode, and the median times to triage and to close. An organisation's
//! for its security management; the national ones (forwarded occurrences) for the authority.

use super::ReportingServices;
use crate::{Actor, Result, ServiceError};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::report::ReportMode;
use sems_storage::{now_ms, reports};
use serde::Serialize;
use std::collections::BTreeMap;

/// How many reports of a category occurred in a month.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CategoryMonth {
    pub category: String,
    /// `YYYY-MM`.
    pub month: String,
    pub reports: i64,
}

/// Reporting statistics over the last twelve months: one organisation's, or the national
/// ones over forwarded occurrences.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportStatistics {
    /// Over the last twelve months.
    pub reports: i64,
    pub by_category_month: Vec<CategoryMonth>,
    pub identified: i64,
    pub confidential: i64,
    pub anonymous: i64,
    /// Reports in twelve months per 100 staff, from the staff headcount series (none until a
    /// headcount is entered: never the number of sems accounts, which most staff do not have).
    pub rate_per_100_staff: Option<f64>,
    /// The latest staff headcount entered (of every organisation, for the national figures).
    pub staff: Option<f64>,
    pub median_hours_to_triage: Option<f64>,
    pub median_days_to_close: Option<f64>,
}

impl ReportingServices<'_> {
    /// Whose reports the actor's statistics are of: their organisation's, or (`None`) every
    /// forwarded occurrence for the authority. Who reads them is the access rule's
    /// `ReportStatistics` kind.
    fn statistics_party(actor: &Actor) -> Result<Option<i64>> {
        let subject = actor
            .subject()
            .ok_or(ServiceError::Forbidden("statistics need a person".into()))?;
        crate::authorize(
            actor,
            Action::Read,
            &RecordMeta::plain(
                RecordKind::ReportStatistics,
                subject.party_id,
                subject.party_is_authority,
            ),
            "statistics",
        )?;
        Ok((!subject.party_is_authority).then_some(subject.party_id))
    }

    /// Reports per month over the last twelve months (`YYYY-MM`, count), of the actor's
    /// organisation or the national ones: the statistics' first figure alone, for the
    /// director's overview.
    #[tracing::instrument(skip_all)]
    pub async fn reports_by_month(&self, actor: &Actor) -> Result<Vec<(String, i64)>> {
        let scope = Self::statistics_party(actor)?;
        let since = now_ms() - 365 * 86_400_000;
        let mut conn = self.store.read().await?;
        Ok(reports::reports_per_month(&mut conn, scope, since).await?)
    }

    /// The statistics of the actor's organisation, or the national ones for the authority.
    #[tracing::instrument(skip_all)]
    pub async fn report_statistics(&self, actor: &Actor) -> Result<ReportStatistics> {
        let scope = Self::statistics_party(actor)?;
        let since = now_ms() - 365 * 86_400_000;
        let mut conn = self.store.read().await?;
        let tallies = reports::report_tallies(&mut conn, scope, since).await?;
        let staff = sems_storage::performance::series::latest_headcount(&mut conn, scope).await?;
        let mut grid: BTreeMap<(String, String), i64> = BTreeMap::new();
        for t in &tallies.by_month {
            *grid
                .entry((t.month.clone(), t.category_label.clone()))
                .or_default() += t.reports;
        }
        let (mut identified, mut confidential, mut anonymous) = (0, 0, 0);
        for t in &tallies.by_mode {
            match t.mode {
                ReportMode::Identified => identified += t.reports,
                ReportMode::Confidential => confidential += t.reports,
                ReportMode::Anonymous => anonymous += t.reports,
            }
        }
        let total = identified + confidential + anonymous;
        Ok(ReportStatistics {
            reports: total,
            by_category_month: grid
                .into_iter()
                .rev()
                .map(|((month, category), reports)| CategoryMonth {
                    category,
                    month,
                    reports,
                })
                .collect(),
            identified,
            confidential,
            anonymous,
            rate_per_100_staff: staff.filter(|s| *s > 0.0).map(|s| total as f64 * 100.0 / s),
            staff,
            median_hours_to_triage: tallies.median_ms_to_triage.map(|ms| ms / 3_600_000.0),
            median_days_to_close: tallies.median_ms_to_close.map(|ms| ms / 86_400_000.0),
        })
    }
}
