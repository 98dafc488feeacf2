//! The actions of the platform in the audit trail (parties, people, sites, nominations,
//! groups, grants, appointments, the action register, the deployment), each with the word
//! stored and the kind of record it is about. A new action of the module is a constant here.

use sems_domain::access::RecordKind;
use sems_domain::audit::{AuditAction, AuditRecord};

pub const ACTION_COMPLETE: AuditAction = AuditAction::new("action.complete", AuditRecord::Action);
pub const ACTION_EFFECTIVENESS: AuditAction =
    AuditAction::new("action.effectiveness", AuditRecord::Action);
pub const ACTION_ESCALATE: AuditAction = AuditAction::new("action.escalate", AuditRecord::Action);
pub const APPOINTMENT_CREATE: AuditAction = AuditAction::new(
    "appointment.create",
    AuditRecord::Kind(RecordKind::Appointment),
);
pub const APPOINTMENT_END: AuditAction = AuditAction::new(
    "appointment.end",
    AuditRecord::Kind(RecordKind::Appointment),
);
pub const DEMO_LOAD: AuditAction = AuditAction::new("demo.load", AuditRecord::Deployment);
pub const GENERATE: AuditAction = AuditAction::new("generate", AuditRecord::Deployment);
pub const GROUP_CREATE: AuditAction = AuditAction::new(
    "group.create",
    AuditRecord::Kind(RecordKind::NeedToKnowGroup),
);
pub const GROUP_MEMBER_ADDED: AuditAction = AuditAction::new(
    "group.member_added",
    AuditRecord::Kind(RecordKind::NeedToKnowGroup),
);
pub const GROUP_MEMBER_REMOVED: AuditAction = AuditAction::new(
    "group.member_removed",
    AuditRecord::Kind(RecordKind::NeedToKnowGroup),
);
pub const NOMINATION_CREATE: AuditAction = AuditAction::new(
    "nomination.create",
    AuditRecord::Kind(RecordKind::Nomination),
);
pub const NOMINATION_END: AuditAction =
    AuditAction::new("nomination.end", AuditRecord::Kind(RecordKind::Nomination));
pub const PARTY_CREATE: AuditAction =
    AuditAction::new("party.create", AuditRecord::Kind(RecordKind::Party));
pub const PARTY_UPDATE: AuditAction =
    AuditAction::new("party.update", AuditRecord::Kind(RecordKind::Party));
pub const PERSON_CREATE: AuditAction =
    AuditAction::new("person.create", AuditRecord::Kind(RecordKind::Person));
pub const PERSON_GRANT_CONFIRMED: AuditAction = AuditAction::new(
    "person.grant_confirmed",
    AuditRecord::Kind(RecordKind::PendingGrant),
);
pub const PERSON_GRANT_HELD: AuditAction = AuditAction::new(
    "person.grant_held",
    AuditRecord::Kind(RecordKind::PendingGrant),
);
pub const PERSON_GRANT_REFUSED: AuditAction = AuditAction::new(
    "person.grant_refused",
    AuditRecord::Kind(RecordKind::PendingGrant),
);
pub const PERSON_OVERSIGHT_ASSIGNED: AuditAction = AuditAction::new(
    "person.oversight_assigned",
    AuditRecord::Kind(RecordKind::Person),
);
pub const PERSON_UPDATE: AuditAction =
    AuditAction::new("person.update", AuditRecord::Kind(RecordKind::Person));
pub const SITE_CREATE: AuditAction =
    AuditAction::new("site.create", AuditRecord::Kind(RecordKind::Site));
pub const SITE_UPDATE: AuditAction =
    AuditAction::new("site.update", AuditRecord::Kind(RecordKind::Site));

// The security log: events that place a person at a time (served only to the administrator
// and to that person).
pub const API_TOKEN_CREATE: AuditAction =
    AuditAction::new("api_token.create", AuditRecord::Kind(RecordKind::Person));
pub const API_TOKEN_REVOKE: AuditAction =
    AuditAction::new("api_token.revoke", AuditRecord::Kind(RecordKind::Person));
pub const PERSON_PASSWORD_CHANGED: AuditAction = AuditAction::new(
    "person.password_changed",
    AuditRecord::Kind(RecordKind::Person),
);
pub const PERSON_PASSWORD_RESET: AuditAction = AuditAction::new(
    "person.password_reset",
    AuditRecord::Kind(RecordKind::Person),
);
pub const PERSON_TWO_FACTOR_DISABLED: AuditAction = AuditAction::new(
    "person.two_factor_disabled",
    AuditRecord::Kind(RecordKind::Person),
);
pub const PERSON_TWO_FACTOR_ENABLED: AuditAction = AuditAction::new(
    "person.two_factor_enabled",
    AuditRecord::Kind(RecordKind::Person),
);
pub const PERSON_TWO_FACTOR_SETUP_STARTED: AuditAction = AuditAction::new(
    "person.two_factor_setup_started",
    AuditRecord::Kind(RecordKind::Person),
);
pub const SIGN_IN_FAILED: AuditAction =
    AuditAction::new("sign_in.failed", AuditRecord::Kind(RecordKind::Person));
pub const SIGN_IN_LOCKED: AuditAction =
    AuditAction::new("sign_in.locked", AuditRecord::Kind(RecordKind::Person));
pub const SIGN_IN_SUCCEEDED: AuditAction =
    AuditAction::new("sign_in.succeeded", AuditRecord::Kind(RecordKind::Person));
pub const SIGN_IN_TWO_FACTOR_FAILED: AuditAction = AuditAction::new(
    "sign_in.two_factor_failed",
    AuditRecord::Kind(RecordKind::Person),
);
pub const SIGN_IN_TWO_FACTOR_SUCCEEDED: AuditAction = AuditAction::new(
    "sign_in.two_factor_succeeded",
    AuditRecord::Kind(RecordKind::Person),
);
pub const SIGN_OUT: AuditAction =
    AuditAction::new("sign_out", AuditRecord::Kind(RecordKind::Person));
