//! How each indicator's value is computed from what sems holds of one organisation (its
//! [`Facts`]) for one period. Storage gathers the facts; the formulas live here, once, and say
//! which records each value counts, so a point of a chart opens the records behind it.
//!
//! Counts of a state ("open at the end of the month") are read from the records' history as
//! it stood at the end of the period, so a past month keeps its value when it is computed
//! again; counts of events (tests completed, reports filed) from the period's events.

use std::collections::BTreeMap;

use super::definition::{Exposure, Measure, Source, SpiDefinition, TestKind};
use super::periods::{day_of, Span};
use super::statistics::median;
use crate::oversight::{FindingLevel, FindingStatus};
use time::Date;

/// Test results of one completed activity in one requirement area.
#[derive(Debug, Clone, PartialEq)]
pub struct TestFact {
    pub activity_id: i64,
    pub completed_on: Date,
    pub covert: bool,
    pub area: String,
    pub passed: u64,
    pub failed: u64,
}

/// EI results of one completed State oversight activity in one requirement area.
#[derive(Debug, Clone, PartialEq)]
pub struct EiFact {
    pub activity_id: i64,
    pub completed_on: Date,
    pub area: String,
    pub compliant: u64,
    pub applicable: u64,
}

/// A finding on the organisation with every status it had and when (oldest first).
#[derive(Debug, Clone, PartialEq)]
pub struct FindingFact {
    pub id: i64,
    pub level: FindingLevel,
    pub requirement_code: String,
    pub raised_at_ms: i64,
    /// The plan's date, else the finding's.
    pub due_on: Date,
    pub history: Vec<(i64, FindingStatus)>,
}

impl FindingFact {
    /// Its status at `ms`: `None` before it was raised.
    pub fn status_at(&self, ms: i64) -> Option<FindingStatus> {
        if self.raised_at_ms >= ms {
            return None;
        }
        Some(
            self.history
                .iter()
                .take_while(|(at, _)| *at < ms)
                .last()
                .map_or(FindingStatus::Open, |(_, s)| *s),
        )
    }

    /// When it was closed (the last time it moved to closed).
    pub fn closed_at_ms(&self) -> Option<i64> {
        match self.history.last() {
            Some((at, FindingStatus::Closed)) => Some(*at),
            _ => None,
        }
    }
}

/// An activity of the State's oversight programme for the organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedActivity {
    pub id: i64,
    pub planned_on: Date,
    pub completed_on: Option<Date>,
}

/// A security report filed with the organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportFact {
    pub id: i64,
    pub filed_at_ms: i64,
    pub triaged_at_ms: Option<i64>,
    pub mandatory: bool,
    pub forward_due_at_ms: Option<i64>,
    pub forwarded_at_ms: Option<i64>,
}

/// A risk assessment with the review date each of its changes set (oldest first).
#[derive(Debug, Clone, PartialEq)]
pub struct AssessmentFact {
    pub id: i64,
    pub created_at_ms: i64,
    pub next_review_on: Date,
    pub reviews: Vec<(i64, Date)>,
}

impl AssessmentFact {
    /// The review date in force at `ms`: the one the last change before it set.
    fn review_due_at(&self, ms: i64) -> Date {
        self.reviews
            .iter()
            .take_while(|(at, _)| *at < ms)
            .last()
            .map_or(self.next_review_on, |(_, d)| *d)
    }
}

/// A corrective or preventive action of the register.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionFact {
    pub id: i64,
    pub created_at_ms: i64,
    pub due_on: Date,
    pub completed_on: Option<Date>,
    pub cancelled: bool,
}

/// What sems holds of one organisation that its indicators are computed from, with its data
/// series by code and month.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub tests: Vec<TestFact>,
    pub ei: Vec<EiFact>,
    pub findings: Vec<FindingFact>,
    pub programme: Vec<PlannedActivity>,
    pub reports: Vec<ReportFact>,
    pub assessments: Vec<AssessmentFact>,
    pub actions: Vec<ActionFact>,
    pub series: BTreeMap<String, BTreeMap<String, f64>>,
    /// The organisation's personnel with their records, under the programme they are held to
    /// (none before any is registered).
    pub training: Option<TrainingFacts>,
    /// The security directives the organisation received, with their deadlines and steps.
    pub directives: Vec<DirectiveFact>,
}

/// A security directive as a recipient organisation's measures read it.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectiveFact {
    pub item_id: i64,
    pub acknowledge_by: Date,
    pub acknowledged_on: Option<Date>,
    pub implement_by: Date,
    pub implemented_on: Option<Date>,
}

/// An organisation's personnel as the training measures read them.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingFacts {
    pub programme: crate::training::programme::TrainingProgramme,
    pub people: Vec<PersonFact>,
}

/// A person of the register: their functions, courses completed and checks.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonFact {
    pub personnel_id: i64,
    pub started_on: Date,
    pub held: Vec<crate::training::assess::Held>,
    /// Course, day, hours, passed.
    pub records: Vec<(String, Date, f64, bool)>,
    pub checks: Vec<crate::training::assess::CheckDone>,
}

impl Facts {
    /// The first day anything of the organisation happened: values are computed from its
    /// period on.
    pub fn earliest_day(&self) -> Option<Date> {
        let days = self
            .tests
            .iter()
            .map(|t| t.completed_on)
            .chain(self.ei.iter().map(|r| r.completed_on))
            .chain(self.findings.iter().map(|f| day_of(f.raised_at_ms)))
            .chain(self.programme.iter().map(|a| a.planned_on))
            .chain(self.reports.iter().map(|r| day_of(r.filed_at_ms)))
            .chain(self.assessments.iter().map(|a| day_of(a.created_at_ms)))
            .chain(self.actions.iter().map(|a| day_of(a.created_at_ms)))
            .chain(self.directives.iter().map(|d| d.acknowledge_by))
            .chain(
                self.training
                    .iter()
                    .flat_map(|t| t.people.iter().flat_map(|p| p.records.iter().map(|r| r.1))),
            );
        let series = self.series.values().filter_map(|m| {
            m.keys().next().and_then(|k| {
                crate::performance::periods::Span::parse(crate::performance::Period::Month, k)
                    .ok()
                    .map(|s| s.first_day)
            })
        });
        days.chain(series).min()
    }
}

/// A value with what it was computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Computed {
    pub value: f64,
    /// What was counted (successes of a share, events of a rate, the count itself).
    pub numerator: f64,
    /// What it was counted over (trials of a share, the exposure of a rate).
    pub denominator: Option<f64>,
    /// The records counted, of [`Measure::counted`].
    pub records: Vec<i64>,
    /// Anything a reader should know about how it was computed.
    pub note: Option<String>,
}

/// The kind of record a computed value counts: where a point of a chart leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Activities,
    Findings,
    Reports,
    Assessments,
    Actions,
    /// People of the personnel register.
    Personnel,
    /// Security directives received.
    Directives,
}

impl Measure {
    /// The kind of record its values count.
    pub fn counted(self) -> Counted {
        use Measure::*;
        match self {
            TestPassRate | EffectiveImplementation | ProgrammeOnPlan => Counted::Activities,
            OpenLevel1Findings | PlansOverdue | DaysToCloseFindings | RepeatFindings => {
                Counted::Findings
            }
            ReportsPerStaff | ForwardedOnTime | HoursToTriage => Counted::Reports,
            AssessmentsPastReview => Counted::Assessments,
            OverdueActions => Counted::Actions,
            TrainingCurrent | ScreenersImageCompliant | ChecksValid => Counted::Personnel,
            DirectivesAcknowledgedOnTime | DirectivesImplementedOnTime => Counted::Directives,
        }
    }
}

/// Series whose values are levels (a headcount) rather than flows (departures): a period's
/// value is their mean over its months, not their sum, and a month without a value takes the
/// last one entered within a year.
pub fn is_level_series(series: &str) -> bool {
    series.ends_with("headcount")
}

/// The value of a data series for a period, with a note when a level was carried forward.
pub fn series_value(facts: &Facts, series: &str, span: &Span) -> Option<(f64, Option<String>)> {
    let values = facts.series.get(series)?;
    let months = span.months();
    if is_level_series(series) {
        let mut found = Vec::new();
        let mut carried = None;
        for m in &months {
            match values.get(m) {
                Some(v) => found.push(*v),
                None => {
                    // The last value within the 12 months before.
                    let earlier = values
                        .range(..m.clone())
                        .next_back()
                        .filter(|(k, _)| months_between(k, m) <= 12);
                    if let Some((k, v)) = earlier {
                        found.push(*v);
                        carried.get_or_insert_with(|| k.clone());
                    }
                }
            }
        }
        if found.len() < months.len() {
            return None;
        }
        let mean = found.iter().sum::<f64>() / found.len() as f64;
        let note = carried.map(|k| format!("{series} of {k} carried forward"));
        Some((mean, note))
    } else {
        let mut sum = 0.0;
        for m in &months {
            sum += values.get(m)?;
        }
        Some((sum, None))
    }
}

fn months_between(earlier: &str, later: &str) -> i64 {
    let n = |s: &str| -> i64 {
        let y: i64 = s.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
        let m: i64 = s.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0);
        y * 12 + m
    };
    n(later) - n(earlier)
}

fn share(successes: u64, trials: u64, records: Vec<i64>) -> Option<Computed> {
    (trials > 0).then(|| Computed {
        value: successes as f64 / trials as f64 * 100.0,
        numerator: successes as f64,
        denominator: Some(trials as f64),
        records,
        note: None,
    })
}

fn count(n: usize, records: Vec<i64>) -> Computed {
    Computed {
        value: n as f64,
        numerator: n as f64,
        denominator: None,
        records,
        note: None,
    }
}

fn median_of(durations: Vec<f64>, records: Vec<i64>) -> Option<Computed> {
    let m = median(&durations)?;
    Some(Computed {
        value: m,
        numerator: durations.len() as f64,
        denominator: None,
        records,
        note: None,
    })
}

/// Ids in order without repeats.
fn ids(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v.dedup();
    v
}

const DAY_MS: f64 = 86_400_000.0;
const HOUR_MS: f64 = 3_600_000.0;

/// A computed measure's value for `span`, before any exposure.
fn measure_value(
    measure: Measure,
    tests: Option<TestKind>,
    area: Option<&str>,
    facts: &Facts,
    span: &Span,
) -> Option<Computed> {
    let (start, end) = (span.start_ms(), span.end_ms());
    let in_area = |a: &str| area.is_none_or(|x| x == a);
    match measure {
        Measure::TestPassRate => {
            let rows: Vec<&TestFact> = facts
                .tests
                .iter()
                .filter(|t| span.holds_day(t.completed_on) && in_area(&t.area))
                .filter(|t| match tests.unwrap_or(TestKind::Any) {
                    TestKind::Overt => !t.covert,
                    TestKind::Covert => t.covert,
                    TestKind::Any => true,
                })
                .collect();
            let passed = rows.iter().map(|t| t.passed).sum();
            let trials = rows.iter().map(|t| t.passed + t.failed).sum();
            share(
                passed,
                trials,
                ids(rows.iter().map(|t| t.activity_id).collect()),
            )
        }
        Measure::EffectiveImplementation => {
            let rows: Vec<&EiFact> = facts
                .ei
                .iter()
                .filter(|r| span.holds_day(r.completed_on) && in_area(&r.area))
                .collect();
            share(
                rows.iter().map(|r| r.compliant).sum(),
                rows.iter().map(|r| r.applicable).sum(),
                ids(rows.iter().map(|r| r.activity_id).collect()),
            )
        }
        Measure::OpenLevel1Findings => {
            let open: Vec<i64> = facts
                .findings
                .iter()
                .filter(|f| f.level == FindingLevel::Level1)
                .filter(|f| f.status_at(end).is_some_and(|s| s != FindingStatus::Closed))
                .map(|f| f.id)
                .collect();
            Some(count(open.len(), open))
        }
        Measure::PlansOverdue => {
            let awaiting: Vec<&FindingFact> = facts
                .findings
                .iter()
                .filter(|f| f.status_at(end).is_some_and(|s| s.awaits_organisation()))
                .collect();
            let overdue: Vec<i64> = awaiting
                .iter()
                .filter(|f| f.due_on < span.next_day)
                .map(|f| f.id)
                .collect();
            share(overdue.len() as u64, awaiting.len() as u64, overdue)
        }
        Measure::DaysToCloseFindings => {
            let closed: Vec<(i64, f64)> = facts
                .findings
                .iter()
                .filter_map(|f| {
                    let at = f.closed_at_ms().filter(|at| (start..end).contains(at))?;
                    Some((f.id, (at - f.raised_at_ms) as f64 / DAY_MS))
                })
                .collect();
            median_of(
                closed.iter().map(|(_, d)| d.floor()).collect(),
                ids(closed.iter().map(|(id, _)| *id).collect()),
            )
        }
        Measure::RepeatFindings => {
            let repeats: Vec<i64> = facts
                .findings
                .iter()
                .filter(|f| span.holds_ms(f.raised_at_ms))
                .filter(|f| {
                    let raised = day_of(f.raised_at_ms);
                    let year_before = crate::util::sub_months(raised, 12);
                    facts.findings.iter().any(|g| {
                        g.id != f.id
                            && g.requirement_code == f.requirement_code
                            && g.raised_at_ms < f.raised_at_ms
                            && day_of(g.raised_at_ms) >= year_before
                    })
                })
                .map(|f| f.id)
                .collect();
            Some(count(repeats.len(), repeats))
        }
        Measure::ProgrammeOnPlan => {
            let planned: Vec<&PlannedActivity> = facts
                .programme
                .iter()
                .filter(|a| span.holds_day(a.planned_on))
                .collect();
            let on_plan = planned
                .iter()
                .filter(|a| a.completed_on.is_some_and(|d| d < span.next_day))
                .count();
            share(
                on_plan as u64,
                planned.len() as u64,
                ids(planned.iter().map(|a| a.id).collect()),
            )
        }
        Measure::ReportsPerStaff => {
            let filed: Vec<i64> = facts
                .reports
                .iter()
                .filter(|r| span.holds_ms(r.filed_at_ms))
                .map(|r| r.id)
                .collect();
            Some(count(filed.len(), filed))
        }
        Measure::ForwardedOnTime => {
            let due: Vec<&ReportFact> = facts
                .reports
                .iter()
                .filter(|r| r.mandatory)
                .filter(|r| {
                    r.forward_due_at_ms
                        .is_some_and(|d| (start..end).contains(&d))
                })
                .collect();
            let on_time = due
                .iter()
                .filter(|r| match (r.forwarded_at_ms, r.forward_due_at_ms) {
                    (Some(at), Some(due)) => at <= due,
                    _ => false,
                })
                .count();
            share(
                on_time as u64,
                due.len() as u64,
                ids(due.iter().map(|r| r.id).collect()),
            )
        }
        Measure::HoursToTriage => {
            let triaged: Vec<(i64, f64)> = facts
                .reports
                .iter()
                .filter_map(|r| {
                    let at = r.triaged_at_ms.filter(|at| (start..end).contains(at))?;
                    Some((r.id, (at - r.filed_at_ms) as f64 / HOUR_MS))
                })
                .collect();
            median_of(
                triaged
                    .iter()
                    .map(|(_, h)| (h * 10.0).round() / 10.0)
                    .collect(),
                ids(triaged.iter().map(|(id, _)| *id).collect()),
            )
        }
        Measure::AssessmentsPastReview => {
            let existing: Vec<&AssessmentFact> = facts
                .assessments
                .iter()
                .filter(|a| a.created_at_ms < end)
                .collect();
            let past: Vec<i64> = existing
                .iter()
                .filter(|a| a.review_due_at(end) < span.next_day)
                .map(|a| a.id)
                .collect();
            share(past.len() as u64, existing.len() as u64, past)
        }
        Measure::OverdueActions => {
            let overdue: Vec<i64> = facts
                .actions
                .iter()
                .filter(|a| !a.cancelled && a.created_at_ms < end && a.due_on < span.next_day)
                .filter(|a| a.completed_on.is_none_or(|d| d >= span.next_day))
                .map(|a| a.id)
                .collect();
            Some(count(overdue.len(), overdue))
        }
        Measure::TrainingCurrent | Measure::ScreenersImageCompliant | Measure::ChecksValid => {
            training_share(measure, facts.training.as_ref()?, span)
        }
        Measure::DirectivesAcknowledgedOnTime | Measure::DirectivesImplementedOnTime => {
            // The directives whose deadline fell in the period, each done by it or not.
            let steps: Vec<(i64, Date, Option<Date>)> = facts
                .directives
                .iter()
                .map(|d| match measure {
                    Measure::DirectivesAcknowledgedOnTime => {
                        (d.item_id, d.acknowledge_by, d.acknowledged_on)
                    }
                    _ => (d.item_id, d.implement_by, d.implemented_on),
                })
                .filter(|(_, by, _)| span.first_day <= *by && *by < span.next_day)
                .collect();
            let on_time = steps
                .iter()
                .filter(|(_, by, done)| crate::sharing::directive::on_time(*done, *by))
                .count();
            share(
                on_time as u64,
                steps.len() as u64,
                ids(steps.iter().map(|s| s.0).collect()),
            )
        }
    }
}

/// A training measure at the period's last day: each person who had started by then assessed
/// on what was recorded by then, each requirement counted once per person at its worst across
/// their functions (as the compliance views count).
fn training_share(measure: Measure, t: &TrainingFacts, span: &Span) -> Option<Computed> {
    use crate::training::assess::{assess, Completion, RequirementKind};
    let day = span.next_day - time::Duration::days(1);
    let (mut good, mut all, mut counted) = (0u64, 0u64, Vec::new());
    for p in t.people.iter().filter(|p| p.started_on <= day) {
        let done: Vec<Completion<'_>> = p
            .records
            .iter()
            .filter(|r| r.1 <= day)
            .map(|r| Completion {
                course: &r.0,
                on: r.1,
                hours: r.2,
                passed: r.3,
            })
            .collect();
        let assessed = assess(&t.programme, &p.held, &done, &p.checks, day);
        let mut worst: BTreeMap<RequirementKind, i64> = BTreeMap::new();
        for a in &assessed {
            let w = worst.entry(a.kind).or_insert(0);
            *w = (*w).max(a.standing.currency.severity());
        }
        let wanted = |k: RequirementKind| match measure {
            Measure::ScreenersImageCompliant => k == RequirementKind::ImageTraining,
            Measure::ChecksValid => k == RequirementKind::BackgroundCheck,
            _ => true,
        };
        let mut counts_person = false;
        for severity in worst
            .into_iter()
            .filter(|(k, _)| wanted(*k))
            .map(|(_, s)| s)
        {
            all += 1;
            // Current or due soon.
            if severity <= 1 {
                good += 1;
            }
            counts_person = true;
        }
        if counts_person {
            counted.push(p.personnel_id);
        }
    }
    share(good, all, counted)
}

/// Divides a count by its exposure: per `per` units of the series in the period.
fn per_exposure(
    mut c: Computed,
    exposure: &Exposure,
    facts: &Facts,
    span: &Span,
) -> Option<Computed> {
    let (units, note) = series_value(facts, &exposure.series, span)?;
    if units <= 0.0 {
        return None;
    }
    c.value = c.numerator * f64::from(exposure.per) / units;
    c.denominator = Some(units);
    c.note = note.or(c.note);
    Some(c)
}

/// The value of an indicator for a period, or `None` when there is nothing to compute it from
/// (no test in the month, no headcount entered).
pub fn compute(definition: &SpiDefinition, facts: &Facts, span: &Span) -> Option<Computed> {
    let computed = match &definition.source {
        Source::Computed {
            measure,
            tests,
            area,
        } => measure_value(*measure, *tests, area.as_deref(), facts, span)?,
        Source::Series {
            numerator,
            denominator,
        } => {
            let (n, note_n) = series_value(facts, numerator, span)?;
            match denominator {
                Some(d) => {
                    let (units, note_d) = series_value(facts, d, span)?;
                    if units <= 0.0 {
                        return None;
                    }
                    // A ratio of two series is per one unit unless an exposure says per how
                    // many.
                    let per = definition
                        .exposure
                        .as_ref()
                        .map_or(1.0, |e| f64::from(e.per));
                    return Some(Computed {
                        value: n * per / units,
                        numerator: n,
                        denominator: Some(units),
                        records: Vec::new(),
                        note: note_n.or(note_d),
                    });
                }
                None => Computed {
                    value: n,
                    numerator: n,
                    denominator: None,
                    records: Vec::new(),
                    note: note_n,
                },
            }
        }
    };
    match (&definition.exposure, &definition.source) {
        (Some(e), Source::Computed { .. }) => per_exposure(computed, e, facts, span),
        (
            Some(e),
            Source::Series {
                denominator: None, ..
            },
        ) => per_exposure(computed, e, facts, span),
        _ => Some(computed),
    }
}

/// The kind of record a value of `definition` counts, when it counts records.
pub fn counted(definition: &SpiDefinition) -> Option<Counted> {
    match &definition.source {
        Source::Computed { measure, .. } => Some(measure.counted()),
        Source::Series { .. } => None,
    }
}

#[cfg(test)]
mod tests;
