//! Need-to-know information sharing (DESIGN.md module 7): the TLP 2.0 labels and what each lets
//! a recipient pass on (`sharing/tlp.rs`), the kinds of item and the security directive's
//! workflow with each recipient's steps and clocks (`sharing/directive.rs`), and STIX 2.1
//! bundles (`sharing/stix.rs`).

pub mod directive;
pub mod stix;
pub mod tlp;

use crate::party::PartyKind;
use crate::role::Role;
use crate::vocabulary::vocabulary;
use tlp::Tlp;

vocabulary!(
    /// What an item shared is.
    ItemKind, "kind", {
        ThreatBulletin => "threat_bulletin", "Threat bulletin";
        SecurityDirective => "security_directive", "Security directive";
        InformationCircular => "information_circular", "Information circular";
        LessonLearned => "lesson_learned", "Lesson learned";
    }
);

impl ItemKind {
    /// Whether recipients owe steps on it (acknowledgement, implementation).
    pub fn obliges(self) -> bool {
        self == ItemKind::SecurityDirective
    }
}

/// Whom an item is for: predefined kinds of audience, resolved to persons and groups when it is
/// issued.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "audience", rename_all = "snake_case", deny_unknown_fields)]
pub enum Audience {
    /// Every party of a kind (every airport operator): its security readers.
    PartyKind { party_kind: PartyKind },
    /// One party: its security readers.
    Party { party_id: i64 },
    /// The holders of a role, within one party or every party.
    Role {
        #[serde(default)]
        party_id: Option<i64>,
        role: Role,
    },
    /// A need-to-know group.
    Group { group_id: i64 },
    /// A named person.
    Person { person_id: i64 },
    /// One of the issuer's predefined distribution lists: its entries still in force.
    List { list_id: i64 },
}

/// The watermark of an export or printed view: who took it, of which organisation, when —
/// so a copy found where it should not be names its source.
pub fn watermark(reader: &str, organisation: &str, at: &str) -> String {
    format!("Taken by {reader} ({organisation}) at {at} — do not pass on beyond the label")
}

/// Checks an item's audience against its label: someone to send it to, and for TLP:RED named
/// persons only.
pub fn check_audience(tlp: Tlp, audience: &[Audience]) -> Result<(), crate::ValidationError> {
    if audience.is_empty() {
        return Err(crate::ValidationError::new(
            "audience",
            "name whom it is for: parties, roles, groups or persons",
        ));
    }
    if tlp == Tlp::Red
        && audience
            .iter()
            .any(|a| !matches!(a, Audience::Person { .. }))
    {
        return Err(crate::ValidationError::new(
            "audience",
            format!("{}: {}", tlp.label(), tlp.meaning()),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_watermark_names_the_reader_their_organisation_and_the_time() {
        let w = watermark("Sam Manager", "Capital Airport", "2026-12-06 10:00 UTC");
        assert!(
            w.contains("Sam Manager")
                && w.contains("Capital Airport")
                && w.contains("2026-12-06 10:00 UTC")
        );
    }

    #[test]
    fn red_goes_to_named_persons_only_and_an_audience_reads_as_json() {
        let parties = [Audience::PartyKind {
            party_kind: PartyKind::AirportOperator,
        }];
        assert!(check_audience(Tlp::Amber, &parties).is_ok());
        assert!(check_audience(Tlp::Red, &parties)
            .unwrap_err()
            .message
            .contains("named recipients only"));
        assert!(check_audience(Tlp::Red, &[Audience::Person { person_id: 3 }]).is_ok());
        assert!(check_audience(Tlp::Green, &[]).is_err());
        let a: Vec<Audience> = serde_json::from_str(
            r#"[{"audience":"role","role":"security_manager"},{"audience":"party_kind","party_kind":"air_carrier"}]"#,
        )
        .unwrap();
        assert_eq!(
            a[0],
            Audience::Role {
                party_id: None,
                role: Role::SecurityManager
            }
        );
        assert!(serde_json::from_str::<Vec<Audience>>(r#"[{"audience":"everyone"}]"#).is_err());
    }
}
