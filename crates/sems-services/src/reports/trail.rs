//! The actions of confidential security reporting in the audit trail, each with
//! the word stored and the kind of record it is about. A new action of the module is a
//! constant here.

use sems_domain::access::RecordKind;
use sems_domain::audit::{AuditAction, AuditRecord};

pub const OCCURRENCE_MESSAGE: AuditAction = AuditAction::new(
    "occurrence.message",
    AuditRecord::Kind(RecordKind::SecurityReport),
);
/// Recorded by the set-up of releases before the reporting rules (schema 27); still read.
pub const REPORT_CATEGORY_CREATE: AuditAction =
    AuditAction::new("report_category.create", AuditRecord::ReportCategory);
pub const REPORTING_RULES_PUBLISH: AuditAction = AuditAction::new(
    "reporting_rules.publish",
    AuditRecord::Kind(RecordKind::ReportingRules),
);
pub const OCCURRENCE_ANALYSIS: AuditAction = AuditAction::new(
    "occurrence.analysis",
    AuditRecord::Kind(RecordKind::Occurrence),
);
pub const OCCURRENCE_FINAL_RESULT: AuditAction = AuditAction::new(
    "occurrence.final_result",
    AuditRecord::Kind(RecordKind::Occurrence),
);
pub const SECURITY_REPORT_CLOSE: AuditAction = AuditAction::new(
    "security_report.close",
    AuditRecord::Kind(RecordKind::SecurityReport),
);
pub const SECURITY_REPORT_DEIDENTIFY: AuditAction = AuditAction::new(
    "security_report.deidentify",
    AuditRecord::Kind(RecordKind::SecurityReport),
);
pub const SECURITY_REPORT_FILE: AuditAction = AuditAction::new(
    "security_report.file",
    AuditRecord::Kind(RecordKind::SecurityReport),
);
pub const SECURITY_REPORT_FORWARD: AuditAction = AuditAction::new(
    "security_report.forward",
    AuditRecord::Kind(RecordKind::SecurityReport),
);
pub const SECURITY_REPORT_FORWARD_PROPOSED: AuditAction = AuditAction::new(
    "security_report.forward_proposed",
    AuditRecord::Kind(RecordKind::SecurityReport),
);
pub const SECURITY_REPORT_IDENTITY_APPROVE: AuditAction = AuditAction::new(
    "security_report.identity_approve",
    AuditRecord::IdentityRequest,
);
pub const SECURITY_REPORT_IDENTITY_DISCLOSED: AuditAction = AuditAction::new(
    "security_report.identity_disclosed",
    AuditRecord::Kind(RecordKind::SecurityReport),
);
pub const SECURITY_REPORT_IDENTITY_REFUSE: AuditAction = AuditAction::new(
    "security_report.identity_refuse",
    AuditRecord::IdentityRequest,
);
pub const SECURITY_REPORT_IDENTITY_REQUEST: AuditAction = AuditAction::new(
    "security_report.identity_request",
    AuditRecord::IdentityRequest,
);
pub const SECURITY_REPORT_INVESTIGATE: AuditAction = AuditAction::new(
    "security_report.investigate",
    AuditRecord::Kind(RecordKind::SecurityReport),
);
pub const SECURITY_REPORT_MESSAGE: AuditAction = AuditAction::new(
    "security_report.message",
    AuditRecord::Kind(RecordKind::SecurityReport),
);
pub const SECURITY_REPORT_REPORTER_REPLY: AuditAction = AuditAction::new(
    "security_report.reporter_reply",
    AuditRecord::Kind(RecordKind::SecurityReport),
);
pub const SECURITY_REPORT_TRIAGE: AuditAction = AuditAction::new(
    "security_report.triage",
    AuditRecord::Kind(RecordKind::SecurityReport),
);
