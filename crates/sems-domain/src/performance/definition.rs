//! Security performance indicators (SPIs) as data: what an indicator measures and why, where
//! its values come from, how they are normalised, which way is better, how alerts are drawn,
//! and its target. The authority's policy officer keeps the national library (shipped in
//! [`national_library`]); organisations add their own. The State's expected level of a
//! national SPI bounds the targets organisations set ([`check_target`]).

use super::alerts::MIN_BASELINE_PERIODS;
use super::{Direction, Period};
use crate::vocabulary::vocabulary;
use crate::{Checks, ValidationError, ValidationErrors};

vocabulary!(
    /// What sems computes from the data it holds. Each later module adds its own.
    Measure, "measure", {
        TestPassRate => "test_pass_rate", "Share of security tests passed";
        EffectiveImplementation => "effective_implementation", "Effective implementation (EI)";
        OpenLevel1Findings => "open_level_1_findings", "Open level 1 findings";
        PlansOverdue => "plans_overdue", "Share of corrective action plans overdue";
        DaysToCloseFindings => "days_to_close_findings", "Median days from finding to closure";
        RepeatFindings => "repeat_findings", "Repeat findings (the same requirement failed within 12 months)";
        ProgrammeOnPlan => "programme_on_plan", "Share of the oversight programme delivered on plan";
        ReportsPerStaff => "reports_per_staff", "Security reports per 100 staff";
        ForwardedOnTime => "forwarded_on_time", "Share of mandatory reports forwarded within the deadline";
        HoursToTriage => "hours_to_triage", "Median hours to triage a report";
        AssessmentsPastReview => "assessments_past_review", "Share of risk assessments past their review date";
        OverdueActions => "overdue_actions", "Overdue corrective actions";
        TrainingCurrent => "training_current", "Share of training requirements current";
        ScreenersImageCompliant => "screeners_image_compliant", "Share of screeners meeting the image-recognition rule";
        ChecksValid => "checks_valid", "Share of required background checks valid";
        DirectivesAcknowledgedOnTime => "directives_acknowledged_on_time", "Share of security directives acknowledged on time";
        DirectivesImplementedOnTime => "directives_implemented_on_time", "Share of security directives implemented on time";
    }
);

vocabulary!(
    /// What a value is: a count of events, a share in percent, a rate per exposure, a median
    /// time.
    ValueKind, "value_kind", {
        Count => "count", "Count";
        Share => "share", "Share (%)";
        Rate => "rate", "Rate";
        Median => "median", "Median";
    }
);

vocabulary!(
    /// Whether an indicator tells of what is coming (a process measure) or of what happened.
    Timing, "timing", {
        Leading => "leading", "Leading";
        Lagging => "lagging", "Lagging";
    }
);

vocabulary!(
    /// Where test results come from: overt tests, covert tests, or both.
    TestKind, "test_kind", {
        Overt => "overt", "Overt tests";
        Covert => "covert", "Covert tests";
        Any => "any", "Overt and covert tests";
    }
);

impl Measure {
    /// What its values are.
    pub fn value_kind(self) -> ValueKind {
        use Measure::*;
        match self {
            OpenLevel1Findings | RepeatFindings | OverdueActions => ValueKind::Count,
            TestPassRate
            | EffectiveImplementation
            | PlansOverdue
            | ProgrammeOnPlan
            | ForwardedOnTime
            | AssessmentsPastReview
            | TrainingCurrent
            | ScreenersImageCompliant
            | ChecksValid
            | DirectivesAcknowledgedOnTime
            | DirectivesImplementedOnTime => ValueKind::Share,
            ReportsPerStaff => ValueKind::Rate,
            DaysToCloseFindings | HoursToTriage => ValueKind::Median,
        }
    }

    /// Which way is better.
    pub fn direction(self) -> Direction {
        use Measure::*;
        match self {
            TestPassRate
            | EffectiveImplementation
            | ProgrammeOnPlan
            | ReportsPerStaff
            | ForwardedOnTime
            | TrainingCurrent
            | ScreenersImageCompliant
            | ChecksValid
            | DirectivesAcknowledgedOnTime
            | DirectivesImplementedOnTime => Direction::HigherIsBetter,
            OpenLevel1Findings
            | PlansOverdue
            | DaysToCloseFindings
            | RepeatFindings
            | HoursToTriage
            | AssessmentsPastReview
            | OverdueActions => Direction::LowerIsBetter,
        }
    }

    /// Whether it measures how willingly people report: a target on it discourages reporting
    /// (Doc 9859), so it is monitored for its trend, without a target unless one is insisted on.
    pub fn is_reporting_rate(self) -> bool {
        self == Measure::ReportsPerStaff
    }
}

/// Where an indicator's values come from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// Computed by sems from what it holds; tests may be narrowed to overt or covert ones and
    /// to one requirement area.
    Computed {
        measure: Measure,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tests: Option<TestKind>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        area: Option<String>,
    },
    /// A data series entered, imported or posted (badge transactions, a manual indicator):
    /// the numerator's series, divided by the denominator's when there is one.
    Series {
        numerator: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        denominator: Option<String>,
    },
}

/// The exposure a count is normalised by: per `per` units of a data series (per 1,000
/// departures, per 100 staff from the headcount series).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Exposure {
    pub series: String,
    pub per: u32,
}

/// How an indicator's alert lines are drawn.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AlertMethod {
    /// Doc 9859: lines frozen from the preceding `baseline_periods` values (Poisson limits for
    /// rare counts).
    Statistical { baseline_periods: u32 },
    /// Watch, warning and critical thresholds set by hand.
    Fixed {
        watch: f64,
        warning: f64,
        critical: f64,
    },
}

/// An SPI as its owner defines it. A change publishes a new version; every value keeps the
/// version it was computed under.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SpiDefinition {
    /// Short and unique in its library: `SPI-TEST-OVERT`, `NPT-BADGE-01`.
    pub code: String,
    pub name: String,
    /// What it measures.
    pub measures: String,
    /// Why it matters.
    pub why: String,
    pub source: Source,
    /// What is counted over what (for people reading the definition).
    pub numerator: String,
    pub denominator: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure: Option<Exposure>,
    pub direction: Direction,
    pub timing: Timing,
    pub period: Period,
    pub alert: AlertMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    /// Codes of the threat scenarios it watches: an alert marks the organisation's risk
    /// assessments of them "review required".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<String>,
}

/// The data series every organisation may enter without defining them: the usual exposure.
pub const STANDARD_SERIES: [(&str, &str); 4] = [
    ("staff_headcount", "Staff headcount"),
    ("departures", "Departures"),
    ("passengers", "Passengers"),
    ("badge_transactions", "Badge transactions"),
];

/// Whether a series code is written as series are (lower-case words joined by underscores).
pub fn is_series_name(code: &str) -> bool {
    is_series_code(code)
}

/// Series codes the exposure and the data series are known by: lower-case words joined by
/// underscores (`departures`, `staff_headcount`).
fn is_series_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 40
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The code of an SPI: capital letters, digits and hyphens, 3 to 30 characters.
fn is_spi_code(code: &str) -> bool {
    (3..=30).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

impl SpiDefinition {
    /// Checks a definition whole: every refusal, each with its field.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut checks = Checks::default();
        checks.require(
            is_spi_code(&self.code),
            "code",
            "a code is 3 to 30 capital letters, digits and hyphens, starting with a letter",
        );
        for (field, text, most) in [
            ("name", &self.name, 120),
            ("measures", &self.measures, 2_000),
            ("why", &self.why, 2_000),
            ("numerator", &self.numerator, 300),
            ("denominator", &self.denominator, 300),
        ] {
            let n = text.trim().chars().count();
            let needed = !matches!(field, "denominator");
            checks.require(
                (!needed || n > 0) && n <= most,
                field,
                if needed {
                    format!("write the {field} (at most {most} characters)")
                } else {
                    format!("at most {most} characters")
                },
            );
        }
        match &self.source {
            Source::Computed {
                measure,
                tests,
                area,
            } => {
                checks.require(
                    tests.is_none() || *measure == Measure::TestPassRate,
                    "source",
                    "only test pass rates are narrowed to overt or covert tests",
                );
                checks.require(
                    area.is_none()
                        || matches!(
                            measure,
                            Measure::TestPassRate | Measure::EffectiveImplementation
                        ),
                    "source",
                    "only test pass rates and EI are narrowed to a requirement area",
                );
                checks.require(
                    area.as_deref()
                        .is_none_or(|a| !a.trim().is_empty() && a.len() <= 40),
                    "source",
                    "a requirement area is its code",
                );
                checks.require(
                    measure.direction() == self.direction,
                    "direction",
                    format!(
                        "{} is computed so that {}",
                        measure.label(),
                        measure.direction().label().to_lowercase()
                    ),
                );
            }
            Source::Series {
                numerator,
                denominator,
            } => {
                checks.require(
                    is_series_code(numerator) && denominator.as_deref().is_none_or(is_series_code),
                    "source",
                    "a data series is named by lower-case words joined by underscores",
                );
            }
        }
        // An exposure divides a count of events (reports per 100 staff, violations per 10,000
        // badge transactions): never a share or a median, which it would silently replace.
        let counts_events = match &self.source {
            Source::Computed { measure, .. } => {
                measure.value_kind() == ValueKind::Count || measure.is_reporting_rate()
            }
            Source::Series { denominator, .. } => denominator.is_none(),
        };
        checks.require(
            self.exposure.is_none() || counts_events,
            "exposure",
            "only a count of events is normalised by an exposure, not a share, a median or a ratio",
        );
        checks.require(
            self.exposure.is_some() || !self.is_reporting_rate(),
            "exposure",
            "reports per staff divide by the staff headcount series: give it as the exposure",
        );
        if let Some(e) = &self.exposure {
            checks.require(
                is_series_code(&e.series),
                "exposure",
                "the exposure is a data series, named by lower-case words joined by underscores",
            );
            checks.require(
                e.per > 0 && e.per <= 1_000_000,
                "exposure",
                "the exposure is per 1 to 1,000,000 units (per 100 staff, per 1,000 departures)",
            );
        }
        match &self.alert {
            AlertMethod::Statistical { baseline_periods } => {
                checks.require(
                    (MIN_BASELINE_PERIODS as u32..=60).contains(baseline_periods),
                    "alert",
                    format!("a baseline is {MIN_BASELINE_PERIODS} to 60 periods"),
                );
            }
            AlertMethod::Fixed {
                watch,
                warning,
                critical,
            } => {
                if let Err(e) =
                    super::alerts::AlertLines::fixed(self.direction, *watch, *warning, *critical)
                {
                    checks.refuse(ValidationError::new("alert", e.message));
                }
            }
        }
        checks.require(
            self.scenarios.len() <= 20
                && self
                    .scenarios
                    .iter()
                    .all(|c| !c.trim().is_empty() && c.len() <= 40),
            "scenarios",
            "at most 20 scenario codes",
        );
        if let Some(t) = self.target {
            checks.require(t.is_finite(), "target", "the target is a number");
            checks.require(
                self.value_kind() != ValueKind::Share || (0.0..=100.0).contains(&t),
                "target",
                "a share's target is between 0 and 100 %",
            );
            checks.require(
                self.value_kind() == ValueKind::Share || t >= 0.0,
                "target",
                "the target is not below zero",
            );
        }
        checks.finish()
    }

    /// What its values are: a computed measure's kind, a ratio of series as a rate.
    pub fn value_kind(&self) -> ValueKind {
        match &self.source {
            Source::Computed { .. } if self.exposure.is_some() => ValueKind::Rate,
            Source::Computed { measure, .. } => measure.value_kind(),
            Source::Series { denominator, .. } => match (denominator, &self.exposure) {
                (None, None) => ValueKind::Count,
                _ => ValueKind::Rate,
            },
        }
    }

    /// Whether it measures how willingly people report (monitored without a target).
    pub fn is_reporting_rate(&self) -> bool {
        matches!(self.source, Source::Computed { measure, .. } if measure.is_reporting_rate())
    }

    /// What to tell whoever sets a target on it, when a target may do harm.
    pub fn target_warning(&self) -> Option<&'static str> {
        self.is_reporting_rate().then_some(
            "a target on a reporting rate can discourage reporting: this indicator is best watched for its trend (ICAO Doc 9859)",
        )
    }
}

/// Whether an organisation's target for a national SPI is at least as strict as the State's
/// expected level (none set: any target). A weaker one is refused with the national level in
/// the message.
pub fn check_target(
    definition: &SpiDefinition,
    expected_level: Option<f64>,
    target: f64,
) -> Result<(), ValidationError> {
    let Some(level) = expected_level else {
        return Ok(());
    };
    let weaker = definition.direction.is_worse(target, level);
    if weaker {
        let side = match definition.direction {
            Direction::HigherIsBetter => "at least",
            Direction::LowerIsBetter => "at most",
        };
        return Err(ValidationError::new(
            "target",
            format!(
                "the State expects {} of {level}: an organisation's target may be stricter, never weaker ({side} {level})",
                definition.name
            ),
        ));
    }
    Ok(())
}

/// The national library sems ships, computed from what it already holds; the authority edits
/// it and later modules add to it.
pub fn national_library() -> Vec<SpiDefinition> {
    let monthly = AlertMethod::Statistical {
        baseline_periods: 12,
    };
    let spi = |code: &str,
               name: &str,
               measures: &str,
               why: &str,
               source: Source,
               numerator: &str,
               denominator: &str,
               timing: Timing| {
        let direction = match &source {
            Source::Computed { measure, .. } => measure.direction(),
            Source::Series { .. } => Direction::LowerIsBetter,
        };
        SpiDefinition {
            code: code.into(),
            name: name.into(),
            measures: measures.into(),
            why: why.into(),
            source,
            numerator: numerator.into(),
            denominator: denominator.into(),
            exposure: None,
            direction,
            timing,
            period: Period::Month,
            alert: monthly.clone(),
            target: None,
            scenarios: Vec::new(),
        }
    };
    let computed = |measure| Source::Computed {
        measure,
        tests: None,
        area: None,
    };
    let tests = |kind| Source::Computed {
        measure: Measure::TestPassRate,
        tests: Some(kind),
        area: None,
    };
    let mut library = vec![
        spi("NAT-TEST-OVERT", "Overt test pass rate",
            "The share of overt security tests passed in the month.",
            "Tests show whether measures work in practice, not only on paper.",
            tests(TestKind::Overt), "Overt tests passed", "Overt tests performed", Timing::Leading),
        spi("NAT-TEST-COVERT", "Covert test pass rate",
            "The share of covert security tests passed in the month, once released to the organisation.",
            "Covert tests see what an adversary would meet.",
            tests(TestKind::Covert), "Covert tests passed", "Covert tests performed", Timing::Leading),
        spi("NAT-EI", "Effective implementation",
            "Compliant items over applicable items of the State's oversight activities completed in the month.",
            "EI is the State's measure of how its programme is put in place.",
            computed(Measure::EffectiveImplementation), "Compliant items", "Applicable items", Timing::Leading),
        spi("NAT-FIND-L1", "Open level 1 findings",
            "Level 1 findings not yet closed at the end of the month.",
            "A level 1 finding is a serious gap that stays open until corrected.",
            computed(Measure::OpenLevel1Findings), "Open level 1 findings", "", Timing::Lagging),
        spi("NAT-CAP-OVERDUE", "Corrective action plans overdue",
            "The share of findings awaiting the organisation past their date at the end of the month.",
            "Late plans leave gaps open longer than agreed.",
            computed(Measure::PlansOverdue), "Findings overdue", "Findings awaiting the organisation", Timing::Leading),
        spi("NAT-FIND-CLOSE", "Days from finding to closure",
            "The median days from raising a finding to closing it, over findings closed in the month.",
            "How quickly gaps are closed.",
            computed(Measure::DaysToCloseFindings), "Days to closure", "", Timing::Lagging),
        spi("NAT-FIND-REPEAT", "Repeat findings",
            "Findings raised in the month on a requirement the organisation already failed within the preceding 12 months.",
            "A repeat finding says a correction did not hold.",
            computed(Measure::RepeatFindings), "Repeat findings", "", Timing::Lagging),
        spi("NAT-PROG-PLAN", "Oversight programme on plan",
            "The share of oversight activities planned for the month that were completed by the end of it.",
            "Oversight that slips leaves organisations unchecked.",
            computed(Measure::ProgrammeOnPlan), "Activities completed on plan", "Activities planned", Timing::Leading),
        spi("NAT-REP-RATE", "Security reports per 100 staff",
            "Security reports filed in the month per 100 staff, from the staff headcount series.",
            "A reporting culture shows in the number of reports; few reports is not good news by itself.",
            computed(Measure::ReportsPerStaff), "Reports filed", "Staff headcount", Timing::Leading),
        spi("NAT-REP-FORWARD", "Mandatory reports forwarded in time",
            "The share of mandatory reports forwarded to the authority within their deadline, of those due in the month.",
            "The authority can act only on what reaches it in time.",
            computed(Measure::ForwardedOnTime), "Forwarded in time", "Mandatory reports due", Timing::Leading),
        spi("NAT-REP-TRIAGE", "Hours to triage a report",
            "The median hours from filing to triage of reports triaged in the month.",
            "Reporters see their reports taken up; urgent ones are acted on.",
            computed(Measure::HoursToTriage), "Hours to triage", "", Timing::Leading),
        spi("NAT-RISK-REVIEW", "Risk assessments past review",
            "The share of risk assessments past their review date at the end of the month.",
            "A risk picture out of date misleads.",
            computed(Measure::AssessmentsPastReview), "Assessments past review", "Assessments", Timing::Leading),
        spi("NAT-ACT-OVERDUE", "Overdue corrective actions",
            "Corrective and preventive actions of every module open past their date at the end of the month.",
            "Actions not done leave what they answer open.",
            computed(Measure::OverdueActions), "Overdue actions", "", Timing::Leading),
        spi("NAT-TRAIN-CURRENT", "Training requirements current",
            "The share of personnel's training and vetting requirements current (or due soon) at the end of the month, each person counted once per requirement.",
            "People out of date with their training or vetting should not be doing security work.",
            computed(Measure::TrainingCurrent), "Requirements current", "Requirements", Timing::Leading),
        spi("NAT-TRAIN-IRT", "Screeners meeting the image-recognition rule",
            "The share of screeners with at least the programme's hours of image-recognition training in the window ending at the end of the month.",
            "Screeners lose the eye for threat images without continuous practice.",
            computed(Measure::ScreenersImageCompliant), "Screeners compliant", "Screeners", Timing::Leading),
        spi("NAT-TRAIN-CHECKS", "Background checks valid",
            "The share of personnel needing a background check whose check was valid at the end of the month.",
            "An insider is the hardest threat to see; vetting kept current is the first defence.",
            computed(Measure::ChecksValid), "Checks valid", "People needing a check", Timing::Leading),
        spi("NAT-DIR-ACK", "Security directives acknowledged on time",
            "The share of security directives whose acknowledgement deadline fell in the month that the organisation acknowledged by the deadline.",
            "A directive not acknowledged is a measure nobody has taken charge of.",
            computed(Measure::DirectivesAcknowledgedOnTime), "Acknowledged on time", "Directives due", Timing::Leading),
        spi("NAT-DIR-IMPL", "Security directives implemented on time",
            "The share of security directives whose implementation deadline fell in the month that the organisation implemented by the deadline.",
            "A mandatory measure implemented late leaves the threat it answers open.",
            computed(Measure::DirectivesImplementedOnTime), "Implemented on time", "Directives due", Timing::Lagging),
    ];
    for d in &mut library {
        if d.is_reporting_rate() {
            d.exposure = Some(Exposure {
                series: "staff_headcount".into(),
                per: 100,
            });
        }
    }
    library
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_national_library_is_valid_and_computed_from_what_sems_holds() {
        let library = national_library();
        assert!(library.len() >= 12);
        let mut codes: Vec<&str> = library.iter().map(|d| d.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), library.len(), "codes are unique");
        for d in &library {
            assert_eq!(d.validate(), Ok(()), "{}", d.code);
            assert!(matches!(d.source, Source::Computed { .. }), "{}", d.code);
            assert!(
                d.target.is_none(),
                "{}: the authority sets levels, not sems",
                d.code
            );
        }
        // Every measure sems computes is in it; rates per staff divide by the headcount
        // series, never by the number of accounts.
        for m in Measure::ALL {
            assert!(
                library
                    .iter()
                    .any(|d| matches!(d.source, Source::Computed { measure, .. } if measure == *m)),
                "{m:?}"
            );
        }
        let rate = library
            .iter()
            .find(|d| d.is_reporting_rate())
            .expect("a reporting rate");
        assert_eq!(
            rate.exposure,
            Some(Exposure {
                series: "staff_headcount".into(),
                per: 100
            })
        );
        assert!(rate.target_warning().is_some());
    }

    fn sample() -> SpiDefinition {
        national_library().remove(0)
    }

    #[test]
    fn a_bad_definition_is_refused_with_every_reason() {
        let mut d = sample();
        d.code = "x".into();
        d.name = " ".into();
        d.source = Source::Series {
            numerator: "Badge Transactions".into(),
            denominator: None,
        };
        d.exposure = Some(Exposure {
            series: "departures".into(),
            per: 0,
        });
        d.alert = AlertMethod::Statistical {
            baseline_periods: 3,
        };
        let e = d.validate().unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["code", "name", "source", "exposure", "alert"]);
    }

    #[test]
    fn a_computed_measure_keeps_its_direction_and_narrowing() {
        let mut d = sample();
        d.direction = Direction::LowerIsBetter;
        assert_eq!(d.validate().unwrap_err().first().field, "direction");
        let mut d = sample();
        d.source = Source::Computed {
            measure: Measure::OverdueActions,
            tests: Some(TestKind::Covert),
            area: None,
        };
        d.direction = Direction::LowerIsBetter;
        assert_eq!(d.validate().unwrap_err().first().field, "source");
        // Thresholds set by hand follow the direction.
        let mut d = sample();
        d.alert = AlertMethod::Fixed {
            watch: 70.0,
            warning: 80.0,
            critical: 90.0,
        };
        assert_eq!(d.validate().unwrap_err().first().field, "alert");
        d.alert = AlertMethod::Fixed {
            watch: 90.0,
            warning: 80.0,
            critical: 70.0,
        };
        assert_eq!(d.validate(), Ok(()));
        // A share's target is a percentage.
        d.target = Some(120.0);
        assert_eq!(d.validate().unwrap_err().first().field, "target");
    }

    #[test]
    fn only_a_count_of_events_is_normalised_by_an_exposure() {
        let exposure = Some(Exposure {
            series: "departures".into(),
            per: 1_000,
        });
        // A share per 1,000 departures would no longer be a share.
        let mut d = sample();
        d.exposure = exposure.clone();
        assert_eq!(d.validate().unwrap_err().first().field, "exposure");
        // A count per 1,000 departures is a rate.
        let mut d = national_library()
            .into_iter()
            .find(|d| d.code == "NAT-FIND-L1")
            .expect("shipped");
        assert_eq!(d.value_kind(), ValueKind::Count);
        d.exposure = exposure;
        assert_eq!(d.validate(), Ok(()));
        assert_eq!(d.value_kind(), ValueKind::Rate);
        // Reports per staff need the headcount.
        let mut rate = national_library()
            .into_iter()
            .find(|d| d.is_reporting_rate())
            .expect("shipped");
        rate.exposure = None;
        assert_eq!(rate.validate().unwrap_err().first().field, "exposure");
    }

    #[test]
    fn an_organisation_target_is_never_weaker_than_the_state_expects() {
        let pass_rate = sample(); // higher is better
        assert_eq!(check_target(&pass_rate, Some(80.0), 85.0), Ok(()));
        assert_eq!(check_target(&pass_rate, Some(80.0), 80.0), Ok(()));
        let e = check_target(&pass_rate, Some(80.0), 75.0).unwrap_err();
        assert_eq!(e.field, "target");
        assert!(
            e.message.contains("80") && e.message.contains("at least 80"),
            "{e}"
        );
        assert_eq!(check_target(&pass_rate, None, 10.0), Ok(()));
        let overdue = national_library()
            .into_iter()
            .find(|d| d.code == "NAT-ACT-OVERDUE")
            .expect("in the library"); // lower is better
        assert_eq!(check_target(&overdue, Some(5.0), 3.0), Ok(()));
        let e = check_target(&overdue, Some(5.0), 8.0).unwrap_err();
        assert!(e.message.contains("at most 5"), "{e}");
    }

    #[test]
    fn definitions_read_back_from_their_json_unchanged() {
        for d in national_library() {
            let json = serde_json::to_string(&d).expect("serialises");
            let back: SpiDefinition = serde_json::from_str(&json).expect("deserialises");
            assert_eq!(back, d);
        }
    }
}
