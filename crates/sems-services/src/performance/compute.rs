//! Values computed ahead, not on every view: per organisation, indicator and period, stored
//! with the definition version they were computed under, and written only where they changed.
//! The background job recomputes every organisation's current period and the two before it
//! (a period that just closed is judged), an organisation's whole history the first time, and
//! from an entered month on when a data series changes. Each closed period's values are judged
//! on the alert lines of their year; an alert is raised once per indicator, organisation and
//! period — on several nodes, the one whose insert lands acts on it: it notifies, opens a
//! corrective action in the one register and marks the linked scenarios' risk assessments
//! "review required". An alert nobody acknowledged escalates once to the accountable
//! executive.

use std::collections::{BTreeMap, BTreeSet};

use super::{authority_id, trail, PerformanceServices};
use crate::{record_change, About, Actor, Result, NONE};
use sems_domain::access::{RecordKind, RecordMeta};
use sems_domain::action::ActionStatus;
use sems_domain::performance::alerts::{
    monitor, Fired, Point, ACKNOWLEDGE_WITHIN_DAYS, ACTION_DAYS,
};
use sems_domain::performance::definition::ValueKind;
use sems_domain::performance::measures::{compute, Facts};
use sems_domain::performance::periods::{last_closed, start_ms, Span};
use sems_domain::performance::silence::{
    silence, Reporting, Silence, MIN_COMPARABLE, RECENT_MONTHS,
};
use sems_domain::performance::statistics::{mean, quartiles};
use sems_domain::performance::Period;
use sems_domain::role::Role;
use sems_domain::util::{sub_months, today};
use sems_storage::performance::alerts::{self as alert_store, NewAlert};
use sems_storage::performance::facts;
use sems_storage::performance::indicators::{self as indicator_store, Indicator};
use sems_storage::performance::values::{self as value_store, NewValue, StoredValue};
use sems_storage::risk::ReviewScope;
use sems_storage::{actions, notifications, parties, people, risk, Conn};
use time::Date;

/// The code of the national reporting rate and of the forwarded occurrences the silence
/// warning is judged on.
const REPORTING_RATE: &str = "NAT-REP-RATE";
const OCCURRENCES: &str = "NAT-REP-FORWARD";

/// How far back values are computed the first time: ten years.
const HISTORY_MONTHS: u32 = 120;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Refreshed {
    pub organisations: usize,
    pub values_written: usize,
    pub alerts_raised: usize,
    pub alerts_escalated: usize,
}

/// The values one organisation's indicators should have, against what is stored.
pub(super) struct Plan {
    pub writes: Vec<NewValue>,
    pub removals: Vec<(i64, String)>,
    /// (indicator, period) pairs written or removed: their national distribution changes.
    pub touched: BTreeSet<(i64, String)>,
    pub alerts: Vec<ToRaise>,
}

/// An alert to raise: the indicator, what fired and the baseline's first and last period.
pub(super) struct ToRaise {
    indicator: Indicator,
    fired: Fired,
    baseline: Option<(String, String)>,
}

/// What bringing one organisation up to date did.
#[derive(Debug, Default)]
pub struct OrganisationRefreshed {
    pub values_written: usize,
    pub alerts_raised: usize,
    /// National indicators' periods written or removed: their distribution changes.
    pub touched: BTreeSet<(i64, String)>,
}

fn same(a: &StoredValue, b: &NewValue) -> bool {
    a.value == b.value
        && a.numerator == b.numerator
        && a.denominator == b.denominator
        && a.note == b.note
}

/// Works out what to write for one organisation's indicators on `today`, from `from` on (or
/// the recent periods; the whole history where nothing is stored yet).
pub(super) fn plan(
    party: i64,
    facts: &Facts,
    indicators: Vec<(Indicator, Vec<StoredValue>)>,
    today: Date,
    from: Option<Date>,
) -> Plan {
    let mut plan = Plan {
        writes: Vec::new(),
        removals: Vec::new(),
        touched: BTreeSet::new(),
        alerts: Vec::new(),
    };
    let oldest = sub_months(today, HISTORY_MONTHS);
    for (indicator, stored) in indicators {
        let d = &indicator.definition;
        let current = Span::of(d.period, today);
        let recent = last_closed(d.period, today).previous(d.period).first_day;
        // Never before the organisation's first data: a count of nothing before it existed in
        // sems says nothing.
        let earliest = facts.earliest_day();
        // Periods after the last one stored are computed too: none is skipped when the job
        // did not run for a while.
        let after_last = stored
            .last()
            .and_then(|v| Span::parse(d.period, &v.period).ok())
            .map_or(recent, |s| s.next(d.period).first_day);
        let start = match (stored.is_empty(), from) {
            (true, _) => earliest.unwrap_or(recent),
            (false, Some(f)) => f.min(recent).min(after_last),
            (false, None) => recent.min(after_last),
        }
        .max(earliest.map_or(oldest, |e| Span::of(d.period, e).first_day))
        .max(oldest);
        let mut values: std::collections::BTreeMap<String, f64> =
            stored.iter().map(|v| (v.period.clone(), v.value)).collect();
        let mut span = Span::of(d.period, start);
        while span.first_day <= current.first_day {
            let old = stored.iter().find(|v| v.period == span.label);
            match compute(d, facts, &span) {
                Some(c) => {
                    let new = NewValue {
                        indicator_id: indicator.id,
                        owner_party_id: party,
                        period: span.label.clone(),
                        version: indicator.current_version,
                        value: c.value,
                        numerator: c.numerator,
                        denominator: c.denominator,
                        note: c.note.unwrap_or_default(),
                    };
                    if old.is_none_or(|o| !same(o, &new)) {
                        values.insert(span.label.clone(), new.value);
                        plan.touched.insert((indicator.id, span.label.clone()));
                        plan.writes.push(new);
                    }
                }
                None => {
                    if old.is_some() {
                        values.remove(&span.label);
                        plan.touched.insert((indicator.id, span.label.clone()));
                        plan.removals.push((indicator.id, span.label.clone()));
                    }
                }
            }
            span = span.next(d.period);
        }
        // Judged: the last two closed periods (the current one is still filling).
        let closed = last_closed(d.period, today);
        let judged = [closed.label.clone(), closed.previous(d.period).label];
        let points: Vec<Point> = values
            .into_iter()
            .filter(|(label, _)| *label < current.label)
            .map(|(label, value)| Point { label, value })
            .collect();
        let counts = d.value_kind() == ValueKind::Count;
        for window in monitor(&d.alert, d.direction, counts, d.period, &points) {
            let baseline = window.lines.as_ref().ok().and_then(|l| l.baseline.clone());
            for fired in window.fired {
                let on = fired.points.last().map(|p| p.label.clone());
                if on.is_some_and(|l| judged.contains(&l)) {
                    plan.alerts.push(ToRaise {
                        indicator: indicator.clone(),
                        fired,
                        baseline: baseline.clone(),
                    });
                }
            }
        }
    }
    plan
}

/// Tells those who answer for an alert, opens its corrective action and marks the linked
/// scenarios' assessments for review, in the alert's transaction.
async fn act_on_alert(
    conn: &mut Conn,
    authority: i64,
    party: i64,
    alert_id: i64,
    indicator: &Indicator,
    fired: &Fired,
    today: Date,
) -> Result<()> {
    let actor = Actor::System("security performance");
    let managers = people::ids_with_roles(conn, party, &[Role::SecurityManager]).await?;
    let mut told = managers.clone();
    told.extend(indicator.owner_person_id);
    if indicator.published {
        told.extend(people::ids_with_roles(conn, authority, &[Role::PolicyOfficer]).await?);
    }
    told.sort_unstable();
    told.dedup();
    let party_name = parties::get(conn, party)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    notifications::insert(
        conn,
        &told,
        &format!(
            "Alert on {} at {party_name}: {}",
            indicator.code, fired.sentence
        ),
        &format!("/performance/alerts/{alert_id}"),
    )
    .await?;
    let title = format!(
        "Respond to the alert on {} ({}): find the cause and correct it",
        indicator.code,
        fired.rule.label().to_lowercase()
    );
    let action_id = actions::insert(
        conn,
        &actions::Source {
            kind: RecordKind::PerformanceAlert,
            id: alert_id,
            party_id: party,
            classification: 0,
            need_to_know: false,
        },
        &actions::ActionValues {
            title: &title,
            responsible_person_id: managers.first().copied(),
            due_on: today + time::Duration::days(ACTION_DAYS),
            status: ActionStatus::Planned,
            cost_one_off: 0,
            cost_annual: 0,
        },
        None,
    )
    .await?;
    let mut marked = Vec::new();
    for code in &indicator.definition.scenarios {
        let scenario = match risk::scenario_by_code(conn, party, code).await? {
            Some(s) => Some(s),
            None => risk::scenario_by_code(conn, authority, code).await?,
        };
        if let Some(s) = scenario {
            marked.extend(
                crate::risk::evidence::mark_for_review(
                    conn,
                    &actor,
                    party,
                    &ReviewScope::PartyScenario {
                        party_id: party,
                        scenario_id: s.id,
                    },
                    &format!("Alert on {}: {}", indicator.code, fired.sentence),
                )
                .await?,
            );
        }
    }
    let meta = RecordMeta::plain(RecordKind::PerformanceAlert, party, party == authority);
    record_change(
        conn,
        &actor,
        crate::Change {
            about: &About::record(&meta, Some(alert_id)),
            action: trail::ALERT_RAISE,
            record_id: Some(alert_id),
            before: NONE,
            after: Some(&serde_json::json!({
                "indicator": indicator.code,
                "rule": fired.rule,
                "sentence": fired.sentence,
                "action": action_id,
                "notified": told.len(),
                "marked_for_review": marked,
            })),
        },
    )
    .await?;
    Ok(())
}

/// Raises the alerts of one organisation's plan, each once, and acts on those this call
/// raised (on several nodes, the one whose insert lands); returns how many it raised.
pub(super) async fn raise_and_act(
    conn: &mut Conn,
    authority: i64,
    party: i64,
    alerts: &[ToRaise],
    today: Date,
) -> Result<usize> {
    let mut raised = 0;
    for ToRaise {
        indicator,
        fired,
        baseline,
    } in alerts
    {
        let period = fired
            .points
            .last()
            .map(|p| p.label.clone())
            .unwrap_or_default();
        let id = alert_store::raise_once(
            conn,
            &NewAlert {
                indicator_id: indicator.id,
                owner_party_id: party,
                period: &period,
                version: indicator.current_version,
                rule: fired.rule,
                line: fired.line,
                points: &fired.points,
                baseline: baseline.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
                sentence: &fired.sentence,
            },
        )
        .await?;
        if let Some(id) = id {
            raised += 1;
            act_on_alert(conn, authority, party, id, indicator, fired, today).await?;
        }
    }
    Ok(raised)
}

impl PerformanceServices<'_> {
    /// The background job: every organisation's values brought up to date, national
    /// distributions with them, alerts raised and acted on, unacknowledged ones escalated.
    #[tracing::instrument(skip_all)]
    pub async fn refresh_performance(&self) -> Result<Refreshed> {
        self.refresh_performance_on(today()).await
    }

    /// As [`Self::refresh_performance`], as if today were `today` (tests and the generator).
    #[tracing::instrument(skip_all)]
    pub async fn refresh_performance_on(&self, today: Date) -> Result<Refreshed> {
        let organisations = {
            let mut conn = self.store.read().await?;
            parties::organisation_ids(&mut conn, i64::MAX).await?
        };
        let mut out = Refreshed::default();
        let mut touched = BTreeSet::new();
        for party in &organisations {
            let done = self.refresh_organisation(*party, today, None).await?;
            out.values_written += done.values_written;
            out.alerts_raised += done.alerts_raised;
            touched.extend(done.touched);
        }
        out.organisations = organisations.len();
        self.refresh_distributions(&touched).await?;
        self.refresh_silence(today).await?;
        out.alerts_escalated = self.escalate_unacknowledged_alerts(today).await?;
        Ok(out)
    }

    /// Brings one organisation's values up to date (from `from` on, else its recent periods)
    /// and raises the alerts they call for. Returns the values written, the alerts raised and
    /// the national indicators' periods touched.
    #[tracing::instrument(skip_all)]
    pub async fn refresh_organisation(
        &self,
        party: i64,
        today: Date,
        from: Option<Date>,
    ) -> Result<OrganisationRefreshed> {
        let (facts, indicators, authority) = {
            let mut conn = self.store.read().await?;
            let authority = authority_id(&mut conn).await?;
            let facts = facts::of_organisation(&mut conn, party).await?;
            let mut indicators = Vec::new();
            for i in indicator_store::of_organisation(&mut conn, party).await? {
                let stored = value_store::of_indicator(&mut conn, party, i.id).await?;
                indicators.push((i, stored));
            }
            (facts, indicators, authority)
        };
        let national: BTreeSet<i64> = indicators
            .iter()
            .filter(|(i, _)| i.published)
            .map(|(i, _)| i.id)
            .collect();
        let plan = plan(party, &facts, indicators, today, from);
        if plan.writes.is_empty() && plan.removals.is_empty() && plan.alerts.is_empty() {
            return Ok(OrganisationRefreshed::default());
        }
        let mut tx = self.store.write().await?;
        for v in &plan.writes {
            value_store::upsert(tx.conn(), v).await?;
        }
        for (indicator, period) in &plan.removals {
            value_store::remove(tx.conn(), party, *indicator, period).await?;
        }
        let raised = raise_and_act(tx.conn(), authority, party, &plan.alerts, today).await?;
        tx.commit().await?;
        let touched = plan
            .touched
            .into_iter()
            .filter(|(i, _)| national.contains(i))
            .collect();
        Ok(OrganisationRefreshed {
            values_written: plan.writes.len() + plan.removals.len(),
            alerts_raised: raised,
            touched,
        })
    }

    /// The national distributions of the touched periods: quartiles where at least
    /// [`MIN_COMPARABLE`] organisations contribute, nothing otherwise.
    #[tracing::instrument(skip_all)]
    pub async fn refresh_distributions(&self, touched: &BTreeSet<(i64, String)>) -> Result<()> {
        if touched.is_empty() {
            return Ok(());
        }
        let mut tx = self.store.write().await?;
        for (indicator, period) in touched {
            let values = value_store::all_of_period(tx.conn(), *indicator, period).await?;
            let d = (values.len() >= MIN_COMPARABLE)
                .then(|| quartiles(&values).map(|q| (values.len() as i64, q)))
                .flatten();
            value_store::set_distribution(tx.conn(), *indicator, period, d).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The silence warnings of every organisation, computed again from the stored reporting
    /// rates and occurrences and stored for the dashboards and the national view.
    #[tracing::instrument(skip_all)]
    pub async fn refresh_silence(&self, today: Date) -> Result<usize> {
        let warnings: Vec<(i64, Silence)> = {
            let mut conn = self.store.read().await?;
            let authority = authority_id(&mut conn).await?;
            silence_warnings(&mut conn, authority, today)
                .await?
                .into_iter()
                .collect()
        };
        let mut tx = self.store.write().await?;
        sems_storage::performance::silence::replace_all(tx.conn(), &warnings).await?;
        tx.commit().await?;
        Ok(warnings.len())
    }

    /// Escalates, once, every alert still unacknowledged [`ACKNOWLEDGE_WITHIN_DAYS`] after it
    /// was raised: the organisation's accountable executive is told.
    #[tracing::instrument(skip_all)]
    pub async fn escalate_unacknowledged_alerts(&self, today: Date) -> Result<usize> {
        let before = start_ms(today) - ACKNOWLEDGE_WITHIN_DAYS * 86_400_000;
        let mut tx = self.store.write().await?;
        let authority = authority_id(tx.conn()).await?;
        let due = alert_store::unacknowledged_unescalated(tx.conn(), before, 500).await?;
        let mut escalated = 0;
        for a in &due {
            if !alert_store::claim_escalation(tx.conn(), a.id, today).await? {
                continue;
            }
            escalated += 1;
            let told =
                people::ids_with_roles(tx.conn(), a.owner_party_id, &[Role::AccountableExecutive])
                    .await?;
            notifications::insert(
                tx.conn(),
                &told,
                &format!(
                    "Unacknowledged for {ACKNOWLEDGE_WITHIN_DAYS} days: the alert on {} ({})",
                    a.indicator_code, a.period
                ),
                &format!("/performance/alerts/{}", a.id),
            )
            .await?;
            let meta = RecordMeta::plain(
                RecordKind::PerformanceAlert,
                a.owner_party_id,
                a.owner_party_id == authority,
            );
            record_change(
                tx.conn(),
                &Actor::System("housekeeping"),
                crate::Change {
                    about: &About::record(&meta, Some(a.id)),
                    action: trail::ALERT_ESCALATE,
                    record_id: Some(a.id),
                    before: NONE,
                    after: Some(&serde_json::json!({ "alert": a.id, "notified": told.len() })),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(escalated)
    }
}

/// The silence warnings of every organisation whose values are given, from the reporting
/// rate and the mandatory reports (occurrences) stored for the last closed months. Peers are
/// organisations of the same kind.
fn silences(
    rows: &[value_store::KindValue],
    rate: i64,
    occurrences: i64,
    today: time::Date,
) -> BTreeMap<i64, Silence> {
    let last = last_closed(Period::Month, today);
    let mut recent_periods = vec![last.clone()];
    while recent_periods.len() < RECENT_MONTHS {
        let before = recent_periods[recent_periods.len() - 1].previous(Period::Month);
        recent_periods.push(before);
    }
    recent_periods.reverse();
    let recent_labels: Vec<String> = recent_periods.iter().map(|s| s.label.clone()).collect();
    let baseline_from = recent_periods[0].first_day;
    let baseline_labels: BTreeSet<String> = (1..=12)
        .map(|k| {
            Span::of(
                Period::Month,
                sems_domain::util::sub_months(baseline_from, k),
            )
            .label
        })
        .collect();
    let mut rates: BTreeMap<i64, BTreeMap<String, f64>> = BTreeMap::new();
    let mut kinds: BTreeMap<i64, String> = BTreeMap::new();
    let mut occurred: BTreeMap<i64, f64> = BTreeMap::new();
    for v in rows {
        kinds.insert(v.owner_party_id, v.party_kind.clone());
        if v.indicator_id == rate {
            rates
                .entry(v.owner_party_id)
                .or_default()
                .insert(v.period.clone(), v.value);
        } else if v.indicator_id == occurrences && recent_labels.contains(&v.period) {
            *occurred.entry(v.owner_party_id).or_default() += v.denominator.unwrap_or(0.0);
        }
    }
    let recent_mean = |party: &i64| -> Option<f64> {
        let r = rates.get(party)?;
        let values: Vec<f64> = recent_labels
            .iter()
            .filter_map(|l| r.get(l).copied())
            .collect();
        (values.len() == RECENT_MONTHS)
            .then(|| mean(&values))
            .flatten()
    };
    let means: BTreeMap<i64, f64> = rates
        .keys()
        .filter_map(|p| Some((*p, recent_mean(p)?)))
        .collect();
    let mut out = BTreeMap::new();
    for (party, r) in &rates {
        let recent: Vec<f64> = recent_labels
            .iter()
            .filter_map(|l| r.get(l).copied())
            .collect();
        if recent.len() < RECENT_MONTHS {
            continue;
        }
        let baseline: Vec<f64> = r
            .iter()
            .filter(|(l, _)| baseline_labels.contains(*l))
            .map(|(_, v)| *v)
            .collect();
        let kind = kinds.get(party);
        let peers: Vec<f64> = means
            .iter()
            .filter(|(p, _)| *p != party && kinds.get(*p) == kind)
            .map(|(_, m)| *m)
            .collect();
        let warning = silence(&Reporting {
            recent: &recent,
            recent_from: &recent_labels[0],
            recent_until: &recent_labels[RECENT_MONTHS - 1],
            baseline: &baseline,
            peers: &peers,
            unit: "reports per 100 staff",
            occurrences: occurred.get(party).copied().unwrap_or(0.0).round() as u64,
        });
        if let Some(w) = warning {
            out.insert(*party, w);
        }
    }
    out
}

/// The silence warnings of `parties` (all organisations where `None`).
pub(super) async fn silence_warnings(
    conn: &mut Conn,
    authority: i64,
    today: time::Date,
) -> Result<BTreeMap<i64, Silence>> {
    let rate = indicator_store::by_code(conn, authority, REPORTING_RATE).await?;
    let occurrences = indicator_store::by_code(conn, authority, OCCURRENCES).await?;
    let (Some(rate), Some(occurrences)) = (rate, occurrences) else {
        return Ok(BTreeMap::new());
    };
    let from = Span::of(
        Period::Month,
        sems_domain::util::sub_months(today, 12 + RECENT_MONTHS as u32 + 1),
    )
    .label;
    let rows = value_store::across_organisations(conn, &[rate.id, occurrences.id], &from).await?;
    Ok(silences(&rows, rate.id, occurrences.id, today))
}
