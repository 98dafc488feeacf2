//! Need-to-know information sharing (DESIGN.md module 7): the TLP 2.0 labels and what each lets
//! a recipient pass on (`sharing/tlp.rs`), the kinds of item and the security directive's
//! workflow with each recipient's steps and clocks (`sharing/directive.rs`), and STIX 2.1
//! bundles (`sharing/stix.rs`).

pub mod directive;
pub mod stix;
pub mod tlp;

use crate::vocabulary::vocabulary;

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
