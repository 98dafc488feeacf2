//! The clocks of training and vetting: whether a person is current in a requirement on a day.
//!
//! A requirement done on a day is due again some months later (a recurrent course, a
//! certification, a background check). Before that it is current, then due soon (within the
//! programme's days), then, where an entitlement hangs on it, in grace for the grace months,
//! then lapsed: the entitlement is withdrawn. A requirement never met is overdue. Besides:
//! continuous image-recognition training counts hours in the rolling window ending today, and
//! a person who did not exercise a function for more than the absence months needs a refresher
//! before returning to duty.

use crate::util::{add_months, sub_months};
use crate::vocabulary::vocabulary;
use crate::ValidationError;
use time::Date;

vocabulary!(
    /// Where a person stands with one requirement.
    Currency, "currency", {
        Current => "current", "Current";
        DueSoon => "due_soon", "Due soon";
        Overdue => "overdue", "Overdue";
        InGrace => "in_grace", "Expired: in grace";
        Lapsed => "lapsed", "Lapsed: entitlement withdrawn";
    }
);

impl Currency {
    /// How urgent it is, for lists ordered by it and for "the worst" of several: current 0,
    /// due soon 1, in grace 2, overdue 3, lapsed 4.
    pub fn severity(self) -> i64 {
        match self {
            Currency::Current => 0,
            Currency::DueSoon => 1,
            Currency::InGrace => 2,
            Currency::Overdue => 3,
            Currency::Lapsed => 4,
        }
    }

    /// The currency of a severity (the worst of several, read back from the database).
    pub fn of_severity(severity: i64) -> Option<Currency> {
        Currency::ALL
            .iter()
            .copied()
            .find(|c| c.severity() == severity)
    }

    /// Whether the person may act on it today (current, due soon or in grace).
    pub fn entitles(self) -> bool {
        matches!(
            self,
            Currency::Current | Currency::DueSoon | Currency::InGrace
        )
    }
}

/// A requirement's standing on a day, with its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Standing {
    pub currency: Currency,
    /// When it is (or was) due again; none when never done.
    pub due: Option<Date>,
    /// When the entitlement lapses (or lapsed): the due date plus the grace.
    pub lapses_on: Option<Date>,
}

/// The standing of a requirement last met on `done` (none: never), required again `every`
/// months later, with `grace` months before the entitlement is withdrawn, reading "due soon"
/// `soon_days` before, on `today`.
pub fn standing(
    done: Option<Date>,
    every_months: u32,
    grace_months: u32,
    soon_days: u32,
    today: Date,
) -> Standing {
    let Some(done) = done else {
        return Standing {
            currency: Currency::Overdue,
            due: None,
            lapses_on: None,
        };
    };
    let due = add_months(done, every_months);
    standing_due(due, grace_months, soon_days, today)
}

/// The standing of a requirement due on `due`.
pub fn standing_due(due: Date, grace_months: u32, soon_days: u32, today: Date) -> Standing {
    let lapses_on = add_months(due, grace_months);
    let currency = if today < due - time::Duration::days(i64::from(soon_days)) {
        Currency::Current
    } else if today < due {
        Currency::DueSoon
    } else if today < lapses_on {
        Currency::InGrace
    } else {
        Currency::Lapsed
    };
    Standing {
        currency,
        due: Some(due),
        lapses_on: Some(lapses_on),
    }
}

/// A background check's standing: valid until the earlier of its own end and its completion
/// plus the renewal months; no grace (an expired check gives no access).
pub fn check_standing(
    completed_on: Date,
    valid_until: Date,
    renewal_months: u32,
    soon_days: u32,
    today: Date,
) -> Standing {
    let due = valid_until.min(add_months(completed_on, renewal_months));
    standing_due(due, 0, soon_days, today)
}

/// A background check as recorded: completed on a day not in the future, valid until a later
/// day, at most `renewal_months` after it.
pub fn validate_check(
    completed_on: Date,
    valid_until: Date,
    renewal_months: u32,
    today: Date,
) -> Result<(), ValidationError> {
    if completed_on > today {
        return Err(ValidationError::new(
            "completed_on",
            "a check is recorded once completed: not a day in the future",
        ));
    }
    if valid_until <= completed_on {
        return Err(ValidationError::new(
            "valid_until",
            format!("a check is valid after it was completed ({completed_on}), not before"),
        ));
    }
    let most = add_months(completed_on, renewal_months);
    if valid_until > most {
        return Err(ValidationError::new(
            "valid_until",
            format!("a check is renewed within {renewal_months} months: valid until {most} at the latest"),
        ));
    }
    Ok(())
}

/// The hours of a training record: more than none, at most a day.
pub fn validate_hours(hours: f64) -> Result<f64, ValidationError> {
    if hours.is_finite() && hours > 0.0 && hours <= 24.0 {
        Ok(hours)
    } else {
        Err(ValidationError::new(
            "hours",
            "hours are more than 0 and at most 24 (one day's training)",
        ))
    }
}

/// Continuous image-recognition training over the window ending today.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct ImageTrainingStanding {
    /// The window's first day (included) and today.
    pub from: Date,
    pub to: Date,
    pub hours: f64,
    pub required: f64,
    pub compliant: bool,
}

/// The hours of `records` (day, hours) in the `window_months` ending on `today`, both ends
/// included, against `required`.
pub fn image_training(
    records: &[(Date, f64)],
    required: f64,
    window_months: u32,
    today: Date,
) -> ImageTrainingStanding {
    let from = sub_months(today, window_months);
    let hours: f64 = records
        .iter()
        .filter(|(day, _)| from <= *day && *day <= today)
        .map(|(_, h)| h)
        .sum();
    ImageTrainingStanding {
        from,
        to: today,
        hours,
        required,
        // Hours are entered to the tenth: compare without float noise.
        compliant: hours + 1e-9 >= required,
    }
}

/// Whether a person who last exercised a function on `last_exercised` needs a refresher before
/// returning to duty: away more than `absence_months` and no training of it since.
pub fn refresher_needed(
    last_exercised: Option<Date>,
    last_trained: Option<Date>,
    absence_months: u32,
    today: Date,
) -> bool {
    let Some(away_since) = last_exercised else {
        return false;
    };
    let away_too_long = add_months(away_since, absence_months) < today;
    away_too_long && last_trained.is_none_or(|t| t <= away_since)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_recurrent_requirement_is_current_then_due_soon_then_in_grace_then_lapsed() {
        let done = date!(2021 - 03 - 15);
        // Every 60 months: due on 15 March 2026; 3 months' grace: lapses 15 June 2026.
        let on = |day| standing(Some(done), 60, 3, 30, day).currency;
        assert_eq!(on(date!(2026 - 02 - 12)), Currency::Current);
        assert_eq!(
            on(date!(2026 - 02 - 13)),
            Currency::DueSoon,
            "30 days before"
        );
        assert_eq!(on(date!(2026 - 03 - 14)), Currency::DueSoon);
        assert_eq!(on(date!(2026 - 03 - 15)), Currency::InGrace, "due day");
        assert_eq!(on(date!(2026 - 06 - 14)), Currency::InGrace);
        assert_eq!(on(date!(2026 - 06 - 15)), Currency::Lapsed, "lapse day");
        let s = standing(Some(done), 60, 3, 30, date!(2026 - 07 - 01));
        assert_eq!(
            (s.due, s.lapses_on),
            (Some(date!(2026 - 03 - 15)), Some(date!(2026 - 06 - 15)))
        );
        // Without grace, due means lapsed.
        assert_eq!(
            standing(Some(done), 60, 0, 30, date!(2026 - 03 - 15)).currency,
            Currency::Lapsed
        );
        // Never done: overdue.
        assert_eq!(standing(None, 60, 3, 30, done).currency, Currency::Overdue);
        assert!(Currency::InGrace.entitles() && !Currency::Lapsed.entitles());
    }

    #[test]
    fn screener_recertification_every_three_years_with_three_months_grace() {
        let certified = date!(2023 - 08 - 31);
        let s = standing(Some(certified), 36, 3, 60, date!(2026 - 09 - 01));
        // 31 August 2026 due; 30 November 2026 (no 31st) lapses.
        assert_eq!(s.due, Some(date!(2026 - 08 - 31)));
        assert_eq!(s.lapses_on, Some(date!(2026 - 11 - 30)));
        assert_eq!(s.currency, Currency::InGrace);
    }

    #[test]
    fn a_check_is_valid_until_the_earlier_end_and_is_recorded_sensibly() {
        let done = date!(2022 - 01 - 10);
        // Its own end before the five years.
        let s = check_standing(done, date!(2025 - 01 - 10), 60, 30, date!(2025 - 01 - 10));
        assert_eq!(
            (s.currency, s.due),
            (Currency::Lapsed, Some(date!(2025 - 01 - 10)))
        );
        assert_eq!(
            check_standing(done, date!(2025 - 01 - 10), 60, 30, date!(2025 - 01 - 09)).currency,
            Currency::DueSoon
        );
        let today = date!(2026 - 01 - 01);
        assert_eq!(
            validate_check(done, date!(2027 - 01 - 10), 60, today),
            Ok(())
        );
        assert_eq!(
            validate_check(done, date!(2022 - 01 - 09), 60, today).map_err(|e| e.field),
            Err("valid_until"),
            "valid before it was completed"
        );
        assert_eq!(
            validate_check(done, date!(2027 - 01 - 11), 60, today).map_err(|e| e.field),
            Err("valid_until"),
            "beyond five years"
        );
        assert_eq!(
            validate_check(date!(2026 - 01 - 02), date!(2027 - 01 - 01), 60, today)
                .map_err(|e| e.field),
            Err("completed_on")
        );
    }

    #[test]
    fn six_hours_in_every_six_months_counted_at_the_windows_edges() {
        let today = date!(2026 - 12 - 06);
        // The window is 6 June to 6 December 2026, both included.
        let records = [
            (date!(2026 - 06 - 05), 4.0), // the day before: not counted
            (date!(2026 - 06 - 06), 2.0), // the first day
            (date!(2026 - 09 - 01), 2.5),
            (date!(2026 - 12 - 06), 1.5), // today
            (date!(2026 - 12 - 07), 9.0), // tomorrow: not yet
        ];
        let s = image_training(&records, 6.0, 6, today);
        assert_eq!(s.from, date!(2026 - 06 - 06));
        assert_eq!(s.hours, 6.0);
        assert!(s.compliant);
        // A day later the first day's 2 hours leave the window.
        let s = image_training(&records, 6.0, 6, date!(2026 - 12 - 07));
        assert_eq!(s.hours, 13.0);
        let s = image_training(&records[..4], 6.0, 6, date!(2026 - 12 - 07));
        assert_eq!((s.hours, s.compliant), (4.0, false));
        // Tenths add up without float noise.
        let tenths: Vec<(Date, f64)> = (0..60).map(|_| (today, 0.1)).collect();
        assert!(image_training(&tenths, 6.0, 6, today).compliant);
    }

    #[test]
    fn a_refresher_before_returning_after_more_than_six_months_away() {
        let away = date!(2026 - 01 - 15);
        assert!(
            !refresher_needed(Some(away), None, 6, date!(2026 - 07 - 15)),
            "6 months exactly"
        );
        assert!(refresher_needed(Some(away), None, 6, date!(2026 - 07 - 16)));
        assert!(refresher_needed(
            Some(away),
            Some(date!(2025 - 12 - 01)),
            6,
            date!(2026 - 08 - 01)
        ));
        assert!(!refresher_needed(
            Some(away),
            Some(date!(2026 - 07 - 20)),
            6,
            date!(2026 - 08 - 01)
        ));
        assert!(!refresher_needed(None, None, 6, date!(2026 - 08 - 01)));
    }

    #[test]
    fn hours_are_positive_and_at_most_a_day() {
        assert_eq!(validate_hours(7.5), Ok(7.5));
        for bad in [0.0, -1.0, 24.5, f64::NAN] {
            assert!(validate_hours(bad).is_err(), "{bad}");
        }
    }
}
