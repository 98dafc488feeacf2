//! What the platform's part of `/api/v1` serves and its audit trail records: view types of
//! the services, apart from the storage rows they are made from, so that a column renamed in
//! the database does not rename a field of the public API. Each view takes its row apart
//! field by field (no `..`): a column added to a row is a compile error here until someone
//! decides whether the API shows it.

use sems_domain::access::RecordKind;
use sems_domain::action::{ActionStatus, Effectiveness};
use sems_domain::nomination::NominatedPosition;
use sems_domain::party::PartyKind;
use sems_domain::role::{GrantStatus, Role};

/// Declares a view and how it is made from its row: the row taken apart field by field (no
/// `..`), owned or borrowed (the audit trail records a change from the rows a service holds).
/// Field attributes (`///`, `#[schema(..)]`) document the API.
macro_rules! view {
    (
        $(#[$meta:meta])*
        $name:ident from $($row:ident)::+ {
            $($(#[$field_meta:meta])* $field:ident: $ty:ty),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty),+
        }

        impl From<$($row)::+> for $name {
            fn from(row: $($row)::+) -> Self {
                let $($row)::+ { $($field),+ } = row;
                Self { $($field),+ }
            }
        }

        impl From<&$($row)::+> for $name {
            fn from(row: &$($row)::+) -> Self {
                row.clone().into()
            }
        }
    };
}

pub(crate) use view;

crate::views::view! {
    /// An organisation, or the authority.
    Party from sems_storage::parties::Party {
        id: i64,
        kind: PartyKind,
        name: String,
        code: String,
        active: bool,
        created_at_ms: i64,
    }
}

crate::views::view! {
    /// A person's account, with the party they belong to, their roles and clearance.
    Person from sems_storage::people::Person {
        id: i64,
        party_id: i64,
        party_name: String,
        party_is_authority: bool,
        username: String,
        display_name: String,
        email: String,
        clearance: i64,
        active: bool,
        totp_enabled: bool,
        roles: Vec<Role>,
        created_at_ms: i64,
    }
}

crate::views::view! {
    /// A site of an organisation: an airport terminal, a cargo shed, a screening point.
    Site from sems_storage::sites::Site {
        id: i64,
        party_id: i64,
        party_name: String,
        name: String,
        location: String,
        active: bool,
        created_at_ms: i64,
        updated_at_ms: i64,
    }
}

crate::views::view! {
    /// The nomination of an accountable executive or security manager.
    Nomination from sems_storage::nominations::Nomination {
        id: i64,
        party_id: i64,
        party_name: String,
        position: NominatedPosition,
        person_id: i64,
        person_name: String,
        starts_on: time::Date,
        ends_on: Option<time::Date>,
        note: String,
        created_at_ms: i64,
    }
}

crate::views::view! {
    /// A need-to-know group, with how many members it has.
    Group from sems_storage::groups::NeedToKnowGroup {
        id: i64,
        party_id: i64,
        name: String,
        description: String,
        /// The rank of the highest classification its members may receive; none: no limit.
        highest_classification: Option<i64>,
        members: i64,
    }
}

crate::views::view! {
    /// One of a person's API tokens: never the token itself, which is shown once.
    ApiToken from sems_storage::tokens::ApiToken {
        id: i64,
        person_id: i64,
        name: String,
        /// The first characters of the token, so a person can tell their tokens apart.
        prefix: String,
        read_only: bool,
        created_at_ms: i64,
        expires_at_ms: Option<i64>,
        last_used_ms: Option<i64>,
        revoked_at_ms: Option<i64>,
    }
}

crate::views::view! {
    /// A notification to the signed-in person.
    Notification from sems_storage::notifications::Notification {
        id: i64,
        message: String,
        link: String,
        created_at_ms: i64,
        read: bool,
    }
}

crate::views::view! {
    /// An appointment to a duty (the identity custodian of an organisation).
    Appointment from sems_storage::appointments::Appointment {
        id: i64,
        party_id: i64,
        /// The role the appointment gives.
        duty: Role,
        person_id: i64,
        person_name: String,
        starts_at_ms: i64,
        ended_at_ms: Option<i64>,
        appointed_by_name: Option<String>,
        ended_by_name: Option<String>,
        note: String,
    }
}

crate::views::view! {
    /// An authority role or clearance granted, waiting for a second administrator.
    PendingGrant from sems_storage::pending_grants::PendingGrant {
        id: i64,
        /// The person's party.
        party_id: i64,
        party_name: String,
        person_id: i64,
        person_name: String,
        /// The authority roles granted.
        roles: Vec<Role>,
        /// The clearance granted (rank), when raised above the lowest.
        clearance: Option<i64>,
        requested_by: i64,
        requested_by_name: String,
        requested_at_ms: i64,
        status: GrantStatus,
        decided_by_name: Option<String>,
        decided_at_ms: Option<i64>,
        note: String,
    }
}

crate::views::view! {
    /// A corrective or preventive action of the one register.
    ActionRecord from sems_storage::actions::ActionRecord {
        id: i64,
        party_id: i64,
        party_name: String,
        /// The record the action comes from.
        source_kind: RecordKind,
        source_id: i64,
        title: String,
        responsible_person_id: Option<i64>,
        responsible_name: Option<String>,
        due_on: time::Date,
        status: ActionStatus,
        cost_one_off: i64,
        cost_annual: i64,
        completed_on: Option<time::Date>,
        completion_evidence: String,
        effectiveness: Effectiveness,
        effectiveness_note: String,
        effectiveness_checked_by_name: Option<String>,
        classification: i64,
        need_to_know: bool,
        updated_at_ms: i64,
    }
}

crate::views::view! {
    /// An entry of the audit trail: who changed what, when, the record before and after, and the entry's link in the hash chain.
    AuditEntry from sems_storage::audit::AuditView {
        seq: i64,
        at_ms: i64,
        actor_person_id: Option<i64>,
        actor_name: Option<String>,
        actor_party_id: Option<i64>,
        owner_party_id: i64,
        owner_party_name: String,
        action: String,
        record_kind: String,
        record_id: Option<i64>,
        before: Option<String>,
        after: Option<String>,
        hash: String,
    }
}

crate::views::view! {
    /// How many filings that protect their source an organisation received on one day: all the trail says of them.
    ProtectedDay from sems_storage::audit::ProtectedDay {
        /// The day, `YYYY-MM-DD` (UTC).
        day: String,
        owner_party_id: i64,
        owner_party_name: String,
        action: String,
        count: i64,
    }
}

crate::views::view! {
    /// A record by id and name.
    Named from sems_storage::Named {
        id: i64,
        name: String,
    }
}

/// Views of a list of rows.
pub fn into_views<R, V: From<R>>(rows: Vec<R>) -> Vec<V> {
    rows.into_iter().map(V::from).collect()
}
