//! Security performance (DESIGN.md module 5): the statistics security performance indicators
//! are judged by. An indicator's values are compared with alert lines frozen from a baseline
//! of earlier values (ICAO Doc 9859: the mean plus 1, 2 and 3 population standard deviations),
//! or with limits of the Poisson distribution where events are too rare for standard
//! deviations, or with thresholds set by hand; three trigger rules decide when values call for
//! an alert. Proportions of few cases carry their Wilson interval.

pub mod alerts;
pub mod definition;
pub mod measures;
pub mod periods;
pub mod silence;
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

/// A calendar month a data series' value is for: `YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(String);

impl Month {
    pub fn parse(input: &str) -> Result<Month, crate::ValidationError> {
        let s = input.trim();
        let ok = s.len() == 7
            && s.as_bytes()[4] == b'-'
            && s[..4]
                .parse::<u32>()
                .is_ok_and(|y| (1900..=2999).contains(&y))
            && s[5..].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
            && s.bytes()
                .enumerate()
                .all(|(i, b)| i == 4 || b.is_ascii_digit());
        if ok {
            Ok(Month(s.to_string()))
        } else {
            Err(crate::ValidationError::new(
                "month",
                format!("'{s}' is not a month: write it as YYYY-MM, for example 2026-03"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_written_year_dash_month() {
        assert_eq!(
            Month::parse(" 2026-03 ").map(|m| m.as_str().to_string()),
            Ok("2026-03".into())
        );
        for bad in [
            "2026-13", "2026-00", "26-03", "2026/03", "2026-3", "20a6-03", "",
        ] {
            assert_eq!(
                Month::parse(bad).map_err(|e| e.field),
                Err("month"),
                "{bad}"
            );
        }
    }
}
