//! The access rule of sems, decided in one place.
//!
//! A record belongs to one party. A person may act on it when one of their *relations* to the
//! record is granted the action by one of their roles, their clearance covers the record's
//! classification, and, for a need-to-know record, they were named on it (in person or
//! through a need-to-know group). Everything else is denied.
//!
//! [`decide`] answers for one record in memory. The storage layer's access filter turns the
//! very same [`grants`] table into a SQL condition for lists, so a list and a read can never
//! disagree; the storage test suite checks that as a matrix on both engines.

use crate::classification::clearance_covers;
use crate::role::Role;
use serde::Serialize;

/// The kinds of record the access rule knows. Each later module adds its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Party,
    Site,
    Person,
    Nomination,
    NeedToKnowGroup,
    AuditEntry,
    /// A version of the risk method, published by the authority.
    RiskMethod,
    /// The national threat level of a scenario category.
    ThreatLevel,
    /// An organisation's risk assessment of one threat scenario (for the organisation or a site).
    RiskAssessment,
    /// A threat scenario: of the national library (published by the authority) or an
    /// organisation's own.
    ThreatScenario,
    /// A security measure: a baseline measure of the authority (published to every party) or
    /// an organisation's own, and an organisation's implementation of either.
    SecurityMeasure,
    /// Objective data on a scenario at an organisation: a security test result or an
    /// occurrence.
    RiskEvidence,
    /// A confidential security report, as filed with the organisation.
    SecurityReport,
    /// The de-identified version of a report forwarded to the authority (same row, other
    /// columns: the authority never reads the report itself).
    Occurrence,
    /// A requirement of a catalogue: the authority's national programme (published to every
    /// party) or an organisation's internal requirements.
    Requirement,
    /// A version of the oversight method (compliance scales, plan deadlines, EI thresholds and
    /// intervals), published by the authority.
    OversightMethod,
    /// A version of the reporting rules (taxonomy, deadlines per category, just-culture
    /// decisions), published by the authority.
    ReportingRules,
    /// An audit, inspection, test, trial or survey, owned by the party that performs it and
    /// distributed to the party it oversees (a covert test only once released).
    OversightActivity,
    /// A finding of an activity, owned by the overseen organisation that must correct it.
    Finding,
    /// The appointment of a person to a protected duty of an organisation (today the identity
    /// custodian): made and ended by the accountable executive or the administrator, never
    /// by the security manager, whose reports the custodian's decisions protect.
    Appointment,
    /// An entry of the security log (sign-in, sign-out, lockout, two-factor, password and
    /// token events): read by the deployment administrator and by the person it is about.
    SecurityEvent,
    /// An organisation's reporting statistics (or, owned by the authority, the national ones):
    /// counts, never content.
    ReportStatistics,
    /// An authority role or a clearance above the lowest that was granted to a person and
    /// waits for a director of the authority to confirm it (`role::HeldGrant`).
    PendingGrant,
    /// A security performance indicator's definition: the authority's national library
    /// (published to every party) or an organisation's own.
    PerformanceIndicator,
    /// An organisation's data series for security performance (passengers, departures, staff
    /// headcount, a manual indicator): values per site and period.
    DataSeries,
    /// An indicator's value for an organisation and period, computed by sems and stored: read
    /// by the organisation and the authority, written by nobody through the access rule.
    IndicatorValue,
    /// An alert of an indicator at an organisation: acknowledged by its leaders and analysts;
    /// the source of the corrective action it opens in the register.
    PerformanceAlert,
    /// A version of the national training programme, published by the authority.
    TrainingProgramme,
    /// A person of the personnel register (with or without a sems account) and what hangs on
    /// them: functions, training records, background checks. Personal data: read by the
    /// employer's training officer and security manager, the person, and the inspectors
    /// assigned to the employer.
    Personnel,
    /// A security culture survey of an organisation (or one of its sites) and its results:
    /// aggregates only, never an answer traced to a person. Run by the organisation's security
    /// manager, training officer and quality auditor; its results read by its leaders and
    /// analysts, and by the authority for the national picture. The source of the actions its
    /// weakest themes open.
    CultureSurvey,
    /// An item shared on a need-to-know basis (a threat bulletin, a security directive, an
    /// information circular, a lesson learned): its issuer's, read by the persons and groups it
    /// was distributed to — an audience of parties or roles is resolved to persons at issue.
    SharedItem,
    /// A recipient's report of a suspected unauthorised disclosure of a shared item: the
    /// issuer's alone (its investigation is an action of the register), never the other
    /// recipients', among whom the leak may be.
    DisclosureReport,
    /// A record kind used only by the access-rule test matrix: it exercises markings,
    /// distribution and need-to-know, which the platform's own records do not use.
    TestRecord,
}

impl RecordKind {
    /// Every kind, for the filters that decide per kind (the audit trail's).
    pub const ALL: [RecordKind; 33] = [
        RecordKind::Party,
        RecordKind::Site,
        RecordKind::Person,
        RecordKind::Nomination,
        RecordKind::NeedToKnowGroup,
        RecordKind::AuditEntry,
        RecordKind::RiskMethod,
        RecordKind::ThreatLevel,
        RecordKind::RiskAssessment,
        RecordKind::ThreatScenario,
        RecordKind::SecurityMeasure,
        RecordKind::RiskEvidence,
        RecordKind::SecurityReport,
        RecordKind::Occurrence,
        RecordKind::Requirement,
        RecordKind::OversightMethod,
        RecordKind::ReportingRules,
        RecordKind::OversightActivity,
        RecordKind::Finding,
        RecordKind::Appointment,
        RecordKind::SecurityEvent,
        RecordKind::PendingGrant,
        RecordKind::ReportStatistics,
        RecordKind::PerformanceIndicator,
        RecordKind::DataSeries,
        RecordKind::IndicatorValue,
        RecordKind::PerformanceAlert,
        RecordKind::TrainingProgramme,
        RecordKind::Personnel,
        RecordKind::CultureSurvey,
        RecordKind::SharedItem,
        RecordKind::DisclosureReport,
        RecordKind::TestRecord,
    ];

    /// The kind a stored name stands for.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            RecordKind::Party => "party",
            RecordKind::Site => "site",
            RecordKind::Person => "person",
            RecordKind::Nomination => "nomination",
            RecordKind::NeedToKnowGroup => "need_to_know_group",
            RecordKind::AuditEntry => "audit_entry",
            RecordKind::RiskMethod => "risk_method",
            RecordKind::ThreatScenario => "threat_scenario",
            RecordKind::ThreatLevel => "threat_level",
            RecordKind::RiskAssessment => "risk_assessment",
            RecordKind::SecurityMeasure => "security_measure",
            RecordKind::RiskEvidence => "risk_evidence",
            RecordKind::SecurityReport => "security_report",
            RecordKind::Occurrence => "occurrence",
            RecordKind::Requirement => "requirement",
            RecordKind::OversightMethod => "oversight_method",
            RecordKind::ReportingRules => "reporting_rules",
            RecordKind::OversightActivity => "oversight_activity",
            RecordKind::Finding => "finding",
            RecordKind::Appointment => "appointment",
            RecordKind::SecurityEvent => "security_event",
            RecordKind::PendingGrant => "pending_grant",
            RecordKind::ReportStatistics => "report_statistics",
            RecordKind::PerformanceIndicator => "performance_indicator",
            RecordKind::DataSeries => "data_series",
            RecordKind::IndicatorValue => "indicator_value",
            RecordKind::PerformanceAlert => "performance_alert",
            RecordKind::TrainingProgramme => "training_programme",
            RecordKind::Personnel => "personnel",
            RecordKind::CultureSurvey => "culture_survey",
            RecordKind::SharedItem => "shared_item",
            RecordKind::DisclosureReport => "disclosure_report",
            RecordKind::TestRecord => "test_record",
        }
    }
}

/// What a person wants to do with a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Read,
    Create,
    Update,
    Delete,
    /// Accept a residual risk on the organisation's behalf.
    Accept,
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::Read,
        Action::Create,
        Action::Update,
        Action::Delete,
        Action::Accept,
    ];

    pub fn is_write(self) -> bool {
        self != Action::Read
    }
}

/// How a person stands to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// Their party owns the record.
    Owner,
    /// The record is their own person record, or is about them (their security log).
    OwnPerson,
    /// They belong to the authority and the record belongs to an organisation.
    Oversight,
    /// As `Oversight`, and they are assigned to oversee the owning organisation.
    AssignedOversight,
    /// The record was distributed to their party, a group they are in, or to them.
    Recipient,
    /// They are the deployment's administrator (whatever the owning party).
    Deployment,
    /// The record is published to every party (the authority's national library, its risk
    /// method); the roles still decide who reads it.
    Published,
    /// Their party raised the record: the overseer of a finding (the authority, or an
    /// organisation of its contractor or of itself), who alone decides on its plan.
    Raiser,
}

impl Relation {
    pub const ALL: [Relation; 8] = [
        Relation::Owner,
        Relation::OwnPerson,
        Relation::Oversight,
        Relation::AssignedOversight,
        Relation::Recipient,
        Relation::Deployment,
        Relation::Published,
        Relation::Raiser,
    ];
}

/// Who is asking: resolved once per request from the session or API token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub person_id: i64,
    pub party_id: i64,
    pub party_is_authority: bool,
    pub roles: Vec<Role>,
    /// Rank of the person's clearance in the classification scheme.
    pub clearance: i64,
    /// Need-to-know groups the person is a member of.
    pub groups: Vec<i64>,
    /// Organisations this person is assigned to oversee (inspectors).
    pub oversees: Vec<i64>,
    /// Set for API tokens issued read-only: such a token may never write.
    pub read_only: bool,
    /// Set while the training-and-vetting gate is shut for the person (module 6): their
    /// clearance then reads nothing from the gate's classification up.
    pub gate: Option<Gate>,
}

/// The training-and-vetting gate, shut: from `from_classification` up, a person reads only
/// while their background check is valid and their security awareness training current
/// (`sems_domain::training::assess::gate_shut` says why it is shut).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    pub from_classification: i64,
    /// Why, in the words the reader is told: "your security awareness training lapsed on …".
    pub shut: String,
}

impl Subject {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The clearance the person reads with today: their clearance, lowered below the gate's
    /// classification while the gate is shut.
    pub fn effective_clearance(&self) -> i64 {
        match &self.gate {
            Some(g) => self.clearance.min(g.from_classification - 1),
            None => self.clearance,
        }
    }
}

impl TryFrom<String> for RecordKind {
    type Error = crate::ValidationError;
    fn try_from(name: String) -> Result<Self, Self::Error> {
        Self::parse(&name).ok_or_else(|| {
            crate::ValidationError::new("record_kind", format!("no record kind is called '{name}'"))
        })
    }
}

/// To whom a record was explicitly distributed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Distribution {
    pub parties: Vec<i64>,
    pub groups: Vec<i64>,
    pub persons: Vec<i64>,
}

/// What the rule needs to know about a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordMeta {
    pub kind: RecordKind,
    pub owner_party_id: i64,
    /// Whether the owning party is the authority (oversight only reaches organisations).
    pub owner_is_authority: bool,
    /// The person the record is about (a person record, a security event): their own is
    /// theirs to read where the table grants it.
    pub person_id: Option<i64>,
    pub classification: i64,
    pub need_to_know: bool,
    pub distribution: Distribution,
    /// Published to every party.
    pub published: bool,
    /// The party that raised the record (a finding's overseer).
    pub raised_by_party_id: Option<i64>,
}

impl RecordMeta {
    /// A record of the platform (not marked, not need-to-know, not distributed).
    pub fn plain(kind: RecordKind, owner_party_id: i64, owner_is_authority: bool) -> Self {
        Self {
            kind,
            owner_party_id,
            owner_is_authority,
            person_id: None,
            classification: 0,
            need_to_know: false,
            distribution: Distribution::default(),
            published: false,
            raised_by_party_id: None,
        }
    }
}

/// Why a request was refused; shown to the person in plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// No relation of theirs to the record is granted the action by any of their roles.
    NotPermitted,
    /// Their clearance does not cover the record's classification.
    Clearance,
    /// The record is need-to-know and they were not named on it.
    NeedToKnow,
    /// The API token is read-only.
    ReadOnlyToken,
    /// Their clearance covers the record, but the training-and-vetting gate is shut
    /// (`Subject::gate` says why).
    TrainingGate,
}

impl Denial {
    pub fn message(self) -> &'static str {
        match self {
            Denial::NotPermitted => "your roles do not allow this action on this record",
            Denial::Clearance => "your clearance does not cover this record's classification",
            Denial::NeedToKnow => "this record is need-to-know and you are not named on it",
            Denial::ReadOnlyToken => "this API token is read-only",
            Denial::TrainingGate => {
                "your training or vetting is not current for this record's classification"
            }
        }
    }
}

/// The relations `subject` has to `record`.
pub fn relations(subject: &Subject, record: &RecordMeta) -> Vec<Relation> {
    let mut out = Vec::with_capacity(3);
    if record.owner_party_id == subject.party_id {
        out.push(Relation::Owner);
    }
    if record.person_id == Some(subject.person_id) {
        out.push(Relation::OwnPerson);
    }
    if subject.party_is_authority && !record.owner_is_authority {
        out.push(Relation::Oversight);
        if subject.oversees.contains(&record.owner_party_id) {
            out.push(Relation::AssignedOversight);
        }
    }
    if is_named(subject, &record.distribution)
        || record.distribution.parties.contains(&subject.party_id)
    {
        out.push(Relation::Recipient);
    }
    if subject.has_role(Role::Administrator) {
        out.push(Relation::Deployment);
    }
    if record.published {
        out.push(Relation::Published);
    }
    if record.raised_by_party_id == Some(subject.party_id) {
        out.push(Relation::Raiser);
    }
    out
}

/// Whether the record was distributed to the person or to one of their groups.
fn is_named(subject: &Subject, distribution: &Distribution) -> bool {
    distribution.persons.contains(&subject.person_id)
        || distribution
            .groups
            .iter()
            .any(|g| subject.groups.contains(g))
}

/// Whether `subject` may give a person `role`: the deployment administrator gives any; only an
/// accountable executive makes another (they accept residual risk on the organisation's
/// behalf); the administrator role only the administrator. Every other role may be given by
/// whoever may update the person (decided by the table, on the person record).
pub fn may_grant_role(subject: &Subject, role: Role) -> Result<(), &'static str> {
    if subject.has_role(Role::Administrator) {
        return Ok(());
    }
    match role {
        Role::Administrator => {
            Err("only a deployment administrator can grant the administrator role")
        }
        Role::AccountableExecutive if !subject.has_role(Role::AccountableExecutive) => Err(
            "only an accountable executive or the administrator can grant the accountable executive role",
        ),
        _ => Ok(()),
    }
}

/// Whether `subject` may give a person `clearance`: at most their own, except the
/// administrator.
pub fn may_grant_clearance(subject: &Subject, clearance: i64) -> Result<(), &'static str> {
    if clearance > subject.clearance && !subject.has_role(Role::Administrator) {
        return Err("you cannot grant a clearance above your own");
    }
    Ok(())
}

/// The relations in which at least one of the subject's roles is granted `action` on `kind`.
/// The storage filter uses this to build its SQL condition.
pub fn granted_relations(subject: &Subject, kind: RecordKind, action: Action) -> Vec<Relation> {
    Relation::ALL
        .into_iter()
        .filter(|rel| subject.roles.iter().any(|r| grants(*r, kind, action, *rel)))
        .collect()
}

/// The one decision: may `subject` do `action` on `record`?
pub fn decide(subject: &Subject, action: Action, record: &RecordMeta) -> Result<(), Denial> {
    if subject.read_only && action.is_write() {
        return Err(Denial::ReadOnlyToken);
    }
    let granted = granted_relations(subject, record.kind, action);
    let permitted = relations(subject, record)
        .into_iter()
        .any(|rel| granted.contains(&rel));
    if !permitted {
        return Err(Denial::NotPermitted);
    }
    if !clearance_covers(subject.clearance, record.classification) {
        return Err(Denial::Clearance);
    }
    if record.need_to_know && !is_named(subject, &record.distribution) {
        return Err(Denial::NeedToKnow);
    }
    // Last, so that a reader refused by the gate alone may be told why.
    if !clearance_covers(subject.effective_clearance(), record.classification) {
        return Err(Denial::TrainingGate);
    }
    Ok(())
}

/// May `subject` read an audit entry about `record`? An entry copies the record it describes,
/// so it is served only to a reader of the trail (of the record's owner) who may also read
/// the record itself: its marking, need-to-know and distribution decide as for the record.
/// An entry about no record (`AuditEntry` itself: a set-up, a generation) needs the first
/// only.
pub fn decide_audit_entry(subject: &Subject, record: &RecordMeta) -> Result<(), Denial> {
    let entry = RecordMeta::plain(
        RecordKind::AuditEntry,
        record.owner_party_id,
        record.owner_is_authority,
    );
    decide(subject, Action::Read, &entry)?;
    if record.kind != RecordKind::AuditEntry {
        // The trail's readers are the owner's (and its overseers): raising a record gives no
        // reading of the owner's trail, so the entry keeps no raiser.
        let record = RecordMeta {
            raised_by_party_id: None,
            ..record.clone()
        };
        decide(subject, Action::Read, &record)?;
    }
    Ok(())
}

/// What a reader may do with one record, as the access rule decides it. Services put it in
/// the views they return, computed from the same meta `authorize` uses (with distribution
/// and need-to-know), so pages and the API offer exactly what a request would be allowed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Allowed {
    pub read: bool,
    pub create: bool,
    pub update: bool,
    pub delete: bool,
    pub accept: bool,
}

impl Allowed {
    pub fn of(subject: &Subject, record: &RecordMeta) -> Self {
        let may = |action| decide(subject, action, record).is_ok();
        Self {
            read: may(Action::Read),
            create: may(Action::Create),
            update: may(Action::Update),
            delete: may(Action::Delete),
            accept: may(Action::Accept),
        }
    }

    /// Everything: the operator at the command line.
    pub fn all() -> Self {
        Self {
            read: true,
            create: true,
            update: true,
            delete: true,
            accept: true,
        }
    }
}

mod grants;
pub use grants::grants;

#[cfg(test)]
mod tests;
