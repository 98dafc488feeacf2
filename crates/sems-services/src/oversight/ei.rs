//! Effective implementation (EI): compliant items over applicable items of completed
//! activities, per organisation, per requirement area and per year, and nationally. The
//! access rule decides which activities count: the authority sees every organisation, an
//! organisation itself.

use super::OversightServices;
use crate::{Actor, Result, ServiceError};
use sems_domain::oversight::EiTally;
use sems_storage::oversight::activities as store;
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

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EiReport {
    pub overall: Option<f64>,
    pub items: i64,
    pub by_organisation: Vec<EiRow>,
    pub by_area: Vec<EiRow>,
    pub by_year: Vec<EiRow>,
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
    /// EI over what the actor may read, optionally of one organisation.
    pub async fn effective_implementation(
        &self,
        actor: &Actor,
        party_id: Option<i64>,
    ) -> Result<EiReport> {
        let subject = actor
            .subject()
            .ok_or(ServiceError::Forbidden("EI is read by a person".into()))?;
        let mut conn = self.store.read().await?;
        let sums = store::result_sums(&mut conn, subject, party_id).await?;
        let mut overall = EiCell::default();
        let mut by_org: BTreeMap<String, (String, EiCell)> = BTreeMap::new();
        let mut by_area: BTreeMap<String, (String, EiCell)> = BTreeMap::new();
        let mut by_year: BTreeMap<String, (String, EiCell)> = BTreeMap::new();
        for c in &sums {
            overall.add(&c.tally);
            by_org
                .entry(format!("{:010}", c.party_id))
                .or_insert_with(|| (c.party_name.clone(), EiCell::default()))
                .1
                .add(&c.tally);
            by_area
                .entry(c.area_code.clone())
                .or_insert_with(|| (c.area_code.clone(), EiCell::default()))
                .1
                .add(&c.tally);
            by_year
                .entry(c.year.clone())
                .or_insert_with(|| (c.year.clone(), EiCell::default()))
                .1
                .add(&c.tally);
        }
        Ok(EiReport {
            overall: overall.percent(),
            items: overall.items,
            by_organisation: rows(by_org),
            by_area: rows(by_area),
            by_year: rows(by_year),
        })
    }
}
