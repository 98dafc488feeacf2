//! Data series: exposure (passengers, departures, the staff headcount, badge transactions) and
//! manual indicators, per organisation, site and month; entered on a page, imported from CSV
//! (all or nothing, with a dry run) or posted through the API. A value entered again for the
//! same month replaces the earlier one. The organisation's values are computed again from the
//! month entered on.

use super::{authority_id, organisation_meta, trail, PerformanceServices};
use crate::import::{self, CsvImport, ImportReport};
use crate::{authorize, record_change, About, Actor, Result, ServiceError};
use sems_domain::access::{Action, RecordKind};
use sems_domain::csv::CsvRow;
use sems_domain::page::{Page, PageRequest};
use sems_domain::performance::definition::is_series_name;
use sems_domain::performance::periods::Span;
use sems_domain::performance::{Month, Period};
use sems_domain::Checks;
use sems_storage::performance::series::{self as store, NewValue, SeriesFilter, SeriesValue};
use sems_storage::{sites, Conn};
use serde::{Deserialize, Serialize};

/// A value to enter.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesInput {
    /// Lower-case words joined by underscores: `staff_headcount`, `departures`.
    pub series: String,
    /// YYYY-MM.
    pub month: String,
    pub value: f64,
    /// A site of the organisation; none for the whole organisation.
    #[serde(default)]
    pub site_id: Option<i64>,
}

/// A value of a series as a reader sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SeriesValueView {
    pub id: i64,
    pub party_id: i64,
    pub party_name: String,
    /// None for the whole organisation.
    pub site_id: Option<i64>,
    pub series: String,
    pub month: String,
    pub value: f64,
    pub entered_by_name: Option<String>,
    pub entered_at_ms: i64,
}

impl From<SeriesValue> for SeriesValueView {
    fn from(v: SeriesValue) -> Self {
        Self {
            id: v.id,
            party_id: v.owner_party_id,
            party_name: v.owner_name,
            site_id: (v.site_id != 0).then_some(v.site_id),
            series: v.series,
            month: v.month,
            value: v.value,
            entered_by_name: v.entered_by_name,
            entered_at_ms: v.entered_at_ms,
        }
    }
}

/// A value that passed its checks.
pub(crate) struct ValidValue {
    series: String,
    month: Month,
    value: f64,
    site_id: i64,
}

/// Checks a value: its series' name, its month, a number not below zero (an exposure is never
/// negative), a site of the organisation.
async fn check(
    conn: &mut Conn,
    party_id: i64,
    series: &str,
    month: &str,
    value: Option<f64>,
    site_id: Option<i64>,
) -> Result<ValidValue> {
    let mut checks = Checks::default();
    let series = series.trim().to_string();
    checks.require(
        is_series_name(&series),
        "series",
        "a series is named by lower-case words joined by underscores (staff_headcount)",
    );
    let month = checks.check(Month::parse(month));
    checks.require(
        value.is_some_and(f64::is_finite),
        "value",
        "the value is a number",
    );
    checks.require(
        value.is_none_or(|v| !v.is_finite() || v >= 0.0),
        "value",
        "a value is never below zero: exposure and counts are zero or more",
    );
    if let Some(s) = site_id {
        let site = sites::get(conn, s).await?;
        checks.require(
            site.is_some_and(|s| s.party_id == party_id),
            "site_id",
            "the site is one of the organisation's",
        );
    }
    checks.finish()?;
    match (month, value) {
        (Some(month), Some(value)) => Ok(ValidValue {
            series,
            month,
            value,
            site_id: site_id.unwrap_or(0),
        }),
        _ => Err(ServiceError::Internal("checked value incomplete".into())),
    }
}

/// The first day of a month's label.
fn first_day(month: &Month) -> Option<time::Date> {
    Span::parse(Period::Month, month.as_str())
        .ok()
        .map(|s| s.first_day)
}

impl PerformanceServices<'_> {
    async fn series_party(conn: &mut Conn, actor: &Actor, party_id: i64) -> Result<()> {
        let authority = authority_id(conn).await?;
        let meta = organisation_meta(RecordKind::DataSeries, party_id, authority);
        authorize(actor, Action::Create, &meta, "organisation")
    }

    /// Enters a value of a series for the organisation (or one of its sites) and brings its
    /// indicators' values up to date from that month on.
    #[tracing::instrument(skip_all)]
    pub async fn enter_series_value(
        &self,
        actor: &Actor,
        party_id: i64,
        input: &SeriesInput,
    ) -> Result<SeriesValueView> {
        let mut tx = self.store.write().await?;
        Self::series_party(tx.conn(), actor, party_id).await?;
        let v = check(
            tx.conn(),
            party_id,
            &input.series,
            &input.month,
            Some(input.value),
            input.site_id,
        )
        .await?;
        let (id, before) = store::upsert(
            tx.conn(),
            &NewValue {
                owner_party_id: party_id,
                site_id: v.site_id,
                series: &v.series,
                month: v.month.clone(),
                value: v.value,
            },
            actor.person_id(),
        )
        .await?;
        let authority = authority_id(tx.conn()).await?;
        let meta = organisation_meta(RecordKind::DataSeries, party_id, authority);
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::DATA_SERIES_ENTER,
                record_id: Some(id),
                before: before.map(|b| serde_json::json!({ "value": b })).as_ref(),
                after: Some(&serde_json::json!({
                    "series": v.series, "month": v.month.as_str(), "site_id": v.site_id, "value": v.value,
                })),
            },
        )
        .await?;
        let stored = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("series value"))?;
        tx.commit().await?;
        let done = self
            .refresh_organisation(party_id, sems_domain::util::today(), first_day(&v.month))
            .await?;
        self.refresh_distributions(&done.touched).await?;
        self.refresh_silence(sems_domain::util::today()).await?;
        Ok(stored.into())
    }

    /// The series values the actor may read, newest month first.
    #[tracing::instrument(skip_all)]
    pub async fn series_values(
        &self,
        actor: &Actor,
        filter: &SeriesFilter,
        page: PageRequest,
    ) -> Result<Page<SeriesValueView>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        let found = store::list(&mut conn, subject, filter, page).await?;
        Ok(found.map(SeriesValueView::from))
    }

    /// Imports series values from CSV (columns `series`, `month`, `value` and optionally
    /// `site`, a site's name): every row checked, every bad row reported by its line, nothing
    /// stored unless all are good and it is not a dry run.
    #[tracing::instrument(skip_all)]
    pub async fn import_series(
        &self,
        actor: &Actor,
        party_id: i64,
        text: &str,
        dry_run: bool,
    ) -> Result<ImportReport> {
        let mut tx = self.store.write().await?;
        Self::series_party(tx.conn(), actor, party_id).await?;
        let authority = authority_id(tx.conn()).await?;
        let sites = sites::of_party(tx.conn(), party_id).await?;
        let import = SeriesImport {
            actor,
            party_id,
            authority,
            sites: sites
                .into_iter()
                .map(|s| (s.name.to_lowercase(), s.id))
                .collect(),
            earliest: None,
        };
        let report = import::run(tx, text, dry_run, import).await?;
        if report.imported {
            let earliest = report
                .codes
                .iter()
                .filter_map(|c| c.split('/').nth(2))
                .filter_map(|m| Month::parse(m).ok())
                .min();
            let done = self
                .refresh_organisation(
                    party_id,
                    sems_domain::util::today(),
                    earliest.as_ref().and_then(first_day),
                )
                .await?;
            self.refresh_distributions(&done.touched).await?;
            self.refresh_silence(sems_domain::util::today()).await?;
        }
        Ok(report)
    }
}

struct SeriesImport<'a> {
    actor: &'a Actor,
    party_id: i64,
    authority: i64,
    sites: Vec<(String, i64)>,
    earliest: Option<Month>,
}

impl CsvImport for SeriesImport<'_> {
    type Row = ValidValue;
    const COLUMNS: &'static [&'static str] = &["series", "month", "value"];
    const NOUN: &'static str = "value";

    async fn check(
        &mut self,
        conn: &mut Conn,
        row: &CsvRow,
    ) -> Result<std::result::Result<ValidValue, Vec<String>>> {
        let site_id = match import::site_named(&self.sites, row.get("site")) {
            Ok(s) => s,
            Err(e) => return Ok(Err(vec![e])),
        };
        let value = row.get("value").trim().replace(',', "");
        let parsed = value.parse::<f64>().ok();
        if parsed.is_none() {
            return Ok(Err(vec![format!(
                "value: '{}' is not a number",
                row.get("value").trim()
            )]));
        }
        import::row_checked(
            check(
                conn,
                self.party_id,
                row.get("series"),
                row.get("month"),
                parsed,
                site_id,
            )
            .await,
        )
    }

    /// A value is known by its series, site and month: twice in a file is a mistake.
    fn code(row: &ValidValue) -> String {
        format!("{}/{}/{}", row.series, row.site_id, row.month.as_str())
    }

    /// A month entered again replaces the earlier value: never refused for existing.
    async fn exists(&mut self, _: &mut Conn, _: &ValidValue) -> Result<bool> {
        Ok(false)
    }

    async fn store(mut self, conn: &mut Conn, rows: Vec<ValidValue>) -> Result<()> {
        for v in &rows {
            store::upsert(
                conn,
                &NewValue {
                    owner_party_id: self.party_id,
                    site_id: v.site_id,
                    series: &v.series,
                    month: v.month.clone(),
                    value: v.value,
                },
                self.actor.person_id(),
            )
            .await?;
            if self.earliest.as_ref().is_none_or(|e| v.month < *e) {
                self.earliest = Some(v.month.clone());
            }
        }
        let meta = organisation_meta(RecordKind::DataSeries, self.party_id, self.authority);
        record_change(
            conn,
            self.actor,
            crate::Change {
                about: &About::record(&meta, None),
                action: trail::DATA_SERIES_IMPORT,
                record_id: None,
                before: crate::NONE,
                after: Some(&serde_json::json!({
                    "values": rows.len(),
                    "from": self.earliest.as_ref().map(|m| m.as_str().to_string()),
                })),
            },
        )
        .await?;
        Ok(())
    }
}
