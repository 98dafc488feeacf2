//! The use cases of sems. Each one authorises (through the one access rule), validates
//! (through the domain's parsing types), changes, and records the change in the audit trail,
//! all in one transaction. The web layer and the CLI call these and nothing below them.

pub mod actions;
pub mod agenda;
pub mod appointments;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod demo;
pub mod error;
pub mod generate;
pub mod grants;
pub mod groups;
pub mod import;
pub mod nominations;
pub mod notifications;
pub mod oversight;
pub mod overview;
pub mod parties;
pub mod people;
pub mod performance;
pub mod reports;
pub mod risk;
pub mod search;
pub mod secrets;
pub mod sharing;
pub mod sites;
pub mod trail;
pub mod training;
pub mod views;

pub use error::ServiceError;
use sems_domain::access::{decide, Action, Allowed, Denial, RecordKind, RecordMeta, Subject};
use sems_domain::audit::AuditChannel;
use sems_domain::classification::ClassificationScheme;
use sems_storage::audit::{EntryAccess, NewEntry};
use sems_storage::{Conn, Store};
use serde::Serialize;

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

/// Settings of the services (from the layered configuration).
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// A session ends after this long without a request.
    pub session_idle_minutes: i64,
    /// A session ends this long after sign-in, whatever happens.
    pub session_absolute_hours: i64,
    /// Failed sign-ins (per user name, within the window) before a temporary lockout.
    pub lockout_threshold: i64,
    pub lockout_window_minutes: i64,
    pub lockout_minutes: i64,
    /// Shown by authenticator apps next to the account.
    pub totp_issuer: String,
    /// Minimum oversight intervals, from which next activities are proposed.
    pub oversight_intervals: sems_domain::oversight::OversightIntervals,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            lockout_threshold: 5,
            lockout_window_minutes: 15,
            lockout_minutes: 15,
            totp_issuer: "sems".into(),
            oversight_intervals: Default::default(),
        }
    }
}

/// The services of one sems node.
#[derive(Clone)]
pub struct Services {
    pub store: Store,
    pub config: ServiceConfig,
    pub classification: ClassificationScheme,
    /// The key that seals confidential reporters' identities and where attachments live.
    /// `new` gives an ephemeral one; a deployment sets its own (`ReportingConfig::load`).
    pub reporting: Option<reports::sealing::ReportingConfig>,
    /// Where filings queue to be written together (`reports::intake`), started with the first.
    intake: std::sync::Arc<std::sync::OnceLock<reports::intake::Intake>>,
}

impl Services {
    pub fn new(store: Store, config: ServiceConfig) -> Self {
        Self {
            store,
            config,
            classification: ClassificationScheme::default(),
            reporting: reports::sealing::ReportingConfig::ephemeral().ok(),
            intake: Default::default(),
        }
    }

    /// Loads the classification scheme the authority configured.
    #[tracing::instrument(skip_all)]
    pub async fn load_settings(&mut self) -> Result<()> {
        let mut conn = self.store.read().await?;
        let levels = sems_storage::parties::classification_levels(&mut conn).await?;
        if let Ok(scheme) = ClassificationScheme::new(levels) {
            self.classification = scheme;
        }
        Ok(())
    }
}

/// A record as served to one reader, with what they may do with it (for records whose view
/// is the record itself: a person, a site).
#[derive(Debug, Clone, Serialize)]
pub struct Viewed<T> {
    #[serde(flatten)]
    pub record: T,
    pub allowed: Allowed,
}

/// What the actor may do with a new, unmarked record of `kind` in `party` (add a site to an
/// organisation, nominate, create a scenario; `Party` itself for the party's own record): for
/// pages that offer a form only to those who may use it.
pub fn allowed_new(
    actor: &Actor,
    kind: RecordKind,
    party: &sems_storage::parties::Party,
) -> Allowed {
    allowed(
        actor,
        &RecordMeta::plain(kind, party.id, party.kind.is_authority()),
    )
}

/// As `allowed_new`, in the actor's own party.
pub fn allowed_in_own_party(actor: &Actor, kind: RecordKind) -> Allowed {
    match actor {
        Actor::Person(s) => Allowed::of(
            s,
            &RecordMeta::plain(kind, s.party_id, s.party_is_authority),
        ),
        Actor::System(_) => Allowed::all(),
    }
}

/// What `actor` may do with `record`: `Allowed` from the one access rule (everything for the
/// operator at the command line). Views carry it to pages and the API.
pub fn allowed(actor: &Actor, record: &RecordMeta) -> Allowed {
    match actor {
        Actor::Person(subject) => Allowed::of(subject, record),
        Actor::System(_) => Allowed::all(),
    }
}

/// Who makes a change: a person (through the access rule) or the operator at the command
/// line (`sems user add`, demo loading), who is trusted and recorded as the system.
#[derive(Debug, Clone)]
pub enum Actor {
    Person(Subject),
    System(&'static str),
}

impl Actor {
    pub fn person_id(&self) -> Option<i64> {
        match self {
            Actor::Person(s) => Some(s.person_id),
            Actor::System(_) => None,
        }
    }
    pub fn party_id(&self) -> Option<i64> {
        match self {
            Actor::Person(s) => Some(s.party_id),
            Actor::System(_) => None,
        }
    }
    pub fn subject(&self) -> Option<&Subject> {
        match self {
            Actor::Person(s) => Some(s),
            Actor::System(_) => None,
        }
    }

    /// The person a list is filtered for: lists go through the access rule, so they need one.
    pub fn lister(&self) -> Result<&Subject> {
        self.subject()
            .ok_or(ServiceError::Forbidden("lists need a person".into()))
    }
}

/// Applies the access rule. A refused read answers "not found", so that ids of other
/// parties' records reveal nothing; a refused write on a record the person can see (or, for
/// a creation, in a party they can see) answers "forbidden".
pub fn authorize(
    actor: &Actor,
    action: Action,
    record: &RecordMeta,
    what: &'static str,
) -> Result<()> {
    let Actor::Person(subject) = actor else {
        return Ok(());
    };
    match decide(subject, action, record) {
        Ok(()) => Ok(()),
        // Refused by the training-and-vetting gate alone: the reader may read everything else
        // of the record, so they are told why rather than that it does not exist.
        Err(Denial::TrainingGate) => Err(ServiceError::Forbidden(
            subject
                .gate
                .as_ref()
                .map(|g| g.shut.clone())
                .unwrap_or_else(|| Denial::TrainingGate.message().to_string()),
        )),
        Err(denial) => {
            let readable = if action == Action::Create {
                // A creation: can they see the party it would belong to? (0: a new party.)
                record.owner_party_id == 0
                    || decide(
                        subject,
                        Action::Read,
                        &RecordMeta::plain(
                            RecordKind::Party,
                            record.owner_party_id,
                            record.owner_is_authority,
                        ),
                    )
                    .is_ok()
            } else {
                decide(subject, Action::Read, record).is_ok()
            };
            if action == Action::Read || (!readable && denial != Denial::ReadOnlyToken) {
                Err(ServiceError::NotFound(what))
            } else {
                Err(ServiceError::Forbidden(denial.message().to_string()))
            }
        }
    }
}

/// The record an audit entry describes, as the access rule sees it: its owner and marking
/// (the meta the change was authorised on) and the record whose distribution decides. The
/// entry copies the record, so the trail serves it only to a reader of the trail who may
/// also read that record (`sems_domain::access::decide_audit_entry`).
#[derive(Debug, Clone)]
pub struct About {
    meta: RecordMeta,
    id: Option<i64>,
}

impl About {
    /// The record `meta` describes, identified by `id` for its distribution: the entry's own
    /// record, or the one it belongs to (a mitigation action's assessment, an identity
    /// request's report).
    pub fn record(meta: &RecordMeta, id: Option<i64>) -> Self {
        Self {
            meta: meta.clone(),
            id,
        }
    }

    /// A record of `kind` that is never marked (the platform's records, an organisation's
    /// implementation of a measure). The trail compares parties, not their kind, so the
    /// owner's being the authority does not matter here.
    pub fn plain(kind: RecordKind, owner_party_id: i64, id: Option<i64>) -> Self {
        Self {
            meta: RecordMeta::plain(kind, owner_party_id, false),
            id,
        }
    }

    /// A person's record: theirs to read where the table grants it.
    pub fn person(owner_party_id: i64, person_id: i64) -> Self {
        let mut meta = RecordMeta::plain(RecordKind::Person, owner_party_id, false);
        meta.person_id = Some(person_id);
        Self {
            meta,
            id: Some(person_id),
        }
    }

    /// An event of a party about no record of its own (a set-up, a generation): served to
    /// the party's trail readers.
    pub fn party_event(owner_party_id: i64, owner_is_authority: bool) -> Self {
        Self {
            meta: RecordMeta::plain(RecordKind::AuditEntry, owner_party_id, owner_is_authority),
            id: None,
        }
    }

    fn access(&self) -> EntryAccess {
        EntryAccess::of(&self.meta, self.id)
    }
}

/// One change as the audit trail records it: what it is about (its marking and owner), the
/// action, the record and its state before and after.
pub struct Change<'a, B: Serialize, A: Serialize> {
    pub about: &'a About,
    pub action: sems_domain::audit::AuditAction,
    pub record_id: Option<i64>,
    pub before: Option<&'a B>,
    pub after: Option<&'a A>,
}

/// Appends the audit entry of a change to the organisation's trail, in the change's
/// transaction.
#[tracing::instrument(skip_all)]
pub async fn record_change<B: Serialize, A: Serialize>(
    conn: &mut Conn,
    actor: &Actor,
    change: Change<'_, B, A>,
) -> Result<i64> {
    record_change_in(conn, AuditChannel::Trail, actor, change).await
}

/// Appends the audit entry of a change to `channel`: `ProtectedSource` for a filing that
/// protects its source and what follows from it (served only as counts per day).
#[tracing::instrument(skip_all)]
pub async fn record_change_in<B: Serialize, A: Serialize>(
    conn: &mut Conn,
    channel: AuditChannel,
    actor: &Actor,
    change: Change<'_, B, A>,
) -> Result<i64> {
    Ok(sems_storage::audit::append(conn, &entry_of(channel, actor, change)?).await?)
}

/// The audit entry of a change, not yet appended (a batch of filings appends theirs at once).
pub(crate) fn entry_of<B: Serialize, A: Serialize>(
    channel: AuditChannel,
    actor: &Actor,
    change: Change<'_, B, A>,
) -> Result<NewEntry> {
    let before = change.before.map(serde_json::to_string).transpose()?;
    let mut after = change.after.map(serde_json::to_string).transpose()?;
    if let (Actor::System(what), None) = (actor, &after) {
        after = Some(serde_json::json!({ "by": what }).to_string());
    }
    Ok(NewEntry {
        channel,
        subject_person_id: None,
        actor_person_id: actor.person_id(),
        actor_party_id: actor.party_id(),
        owner_party_id: change.about.meta.owner_party_id,
        action: change.action.name.to_string(),
        record_kind: change.action.record.as_str().to_string(),
        record_id: change.record_id,
        before,
        after,
        access: change.about.access(),
    })
}

/// Appends an event of the security log: it places `person` (or, for an unknown user name,
/// nobody) at a time, so it is served only to the administrator and to that person, never in
/// an organisation's trail.
#[tracing::instrument(skip_all)]
pub async fn record_security_event<A: Serialize>(
    conn: &mut Conn,
    actor: &Actor,
    owner_party_id: i64,
    person_id: Option<i64>,
    action: sems_domain::audit::AuditAction,
    detail: Option<&A>,
) -> Result<i64> {
    let after = match detail {
        Some(d) => Some(serde_json::to_string(d)?),
        None => None,
    };
    Ok(sems_storage::audit::append(
        conn,
        &NewEntry {
            channel: AuditChannel::Security,
            subject_person_id: person_id,
            actor_person_id: actor.person_id(),
            actor_party_id: actor.party_id(),
            owner_party_id,
            action: action.name.to_string(),
            record_kind: action.record.as_str().to_string(),
            record_id: person_id,
            before: None,
            after,
            access: EntryAccess {
                kind: RecordKind::SecurityEvent,
                record_id: None,
                person_id,
                classification: 0,
                need_to_know: false,
                published: false,
            },
        },
    )
    .await?)
}

/// No value, for audit entries without a before or after.
pub const NONE: Option<&()> = None;

/// Checks that a person named on a record (an owner, a team member) belongs to `party_id`;
/// `field` and `message` say which and how in the refusal.
#[tracing::instrument(skip_all)]
pub(crate) async fn check_person_of_party(
    conn: &mut Conn,
    party_id: i64,
    person_id: Option<i64>,
    field: &'static str,
    message: &'static str,
) -> Result<()> {
    if let Some(person) = person_id {
        let found = sems_storage::people::get(conn, person).await?;
        if found.is_none_or(|p| p.party_id != party_id) {
            return Err(sems_domain::ValidationError::new(field, message).into());
        }
    }
    Ok(())
}

/// The message of a person check who must be of the organisation.
pub(crate) const OF_THIS_ORGANISATION: &str = "choose a person of this organisation";
