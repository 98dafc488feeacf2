//! The views of assessments and what hangs on them: their history, acceptances, the
//! objective data on their scenarios and mitigation actions.

use sems_domain::measure::{ActionStatus, Effect, EvidenceKind};
use sems_storage::risk as rows;

crate::views::view! {
    /// A risk assessment of a scenario for an organisation (or one of its sites), scored under
    /// the method version it was made with.
    RiskAssessment from rows::Assessment {
        id: i64,
        party_id: i64,
        party_name: String,
        site_id: Option<i64>,
        site_name: Option<String>,
        scenario_id: i64,
        scenario_code: String,
        scenario_title: String,
        method_version: i64,
        likelihood: i64,
        likelihood_rationale: String,
        consequence_human: i64,
        consequence_economic: i64,
        consequence_political: i64,
        consequence_rationale: String,
        vulnerability: i64,
        vulnerability_rationale: String,
        /// The score proposed from objective data when the assessment was made, if any.
        likelihood_proposed: Option<i64>,
        /// Why the assessor departed from the proposal (empty when they followed it).
        likelihood_override_reason: String,
        vulnerability_proposed: Option<i64>,
        vulnerability_override_reason: String,
        /// Links to the evidence behind the scores.
        evidence: Vec<String>,
        inherent_score: i64,
        inherent_level: String,
        residual_score: i64,
        residual_level: String,
        review_required: bool,
        /// What marked the assessment "review required".
        review_reason: String,
        /// The newest acceptance of the current residual score: by whom, until when (it may
        /// have lapsed).
        accepted_by_name: Option<String>,
        accepted_until: Option<time::Date>,
        next_review_on: time::Date,
        classification: i64,
        need_to_know: bool,
        updated_at_ms: i64,
    }
}

crate::views::view! {
    /// One change of an assessment: who, when, why, and the assessment before and after.
    AssessmentChange from rows::AssessmentChange {
        changed_by: Option<i64>,
        changed_by_name: Option<String>,
        changed_at_ms: i64,
        reason: String,
        /// The assessment before the change, as JSON (none for the first assessment).
        before: Option<String>,
        /// The assessment after the change, as JSON.
        after: String,
    }
}

crate::views::view! {
    /// The accountable executive's acceptance of an assessment's residual risk, until a date.
    Acceptance from rows::Acceptance {
        id: i64,
        assessment_id: i64,
        accepted_by: i64,
        accepted_by_name: String,
        accepted_at_ms: i64,
        expires_on: time::Date,
        /// The method version and residual risk accepted: a later change of either ends it.
        method_version: i64,
        residual_score: i64,
        residual_level: String,
        note: String,
    }
}

crate::views::view! {
    /// A test result or an occurrence on a scenario at an organisation.
    RiskEvidence from rows::evidence::Evidence {
        id: i64,
        party_id: i64,
        scenario_id: i64,
        kind: EvidenceKind,
        /// For a test: whether it passed.
        passed: Option<bool>,
        occurred_on: time::Date,
        summary: String,
        /// Which module or person recorded it (`manual`, `api`, `oversight`, `reporting`).
        source: String,
        /// A reference in the source (a test or report number).
        source_ref: String,
        recorded_by_name: Option<String>,
        recorded_at_ms: i64,
    }
}

crate::views::view! {
    /// A mitigation action on an assessment, with the score it is expected to lower.
    MitigationAction from rows::actions::MitigationAction {
        id: i64,
        assessment_id: i64,
        party_id: i64,
        title: String,
        responsible_person_id: Option<i64>,
        responsible_name: Option<String>,
        due_on: time::Date,
        status: ActionStatus,
        cost_one_off: i64,
        cost_annual: i64,
        effect_on: Effect,
        /// By how many points the score is expected to fall (1–4).
        expected_reduction: i64,
        updated_at_ms: i64,
    }
}
