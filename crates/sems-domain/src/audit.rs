//! The tamper-evident audit trail: each entry's hash covers its fields and the previous
//! entry's hash, so an edited, deleted or reordered entry breaks the chain from there on.

use crate::util::hex;
use sha2::{Digest, Sha256};

crate::vocabulary::vocabulary!(
    /// To whom an entry is served. Every entry is chained in the one trail, so `sems audit
    /// verify` checks them all; the channel decides who reads it and how.
    ///
    /// - `trail`: the organisation's audit trail, read through the access rule.
    /// - `security`: sign-in, sign-out, lockout, two-factor, password and token events. They
    ///   place a person at a time, so they never enter an organisation's trail: the security
    ///   log is read by the deployment administrator, and by each person for their own events.
    /// - `protected_source`: a filing that protects its source (a confidential or anonymous
    ///   report) and every event that follows from it. Served only as counts per day, without
    ///   a time, sequence, hash, record or actor, so that nothing served can place it among
    ///   other people's entries.
    AuditChannel, "channel", {
        Trail => "trail", "Audit trail";
        Security => "security", "Security log";
        ProtectedSource => "protected_source", "Confidential reporting";
    }
);

/// A day in milliseconds: the finest time served for a protected-source entry.
pub const DAY_MS: i64 = 86_400_000;

/// The start (UTC) of the day of `at_ms`: what is served of a protected-source time.
pub fn day_start(at_ms: i64) -> i64 {
    at_ms.div_euclid(DAY_MS) * DAY_MS
}

/// The hash the first entry chains to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What the trail says a record is: a kind of the access rule, or one of the few records it
/// does not decide on by themselves (the deployment, a catalogue version, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditRecord {
    Kind(crate::access::RecordKind),
    /// A corrective action of the register (read as its source record).
    Action,
    /// The deployment as a whole: the demo loaded, data generated.
    Deployment,
    /// A request to disclose a confidential reporter's identity.
    IdentityRequest,
    /// A category of the report taxonomy.
    ReportCategory,
    /// A version of a requirements catalogue.
    RequirementCatalogue,
    /// A mitigation action as a risk assessment records it.
    RiskAction,
}

impl AuditRecord {
    /// The word the trail stores.
    pub const fn as_str(self) -> &'static str {
        match self {
            AuditRecord::Kind(k) => k.as_str(),
            AuditRecord::Action => "action",
            AuditRecord::Deployment => "deployment",
            AuditRecord::IdentityRequest => "identity_request",
            AuditRecord::ReportCategory => "report_category",
            AuditRecord::RequirementCatalogue => "requirement_catalogue",
            AuditRecord::RiskAction => "risk_action",
        }
    }
}

/// An action of the audit trail: the word stored (`site.create`) and what it is about. Each
/// module of the services names its actions as constants (`trail.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditAction {
    pub name: &'static str,
    pub record: AuditRecord,
}

impl AuditAction {
    pub const fn new(name: &'static str, record: AuditRecord) -> Self {
        Self { name, record }
    }
}

/// One entry of the trail, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at_ms: i64,
    pub actor_person_id: Option<i64>,
    pub actor_party_id: Option<i64>,
    /// The party that owns the changed record: whose trail the entry belongs to.
    pub owner_party_id: i64,
    pub action: String,
    pub record_kind: String,
    pub record_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an entry's content chained to `prev_hash`.
///
/// Every field is length-prefixed so that no two different entries serialise alike.
#[allow(clippy::too_many_arguments)]
pub fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at_ms: i64,
    actor_person_id: Option<i64>,
    actor_party_id: Option<i64>,
    owner_party_id: i64,
    action: &str,
    record_kind: &str,
    record_id: Option<i64>,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    let opt = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_else(|| "-".into());
    field(prev_hash.as_bytes());
    field(seq.to_string().as_bytes());
    field(at_ms.to_string().as_bytes());
    field(opt(actor_person_id).as_bytes());
    field(opt(actor_party_id).as_bytes());
    field(owner_party_id.to_string().as_bytes());
    field(action.as_bytes());
    field(record_kind.as_bytes());
    field(opt(record_id).as_bytes());
    field(before.unwrap_or("\u{0}").as_bytes());
    field(after.unwrap_or("\u{0}").as_bytes());
    hex(&h.finalize())
}

impl AuditEntry {
    pub fn computed_hash(&self) -> String {
        entry_hash(
            &self.prev_hash,
            self.seq,
            self.at_ms,
            self.actor_person_id,
            self.actor_party_id,
            self.owner_party_id,
            &self.action,
            &self.record_kind,
            self.record_id,
            self.before.as_deref(),
            self.after.as_deref(),
        )
    }
}

/// Where and why the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The sequence number of the first entry that does not verify.
    pub seq: i64,
    pub reason: String,
}

/// Walks the chain in order. Checks every entry against the one before it, and the last one
/// against the recorded head (so that deleting the newest entries is detected too).
#[derive(Debug)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
    pub verified: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_string(),
            verified: 0,
        }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, entry: &AuditEntry) -> Result<(), ChainBreak> {
        if entry.seq != self.expected_seq {
            return Err(ChainBreak {
                seq: self.expected_seq,
                reason: format!(
                    "entry {} is missing or out of order (found entry {} in its place)",
                    self.expected_seq, entry.seq
                ),
            });
        }
        if entry.prev_hash != self.prev_hash {
            return Err(ChainBreak {
                seq: entry.seq,
                reason: format!(
                    "entry {} does not chain to the entry before it (deleted, reordered or edited)",
                    entry.seq
                ),
            });
        }
        if entry.computed_hash() != entry.hash {
            return Err(ChainBreak {
                seq: entry.seq,
                reason: format!("entry {} was edited after it was written", entry.seq),
            });
        }
        self.prev_hash = entry.hash.clone();
        self.expected_seq += 1;
        self.verified += 1;
        Ok(())
    }

    /// Compares the end of the walk with the head the database recorded at the last append.
    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Result<(), ChainBreak> {
        let last = self.expected_seq - 1;
        if head_seq != last || (last > 0 && head_hash != self.prev_hash) {
            return Err(ChainBreak {
                seq: last + 1,
                reason: format!(
                    "the trail ends at entry {last} but {head_seq} entries were written: the newest were deleted or edited"
                ),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_protected_time_is_served_as_its_day() {
        let t = 1_764_711_793_000; // 2025-12-02 21:43:13 UTC
        assert_eq!(day_start(t), 1_764_633_600_000);
        assert_eq!(day_start(day_start(t)), day_start(t));
        assert_eq!(day_start(t + DAY_MS), day_start(t) + DAY_MS);
        assert_eq!(crate::util::date_of(day_start(t)), crate::util::date_of(t));
        assert_eq!(day_start(-1), -DAY_MS, "before 1970 rounds down too");
    }

    #[test]
    fn channels_round_trip() {
        for c in AuditChannel::ALL {
            assert_eq!(AuditChannel::parse(c.as_str()).unwrap(), *c);
        }
    }

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEntry {
                    seq,
                    at_ms: 1_700_000_000_000 + seq,
                    actor_person_id: Some(7),
                    actor_party_id: Some(1),
                    owner_party_id: 2,
                    action: "site.create".into(),
                    record_kind: "site".into(),
                    record_id: Some(seq),
                    before: None,
                    after: Some(format!("{{\"name\":\"T{seq}\"}}")),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = e.computed_hash();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn verify(entries: &[AuditEntry], head_seq: i64, head_hash: &str) -> Result<(), ChainBreak> {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.check(e)?;
        }
        v.finish(head_seq, head_hash)
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        assert!(verify(&c, 5, &c[4].hash).is_ok());
        assert!(verify(&[], 0, GENESIS_HASH).is_ok());
    }

    #[test]
    fn edited_entry_is_named() {
        let mut c = chain(5);
        c[2].after = Some("{\"name\":\"forged\"}".into());
        let head = c[4].hash.clone();
        assert_eq!(verify(&c, 5, &head).unwrap_err().seq, 3);
    }

    #[test]
    fn deleted_entry_is_named() {
        let mut c = chain(5);
        c.remove(1);
        let head = c[3].hash.clone();
        assert_eq!(verify(&c, 5, &head).unwrap_err().seq, 2);
    }

    #[test]
    fn reordered_entries_are_named() {
        let mut c = chain(5);
        c.swap(1, 2);
        // Renumbering to hide the swap still breaks the chain.
        c[1].seq = 2;
        c[2].seq = 3;
        let head = c[4].hash.clone();
        assert_eq!(verify(&c, 5, &head).unwrap_err().seq, 2);
    }

    #[test]
    fn truncated_tail_is_detected() {
        let c = chain(5);
        let head = c[4].hash.clone();
        assert_eq!(verify(&c[..4], 5, &head).unwrap_err().seq, 5);
    }
}
