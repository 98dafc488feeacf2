//! Effective implementation (EI): compliant items over applicable items of completed
//! activities, per organisation, per requirement area and per year, and nationally, by who
//! performed them: the State's oversight, an organisation's self-evaluation, a client's audit
//! of its contractor. Performers are added up only when the reader asks, and the figure then
//! says so. The access rule decides which activities count: the authority sees every
//! organisation, an organisation itself.

use super::OversightServices;
use crate::{Actor, Result, ServiceError};
use sems_domain::oversight::{EiTally, Performer};
use sems_domain::ValidationError;
use sems_storage::oversight::ei_totals::{self, Dimension};
use serde::Serialize;
use std::collections::BTreeMap;

/// The counts of a row: the domain's tally, the one place EI's percentage is computed.
pub type EiCell = EiTally;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EiRow {
    pub key: String,
    pub label: String,
    pub ei: Option<f64>,
    pub cell: EiCell,
}

/// Whose results an EI request reads: one performer (the State's oversight when none is
/// named), or several added up when `blend` is said.
#[derive(Debug, Clone, Default)]
pub struct EiSelection {
    pub performers: Vec<Performer>,
    pub blend: bool,
}

impl EiSelection {
    pub fn of(performer: Performer) -> Self {
        Self {
            performers: vec![performer],
            blend: false,
        }
    }

    /// Reads the performers as a request names them: words separated by commas.
    pub fn parse(performers: Option<&str>, blend: bool) -> Result<Self> {
        let performers = performers
            .unwrap_or_default()
            .split(',')
            .filter(|w| !w.trim().is_empty())
            .map(Performer::parse)
            .collect::<std::result::Result<Vec<_>, ValidationError>>()?;
        Ok(Self { performers, blend })
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EiReport {
    /// Whose results the figures are, and how they are named where shown ("State oversight",
    /// or "Blended: …" when several performers were asked for together).
    pub performers: Vec<Performer>,
    pub label: String,
    pub blended: bool,
    /// EI of the selected performers, and the counts it is computed from.
    pub overall: Option<f64>,
    pub cell: EiCell,
    pub items: i64,
    pub by_organisation: Vec<EiRow>,
    pub by_area: Vec<EiRow>,
    pub by_year: Vec<EiRow>,
    /// Each performer's own EI over the same organisations, side by side, never added up:
    /// the key is the performer's word.
    pub by_performer: Vec<EiRow>,
}

fn rows(map: BTreeMap<String, (String, EiCell)>) -> Vec<EiRow> {
    map.into_iter()
        .map(|(key, (label, cell))| EiRow {
            key,
            label,
            ei: cell.percent(),
            cell,
        })
        .collect()
}

impl OversightServices<'_> {
    /// EI over what the actor may read, optionally of one organisation, of the selected
    /// performers.
    #[tracing::instrument(skip_all)]
    pub async fn effective_implementation(
        &self,
        actor: &Actor,
        party_id: Option<i64>,
        selection: &EiSelection,
    ) -> Result<EiReport> {
        self.ei(actor, party_id, selection, &Dimension::ALL).await
    }

    /// EI by organisation alone, of the selected performers, over what the actor may read
    /// (the director's overview): the report's other dimensions are left empty.
    #[tracing::instrument(skip_all)]
    pub async fn ei_by_organisation(
        &self,
        actor: &Actor,
        selection: &EiSelection,
    ) -> Result<Vec<EiRow>> {
        Ok(self
            .ei(actor, None, selection, &[Dimension::Organisation])
            .await?
            .by_organisation)
    }

    async fn ei(
        &self,
        actor: &Actor,
        party_id: Option<i64>,
        selection: &EiSelection,
        dimensions: &[Dimension],
    ) -> Result<EiReport> {
        let performers = Performer::selection(&selection.performers, selection.blend)?;
        let subject = actor
            .subject()
            .ok_or(ServiceError::Forbidden("EI is read by a person".into()))?;
        let mut conn = self.store.read().await?;
        let sums = ei_totals::sums(&mut conn, subject, party_id, dimensions).await?;
        let mut overall = EiCell::default();
        let mut by_org: BTreeMap<String, (String, EiCell)> = BTreeMap::new();
        let mut by_area: BTreeMap<String, (String, EiCell)> = BTreeMap::new();
        let mut by_year: BTreeMap<String, (String, EiCell)> = BTreeMap::new();
        let mut by_performer = vec![EiCell::default(); Performer::ALL.len()];
        for c in &sums {
            // Every result is summed once by each dimension: the sums by organisation make
            // the overall figures.
            if c.dimension == Dimension::Organisation {
                if let Some(rank) = Performer::ALL.iter().position(|p| *p == c.performer) {
                    by_performer[rank].add(&c.tally);
                }
            }
            if !performers.contains(&c.performer) {
                continue;
            }
            let (map, key) = match c.dimension {
                Dimension::Organisation => {
                    overall.add(&c.tally);
                    (&mut by_org, format!("{:010}", c.party_id.unwrap_or(0)))
                }
                Dimension::Area => (&mut by_area, c.key.clone()),
                Dimension::Year => (&mut by_year, c.key.clone()),
            };
            map.entry(key)
                .or_insert_with(|| (c.key.clone(), EiCell::default()))
                .1
                .add(&c.tally);
        }
        // State oversight first, as the vocabulary orders them; a performer with no results
        // is left out.
        let by_performer = Performer::ALL
            .iter()
            .zip(by_performer)
            .filter(|(_, cell)| cell.items > 0)
            .map(|(p, cell)| EiRow {
                key: p.as_str().to_string(),
                label: p.label().to_string(),
                ei: cell.percent(),
                cell,
            })
            .collect();
        Ok(EiReport {
            label: Performer::selection_label(&performers),
            blended: performers.len() > 1,
            performers,
            overall: overall.percent(),
            cell: overall,
            items: overall.items,
            by_organisation: rows(by_org),
            by_area: rows(by_area),
            by_year: rows(by_year),
            by_performer,
        })
    }
}
