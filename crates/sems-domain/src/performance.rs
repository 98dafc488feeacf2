//! Security performance (DESIGN.md module 5): the statistics security performance indicators
//! are judged by. An indicator's values are compared with alert lines frozen from a baseline
//! of earlier values (ICAO Doc 9859: the mean plus 1, 2 and 3 population standard deviations),
//! or with limits of the Poisson distribution where events are too rare for standard
//! deviations, or with thresholds set by hand; three trigger rules decide when values call for
//! an alert. Proportions of few cases carry their Wilson interval.

pub mod alerts;
pub mod definition;
pub mod statistics;

use crate::vocabulary::vocabulary;

vocabulary!(
    /// Whether a higher value of an indicator is better (a test pass rate) or worse (overdue
    /// corrective actions): alert lines are drawn on the worse side.
    Direction, "direction", {
        HigherIsBetter => "higher_is_better", "Higher is better";
        LowerIsBetter => "lower_is_better", "Lower is better";
    }
);

impl Direction {
    /// Whether `value` is worse than `line`, for this direction.
    pub fn is_worse(self, value: f64, line: f64) -> bool {
        match self {
            Direction::HigherIsBetter => value < line,
            Direction::LowerIsBetter => value > line,
        }
    }

    /// The worse side's sign: a line `n` deviations from the mean is `mean + sign × n × SD`.
    pub fn worse_sign(self) -> f64 {
        match self {
            Direction::HigherIsBetter => -1.0,
            Direction::LowerIsBetter => 1.0,
        }
    }
}

vocabulary!(
    /// How long a period of an indicator's values is.
    Period, "period", {
        Month => "month", "Month";
        Quarter => "quarter", "Quarter";
    }
);

impl Period {
    /// "month" or "months", "quarter" or "quarters".
    pub fn noun(self, n: usize) -> &'static str {
        match (self, n) {
            (Period::Month, 1) => "month",
            (Period::Month, _) => "months",
            (Period::Quarter, 1) => "quarter",
            (Period::Quarter, _) => "quarters",
        }
    }
}
