//! The actions of information sharing in the audit trail. A new action of the module is a
//! constant here.

use sems_domain::access::RecordKind;
use sems_domain::audit::{AuditAction, AuditRecord};

pub const ITEM_DRAFT: AuditAction = AuditAction::new(
    "shared_item.draft",
    AuditRecord::Kind(RecordKind::SharedItem),
);
pub const ITEM_APPROVE: AuditAction = AuditAction::new(
    "shared_item.approve",
    AuditRecord::Kind(RecordKind::SharedItem),
);
pub const ITEM_ISSUE: AuditAction = AuditAction::new(
    "shared_item.issue",
    AuditRecord::Kind(RecordKind::SharedItem),
);
pub const DIRECTIVE_STEP: AuditAction =
    AuditAction::new("directive.step", AuditRecord::Kind(RecordKind::SharedItem));
pub const ITEM_FORWARD: AuditAction = AuditAction::new(
    "shared_item.forward",
    AuditRecord::Kind(RecordKind::SharedItem),
);
pub const ITEM_END: AuditAction =
    AuditAction::new("shared_item.end", AuditRecord::Kind(RecordKind::SharedItem));
pub const DIRECTIVE_ESCALATE: AuditAction = AuditAction::new(
    "directive.escalate",
    AuditRecord::Kind(RecordKind::SharedItem),
);
pub const DISCLOSURE_REPORT: AuditAction = AuditAction::new(
    "disclosure_report.file",
    AuditRecord::Kind(RecordKind::DisclosureReport),
);
pub const THREAT_PROPOSAL_APPLY: AuditAction = AuditAction::new(
    "shared_item.apply_threat_level",
    AuditRecord::Kind(RecordKind::SharedItem),
);
pub const ITEM_EXPORT: AuditAction = AuditAction::new(
    "shared_item.export",
    AuditRecord::Kind(RecordKind::SharedItem),
);
pub const LIST_CHANGE: AuditAction = AuditAction::new(
    "distribution_list.change",
    AuditRecord::Kind(RecordKind::SharedItem),
);

/// A record distributed from its page, by kind.
pub const fn distribute(kind: RecordKind) -> AuditAction {
    match kind {
        RecordKind::RiskAssessment => AuditAction::new(
            "risk_assessment.distribute",
            AuditRecord::Kind(RecordKind::RiskAssessment),
        ),
        RecordKind::ThreatScenario => AuditAction::new(
            "threat_scenario.distribute",
            AuditRecord::Kind(RecordKind::ThreatScenario),
        ),
        RecordKind::Finding => {
            AuditAction::new("finding.distribute", AuditRecord::Kind(RecordKind::Finding))
        }
        _ => AuditAction::new(
            "shared_item.distribute",
            AuditRecord::Kind(RecordKind::SharedItem),
        ),
    }
}
pub const ITEM_ATTACH: AuditAction = AuditAction::new(
    "shared_item.attach",
    AuditRecord::Kind(RecordKind::SharedItem),
);
