//! The Traffic Light Protocol 2.0 (FIRST): the label every shared item carries, what it means,
//! and whom a recipient may pass the item on to. sems enforces the onward sharing: a forward
//! beyond what the label allows is refused with the label's rule in the message.

use crate::vocabulary::vocabulary;

vocabulary!(
    /// A TLP 2.0 label.
    Tlp, "tlp", {
        Clear => "clear", "TLP:CLEAR";
        Green => "green", "TLP:GREEN";
        Amber => "amber", "TLP:AMBER";
        AmberStrict => "amber_strict", "TLP:AMBER+STRICT";
        Red => "red", "TLP:RED";
    }
);

/// The STIX 2.1 extension that defines the TLP 2.0 marking definitions.
pub const STIX_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

impl Tlp {
    /// What the label asks of a recipient, in the words shown beside it.
    pub fn meaning(self) -> &'static str {
        match self {
            Tlp::Clear => "Recipients may share it without limit.",
            Tlp::Green => {
                "Recipients may share it within the community of this deployment, not on public channels."
            }
            Tlp::Amber => {
                "Recipients may share it on a need-to-know basis within their organisation and with its clients and contractors."
            }
            Tlp::AmberStrict => {
                "Recipients may share it on a need-to-know basis within their organisation only."
            }
            Tlp::Red => "For the named recipients only: not to be shared further.",
        }
    }

    /// The published id of the label's STIX 2.1 marking definition.
    pub fn stix_marking(self) -> &'static str {
        match self {
            Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
            Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        }
    }

    /// The label of a STIX marking definition id: TLP 2.0's, or TLP 1.0's read as its 2.0
    /// counterpart (WHITE as CLEAR), so an older bundle keeps its restriction.
    pub fn of_stix_marking(id: &str) -> Option<Tlp> {
        const TLP_1: [(&str, Tlp); 4] = [
            (
                "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
                Tlp::Clear,
            ),
            (
                "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
                Tlp::Green,
            ),
            (
                "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
                Tlp::Amber,
            ),
            (
                "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
                Tlp::Red,
            ),
        ];
        Tlp::ALL
            .iter()
            .copied()
            .find(|t| t.stix_marking() == id)
            .or_else(|| TLP_1.iter().find(|(m, _)| *m == id).map(|(_, t)| *t))
    }

    /// Whether it is at least as restrictive as `other` (RED the most).
    pub fn at_least(self, other: Tlp) -> bool {
        self >= other
    }
}

/// Where a recipient would pass an item on to, as the rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Onward {
    /// A person or group of the recipient's own organisation.
    OwnOrganisation,
    /// A client or contractor of the recipient's organisation.
    ClientOrContractor,
    /// Another party of the deployment.
    Community,
    /// Outside the deployment (an export, a public channel).
    Outside,
}

/// Whether a recipient may pass an item labelled `tlp` on to `to`; the refusal says the rule.
pub fn may_forward(tlp: Tlp, to: Onward) -> Result<(), String> {
    let allowed = match tlp {
        Tlp::Clear => true,
        Tlp::Green => to != Onward::Outside,
        Tlp::Amber => matches!(to, Onward::OwnOrganisation | Onward::ClientOrContractor),
        Tlp::AmberStrict => to == Onward::OwnOrganisation,
        Tlp::Red => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(format!("{}: {}", tlp.label(), tlp.meaning()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_label_lets_an_item_go_as_far_as_tlp_2_says() {
        use Onward::*;
        let allowed = |tlp| {
            [OwnOrganisation, ClientOrContractor, Community, Outside]
                .into_iter()
                .filter(|o| may_forward(tlp, *o).is_ok())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            allowed(Tlp::Clear),
            vec![OwnOrganisation, ClientOrContractor, Community, Outside]
        );
        assert_eq!(
            allowed(Tlp::Green),
            vec![OwnOrganisation, ClientOrContractor, Community]
        );
        assert_eq!(
            allowed(Tlp::Amber),
            vec![OwnOrganisation, ClientOrContractor]
        );
        assert_eq!(allowed(Tlp::AmberStrict), vec![OwnOrganisation]);
        assert!(allowed(Tlp::Red).is_empty());
        let refusal = may_forward(Tlp::AmberStrict, ClientOrContractor).unwrap_err();
        assert!(refusal.starts_with("TLP:AMBER+STRICT: ") && refusal.contains("organisation only"));
        assert!(Tlp::Red.at_least(Tlp::Amber) && !Tlp::Green.at_least(Tlp::Amber));
    }

    #[test]
    fn the_stix_marking_definitions_are_the_published_ones() {
        assert_eq!(
            Tlp::Red.stix_marking(),
            "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
        );
        assert_eq!(
            Tlp::AmberStrict.stix_marking(),
            "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
        );
        for t in Tlp::ALL {
            assert_eq!(Tlp::of_stix_marking(t.stix_marking()), Some(*t));
            // TLP 1.0's RED keeps its restriction.
            assert_eq!(
                Tlp::of_stix_marking("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"),
                Some(Tlp::Red)
            );
        }
        assert_eq!(
            Tlp::of_stix_marking("marking-definition--00000000-0000-0000-0000-000000000000"),
            None
        );
    }
}
