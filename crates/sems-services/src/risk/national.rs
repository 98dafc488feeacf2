//! The authority's national picture: how every organisation's assessments of each scenario
//! stand, as counts. Who is behind a count is for the access-filtered register to say.

use super::RiskServices;
use crate::{Actor, Result, ServiceError};
use sems_domain::access::{RecordKind, RecordMeta};
use sems_domain::risk::RiskLevel;
use sems_storage::risk;
use serde::Serialize;

/// One scenario's row of the national picture.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NationalRow {
    pub scenario_id: i64,
    pub scenario_code: String,
    pub scenario_title: String,
    /// Assessments per residual level, from very low to very high.
    pub by_level: [i64; 5],
    pub assessments: i64,
    /// Organisations with an assessment at each level (one with two sites at different
    /// levels counts at both).
    pub organisations_by_level: [i64; 5],
}

/// The whole picture: a row per assessed scenario, and the totals per level.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NationalPicture {
    pub rows: Vec<NationalRow>,
    /// Assessments per residual level, from very low to very high.
    pub totals: [i64; 5],
    pub assessments: i64,
}

impl RiskServices<'_> {
    /// The national picture is for those who oversee every organisation's assessments (the
    /// authority's director and inspectors): the question asked of the access rule is
    /// whether the actor may read an assessment of an organisation they are not part of.
    pub fn sees_national_picture(actor: &Actor) -> bool {
        // Party id 0 is no organisation: only an oversight relation can reach it.
        actor.subject().is_some_and(|s| s.party_is_authority)
            && crate::allowed(
                actor,
                &RecordMeta::plain(RecordKind::RiskAssessment, 0, false),
            )
            .read
    }

    /// The national picture is refused as not found to anyone else.
    fn national_picture_reader(actor: &Actor) -> Result<()> {
        let subject = actor.subject().ok_or(ServiceError::Forbidden(
            "the national picture needs a person".into(),
        ))?;
        if !subject.party_is_authority || !Self::sees_national_picture(actor) {
            return Err(ServiceError::NotFound("national picture"));
        }
        Ok(())
    }

    /// The national picture's totals alone: assessments per residual level, very low to very
    /// high, for the director's overview.
    #[tracing::instrument(skip_all)]
    pub async fn national_totals(&self, actor: &Actor) -> Result<[i64; 5]> {
        Self::national_picture_reader(actor)?;
        let mut conn = self.store.read().await?;
        let mut totals = [0i64; 5];
        for (level, n) in risk::residual_level_counts(&mut conn).await? {
            if let Some(level) = RiskLevel::ALL.into_iter().find(|l| l.as_str() == level) {
                totals[level.index()] += n;
            }
        }
        Ok(totals)
    }

    #[tracing::instrument(skip_all)]
    pub async fn national_picture(&self, actor: &Actor) -> Result<NationalPicture> {
        Self::national_picture_reader(actor)?;
        let mut conn = self.store.read().await?;
        let counts = risk::national_picture(&mut conn).await?;
        let mut rows: Vec<NationalRow> = Vec::new();
        let mut totals = [0i64; 5];
        for c in counts {
            let Some(level) = RiskLevel::ALL
                .into_iter()
                .find(|l| l.as_str() == c.residual_level)
            else {
                continue;
            };
            if rows.last().is_none_or(|r| r.scenario_id != c.scenario_id) {
                rows.push(NationalRow {
                    scenario_id: c.scenario_id,
                    scenario_code: c.scenario_code.clone(),
                    scenario_title: c.scenario_title.clone(),
                    by_level: [0; 5],
                    assessments: 0,
                    organisations_by_level: [0; 5],
                });
            }
            if let Some(row) = rows.last_mut() {
                row.by_level[level.index()] += c.assessments;
                row.assessments += c.assessments;
                row.organisations_by_level[level.index()] += c.organisations;
            }
            totals[level.index()] += c.assessments;
        }
        let assessments = totals.iter().sum();
        Ok(NationalPicture {
            rows,
            totals,
            assessments,
        })
    }
}
