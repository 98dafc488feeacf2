//! Security culture surveys: the question bank the authority keeps (shipped in our own words),
//! the culture index answers add up to, and the suppression that keeps answers anonymous:
//! results only for groups of at least [`MIN_ANSWERS`] answers (free text
//! [`MIN_FREE_TEXT`]), and complementary suppression, so that a hidden group cannot be worked
//! out by subtracting the visible ones from the total.

use crate::vocabulary::vocabulary;
use crate::ValidationError;

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
    Scale, "scale", {
        Likert5 => "likert5", "Strongly disagree (1) to strongly agree (5)";
        SelfAssessment10 => "self10", "1 (not at all) to 10 (fully)";
    }
);

impl Scale {
    /// The highest answer.
    pub fn top(self) -> u8 {
        match self {
            Scale::Likert5 => 5,
            Scale::SelfAssessment10 => 10,
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
    pub scale: Scale,
    pub text: String,
}

/// The bank sems ships: every theme, on both scales, in our own words.
pub fn default_question_bank() -> Vec<Question> {
    use Scale::*;
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
pub fn culture_index(answers: &[(Scale, u8)]) -> Option<f64> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bank_covers_every_theme_on_both_scales() {
        let bank = default_question_bank();
        for t in Theme::ALL {
            assert!(bank.iter().any(|q| q.theme == *t), "{t:?}");
        }
        assert!(bank.iter().any(|q| q.scale == Scale::Likert5));
        assert!(bank.iter().any(|q| q.scale == Scale::SelfAssessment10));
        let mut codes: Vec<&str> = bank.iter().map(|q| q.code.as_str()).collect();
        codes.dedup();
        assert_eq!(codes.len(), bank.len());
    }

    #[test]
    fn both_scales_add_up_in_one_index() {
        assert_eq!(Scale::Likert5.score(1), 0.0);
        assert_eq!(Scale::Likert5.score(5), 100.0);
        assert_eq!(Scale::SelfAssessment10.score(10), 100.0);
        // (75 + 50) / 2: a 4 of 5 and a 5.5 of 10 would be the same; 4 of 5 and 10 of 10.
        assert_eq!(
            culture_index(&[(Scale::Likert5, 4), (Scale::SelfAssessment10, 10)]),
            Some(87.5)
        );
        assert_eq!(culture_index(&[]), None);
        assert!(Scale::Likert5.check(6).is_err() && Scale::SelfAssessment10.check(0).is_err());
        assert_eq!(Scale::SelfAssessment10.check(10), Ok(10));
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
}
