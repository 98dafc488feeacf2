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
