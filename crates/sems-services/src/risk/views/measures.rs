//! The views of security measures and of an organisation's implementation of them.

use sems_domain::measure::{Exemption, MeasureStatus};
use sems_storage::risk::measures as rows;

crate::views::view! {
    /// A measure of the catalogue: a baseline measure of the authority or an organisation's own.
    SecurityMeasure from rows::SecurityMeasure {
        id: i64,
        party_id: i64,
        code: String,
        title: String,
        description: String,
        /// A baseline measure: an authority requirement, mandatory for every organisation.
        baseline: bool,
        published: bool,
        classification: i64,
        need_to_know: bool,
        /// The scenarios it mitigates.
        scenario_ids: Vec<i64>,
    }
}

crate::views::view! {
    /// An organisation's implementation of a measure, and its exemption from a baseline one.
    Implementation from rows::Implementation {
        id: i64,
        party_id: i64,
        measure_id: i64,
        responsible_person_id: Option<i64>,
        responsible_name: Option<String>,
        status: MeasureStatus,
        cost_one_off: i64,
        cost_annual: i64,
        note: String,
        exemption: Exemption,
        exemption_reason: String,
        exemption_decided_by_name: Option<String>,
        exemption_decided_at_ms: Option<i64>,
        exemption_decision_note: String,
        updated_at_ms: i64,
    }
}
