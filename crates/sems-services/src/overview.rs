//! The national overview on the authority's home page: effective implementation by
//! organisation (the State's oversight), open level 1 findings and overdue plans, occurrences
//! by month, the national risk picture — each read through its module's own service, so the
//! access rule decides as it does on the list each opens.

use crate::oversight::ei::{EiRow, EiSelection};
use crate::{Actor, Result, Services};
use sems_domain::oversight::FindingLevel;
use sems_domain::page::PageRequest;
use serde::Serialize;

/// How many organisations the overview shows, the lowest EI first.
const ORGANISATIONS: usize = 10;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NationalOverview {
    /// The organisations with the lowest EI under the State's oversight, lowest first.
    pub lowest_ei: Vec<EiRow>,
    pub organisations_with_ei: usize,
    pub open_level_1_findings: i64,
    pub overdue_plans: i64,
    /// Forwarded occurrences per month over the last twelve months (`YYYY-MM`, count).
    pub occurrences_by_month: Vec<(String, i64)>,
    /// Assessments per residual level, very low to very high, and in all.
    pub risk_totals: [i64; 5],
    pub assessments: i64,
}

impl Services {
    /// The overview for those who oversee every organisation (the national risk picture's
    /// readers); `None` for anybody else.
    #[tracing::instrument(skip_all)]
    pub async fn national_overview(&self, actor: &Actor) -> Result<Option<NationalOverview>> {
        let Some(s) = actor.subject() else {
            return Ok(None);
        };
        if !s.party_is_authority || !crate::risk::RiskServices::sees_national_picture(actor) {
            return Ok(None);
        }
        let mut ei = self
            .oversight()
            .ei_by_organisation(
                actor,
                &EiSelection::of(sems_domain::oversight::Performer::Authority),
            )
            .await?;
        ei.retain(|r| r.ei.is_some());
        ei.sort_by(|a, b| a.ei.unwrap_or(0.0).total_cmp(&b.ei.unwrap_or(0.0)));
        let organisations_with_ei = ei.len();
        ei.truncate(ORGANISATIONS);
        let count = |filter: sems_storage::oversight::findings::FindingFilter| async move {
            self.oversight()
                .findings(actor, &filter, PageRequest::new(Some(1), Some(1)))
                .await
                .map(|p| p.total)
        };
        let open_level_1_findings = count(sems_storage::oversight::findings::FindingFilter {
            level: Some(FindingLevel::Level1),
            open_only: true,
            ..Default::default()
        })
        .await?;
        let overdue_plans = count(sems_storage::oversight::findings::FindingFilter {
            overdue_on: Some(sems_domain::util::today()),
            ..Default::default()
        })
        .await?;
        let occurrences_by_month = self.reporting().reports_by_month(actor).await?;
        let risk_totals = self.risk().national_totals(actor).await?;
        Ok(Some(NationalOverview {
            lowest_ei: ei,
            organisations_with_ei,
            open_level_1_findings,
            overdue_plans,
            occurrences_by_month,
            risk_totals,
            assessments: risk_totals.iter().sum(),
        }))
    }
}
