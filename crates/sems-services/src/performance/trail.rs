//! The actions of security performance in the audit trail, each with the word stored and the
//! kind of record it is about. A new action of the module is a constant here.

use sems_domain::access::RecordKind;
use sems_domain::audit::{AuditAction, AuditRecord};

pub const INDICATOR_CREATE: AuditAction = AuditAction::new(
    "performance_indicator.create",
    AuditRecord::Kind(RecordKind::PerformanceIndicator),
);
pub const INDICATOR_PUBLISH: AuditAction = AuditAction::new(
    "performance_indicator.publish",
    AuditRecord::Kind(RecordKind::PerformanceIndicator),
);
pub const INDICATOR_EXPECTED_LEVEL: AuditAction = AuditAction::new(
    "performance_indicator.expected_level",
    AuditRecord::Kind(RecordKind::PerformanceIndicator),
);
pub const INDICATOR_TARGET: AuditAction = AuditAction::new(
    "performance_indicator.target",
    AuditRecord::Kind(RecordKind::PerformanceIndicator),
);
pub const DATA_SERIES_ENTER: AuditAction = AuditAction::new(
    "data_series.enter",
    AuditRecord::Kind(RecordKind::DataSeries),
);
pub const DATA_SERIES_IMPORT: AuditAction = AuditAction::new(
    "data_series.import",
    AuditRecord::Kind(RecordKind::DataSeries),
);
pub const ALERT_RAISE: AuditAction = AuditAction::new(
    "performance_alert.raise",
    AuditRecord::Kind(RecordKind::PerformanceAlert),
);
pub const ALERT_ACKNOWLEDGE: AuditAction = AuditAction::new(
    "performance_alert.acknowledge",
    AuditRecord::Kind(RecordKind::PerformanceAlert),
);
pub const ALERT_ESCALATE: AuditAction = AuditAction::new(
    "performance_alert.escalate",
    AuditRecord::Kind(RecordKind::PerformanceAlert),
);
