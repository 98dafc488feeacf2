//! What security performance looks like to its readers, read from stored values: an
//! organisation's dashboard, the control chart of one indicator, the records behind a point,
//! and the authority's national view. The lines and their judgement are the domain's
//! (`monitor`), drawn from the same stored values the job judged.

use std::collections::BTreeMap;

use super::alerts::{view as alert_view, AlertView};
use super::indicators::{view_of as indicator_view_of, IndicatorView};
use super::{authority_id, organisation_meta, PerformanceServices};
use crate::{authorize, Actor, Result, ServiceError};
use sems_domain::access::{decide, Action, RecordKind};
use sems_domain::page::PageRequest;
use sems_domain::performance::alerts::{monitor, AlertStatus, Point, Window};
use sems_domain::performance::definition::{SpiDefinition, ValueKind};
use sems_domain::performance::measures::{compute, counted, Counted};
use sems_domain::performance::periods::{last_closed, Span};
use sems_domain::performance::silence::Silence;
use sems_domain::performance::statistics::wilson;
use sems_domain::performance::{Direction, Period};
use sems_domain::util::today;
use sems_storage::performance::alerts::{self as alert_store, AlertFilter};
use sems_storage::performance::indicators::{self as indicator_store, Indicator};
use sems_storage::performance::values::{self as value_store, StoredValue};
use sems_storage::{parties, Conn};
use serde::Serialize;

/// How many periods a dashboard's sparklines show.
pub const SPARKLINE_PERIODS: usize = 24;

/// A 95 % interval in the value's own unit (percent for a share).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// A stored value as read.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ValueView {
    pub period: String,
    pub value: f64,
    pub numerator: f64,
    pub denominator: Option<f64>,
    /// The Wilson interval of a share of few cases.
    pub interval: Option<Interval>,
    pub note: String,
    /// The definition version it was computed under.
    pub version: i64,
    /// How many alert lines it is beyond (0 to 3).
    pub level: usize,
}

fn interval(kind: ValueKind, numerator: f64, denominator: Option<f64>) -> Option<Interval> {
    if kind != ValueKind::Share {
        return None;
    }
    let p = wilson(numerator.round() as u64, denominator?.round() as u64)?;
    Some(Interval {
        low: p.low * 100.0,
        high: p.high * 100.0,
    })
}

/// A stored value as read, judged in `windows`.
fn value_view(d: &SpiDefinition, v: &StoredValue, windows: &[Window]) -> ValueView {
    ValueView {
        period: v.period.clone(),
        value: v.value,
        numerator: v.numerator,
        denominator: v.denominator,
        interval: interval(d.value_kind(), v.numerator, v.denominator),
        note: v.note.clone(),
        version: v.version,
        level: level_of(windows, &v.period),
    }
}

/// The lines a value was judged on, in words and numbers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LinesView {
    pub year: i32,
    /// The three lines, nearest the mean first; none when they could not be drawn.
    pub lines: Option<[f64; 3]>,
    /// The baseline mean (statistical lines).
    pub mean: Option<f64>,
    /// How they were drawn, or why there are none.
    pub how: String,
}

fn lines_view(w: &Window, period: Period) -> LinesView {
    match &w.lines {
        Ok(l) => LinesView {
            year: w.year,
            lines: Some(l.lines),
            mean: match l.method {
                sems_domain::performance::alerts::Method::StandardDeviations { mean, .. }
                | sems_domain::performance::alerts::Method::Poisson { mean } => Some(mean),
                sems_domain::performance::alerts::Method::Fixed => None,
            },
            how: l.describe(period),
        },
        Err(why) => LinesView {
            year: w.year,
            lines: None,
            mean: None,
            how: why.clone(),
        },
    }
}

/// The national distribution of a period, where at least five organisations contribute.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DistributionView {
    pub period: String,
    pub organisations: i64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
}

/// One indicator on a dashboard.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DashboardRow {
    pub indicator: IndicatorView,
    /// The last closed period's value.
    pub current: Option<ValueView>,
    /// The lines of the current value's year.
    pub lines: Option<LinesView>,
    /// The last periods, oldest first: (period, value), a gap where none was computed.
    pub sparkline: Vec<(String, Option<f64>)>,
    /// Whether the current value meets the target, where one is set.
    pub meets_target: Option<bool>,
    /// Whether it meets the State's expected level (national indicators).
    pub meets_expected_level: Option<bool>,
    pub national: Option<DistributionView>,
    /// An open alert of the indicator.
    pub open_alert: Option<i64>,
}

/// An organisation's security performance.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub party_id: i64,
    pub party_name: String,
    /// The last closed month, which the values are judged on.
    pub period: String,
    /// Indicators with an open alert first, then the farthest beyond their lines.
    pub rows: Vec<DashboardRow>,
    pub open_alerts: Vec<AlertView>,
    /// Silence is not safety: reporting fell while few occurrences are recorded.
    pub silence: Option<Silence>,
    /// No staff headcount entered: reporting rates cannot be computed.
    pub headcount_missing: bool,
}

fn meets(direction: Direction, value: f64, bound: Option<f64>) -> Option<bool> {
    bound.map(|b| !direction.is_worse(value, b))
}

/// An organisation's stored values as points, and their judgement year by year.
fn judged(d: &SpiDefinition, values: &[StoredValue], until: &str) -> Vec<Window> {
    let points: Vec<Point> = values
        .iter()
        .filter(|v| v.period.as_str() <= until)
        .map(|v| Point {
            label: v.period.clone(),
            value: v.value,
        })
        .collect();
    monitor(
        &d.alert,
        d.direction,
        d.value_kind() == ValueKind::Count,
        d.period,
        &points,
    )
}

/// The level of the point of `period` in `windows`.
fn level_of(windows: &[Window], period: &str) -> usize {
    windows
        .iter()
        .flat_map(|w| w.points.iter().zip(&w.levels))
        .find(|(p, _)| p.label == period)
        .map_or(0, |(_, l)| *l)
}

/// The first period to read for a dashboard: enough years before for the longest baseline.
fn read_from(today: time::Date) -> String {
    Span::of(Period::Month, sems_domain::util::sub_months(today, 12 * 7)).label
}

/// The control chart of one indicator at one organisation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Chart {
    pub indicator: IndicatorView,
    pub party_id: i64,
    pub party_name: String,
    /// Every stored value, oldest first, with how many lines each is beyond.
    pub values: Vec<ValueView>,
    /// The lines of each year.
    pub years: Vec<LinesView>,
    /// Every alert raised on the indicator at the organisation.
    pub alerts: Vec<AlertView>,
    /// The current period (still filling): its value is shown, not judged.
    pub current_period: String,
}

/// A record behind a point: what it is and where it is shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecordLink {
    pub label: String,
    pub link: String,
}

/// The records a point counted, those the reader may open.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PointRecords {
    pub indicator_id: i64,
    pub indicator_code: String,
    pub indicator_name: String,
    pub party_id: i64,
    pub party_name: String,
    pub period: String,
    pub value: Option<f64>,
    /// What was counted, in words ("findings", "security reports").
    pub counted: String,
    pub records: Vec<RecordLink>,
    /// Records counted that the reader may not open.
    pub not_shown: usize,
}

/// One organisation on the national view.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NationalPerformanceRow {
    pub party_id: i64,
    pub party_name: String,
    pub party_kind: String,
    /// Per indicator of the view, in its order: the value of the period, if computed.
    pub values: Vec<Option<NationalCell>>,
    pub open_alerts: i64,
    pub silence: Option<Silence>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NationalCell {
    pub value: f64,
    /// Worse than the State's expected level.
    pub below_expected_level: bool,
}

/// A national indicator's column.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NationalColumn {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub value_kind: ValueKind,
    pub direction: Direction,
    pub expected_level: Option<f64>,
    pub distribution: Option<DistributionView>,
}

/// The authority's national view of a month.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NationalView {
    pub period: String,
    pub indicators: Vec<NationalColumn>,
    /// Organisations in alert or silent first, then by name.
    pub rows: Vec<NationalPerformanceRow>,
}

impl PerformanceServices<'_> {
    /// Whether the actor reads every organisation's values (the authority's roles).
    pub fn sees_national_view(actor: &Actor) -> bool {
        actor.subject().is_some_and(|s| s.party_is_authority)
            && crate::allowed(
                actor,
                &sems_domain::access::RecordMeta::plain(RecordKind::IndicatorValue, 0, false),
            )
            .read
    }

    async fn readable_party(
        conn: &mut Conn,
        actor: &Actor,
        party_id: i64,
    ) -> Result<(parties::Party, i64)> {
        let authority = authority_id(conn).await?;
        let party = parties::get(conn, party_id)
            .await?
            .ok_or(ServiceError::NotFound("organisation"))?;
        authorize(
            actor,
            Action::Read,
            &organisation_meta(RecordKind::IndicatorValue, party_id, authority),
            "organisation",
        )?;
        Ok((party, authority))
    }

    /// An organisation's dashboard: each indicator with its last closed period's value, its
    /// interval, a sparkline, its standing against the alert lines, the target and the State's
    /// expected level, and the national quartiles where five organisations contribute.
    #[tracing::instrument(skip_all)]
    pub async fn dashboard(&self, actor: &Actor, party_id: i64) -> Result<Dashboard> {
        self.dashboard_on(actor, party_id, today()).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn dashboard_on(
        &self,
        actor: &Actor,
        party_id: i64,
        today: time::Date,
    ) -> Result<Dashboard> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        let (party, authority) = Self::readable_party(&mut conn, actor, party_id).await?;
        let indicators = indicator_store::of_organisation(&mut conn, party_id).await?;
        let values =
            value_store::of_organisation(&mut conn, subject, party_id, None, &read_from(today))
                .await?;
        let mut by_indicator: BTreeMap<i64, Vec<StoredValue>> = BTreeMap::new();
        for v in values {
            by_indicator.entry(v.indicator_id).or_default().push(v);
        }
        let targets: BTreeMap<i64, f64> = indicator_store::targets_of(&mut conn, party_id)
            .await?
            .into_iter()
            .collect();
        let closed_month = last_closed(Period::Month, today);
        let distributions: BTreeMap<(i64, String), value_store::Distribution> =
            // From a month label: quarters' labels (`2026-Q1`) sort after their months'.
            value_store::distributions(
                &mut conn,
                &Span::of(Period::Month, sems_domain::util::sub_months(today, 4)).label,
            )
                .await?
                .into_iter()
                .map(|d| ((d.indicator_id, d.period.clone()), d))
                .collect();
        let open = alert_store::list(
            &mut conn,
            subject,
            &AlertFilter {
                party_id: Some(party_id),
                status: Some(AlertStatus::Open),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await?
        .items;
        let mut rows = Vec::new();
        for i in indicators {
            let meta = super::indicator_meta(&i, authority);
            if decide(subject, Action::Read, &meta).is_err() {
                continue;
            }
            let d = i.definition.clone();
            let closed = last_closed(d.period, today);
            let stored = by_indicator.remove(&i.id).unwrap_or_default();
            let windows = judged(&d, &stored, &closed.label);
            let current = stored
                .iter()
                .find(|v| v.period == closed.label)
                .map(|v| value_view(&d, v, &windows));
            let lines = windows
                .iter()
                .find(|w| w.year == closed.year())
                .map(|w| lines_view(w, d.period));
            let mut sparkline = Vec::new();
            let mut s = closed.clone();
            for _ in 0..SPARKLINE_PERIODS {
                let v = stored.iter().find(|v| v.period == s.label).map(|v| v.value);
                sparkline.push((s.label.clone(), v));
                s = s.previous(d.period);
            }
            sparkline.reverse();
            let target = if i.owner_party_id == party_id {
                d.target
            } else {
                targets.get(&i.id).copied()
            };
            let national = i
                .published
                .then(|| distributions.get(&(i.id, closed.label.clone())))
                .flatten()
                .map(|x| DistributionView {
                    period: x.period.clone(),
                    organisations: x.organisations,
                    q1: x.q1,
                    median: x.median,
                    q3: x.q3,
                });
            let open_alert = open.iter().find(|a| a.indicator_id == i.id).map(|a| a.id);
            let expected = i.expected_level;
            // The dashboard is the organisation's: its target, whoever reads it.
            let view = indicator_view_of(actor, i, authority, target);
            rows.push(DashboardRow {
                meets_target: current
                    .as_ref()
                    .and_then(|c| meets(d.direction, c.value, target)),
                meets_expected_level: current
                    .as_ref()
                    .and_then(|c| meets(d.direction, c.value, expected)),
                indicator: view,
                current,
                lines,
                sparkline,
                national,
                open_alert,
            });
        }
        // What calls for attention first: an open alert, then the farthest beyond its lines.
        rows.sort_by_key(|r| {
            (
                r.open_alert.is_none(),
                std::cmp::Reverse(r.current.as_ref().map_or(0, |c| c.level)),
            )
        });
        let headcount_missing =
            !sems_storage::performance::series::exists(&mut conn, party_id, "staff_headcount")
                .await?;
        let silence = sems_storage::performance::silence::of_party(&mut conn, party_id).await?;
        Ok(Dashboard {
            party_id,
            party_name: party.name,
            period: closed_month.label,
            rows,
            open_alerts: open
                .into_iter()
                .map(|a| alert_view(actor, a, authority))
                .collect(),
            silence,
            headcount_missing,
        })
    }

    async fn readable_indicator(
        conn: &mut Conn,
        actor: &Actor,
        indicator_id: i64,
        authority: i64,
    ) -> Result<Indicator> {
        let i = indicator_store::get(conn, indicator_id)
            .await?
            .ok_or(ServiceError::NotFound("indicator"))?;
        authorize(
            actor,
            Action::Read,
            &super::indicator_meta(&i, authority),
            "indicator",
        )?;
        Ok(i)
    }

    /// The control chart of an indicator at an organisation: every value, the lines of each
    /// year, the alerts raised.
    #[tracing::instrument(skip_all)]
    pub async fn chart(&self, actor: &Actor, indicator_id: i64, party_id: i64) -> Result<Chart> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        let (party, authority) = Self::readable_party(&mut conn, actor, party_id).await?;
        let i = Self::readable_indicator(&mut conn, actor, indicator_id, authority).await?;
        if !i.published && i.owner_party_id != party_id {
            return Err(ServiceError::NotFound("indicator"));
        }
        let d = i.definition.clone();
        let current = Span::of(d.period, today());
        let stored =
            value_store::of_organisation(&mut conn, subject, party_id, Some(indicator_id), "0000")
                .await?;
        let windows = judged(&d, &stored, &last_closed(d.period, today()).label);
        let values = stored.iter().map(|v| value_view(&d, v, &windows)).collect();
        let alerts = alert_store::list(
            &mut conn,
            subject,
            &AlertFilter {
                party_id: Some(party_id),
                indicator_id: Some(indicator_id),
                status: None,
            },
            PageRequest::default(),
        )
        .await?
        .items
        .into_iter()
        .map(|a| alert_view(actor, a, authority))
        .collect();
        // The chart is the organisation's: its target, whoever reads it.
        let set = indicator_store::target(&mut conn, indicator_id, party_id).await?;
        let target = super::indicators::target_with(&i, Some(party_id), set);
        let view = indicator_view_of(actor, i, authority, target);
        Ok(Chart {
            indicator: view,
            party_id,
            party_name: party.name,
            values,
            years: windows.iter().map(|w| lines_view(w, d.period)).collect(),
            alerts,
            current_period: current.label,
        })
    }

    /// The records a point of a chart counted, those the reader may open.
    #[tracing::instrument(skip_all)]
    pub async fn point_records(
        &self,
        actor: &Actor,
        indicator_id: i64,
        party_id: i64,
        period: &str,
    ) -> Result<PointRecords> {
        let subject = actor.lister()?.clone();
        let mut conn = self.store.read().await?;
        let (party, authority) = Self::readable_party(&mut conn, actor, party_id).await?;
        let i = Self::readable_indicator(&mut conn, actor, indicator_id, authority).await?;
        let span = Span::parse(i.definition.period, period)?;
        let facts = sems_storage::performance::facts::of_organisation(&mut conn, party_id).await?;
        let computed = compute(&i.definition, &facts, &span);
        let ids = computed
            .as_ref()
            .map(|c| c.records.clone())
            .unwrap_or_default();
        let kind = counted(&i.definition);
        let mut records = Vec::new();
        let mut not_shown = 0;
        if kind.is_none() {
            records = series_behind(&mut conn, &subject, &i.definition, party_id, &span).await?;
        }
        // At most a page of records: a point counts a month's.
        for id in ids.iter().take(200) {
            match super::records_behind::record_link(&mut conn, &subject, kind, *id).await? {
                Some(link) => records.push(link),
                None => not_shown += 1,
            }
        }
        not_shown += ids.len().saturating_sub(200);
        Ok(PointRecords {
            indicator_id,
            indicator_code: i.code,
            indicator_name: i.name,
            party_id,
            party_name: party.name,
            period: span.label,
            value: computed.map(|c| c.value),
            counted: match kind {
                Some(Counted::Activities) => "oversight activities",
                Some(Counted::Findings) => "findings",
                Some(Counted::Reports) => "security reports",
                Some(Counted::Assessments) => "risk assessments",
                Some(Counted::Actions) => "corrective actions",
                Some(Counted::Personnel) => "people of the personnel register",
                Some(Counted::Directives) => "security directives received",
                None => "values of data series",
            }
            .to_string(),
            records,
            not_shown,
        })
    }

    /// The authority's national view of a month (the last closed one by default): every
    /// organisation's value of each national indicator against the State's expected level,
    /// the distribution across organisations, those in alert or silent first.
    #[tracing::instrument(skip_all)]
    pub async fn national_view(&self, actor: &Actor, period: Option<&str>) -> Result<NationalView> {
        if !Self::sees_national_view(actor) {
            return Err(ServiceError::NotFound("national view"));
        }
        let subject = actor.lister()?;
        let today = today();
        let span = match period {
            Some(p) => Span::parse(Period::Month, p)?,
            None => last_closed(Period::Month, today),
        };
        let mut conn = self.store.read().await?;
        let national: Vec<Indicator> = indicator_store::national(&mut conn)
            .await?
            .into_iter()
            .filter(|i| i.definition.period == Period::Month)
            .collect();
        let distributions: BTreeMap<i64, value_store::Distribution> =
            value_store::distributions(&mut conn, &span.label)
                .await?
                .into_iter()
                .filter(|d| d.period == span.label)
                .map(|d| (d.indicator_id, d))
                .collect();
        let mut rows: BTreeMap<i64, NationalPerformanceRow> = BTreeMap::new();
        let n = national.len();
        let ids: Vec<i64> = national.iter().map(|i| i.id).collect();
        let every = value_store::of_period(&mut conn, subject, &ids, &span.label).await?;
        for v in every {
            let Some(col) = ids.iter().position(|id| *id == v.indicator_id) else {
                continue;
            };
            let i = &national[col];
            {
                let row = rows
                    .entry(v.owner_party_id)
                    .or_insert_with(|| NationalPerformanceRow {
                        party_id: v.owner_party_id,
                        party_name: v.party_name.clone(),
                        party_kind: v.party_kind.clone(),
                        values: vec![None; n],
                        open_alerts: 0,
                        silence: None,
                    });
                row.values[col] = Some(NationalCell {
                    value: v.value,
                    below_expected_level: i
                        .expected_level
                        .is_some_and(|e| i.definition.direction.is_worse(v.value, e)),
                });
            }
        }
        for (party, count) in alert_store::open_counts(&mut conn, subject).await? {
            if let Some(row) = rows.get_mut(&party) {
                row.open_alerts = count;
            }
        }
        for (party, warning) in sems_storage::performance::silence::all(&mut conn).await? {
            if let Some(row) = rows.get_mut(&party) {
                row.silence = Some(warning);
            }
        }
        let mut rows: Vec<NationalPerformanceRow> = rows.into_values().collect();
        rows.sort_by(|a, b| {
            let flagged = |r: &NationalPerformanceRow| r.open_alerts > 0 || r.silence.is_some();
            flagged(b)
                .cmp(&flagged(a))
                .then(b.open_alerts.cmp(&a.open_alerts))
                .then(a.party_name.cmp(&b.party_name))
        });
        Ok(NationalView {
            period: span.label.clone(),
            indicators: national
                .into_iter()
                .map(|i| NationalColumn {
                    distribution: distributions.get(&i.id).map(|d| DistributionView {
                        period: d.period.clone(),
                        organisations: d.organisations,
                        q1: d.q1,
                        median: d.median,
                        q3: d.q3,
                    }),
                    id: i.id,
                    code: i.code,
                    name: i.name,
                    value_kind: i.definition.value_kind(),
                    direction: i.definition.direction,
                    expected_level: i.expected_level,
                })
                .collect(),
            rows,
        })
    }
}

/// The data series values a point of a series indicator was computed from, those `subject`
/// may read: each series of the definition in each month of the period.
async fn series_behind(
    conn: &mut Conn,
    subject: &sems_domain::access::Subject,
    d: &SpiDefinition,
    party_id: i64,
    span: &Span,
) -> Result<Vec<RecordLink>> {
    use sems_domain::performance::definition::Source;
    use sems_storage::performance::series::{self as series_store, SeriesFilter};
    let mut names: Vec<&str> = match &d.source {
        Source::Series {
            numerator,
            denominator,
        } => std::iter::once(numerator.as_str())
            .chain(denominator.as_deref())
            .collect(),
        Source::Computed { .. } => Vec::new(),
    };
    names.extend(d.exposure.as_ref().map(|e| e.series.as_str()));
    let months = span.months();
    let (Some(from), Some(until)) = (months.first(), months.last()) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for name in names {
        let found = series_store::list(
            conn,
            subject,
            &SeriesFilter {
                party_id: Some(party_id),
                series: Some(name.to_string()),
                site_id: None,
                from: sems_domain::performance::Month::parse(from).ok(),
                until: sems_domain::performance::Month::parse(until).ok(),
            },
            PageRequest::new(Some(1), Some(sems_domain::page::MAX_PER_PAGE)),
        )
        .await?;
        for v in found.items {
            out.push(RecordLink {
                label: format!(
                    "{} {}: {}{}",
                    v.series,
                    v.month,
                    plain_number(v.value),
                    v.entered_by_name
                        .map(|n| format!(", entered by {n}"))
                        .unwrap_or_default()
                ),
                link: format!("/performance/series?party={party_id}&series={}", v.series),
            });
        }
    }
    Ok(out)
}

/// A number as read: whole numbers without decimals.
fn plain_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.2}")
    }
}
