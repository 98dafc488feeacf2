//! Security measures and what moves a risk assessment: the implementation status of a
//! measure, exemptions from a baseline measure, objective data (tests and occurrences), the
//! score proposals drawn from it, and mitigation actions with their expected effect.

pub use crate::action::ActionStatus;
use crate::risk::Score;
use crate::vocabulary::vocabulary;
use serde::Serialize;

vocabulary!(
    /// Where an organisation stands with a measure.
    MeasureStatus, "status", {
        Planned => "planned", "Planned";
        Implemented => "implemented", "Implemented";
        Suspended => "suspended", "Suspended";
        NotApplicable => "not_applicable", "Not applicable (exempted)";
    }
);

vocabulary!(
    /// An organisation's request not to apply a baseline measure, decided by the authority.
    Exemption, "exemption", {
        None => "none", "None";
        Requested => "requested", "Requested";
        Approved => "approved", "Approved by the authority";
        Refused => "refused", "Refused by the authority";
    }
);

vocabulary!(
    /// What a piece of objective data is.
    EvidenceKind, "kind", {
        Test => "test", "Security test";
        Occurrence => "occurrence", "Occurrence";
    }
);

vocabulary!(
    /// Which score a mitigation action is expected to lower.
    Effect, "effect_on", {
        Likelihood => "likelihood", "Likelihood of attempt";
        Vulnerability => "vulnerability", "Residual vulnerability";
    }
);

impl Exemption {
    /// The exemption workflow: the organisation asks (again after a refusal); the authority
    /// approves or refuses what was asked.
    pub fn may_move_to(self, next: Exemption) -> bool {
        use Exemption::*;
        matches!(
            (self, next),
            (None | Refused, Requested) | (Requested, Approved | Refused)
        )
    }
}

impl MeasureStatus {
    /// Whether an organisation may set this status itself on a measure. Not applicable on a
    /// baseline measure comes only from an exemption the authority approved.
    pub fn settable(self, baseline: bool) -> bool {
        !(baseline && self == MeasureStatus::NotApplicable)
    }
}

/// The objective data on one scenario at one organisation, counted over the windows the
/// proposals use (tests over the last 24 months, occurrences over the last 12).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ObjectiveData {
    /// The national threat level of the scenario's category (1–5).
    pub threat_level: Option<i64>,
    pub tests_passed: u32,
    pub tests_failed: u32,
    pub occurrences: u32,
}

/// Months of test results a vulnerability proposal counts.
pub const TEST_WINDOW_MONTHS: u32 = 24;
/// Months of occurrences a vulnerability proposal counts.
pub const OCCURRENCE_WINDOW_MONTHS: u32 = 12;

/// A score the system proposes from objective data, with the reasoning shown to the assessor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Proposal {
    pub score: Score,
    pub basis: String,
}

/// Likelihood of attempt follows the national threat level of the scenario's category.
pub fn propose_likelihood(data: &ObjectiveData) -> Option<Proposal> {
    let level = data.threat_level?;
    let score = Score::try_from(level).ok()?;
    Some(Proposal {
        score,
        basis: format!("national threat level {level} for the scenario's category"),
    })
}

/// Residual vulnerability from how the scenario's measures hold up: the pass rate of tests
/// sets the base (no tests: a neutral 3), and each occurrence raises it by one, up to 5.
/// Without any test or occurrence there is no data, and so no proposal.
pub fn propose_vulnerability(data: &ObjectiveData) -> Option<Proposal> {
    let tests = data.tests_passed.saturating_add(data.tests_failed);
    if tests == 0 && data.occurrences == 0 {
        return None;
    }
    // Whole percent, rounded down, so the band edges are exact.
    let percent = (u64::from(data.tests_passed) * 100).checked_div(u64::from(tests));
    let (base, tests_text) = match percent {
        None => (3u32, "no tests".to_string()),
        Some(percent) => {
            let base = match percent {
                95.. => 1,
                85..=94 => 2,
                70..=84 => 3,
                50..=69 => 4,
                _ => 5,
            };
            (
                base,
                format!("{} of {tests} tests passed ({percent}%)", data.tests_passed),
            )
        }
    };
    let value = base.saturating_add(data.occurrences).min(5);
    let score = Score::try_from(i64::from(value)).ok()?;
    Some(Proposal {
        score,
        basis: format!(
            "{tests_text} in {TEST_WINDOW_MONTHS} months; {} occurrence(s) in {OCCURRENCE_WINDOW_MONTHS} months",
            data.occurrences
        ),
    })
}

/// A score after the expected effect of open actions: lowered by their reductions, never
/// below 1.
pub fn projected_score(score: Score, reductions: i64) -> Score {
    let value = (i64::from(score) - reductions.max(0)).max(1);
    Score::try_from(value).unwrap_or(score)
}

/// A baseline measure sems ships, in our own words, with the library scenarios it mitigates.
#[derive(Debug, Clone, Copy)]
pub struct BaselineMeasure {
    pub code: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub scenarios: &'static [&'static str],
}

const fn bm(
    code: &'static str,
    title: &'static str,
    description: &'static str,
    scenarios: &'static [&'static str],
) -> BaselineMeasure {
    BaselineMeasure {
        code,
        title,
        description,
        scenarios,
    }
}

/// The baseline the authority starts from (12 measures); it publishes its own on top.
pub const DEFAULT_BASELINE: &[BaselineMeasure] = &[
    bm("BL-01", "Screening of all hold baggage", "Every item of hold baggage is screened with approved equipment before loading; alarms are resolved before the bag may travel.", &["NAT-01"]),
    bm("BL-02", "Screening of passengers and cabin baggage", "Every departing passenger and their cabin baggage are screened at the security checkpoint, with random additional measures.", &["NAT-02", "NAT-10"]),
    bm("BL-03", "Screening of staff and items entering security-restricted areas", "Staff, crew and the items they carry are screened on entering security-restricted areas, with random unpredictable checks.", &["NAT-03", "NAT-10"]),
    bm("BL-04", "Access control to security-restricted areas", "Access is granted only with a valid airport identification card after background checks; access points are controlled at all times.", &["NAT-03", "NAT-05", "NAT-16"]),
    bm("BL-05", "Perimeter protection and patrols", "The airside perimeter is fenced, lit where needed and patrolled; intrusion alarms are answered within the set time.", &["NAT-05", "NAT-06"]),
    bm("BL-06", "Landside vehicle standoff and surveillance", "Vehicles are kept at a standoff distance from terminal frontages; landside areas are watched and unattended vehicles removed.", &["NAT-04", "NAT-11"]),
    bm("BL-07", "Security controls on cargo and mail", "Cargo and mail are screened or come from a secure supply chain (regulated agent or known consignor) and are protected until loading.", &["NAT-09"]),
    bm("BL-08", "Security controls on in-flight and airport supplies", "Supplies come from a known or regulated supplier, are protected from tampering and are checked on delivery.", &["NAT-14"]),
    bm("BL-09", "Protection of critical information systems", "Departure control, access control and other critical systems are protected against cyber attack, with monitored access and tested recovery.", &["NAT-08", "NAT-16"]),
    bm("BL-10", "Threat assessment and response to bomb threats", "Bomb threats are assessed with an agreed procedure, graded as hoax or specific, and answered proportionately.", &["NAT-15"]),
    bm("BL-11", "Vulnerability assessment of the approach and departure paths", "Areas under the approach and departure paths are assessed for stand-off attack and patrolled with the police where needed; laser and drone sightings are reported at once.", &["NAT-06", "NAT-07", "NAT-12"]),
    bm("BL-12", "Contingency plan for a CBRN or armed attack", "A contingency plan for a CBRN release or armed attack landside is kept current, exercised and known to the staff who apply it.", &["NAT-11", "NAT-13"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exemptions_are_asked_then_decided_and_actions_are_open_until_done() {
        use Exemption::*;
        assert!(None.may_move_to(Requested) && Refused.may_move_to(Requested));
        assert!(Requested.may_move_to(Approved) && Requested.may_move_to(Refused));
        assert!(!Approved.may_move_to(Requested) && !None.may_move_to(Approved));
    }

    fn data(passed: u32, failed: u32, occurrences: u32) -> ObjectiveData {
        ObjectiveData {
            threat_level: Some(4),
            tests_passed: passed,
            tests_failed: failed,
            occurrences,
        }
    }

    fn vulnerability(d: ObjectiveData) -> Option<u8> {
        propose_vulnerability(&d).map(|p| p.score.get())
    }

    #[test]
    fn vocabulary_parses_and_refuses_with_the_accepted_words() {
        assert_eq!(
            MeasureStatus::parse(" implemented ").ok(),
            Some(MeasureStatus::Implemented)
        );
        let e = MeasureStatus::parse("gone").unwrap_err().to_string();
        assert!(
            e.contains("planned, implemented, suspended, not_applicable"),
            "{e}"
        );
        assert!(e.contains("'gone'"), "{e}");
        for s in ActionStatus::ALL {
            assert_eq!(ActionStatus::parse(s.as_str()).ok(), Some(*s));
        }
    }

    #[test]
    fn not_applicable_on_a_baseline_measure_is_not_for_the_organisation_to_set() {
        assert!(!MeasureStatus::NotApplicable.settable(true));
        assert!(MeasureStatus::NotApplicable.settable(false));
        assert!(MeasureStatus::Suspended.settable(true));
    }

    #[test]
    fn likelihood_follows_the_threat_level() {
        let p = propose_likelihood(&data(0, 0, 0)).unwrap();
        assert_eq!(p.score.get(), 4);
        assert!(p.basis.contains("threat level 4"));
        let none = ObjectiveData::default();
        assert_eq!(propose_likelihood(&none), None);
    }

    #[test]
    fn vulnerability_band_edges_of_the_pass_rate() {
        assert_eq!(vulnerability(data(0, 0, 0)), None);
        assert_eq!(vulnerability(data(100, 0, 0)), Some(1));
        assert_eq!(vulnerability(data(95, 5, 0)), Some(1));
        assert_eq!(vulnerability(data(94, 6, 0)), Some(2));
        assert_eq!(vulnerability(data(85, 15, 0)), Some(2));
        assert_eq!(vulnerability(data(84, 16, 0)), Some(3));
        assert_eq!(vulnerability(data(70, 30, 0)), Some(3));
        assert_eq!(vulnerability(data(69, 31, 0)), Some(4));
        assert_eq!(vulnerability(data(50, 50, 0)), Some(4));
        assert_eq!(vulnerability(data(49, 51, 0)), Some(5));
        assert_eq!(vulnerability(data(0, 3, 0)), Some(5));
    }

    #[test]
    fn occurrences_raise_vulnerability_up_to_five() {
        assert_eq!(vulnerability(data(0, 0, 1)), Some(4));
        assert_eq!(vulnerability(data(10, 0, 1)), Some(2));
        assert_eq!(vulnerability(data(10, 0, 9)), Some(5));
        let p = propose_vulnerability(&data(9, 1, 2)).unwrap();
        assert!(
            p.basis.contains("9 of 10 tests passed (90%)"),
            "{}",
            p.basis
        );
        assert!(p.basis.contains("2 occurrence(s)"), "{}", p.basis);
    }

    #[test]
    fn the_shipped_baseline_links_library_scenarios() {
        let library: Vec<&str> = crate::scenario::DEFAULT_LIBRARY
            .iter()
            .map(|s| s.code)
            .collect();
        assert!(DEFAULT_BASELINE.len() >= 12);
        for m in DEFAULT_BASELINE {
            assert!(!m.scenarios.is_empty(), "{}", m.code);
            for code in m.scenarios {
                assert!(library.contains(code), "{} links {code}", m.code);
            }
        }
    }

    #[test]
    fn projection() {
        let four = Score::try_from(4).unwrap();
        assert_eq!(projected_score(four, 2).get(), 2);
        assert_eq!(projected_score(four, 9).get(), 1);
        assert_eq!(projected_score(four, -3).get(), 4);
    }
}
