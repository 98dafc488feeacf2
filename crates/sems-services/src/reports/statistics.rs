//! Reporting statistics: reports per category and month, the reporting rate per 100 staff,
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
    /// Reports in twelve months per 100 active staff.
    pub rate_per_100_staff: Option<f64>,
    pub staff: i64,
    pub median_hours_to_triage: Option<f64>,
    pub median_days_to_close: Option<f64>,
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

impl ReportingServices<'_> {
    /// The statistics of the actor's organisation, or the national ones for the authority.
    #[tracing::instrument(skip_all)]
    pub async fn report_statistics(&self, actor: &Actor) -> Result<ReportStatistics> {
        let subject = actor
            .subject()
            .ok_or(ServiceError::Forbidden("statistics need a person".into()))?;
        // The organisation's own statistics, or the national ones for the authority: who
        // reads them is the access rule's `ReportStatistics` kind.
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
        let scope = (!subject.party_is_authority).then_some(subject.party_id);
        let since = now_ms() - 365 * 86_400_000;
        let mut conn = self.store.read().await?;
        let facts = reports::report_facts(&mut conn, scope, since).await?;
        let staff = reports::staff_count(&mut conn, scope).await?;
        let mut grid: BTreeMap<(String, String), i64> = BTreeMap::new();
        let (mut identified, mut confidential, mut anonymous) = (0, 0, 0);
        let mut triage = Vec::new();
        let mut close = Vec::new();
        for f in &facts {
            *grid
                .entry((f.month.clone(), f.category_label.clone()))
                .or_default() += 1;
            match f.mode {
                ReportMode::Identified => identified += 1,
                ReportMode::Confidential => confidential += 1,
                ReportMode::Anonymous => anonymous += 1,
            }
            if let Some(t) = f.triaged_at_ms {
                triage.push((t - f.filed_at_ms) as f64 / 3_600_000.0);
            }
            if let Some(c) = f.closed_at_ms {
                close.push((c - f.filed_at_ms) as f64 / 86_400_000.0);
            }
        }
        let total = facts.len() as i64;
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
            rate_per_100_staff: (staff > 0).then(|| total as f64 * 100.0 / staff as f64),
            staff,
            median_hours_to_triage: median(triage),
            median_days_to_close: median(close),
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn medians() {
        assert_eq!(super::median(vec![]), None);
        assert_eq!(super::median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(super::median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
