//! Oversight and quality control: the hierarchical requirements catalogue (programme →
//! chapter → requirement), the compliance scale of a checklist, and effective
//! implementation (EI).

pub mod method;

use crate::vocabulary::vocabulary;
use crate::ValidationError;
use serde::Serialize;

/// A word of authority data (a scale's code, an answer): lower-case letters, digits and
/// underscores, 2 to 60 of them, as the shipped vocabularies are.
pub fn check_word(field: &'static str, word: &str) -> Result<(), ValidationError> {
    let ok = (2..=60).contains(&word.len())
        && word.starts_with(|c: char| c.is_ascii_lowercase())
        && word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            format!("'{word}' is not a word: 2 to 60 lower-case letters, digits and underscores"),
        ))
    }
}

vocabulary!(
    /// Where a node sits in the catalogue.
    RequirementLevel, "level", {
        Programme => "programme", "Programme";
        Chapter => "chapter", "Chapter";
        Requirement => "requirement", "Requirement";
    }
);

vocabulary!(
    /// How a checklist item is assessed.
    Compliance, "answer", {
        Compliant => "compliant", "Compliant";
        CompliantWithObservations => "compliant_with_observations", "Compliant with observations";
        NotCompliant => "not_compliant", "Not compliant";
        NotCompliantSerious => "not_compliant_serious", "Not compliant – serious";
        NotApplicable => "not_applicable", "Not applicable";
        NotConfirmed => "not_confirmed", "Not confirmed";
    }
);

vocabulary!(
    /// What kind of oversight activity.
    ActivityKind, "kind", {
        AuditFull => "audit_full", "Audit (full)";
        AuditPartial => "audit_partial", "Audit (partial)";
        Inspection => "inspection", "Inspection";
        TestOvert => "test_overt", "Test (overt)";
        TestCovert => "test_covert", "Test (covert)";
        Trial => "trial", "Trial";
        Survey => "survey", "Survey";
    }
);

vocabulary!(
    /// Who performed an activity, which decides whose EI its results are: the State's
    /// oversight, the organisation's own quality control, or a client's audit of its
    /// contractor. Results of different performers are never added up unless asked.
    Performer, "performer", {
        Authority => "authority", "State oversight";
        SelfEvaluation => "self_evaluation", "Self-evaluation";
        Client => "client", "Client's audit of a contractor";
    }
);

impl Performer {
    /// The performer of an activity of `owner` about `overseen`.
    pub fn of(owner_is_authority: bool, owner_party_id: i64, overseen_party_id: i64) -> Self {
        if owner_is_authority {
            Performer::Authority
        } else if owner_party_id == overseen_party_id {
            Performer::SelfEvaluation
        } else {
            Performer::Client
        }
    }

    /// Reads an EI request's performers: none means the State's oversight; more than one
    /// only with `blend` said, so a blended figure is never shown unasked.
    pub fn selection(
        performers: &[Performer],
        blend: bool,
    ) -> Result<Vec<Performer>, ValidationError> {
        let mut chosen: Vec<Performer> = Vec::new();
        for p in performers {
            if !chosen.contains(p) {
                chosen.push(*p);
            }
        }
        if chosen.is_empty() {
            chosen.push(Performer::Authority);
        }
        if chosen.len() > 1 && !blend {
            return Err(ValidationError::new(
                "performer",
                "the results of several performers are added up only when asked: say blend",
            ));
        }
        chosen.sort_by_key(|p| Performer::ALL.iter().position(|x| x == p));
        Ok(chosen)
    }

    /// How a selection is named where its figure is shown.
    pub fn selection_label(selection: &[Performer]) -> String {
        let names: Vec<&str> = selection.iter().map(|p| p.label()).collect();
        match names.as_slice() {
            [one] => (*one).to_string(),
            many => format!("Blended: {}", many.join(" + ")),
        }
    }
}

vocabulary!(
    /// Where an activity stands.
    ActivityStatus, "status", {
        Planned => "planned", "Planned";
        InProgress => "in_progress", "In progress";
        Completed => "completed", "Completed";
    }
);

vocabulary!(
    /// How serious a finding is.
    FindingLevel, "level", {
        Level1 => "level_1", "Level 1: immediate risk";
        Level2 => "level_2", "Level 2: significant";
        Observation => "observation", "Observation";
    }
);

vocabulary!(
    /// Where a finding and its corrective action plan stand.
    FindingStatus, "status", {
        Open => "open", "Open: corrective action plan awaited";
        CapSubmitted => "cap_submitted", "Plan submitted";
        CapReturned => "cap_returned", "Plan returned with comments";
        CapAccepted => "cap_accepted", "Plan accepted: being carried out";
        Completed => "completed", "Completed: awaiting verification";
        Closed => "closed", "Closed";
    }
);

impl ActivityStatus {
    /// The activity workflow: the first answer starts it, completion ends it (an activity
    /// with nothing to answer may be completed as planned); a completed activity is final.
    pub fn may_move_to(self, next: ActivityStatus) -> bool {
        use ActivityStatus::*;
        matches!(
            (self, next),
            (Planned, InProgress) | (Planned | InProgress, Completed)
        )
    }
}

impl ActivityKind {
    pub fn is_test(self) -> bool {
        matches!(self, ActivityKind::TestOvert | ActivityKind::TestCovert)
    }
}

impl FindingLevel {
    /// Days the overseen organisation has to submit its corrective action plan.
    pub fn cap_days(self) -> i64 {
        match self {
            FindingLevel::Level1 => 7,
            FindingLevel::Level2 => 30,
            FindingLevel::Observation => 90,
        }
    }
}

impl FindingStatus {
    /// The statuses in which the overseen organisation acts next: its plan, its revised plan,
    /// its completion. Bound into SQL from here (overdue lists, escalation).
    pub const AWAITING_ORGANISATION: [FindingStatus; 3] = [
        FindingStatus::Open,
        FindingStatus::CapReturned,
        FindingStatus::CapAccepted,
    ];

    /// Whether the overseen organisation acts next (else the overseer, or nobody).
    pub fn awaits_organisation(self) -> bool {
        Self::AWAITING_ORGANISATION.contains(&self)
    }

    /// The finding workflow: the organisation submits a plan (again after it was returned);
    /// the overseer accepts or returns it; the organisation completes the accepted plan; the
    /// overseer verifies and closes, or sends it back to be carried out.
    pub fn may_move_to(self, next: FindingStatus) -> bool {
        use FindingStatus::*;
        matches!(
            (self, next),
            (Open | CapReturned, CapSubmitted)
                | (CapSubmitted, CapAccepted | CapReturned)
                | (CapAccepted, Completed)
                | (Completed, Closed | CapAccepted)
        )
    }
}

impl RequirementLevel {
    /// The level a node's parent must have (none for a programme).
    pub fn parent_level(self) -> Option<RequirementLevel> {
        match self {
            RequirementLevel::Programme => None,
            RequirementLevel::Chapter => Some(RequirementLevel::Programme),
            RequirementLevel::Requirement => Some(RequirementLevel::Chapter),
        }
    }
}

impl Compliance {
    /// Counts towards the denominator of EI.
    pub fn is_applicable(self) -> bool {
        !matches!(self, Compliance::NotApplicable | Compliance::NotConfirmed)
    }

    /// Counts towards the numerator of EI.
    pub fn is_compliant(self) -> bool {
        matches!(
            self,
            Compliance::Compliant | Compliance::CompliantWithObservations
        )
    }
}

/// The counts effective implementation is computed from: storage keeps them per activity and
/// area (`activity_results`) and sums them; services add them up by organisation, area and
/// year; [`EiTally::percent`] is the one place the percentage is computed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct EiTally {
    /// Compliant items, with or without observations.
    pub compliant: i64,
    /// Applicable items: neither "not applicable" nor "not confirmed".
    pub applicable: i64,
    /// Every item, answered or not.
    pub items: i64,
}

impl EiTally {
    /// Counts one item with its answer on its scale (none yet: counted, never applicable).
    pub fn count(&mut self, answer: Option<&method::ScaleAnswer>) {
        self.items += 1;
        if let Some(a) = answer.filter(|a| a.applicable) {
            self.applicable += 1;
            if a.compliant {
                self.compliant += 1;
            }
        }
    }

    pub fn add(&mut self, other: &EiTally) {
        self.compliant += other.compliant;
        self.applicable += other.applicable;
        self.items += other.items;
    }

    /// EI in percent; `None` when nothing applicable was assessed.
    pub fn percent(&self) -> Option<f64> {
        (self.applicable > 0).then(|| self.compliant as f64 * 100.0 / self.applicable as f64)
    }
}

/// Effective implementation: compliant items (with or without observations) over applicable
/// items (neither "not applicable" nor "not confirmed"), in percent; `None` when nothing
/// applicable was assessed.
pub fn effective_implementation<'a>(
    answers: impl IntoIterator<Item = &'a method::ScaleAnswer>,
) -> Option<f64> {
    let mut tally = EiTally::default();
    for a in answers {
        tally.count(Some(a));
    }
    tally.percent()
}

/// A node of the catalogue sems ships.
#[derive(Debug, Clone, Copy)]
pub struct CatalogueNode {
    pub code: &'static str,
    pub parent: Option<&'static str>,
    pub level: RequirementLevel,
    pub title: &'static str,
    pub text: &'static str,
}

const fn node(
    code: &'static str,
    parent: Option<&'static str>,
    level: RequirementLevel,
    title: &'static str,
    text: &'static str,
) -> CatalogueNode {
    CatalogueNode {
        code,
        parent,
        level,
        title,
        text,
    }
}

use RequirementLevel::{Chapter as C, Programme as P, Requirement as R};

/// The default national programme, in our own words: ten chapters following the usual areas of
/// a national aviation-security programme, each with its requirements.
pub const DEFAULT_CATALOGUE: &[CatalogueNode] = &[
    node("NASP", None, P, "National aviation security programme", "The requirements every operator under the programme meets, as the authority publishes them."),
    node("NASP-01", Some("NASP"), C, "Airport security", "Organisation and protection of the airport."),
    node("NASP-01.01", Some("NASP-01"), R, "Airport security programme", "The airport operator keeps a written security programme, approved by the authority and kept up to date."),
    node("NASP-01.02", Some("NASP-01"), R, "Security-restricted area boundaries", "The boundary between landside and the security-restricted area is defined, marked and protected."),
    node("NASP-01.03", Some("NASP-01"), R, "Patrols and surveillance", "Landside and airside areas are patrolled and watched at a frequency set from the risk assessment."),
    node("NASP-01.04", Some("NASP-01"), R, "Perimeter protection", "The perimeter is fenced where needed, inspected regularly and intrusions are detected and answered."),
    node("NASP-02", Some("NASP"), C, "Access control", "Who may enter security-restricted areas, and how it is checked."),
    node("NASP-02.01", Some("NASP-02"), R, "Identification cards", "Airport identification cards are issued only after a background check and a legitimate need, and are withdrawn when the need ends."),
    node("NASP-02.02", Some("NASP-02"), R, "Control at access points", "Every access point to a security-restricted area is controlled or locked, and each person's card is verified."),
    node("NASP-02.03", Some("NASP-02"), R, "Vehicle access", "Vehicles entering security-restricted areas carry a valid pass and are checked."),
    node("NASP-02.04", Some("NASP-02"), R, "Escort of visitors", "Persons without a card are escorted at all times by a card holder."),
    node("NASP-03", Some("NASP"), C, "Screening of persons and cabin baggage", "Screening at the security checkpoint."),
    node("NASP-03.01", Some("NASP-03"), R, "Screening of departing passengers", "Every departing passenger is screened with approved methods before entering the security-restricted area."),
    node("NASP-03.02", Some("NASP-03"), R, "Screening of cabin baggage", "Cabin baggage is screened; alarms are resolved before the baggage is released."),
    node("NASP-03.03", Some("NASP-03"), R, "Screening of staff and items carried", "Staff entering security-restricted areas, and the items they carry, are screened."),
    node("NASP-03.04", Some("NASP-03"), R, "Prohibited items list", "The list of prohibited items is displayed to passengers and applied at screening."),
    node("NASP-04", Some("NASP"), C, "Hold baggage", "Protection and screening of hold baggage."),
    node("NASP-04.01", Some("NASP-04"), R, "Screening of hold baggage", "All hold baggage is screened with approved equipment before loading."),
    node("NASP-04.02", Some("NASP-04"), R, "Protection of screened hold baggage", "Screened hold baggage is protected from unauthorised interference until loaded."),
    node("NASP-04.03", Some("NASP-04"), R, "Baggage reconciliation", "Hold baggage travels only with a passenger on board, unless it was screened as unaccompanied."),
    node("NASP-05", Some("NASP"), C, "Cargo and mail", "Security controls of the supply chain of cargo and mail."),
    node("NASP-05.01", Some("NASP-05"), R, "Security controls on cargo", "Cargo is screened or comes from a secure supply chain before it is loaded."),
    node("NASP-05.02", Some("NASP-05"), R, "Regulated agents and known consignors", "Regulated agents and known consignors are approved and apply their programmes."),
    node("NASP-05.03", Some("NASP-05"), R, "Protection of secured consignments", "Secured consignments are protected from unauthorised interference until loaded."),
    node("NASP-06", Some("NASP"), C, "In-flight and airport supplies", "Security controls of supplies."),
    node("NASP-06.01", Some("NASP-06"), R, "Known and regulated suppliers", "Supplies come from a known or regulated supplier, or are screened."),
    node("NASP-06.02", Some("NASP-06"), R, "Tamper evidence", "Supplies are protected by tamper-evident means and checked on delivery."),
    node("NASP-07", Some("NASP"), C, "Aircraft security", "Protection and searches of aircraft."),
    node("NASP-07.01", Some("NASP-07"), R, "Aircraft security search or check", "Aircraft are searched or checked before departure as the programme requires."),
    node("NASP-07.02", Some("NASP-07"), R, "Protection of aircraft", "Unattended aircraft are protected against unauthorised access."),
    node("NASP-07.03", Some("NASP-07"), R, "Flight deck protection", "The flight deck door procedures are applied in flight."),
    node("NASP-08", Some("NASP"), C, "Recruitment and training of staff", "People who apply security controls."),
    node("NASP-08.01", Some("NASP-08"), R, "Background checks", "Staff with security duties or unescorted access pass a background check before starting and at set intervals."),
    node("NASP-08.02", Some("NASP-08"), R, "Initial and recurrent training", "Staff are trained for their security duties before starting, and recurrently."),
    node("NASP-08.03", Some("NASP-08"), R, "Certification of screeners", "Screeners are certified and their image-interpretation skills are tested regularly."),
    node("NASP-09", Some("NASP"), C, "Security equipment", "Equipment used for security controls."),
    node("NASP-09.01", Some("NASP-09"), R, "Approved equipment", "Only equipment meeting the approved standards is used for screening."),
    node("NASP-09.02", Some("NASP-09"), R, "Routine testing of equipment", "Screening equipment is tested routinely and every failure is recorded and fixed."),
    node("NASP-10", Some("NASP"), C, "Quality control", "How operators check themselves."),
    node("NASP-10.01", Some("NASP-10"), R, "Internal quality control programme", "Each operator runs a quality control programme with audits, inspections and tests of its own controls."),
    node("NASP-10.02", Some("NASP-10"), R, "Corrective actions", "Deficiencies found are corrected within deadlines set by their seriousness."),
    node("NASP-10.03", Some("NASP-10"), R, "Security reporting", "Operators run a confidential security reporting system and act on its reports."),
];

/// Which baseline security measure (of the risk module) a requirement of the shipped
/// programme puts in place: a test of the requirement is a test of the measure, and feeds the
/// residual-vulnerability data of the scenarios the measure mitigates.
pub const REQUIREMENT_MEASURES: &[(&str, &str)] = &[
    ("NASP-01.03", "BL-06"),
    ("NASP-01.04", "BL-05"),
    ("NASP-02.01", "BL-04"),
    ("NASP-02.02", "BL-04"),
    ("NASP-02.03", "BL-04"),
    ("NASP-03.01", "BL-02"),
    ("NASP-03.02", "BL-02"),
    ("NASP-03.03", "BL-03"),
    ("NASP-04.01", "BL-01"),
    ("NASP-04.02", "BL-01"),
    ("NASP-05.01", "BL-07"),
    ("NASP-05.03", "BL-07"),
    ("NASP-06.01", "BL-08"),
    ("NASP-06.02", "BL-08"),
];

/// How often organisations must be overseen at least, and at most how long between
/// inspections when all goes well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OversightIntervals {
    /// A full audit at least this often.
    pub full_audit_months: u32,
    /// The usual time between inspections.
    pub inspection_months: u32,
}

impl Default for OversightIntervals {
    fn default() -> Self {
        Self {
            full_audit_months: 48,
            inspection_months: 12,
        }
    }
}

/// An activity proposed for an organisation, with why.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProposedActivity {
    /// A kind of the oversight method, and its label.
    pub kind: String,
    pub kind_label: String,
    /// YYYY-MM-DD.
    pub due_on: String,
    pub overdue: bool,
    pub basis: String,
}

/// What the authority knows of an organisation that decides its next activities: its own
/// activities and results only (an organisation's self-evaluation never moves the State's
/// programme), its open findings, and the organisation's residual risk.
#[derive(Debug, Clone, Copy, Default)]
pub struct OversightRecord {
    /// The authority's last completed full audit.
    pub last_full_audit: Option<time::Date>,
    /// The authority's last completed activity of any kind.
    pub last_activity: Option<time::Date>,
    /// EI of the authority's completed activities.
    pub ei: Option<f64>,
    /// The most serious finding of the authority's still open (not closed).
    pub open_finding: Option<FindingLevel>,
    pub highest_residual: Option<crate::risk::RiskLevel>,
}

/// What the next activities should be, from the authority's record of the organisation: more
/// often where effective implementation is low, residual risk high or a serious finding open,
/// never less often than the minimum intervals.
pub fn propose_next(
    record: &OversightRecord,
    today: time::Date,
    method: &method::OversightMethod,
) -> Vec<ProposedActivity> {
    let intervals = method.intervals();
    let (low, high) = (
        method.ei_thresholds.low_percent,
        method.ei_thresholds.high_percent,
    );
    let OversightRecord {
        last_full_audit,
        last_activity,
        ei,
        open_finding,
        highest_residual,
    } = *record;
    use crate::risk::RiskLevel;
    use crate::util::add_months;
    let mut out = Vec::new();
    let (audit_due, audit_basis) = match last_full_audit {
        Some(d) => (
            add_months(d, intervals.full_audit_months),
            format!(
                "last full audit {d}; at least every {} months",
                intervals.full_audit_months
            ),
        ),
        None => (today, "no full audit on record".to_string()),
    };
    let full_audit = method
        .full_audit_kinds()
        .first()
        .copied()
        .unwrap_or(ActivityKind::AuditFull.as_str());
    out.push(ProposedActivity {
        kind: full_audit.to_string(),
        kind_label: method.kind_label(full_audit).to_string(),
        due_on: crate::util::format_date(audit_due.max(today)),
        overdue: audit_due < today,
        basis: audit_basis,
    });
    let mut months = intervals.inspection_months;
    let mut why = vec![format!("every {months} months by default")];
    match ei {
        Some(e) if e < low => {
            months = (months / 2).max(1);
            why.push(format!("EI {e:.1} % is below {low} %"));
        }
        Some(e) if e >= high => {
            months = (months * 2).min(intervals.full_audit_months);
            why.push(format!("EI {e:.1} % is {high} % or more"));
        }
        Some(e) => why.push(format!("EI {e:.1} %")),
        None => why.push("no EI yet".into()),
    }
    if let Some(level) =
        highest_residual.filter(|l| matches!(l, RiskLevel::High | RiskLevel::VeryHigh))
    {
        months = (months / 2).max(1);
        why.push(format!(
            "highest residual risk {}",
            level.label().to_lowercase()
        ));
    }
    match open_finding {
        Some(FindingLevel::Level1) => {
            months = 1;
            why.push("a level 1 finding is open: follow up within a month".into());
        }
        Some(FindingLevel::Level2) if months > intervals.inspection_months => {
            months = intervals.inspection_months;
            why.push("a level 2 finding is open: not less often than usual".into());
        }
        _ => {}
    }
    let inspection_due = match last_activity {
        Some(d) => add_months(d, months),
        None => today,
    };
    out.push(ProposedActivity {
        kind: method::INSPECTION.to_string(),
        kind_label: method.kind_label(method::INSPECTION).to_string(),
        due_on: crate::util::format_date(inspection_due.max(today)),
        overdue: inspection_due < today,
        basis: format!("every {months} months: {}", why.join("; ")),
    });
    out
}

/// Checks a code of the catalogue: letters, digits, dots and dashes.
pub fn check_code(code: &str) -> Result<String, ValidationError> {
    let code = code.trim();
    if code.is_empty()
        || code.len() > 40
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(ValidationError::new(
            "code",
            "a code of 1 to 40 letters, digits, dots or dashes",
        ));
    }
    Ok(code.to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_finding_workflow_moves_only_along_its_steps() {
        use FindingStatus::*;
        let allowed: Vec<(FindingStatus, FindingStatus)> = FindingStatus::ALL
            .iter()
            .flat_map(|a| FindingStatus::ALL.iter().map(move |b| (*a, *b)))
            .filter(|(a, b)| a.may_move_to(*b))
            .collect();
        assert_eq!(
            allowed,
            vec![
                (Open, CapSubmitted),
                (CapSubmitted, CapReturned),
                (CapSubmitted, CapAccepted),
                (CapReturned, CapSubmitted),
                (CapAccepted, Completed),
                (Completed, CapAccepted),
                (Completed, Closed),
            ]
        );
        assert!(!Closed.awaits_organisation() && Open.awaits_organisation());
    }

    #[test]
    fn an_activity_starts_with_its_first_answer_and_completion_is_final() {
        use ActivityStatus::*;
        assert!(Planned.may_move_to(InProgress) && InProgress.may_move_to(Completed));
        assert!(!Completed.may_move_to(InProgress) && !Completed.may_move_to(Completed));
        assert!(!InProgress.may_move_to(Planned));
        let national = method::ComplianceScale::national();
        let mut tally = EiTally::default();
        for a in [
            Some(Compliance::Compliant),
            Some(Compliance::NotApplicable),
            None,
        ] {
            tally.count(a.map(|a| national.answer(a.as_str()).unwrap()));
        }
        assert_eq!(
            tally,
            EiTally {
                compliant: 1,
                applicable: 1,
                items: 3
            }
        );
        assert_eq!(tally.percent(), Some(100.0));
    }
    use Compliance::*;

    #[test]
    fn ei_counts_compliant_over_applicable() {
        let national = method::ComplianceScale::national();
        let ei_of = |answers: &[Compliance]| {
            effective_implementation(answers.iter().map(|a| national.answer(a.as_str()).unwrap()))
        };
        assert_eq!(ei_of(&[]), None);
        assert_eq!(ei_of(&[NotApplicable, NotConfirmed]), None);
        assert_eq!(ei_of(&[Compliant]), Some(100.0));
        assert_eq!(
            ei_of(&[
                Compliant,
                CompliantWithObservations,
                NotCompliant,
                NotCompliantSerious
            ]),
            Some(50.0)
        );
        assert_eq!(
            ei_of(&[Compliant, NotApplicable, NotConfirmed, NotCompliant]),
            Some(50.0),
            "not applicable and not confirmed leave the denominator"
        );
        let third = ei_of(&[Compliant, NotCompliant, NotCompliant]).unwrap();
        assert!((third - 100.0 / 3.0).abs() < 1e-9);
        assert!(Compliance::parse("mostly").is_err());
    }

    #[test]
    fn the_next_activities_follow_results_and_risk() {
        use crate::risk::RiskLevel;
        let d = |s: &str| crate::util::parse_date("d", s).unwrap();
        let today = d("2026-11-29");
        let i = &method::OversightMethod::default();
        let never = propose_next(&OversightRecord::default(), today, i);
        assert_eq!(never[0].due_on, "2026-11-29");
        assert_eq!(never[1].due_on, "2026-11-29");
        let good_record = OversightRecord {
            last_full_audit: Some(d("2025-01-10")),
            last_activity: Some(d("2026-06-01")),
            ei: Some(95.0),
            ..Default::default()
        };
        let good = propose_next(&good_record, today, i);
        assert_eq!(
            good[0].due_on, "2029-01-10",
            "four years after the last full audit"
        );
        assert_eq!(good[1].due_on, "2028-06-01", "24 months when EI is high");
        let poor_record = OversightRecord {
            ei: Some(60.0),
            ..good_record
        };
        let poor = propose_next(&poor_record, today, i);
        assert_eq!(poor[1].due_on, "2026-12-01", "6 months when EI is low");
        let risky = propose_next(
            &OversightRecord {
                highest_residual: Some(RiskLevel::VeryHigh),
                ..poor_record
            },
            today,
            i,
        );
        assert_eq!(risky[1].due_on, "2026-11-29", "3 months: due already");
        assert!(risky[1].overdue);
        assert!(risky[1].basis.contains("very high"), "{}", risky[1].basis);
        let old = propose_next(
            &OversightRecord {
                last_full_audit: Some(d("2020-01-01")),
                ..Default::default()
            },
            today,
            i,
        );
        assert!(old[0].overdue);
        // An open finding: a high EI does not lengthen the interval past the usual one while
        // a level 2 is open, and a level 1 is followed up within a month.
        let level_2 = propose_next(
            &OversightRecord {
                open_finding: Some(FindingLevel::Level2),
                ..good_record
            },
            today,
            i,
        );
        assert_eq!(level_2[1].due_on, "2027-06-01", "12 months, not 24");
        assert!(level_2[1].basis.contains("level 2"), "{}", level_2[1].basis);
        let level_1 = propose_next(
            &OversightRecord {
                open_finding: Some(FindingLevel::Level1),
                last_activity: Some(d("2026-11-10")),
                ..good_record
            },
            today,
            i,
        );
        assert_eq!(level_1[1].due_on, "2026-12-10");
        let observation = propose_next(
            &OversightRecord {
                open_finding: Some(FindingLevel::Observation),
                ..good_record
            },
            today,
            i,
        );
        assert_eq!(
            observation[1].due_on, good[1].due_on,
            "an observation moves nothing"
        );
    }

    #[test]
    fn the_performer_decides_whose_ei_a_result_is_and_blends_are_asked_for() {
        assert_eq!(Performer::of(true, 1, 7), Performer::Authority);
        assert_eq!(Performer::of(false, 7, 7), Performer::SelfEvaluation);
        assert_eq!(Performer::of(false, 8, 7), Performer::Client);
        assert_eq!(
            Performer::selection(&[], false).unwrap(),
            vec![Performer::Authority],
            "the State's oversight unless asked otherwise"
        );
        assert_eq!(
            Performer::selection(
                &[Performer::SelfEvaluation, Performer::SelfEvaluation],
                false
            )
            .unwrap(),
            vec![Performer::SelfEvaluation]
        );
        let two = [Performer::SelfEvaluation, Performer::Authority];
        assert!(Performer::selection(&two, false).is_err());
        let blended = Performer::selection(&two, true).unwrap();
        assert_eq!(
            blended,
            vec![Performer::Authority, Performer::SelfEvaluation]
        );
        assert_eq!(
            Performer::selection_label(&blended),
            "Blended: State oversight + Self-evaluation"
        );
        assert_eq!(
            Performer::selection_label(&[Performer::Client]),
            "Client's audit of a contractor"
        );
    }

    #[test]
    fn finding_deadlines_follow_the_level() {
        assert!(FindingLevel::Level1.cap_days() < FindingLevel::Level2.cap_days());
        assert!(FindingLevel::Level2.cap_days() < FindingLevel::Observation.cap_days());
        assert!(FindingStatus::CapReturned.awaits_organisation());
        assert!(!FindingStatus::CapSubmitted.awaits_organisation());
        assert!(ActivityKind::TestCovert.is_test() && !ActivityKind::Inspection.is_test());
    }

    #[test]
    fn the_shipped_catalogue_is_a_proper_tree() {
        let codes: Vec<&str> = DEFAULT_CATALOGUE.iter().map(|n| n.code).collect();
        for (i, n) in DEFAULT_CATALOGUE.iter().enumerate() {
            assert!(!codes[..i].contains(&n.code), "{} twice", n.code);
            assert_eq!(check_code(n.code).unwrap(), n.code);
            match (n.parent, n.level.parent_level()) {
                (None, None) => {}
                (Some(p), Some(level)) => {
                    let parent = DEFAULT_CATALOGUE.iter().find(|x| x.code == p).unwrap();
                    assert_eq!(parent.level, level, "{}", n.code);
                }
                _ => panic!("{} has the wrong kind of parent", n.code),
            }
        }
        let chapters = DEFAULT_CATALOGUE
            .iter()
            .filter(|n| n.level == RequirementLevel::Chapter)
            .count();
        assert_eq!(chapters, 10);
        assert!(check_code("bad code").is_err());
        for (requirement, measure) in REQUIREMENT_MEASURES {
            assert!(codes.contains(requirement), "{requirement}");
            assert!(
                crate::measure::DEFAULT_BASELINE
                    .iter()
                    .any(|m| m.code == *measure),
                "{measure}"
            );
        }
    }
}
