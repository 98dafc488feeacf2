//! What oversight's part of `/api/v1` serves and its audit trail records: views of the
//! activity, checklist, finding and catalogue rows, made field by field (see
//! `crate::views` for why).

use sems_domain::oversight::{ActivityStatus, FindingLevel, FindingStatus, RequirementLevel};

crate::views::view! {
    /// A finding raised in an oversight activity, with its corrective action plan and the overseer's decisions.
    Finding from sems_storage::oversight::findings::Finding {
        id: i64,
        /// The overseen organisation, which corrects it.
        party_id: i64,
        party_name: String,
        raised_by_party_id: i64,
        activity_id: i64,
        activity_title: String,
        item_id: Option<i64>,
        requirement_code: String,
        level: FindingLevel,
        description: String,
        status: FindingStatus,
        due_on: time::Date,
        root_cause: String,
        cap_actions: String,
        cap_owner_person_id: Option<i64>,
        cap_owner_name: Option<String>,
        cap_due_on: Option<time::Date>,
        compensatory_measures: String,
        overseer_comment: String,
        completion_evidence: String,
        classification: i64,
        need_to_know: bool,
        created_at_ms: i64,
        updated_at_ms: i64,
    }
}

crate::views::view! {
    /// One step of a finding's workflow: who moved it, when, to what, and why.
    FindingStep from sems_storage::oversight::findings::FindingStep {
        status: FindingStatus,
        by_name: Option<String>,
        note: String,
        at_ms: i64,
    }
}

crate::views::view! {
    /// An oversight activity: an audit, inspection, test, trial or survey of an organisation.
    Activity from sems_storage::oversight::activities::Activity {
        id: i64,
        /// The party that performs it.
        party_id: i64,
        party_name: String,
        overseen_party_id: i64,
        overseen_party_name: String,
        /// A kind of the oversight method, and its label as planned.
        kind: String,
        kind_label: String,
        /// Whose results these are: the State's oversight, a self-evaluation, a client's audit.
        performer: sems_domain::oversight::Performer,
        title: String,
        catalogue_party_id: i64,
        catalogue_id: i64,
        catalogue_code: String,
        catalogue_version: i64,
        /// The oversight method's version it was planned with and the scale it is answered on.
        method_version: i64,
        scale: String,
        announced: bool,
        covert: bool,
        released: bool,
        status: ActivityStatus,
        planned_on: time::Date,
        started_on: Option<time::Date>,
        completed_on: Option<time::Date>,
        classification: i64,
        need_to_know: bool,
        updated_at_ms: i64,
    }
}

crate::views::view! {
    /// One requirement of an activity's checklist, with its answer.
    ChecklistItem from sems_storage::oversight::activities::ChecklistItem {
        id: i64,
        requirement_code: String,
        requirement_title: String,
        area_code: String,
        /// A word of the activity's scale.
        answer: Option<String>,
        notes: String,
        test_passed: Option<bool>,
        test_method: String,
        answered_by_name: Option<String>,
        answered_at_ms: Option<i64>,
    }
}

crate::views::view! {
    /// A version of an activity's report, as issued.
    IssuedReport from sems_storage::oversight::activities::IssuedReport {
        activity_id: i64,
        version: i64,
        summary: String,
        content_json: String,
        issued_by_name: Option<String>,
        issued_at_ms: i64,
    }
}

crate::views::view! {
    /// A file attached as evidence to a checklist item (its content is served apart).
    ItemEvidence from sems_storage::oversight::activities::ItemEvidence {
        id: i64,
        item_id: i64,
        filename: String,
        content_type: String,
        size_bytes: i64,
        sha256: String,
    }
}

crate::views::view! {
    /// A published version of a requirements catalogue.
    CatalogueVersion from sems_storage::oversight::requirements::CatalogueVersion {
        catalogue_id: i64,
        version: i64,
        note: String,
        published_by_name: Option<String>,
        published_at_ms: i64,
        requirements: i64,
    }
}

crate::views::view! {
    /// A catalogue of requirements: a party's national programme, a sector catalogue or
    /// internal requirements, with the scale its checklists are answered on.
    Catalogue from sems_storage::oversight::requirements::Catalogue {
        id: i64,
        owner_party_id: i64,
        owner_name: String,
        code: String,
        title: String,
        /// The kind of organisation a sector catalogue is for; none: every kind.
        sector: Option<sems_domain::party::PartyKind>,
        /// A scale of the oversight method.
        scale: String,
        current_version: Option<i64>,
    }
}

crate::views::view! {
    /// A node of a requirements catalogue: the programme, a chapter or a requirement.
    Requirement from sems_storage::oversight::requirements::Requirement {
        id: i64,
        owner_party_id: i64,
        version: i64,
        code: String,
        parent_code: Option<String>,
        level: RequirementLevel,
        title: String,
        text: String,
        published: bool,
    }
}
