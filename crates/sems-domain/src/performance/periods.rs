//! The periods an indicator's values are for: calendar months (`2026-03`) and quarters
//! (`2026-Q1`), in UTC like every date sems keeps. A monitoring period, over which alert lines
//! stay frozen, is a calendar year (Doc 9859 draws a year's lines from the year before).

use super::Period;
use crate::ValidationError;
use time::{Date, Month as CalendarMonth};

/// One period: its label, its first day and the first day after it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub first_day: Date,
    pub next_day: Date,
    pub label: String,
}

fn first_of(year: i32, month: u8) -> Date {
    let month = CalendarMonth::try_from(month).unwrap_or(CalendarMonth::January);
    Date::from_calendar_date(year, month, 1).unwrap_or(Date::MIN)
}

/// Milliseconds since the Unix epoch at the start (00:00 UTC) of `day`.
pub fn start_ms(day: Date) -> i64 {
    day.midnight().assume_utc().unix_timestamp() * 1000
}

/// The UTC date of a time in milliseconds since the Unix epoch.
pub fn day_of(ms: i64) -> Date {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(|t| t.date())
        .unwrap_or(Date::MIN)
}

impl Span {
    /// The period of `kind` that holds `day`.
    pub fn of(kind: Period, day: Date) -> Span {
        let (year, month) = (day.year(), u8::from(day.month()));
        match kind {
            Period::Month => {
                let first_day = first_of(year, month);
                let next_day = if month == 12 {
                    first_of(year + 1, 1)
                } else {
                    first_of(year, month + 1)
                };
                Span {
                    first_day,
                    next_day,
                    label: format!("{year:04}-{month:02}"),
                }
            }
            Period::Quarter => {
                let q = (month - 1) / 3;
                let first_day = first_of(year, q * 3 + 1);
                let next_day = if q == 3 {
                    first_of(year + 1, 1)
                } else {
                    first_of(year, q * 3 + 4)
                };
                Span {
                    first_day,
                    next_day,
                    label: format!("{year:04}-Q{}", q + 1),
                }
            }
        }
    }

    /// The period a label names: `2026-03` for a month, `2026-Q1` for a quarter.
    pub fn parse(kind: Period, label: &str) -> Result<Span, ValidationError> {
        let label = label.trim();
        let refuse = || {
            ValidationError::new(
                "period",
                match kind {
                    Period::Month => format!("'{label}' is not a month: write it as YYYY-MM"),
                    Period::Quarter => {
                        format!(
                            "'{label}' is not a quarter: write it as YYYY-Qn, for example 2026-Q1"
                        )
                    }
                },
            )
        };
        match kind {
            Period::Month => {
                let m = super::Month::parse(label).map_err(|_| refuse())?;
                let (y, mm) = m.as_str().split_at(4);
                let year: i32 = y.parse().map_err(|_| refuse())?;
                let month: u8 = mm[1..].parse().map_err(|_| refuse())?;
                Ok(Span::of(kind, first_of(year, month)))
            }
            Period::Quarter => {
                let (y, q) = label.split_once("-Q").ok_or_else(refuse)?;
                let year: i32 = y
                    .parse()
                    .ok()
                    .filter(|n: &i32| (1900..=2999).contains(n) && y.len() == 4)
                    .ok_or_else(refuse)?;
                let q: u8 = q
                    .parse()
                    .ok()
                    .filter(|q| (1..=4).contains(q))
                    .ok_or_else(refuse)?;
                Ok(Span::of(kind, first_of(year, (q - 1) * 3 + 1)))
            }
        }
    }

    /// The period after this one.
    pub fn next(&self, kind: Period) -> Span {
        Span::of(kind, self.next_day)
    }

    /// The period before this one.
    pub fn previous(&self, kind: Period) -> Span {
        Span::of(kind, self.first_day.previous_day().unwrap_or(Date::MIN))
    }

    pub fn last_day(&self) -> Date {
        self.next_day.previous_day().unwrap_or(self.first_day)
    }

    pub fn start_ms(&self) -> i64 {
        start_ms(self.first_day)
    }

    /// The first millisecond after the period.
    pub fn end_ms(&self) -> i64 {
        start_ms(self.next_day)
    }

    pub fn holds_day(&self, day: Date) -> bool {
        self.first_day <= day && day < self.next_day
    }

    pub fn holds_ms(&self, ms: i64) -> bool {
        self.start_ms() <= ms && ms < self.end_ms()
    }

    /// The months (`YYYY-MM`) the period is made of.
    pub fn months(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut m = Span::of(Period::Month, self.first_day);
        while m.first_day < self.next_day {
            out.push(m.label.clone());
            m = m.next(Period::Month);
        }
        out
    }

    /// The calendar year the period belongs to: its monitoring period.
    pub fn year(&self) -> i32 {
        self.first_day.year()
    }
}

/// The periods of `kind` from the one holding `from` to the one holding `until`, in order.
pub fn spans(kind: Period, from: Date, until: Date) -> Vec<Span> {
    let mut out = Vec::new();
    let mut s = Span::of(kind, from);
    while s.first_day <= until {
        out.push(s.clone());
        s = s.next(kind);
    }
    out
}

/// The last period of `kind` that has ended by `today`.
pub fn last_closed(kind: Period, today: Date) -> Span {
    Span::of(kind, today).previous(kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_and_quarters_by_label_and_by_day() {
        let m = Span::of(Period::Month, date!(2026 - 12 - 06));
        assert_eq!(m.label, "2026-12");
        assert_eq!(m.next_day, date!(2027 - 01 - 01));
        assert_eq!(m.last_day(), date!(2026 - 12 - 31));
        assert_eq!(m.next(Period::Month).label, "2027-01");
        assert_eq!(m.previous(Period::Month).label, "2026-11");
        assert_eq!(Span::parse(Period::Month, "2026-12"), Ok(m.clone()));
        let q = Span::of(Period::Quarter, date!(2026 - 05 - 31));
        assert_eq!(q.label, "2026-Q2");
        assert_eq!(
            (q.first_day, q.next_day),
            (date!(2026 - 04 - 01), date!(2026 - 07 - 01))
        );
        assert_eq!(q.months(), vec!["2026-04", "2026-05", "2026-06"]);
        assert_eq!(Span::parse(Period::Quarter, "2026-Q2"), Ok(q.clone()));
        assert_eq!(q.previous(Period::Quarter).label, "2026-Q1");
        assert_eq!(
            Span::of(Period::Quarter, date!(2026 - 11 - 01))
                .next(Period::Quarter)
                .label,
            "2027-Q1"
        );
        for bad in ["2026-Q5", "2026-Q0", "26-Q1", "2026-4"] {
            assert!(Span::parse(Period::Quarter, bad).is_err(), "{bad}");
        }
        assert!(Span::parse(Period::Month, "2026-Q1").is_err());
        assert_eq!(
            spans(Period::Month, date!(2025 - 11 - 15), date!(2026 - 02 - 01))
                .iter()
                .map(|s| s.label.as_str())
                .collect::<Vec<_>>(),
            vec!["2025-11", "2025-12", "2026-01", "2026-02"]
        );
        assert_eq!(
            last_closed(Period::Month, date!(2026 - 01 - 10)).label,
            "2025-12"
        );
        // Times belong to the UTC day they fall on.
        assert!(m.holds_ms(start_ms(date!(2026 - 12 - 01))));
        assert!(!m.holds_ms(start_ms(date!(2027 - 01 - 01))));
        assert_eq!(
            day_of(start_ms(date!(2026 - 12 - 31)) + 1),
            date!(2026 - 12 - 31)
        );
    }
}
