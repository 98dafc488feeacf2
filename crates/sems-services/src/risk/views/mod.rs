//! What the risk part of `/api/v1` serves and its audit trail records: view types of the
//! services, apart from the storage rows they are made from, so that a column renamed in the
//! database does not rename a field of the public API. Each view takes its row apart field by
//! field (no `..`): a column added to a row is a compile error here until someone decides
//! whether the API shows it.

mod assessments;
mod measures;

pub use assessments::{
    Acceptance, AssessmentChange, MitigationAction, RiskAssessment, RiskEvidence,
};
pub use measures::{Implementation, SecurityMeasure};

use sems_domain::risk::RiskMethod;
use sems_domain::scenario::{Perpetrator, ScenarioCategory};
use sems_storage::risk as rows;

crate::views::view! {
    /// A published version of the risk method. Assessments keep the version they were made with.
    RiskMethodVersion from rows::MethodVersion {
        version: i64,
        owner_party_id: i64,
        /// The scales (likelihood, the three consequences, vulnerability: five anchors each), how
        /// the consequences combine, and the five bands over likelihood × consequence ×
        /// vulnerability (1–125).
        method: RiskMethod,
        note: String,
        published_at_ms: i64,
    }
}

crate::views::view! {
    /// The national threat level of a scenario category (1–5), which feeds likelihood proposals.
    ThreatLevel from rows::ThreatLevel {
        category: ScenarioCategory,
        #[schema(minimum = 1, maximum = 5)]
        level: i64,
        rationale: String,
        set_at_ms: i64,
    }
}

crate::views::view! {
    /// A threat scenario: of the national library (published by the authority) or an
    /// organisation's own.
    ThreatScenario from rows::ThreatScenario {
        id: i64,
        /// The party that owns it: the authority for the national library.
        party_id: i64,
        code: String,
        category: ScenarioCategory,
        title: String,
        target: String,
        means: String,
        perpetrator: Perpetrator,
        description: String,
        published: bool,
        classification: i64,
        need_to_know: bool,
        active: bool,
    }
}
