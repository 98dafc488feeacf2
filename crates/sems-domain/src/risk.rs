//! The risk method: how a threat scenario's likelihood of attempt, consequence and residual
//! vulnerability become a residual risk level. The method is data owned by the authority and
//! versioned; this module holds its shape, the shipped default, and the arithmetic.
//!
//! Default method, in the manner of ICAO's aviation-security risk context statement:
//! - each factor is scored 1 (lowest) to 5 (highest) against written anchors;
//! - consequence is the reasonable worst case: the highest of its human, economic and
//!   political/reputational scores (another rule, a weighted mean, may be published);
//! - the risk score is likelihood × consequence × vulnerability (1–125); inherent risk is the
//!   same with vulnerability 5 (no measures counted);
//! - the score is banded into five levels, each with a tolerability.

use crate::ValidationError;
use serde::{Deserialize, Serialize};

/// A score on a 1–5 scale.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(try_from = "i64", into = "i64")]
pub struct Score(u8);

impl Score {
    pub const MIN: Score = Score(1);
    pub const MAX: Score = Score(5);

    pub fn new(field: &'static str, value: i64) -> Result<Self, ValidationError> {
        if (1..=5).contains(&value) {
            Ok(Score(value as u8))
        } else {
            Err(ValidationError::new(
                field,
                format!("must be a whole number from 1 to 5 (got {value})"),
            ))
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<i64> for Score {
    type Error = ValidationError;
    fn try_from(v: i64) -> Result<Self, Self::Error> {
        Score::new("score", v)
    }
}

impl From<Score> for i64 {
    fn from(s: Score) -> i64 {
        i64::from(s.0)
    }
}

/// The five residual risk levels, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RiskLevel {
    VeryLow,
    Low,
    Medium,
    High,
    VeryHigh,
}

crate::vocabulary::words_serde!(RiskLevel);

impl RiskLevel {
    pub fn parse(input: &str) -> Result<Self, crate::ValidationError> {
        Self::ALL
            .into_iter()
            .find(|l| l.as_str() == input.trim())
            .ok_or_else(|| {
                crate::ValidationError::new(
                    "level",
                    format!(
                        "must be one of {} (got '{}')",
                        Self::ALL.map(|l| l.as_str()).join(", "),
                        input.trim()
                    ),
                )
            })
    }

    pub const ALL: [RiskLevel; 5] = [
        RiskLevel::VeryLow,
        RiskLevel::Low,
        RiskLevel::Medium,
        RiskLevel::High,
        RiskLevel::VeryHigh,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::VeryLow => "very_low",
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::VeryHigh => "very_high",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RiskLevel::VeryLow => "Very low",
            RiskLevel::Low => "Low",
            RiskLevel::Medium => "Medium",
            RiskLevel::High => "High",
            RiskLevel::VeryHigh => "Very high",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// What a level of residual risk allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tolerability {
    /// Accepted without a sign-off.
    Acceptable,
    /// Needs the accountable executive's recorded acceptance, with an expiry, and review.
    TolerableWithReview,
    /// Cannot be accepted: only mitigated.
    Intolerable,
}

impl Tolerability {
    pub fn label(self) -> &'static str {
        match self {
            Tolerability::Acceptable => "Acceptable",
            Tolerability::TolerableWithReview => "Tolerable with review",
            Tolerability::Intolerable => "Intolerable",
        }
    }
}

impl Tolerability {
    /// The acceptance workflow's one step: a residual risk tolerable with review may be
    /// accepted by the accountable executive; an acceptable one needs no sign-off and an
    /// intolerable one can only be mitigated. The refusal says which, of `level`.
    pub fn may_be_accepted(self, level: RiskLevel) -> Result<(), String> {
        let level = level.label().to_lowercase();
        match self {
            Tolerability::TolerableWithReview => Ok(()),
            Tolerability::Acceptable => Err(format!(
                "a {level} residual risk is acceptable without a sign-off"
            )),
            Tolerability::Intolerable => Err(format!(
                "a {level} residual risk is intolerable: it cannot be accepted, only mitigated"
            )),
        }
    }
}

/// An acceptance lasts at most this long: it is made again, on the risk as it then stands.
pub const MAX_ACCEPTANCE_MONTHS: u32 = 36;

crate::vocabulary::vocabulary!(
    /// Where an assessment stands with the accountable executive's acceptance: a residual
    /// risk tolerable with review awaits acceptance until an acceptance of its current score
    /// is in force; an acceptance in force expires within [`EXPIRING_DAYS`].
    AcceptanceState, "acceptance", {
        Awaiting => "awaiting", "Awaiting acceptance";
        Expiring => "expiring", "Acceptance expiring";
        Accepted => "accepted", "Accepted";
    }
);

/// Days before its end that an acceptance counts as expiring.
pub const EXPIRING_DAYS: i64 = 60;

impl RiskMethod {
    /// The residual levels the accountable executive accepts under this method: those
    /// tolerable with review.
    pub fn levels_needing_acceptance(&self) -> Vec<RiskLevel> {
        self.bands
            .iter()
            .filter(|b| b.tolerability == Tolerability::TolerableWithReview)
            .map(|b| b.level)
            .collect()
    }
}

/// The expiry an acceptance may be given on `today`: after today, within three years.
pub fn check_acceptance_expiry(
    expires: time::Date,
    today: time::Date,
) -> Result<(), crate::ValidationError> {
    if expires <= today {
        return Err(crate::ValidationError::new(
            "expires_on",
            "must be after today",
        ));
    }
    if expires > crate::util::add_months(today, MAX_ACCEPTANCE_MONTHS) {
        return Err(crate::ValidationError::new(
            "expires_on",
            "must be within three years",
        ));
    }
    Ok(())
}

/// Whether an acceptance still covers an assessment: not expired on `today`, and made for
/// the residual score and method version the assessment has now (a re-scored risk is
/// accepted again).
pub fn acceptance_holds(
    expires_on: time::Date,
    accepted: (i64, i64),
    now: (i64, i64),
    today: time::Date,
) -> bool {
    expires_on >= today && accepted == now
}

/// One point of a scale with its written anchor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Anchor {
    pub label: String,
    pub description: String,
}

/// A 1–5 scale: five anchors, lowest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Scale {
    pub name: String,
    pub anchors: Vec<Anchor>,
}

/// How the three consequence dimensions combine into one score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum ConsequenceRule {
    /// The reasonable worst case: the highest of the three.
    Highest,
    /// A weighted mean, rounded half up to a whole score.
    WeightedMean {
        human: f64,
        economic: f64,
        political: f64,
    },
}

/// The band of one level: scores up to and including `up_to` fall in it (the last band goes
/// to the top of the range).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Band {
    pub level: RiskLevel,
    pub up_to: u32,
    pub tolerability: Tolerability,
    /// Months until the next review of an assessment at this level.
    pub review_months: u32,
}

/// A version of the risk method, as published by the authority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RiskMethod {
    pub likelihood: Scale,
    pub consequence_human: Scale,
    pub consequence_economic: Scale,
    pub consequence_political: Scale,
    pub vulnerability: Scale,
    pub consequence_rule: ConsequenceRule,
    /// Five bands over the score likelihood × consequence × vulnerability (1–125), lowest
    /// first, each `up_to` higher than the one before; the last one ends at 125.
    pub bands: Vec<Band>,
}

/// The three consequence dimensions of a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Consequence {
    pub human: Score,
    pub economic: Score,
    pub political: Score,
}

/// A computed risk: the score, its level and what the level allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Risk {
    pub score: u32,
    pub level: RiskLevel,
    pub tolerability: Tolerability,
}

pub const MAX_SCORE: u32 = 125;

impl RiskMethod {
    /// Checks a method before it is published: five anchors per scale, five bands in level
    /// order with rising bounds ending at 125, sensible weights.
    pub fn validate(&self) -> Result<(), ValidationError> {
        for scale in [
            &self.likelihood,
            &self.consequence_human,
            &self.consequence_economic,
            &self.consequence_political,
            &self.vulnerability,
        ] {
            if scale.anchors.len() != 5 {
                return Err(ValidationError::new(
                    "scales",
                    format!("the scale '{}' needs exactly five anchors", scale.name),
                ));
            }
            if scale
                .anchors
                .iter()
                .any(|a| a.label.trim().is_empty() || a.description.trim().is_empty())
            {
                return Err(ValidationError::new(
                    "scales",
                    format!(
                        "every point of '{}' needs a label and a written description",
                        scale.name
                    ),
                ));
            }
        }
        if self.bands.len() != 5 {
            return Err(ValidationError::new(
                "bands",
                "there must be exactly five bands, very low to very high",
            ));
        }
        let mut previous = 0;
        for (band, level) in self.bands.iter().zip(RiskLevel::ALL) {
            if band.level != level {
                return Err(ValidationError::new(
                    "bands",
                    "bands must run from very low to very high",
                ));
            }
            if band.up_to <= previous {
                return Err(ValidationError::new(
                    "bands",
                    format!("the band {} must end above {previous}", level.label()),
                ));
            }
            if band.review_months == 0 || band.review_months > 120 {
                return Err(ValidationError::new(
                    "bands",
                    "review intervals must be 1 to 120 months",
                ));
            }
            previous = band.up_to;
        }
        if previous != MAX_SCORE {
            return Err(ValidationError::new(
                "bands",
                format!("the last band must end at {MAX_SCORE}"),
            ));
        }
        let tolerabilities: Vec<Tolerability> = self.bands.iter().map(|b| b.tolerability).collect();
        let rank = |t: &Tolerability| match t {
            Tolerability::Acceptable => 0,
            Tolerability::TolerableWithReview => 1,
            Tolerability::Intolerable => 2,
        };
        if tolerabilities.windows(2).any(|w| rank(&w[0]) > rank(&w[1])) {
            return Err(ValidationError::new(
                "bands",
                "a higher level cannot be more tolerable than a lower one",
            ));
        }
        if let ConsequenceRule::WeightedMean {
            human,
            economic,
            political,
        } = self.consequence_rule
        {
            let all = [human, economic, political];
            if all.iter().any(|w| !w.is_finite() || *w < 0.0) || all.iter().sum::<f64>() <= 0.0 {
                return Err(ValidationError::new(
                    "consequence_rule",
                    "weights must be non-negative and not all zero",
                ));
            }
        }
        Ok(())
    }

    /// The single consequence score of a scenario under this method's rule.
    pub fn consequence(&self, c: Consequence) -> Score {
        match self.consequence_rule {
            ConsequenceRule::Highest => c.human.max(c.economic).max(c.political),
            ConsequenceRule::WeightedMean {
                human,
                economic,
                political,
            } => {
                let total = human + economic + political;
                let mean = (human * f64::from(c.human.get())
                    + economic * f64::from(c.economic.get())
                    + political * f64::from(c.political.get()))
                    / total;
                // Round half up, and stay on the scale whatever the weights.
                Score((mean + 0.5).floor().clamp(1.0, 5.0) as u8)
            }
        }
    }

    /// The level and tolerability of a score.
    pub fn band(&self, score: u32) -> Risk {
        let band = self
            .bands
            .iter()
            .find(|b| score <= b.up_to)
            .or(self.bands.last())
            .copied()
            .unwrap_or(Band {
                level: RiskLevel::VeryHigh,
                up_to: MAX_SCORE,
                tolerability: Tolerability::Intolerable,
                review_months: 3,
            });
        Risk {
            score,
            level: band.level,
            tolerability: band.tolerability,
        }
    }

    /// Residual risk: with the vulnerability that remains given the measures in place.
    pub fn residual(
        &self,
        likelihood: Score,
        consequence: Consequence,
        vulnerability: Score,
    ) -> Risk {
        let c = self.consequence(consequence);
        self.band(u32::from(likelihood.get()) * u32::from(c.get()) * u32::from(vulnerability.get()))
    }

    /// Inherent risk: before counting any measure (vulnerability at its highest).
    pub fn inherent(&self, likelihood: Score, consequence: Consequence) -> Risk {
        self.residual(likelihood, consequence, Score::MAX)
    }

    /// Months until the next review of an assessment at `level`.
    pub fn review_months(&self, level: RiskLevel) -> u32 {
        self.bands
            .get(level.index())
            .map(|b| b.review_months)
            .unwrap_or(12)
    }

    /// The method sems ships: a documented starting point each State tailors.
    pub fn default_method() -> Self {
        fn scale(name: &str, points: [(&str, &str); 5]) -> Scale {
            Scale {
                name: name.into(),
                anchors: points
                    .iter()
                    .map(|(l, d)| Anchor {
                        label: (*l).into(),
                        description: (*d).into(),
                    })
                    .collect(),
            }
        }
        RiskMethod {
            likelihood: scale("Likelihood of attempt", [
                ("Remote", "No known intent or capability against this target; no comparable attempt anywhere in recent years."),
                ("Unlikely", "Intent or capability is assessed but not both; comparable attempts are rare worldwide."),
                ("Possible", "Groups with intent and some capability exist; comparable attempts occurred in other regions."),
                ("Likely", "Intent and capability are both assessed for this kind of target; attempts in the region recently."),
                ("Very likely", "Specific intelligence of intent and capability against this State or operator."),
            ]),
            consequence_human: scale("Consequence: human", [
                ("Minimal", "No injuries expected."),
                ("Minor", "A few minor injuries."),
                ("Serious", "Serious injuries or a small number of fatalities."),
                ("Major", "Multiple fatalities."),
                ("Catastrophic", "Mass fatalities, for example the loss of an aircraft in flight."),
            ]),
            consequence_economic: scale("Consequence: economic", [
                ("Minimal", "Disruption of minutes; no lasting cost."),
                ("Minor", "Disruption of hours at one site."),
                ("Serious", "Closure of a terminal or grounding of a fleet for a day."),
                ("Major", "Closure of an airport for days; significant losses across operators."),
                ("Catastrophic", "Long closure of the national aviation system or loss of a major operator."),
            ]),
            consequence_political: scale("Consequence: political and reputational", [
                ("Minimal", "No public attention."),
                ("Minor", "Local media attention."),
                ("Serious", "National media attention; questions to the authority."),
                ("Major", "International attention; loss of confidence in the State's aviation security."),
                ("Catastrophic", "Lasting international consequences: sanctions, suspended routes, loss of trust in the system."),
            ]),
            vulnerability: scale("Residual vulnerability", [
                ("Very low", "Several independent, tested measures; tests pass consistently; no related occurrence."),
                ("Low", "Measures in place and tested; rare test failures, promptly corrected."),
                ("Moderate", "Measures in place but gaps found by tests or occurrences."),
                ("High", "Measures partial or often failing tests."),
                ("Very high", "No effective measure against this scenario."),
            ]),
            consequence_rule: ConsequenceRule::Highest,
            bands: vec![
                Band { level: RiskLevel::VeryLow, up_to: 8, tolerability: Tolerability::Acceptable, review_months: 36 },
                Band { level: RiskLevel::Low, up_to: 24, tolerability: Tolerability::Acceptable, review_months: 24 },
                Band { level: RiskLevel::Medium, up_to: 48, tolerability: Tolerability::TolerableWithReview, review_months: 12 },
                Band { level: RiskLevel::High, up_to: 80, tolerability: Tolerability::TolerableWithReview, review_months: 6 },
                Band { level: RiskLevel::VeryHigh, up_to: MAX_SCORE, tolerability: Tolerability::Intolerable, review_months: 3 },
            ],
        }
    }
}

/// A 5×5 heat map: counts of assessments by likelihood (rows, index 0 = score 1) and
/// consequence (columns), and the level of each cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct HeatMap {
    pub counts: [[i64; 5]; 5],
    pub levels: [[RiskLevel; 5]; 5],
}

impl HeatMap {
    /// An empty map coloured by `method`: a cell's level is that of likelihood × consequence
    /// with vulnerability at its highest (the inherent view of the cell).
    pub fn new(method: &RiskMethod) -> Self {
        let mut levels = [[RiskLevel::VeryLow; 5]; 5];
        for (l, row) in levels.iter_mut().enumerate() {
            for (c, cell) in row.iter_mut().enumerate() {
                *cell = method.band(((l + 1) * (c + 1) * 5) as u32).level;
            }
        }
        Self {
            counts: [[0; 5]; 5],
            levels,
        }
    }

    pub fn add(&mut self, likelihood: Score, consequence: Score, count: i64) {
        self.counts[usize::from(likelihood.get() - 1)][usize::from(consequence.get() - 1)] += count;
    }
}

/// Where an assessment sits on the residual heat map: the likelihood that an attempt succeeds,
/// likelihood × vulnerability brought back onto the 1–5 scale (rounded up), so that measures
/// move a scenario down the map.
pub fn residual_likelihood(likelihood: Score, vulnerability: Score) -> Score {
    let product = u32::from(likelihood.get()) * u32::from(vulnerability.get());
    Score(product.div_ceil(5).clamp(1, 5) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_executive_accepts_the_levels_tolerable_with_review() {
        let method = RiskMethod::default_method();
        assert_eq!(
            method.levels_needing_acceptance(),
            vec![RiskLevel::Medium, RiskLevel::High]
        );
        for level in method.levels_needing_acceptance() {
            let band = method.bands.iter().find(|b| b.level == level).unwrap();
            assert!(band.tolerability.may_be_accepted(level).is_ok());
        }
    }

    #[test]
    fn the_acceptance_workflow() {
        use time::macros::date;
        assert!(Tolerability::TolerableWithReview
            .may_be_accepted(RiskLevel::ALL[1])
            .is_ok());
        assert!(Tolerability::Acceptable
            .may_be_accepted(RiskLevel::ALL[0])
            .unwrap_err()
            .contains("without a sign-off"));
        assert!(Tolerability::Intolerable
            .may_be_accepted(RiskLevel::ALL[3])
            .unwrap_err()
            .contains("only mitigated"));
        let today = date!(2026 - 12 - 02);
        assert!(check_acceptance_expiry(today, today).is_err());
        assert!(check_acceptance_expiry(date!(2029 - 12 - 02), today).is_ok());
        assert!(check_acceptance_expiry(date!(2029 - 12 - 03), today).is_err());
        assert!(acceptance_holds(today, (36, 1), (36, 1), today));
        assert!(
            !acceptance_holds(today, (36, 1), (48, 1), today),
            "re-scored"
        );
        assert!(
            !acceptance_holds(today, (36, 1), (36, 2), today),
            "new method"
        );
        assert!(!acceptance_holds(
            date!(2026 - 12 - 01),
            (36, 1),
            (36, 1),
            today
        ));
    }

    fn s(v: i64) -> Score {
        Score::new("test", v).unwrap()
    }

    fn c(h: i64, e: i64, p: i64) -> Consequence {
        Consequence {
            human: s(h),
            economic: s(e),
            political: s(p),
        }
    }

    #[test]
    fn scores_stay_on_the_scale() {
        assert!(Score::new("likelihood", 0).is_err());
        assert!(Score::new("likelihood", 6).is_err());
        assert_eq!(Score::new("likelihood", 5).unwrap().get(), 5);
        assert!(serde_json::from_str::<Score>("7").is_err());
    }

    #[test]
    fn the_default_method_is_valid() {
        RiskMethod::default_method().validate().unwrap();
    }

    #[test]
    fn every_band_edge_of_the_default_method() {
        let m = RiskMethod::default_method();
        let edges = [
            (1, RiskLevel::VeryLow),
            (8, RiskLevel::VeryLow),
            (9, RiskLevel::Low),
            (24, RiskLevel::Low),
            (25, RiskLevel::Medium),
            (48, RiskLevel::Medium),
            (49, RiskLevel::High),
            (80, RiskLevel::High),
            (81, RiskLevel::VeryHigh),
            (125, RiskLevel::VeryHigh),
        ];
        for (score, level) in edges {
            assert_eq!(m.band(score).level, level, "score {score}");
        }
        assert_eq!(m.band(8).tolerability, Tolerability::Acceptable);
        assert_eq!(m.band(25).tolerability, Tolerability::TolerableWithReview);
        assert_eq!(m.band(81).tolerability, Tolerability::Intolerable);
    }

    #[test]
    fn residual_and_inherent_risk() {
        let m = RiskMethod::default_method();
        // IED in hold baggage at a busy airport: likely (4), catastrophic human consequence (5),
        // with screening in place vulnerability low (2): 4 × 5 × 2 = 40, medium.
        let r = m.residual(s(4), c(5, 4, 5), s(2));
        assert_eq!((r.score, r.level), (40, RiskLevel::Medium));
        let i = m.inherent(s(4), c(5, 4, 5));
        assert_eq!((i.score, i.level), (100, RiskLevel::VeryHigh));
        assert_eq!(m.review_months(RiskLevel::Medium), 12);
    }

    #[test]
    fn consequence_rules() {
        let mut m = RiskMethod::default_method();
        assert_eq!(m.consequence(c(2, 5, 1)).get(), 5);
        m.consequence_rule = ConsequenceRule::WeightedMean {
            human: 2.0,
            economic: 1.0,
            political: 1.0,
        };
        // (2·2 + 5 + 1) / 4 = 2.5, rounded half up to 3.
        assert_eq!(m.consequence(c(2, 5, 1)).get(), 3);
        assert_eq!(m.consequence(c(1, 1, 1)).get(), 1);
        assert_eq!(m.consequence(c(5, 5, 5)).get(), 5);
    }

    #[test]
    fn invalid_methods_are_refused() {
        let mut m = RiskMethod::default_method();
        m.bands[4].up_to = 120;
        assert!(m.validate().is_err(), "must end at 125");
        let mut m = RiskMethod::default_method();
        m.bands[2].up_to = 20;
        assert!(m.validate().is_err(), "bounds must rise");
        let mut m = RiskMethod::default_method();
        m.bands[4].tolerability = Tolerability::Acceptable;
        assert!(
            m.validate().is_err(),
            "a higher level cannot be more tolerable"
        );
        let mut m = RiskMethod::default_method();
        m.likelihood.anchors.pop();
        assert!(m.validate().is_err());
        let mut m = RiskMethod::default_method();
        m.consequence_rule = ConsequenceRule::WeightedMean {
            human: 0.0,
            economic: 0.0,
            political: 0.0,
        };
        assert!(m.validate().is_err());
        let mut m = RiskMethod::default_method();
        m.vulnerability.anchors[0].description = " ".into();
        assert!(m.validate().is_err());
    }

    #[test]
    fn heat_map_cells() {
        assert_eq!(residual_likelihood(s(5), s(5)).get(), 5);
        assert_eq!(residual_likelihood(s(4), s(2)).get(), 2);
        assert_eq!(residual_likelihood(s(1), s(1)).get(), 1);
        assert_eq!(residual_likelihood(s(3), s(4)).get(), 3);
        let mut map = HeatMap::new(&RiskMethod::default_method());
        assert_eq!(map.levels[0][0], RiskLevel::VeryLow);
        assert_eq!(map.levels[4][4], RiskLevel::VeryHigh);
        assert_eq!(map.levels[1][2], RiskLevel::Medium); // 2 × 3 × 5 = 30
        map.add(s(4), s(5), 2);
        assert_eq!(map.counts[3][4], 2);
    }

    #[test]
    fn a_method_round_trips_as_json() {
        let m = RiskMethod::default_method();
        let text = serde_json::to_string(&m).unwrap();
        let back: RiskMethod = serde_json::from_str(&text).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn a_published_version_changes_only_new_results() {
        // Assessments keep the version they were made with: the same factors under an old and
        // a new version give the old and the new level.
        let old = RiskMethod::default_method();
        let mut new = RiskMethod::default_method();
        new.bands[1].up_to = 30;
        new.validate().unwrap();
        assert_eq!(
            old.residual(s(3), c(3, 3, 3), s(3)).level,
            RiskLevel::Medium
        );
        assert_eq!(new.residual(s(3), c(3, 3, 3), s(3)).level, RiskLevel::Low);
    }
}
