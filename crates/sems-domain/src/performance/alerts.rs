//! Alert lines and the rules that fire alerts.
//!
//! The lines of a monitoring period are frozen from a baseline of earlier values:
//! - the ICAO method (Doc 9859): the baseline's mean plus 1, 2 and 3 population standard
//!   deviations, on the worse side of the indicator's direction;
//! - for counts of rare events (a baseline mean below [`SMALL_COUNT_MEAN`] events a period)
//!   standard deviations would give false alarms and lines below zero, so the lines are the
//!   limits of the Poisson distribution with the baseline's mean, for the same false-alarm
//!   rates ([`super::statistics::TAIL_BEYOND_SD`]);
//! - or three thresholds set by hand (watch, warning, critical).
//!
//! On statistical lines an alert fires on one point beyond the third line, two consecutive
//! points beyond the second, or three consecutive beyond the first; on thresholds set by hand,
//! on one point beyond any of them. Each alert says in a sentence which rule fired, on which
//! points, against which baseline.

use super::statistics::{
    mean, poisson_lower_limit, poisson_upper_limit, population_sd, TAIL_BEYOND_SD,
};
use super::{Direction, Period};
use crate::vocabulary::vocabulary;
use crate::ValidationError;

/// Below this baseline mean, a count of events is judged on Poisson limits, not SD lines.
pub const SMALL_COUNT_MEAN: f64 = 5.0;

/// The fewest baseline values lines are drawn from (Doc 9859 uses the preceding 12).
pub const MIN_BASELINE_PERIODS: usize = 6;

/// The baseline a monitoring period's lines are frozen from: its values in order and the
/// labels of its first and last period (`2025-01`, `2025-Q4`).
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    pub values: Vec<f64>,
    pub from: String,
    pub until: String,
}

/// How the lines were drawn, with what they were drawn from.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// The baseline's mean plus 1, 2 and 3 population standard deviations.
    StandardDeviations { mean: f64, sd: f64 },
    /// Limits of the Poisson distribution with the baseline's mean (a count of rare events).
    Poisson { mean: f64 },
    /// Watch, warning and critical thresholds set by hand.
    Fixed,
}

/// The three lines of a monitoring period, from the nearest to the mean to the farthest, on
/// the worse side of `direction`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertLines {
    pub direction: Direction,
    pub method: Method,
    pub lines: [f64; 3],
    /// The baseline's first and last period; `None` for thresholds set by hand.
    pub baseline: Option<(String, String)>,
}

impl AlertLines {
    /// The lines frozen from `baseline`. `counts` says the values are counts of events (not
    /// rates or shares): those with a baseline mean below [`SMALL_COUNT_MEAN`] are judged on
    /// Poisson limits.
    pub fn from_baseline(
        baseline: &Baseline,
        direction: Direction,
        counts: bool,
    ) -> Result<AlertLines, ValidationError> {
        let n = baseline.values.len();
        if n < MIN_BASELINE_PERIODS {
            return Err(ValidationError::new(
                "baseline",
                format!(
                    "alert lines need a baseline of at least {MIN_BASELINE_PERIODS} periods; this one has {n}"
                ),
            ));
        }
        if baseline.values.iter().any(|v| !v.is_finite()) {
            return Err(ValidationError::new(
                "baseline",
                "every baseline value must be a number",
            ));
        }
        let m = mean(&baseline.values).unwrap_or(0.0);
        let span = Some((baseline.from.clone(), baseline.until.clone()));
        if counts && m < SMALL_COUNT_MEAN {
            let limit = |tail: f64| match direction {
                Direction::LowerIsBetter => poisson_upper_limit(m, tail) as f64,
                Direction::HigherIsBetter => poisson_lower_limit(m, tail) as f64,
            };
            return Ok(AlertLines {
                direction,
                method: Method::Poisson { mean: m },
                lines: TAIL_BEYOND_SD.map(limit),
                baseline: span,
            });
        }
        let sd = population_sd(&baseline.values).unwrap_or(0.0);
        let sign = direction.worse_sign();
        Ok(AlertLines {
            direction,
            method: Method::StandardDeviations { mean: m, sd },
            lines: [1.0, 2.0, 3.0].map(|k| m + sign * k * sd),
            baseline: span,
        })
    }

    /// Thresholds set by hand: watch, warning and critical, each farther on the worse side.
    pub fn fixed(
        direction: Direction,
        watch: f64,
        warning: f64,
        critical: f64,
    ) -> Result<AlertLines, ValidationError> {
        let lines = [watch, warning, critical];
        if lines.iter().any(|v| !v.is_finite()) {
            return Err(ValidationError::new(
                "thresholds",
                "watch, warning and critical must be numbers",
            ));
        }
        let ordered = match direction {
            Direction::LowerIsBetter => watch < warning && warning < critical,
            Direction::HigherIsBetter => watch > warning && warning > critical,
        };
        if !ordered {
            return Err(ValidationError::new(
                "thresholds",
                match direction {
                    Direction::LowerIsBetter => "where lower is better, watch < warning < critical",
                    Direction::HigherIsBetter => {
                        "where higher is better, watch > warning > critical"
                    }
                },
            ));
        }
        Ok(AlertLines {
            direction,
            method: Method::Fixed,
            lines,
            baseline: None,
        })
    }

    /// How the lines were drawn, in words: "mean 10 and SD 2 of the 2025-01 to 2025-12
    /// baseline".
    pub fn describe(&self, period: Period) -> String {
        let of = match &self.baseline {
            Some((from, until)) if from == until => format!(" of the {from} baseline"),
            Some((from, until)) => format!(" of the {from} to {until} baseline"),
            None => String::new(),
        };
        match self.method {
            Method::StandardDeviations { mean, sd } => {
                format!("mean {} and SD {}{of}", number(mean), number(sd))
            }
            Method::Poisson { mean } => format!(
                "mean {} a {}{of}, below {}: rare events, judged on limits of the Poisson distribution instead of SD lines",
                number(mean),
                period.noun(1),
                number(SMALL_COUNT_MEAN)
            ),
            Method::Fixed => "thresholds set by hand".to_string(),
        }
    }

    /// How many lines `value` is beyond on the worse side (0 to 3). On Poisson limits a count
    /// is beyond a limit when it is past it: a limit is a count that is still usual.
    pub fn level(&self, value: f64) -> usize {
        self.lines
            .iter()
            .take_while(|line| self.direction.is_worse(value, **line))
            .count()
    }

    /// The words of line `level` (1 to 3) in a sentence: "mean + 2 SD", "the Poisson limit
    /// for 2 SD", "the warning threshold".
    fn line_words(&self, level: usize) -> String {
        let sign = match self.direction {
            Direction::LowerIsBetter => '+',
            Direction::HigherIsBetter => '−',
        };
        match self.method {
            Method::StandardDeviations { .. } => format!("mean {sign} {level} SD"),
            Method::Poisson { .. } => format!("the Poisson limit matching {level} SD"),
            Method::Fixed => match level {
                1 => "the watch threshold".to_string(),
                2 => "the warning threshold".to_string(),
                _ => "the critical threshold".to_string(),
            },
        }
    }
}

vocabulary!(
    /// The rule that fired an alert.
    Rule, "rule", {
        OneBeyondThird => "one_beyond_third", "1 point beyond the third line";
        TwoBeyondSecond => "two_beyond_second", "2 consecutive points beyond the second line";
        ThreeBeyondFirst => "three_beyond_first", "3 consecutive points beyond the first line";
        Critical => "critical", "Beyond the critical threshold";
        Warning => "warning", "Beyond the warning threshold";
        Watch => "watch", "Beyond the watch threshold";
    }
);

impl Rule {
    /// How serious: 3 for the third line or the critical threshold, down to 1.
    pub fn level(self) -> usize {
        match self {
            Rule::OneBeyondThird | Rule::Critical => 3,
            Rule::TwoBeyondSecond | Rule::Warning => 2,
            Rule::ThreeBeyondFirst | Rule::Watch => 1,
        }
    }
}

vocabulary!(
    /// Where a raised alert stands: open until someone responsible acknowledges it.
    AlertStatus, "status", {
        Open => "open", "Open";
        Acknowledged => "acknowledged", "Acknowledged";
    }
);

/// Days an alert may stay unacknowledged before it is escalated, once, to the accountable
/// executive.
pub const ACKNOWLEDGE_WITHIN_DAYS: i64 = 7;

/// Days the corrective action an alert opens is given.
pub const ACTION_DAYS: i64 = 30;

/// A value of an indicator for one period.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Point {
    /// The period: `2026-03`, `2026-Q1`.
    pub label: String,
    pub value: f64,
}

/// An alert: the rule that fired, the points it fired on (the last one is the point that
/// fired it), the line they are beyond, and the sentence that says so.
#[derive(Debug, Clone, PartialEq)]
pub struct Fired {
    pub rule: Rule,
    pub points: Vec<Point>,
    pub line: f64,
    pub sentence: String,
}

/// The alerts of a monitoring period's points, in order, judged on its lines: at each point,
/// the most serious rule that fires on it and the points before it (never on points before the
/// period: the lines are the period's).
pub fn alerts(lines: &AlertLines, period: Period, points: &[Point]) -> Vec<Fired> {
    let levels: Vec<usize> = points.iter().map(|p| lines.level(p.value)).collect();
    let mut out = Vec::new();
    for i in 0..points.len() {
        // The rules, most serious first: (rule, the line's level, how many points).
        let rules: &[(Rule, usize, usize)] = match lines.method {
            Method::Fixed => &[
                (Rule::Critical, 3, 1),
                (Rule::Warning, 2, 1),
                (Rule::Watch, 1, 1),
            ],
            _ => &[
                (Rule::OneBeyondThird, 3, 1),
                (Rule::TwoBeyondSecond, 2, 2),
                (Rule::ThreeBeyondFirst, 1, 3),
            ],
        };
        let fired = rules.iter().find(|(_, level, run)| {
            i + 1 >= *run && levels[i + 1 - run..=i].iter().all(|l| l >= level)
        });
        if let Some((rule, level, run)) = fired {
            let run_points = points[i + 1 - run..=i].to_vec();
            let line = lines.lines[level - 1];
            out.push(Fired {
                rule: *rule,
                sentence: sentence(lines, period, *level, &run_points, line),
                points: run_points,
                line,
            });
        }
    }
    out
}

/// One monitoring period of an indicator (a calendar year, over which its lines stay frozen):
/// its lines, or why there are none, its points with how many lines each is beyond, and the
/// alerts fired on them.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub year: i32,
    pub lines: Result<AlertLines, String>,
    pub points: Vec<Point>,
    pub levels: Vec<usize>,
    pub fired: Vec<Fired>,
}

/// The year a period's label (`2026-03`, `2026-Q1`) belongs to.
pub fn year_of(label: &str) -> i32 {
    label.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
}

/// Judges an indicator's values (in order of their periods) year by year: each year's lines
/// are drawn from the values before it (the `baseline_periods` last ones) or are the
/// thresholds set by hand; `counts` says the values are counts of events.
pub fn monitor(
    method: &super::definition::AlertMethod,
    direction: Direction,
    counts: bool,
    period: Period,
    values: &[Point],
) -> Vec<Window> {
    use super::definition::AlertMethod;
    let mut windows: Vec<Window> = Vec::new();
    let mut start = 0;
    while start < values.len() {
        let year = year_of(&values[start].label);
        let end = values[start..]
            .iter()
            .position(|p| year_of(&p.label) != year)
            .map_or(values.len(), |n| start + n);
        let lines = match method {
            AlertMethod::Fixed {
                watch,
                warning,
                critical,
            } => AlertLines::fixed(direction, *watch, *warning, *critical).map_err(|e| e.message),
            AlertMethod::Statistical { baseline_periods } => {
                let from = start.saturating_sub(*baseline_periods as usize);
                let before = &values[from..start];
                match (before.first(), before.last()) {
                    (Some(first), Some(last)) => AlertLines::from_baseline(
                        &Baseline {
                            values: before.iter().map(|p| p.value).collect(),
                            from: first.label.clone(),
                            until: last.label.clone(),
                        },
                        direction,
                        counts,
                    )
                    .map_err(|e| e.message),
                    _ => Err(format!(
                        "no values before {year}: alert lines are drawn from at least {MIN_BASELINE_PERIODS} earlier {}",
                        period.noun(MIN_BASELINE_PERIODS)
                    )),
                }
            }
        };
        let points = values[start..end].to_vec();
        let (levels, fired) = match &lines {
            Ok(l) => (
                points.iter().map(|p| l.level(p.value)).collect(),
                alerts(l, period, &points),
            ),
            Err(_) => (vec![0; points.len()], Vec::new()),
        };
        windows.push(Window {
            year,
            lines,
            points,
            levels,
            fired,
        });
        start = end;
    }
    windows
}

/// Numbers as people read them: at most two decimals, none when whole.
fn number(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// "2 consecutive months above mean + 2 SD of the 2025-01 to 2025-12 baseline: 15 in 2026-02
/// and 16 in 2026-03 (line 14; baseline mean 10, SD 2)."
fn sentence(
    lines: &AlertLines,
    period: Period,
    level: usize,
    points: &[Point],
    line: f64,
) -> String {
    let side = match lines.direction {
        Direction::LowerIsBetter => "above",
        Direction::HigherIsBetter => "below",
    };
    let how_many = match points.len() {
        1 => format!("1 {}", period.noun(1)),
        n => format!("{n} consecutive {}", period.noun(n)),
    };
    let values: Vec<String> = points
        .iter()
        .map(|p| format!("{} in {}", number(p.value), p.label))
        .collect();
    let values = match values.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    let of_baseline = match &lines.baseline {
        Some((from, until)) if from == until => format!(" of the {from} baseline"),
        Some((from, until)) => format!(" of the {from} to {until} baseline"),
        None => String::new(),
    };
    let basis = match lines.method {
        Method::StandardDeviations { mean, sd } => {
            format!(
                "line {}; baseline mean {}, SD {}",
                number(line),
                number(mean),
                number(sd)
            )
        }
        Method::Poisson { mean } => format!(
            "limit {}; baseline mean {} a {}, below {}: limits of the Poisson distribution",
            number(line),
            number(mean),
            period.noun(1),
            number(SMALL_COUNT_MEAN)
        ),
        Method::Fixed => format!("threshold {}", number(line)),
    };
    format!(
        "{how_many} {side} {}{of_baseline}: {values} ({basis}).",
        lines.line_words(level)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline(values: &[f64]) -> Baseline {
        Baseline {
            values: values.to_vec(),
            from: "2025-01".into(),
            until: "2025-12".into(),
        }
    }

    /// Twelve months with mean 10 and population SD 2: six at 8 and six at 12, each 2 from
    /// the mean.
    fn twelve() -> Baseline {
        baseline(&[
            8.0, 12.0, 8.0, 12.0, 8.0, 12.0, 8.0, 12.0, 8.0, 12.0, 8.0, 12.0,
        ])
    }

    fn points(values: &[f64]) -> Vec<Point> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| Point {
                label: format!("2026-{:02}", i + 1),
                value: *v,
            })
            .collect()
    }

    fn rules(fired: &[Fired]) -> Vec<(Rule, String)> {
        fired
            .iter()
            .map(|f| {
                (
                    f.rule,
                    f.points.last().map(|p| p.label.clone()).unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn lines_are_the_mean_plus_one_two_and_three_population_sd() {
        let lines = AlertLines::from_baseline(&twelve(), Direction::LowerIsBetter, true).unwrap();
        assert_eq!(
            lines.method,
            Method::StandardDeviations {
                mean: 10.0,
                sd: 2.0
            }
        );
        assert_eq!(lines.lines, [12.0, 14.0, 16.0]);
        // Mirrored where higher is better: below the mean.
        let lines = AlertLines::from_baseline(&twelve(), Direction::HigherIsBetter, false).unwrap();
        assert_eq!(lines.lines, [8.0, 6.0, 4.0]);
    }

    #[test]
    fn each_year_is_judged_on_lines_frozen_from_the_year_before() {
        use crate::performance::definition::AlertMethod;
        // 2025: mean 10, SD 2 (lines 12, 14, 16 where lower is better). 2026: 15 and 15 fire
        // the two-beyond-the-second rule on 2026's second month. 2024 has no baseline.
        let mut values: Vec<Point> = (1..=12)
            .map(|m| Point {
                label: format!("2024-{m:02}"),
                value: 100.0,
            })
            .collect();
        values.extend(twelve().values.iter().enumerate().map(|(i, v)| Point {
            label: format!("2025-{:02}", i + 1),
            value: *v,
        }));
        values.push(Point {
            label: "2026-01".into(),
            value: 15.0,
        });
        values.push(Point {
            label: "2026-02".into(),
            value: 15.0,
        });
        let method = AlertMethod::Statistical {
            baseline_periods: 12,
        };
        let windows = monitor(
            &method,
            Direction::LowerIsBetter,
            false,
            Period::Month,
            &values,
        );
        assert_eq!(
            windows.iter().map(|w| w.year).collect::<Vec<_>>(),
            vec![2024, 2025, 2026]
        );
        assert!(windows[0]
            .lines
            .as_ref()
            .unwrap_err()
            .contains("no values before 2024"));
        // 2025's lines come from 2024's twelve values of 100, SD 0: 2025's values are below.
        assert!(windows[1].fired.is_empty());
        let y2026 = &windows[2];
        assert_eq!(
            y2026.lines.as_ref().map(|l| l.lines),
            Ok([12.0, 14.0, 16.0])
        );
        assert_eq!(y2026.levels, vec![2, 2]);
        assert_eq!(
            rules(&y2026.fired),
            vec![(Rule::TwoBeyondSecond, "2026-02".into())]
        );
        assert!(
            y2026.fired[0].sentence.starts_with(
                "2 consecutive months above mean + 2 SD of the 2025-01 to 2025-12 baseline"
            ),
            "{}",
            y2026.fired[0].sentence
        );
        // Thresholds set by hand hold every year.
        let fixed = AlertMethod::Fixed {
            watch: 12.0,
            warning: 14.0,
            critical: 99.0,
        };
        let windows = monitor(
            &fixed,
            Direction::LowerIsBetter,
            false,
            Period::Month,
            &values,
        );
        assert_eq!(
            rules(&windows[0].fired)[0],
            (Rule::Critical, "2024-01".into())
        );
        // Six values before a year are enough; five are not.
        let short = &values[7..];
        let windows = monitor(
            &method,
            Direction::LowerIsBetter,
            false,
            Period::Month,
            short,
        );
        assert!(windows[1].lines.is_err(), "5 values of 2024");
        let windows = monitor(
            &method,
            Direction::LowerIsBetter,
            false,
            Period::Month,
            &values[6..],
        );
        assert!(windows[1].lines.is_ok(), "6 values of 2024");
    }

    #[test]
    fn each_trigger_rule_fires_and_a_quiet_period_fires_none() {
        let lines = AlertLines::from_baseline(&twelve(), Direction::LowerIsBetter, true).unwrap();
        let month = Period::Month;
        // One point beyond mean + 3 SD (16).
        let fired = alerts(&lines, month, &points(&[11.0, 17.0]));
        assert_eq!(
            rules(&fired),
            vec![(Rule::OneBeyondThird, "2026-02".into())]
        );
        // Two consecutive beyond mean + 2 SD (14), neither beyond 16.
        let fired = alerts(&lines, month, &points(&[15.0, 15.0]));
        assert_eq!(
            rules(&fired),
            vec![(Rule::TwoBeyondSecond, "2026-02".into())]
        );
        // Three consecutive beyond mean + 1 SD (12).
        let fired = alerts(&lines, month, &points(&[13.0, 13.0, 13.0]));
        assert_eq!(
            rules(&fired),
            vec![(Rule::ThreeBeyondFirst, "2026-03".into())]
        );
        // Above the lines now and then, never as the rules ask: nothing fires.
        let fired = alerts(
            &lines,
            month,
            &points(&[13.0, 15.0, 11.0, 13.0, 12.0, 15.0]),
        );
        assert_eq!(fired, vec![]);
        // A point on a line is not beyond it.
        assert_eq!(alerts(&lines, month, &points(&[16.0])), vec![]);
    }

    #[test]
    fn the_rules_are_mirrored_where_higher_is_better() {
        let lines = AlertLines::from_baseline(&twelve(), Direction::HigherIsBetter, false).unwrap();
        let fired = alerts(&lines, Period::Month, &points(&[9.0, 3.0]));
        assert_eq!(
            rules(&fired),
            vec![(Rule::OneBeyondThird, "2026-02".into())]
        );
        // High values are good news, never an alert.
        assert_eq!(
            alerts(&lines, Period::Month, &points(&[30.0, 30.0, 30.0])),
            vec![]
        );
        let fired = alerts(&lines, Period::Month, &points(&[5.0, 5.5]));
        assert_eq!(
            rules(&fired),
            vec![(Rule::TwoBeyondSecond, "2026-02".into())]
        );
        assert_eq!(
            fired[0].sentence,
            "2 consecutive months below mean − 2 SD of the 2025-01 to 2025-12 baseline: 5 in 2026-01 and 5.5 in 2026-02 (line 6; baseline mean 10, SD 2)."
        );
    }

    #[test]
    fn the_sentence_says_the_rule_the_points_and_the_baseline() {
        let lines = AlertLines::from_baseline(&twelve(), Direction::LowerIsBetter, true).unwrap();
        let fired = alerts(&lines, Period::Month, &points(&[15.0, 16.0]));
        assert_eq!(
            fired[0].sentence,
            "2 consecutive months above mean + 2 SD of the 2025-01 to 2025-12 baseline: 15 in 2026-01 and 16 in 2026-02 (line 14; baseline mean 10, SD 2)."
        );
        assert_eq!(fired[0].line, 14.0);
        assert_eq!(fired[0].points.len(), 2);
    }

    #[test]
    fn rare_events_are_judged_on_poisson_limits() {
        // A mean of 1 event a month: SD lines would be 2, 3 and 4 (SD 1), so a month with
        // 4 events would be an alert; the Poisson limits are 2, 3 and 5.
        let rare = baseline(&[0.0, 1.0, 2.0, 1.0, 0.0, 2.0, 1.0, 1.0, 0.0, 2.0, 1.0, 1.0]);
        let lines = AlertLines::from_baseline(&rare, Direction::LowerIsBetter, true).unwrap();
        assert_eq!(lines.method, Method::Poisson { mean: 1.0 });
        assert_eq!(lines.lines, [2.0, 3.0, 5.0]);
        assert_eq!(alerts(&lines, Period::Month, &points(&[4.0])), vec![]);
        let fired = alerts(&lines, Period::Month, &points(&[6.0]));
        assert_eq!(
            rules(&fired),
            vec![(Rule::OneBeyondThird, "2026-01".into())]
        );
        assert_eq!(
            fired[0].sentence,
            "1 month above the Poisson limit matching 3 SD of the 2025-01 to 2025-12 baseline: 6 in 2026-01 (limit 5; baseline mean 1 a month, below 5: limits of the Poisson distribution)."
        );
        // Where fewer events are worse, no limit goes below zero: with a mean of 1, a month
        // with none is usual.
        let lines = AlertLines::from_baseline(&rare, Direction::HigherIsBetter, true).unwrap();
        assert_eq!(lines.lines, [0.0, 0.0, 0.0]);
        assert_eq!(
            alerts(&lines, Period::Month, &points(&[0.0, 0.0, 0.0])),
            vec![]
        );
        // Rates and shares are never judged as counts, and neither are counts with a mean of
        // 5 or more.
        let rates = AlertLines::from_baseline(&rare, Direction::LowerIsBetter, false).unwrap();
        assert!(matches!(rates.method, Method::StandardDeviations { .. }));
        let common = baseline(&[5.0; 12]);
        let lines = AlertLines::from_baseline(&common, Direction::LowerIsBetter, true).unwrap();
        assert!(matches!(lines.method, Method::StandardDeviations { .. }));
    }

    #[test]
    fn a_baseline_too_short_is_refused() {
        let short = baseline(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        let e = AlertLines::from_baseline(&short, Direction::LowerIsBetter, false).unwrap_err();
        assert_eq!(e.field, "baseline");
        assert!(
            e.message.contains("at least 6 periods; this one has 5"),
            "{e}"
        );
    }

    #[test]
    fn thresholds_set_by_hand_follow_the_direction() {
        let lines = AlertLines::fixed(Direction::HigherIsBetter, 90.0, 80.0, 70.0).unwrap();
        let fired = alerts(&lines, Period::Quarter, &points(&[95.0, 85.0, 65.0]));
        assert_eq!(
            rules(&fired),
            vec![
                (Rule::Watch, "2026-02".into()),
                (Rule::Critical, "2026-03".into())
            ]
        );
        assert_eq!(
            fired[1].sentence,
            "1 quarter below the critical threshold: 65 in 2026-03 (threshold 70)."
        );
        assert!(AlertLines::fixed(Direction::HigherIsBetter, 70.0, 80.0, 90.0).is_err());
        assert!(AlertLines::fixed(Direction::LowerIsBetter, 1.0, 2.0, 3.0).is_ok());
        assert!(AlertLines::fixed(Direction::LowerIsBetter, 1.0, 1.0, 3.0).is_err());
    }
}
