//! Security culture surveys: the question bank the authority keeps (shipped in our own words),
//! the culture index answers add up to, and the suppression that keeps answers anonymous:
//! results only for groups of at least [`MIN_ANSWERS`] answers (free text
//! [`MIN_FREE_TEXT`]), and complementary suppression, so that a hidden group cannot be worked
//! out by subtracting the visible ones from the total.

use crate::vocabulary::vocabulary;
use crate::{Checks, ValidationError, ValidationErrors};
use time::Date;

/// The fewest answers a group's results are shown for.
pub const MIN_ANSWERS: usize = 5;
/// The fewest answers a group's free text is shown for.
pub const MIN_FREE_TEXT: usize = 10;

vocabulary!(
    /// What a question asks about.
    Theme, "theme", {
        Priority => "priority", "Security as a priority";
        Threats => "threats", "Understanding of threats";
        Leadership => "leadership", "Leadership by example";
        Resources => "resources", "Resources and time to comply";
        Vetting => "vetting", "Vetting";
        Passes => "passes", "Wearing and challenging passes";
        Reporting => "reporting", "Reporting of concerns";
        JustCulture => "just_culture", "Just culture";
    }
);

vocabulary!(
    /// How a question is answered.
    AnswerScale, "scale", {
        Likert5 => "likert5", "Strongly disagree (1) to strongly agree (5)";
        SelfAssessment10 => "self10", "1 (not at all) to 10 (fully)";
    }
);

impl AnswerScale {
    /// The highest answer.
    pub fn top(self) -> u8 {
        match self {
            AnswerScale::Likert5 => 5,
            AnswerScale::SelfAssessment10 => 10,
        }
    }

    /// An answer on this scale, or a refusal.
    pub fn check(self, answer: u8) -> Result<u8, ValidationError> {
        if (1..=self.top()).contains(&answer) {
            Ok(answer)
        } else {
            Err(ValidationError::new(
                "answer",
                format!("an answer from 1 to {}", self.top()),
            ))
        }
    }

    /// An answer as a score from 0 to 100, so both scales add up in one index.
    pub fn score(self, answer: u8) -> f64 {
        f64::from(answer.saturating_sub(1)) / f64::from(self.top() - 1) * 100.0
    }
}

/// A question of the bank.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Question {
    /// `Q01`…
    pub code: String,
    pub theme: Theme,
    pub scale: AnswerScale,
    pub text: String,
}

/// The bank sems ships: every theme, on both scales, in our own words.
pub fn default_question_bank() -> Vec<Question> {
    use AnswerScale::*;
    use Theme::*;
    let q = |n: u8, theme, scale, text: &str| Question {
        code: format!("Q{n:02}"),
        theme,
        scale,
        text: text.into(),
    };
    vec![
        q(1, Priority, Likert5, "Where I work, security is treated as being as important as getting the job done on time."),
        q(2, Priority, SelfAssessment10, "How much does your organisation put security first when it is under pressure?"),
        q(3, Threats, Likert5, "I understand the threats that the security measures in my job protect against."),
        q(4, Threats, SelfAssessment10, "How well did your last training explain the threats aviation faces today?"),
        q(5, Leadership, Likert5, "My managers follow the security rules themselves, even when it is inconvenient."),
        q(6, Leadership, Likert5, "My supervisor talks about security in briefings and day-to-day work."),
        q(7, Resources, Likert5, "I have the time, people and equipment to do the security parts of my job properly."),
        q(8, Resources, SelfAssessment10, "How often can you complete every security step without cutting corners?"),
        q(9, Vetting, Likert5, "I understand why background checks are done and think they are applied fairly."),
        q(10, Passes, Likert5, "People here wear their passes visibly in restricted areas."),
        q(11, Passes, Likert5, "I would challenge someone without a visible pass, and I would be supported for doing so."),
        q(12, Reporting, Likert5, "I know how to report a security concern, including anonymously."),
        q(13, Reporting, SelfAssessment10, "How likely are you to report a security concern you noticed at work?"),
        q(14, JustCulture, Likert5, "If I report a mistake I made, I expect to be treated fairly."),
        q(15, JustCulture, Likert5, "Reports lead to improvements rather than blame."),
    ]
}

/// The culture index of some answers (question's scale, answer): their mean score from 0 to
/// 100; `None` of none.
pub fn culture_index(answers: &[(AnswerScale, u8)]) -> Option<f64> {
    if answers.is_empty() {
        return None;
    }
    let sum: f64 = answers.iter().map(|(s, a)| s.score(*a)).sum();
    Some(sum / answers.len() as f64)
}

/// Which groups of a breakdown to hide, given each group's number of answers and a total that
/// is shown: every group below `min`, and then, while the hidden groups together hold fewer
/// than `min` answers (which subtracting the visible groups from the total would reveal), the
/// smallest visible group as well. When the total itself is below `min`, everything is hidden.
/// Groups with no answer have nothing to hide and stay as they are.
pub fn suppressed(counts: &[usize], min: usize) -> Vec<bool> {
    let total: usize = counts.iter().sum();
    if total < min {
        return counts.iter().map(|n| *n > 0).collect();
    }
    let mut hidden: Vec<bool> = counts.iter().map(|n| *n > 0 && *n < min).collect();
    loop {
        let held: usize = counts
            .iter()
            .zip(&hidden)
            .filter(|(_, h)| **h)
            .map(|(n, _)| n)
            .sum();
        if held == 0 || held >= min {
            return hidden;
        }
        // Hide the smallest group still shown.
        let next = counts
            .iter()
            .enumerate()
            .filter(|(i, n)| !hidden[*i] && **n > 0)
            .min_by_key(|(_, n)| **n)
            .map(|(i, _)| i);
        match next {
            Some(i) => hidden[i] = true,
            None => return hidden,
        }
    }
}

vocabulary!(
    /// Where a survey stands: before its first day, open for answers, or closed.
    SurveyStatus, "status", {
        Scheduled => "scheduled", "Scheduled";
        Open => "open", "Open for answers";
        Closed => "closed", "Closed";
    }
);

/// A survey's status on `today`: open from its first day to its last, both included, unless
/// closed early.
pub fn status(opens_on: Date, closes_on: Date, closed_early: bool, today: Date) -> SurveyStatus {
    if closed_early || today > closes_on {
        SurveyStatus::Closed
    } else if today < opens_on {
        SurveyStatus::Scheduled
    } else {
        SurveyStatus::Open
    }
}

/// A survey's dates: its first day not before today, its last on or after its first, at most
/// 92 days.
pub fn validate_dates(
    opens_on: Date,
    closes_on: Date,
    today: Date,
) -> Result<(), ValidationErrors> {
    let mut checks = Checks::default();
    checks.require(
        opens_on >= today,
        "opens_on",
        "a survey opens today or later",
    );
    checks.require(
        closes_on >= opens_on && (closes_on - opens_on).whole_days() <= 92,
        "closes_on",
        "a survey closes on or after the day it opens, within three months",
    );
    checks.finish()
}

/// A question bank as the authority publishes it: at least one question, each code once, a
/// text of at most 300 characters.
pub fn validate_bank(bank: &[Question]) -> Result<(), ValidationErrors> {
    let mut checks = Checks::default();
    checks.require(
        !bank.is_empty(),
        "questions",
        "a bank has at least one question",
    );
    let mut codes: Vec<&str> = bank.iter().map(|q| q.code.as_str()).collect();
    codes.sort_unstable();
    checks.require(
        codes.windows(2).all(|w| w[0] != w[1]),
        "questions",
        "each question code once",
    );
    for q in bank {
        checks.require(
            (2..=10).contains(&q.code.len()) && q.code.chars().all(|c| c.is_ascii_alphanumeric()),
            "questions",
            format!("'{}': a code is 2 to 10 letters and digits", q.code),
        );
        checks.require(
            !q.text.trim().is_empty() && q.text.chars().count() <= 300,
            "questions",
            format!("{}: a question of 1 to 300 characters", q.code),
        );
    }
    checks.finish()
}

/// The most free text an answer may carry.
pub const FREE_TEXT_MAX: usize = 2000;

/// An answer as submitted: every question of the survey answered once on its scale, free text
/// of at most [`FREE_TEXT_MAX`] characters. Returns each question with its answer, in the
/// survey's order.
pub fn check_answer<'q>(
    questions: &'q [Question],
    given: &[(String, u8)],
    free_text: &str,
) -> Result<Vec<(&'q Question, u8)>, ValidationErrors> {
    let mut checks = Checks::default();
    let mut out = Vec::with_capacity(questions.len());
    for q in questions {
        let answers: Vec<u8> = given
            .iter()
            .filter(|(c, _)| *c == q.code)
            .map(|(_, a)| *a)
            .collect();
        match answers.as_slice() {
            [a] => match q.scale.check(*a) {
                Ok(a) => out.push((q, a)),
                Err(_) => checks.refuse(ValidationError::new(
                    "answers",
                    format!("{}: an answer from 1 to {}", q.code, q.scale.top()),
                )),
            },
            [] => checks.refuse(ValidationError::new(
                "answers",
                format!("{}: please answer this question", q.code),
            )),
            _ => checks.refuse(ValidationError::new(
                "answers",
                format!("{}: answered more than once", q.code),
            )),
        }
    }
    for (code, _) in given {
        checks.require(
            questions.iter().any(|q| q.code == *code),
            "answers",
            format!("{code}: not a question of this survey"),
        );
    }
    checks.require(
        free_text.chars().count() <= FREE_TEXT_MAX,
        "free_text",
        format!("at most {FREE_TEXT_MAX} characters"),
    );
    checks.finish()?;
    Ok(out)
}

/// The group each invitation's answer counts in, from each group's number of invited people:
/// a group of fewer than [`MIN_ANSWERS`] people is counted as "Other", so that no answer is
/// stored under a group that small enough to point at its author.
pub fn coarse_group(group: &str, invited_in_group: usize) -> String {
    if invited_in_group < MIN_ANSWERS {
        OTHER_GROUP.to_string()
    } else {
        group.to_string()
    }
}

/// The group of the people of small groups.
pub const OTHER_GROUP: &str = "Other";

/// The weakest themes of a survey's results (theme, index), weakest first, at most `n`.
pub fn weakest(themes: &[(Theme, f64)], n: usize) -> Vec<(Theme, f64)> {
    let mut sorted = themes.to_vec();
    sorted.sort_by(|a, b| a.1.total_cmp(&b.1));
    sorted.truncate(n);
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bank_covers_every_theme_on_both_scales() {
        let bank = default_question_bank();
        for t in Theme::ALL {
            assert!(bank.iter().any(|q| q.theme == *t), "{t:?}");
        }
        assert!(bank.iter().any(|q| q.scale == AnswerScale::Likert5));
        assert!(bank
            .iter()
            .any(|q| q.scale == AnswerScale::SelfAssessment10));
        let mut codes: Vec<&str> = bank.iter().map(|q| q.code.as_str()).collect();
        codes.dedup();
        assert_eq!(codes.len(), bank.len());
    }

    #[test]
    fn both_scales_add_up_in_one_index() {
        assert_eq!(AnswerScale::Likert5.score(1), 0.0);
        assert_eq!(AnswerScale::Likert5.score(5), 100.0);
        assert_eq!(AnswerScale::SelfAssessment10.score(10), 100.0);
        // (75 + 50) / 2: a 4 of 5 and a 5.5 of 10 would be the same; 4 of 5 and 10 of 10.
        assert_eq!(
            culture_index(&[
                (AnswerScale::Likert5, 4),
                (AnswerScale::SelfAssessment10, 10)
            ]),
            Some(87.5)
        );
        assert_eq!(culture_index(&[]), None);
        assert!(
            AnswerScale::Likert5.check(6).is_err()
                && AnswerScale::SelfAssessment10.check(0).is_err()
        );
        assert_eq!(AnswerScale::SelfAssessment10.check(10), Ok(10));
    }

    #[test]
    fn small_groups_are_hidden_and_cannot_be_recovered_by_subtraction() {
        // 12 and 9 are shown; 3 is hidden, and alone it could be worked out from the total:
        // the smallest shown (9) is hidden with it.
        assert_eq!(suppressed(&[12, 3, 9], 5), vec![false, true, true]);
        // Two small groups holding 6 together: hidden together, nothing more.
        assert_eq!(
            suppressed(&[12, 3, 3, 9], 5),
            vec![false, true, true, false]
        );
        // Two small groups holding 4: the smallest shown joins them.
        assert_eq!(
            suppressed(&[20, 2, 2, 7, 30], 5),
            vec![false, true, true, true, false]
        );
        // Nothing small: nothing hidden.
        assert_eq!(suppressed(&[5, 6], 5), vec![false, false]);
        // An empty group stays as it is.
        assert_eq!(suppressed(&[0, 8, 9], 5), vec![false, false, false]);
        // A total below the threshold: all hidden.
        assert_eq!(suppressed(&[2, 2], 5), vec![true, true]);
        // Whatever is hidden holds at least 5 answers or nothing, so subtracting never
        // reveals a group below the threshold.
        for counts in [[1, 1, 1, 20], [4, 30, 4, 1], [6, 6, 1, 6]] {
            let hidden = suppressed(&counts, 5);
            let held: usize = counts
                .iter()
                .zip(&hidden)
                .filter(|(_, h)| **h)
                .map(|(n, _)| n)
                .sum();
            assert!(held == 0 || held >= 5, "{counts:?} {hidden:?}");
        }
    }

    #[test]
    fn a_survey_is_open_between_its_days_and_an_answer_is_whole() {
        use time::macros::date;
        let (o, c) = (date!(2026 - 11 - 02), date!(2026 - 11 - 20));
        assert_eq!(
            status(o, c, false, date!(2026 - 11 - 01)),
            SurveyStatus::Scheduled
        );
        assert_eq!(status(o, c, false, o), SurveyStatus::Open);
        assert_eq!(status(o, c, false, c), SurveyStatus::Open);
        assert_eq!(
            status(o, c, false, date!(2026 - 11 - 21)),
            SurveyStatus::Closed
        );
        assert_eq!(status(o, c, true, o), SurveyStatus::Closed);
        assert!(validate_dates(o, c, o).is_ok());
        assert!(validate_dates(o, date!(2026 - 11 - 01), o).is_err());
        assert!(validate_dates(o, c, date!(2026 - 11 - 03)).is_err());
        let bank = default_question_bank();
        assert_eq!(validate_bank(&bank), Ok(()));
        let all: Vec<(String, u8)> = bank.iter().map(|q| (q.code.clone(), 3)).collect();
        assert_eq!(
            check_answer(&bank, &all, "").map(|a| a.len()),
            Ok(bank.len())
        );
        // One missing, one off its scale, one unknown: each refused by its code.
        let mut bad = all.clone();
        bad.remove(0);
        bad[1].1 = 6; // Q03, on the five-point scale
        bad.push(("Q99".into(), 1));
        let e = check_answer(&bank, &bad, "").unwrap_err();
        let m: Vec<&str> = e.iter().map(|e| e.message.as_str()).collect();
        assert!(m.contains(&"Q01: please answer this question"), "{m:?}");
        assert!(m.contains(&"Q03: an answer from 1 to 5"), "{m:?}");
        assert!(m.contains(&"Q99: not a question of this survey"));
        assert!(check_answer(&bank, &all, &"x".repeat(2001)).is_err());
        assert_eq!(coarse_group("Terminal 2", 4), "Other");
        assert_eq!(coarse_group("Terminal 2", 5), "Terminal 2");
        let w = weakest(
            &[
                (Theme::Passes, 40.0),
                (Theme::Priority, 80.0),
                (Theme::Reporting, 35.5),
            ],
            2,
        );
        assert_eq!(w, vec![(Theme::Reporting, 35.5), (Theme::Passes, 40.0)]);
    }
}
