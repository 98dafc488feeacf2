//! The actions of oversight and quality control in the audit trail, each with
//! the word stored and the kind of record it is about. A new action of the module is a
//! constant here.

use sems_domain::access::RecordKind;
use sems_domain::audit::{AuditAction, AuditRecord};

pub const CONTRACTOR_ADD: AuditAction =
    AuditAction::new("contractor.add", AuditRecord::Kind(RecordKind::Party));
pub const FINDING_CAP_ACCEPT: AuditAction =
    AuditAction::new("finding.cap_accept", AuditRecord::Kind(RecordKind::Finding));
pub const FINDING_CAP_RETURN: AuditAction =
    AuditAction::new("finding.cap_return", AuditRecord::Kind(RecordKind::Finding));
pub const FINDING_CAP_SUBMIT: AuditAction =
    AuditAction::new("finding.cap_submit", AuditRecord::Kind(RecordKind::Finding));
pub const FINDING_CLOSE: AuditAction =
    AuditAction::new("finding.close", AuditRecord::Kind(RecordKind::Finding));
pub const FINDING_COMPLETE: AuditAction =
    AuditAction::new("finding.complete", AuditRecord::Kind(RecordKind::Finding));
pub const FINDING_ESCALATE: AuditAction =
    AuditAction::new("finding.escalate", AuditRecord::Kind(RecordKind::Finding));
pub const FINDING_RAISE: AuditAction =
    AuditAction::new("finding.raise", AuditRecord::Kind(RecordKind::Finding));
pub const FINDING_REOPEN: AuditAction =
    AuditAction::new("finding.reopen", AuditRecord::Kind(RecordKind::Finding));
pub const OVERSIGHT_ACTIVITY_ANSWER: AuditAction = AuditAction::new(
    "oversight_activity.answer",
    AuditRecord::Kind(RecordKind::OversightActivity),
);
pub const OVERSIGHT_ACTIVITY_COMPLETE: AuditAction = AuditAction::new(
    "oversight_activity.complete",
    AuditRecord::Kind(RecordKind::OversightActivity),
);
pub const OVERSIGHT_ACTIVITY_EVIDENCE: AuditAction = AuditAction::new(
    "oversight_activity.evidence",
    AuditRecord::Kind(RecordKind::OversightActivity),
);
pub const OVERSIGHT_ACTIVITY_PLAN: AuditAction = AuditAction::new(
    "oversight_activity.plan",
    AuditRecord::Kind(RecordKind::OversightActivity),
);
pub const OVERSIGHT_ACTIVITY_RELEASE: AuditAction = AuditAction::new(
    "oversight_activity.release",
    AuditRecord::Kind(RecordKind::OversightActivity),
);
pub const OVERSIGHT_ACTIVITY_REPORT_ISSUE: AuditAction = AuditAction::new(
    "oversight_activity.report_issue",
    AuditRecord::Kind(RecordKind::OversightActivity),
);
pub const REQUIREMENTS_ADD: AuditAction =
    AuditAction::new("requirements.add", AuditRecord::RequirementCatalogue);
pub const REQUIREMENTS_PUBLISH: AuditAction =
    AuditAction::new("requirements.publish", AuditRecord::RequirementCatalogue);
pub const CATALOGUE_CREATE: AuditAction =
    AuditAction::new("catalogue.create", AuditRecord::RequirementCatalogue);
pub const CATALOGUE_SCALE: AuditAction =
    AuditAction::new("catalogue.scale", AuditRecord::RequirementCatalogue);
pub const OVERSIGHT_METHOD_PUBLISH: AuditAction = AuditAction::new(
    "oversight_method.publish",
    AuditRecord::Kind(RecordKind::OversightMethod),
);
