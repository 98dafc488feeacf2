//! Threat scenarios: target + means/method + perpetrator + description, grouped in categories
//! for which the authority sets a national threat level. The national library sems ships is
//! written here, in our own words; the authority and organisations add their own.

use crate::ValidationError;

/// Who carries out the attack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Perpetrator {
    External,
    Insider,
}

crate::vocabulary::words_serde!(Perpetrator);

impl Perpetrator {
    pub const ALL: [Perpetrator; 2] = [Perpetrator::External, Perpetrator::Insider];

    pub fn as_str(self) -> &'static str {
        match self {
            Perpetrator::External => "external",
            Perpetrator::Insider => "insider",
        }
    }
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        match input.trim() {
            "external" => Ok(Perpetrator::External),
            "insider" => Ok(Perpetrator::Insider),
            other => Err(ValidationError::new(
                "perpetrator",
                format!("must be external or insider (got '{other}')"),
            )),
        }
    }
}

/// The categories of the national library, each with a national threat level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScenarioCategory {
    Explosives,
    ProhibitedItems,
    UnauthorisedAccess,
    StandOff,
    Cyber,
    Hijack,
    ArmedAttack,
    Cbrn,
    SupplyChain,
    Hoax,
}

crate::vocabulary::words_serde!(ScenarioCategory);

impl ScenarioCategory {
    pub const ALL: [ScenarioCategory; 10] = [
        ScenarioCategory::Explosives,
        ScenarioCategory::ProhibitedItems,
        ScenarioCategory::UnauthorisedAccess,
        ScenarioCategory::StandOff,
        ScenarioCategory::Cyber,
        ScenarioCategory::Hijack,
        ScenarioCategory::ArmedAttack,
        ScenarioCategory::Cbrn,
        ScenarioCategory::SupplyChain,
        ScenarioCategory::Hoax,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ScenarioCategory::Explosives => "explosives",
            ScenarioCategory::ProhibitedItems => "prohibited_items",
            ScenarioCategory::UnauthorisedAccess => "unauthorised_access",
            ScenarioCategory::StandOff => "stand_off",
            ScenarioCategory::Cyber => "cyber",
            ScenarioCategory::Hijack => "hijack",
            ScenarioCategory::ArmedAttack => "armed_attack",
            ScenarioCategory::Cbrn => "cbrn",
            ScenarioCategory::SupplyChain => "supply_chain",
            ScenarioCategory::Hoax => "hoax",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ScenarioCategory::Explosives => "Improvised explosive devices",
            ScenarioCategory::ProhibitedItems => "Prohibited items and weapons",
            ScenarioCategory::UnauthorisedAccess => "Unauthorised access",
            ScenarioCategory::StandOff => "Stand-off attacks (MANPADS, drones, lasers)",
            ScenarioCategory::Cyber => "Cyber attacks",
            ScenarioCategory::Hijack => "Hijack and sabotage on board",
            ScenarioCategory::ArmedAttack => "Armed attacks",
            ScenarioCategory::Cbrn => "Chemical, biological, radiological, nuclear",
            ScenarioCategory::SupplyChain => "Supply chain (cargo, mail, supplies)",
            ScenarioCategory::Hoax => "Hoaxes and threats",
        }
    }

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == input.trim())
            .ok_or_else(|| {
                ValidationError::new("category", format!("unknown category '{}'", input.trim()))
            })
    }
}

/// A scenario of the shipped national library.
#[derive(Debug, Clone, Copy)]
pub struct LibraryScenario {
    pub code: &'static str,
    pub category: ScenarioCategory,
    pub title: &'static str,
    pub target: &'static str,
    pub means: &'static str,
    pub perpetrator: Perpetrator,
    pub description: &'static str,
}

const fn sc(
    code: &'static str,
    category: ScenarioCategory,
    title: &'static str,
    target: &'static str,
    means: &'static str,
    perpetrator: Perpetrator,
    description: &'static str,
) -> LibraryScenario {
    LibraryScenario {
        code,
        category,
        title,
        target,
        means,
        perpetrator,
        description,
    }
}

use Perpetrator::{External, Insider};
use ScenarioCategory as C;

/// The national library sems ships (16 scenarios).
pub const DEFAULT_LIBRARY: [LibraryScenario; 16] = [
    sc("NAT-01", C::Explosives, "IED in hold baggage", "Aircraft in flight", "Explosive device concealed in checked baggage", External,
       "A passenger checks in a bag containing an improvised explosive device timed or triggered to function in flight."),
    sc("NAT-02", C::Explosives, "IED carried by a passenger", "Aircraft in flight", "Explosive device on the person or in cabin baggage", External,
       "A passenger carries an improvised explosive device through screening, hidden on the body, in clothing or in cabin baggage."),
    sc("NAT-03", C::ProhibitedItems, "Insider introduces a prohibited item airside", "Aircraft or airside areas", "Item passed through staff access or left for a passenger", Insider,
       "A person with airside access uses their access to bring in a weapon or device, or to leave it for someone else to collect."),
    sc("NAT-04", C::Explosives, "Vehicle-borne IED landside", "Terminal forecourt and public areas", "Explosives in a vehicle driven to or parked at the terminal", External,
       "A vehicle carrying a large explosive charge is driven into or parked beside a crowded landside area."),
    sc("NAT-05", C::UnauthorisedAccess, "Unauthorised access airside", "Aircraft, apron, restricted areas", "Breach of the perimeter or of an access point", External,
       "A person enters the security restricted area without authorisation, by breaching the fence, tailgating or using a stolen or forged pass."),
    sc("NAT-06", C::StandOff, "MANPADS attack on an aircraft", "Aircraft on approach or departure", "Man-portable air defence system fired from outside the airport", External,
       "A shoulder-launched missile is fired at an aircraft during take-off or landing from the approach or departure paths."),
    sc("NAT-07", C::StandOff, "Drone incursion", "Runways, approach paths, aircraft", "Unmanned aircraft flown into controlled airspace", External,
       "A drone is flown near the runway or approach path, forcing suspension of operations or colliding with an aircraft."),
    sc("NAT-08", C::Cyber, "Cyber attack on departure control", "Departure control and check-in systems", "Malware or intrusion into operator systems", External,
       "An attacker disables or manipulates departure control, baggage reconciliation or access-control systems."),
    sc("NAT-09", C::SupplyChain, "IED in cargo or mail", "Aircraft in flight", "Explosive device in a consignment", External,
       "An explosive device is concealed in an air cargo or mail consignment that is not secured through a secure supply chain."),
    sc("NAT-10", C::Hijack, "Hijack of an aircraft", "Aircraft in flight, passengers and crew", "Weapons or threats used to take control of the aircraft", External,
       "Persons on board take control of the aircraft by force or threat, possibly with weapons obtained through a screening or insider failure."),
    sc("NAT-11", C::ArmedAttack, "Armed attack landside", "Terminal public areas", "Firearms or bladed weapons against crowds", External,
       "Attackers with firearms or knives attack people in check-in halls, arrival halls or queues at screening."),
    sc("NAT-12", C::StandOff, "Laser attack on flight crew", "Flight crew on approach", "High-powered laser aimed at the cockpit", External,
       "A laser is pointed at the cockpit during a critical phase of flight, dazzling or injuring the crew."),
    sc("NAT-13", C::Cbrn, "CBRN release landside", "Terminal public areas", "Release of a chemical, biological or radiological agent", External,
       "A harmful agent is released in a crowded landside area or into the terminal's ventilation."),
    sc("NAT-14", C::SupplyChain, "Tampering with in-flight supplies", "Aircraft in flight, passengers", "Prohibited item hidden in catering or supplies", Insider,
       "A person in the supply chain hides a prohibited item in in-flight or airport supplies that are not protected after screening."),
    sc("NAT-15", C::Hoax, "Hoax bomb threat", "Airport or aircraft operations", "Telephone, e-mail or social media threat", External,
       "A false threat of a device on board or in the terminal disrupts operations and tests the threat-assessment procedure."),
    sc("NAT-16", C::Cyber, "Insider manipulation of access control", "Access-control and pass systems", "Misuse of privileged system access", Insider,
       "An employee with administrative access issues passes or grants access rights without authorisation."),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_is_complete_and_unique() {
        assert!(DEFAULT_LIBRARY.len() >= 15);
        let mut codes: Vec<&str> = DEFAULT_LIBRARY.iter().map(|s| s.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), DEFAULT_LIBRARY.len());
        assert!(DEFAULT_LIBRARY
            .iter()
            .any(|s| s.perpetrator == Perpetrator::Insider));
        for s in DEFAULT_LIBRARY {
            assert!(!s.description.is_empty() && !s.target.is_empty() && !s.means.is_empty());
        }
    }

    #[test]
    fn categories_and_perpetrators_parse() {
        for c in ScenarioCategory::ALL {
            assert_eq!(ScenarioCategory::parse(c.as_str()).unwrap(), c);
        }
        assert!(ScenarioCategory::parse("piracy").is_err());
        assert_eq!(Perpetrator::parse("insider").unwrap(), Perpetrator::Insider);
        assert!(Perpetrator::parse("alien").is_err());
    }
}
