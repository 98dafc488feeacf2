//! Where a person stands with every requirement of their functions on a day, and the gate on
//! reading marked records: the one computation the background job, a new record, the due
//! lists, the compliance figures and the access rule all read from.
//!
//! Each requirement's standing comes with the day it next changes (`changes_on`), so standings
//! are computed ahead and stored, and only those whose day has come are computed again.

use super::currency::{
    check_standing, image_training, refresher_needed, standing, Currency, Standing,
};
use super::programme::{FunctionRequirements, TrainingProgramme};
use super::{CheckLevel, CheckOutcome, Function};
use crate::util::add_months;
use crate::vocabulary::vocabulary;
use time::{Date, Duration};

vocabulary!(
    /// A kind of requirement a function has.
    RequirementKind, "requirement", {
        Initial => "initial", "Initial course";
        Recurrent => "recurrent", "Recurrent course";
        Refresher => "refresher", "Refresher before returning to duty";
        Certification => "certification", "Certification";
        ImageTraining => "image_training", "Image-recognition training";
        BackgroundCheck => "background_check", "Background check";
    }
);

impl RequirementKind {
    /// Whether its lapse withdraws an entitlement (a certification, the function, a pass):
    /// the training officer is given a task in the action register to withdraw it.
    pub fn withdraws(self) -> bool {
        matches!(
            self,
            RequirementKind::Recurrent
                | RequirementKind::Certification
                | RequirementKind::BackgroundCheck
        )
    }
}

/// A function a person holds, and the last day they exercised it when they stopped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Held {
    pub function: Function,
    pub last_exercised_on: Option<Date>,
}

/// A completed course.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion<'a> {
    pub course: &'a str,
    pub on: Date,
    pub hours: f64,
    pub passed: bool,
}

/// A background check as recorded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckDone {
    pub level: CheckLevel,
    pub completed_on: Date,
    pub valid_until: Date,
    pub outcome: CheckOutcome,
}

/// One requirement of one function and where the person stands with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessed {
    pub function: Function,
    pub kind: RequirementKind,
    /// The course it is met by; empty for the background check.
    pub course: String,
    pub standing: Standing,
    /// The next day its currency changes by itself (none: only a new record changes it).
    pub changes_on: Option<Date>,
    /// What it stands on, in a sentence ("6.5 of 6 hours since 6 June 2026").
    pub detail: String,
}

/// The next day a standing's currency changes without a new record.
fn next_change(s: &Standing, soon_days: u32) -> Option<Date> {
    let due = s.due?;
    match s.currency {
        Currency::Current => Some(due - Duration::days(i64::from(soon_days))),
        Currency::DueSoon => Some(due),
        Currency::InGrace => s.lapses_on,
        Currency::Overdue | Currency::Lapsed => None,
    }
}

fn last_passed(done: &[Completion<'_>], course: &str, today: Date) -> Option<Date> {
    done.iter()
        .filter(|c| c.passed && c.course == course && c.on <= today)
        .map(|c| c.on)
        .max()
}

fn never() -> Standing {
    Standing {
        currency: Currency::Overdue,
        due: None,
        lapses_on: None,
    }
}

/// The standing of every requirement of `held` under `programme` on `today`.
pub fn assess(
    programme: &TrainingProgramme,
    held: &[Held],
    done: &[Completion<'_>],
    checks: &[CheckDone],
    today: Date,
) -> Vec<Assessed> {
    let soon = programme.due_soon_days;
    let mut out = Vec::new();
    for h in held {
        let Some(r) = programme.function(h.function) else {
            continue;
        };
        assess_function(r, h, done, checks, soon, today, &mut out);
    }
    // A change is always ahead: the day computed from a month's end may fall before today
    // (31 August less six months is 28 February), and a standing is computed again at most
    // once a day.
    let tomorrow = today + Duration::days(1);
    for a in &mut out {
        a.changes_on = a.changes_on.map(|d| d.max(tomorrow));
    }
    out
}

fn assess_function(
    r: &FunctionRequirements,
    h: &Held,
    done: &[Completion<'_>],
    checks: &[CheckDone],
    soon: u32,
    today: Date,
    out: &mut Vec<Assessed>,
) {
    let mut push = |kind, course: &str, standing: Standing, changes_on, detail: String| {
        out.push(Assessed {
            function: h.function,
            kind,
            course: course.to_string(),
            standing,
            changes_on,
            detail,
        })
    };
    for course in &r.initial {
        let (s, detail) = match last_passed(done, course, today) {
            Some(on) => (
                Standing {
                    currency: Currency::Current,
                    due: None,
                    lapses_on: None,
                },
                format!("completed on {on}"),
            ),
            None => (never(), "never completed".to_string()),
        };
        push(RequirementKind::Initial, course, s, None, detail);
    }
    for rec in &r.recurrent {
        let last = last_passed(done, &rec.course, today);
        let s = standing(last, rec.every_months, 0, soon, today);
        let detail = match last {
            Some(on) => format!("last completed on {on}, every {} months", rec.every_months),
            None => "never completed".to_string(),
        };
        push(
            RequirementKind::Recurrent,
            &rec.course,
            s,
            next_change(&s, soon),
            detail,
        );
    }
    if let (Some(months), Some(away)) = (r.refresher_after_absence_months, h.last_exercised_on) {
        // The refresher is the function's recurrent course (or its first initial course).
        let course = r
            .recurrent
            .first()
            .map(|c| c.course.as_str())
            .or(r.initial.last().map(String::as_str))
            .unwrap_or_default();
        let trained = last_passed(done, course, today);
        let needed = refresher_needed(Some(away), trained, months, today);
        let returned = trained.is_some_and(|t| t > away);
        let (s, changes_on, detail) = if needed {
            (
                never(),
                None,
                format!(
                    "not exercised since {away}: more than {months} months, a refresher is due before returning"
                ),
            )
        } else {
            let ends = add_months(away, months) + Duration::days(1);
            (
                Standing {
                    currency: Currency::Current,
                    due: (!returned).then_some(ends),
                    lapses_on: None,
                },
                (!returned).then_some(ends),
                if returned {
                    format!("refreshed after the absence since {away}")
                } else {
                    format!("not exercised since {away}: a refresher is due from {ends}")
                },
            )
        };
        push(RequirementKind::Refresher, course, s, changes_on, detail);
    }
    if let Some(c) = &r.certification {
        let last = last_passed(done, &c.course, today);
        let s = standing(last, c.renewal_months, c.grace_months, soon, today);
        let detail = match last {
            Some(on) => format!(
                "certified on {on}, renewed every {} months, {} months' grace",
                c.renewal_months, c.grace_months
            ),
            None => "never certified".to_string(),
        };
        push(
            RequirementKind::Certification,
            &c.course,
            s,
            next_change(&s, soon),
            detail,
        );
    }
    if let Some(i) = &r.image_training {
        let records: Vec<(Date, f64)> = done
            .iter()
            .filter(|c| c.course == i.course)
            .map(|c| (c.on, c.hours))
            .collect();
        let window = image_training(&records, i.hours, i.window_months, today);
        let until = window
            .compliant
            .then(|| compliant_until(&records, i.hours, i.window_months, today))
            .flatten();
        let s = Standing {
            currency: if window.compliant {
                Currency::Current
            } else {
                Currency::Overdue
            },
            due: until,
            lapses_on: None,
        };
        let detail = format!(
            "{} of {} hours since {}",
            round1(window.hours),
            i.hours,
            window.from
        );
        push(RequirementKind::ImageTraining, &i.course, s, until, detail);
    }
    if let Some(req) = &r.background_check {
        let latest = checks
            .iter()
            .filter(|c| c.completed_on <= today)
            .max_by_key(|c| (c.completed_on, c.valid_until));
        let (s, detail) = match latest {
            Some(c) if c.outcome == CheckOutcome::Cleared && c.level.satisfies(req.level) => {
                let s = check_standing(
                    c.completed_on,
                    c.valid_until,
                    req.renewal_months,
                    soon,
                    today,
                );
                (
                    s,
                    format!(
                        "{} completed on {}, valid until {}",
                        c.level.label().to_lowercase(),
                        c.completed_on,
                        s.due.unwrap_or(c.valid_until)
                    ),
                )
            }
            // A check that did not clear withdraws what hangs on it from that day: a lapse,
            // so the withdrawal task is opened.
            Some(c) if c.outcome == CheckOutcome::NotCleared => (
                Standing {
                    currency: Currency::Lapsed,
                    due: Some(c.completed_on),
                    lapses_on: Some(c.completed_on),
                },
                format!("the check of {} did not clear", c.completed_on),
            ),
            Some(c) => (
                never(),
                format!(
                    "the {} of {} does not satisfy the {} required",
                    c.level.label().to_lowercase(),
                    c.completed_on,
                    req.level.label().to_lowercase()
                ),
            ),
            None => (never(), "no background check recorded".to_string()),
        };
        push(
            RequirementKind::BackgroundCheck,
            "",
            s,
            next_change(&s, soon),
            detail,
        );
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The first day the window stops holding `required` hours as records age out of it (an early
/// answer is safe: it only computes the standing again).
fn compliant_until(
    records: &[(Date, f64)],
    required: f64,
    window_months: u32,
    today: Date,
) -> Option<Date> {
    let mut in_window: Vec<&(Date, f64)> = records.iter().filter(|(d, _)| *d <= today).collect();
    in_window.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut sum = 0.0;
    for (day, hours) in in_window {
        sum += hours;
        if sum + 1e-9 >= required {
            return Some(add_months(*day, window_months) + Duration::days(1));
        }
    }
    None
}

/// Where a person stands with the gate on reading marked records: their awareness training and
/// background check, as days (none: never done). Stored for each person with an account, so the
/// access rule reads it with the person's clearance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GateDates {
    /// The day the security awareness training is due again.
    pub awareness_until: Option<Date>,
    /// The day the latest cleared check stops being valid.
    pub check_until: Option<Date>,
}

/// The gate's dates from a person's records under `programme`.
pub fn gate_dates(
    programme: &TrainingProgramme,
    done: &[Completion<'_>],
    checks: &[CheckDone],
    today: Date,
) -> GateDates {
    let g = &programme.access_gate;
    let awareness_until = last_passed(done, &g.awareness_course, today)
        .map(|on| add_months(on, g.awareness_every_months));
    // The latest check decides: one that did not clear shuts the gate whatever came before.
    let check_until = checks
        .iter()
        .filter(|c| c.completed_on <= today)
        .max_by_key(|c| (c.completed_on, c.valid_until))
        .filter(|c| c.outcome == CheckOutcome::Cleared)
        .map(|c| {
            c.valid_until.min(add_months(
                c.completed_on,
                super::programme::MAX_CHECK_MONTHS,
            ))
        });
    GateDates {
        awareness_until,
        check_until,
    }
}

/// Why the gate is shut on `today`, in the words the reader is told; none while it is open.
pub fn gate_shut(dates: &GateDates, check_required: bool, today: Date) -> Option<String> {
    match dates.awareness_until {
        None => return Some("no security awareness training of yours is recorded".into()),
        Some(until) if until <= today => {
            return Some(format!(
                "your security awareness training lapsed on {until}"
            ))
        }
        _ => {}
    }
    if check_required {
        match dates.check_until {
            None => return Some("no valid background check of yours is recorded".into()),
            Some(until) if until <= today => {
                return Some(format!("your background check expired on {until}"))
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::training::programme::default_programme;
    use time::macros::date;

    fn find(a: &[Assessed], kind: RequirementKind) -> &Assessed {
        a.iter().find(|x| x.kind == kind).expect("requirement")
    }

    #[test]
    fn a_screener_is_assessed_on_every_requirement_with_the_day_each_changes() {
        let p = default_programme();
        let today = date!(2026 - 12 - 06);
        let done = [
            Completion {
                course: "AWARE",
                on: date!(2022 - 01 - 10),
                hours: 4.0,
                passed: true,
            },
            Completion {
                course: "SCR-PCB",
                on: date!(2023 - 11 - 20),
                hours: 40.0,
                passed: true,
            },
            Completion {
                course: "IRT",
                on: date!(2026 - 07 - 01),
                hours: 3.0,
                passed: true,
            },
            Completion {
                course: "IRT",
                on: date!(2026 - 10 - 01),
                hours: 2.0,
                passed: true,
            },
        ];
        let checks = [CheckDone {
            level: CheckLevel::Enhanced,
            completed_on: date!(2022 - 01 - 05),
            valid_until: date!(2027 - 01 - 05),
            outcome: CheckOutcome::Cleared,
        }];
        let held = [Held {
            function: Function::ScreenerPersons,
            last_exercised_on: None,
        }];
        let a = assess(&p, &held, &done, &checks, today);
        let initial: Vec<_> = a
            .iter()
            .filter(|x| x.kind == RequirementKind::Initial)
            .collect();
        assert_eq!(initial.len(), 2);
        assert!(initial
            .iter()
            .all(|x| x.standing.currency == Currency::Current));
        // Certified 20 Nov 2023, every 36 months: due 20 Nov 2026, in grace until 20 Feb 2027.
        let cert = find(&a, RequirementKind::Certification);
        assert_eq!(cert.standing.currency, Currency::InGrace);
        assert_eq!(cert.changes_on, Some(date!(2027 - 02 - 20)));
        // 5 of 6 hours: under the rule.
        let irt = find(&a, RequirementKind::ImageTraining);
        assert_eq!(irt.standing.currency, Currency::Overdue);
        assert_eq!(irt.detail, "5 of 6 hours since 2026-06-06");
        // The check is due soon (within 60 days), changes on its end.
        let check = find(&a, RequirementKind::BackgroundCheck);
        assert_eq!(check.standing.currency, Currency::DueSoon);
        assert_eq!(check.changes_on, Some(date!(2027 - 01 - 05)));
        // The main course recurs every 60 months: current, due soon 60 days before.
        let rec = find(&a, RequirementKind::Recurrent);
        assert_eq!(rec.standing.currency, Currency::Current);
        assert_eq!(
            rec.changes_on,
            Some(date!(2028 - 11 - 20) - Duration::days(60))
        );
        assert!(a.iter().all(|x| x.kind != RequirementKind::Refresher));
    }

    #[test]
    fn image_training_holds_until_the_hours_that_make_it_leave_the_window() {
        let p = default_programme();
        let today = date!(2026 - 12 - 06);
        let done = [
            Completion {
                course: "IRT",
                on: date!(2026 - 07 - 01),
                hours: 3.0,
                passed: true,
            },
            Completion {
                course: "IRT",
                on: date!(2026 - 10 - 01),
                hours: 3.0,
                passed: true,
            },
        ];
        let held = [Held {
            function: Function::ScreenerHold,
            last_exercised_on: None,
        }];
        let irt = find(
            &assess(&p, &held, &done, &[], today),
            RequirementKind::ImageTraining,
        )
        .clone();
        assert_eq!(irt.standing.currency, Currency::Current);
        // The 1 July hours leave the window after 1 January 2027.
        assert_eq!(irt.changes_on, Some(date!(2027 - 01 - 02)));
        let later = find(
            &assess(&p, &held, &done, &[], date!(2027 - 01 - 02)),
            RequirementKind::ImageTraining,
        )
        .clone();
        assert_eq!(later.standing.currency, Currency::Overdue);
        // No check at all: the screener's enhanced check is overdue.
        let a = assess(&p, &held, &done, &[], today);
        assert_eq!(
            find(&a, RequirementKind::BackgroundCheck).detail,
            "no background check recorded"
        );
    }

    #[test]
    fn an_absence_asks_for_a_refresher_and_a_weaker_or_failed_check_does_not_count() {
        let p = default_programme();
        let today = date!(2026 - 12 - 06);
        let held = [Held {
            function: Function::Supervisor,
            last_exercised_on: Some(date!(2026 - 03 - 01)),
        }];
        let standard = CheckDone {
            level: CheckLevel::Standard,
            completed_on: date!(2025 - 01 - 01),
            valid_until: date!(2029 - 01 - 01),
            outcome: CheckOutcome::Cleared,
        };
        let a = assess(&p, &held, &[], &[standard], today);
        let refresher = find(&a, RequirementKind::Refresher);
        assert_eq!(refresher.standing.currency, Currency::Overdue);
        assert_eq!(refresher.course, "SUPV");
        assert!(find(&a, RequirementKind::BackgroundCheck)
            .detail
            .contains("does not satisfy"));
        // Away less than six months: the day the refresher becomes due.
        let a = assess(&p, &held, &[], &[], date!(2026 - 08 - 01));
        assert_eq!(
            find(&a, RequirementKind::Refresher).changes_on,
            Some(date!(2026 - 09 - 02))
        );
        let failed = CheckDone {
            outcome: CheckOutcome::NotCleared,
            level: CheckLevel::Enhanced,
            ..standard
        };
        let failed = CheckDone {
            completed_on: date!(2026 - 01 - 01),
            ..failed
        };
        let a = assess(&p, &held, &[], &[standard, failed], today);
        let check = find(&a, RequirementKind::BackgroundCheck);
        assert!(check.detail.contains("did not clear"));
        assert_eq!(
            check.standing.currency,
            Currency::Lapsed,
            "a withdrawal follows"
        );
        // And the gate shuts, though the earlier check is still valid.
        let aware = [Completion {
            course: "AWARE",
            on: date!(2026 - 01 - 10),
            hours: 3.0,
            passed: true,
        }];
        let dates = gate_dates(&p, &aware, &[standard, failed], today);
        assert_eq!(
            gate_shut(&dates, true, today).as_deref(),
            Some("no valid background check of yours is recorded")
        );
        assert!(
            RequirementKind::Certification.withdraws() && !RequirementKind::Initial.withdraws()
        );
    }

    #[test]
    fn the_gate_shuts_on_a_lapsed_awareness_course_or_an_expired_check() {
        let p = default_programme();
        let today = date!(2026 - 12 - 06);
        let aware = [Completion {
            course: "AWARE",
            on: date!(2021 - 12 - 01),
            hours: 3.0,
            passed: true,
        }];
        let check = [CheckDone {
            level: CheckLevel::Standard,
            completed_on: date!(2024 - 01 - 01),
            valid_until: date!(2029 - 01 - 01),
            outcome: CheckOutcome::Cleared,
        }];
        let dates = gate_dates(&p, &aware, &check, today);
        assert_eq!(dates.awareness_until, Some(date!(2026 - 12 - 01)));
        assert_eq!(
            gate_shut(&dates, true, today).as_deref(),
            Some("your security awareness training lapsed on 2026-12-01")
        );
        assert_eq!(gate_shut(&dates, true, date!(2026 - 11 - 30)), None);
        let no_check = gate_dates(&p, &aware, &[], date!(2026 - 11 - 30));
        assert_eq!(
            gate_shut(&no_check, true, date!(2026 - 11 - 30)).as_deref(),
            Some("no valid background check of yours is recorded")
        );
        assert_eq!(gate_shut(&no_check, false, date!(2026 - 11 - 30)), None);
        assert!(gate_shut(&GateDates::default(), false, today).is_some());
    }
}
