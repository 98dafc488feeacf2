//! The actions of training and vetting in the audit trail, each with the word stored and the
//! kind of record it is about. A new action of the module is a constant here.

use sems_domain::access::RecordKind;
use sems_domain::audit::{AuditAction, AuditRecord};

pub const PROGRAMME_PUBLISH: AuditAction = AuditAction::new(
    "training_programme.publish",
    AuditRecord::Kind(RecordKind::TrainingProgramme),
);
pub const ADDITIONS_PUBLISH: AuditAction = AuditAction::new(
    "training_programme.additions",
    AuditRecord::Kind(RecordKind::Personnel),
);
pub const PERSONNEL_CREATE: AuditAction =
    AuditAction::new("personnel.create", AuditRecord::Kind(RecordKind::Personnel));
pub const PERSONNEL_UPDATE: AuditAction =
    AuditAction::new("personnel.update", AuditRecord::Kind(RecordKind::Personnel));
pub const RECORD_CREATE: AuditAction = AuditAction::new(
    "training_record.create",
    AuditRecord::Kind(RecordKind::Personnel),
);
pub const CHECK_CREATE: AuditAction = AuditAction::new(
    "background_check.create",
    AuditRecord::Kind(RecordKind::Personnel),
);
pub const WITHDRAWAL_OPEN: AuditAction = AuditAction::new(
    "training_lapse.withdrawal",
    AuditRecord::Kind(RecordKind::Personnel),
);
pub const QUESTION_BANK_PUBLISH: AuditAction = AuditAction::new(
    "survey_question_bank.publish",
    AuditRecord::Kind(RecordKind::TrainingProgramme),
);
pub const SURVEY_LAUNCH: AuditAction = AuditAction::new(
    "culture_survey.launch",
    AuditRecord::Kind(RecordKind::CultureSurvey),
);
pub const SURVEY_CLOSE: AuditAction = AuditAction::new(
    "culture_survey.close",
    AuditRecord::Kind(RecordKind::CultureSurvey),
);
pub const SURVEY_ACTION: AuditAction = AuditAction::new(
    "culture_survey.action",
    AuditRecord::Kind(RecordKind::CultureSurvey),
);
