//! The oversight method: the data the authority owns that runs its oversight programme (and
//! every organisation's quality control) — the compliance scales catalogues are answered on,
//! the days a finding's level allows for its corrective action plan, and the EI thresholds and
//! intervals that drive the proposed next activities. Versioned like the risk method: a change
//! is a new version, and what is planned after it follows it (an activity keeps the version it
//! was planned with). Version 1 is [`OversightMethod::default`], today's values.

use super::{ActivityKind, Compliance, FindingLevel, OversightIntervals};
use crate::ValidationError;
use serde::{Deserialize, Serialize};

/// One answer of a compliance scale, and how EI counts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScaleAnswer {
    /// The word stored and sent (`documented_implemented`).
    pub word: String,
    pub label: String,
    /// Counts towards EI's denominator.
    pub applicable: bool,
    /// Counts towards EI's numerator (only an applicable answer may be compliant).
    pub compliant: bool,
}

impl ScaleAnswer {
    /// An applicable answer that is not compliant: one a finding may be raised on.
    pub fn is_deficient(&self) -> bool {
        self.applicable && !self.compliant
    }
}

/// A compliance scale: the answers a checklist item of a catalogue takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplianceScale {
    /// How catalogues name it (`national`, `iosa`).
    pub code: String,
    pub title: String,
    pub answers: Vec<ScaleAnswer>,
}

impl ComplianceScale {
    /// The answer a word stands for on this scale; any other word is refused, naming the
    /// scale's words.
    pub fn answer(&self, word: &str) -> Result<&ScaleAnswer, ValidationError> {
        let word = word.trim();
        self.answers.iter().find(|a| a.word == word).ok_or_else(|| {
            let words: Vec<&str> = self.answers.iter().map(|a| a.word.as_str()).collect();
            ValidationError::new(
                "answer",
                format!(
                    "'{word}' is not an answer of the {} scale: one of {}",
                    self.title,
                    words.join(", ")
                ),
            )
        })
    }

    /// The scale sems shipped with: six words, compliant with or without observations.
    pub fn national() -> Self {
        Self {
            code: "national".into(),
            title: "National compliance scale".into(),
            answers: Compliance::ALL
                .iter()
                .map(|c| ScaleAnswer {
                    word: c.as_str().into(),
                    label: c.label().into(),
                    applicable: c.is_applicable(),
                    compliant: c.is_compliant(),
                })
                .collect(),
        }
    }

    /// The IOSA audit scale (REFERENCES.md): only documented and implemented conforms.
    pub fn iosa() -> Self {
        let answer = |word: &str, label: &str, applicable: bool, compliant: bool| ScaleAnswer {
            word: word.into(),
            label: label.into(),
            applicable,
            compliant,
        };
        Self {
            code: "iosa".into(),
            title: "IOSA audit scale".into(),
            answers: vec![
                answer(
                    "documented_implemented",
                    "Documented and implemented",
                    true,
                    true,
                ),
                answer(
                    "documented_not_implemented",
                    "Documented, not implemented",
                    true,
                    false,
                ),
                answer(
                    "implemented_not_documented",
                    "Implemented, not documented",
                    true,
                    false,
                ),
                answer(
                    "not_documented_not_implemented",
                    "Neither documented nor implemented",
                    true,
                    false,
                ),
                answer("not_applicable", "Not applicable", false, false),
            ],
        }
    }

    fn validate(&self) -> Result<(), ValidationError> {
        let field = "scales";
        super::check_word(field, &self.code)?;
        if self.title.trim().len() < 2 || self.title.len() > 120 {
            return Err(ValidationError::new(
                field,
                format!(
                    "the scale '{}' needs a title of 2 to 120 characters",
                    self.code
                ),
            ));
        }
        if !(2..=10).contains(&self.answers.len()) {
            return Err(ValidationError::new(
                field,
                format!("the scale '{}' needs 2 to 10 answers", self.code),
            ));
        }
        for (i, a) in self.answers.iter().enumerate() {
            super::check_word(field, &a.word)?;
            if a.label.trim().is_empty() || a.label.len() > 120 {
                return Err(ValidationError::new(
                    field,
                    format!("every answer of '{}' needs a label", self.code),
                ));
            }
            if a.compliant && !a.applicable {
                return Err(ValidationError::new(
                    field,
                    format!(
                        "'{}' of '{}' cannot be compliant and not applicable",
                        a.word, self.code
                    ),
                ));
            }
            if self.answers[..i].iter().any(|b| b.word == a.word) {
                return Err(ValidationError::new(
                    field,
                    format!("'{}' is twice in the scale '{}'", a.word, self.code),
                ));
            }
        }
        if !self.answers.iter().any(|a| a.compliant)
            || !self.answers.iter().any(|a| a.is_deficient())
        {
            return Err(ValidationError::new(
                field,
                format!(
                    "the scale '{}' needs a compliant answer and an applicable answer that is not",
                    self.code
                ),
            ));
        }
        Ok(())
    }
}

/// A kind of oversight activity, and what it implies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KindOfActivity {
    /// The word stored and sent (`inspection`).
    pub word: String,
    pub label: String,
    /// A test: each applicable answer records whether it passed, and feeds the risk module.
    #[serde(default)]
    pub test: bool,
    /// Covert: classified and known to its team until released (a covert test is a test).
    #[serde(default)]
    pub covert: bool,
    /// Counts as the full audit the programme requires at least every so many months.
    #[serde(default)]
    pub full_audit: bool,
    /// An exercise (tabletop, drill, full-scale) of contingency plans.
    #[serde(default)]
    pub exercise: bool,
}

/// The word of the kind the programme proposes between full audits.
pub const INSPECTION: &str = "inspection";

/// The kinds shipped: audits, inspections, tests, trials and surveys, and exercises
/// (REFERENCES.md: tabletop, drill, full-scale).
pub fn default_kinds() -> Vec<KindOfActivity> {
    let mut kinds: Vec<KindOfActivity> = ActivityKind::ALL
        .iter()
        .map(|k| KindOfActivity {
            word: k.as_str().into(),
            label: k.label().into(),
            test: k.is_test(),
            covert: *k == ActivityKind::TestCovert,
            full_audit: *k == ActivityKind::AuditFull,
            exercise: false,
        })
        .collect();
    for (word, label) in [
        ("exercise_tabletop", "Exercise (tabletop)"),
        ("exercise_drill", "Exercise (drill)"),
        ("exercise_full_scale", "Exercise (full-scale)"),
    ] {
        kinds.push(KindOfActivity {
            word: word.into(),
            label: label.into(),
            test: false,
            covert: false,
            full_audit: false,
            exercise: true,
        });
    }
    kinds
}

/// Days the overseen organisation has to submit its corrective action plan, per level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanDeadlines {
    pub level_1_days: i64,
    pub level_2_days: i64,
    pub observation_days: i64,
}

/// The EI below which inspections come twice as often, and from which half as often.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EiThresholds {
    pub low_percent: f64,
    pub high_percent: f64,
}

/// The authority's oversight method, one version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OversightMethod {
    /// The scales catalogues are answered on; the first is the one a new catalogue takes.
    pub scales: Vec<ComplianceScale>,
    /// The kinds of activity that may be planned.
    #[serde(default = "default_kinds")]
    pub kinds: Vec<KindOfActivity>,
    pub plan_deadlines: PlanDeadlines,
    pub ei_thresholds: EiThresholds,
    pub full_audit_months: u32,
    pub inspection_months: u32,
}

impl Default for OversightMethod {
    fn default() -> Self {
        Self::with_intervals(OversightIntervals::default())
    }
}

impl OversightMethod {
    /// Today's values, with the intervals a deployment configured before the method was data.
    pub fn with_intervals(intervals: OversightIntervals) -> Self {
        Self {
            scales: vec![ComplianceScale::national(), ComplianceScale::iosa()],
            kinds: default_kinds(),
            plan_deadlines: PlanDeadlines {
                level_1_days: 7,
                level_2_days: 30,
                observation_days: 90,
            },
            ei_thresholds: EiThresholds {
                low_percent: 75.0,
                high_percent: 90.0,
            },
            full_audit_months: intervals.full_audit_months,
            inspection_months: intervals.inspection_months,
        }
    }

    pub fn scale(&self, code: &str) -> Result<&ComplianceScale, ValidationError> {
        self.scales.iter().find(|s| s.code == code).ok_or_else(|| {
            ValidationError::new(
                "scale",
                format!("the oversight method has no scale '{code}'"),
            )
        })
    }

    /// The kind a word stands for; any other word is refused, naming the kinds.
    pub fn kind(&self, word: &str) -> Result<&KindOfActivity, ValidationError> {
        let word = word.trim();
        self.kinds.iter().find(|k| k.word == word).ok_or_else(|| {
            let words: Vec<&str> = self.kinds.iter().map(|k| k.word.as_str()).collect();
            ValidationError::new(
                "kind",
                format!(
                    "'{word}' is not a kind of activity: one of {}",
                    words.join(", ")
                ),
            )
        })
    }

    /// The label of a kind's word (the word itself for a kind no longer in this version).
    pub fn kind_label<'a>(&'a self, word: &'a str) -> &'a str {
        self.kind(word).map_or(word, |k| k.label.as_str())
    }

    /// The words of the kinds that count as a full audit.
    pub fn full_audit_kinds(&self) -> Vec<&str> {
        self.kinds
            .iter()
            .filter(|k| k.full_audit)
            .map(|k| k.word.as_str())
            .collect()
    }

    /// Days a finding of `level` allows for its plan.
    pub fn plan_days(&self, level: FindingLevel) -> i64 {
        match level {
            FindingLevel::Level1 => self.plan_deadlines.level_1_days,
            FindingLevel::Level2 => self.plan_deadlines.level_2_days,
            FindingLevel::Observation => self.plan_deadlines.observation_days,
        }
    }

    pub fn intervals(&self) -> OversightIntervals {
        OversightIntervals {
            full_audit_months: self.full_audit_months,
            inspection_months: self.inspection_months,
        }
    }

    /// A version is published only when whole: every scale sound, the national one kept (the
    /// shipped catalogue and the activities planned on it use it), deadlines shortest for the
    /// most serious level, thresholds in order, intervals that make sense.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.scales.is_empty() || self.scales.len() > 20 {
            return Err(ValidationError::new("scales", "1 to 20 scales"));
        }
        for (i, s) in self.scales.iter().enumerate() {
            s.validate()?;
            if self.scales[..i].iter().any(|t| t.code == s.code) {
                return Err(ValidationError::new(
                    "scales",
                    format!("two scales are named '{}'", s.code),
                ));
            }
        }
        if !self.scales.iter().any(|s| s.code == "national") {
            return Err(ValidationError::new(
                "scales",
                "the national scale stays: the national programme is answered on it",
            ));
        }
        if self.kinds.is_empty() || self.kinds.len() > 30 {
            return Err(ValidationError::new("kinds", "1 to 30 kinds of activity"));
        }
        for (i, k) in self.kinds.iter().enumerate() {
            super::check_word("kinds", &k.word)?;
            if k.label.trim().len() < 2 || k.label.len() > 120 {
                return Err(ValidationError::new(
                    "kinds",
                    format!("the kind '{}' needs a label", k.word),
                ));
            }
            if k.covert && !k.test {
                return Err(ValidationError::new(
                    "kinds",
                    format!("'{}' is covert, so it is a test", k.word),
                ));
            }
            if self.kinds[..i].iter().any(|x| x.word == k.word) {
                return Err(ValidationError::new(
                    "kinds",
                    format!("'{}' is twice among the kinds", k.word),
                ));
            }
        }
        if self.full_audit_kinds().is_empty() || self.kind(INSPECTION).is_err() {
            return Err(ValidationError::new(
                "kinds",
                "the programme proposes full audits and inspections: keep a kind that counts as a full audit and the kind 'inspection'",
            ));
        }
        let d = self.plan_deadlines;
        if d.level_1_days < 1
            || d.level_1_days > d.level_2_days
            || d.level_2_days > d.observation_days
            || d.observation_days > 365
        {
            return Err(ValidationError::new(
                "plan_deadlines",
                "1 to 365 days, level 1 no longer than level 2, level 2 no longer than an observation",
            ));
        }
        let t = self.ei_thresholds;
        if !(0.0..=100.0).contains(&t.low_percent)
            || !(0.0..=100.0).contains(&t.high_percent)
            || t.low_percent >= t.high_percent
        {
            return Err(ValidationError::new(
                "ei_thresholds",
                "percentages from 0 to 100, the low one below the high one",
            ));
        }
        if self.inspection_months < 1
            || self.full_audit_months < self.inspection_months
            || self.full_audit_months > 120
        {
            return Err(ValidationError::new(
                "intervals",
                "inspections at least monthly apart, full audits no less often than inspections and at least every 120 months",
            ));
        }
        Ok(())
    }
}

/// Whether an activity of `performer_party_id` about an organisation of `overseen_kind` may
/// be scoped on a catalogue: the authority's catalogues (the national programme, or one it
/// publishes for a sector, only for organisations of that sector) by anyone; an
/// organisation's internal requirements by that organisation only.
pub fn may_audit_against(
    catalogue_title: &str,
    owner_is_authority: bool,
    owner_party_id: i64,
    sector: Option<crate::party::PartyKind>,
    performer_party_id: i64,
    overseen_kind: crate::party::PartyKind,
) -> Result<(), ValidationError> {
    if owner_is_authority {
        match sector {
            Some(kind) if kind != overseen_kind => Err(ValidationError::new(
                "catalogue_id",
                format!(
                    "{catalogue_title} is for {}: choose a catalogue for {}",
                    kind.label().to_lowercase(),
                    overseen_kind.label().to_lowercase()
                ),
            )),
            _ => Ok(()),
        }
    } else if owner_party_id == performer_party_id {
        Ok(())
    } else {
        Err(ValidationError::new(
            "catalogue_id",
            format!("{catalogue_title} are another organisation's: only it audits against them"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_catalogue_is_audited_by_whom_it_concerns() {
        use crate::party::PartyKind::*;
        assert!(may_audit_against("NASP", true, 1, None, 1, AirportOperator).is_ok());
        assert!(
            may_audit_against("NASP", true, 1, None, 7, AirCarrier).is_ok(),
            "self-evaluation"
        );
        assert!(may_audit_against("IOSA", true, 1, Some(AirCarrier), 1, AirCarrier).is_ok());
        let err = may_audit_against("IOSA", true, 1, Some(AirCarrier), 1, AirportOperator)
            .unwrap_err()
            .to_string();
        assert!(err.contains("air carrier"), "{err}");
        assert!(may_audit_against("Ours", false, 7, None, 7, AirportOperator).is_ok());
        assert!(may_audit_against("Theirs", false, 8, None, 7, RegulatedAgent).is_err());
        assert!(
            may_audit_against("Theirs", false, 8, None, 1, RegulatedAgent).is_err(),
            "nor the authority"
        );
    }

    #[test]
    fn the_shipped_method_is_todays_values_and_valid() {
        let m = OversightMethod::default();
        m.validate().unwrap();
        assert_eq!(m.plan_days(FindingLevel::Level1), 7);
        assert_eq!(m.plan_days(FindingLevel::Level2), 30);
        assert_eq!(m.plan_days(FindingLevel::Observation), 90);
        assert_eq!(m.intervals(), OversightIntervals::default());
        let national = m.scale("national").unwrap();
        assert_eq!(national.answers.len(), 6);
        let with_obs = national.answer("compliant_with_observations").unwrap();
        assert!(with_obs.applicable && with_obs.compliant);
        assert!(!national.answer("not_confirmed").unwrap().applicable);
        assert!(m.scale("elsewhere").is_err());
        let drill = m.kind("exercise_drill").unwrap();
        assert!(drill.exercise && !drill.test);
        assert!(m.kind("test_covert").unwrap().covert);
        assert_eq!(m.full_audit_kinds(), ["audit_full"]);
        assert_eq!(m.kind_label("gone"), "gone");
        assert!(m.kind("picnic").is_err());
        // A version stored before kinds were data reads with the shipped kinds.
        let mut json = serde_json::to_value(&m).unwrap();
        json.as_object_mut().unwrap().remove("kinds");
        let old: OversightMethod = serde_json::from_value(json).unwrap();
        assert_eq!(old.kinds, default_kinds());
    }

    #[test]
    fn the_iosa_scale_counts_only_documented_and_implemented_as_compliant() {
        let iosa = ComplianceScale::iosa();
        let compliant: Vec<&str> = iosa
            .answers
            .iter()
            .filter(|a| a.compliant)
            .map(|a| a.word.as_str())
            .collect();
        assert_eq!(compliant, ["documented_implemented"]);
        assert!(iosa
            .answer("implemented_not_documented")
            .unwrap()
            .is_deficient());
        assert!(!iosa.answer("not_applicable").unwrap().applicable);
        let err = iosa.answer("compliant").unwrap_err().to_string();
        assert!(err.contains("documented_implemented"), "{err}");
    }

    #[test]
    fn a_version_that_does_not_hold_together_is_refused() {
        let ok = OversightMethod::default();
        let mut m = ok.clone();
        m.scales.retain(|s| s.code != "national");
        assert!(m.validate().is_err(), "the national scale stays");
        let mut m = ok.clone();
        m.scales[1].answers[4].compliant = true;
        assert!(m.validate().is_err(), "not applicable yet compliant");
        let mut m = ok.clone();
        m.scales[1].answers.retain(|a| !a.is_deficient());
        assert!(m.validate().is_err(), "no answer could raise a finding");
        let mut m = ok.clone();
        m.scales.push(ComplianceScale::iosa());
        assert!(m.validate().is_err(), "two scales of one name");
        let mut m = ok.clone();
        m.plan_deadlines.level_1_days = 60;
        assert!(m.validate().is_err(), "level 1 longer than level 2");
        let mut m = ok.clone();
        m.ei_thresholds.low_percent = 95.0;
        assert!(m.validate().is_err(), "thresholds out of order");
        let mut m = ok.clone();
        m.inspection_months = 0;
        assert!(m.validate().is_err());
        let mut m = ok.clone();
        m.kinds.retain(|k| k.word != "inspection");
        assert!(m.validate().is_err(), "the programme proposes inspections");
        let mut m = ok.clone();
        m.kinds[0].covert = true;
        assert!(m.validate().is_err(), "covert is a test");
        let mut m = ok;
        m.scales[0].answers[0].word = "Compliant!".into();
        assert!(
            m.validate().is_err(),
            "a word is lower case letters and underscores"
        );
    }
}
