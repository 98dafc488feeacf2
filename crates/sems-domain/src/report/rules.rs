//! The reporting rules: the data the authority owns that runs every organisation's
//! confidential reporting — the taxonomy of report categories, the deadlines of each category
//! (triage, forwarding to the authority, the analysis and the final result of a forwarded
//! occurrence, EU 376/2014's pattern), the days a triaged report has to be closed, and the
//! just-culture decisions a closure records. Versioned like the oversight method: a change is
//! a new version, and what is filed, triaged or forwarded after it follows it (a report keeps
//! the deadlines it was given). Version 1 is [`ReportingRules::shipped`].

use crate::vocabulary::vocabulary;
use crate::ValidationError;
use serde::{Deserialize, Serialize};

/// The deadlines of one category, each counted from the step before it: triage and
/// forwarding from filing, the analysis and the final result from forwarding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Deadlines {
    /// From filing to triage.
    pub triage_hours: i64,
    /// From filing to forwarding a mandatory report to the authority (EU 376/2014: 72 h).
    pub forward_hours: i64,
    /// From forwarding to the organisation's analysis (EU 376/2014: 30 days).
    pub analysis_days: i64,
    /// From forwarding to the final result (EU 376/2014: three months at the latest).
    pub final_months: u32,
}

impl Default for Deadlines {
    fn default() -> Self {
        Self {
            triage_hours: 24,
            forward_hours: 72,
            analysis_days: 30,
            final_months: 3,
        }
    }
}

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

impl Deadlines {
    pub fn triage_due(&self, filed_at_ms: i64) -> i64 {
        filed_at_ms + self.triage_hours * HOUR_MS
    }

    pub fn forward_due(&self, filed_at_ms: i64) -> i64 {
        filed_at_ms + self.forward_hours * HOUR_MS
    }

    pub fn analysis_due(&self, forwarded_at_ms: i64) -> i64 {
        forwarded_at_ms + self.analysis_days * DAY_MS
    }

    /// The same time of day `final_months` calendar months after forwarding (the month's
    /// last day when that day does not exist), in UTC.
    pub fn final_due(&self, forwarded_at_ms: i64) -> i64 {
        let Ok(at) = time::OffsetDateTime::from_unix_timestamp_nanos(
            i128::from(forwarded_at_ms) * 1_000_000,
        ) else {
            return forwarded_at_ms + i64::from(self.final_months) * 31 * DAY_MS;
        };
        let day = crate::util::add_months(at.date(), self.final_months);
        let shifted = at.replace_date(day);
        (shifted.unix_timestamp_nanos() / 1_000_000) as i64
    }

    fn validate(&self, code: &str) -> Result<(), ValidationError> {
        let field = "categories";
        let bad = |what: &str| {
            Err(ValidationError::new(
                field,
                format!("the category '{code}': {what}"),
            ))
        };
        if !(1..=24 * 31).contains(&self.triage_hours) {
            return bad("triage within 1 to 744 hours");
        }
        if !(1..=24 * 31).contains(&self.forward_hours) {
            return bad("forwarding within 1 to 744 hours");
        }
        if !(1..=365).contains(&self.analysis_days) {
            return bad("the analysis within 1 to 365 days");
        }
        if !(1..=24).contains(&self.final_months) {
            return bad("the final result within 1 to 24 months");
        }
        if i64::from(self.final_months) * 28 < self.analysis_days {
            return bad("the final result cannot be due before the analysis");
        }
        Ok(())
    }
}

/// A category of the taxonomy. A category no longer offered stays (reports filed under it
/// keep it) but is not offered for new reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryRule {
    /// The word stored and sent (`access_control`).
    pub code: String,
    pub label: String,
    /// Offered when filing and triaging.
    pub active: bool,
    pub deadlines: Deadlines,
}

/// A just-culture decision a closure may record: a class, never a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JustCultureDecision {
    pub word: String,
    pub label: String,
}

/// A version of the reporting rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportingRules {
    pub categories: Vec<CategoryRule>,
    pub just_culture: Vec<JustCultureDecision>,
    /// From triage to closure.
    pub closure_days: i64,
}

impl Default for ReportingRules {
    fn default() -> Self {
        Self::shipped(Deadlines::default(), 30)
    }
}

impl ReportingRules {
    /// The rules sems ships with: the default taxonomy, every category with `deadlines`, and
    /// the four just-culture decisions.
    pub fn shipped(deadlines: Deadlines, closure_days: i64) -> Self {
        Self {
            categories: super::DEFAULT_TAXONOMY
                .iter()
                .map(|(code, label)| CategoryRule {
                    code: (*code).into(),
                    label: (*label).into(),
                    active: true,
                    deadlines,
                })
                .collect(),
            just_culture: super::JustCulture::ALL
                .iter()
                .map(|j| JustCultureDecision {
                    word: j.as_str().into(),
                    label: j.label().into(),
                })
                .collect(),
            closure_days,
        }
    }

    /// The category a code stands for, if the rules know it (offered or not).
    pub fn category(&self, code: &str) -> Option<&CategoryRule> {
        self.categories.iter().find(|c| c.code == code)
    }

    /// A category offered for new reports; any other code is refused, naming where to look.
    pub fn offered(&self, code: &str) -> Result<&CategoryRule, ValidationError> {
        let code = code.trim();
        self.category(code).filter(|c| c.active).ok_or_else(|| {
            ValidationError::new(
                "category",
                format!("unknown category '{code}': choose one of the reporting rules' categories"),
            )
        })
    }

    /// The deadlines of a category; a category the rules no longer know has the deadlines of
    /// the first one (every version has at least one category).
    pub fn deadlines(&self, code: &str) -> Deadlines {
        self.category(code)
            .or(self.categories.first())
            .map(|c| c.deadlines)
            .unwrap_or_default()
    }

    /// When a report triaged at `triaged_at_ms` is due to be closed.
    pub fn closure_due(&self, triaged_at_ms: i64) -> i64 {
        triaged_at_ms + self.closure_days * DAY_MS
    }

    /// The decision a word stands for; any other word is refused, naming the decisions.
    pub fn decision(&self, word: &str) -> Result<&JustCultureDecision, ValidationError> {
        let word = word.trim();
        self.just_culture
            .iter()
            .find(|d| d.word == word)
            .ok_or_else(|| {
                let words: Vec<&str> = self.just_culture.iter().map(|d| d.word.as_str()).collect();
                ValidationError::new(
                    "just_culture",
                    format!(
                        "'{word}' is not a just-culture decision: one of {}",
                        words.join(", ")
                    ),
                )
            })
    }

    /// The label of a decision recorded under any version: the word itself when the rules
    /// no longer know it.
    pub fn decision_label<'a>(&'a self, word: &'a str) -> &'a str {
        self.just_culture
            .iter()
            .find(|d| d.word == word)
            .map_or(word, |d| d.label.as_str())
    }

    /// Checks a version whole. `previous` is the version in force: a category it has may be
    /// withdrawn from new reports but not dropped, as reports filed under it keep its code.
    pub fn validate(&self, previous: Option<&ReportingRules>) -> Result<(), ValidationError> {
        if self.categories.is_empty() || self.categories.len() > 200 {
            return Err(ValidationError::new(
                "categories",
                "the taxonomy needs 1 to 200 categories",
            ));
        }
        if !self.categories.iter().any(|c| c.active) {
            return Err(ValidationError::new(
                "categories",
                "at least one category must be offered for new reports",
            ));
        }
        for (i, c) in self.categories.iter().enumerate() {
            crate::oversight::check_word("categories", &c.code)?;
            if c.label.trim().len() < 2 || c.label.len() > 120 {
                return Err(ValidationError::new(
                    "categories",
                    format!(
                        "the category '{}' needs a label of 2 to 120 characters",
                        c.code
                    ),
                ));
            }
            if self.categories[..i].iter().any(|o| o.code == c.code) {
                return Err(ValidationError::new(
                    "categories",
                    format!("the category '{}' is listed twice", c.code),
                ));
            }
            c.deadlines.validate(&c.code)?;
        }
        if let Some(gone) = previous
            .into_iter()
            .flat_map(|p| &p.categories)
            .find(|p| self.category(&p.code).is_none())
        {
            return Err(ValidationError::new(
                "categories",
                format!(
                    "the category '{}' cannot be dropped, as reports may be filed under it: mark it as no longer offered",
                    gone.code
                ),
            ));
        }
        if self.just_culture.is_empty() || self.just_culture.len() > 20 {
            return Err(ValidationError::new(
                "just_culture",
                "a closure needs 1 to 20 just-culture decisions to choose from",
            ));
        }
        for (i, d) in self.just_culture.iter().enumerate() {
            crate::oversight::check_word("just_culture", &d.word)?;
            if d.label.trim().len() < 2 || d.label.len() > 120 {
                return Err(ValidationError::new(
                    "just_culture",
                    format!(
                        "the decision '{}' needs a label of 2 to 120 characters",
                        d.word
                    ),
                ));
            }
            if self.just_culture[..i].iter().any(|o| o.word == d.word) {
                return Err(ValidationError::new(
                    "just_culture",
                    format!("the decision '{}' is listed twice", d.word),
                ));
            }
        }
        if !(1..=365).contains(&self.closure_days) {
            return Err(ValidationError::new(
                "closure_days",
                "a triaged report is closed within 1 to 365 days",
            ));
        }
        Ok(())
    }
}

vocabulary!(
    /// A step of a forwarded occurrence the organisation owes the authority.
    OccurrenceStep, "step", {
        Forwarding => "forwarding", "Forwarding";
        Analysis => "analysis", "Analysis";
        FinalResult => "final_result", "Final result";
    }
);

/// Where one step of an occurrence stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Countdown {
    /// Not owed (yet): the step before it is not done.
    NotDue,
    /// Owed, with time left.
    Running { due_at_ms: i64 },
    /// Owed and past its deadline.
    Overdue { due_at_ms: i64 },
    /// Done, on time or not.
    Done { at_ms: i64, on_time: bool },
}

impl Countdown {
    /// A step due at `due`, done at `done`, judged at `now`. A step with no deadline is not due.
    pub fn of(due: Option<i64>, done: Option<i64>, now_ms: i64) -> Self {
        match (due, done) {
            (due, Some(at)) => Countdown::Done {
                at_ms: at,
                on_time: due.is_none_or(|d| at <= d),
            },
            (Some(due), None) if now_ms > due => Countdown::Overdue { due_at_ms: due },
            (Some(due), None) => Countdown::Running { due_at_ms: due },
            (None, None) => Countdown::NotDue,
        }
    }

    pub fn is_overdue(self) -> bool {
        matches!(self, Countdown::Overdue { .. })
    }

    /// The same state with its times passed through `f` (rounded to the day for readers who
    /// see a protected report's times to the day only).
    pub fn map_times(self, f: impl Fn(i64) -> i64) -> Self {
        match self {
            Countdown::NotDue => Countdown::NotDue,
            Countdown::Running { due_at_ms } => Countdown::Running {
                due_at_ms: f(due_at_ms),
            },
            Countdown::Overdue { due_at_ms } => Countdown::Overdue {
                due_at_ms: f(due_at_ms),
            },
            Countdown::Done { at_ms, on_time } => Countdown::Done {
                at_ms: f(at_ms),
                on_time,
            },
        }
    }
}

impl Countdowns {
    /// Every time passed through `f`.
    pub fn map_times(self, f: impl Fn(i64) -> i64 + Copy) -> Self {
        Self {
            forwarding: self.forwarding.map_times(f),
            analysis: self.analysis.map_times(f),
            final_result: self.final_result.map_times(f),
        }
    }
}

/// The times of a report's three clocks towards the authority.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clocks {
    /// Whether the report must go to the authority (filed or triaged as mandatory).
    pub mandatory: bool,
    pub forward_due_at_ms: Option<i64>,
    pub forwarded_at_ms: Option<i64>,
    pub analysis_due_at_ms: Option<i64>,
    pub analysis_sent_at_ms: Option<i64>,
    pub final_due_at_ms: Option<i64>,
    pub final_sent_at_ms: Option<i64>,
}

/// Where each step owed to the authority stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Countdowns {
    pub forwarding: Countdown,
    pub analysis: Countdown,
    pub final_result: Countdown,
}

impl Clocks {
    /// The countdowns at `now_ms`. A voluntary report forwarded anyway runs the analysis and
    /// final clocks too; a final result sent early stands for the analysis.
    pub fn at(&self, now_ms: i64) -> Countdowns {
        let forwarding = if self.mandatory || self.forwarded_at_ms.is_some() {
            Countdown::of(self.forward_due_at_ms, self.forwarded_at_ms, now_ms)
        } else {
            Countdown::NotDue
        };
        let (analysis, final_result) = if self.forwarded_at_ms.is_some() {
            (
                Countdown::of(
                    self.analysis_due_at_ms,
                    self.analysis_sent_at_ms.or(self.final_sent_at_ms),
                    now_ms,
                ),
                Countdown::of(self.final_due_at_ms, self.final_sent_at_ms, now_ms),
            )
        } else {
            (Countdown::NotDue, Countdown::NotDue)
        };
        Countdowns {
            forwarding,
            analysis,
            final_result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_follow_eu_376() {
        let r = ReportingRules::default();
        assert!(r.validate(None).is_ok());
        let d = r.deadlines("screening");
        assert_eq!(
            (d.forward_hours, d.analysis_days, d.final_months),
            (72, 30, 3)
        );
        assert_eq!(
            r.decision("no_blame").map(|d| d.label.as_str()),
            Ok("No blame")
        );
        assert!(r.decision("shrug").is_err());
        assert_eq!(r.decision_label("gone_word"), "gone_word");
    }

    #[test]
    fn the_final_result_is_due_calendar_months_after_forwarding() {
        let d = Deadlines::default();
        // 2026-11-30 10:00 UTC → 2027-02-28 10:00 UTC (February has no 30th).
        let forwarded = 1_796_032_800_000;
        let due = d.final_due(forwarded);
        let at = time::OffsetDateTime::from_unix_timestamp(due / 1000).unwrap();
        assert_eq!(
            (at.year(), u8::from(at.month()), at.day(), at.hour()),
            (2027, 2, 28, 10)
        );
        assert_eq!(d.analysis_due(forwarded) - forwarded, 30 * DAY_MS);
        assert_eq!(d.forward_due(0), 72 * HOUR_MS);
    }

    #[test]
    fn a_category_is_withdrawn_never_dropped() {
        let before = ReportingRules::default();
        let mut next = before.clone();
        next.categories.retain(|c| c.code != "cyber");
        let err = next.validate(Some(&before)).unwrap_err().to_string();
        assert!(err.contains("cyber"), "{err}");
        let mut next = before.clone();
        if let Some(c) = next.categories.iter_mut().find(|c| c.code == "cyber") {
            c.active = false;
        }
        assert!(next.validate(Some(&before)).is_ok());
        assert!(
            next.offered("cyber").is_err(),
            "not offered for new reports"
        );
        assert!(next.category("cyber").is_some(), "but still known");
    }

    #[test]
    fn bad_rules_are_refused_with_the_reason() {
        let base = ReportingRules::default();
        let mut r = base.clone();
        r.categories[0].deadlines.final_months = 0;
        assert!(r.validate(None).is_err());
        let mut r = base.clone();
        r.categories[0].deadlines.analysis_days = 120;
        assert!(r
            .validate(None)
            .unwrap_err()
            .to_string()
            .contains("before the analysis"));
        let mut r = base.clone();
        r.just_culture.push(r.just_culture[0].clone());
        assert!(r.validate(None).unwrap_err().to_string().contains("twice"));
        let mut r = base.clone();
        for c in &mut r.categories {
            c.active = false;
        }
        assert!(r.validate(None).is_err());
        let mut r = base;
        r.closure_days = 0;
        assert!(r.validate(None).is_err());
    }

    #[test]
    fn three_clocks_run_one_after_the_other() {
        let d = Deadlines::default();
        let filed = 1_796_032_800_000;
        let mut c = Clocks {
            mandatory: true,
            forward_due_at_ms: Some(d.forward_due(filed)),
            ..Clocks::default()
        };
        let now = filed + HOUR_MS;
        let at = c.at(now);
        assert!(matches!(at.forwarding, Countdown::Running { .. }));
        assert_eq!(
            (at.analysis, at.final_result),
            (Countdown::NotDue, Countdown::NotDue)
        );
        assert!(c.at(filed + 73 * HOUR_MS).forwarding.is_overdue());
        let forwarded = filed + 2 * HOUR_MS;
        c.forwarded_at_ms = Some(forwarded);
        c.analysis_due_at_ms = Some(d.analysis_due(forwarded));
        c.final_due_at_ms = Some(d.final_due(forwarded));
        let at = c.at(forwarded + 31 * DAY_MS);
        assert_eq!(
            at.forwarding,
            Countdown::Done {
                at_ms: forwarded,
                on_time: true
            }
        );
        assert!(at.analysis.is_overdue());
        assert!(matches!(at.final_result, Countdown::Running { .. }));
        c.final_sent_at_ms = Some(forwarded + 40 * DAY_MS);
        let at = c.at(forwarded + 41 * DAY_MS);
        assert!(
            matches!(at.analysis, Countdown::Done { on_time: false, .. }),
            "the final result stands for the analysis, late"
        );
        assert!(matches!(
            at.final_result,
            Countdown::Done { on_time: true, .. }
        ));
        let voluntary = Clocks::default();
        assert_eq!(voluntary.at(now).forwarding, Countdown::NotDue);
    }

    #[test]
    fn a_countdown_says_where_a_step_stands() {
        assert_eq!(Countdown::of(None, None, 5), Countdown::NotDue);
        assert_eq!(
            Countdown::of(Some(10), None, 5),
            Countdown::Running { due_at_ms: 10 }
        );
        assert!(Countdown::of(Some(10), None, 11).is_overdue());
        assert_eq!(
            Countdown::of(Some(10), Some(12), 20),
            Countdown::Done {
                at_ms: 12,
                on_time: false
            }
        );
        assert_eq!(
            Countdown::of(Some(10), Some(9), 20),
            Countdown::Done {
                at_ms: 9,
                on_time: true
            }
        );
    }
}
