//! Roles a person holds within their party.

use crate::ValidationError;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    // Organisation roles.
    AccountableExecutive,
    SecurityManager,
    SecurityAnalyst,
    QualityAuditor,
    TrainingOfficer,
    Staff,
    Viewer,
    /// Receives, triages and follows up the organisation's security reports.
    ReportHandler,
    /// Decides whether a confidential reporter's identity may be disclosed to a handler.
    IdentityCustodian,
    // Authority roles.
    Director,
    Inspector,
    PolicyOfficer,
    IntelligenceAnalyst,
    // The deployment's administrator: manages parties and accounts, not security content.
    Administrator,
}

crate::vocabulary::words_serde!(Role);

/// Which side of the authority–organisation boundary a role belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleSide {
    Organisation,
    Authority,
    /// The administrator may belong to any party.
    Deployment,
}

impl Role {
    pub const ALL: [Role; 14] = [
        Role::AccountableExecutive,
        Role::SecurityManager,
        Role::SecurityAnalyst,
        Role::QualityAuditor,
        Role::TrainingOfficer,
        Role::Staff,
        Role::Viewer,
        Role::ReportHandler,
        Role::IdentityCustodian,
        Role::Director,
        Role::Inspector,
        Role::PolicyOfficer,
        Role::IntelligenceAnalyst,
        Role::Administrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::AccountableExecutive => "accountable_executive",
            Role::SecurityManager => "security_manager",
            Role::SecurityAnalyst => "security_analyst",
            Role::QualityAuditor => "quality_auditor",
            Role::TrainingOfficer => "training_officer",
            Role::Staff => "staff",
            Role::Viewer => "viewer",
            Role::ReportHandler => "report_handler",
            Role::IdentityCustodian => "identity_custodian",
            Role::Director => "director",
            Role::Inspector => "inspector",
            Role::PolicyOfficer => "policy_officer",
            Role::IntelligenceAnalyst => "intelligence_analyst",
            Role::Administrator => "administrator",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::AccountableExecutive => "Accountable executive",
            Role::SecurityManager => "Security manager",
            Role::SecurityAnalyst => "Security analyst",
            Role::QualityAuditor => "Quality auditor",
            Role::TrainingOfficer => "Training officer",
            Role::Staff => "Staff",
            Role::Viewer => "Viewer",
            Role::ReportHandler => "Report handler",
            Role::IdentityCustodian => "Identity custodian",
            Role::Director => "Director",
            Role::Inspector => "Inspector",
            Role::PolicyOfficer => "Policy officer",
            Role::IntelligenceAnalyst => "Intelligence analyst",
            Role::Administrator => "Deployment administrator",
        }
    }

    pub fn side(self) -> RoleSide {
        match self {
            Role::Director | Role::Inspector | Role::PolicyOfficer | Role::IntelligenceAnalyst => {
                RoleSide::Authority
            }
            Role::Administrator => RoleSide::Deployment,
            _ => RoleSide::Organisation,
        }
    }

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let wanted = input.trim();
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == wanted)
            .ok_or_else(|| ValidationError::new("roles", format!("unknown role '{wanted}'")))
    }

    /// Whether a person of a party of this kind may hold the role.
    pub fn fits_party(self, party_is_authority: bool) -> bool {
        match self.side() {
            RoleSide::Deployment => true,
            RoleSide::Authority => party_is_authority,
            RoleSide::Organisation => !party_is_authority,
        }
    }

    /// Whether the role is given only by appointment (`APPOINTED_ROLES`).
    pub fn is_appointed(self) -> bool {
        APPOINTED_ROLES.contains(&self)
    }

    /// The roles a person of this party may be given, in display order.
    pub fn for_party(party_is_authority: bool) -> Vec<Role> {
        Self::ALL
            .into_iter()
            .filter(|r| r.fits_party(party_is_authority))
            .collect()
    }
}

/// Duties one person never holds together. The report handler works with confidential
/// reports; the identity custodian decides whether a handler may learn who filed one. Held
/// by one person, the check would be no check at all.
pub const SEPARATED_DUTIES: [(Role, Role); 1] = [(Role::ReportHandler, Role::IdentityCustodian)];

/// Roles given only by an appointment, which the accountable executive (or the deployment
/// administrator) makes and ends, recorded and notified.
pub const APPOINTED_ROLES: [Role; 1] = [Role::IdentityCustodian];

/// What of a grant waits for a second person. The authority's roles and any clearance above
/// the lowest open the State's security content; so that nobody who manages accounts (the
/// administrator, an organisation's security manager) can open it to someone, or to an
/// accomplice, alone, they take effect only when a director of the authority other than the
/// one who asked confirms them (maker and checker). The rest of a change applies at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct HeldGrant {
    /// The authority roles newly granted.
    pub roles: Vec<Role>,
    /// The clearance newly granted, when it is raised above the lowest.
    pub clearance: Option<i64>,
}

impl HeldGrant {
    /// What of a change from (`before_roles`, `before_clearance`) to (`roles`, `clearance`)
    /// waits for confirmation. A lowered clearance or a removed role applies at once.
    pub fn of(
        before_roles: &[Role],
        before_clearance: i64,
        roles: &[Role],
        clearance: i64,
    ) -> Self {
        Self {
            roles: roles
                .iter()
                .copied()
                .filter(|r| r.side() == RoleSide::Authority && !before_roles.contains(r))
                .collect(),
            clearance: (clearance > before_clearance && clearance > LOWEST_CLEARANCE)
                .then_some(clearance),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.roles.is_empty() && self.clearance.is_none()
    }

    /// The roles applied at once: the change without the held roles.
    pub fn applied_roles(&self, roles: &[Role]) -> Vec<Role> {
        roles
            .iter()
            .copied()
            .filter(|r| !self.roles.contains(r))
            .collect()
    }

    /// The clearance applied at once: the one before when the raise is held.
    pub fn applied_clearance(&self, before_clearance: i64, clearance: i64) -> i64 {
        if self.clearance.is_some() {
            before_clearance
        } else {
            clearance
        }
    }
}

/// The lowest rank of the classification scheme: what anyone may be given without a second
/// person.
pub const LOWEST_CLEARANCE: i64 = 0;

/// Whether `confirmer` is a second person for a grant `requested_by` asked for `person`:
/// neither the one who asked nor the one who receives it.
pub fn is_second_person(confirmer: i64, requested_by: i64, person: i64) -> bool {
    confirmer != requested_by && confirmer != person
}

/// Refuses a set of roles that joins separated duties.
pub fn check_separated(roles: &[Role]) -> Result<(), ValidationError> {
    // Administering accounts gives no access to security content: the administrator holds
    // no other role.
    if roles.contains(&Role::Administrator) && roles.len() > 1 {
        return Err(ValidationError::new(
            "roles",
            "the deployment administrator holds no other role: administering accounts gives no access to security content",
        ));
    }
    for (a, b) in SEPARATED_DUTIES {
        if roles.contains(&a) && roles.contains(&b) {
            return Err(ValidationError::new(
                "roles",
                format!(
                    "one person cannot be both {} and {}: the duties are kept apart to protect confidential reporters",
                    a.label().to_lowercase(),
                    b.label().to_lowercase()
                ),
            ));
        }
    }
    Ok(())
}

/// The non-empty, de-duplicated set of roles a person holds, checked against their party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSet(Vec<Role>);

impl RoleSet {
    pub fn parse<'a>(
        inputs: impl IntoIterator<Item = &'a str>,
        party_is_authority: bool,
    ) -> Result<Self, ValidationError> {
        let mut roles = Vec::new();
        for input in inputs {
            if input.trim().is_empty() {
                continue;
            }
            let role = Role::parse(input)?;
            if !role.fits_party(party_is_authority) {
                let side = if party_is_authority {
                    "the authority"
                } else {
                    "an organisation"
                };
                return Err(ValidationError::new(
                    "roles",
                    format!(
                        "the role '{}' cannot be held by a person of {side}",
                        role.label()
                    ),
                ));
            }
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        if roles.is_empty() {
            return Err(ValidationError::new("roles", "choose at least one role"));
        }
        check_separated(&roles)?;
        roles.sort();
        Ok(Self(roles))
    }

    pub fn from_stored(roles: Vec<Role>) -> Self {
        Self(roles)
    }

    pub fn roles(&self) -> &[Role] {
        &self.0
    }

    pub fn into_vec(self) -> Vec<Role> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authority_roles_and_raised_clearance_wait_for_a_second_person() {
        let held = HeldGrant::of(
            &[Role::PolicyOfficer],
            0,
            &[Role::PolicyOfficer, Role::Director],
            3,
        );
        assert_eq!(held.roles, vec![Role::Director]);
        assert_eq!(held.clearance, Some(3));
        assert_eq!(
            held.applied_roles(&[Role::PolicyOfficer, Role::Director]),
            vec![Role::PolicyOfficer]
        );
        assert_eq!(held.applied_clearance(0, 3), 0);
        // Organisation roles, a lowered clearance and the lowest one apply at once.
        let none = HeldGrant::of(&[], 2, &[Role::SecurityAnalyst], 1);
        assert!(none.is_empty());
        assert_eq!(none.applied_clearance(2, 1), 1);
        assert!(HeldGrant::of(&[], 0, &[Role::Staff], 0).is_empty());
        assert_eq!(HeldGrant::of(&[], 0, &[Role::Staff], 1).clearance, Some(1));
        assert!(is_second_person(1, 2, 3));
        assert!(!is_second_person(2, 2, 3), "the one who asked");
        assert!(!is_second_person(3, 2, 3), "the one who receives it");
    }

    #[test]
    fn roles_must_fit_the_party() {
        assert!(RoleSet::parse(["inspector"], false).is_err());
        assert!(RoleSet::parse(["security_manager"], true).is_err());
        assert!(RoleSet::parse(["administrator"], true).is_ok());
        assert!(RoleSet::parse(["administrator"], false).is_ok());
        assert!(RoleSet::parse([""], false).is_err());
        assert!(RoleSet::parse(["pilot"], false).is_err());
    }

    #[test]
    fn handler_and_custodian_are_never_one_person() {
        let err = RoleSet::parse(["report_handler", "identity_custodian"], false).unwrap_err();
        assert_eq!(err.field, "roles");
        assert!(err.message.contains("kept apart"), "{}", err.message);
        assert!(RoleSet::parse(["report_handler", "staff"], false).is_ok());
        assert!(RoleSet::parse(["identity_custodian", "staff"], false).is_ok());
    }

    #[test]
    fn role_sets_are_deduplicated_and_sorted() {
        let set = RoleSet::parse(["staff", "security_manager", "staff"], false).unwrap();
        assert_eq!(set.roles(), &[Role::SecurityManager, Role::Staff]);
    }

    #[test]
    fn every_role_round_trips() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
    }
}

crate::vocabulary::vocabulary!(
    /// Where an authority role or clearance granted by an administrator stands: it waits for a
    /// director of the authority to confirm it.
    GrantStatus, "status", {
        Pending => "pending", "Waiting for confirmation";
        Confirmed => "confirmed", "Confirmed";
        Refused => "refused", "Refused";
        Replaced => "replaced", "Replaced by a newer grant";
    }
);
