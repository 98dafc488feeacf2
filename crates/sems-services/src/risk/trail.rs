//! The actions of threat and risk management in the audit trail, each with
//! the word stored and the kind of record it is about. A new action of the module is a
//! constant here.

use sems_domain::access::RecordKind;
use sems_domain::audit::{AuditAction, AuditRecord};

pub const RISK_ACTION_CREATE: AuditAction =
    AuditAction::new("risk_action.create", AuditRecord::RiskAction);
pub const RISK_ACTION_UPDATE: AuditAction =
    AuditAction::new("risk_action.update", AuditRecord::RiskAction);
pub const RISK_ASSESSMENT_ACCEPT: AuditAction = AuditAction::new(
    "risk_assessment.accept",
    AuditRecord::Kind(RecordKind::RiskAssessment),
);
pub const RISK_ASSESSMENT_CREATE: AuditAction = AuditAction::new(
    "risk_assessment.create",
    AuditRecord::Kind(RecordKind::RiskAssessment),
);
pub const RISK_ASSESSMENT_REVIEW_REQUIRED: AuditAction = AuditAction::new(
    "risk_assessment.review_required",
    AuditRecord::Kind(RecordKind::RiskAssessment),
);
pub const RISK_ASSESSMENT_UPDATE: AuditAction = AuditAction::new(
    "risk_assessment.update",
    AuditRecord::Kind(RecordKind::RiskAssessment),
);
pub const RISK_EVIDENCE_CREATE: AuditAction = AuditAction::new(
    "risk_evidence.create",
    AuditRecord::Kind(RecordKind::RiskEvidence),
);
pub const RISK_METHOD_PUBLISH: AuditAction = AuditAction::new(
    "risk_method.publish",
    AuditRecord::Kind(RecordKind::RiskMethod),
);
pub const SECURITY_MEASURE_CREATE: AuditAction = AuditAction::new(
    "security_measure.create",
    AuditRecord::Kind(RecordKind::SecurityMeasure),
);
pub const SECURITY_MEASURE_DELETE: AuditAction = AuditAction::new(
    "security_measure.delete",
    AuditRecord::Kind(RecordKind::SecurityMeasure),
);
pub const SECURITY_MEASURE_EXEMPTION_APPROVE: AuditAction = AuditAction::new(
    "security_measure.exemption_approve",
    AuditRecord::Kind(RecordKind::SecurityMeasure),
);
pub const SECURITY_MEASURE_EXEMPTION_REFUSE: AuditAction = AuditAction::new(
    "security_measure.exemption_refuse",
    AuditRecord::Kind(RecordKind::SecurityMeasure),
);
pub const SECURITY_MEASURE_EXEMPTION_REQUEST: AuditAction = AuditAction::new(
    "security_measure.exemption_request",
    AuditRecord::Kind(RecordKind::SecurityMeasure),
);
pub const SECURITY_MEASURE_IMPLEMENTATION: AuditAction = AuditAction::new(
    "security_measure.implementation",
    AuditRecord::Kind(RecordKind::SecurityMeasure),
);
pub const THREAT_LEVEL_SET: AuditAction = AuditAction::new(
    "threat_level.set",
    AuditRecord::Kind(RecordKind::ThreatLevel),
);
pub const THREAT_SCENARIO_CREATE: AuditAction = AuditAction::new(
    "threat_scenario.create",
    AuditRecord::Kind(RecordKind::ThreatScenario),
);
