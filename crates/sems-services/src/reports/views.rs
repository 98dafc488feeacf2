//! What confidential reporting's part of `/api/v1` serves: view types of the services, apart
//! from the storage rows they are made from, so that a column renamed in the database does not
//! rename a field of the public API. Each view takes its row apart field by field (no `..`): a
//! column added to a row is a compile error here until someone decides whether the API shows
//! it — which matters more here than anywhere, since a reporter's protection depends on what
//! leaves the organisation.

use sems_domain::action::ActionStatus;
use sems_domain::report::{DisclosureDecision, MessageSide, ReportMode, ReportStatus, Severity};
use sems_storage::reports as rows;

crate::views::view! {
    /// A category of the authority's taxonomy of reports.
    ReportCategory from rows::Category {
        code: String,
        label: String,
    }
}

crate::views::view! {
    /// A security report as its handlers see it (never the sealed identity).
    Report from rows::Report {
        id: i64,
        party_id: i64,
        party_name: String,
        site_id: Option<i64>,
        site_name: Option<String>,
        category_code: String,
        category_label: String,
        /// When it happened, as the reporter gave it: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
        occurred_at: String,
        location: String,
        what_happened: String,
        reporter_thinks_mandatory: bool,
        mode: ReportMode,
        /// Only for an identified report.
        reporter_person_id: Option<i64>,
        reporter_name: Option<String>,
        status: ReportStatus,
        severity: Option<Severity>,
        /// Whether it must go to the authority, once triaged.
        mandatory: Option<bool>,
        triage_note: String,
        outcome: String,
        lessons: String,
        /// A word of the reporting rules' just-culture decisions.
        just_culture: Option<String>,
        /// The version that may leave the organisation.
        deidentified_text: String,
        filed_at_ms: i64,
        triaged_at_ms: Option<i64>,
        investigation_at_ms: Option<i64>,
        closed_at_ms: Option<i64>,
        forward_due_at_ms: Option<i64>,
        forwarded_at_ms: Option<i64>,
        triage_due_at_ms: Option<i64>,
        closure_due_at_ms: Option<i64>,
        /// The organisation's analysis for the authority: due, de-identified text, sent.
        analysis_due_at_ms: Option<i64>,
        analysis_text: String,
        analysis_sent_at_ms: Option<i64>,
        /// The final result for the authority: due, outcome, lessons, actions, the class of
        /// the just-culture decision (a word of the reporting rules), sent.
        final_due_at_ms: Option<i64>,
        final_outcome: String,
        final_lessons: String,
        final_actions: String,
        final_just_culture: Option<String>,
        final_sent_at_ms: Option<i64>,
        classification: i64,
        need_to_know: bool,
        /// The threat scenarios triage linked it to.
        scenario_ids: Vec<i64>,
        updated_at_ms: i64,
        /// Set when the reader is served the times to the day only: every `_at_ms` is then the
        /// start of its day (UTC).
        times_to_the_day: bool,
    }
}

crate::views::view! {
    /// A forwarded report as the authority reads it: de-identified, nothing else.
    Occurrence from rows::Occurrence {
        id: i64,
        party_id: i64,
        party_name: String,
        site_name: Option<String>,
        category_code: String,
        category_label: String,
        occurred_at: String,
        severity: Option<Severity>,
        mandatory: Option<bool>,
        status: ReportStatus,
        /// The de-identified version the organisation forwarded.
        text: String,
        /// The day it was forwarded (its start, UTC).
        forwarded_at_ms: i64,
        forward_due_at_ms: Option<i64>,
        /// The organisation's analysis for the authority: due, de-identified text, sent.
        analysis_due_at_ms: Option<i64>,
        analysis_text: String,
        analysis_sent_at_ms: Option<i64>,
        /// The final result for the authority: due, outcome, lessons, actions, the class of
        /// the just-culture decision (a word of the reporting rules), sent.
        final_due_at_ms: Option<i64>,
        final_outcome: String,
        final_lessons: String,
        final_actions: String,
        final_just_culture: Option<String>,
        final_sent_at_ms: Option<i64>,
    }
}

crate::views::view! {
    /// A file attached to a report: its metadata (the bytes are served by the pages).
    ReportAttachment from rows::Attachment {
        id: i64,
        report_id: i64,
        filename: String,
        content_type: String,
        size_bytes: i64,
        sha256: String,
    }
}

crate::views::view! {
    /// A message on a report: with the reporter, or between the authority and the organisation.
    ReportMessage from rows::Message {
        id: i64,
        side: MessageSide,
        /// Never shown to the reporter; absent for the reporter's own messages.
        author_name: Option<String>,
        body: String,
        created_at_ms: i64,
    }
}

crate::views::view! {
    /// A handler's request to know a confidential reporter's identity, and the custodian's
    /// decision.
    IdentityRequest from rows::IdentityRequest {
        id: i64,
        report_id: i64,
        requested_by: i64,
        requested_by_name: String,
        reason: String,
        requested_at_ms: i64,
        decision: DisclosureDecision,
        decided_by_name: Option<String>,
        decision_note: String,
        decided_at_ms: Option<i64>,
        /// An approval opens the identity once, until then.
        valid_until_ms: Option<i64>,
        used_at_ms: Option<i64>,
    }
}

crate::views::view! {
    /// A corrective action of a closed report, as the report shows it (the action itself is in
    /// the register).
    ReportAction from rows::ReportAction {
        id: i64,
        title: String,
        responsible_name: Option<String>,
        due_on: time::Date,
        status: ActionStatus,
    }
}
