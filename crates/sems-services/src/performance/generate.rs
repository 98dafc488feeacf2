//! The security performance part of the synthetic data set: every generated organisation's
//! staff headcount and departures for every month of the data set, then every indicator's
//! values computed from what the rest of the generator wrote (written in bulk, as the job
//! would have written them month after month), the national distributions, and the alerts of
//! the last months closed, raised and acted on as the job raises them.

use std::collections::BTreeMap;

use super::compute::{plan, raise_and_act};
use super::{authority_id, PerformanceServices};
use crate::generate::{GenerateParams, Rng};
use crate::Result;
use sems_domain::performance::periods::spans;
use sems_domain::performance::silence::MIN_COMPARABLE;
use sems_domain::performance::statistics::quartiles;
use sems_domain::performance::Period;
use sems_storage::bulk::BulkSet;
use sems_storage::now_ms;
use sems_storage::performance::{facts, indicators as indicator_store};
use time::Date;

/// What the performance part wrote.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct PerformanceSummary {
    pub series_values: u64,
    pub values: u64,
    pub distributions: u64,
    pub alerts: u64,
}

impl PerformanceServices<'_> {
    /// Series, values, distributions and recent alerts of `orgs` over the data set's years
    /// up to `today`.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn generate_performance(
        &self,
        p: &GenerateParams,
        orgs: &[i64],
        today: Date,
    ) -> Result<PerformanceSummary> {
        let mut out = PerformanceSummary::default();
        let mut rng = Rng::new(p.seed ^ 0x0E5E_0000_0000_0005);
        let first = sems_domain::util::sub_months(today, p.years.saturating_mul(12));
        let months = spans(Period::Month, first, today);
        let now = now_ms();
        {
            let mut tx = self.store.write().await?;
            let mut rows = BulkSet::new(&[
                "INSERT INTO data_series_values (owner_party_id, site_id, series, month, value, entered_at_ms) VALUES",
            ]);
            for org in orgs {
                let staff = 150 + rng.below(2_850) as i64;
                let departures = 300 + rng.below(9_700) as i64;
                for (i, m) in months.iter().enumerate() {
                    // A slow drift, a little noise.
                    let drift = (i as i64 * staff) / 2_400;
                    rows.row(
                        tx.conn(),
                        0,
                        vec![
                            (*org).into(),
                            0i64.into(),
                            "staff_headcount".into(),
                            m.label.clone().into(),
                            ((staff + drift + rng.below(20) as i64) as f64).into(),
                            now.into(),
                        ],
                    )
                    .await?;
                    rows.row(
                        tx.conn(),
                        0,
                        vec![
                            (*org).into(),
                            0i64.into(),
                            "departures".into(),
                            m.label.clone().into(),
                            ((departures + rng.below(departures as u64 / 5 + 1) as i64) as f64)
                                .into(),
                            now.into(),
                        ],
                    )
                    .await?;
                }
            }
            rows.flush(tx.conn()).await?;
            out.series_values = rows.written(0);
            tx.commit().await?;
        }

        // Every organisation's values, computed from its facts.
        let mut by_period: BTreeMap<(i64, String), Vec<f64>> = BTreeMap::new();
        let authority = {
            let mut conn = self.store.read().await?;
            authority_id(&mut conn).await?
        };
        for chunk in orgs.chunks(20) {
            let mut planned = Vec::new();
            for org in chunk {
                let mut conn = self.store.read().await?;
                let facts = facts::of_organisation(&mut conn, *org).await?;
                let indicators: Vec<_> = indicator_store::of_organisation(&mut conn, *org)
                    .await?
                    .into_iter()
                    .map(|i| (i, Vec::new()))
                    .collect();
                drop(conn);
                let national: Vec<i64> = indicators
                    .iter()
                    .filter(|(i, _)| i.published)
                    .map(|(i, _)| i.id)
                    .collect();
                planned.push((*org, national, plan(*org, &facts, indicators, today, None)));
            }
            let mut tx = self.store.write().await?;
            let mut rows = BulkSet::new(&[
                "INSERT INTO indicator_values (indicator_id, owner_party_id, period, version, value, numerator, denominator, note, computed_at_ms) VALUES",
            ]);
            for (org, national, plan) in &planned {
                for v in &plan.writes {
                    if national.contains(&v.indicator_id) {
                        by_period
                            .entry((v.indicator_id, v.period.clone()))
                            .or_default()
                            .push(v.value);
                    }
                    rows.row(
                        tx.conn(),
                        0,
                        vec![
                            v.indicator_id.into(),
                            (*org).into(),
                            v.period.clone().into(),
                            v.version.into(),
                            v.value.into(),
                            v.numerator.into(),
                            v.denominator.into(),
                            v.note.clone().into(),
                            now.into(),
                        ],
                    )
                    .await?;
                }
            }
            rows.flush(tx.conn()).await?;
            out.values += rows.written(0);
            for (org, _, plan) in &planned {
                out.alerts +=
                    raise_and_act(tx.conn(), authority, *org, &plan.alerts, today).await? as u64;
            }
            tx.commit().await?;
        }

        let mut tx = self.store.write().await?;
        let mut rows = BulkSet::new(&[
            "INSERT INTO indicator_distributions (indicator_id, period, organisations, q1, median, q3) VALUES",
        ]);
        for ((indicator, period), values) in &by_period {
            if values.len() < MIN_COMPARABLE {
                continue;
            }
            if let Some(q) = quartiles(values) {
                rows.row(
                    tx.conn(),
                    0,
                    vec![
                        (*indicator).into(),
                        period.clone().into(),
                        (values.len() as i64).into(),
                        q.q1.into(),
                        q.median.into(),
                        q.q3.into(),
                    ],
                )
                .await?;
            }
        }
        rows.flush(tx.conn()).await?;
        out.distributions = rows.written(0);
        tx.commit().await?;
        self.refresh_silence(today).await?;
        Ok(out)
    }
}
