//! Training, vetting and security culture (DESIGN.md module 6): the national training
//! programme as data (`training/programme.rs`), the clocks that say whether a person is current
//! in each requirement (`training/currency.rs`), and the culture surveys' question bank, index
//! and the suppression that keeps their answers anonymous (`training/survey.rs`).

pub mod assess;
pub mod currency;
pub mod programme;
pub mod survey;

use crate::vocabulary::vocabulary;

vocabulary!(
    /// A category of staff the national training programme sets requirements for
    /// (Regulation 2015/1998, chapter 11, in our own words).
    Function, "function", {
        ScreenerPersons => "screener_persons", "Screener: persons and cabin baggage";
        ScreenerHold => "screener_hold", "Screener: hold baggage";
        ScreenerCargo => "screener_cargo", "Screener: cargo and mail";
        AccessControl => "access_control", "Access control";
        AircraftSecurity => "aircraft_security", "Aircraft security checks and protection";
        CargoControls => "cargo_controls", "Cargo and mail security controls";
        Supplies => "supplies", "In-flight and airport supplies security";
        Supervisor => "supervisor", "Supervisor of security controls";
        SecurityManager => "security_manager", "Security manager";
        UnescortedAccess => "unescorted_access", "Unescorted access to security restricted areas";
        Awareness => "awareness", "General security awareness";
        Instructor => "instructor", "Security instructor";
    }
);

impl Function {
    /// Whether the function screens with X-ray or EDS equipment (certified every 3 years,
    /// continuous image-recognition training).
    pub fn screens(self) -> bool {
        matches!(
            self,
            Function::ScreenerPersons | Function::ScreenerHold | Function::ScreenerCargo
        )
    }
}

vocabulary!(
    /// How deep a background check goes: the standard check, or the enhanced one that adds
    /// intelligence information.
    CheckLevel, "level", {
        Standard => "standard", "Standard background check";
        Enhanced => "enhanced", "Enhanced background check";
    }
);

impl CheckLevel {
    /// Whether a check of this level satisfies a requirement of `required`.
    pub fn satisfies(self, required: CheckLevel) -> bool {
        self == CheckLevel::Enhanced || required == CheckLevel::Standard
    }
}

vocabulary!(
    /// What a background check concluded. sems keeps that a check was done and its validity,
    /// never its content.
    CheckOutcome, "outcome", {
        Cleared => "cleared", "Cleared";
        NotCleared => "not_cleared", "Not cleared";
    }
);
