//! The audit trail: append (in the caller's transaction), browse, verify.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::sql::{fetch_page, Key, Order};
use crate::{now_ms, Conn, Result, Store};
use sems_domain::access::{Action, RecordKind, RecordMeta, Subject};
use sems_domain::audit::{entry_hash, AuditChannel, AuditEntry, ChainBreak, ChainVerifier, DAY_MS};
use sems_domain::page::{Page, PageRequest};

/// The order of the list: ending in the id, so pages never overlap.
const ORDER: Order = &[Key::int("a.seq").desc()];

/// Who reads the trail at all: its readers of the entry's owning party (quality auditor,
/// accountable executive, the authority's director, assigned inspectors). [`trail_filter`]
/// adds that they may read the record the entry describes.
pub const ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::AuditEntry,
    id: "a.seq",
    owner_party: "a.owner_party_id",
    classification: None,
    need_to_know: None,
    person: None,
    published: None,
    raiser: None,
    reach: Reach::Scan,
};

/// The security log: the entries of the `security` channel, each about one person.
pub const SECURITY_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::SecurityEvent,
    id: "a.seq",
    owner_party: "a.owner_party_id",
    classification: None,
    need_to_know: None,
    person: Some("a.subject_person_id"),
    published: None,
    raiser: None,
    reach: Reach::Scan,
};

/// The record an entry describes, as the access rule sees it: stored beside the entry (not
/// hashed) so that the trail serves the entry only to who may read that record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryAccess {
    /// The kind whose grants decide; `AuditEntry` for an entry about no record.
    pub kind: RecordKind,
    /// The record whose distribution decides (the entry's own record, or the one it belongs
    /// to: a mitigation action's assessment, an identity request's report).
    pub record_id: Option<i64>,
    /// The person the record is about (a person record, a security event).
    pub person_id: Option<i64>,
    pub classification: i64,
    pub need_to_know: bool,
    pub published: bool,
}

impl EntryAccess {
    /// The marking of `record` (identified by `record_id` for its distribution).
    pub fn of(record: &RecordMeta, record_id: Option<i64>) -> Self {
        Self {
            kind: record.kind,
            record_id,
            person_id: record.person_id,
            classification: record.classification,
            need_to_know: record.need_to_know,
            published: record.published,
        }
    }

    /// An entry about no record of its own (a set-up, a generation): the trail's readers.
    pub fn trail() -> Self {
        Self {
            kind: RecordKind::AuditEntry,
            record_id: None,
            person_id: None,
            classification: 0,
            need_to_know: false,
            published: false,
        }
    }
}

/// What a service records about one change.
#[derive(Debug, Clone)]
pub struct NewEntry {
    /// To whom the entry is served (not part of the hash: it decides the reader, the hash
    /// covers the content).
    pub channel: AuditChannel,
    /// For a security event: the person it is about.
    pub subject_person_id: Option<i64>,
    pub actor_person_id: Option<i64>,
    pub actor_party_id: Option<i64>,
    pub owner_party_id: i64,
    pub action: String,
    pub record_kind: String,
    pub record_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
    /// The marking of the record described; not hashed, like the channel.
    pub access: EntryAccess,
}

/// The head of the chain: the last entry's sequence number and hash.
#[derive(sqlx::FromRow)]
struct Head {
    seq: i64,
    hash: String,
}

/// Appends an entry chained to the previous one. Must run in the transaction of the change it
/// records: the update of `audit_head` locks the head row, so concurrent appends queue up and
/// the chain never forks, on either engine.
#[tracing::instrument(skip_all)]
pub async fn append(conn: &mut Conn, e: &NewEntry) -> Result<i64> {
    let seq = append_for_new_records(conn, std::slice::from_ref(e)).await?;
    // The earlier entries of the record follow its marking as it is now.
    remark(conn, &e.access).await?;
    Ok(seq)
}

/// Appends the entries of records created in this same transaction (a batch of filings), in
/// order, with three statements however many there are: nothing earlier exists to remark.
/// Returns the sequence number of the first (the others follow it); 0 when there are none.
#[tracing::instrument(skip_all)]
pub async fn append_for_new_records(conn: &mut Conn, entries: &[NewEntry]) -> Result<i64> {
    if entries.is_empty() {
        return Ok(0);
    }
    let n = entries.len() as i64;
    let Head {
        seq: last,
        hash: mut prev_hash,
    } = sqlx::query_as("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
        .bind(n)
        .fetch_one(&mut *conn)
        .await?;
    let at_ms = now_ms();
    let mut sql = crate::sql::Sql::new(
        "INSERT INTO audit_entries (seq, at_ms, actor_person_id, actor_party_id, owner_party_id, action,
             record_kind, record_id, before_json, after_json, prev_hash, hash, channel, subject_person_id,
             access_kind, access_record_id, access_person_id, classification, need_to_know, published)
         VALUES ",
    );
    let first = last - n + 1;
    for (i, e) in entries.iter().enumerate() {
        let seq = first + i as i64;
        let hash = entry_hash(
            &prev_hash,
            seq,
            at_ms,
            e.actor_person_id,
            e.actor_party_id,
            e.owner_party_id,
            &e.action,
            &e.record_kind,
            e.record_id,
            e.before.as_deref(),
            e.after.as_deref(),
        );
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(seq).push(", ").bind(at_ms).push(", ");
        sql.bind(e.actor_person_id)
            .push(", ")
            .bind(e.actor_party_id)
            .push(", ");
        sql.bind(e.owner_party_id)
            .push(", ")
            .bind(e.action.as_str())
            .push(", ");
        sql.bind(e.record_kind.as_str())
            .push(", ")
            .bind(e.record_id)
            .push(", ");
        sql.bind(e.before.clone())
            .push(", ")
            .bind(e.after.clone())
            .push(", ");
        sql.bind(prev_hash.as_str())
            .push(", ")
            .bind(hash.as_str())
            .push(", ");
        sql.bind(e.channel.as_str())
            .push(", ")
            .bind(e.subject_person_id)
            .push(", ");
        sql.bind(e.access.kind.as_str())
            .push(", ")
            .bind(e.access.record_id)
            .push(", ");
        sql.bind(e.access.person_id)
            .push(", ")
            .bind(e.access.classification)
            .push(", ");
        sql.bind(i64::from(e.access.need_to_know)).push(", ");
        sql.bind(i64::from(e.access.published)).push(")");
        prev_hash = hash;
    }
    sql.query().execute(&mut *conn).await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(prev_hash.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(first)
}

/// Gives every entry of `access`'s record its marking: called with each new entry, and by a
/// change of marking that records no entry of the record itself (a covert test's findings,
/// released with the test).
#[tracing::instrument(skip_all)]
pub async fn remark(conn: &mut Conn, access: &EntryAccess) -> Result<()> {
    let Some(record_id) = access.record_id else {
        return Ok(());
    };
    if access.kind == RecordKind::AuditEntry {
        return Ok(());
    }
    sqlx::query(
        "UPDATE audit_entries SET classification = $1, need_to_know = $2, published = $3
         WHERE access_kind = $4 AND access_record_id = $5
           AND (classification <> $6 OR need_to_know <> $7 OR published <> $8)",
    )
    .bind(access.classification)
    .bind(i64::from(access.need_to_know))
    .bind(i64::from(access.published))
    .bind(access.kind.as_str())
    .bind(record_id)
    .bind(access.classification)
    .bind(i64::from(access.need_to_know))
    .bind(i64::from(access.published))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The condition for the trail entries `subject` may read: a reader of the trail of the
/// entry's owner ([`ACCESS`]) who may also read the record the entry describes, by the same
/// filter as that record's own list (its kind's grants, owner, classification, need-to-know
/// and distribution). [`sems_domain::access::decide_audit_entry`] is the same rule for one
/// entry; the storage access matrix checks they agree.
pub fn trail_filter(subject: &Subject) -> crate::sql::Sql {
    let mut cond = filter(subject, Action::Read, &ACCESS);
    cond.push(" AND (a.access_kind = ")
        .bind(RecordKind::AuditEntry.as_str())
        .push(" OR ");
    let described: Vec<RecordKind> = RecordKind::ALL
        .into_iter()
        .filter(|k| *k != RecordKind::AuditEntry)
        .collect();
    cond.append(&crate::access_filter::filter_by_kind(
        subject,
        Action::Read,
        "a.access_kind",
        &described,
        |kind| AccessColumns {
            kind,
            id: "a.access_record_id",
            owner_party: "a.owner_party_id",
            classification: Some("a.classification"),
            need_to_know: Some("a.need_to_know"),
            person: Some("a.access_person_id"),
            published: Some("a.published"),
            raiser: None,
            reach: Reach::Scan,
        },
    ));
    cond.push(")");
    cond
}

/// An entry as shown to people: the stored entry with the actor's and party's names.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditView {
    pub seq: i64,
    pub at_ms: i64,
    pub actor_person_id: Option<i64>,
    pub actor_name: Option<String>,
    pub actor_party_id: Option<i64>,
    pub owner_party_id: i64,
    pub owner_party_name: String,
    pub action: String,
    pub record_kind: String,
    pub record_id: Option<i64>,
    #[sqlx(rename = "before_json")]
    pub before: Option<String>,
    #[sqlx(rename = "after_json")]
    pub after: Option<String>,
    pub hash: String,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub party_id: Option<i64>,
    pub record_kind: Option<String>,
    pub record_id: Option<i64>,
    /// Matches actions starting with this text (`site.` matches every site action).
    pub action_prefix: Option<String>,
    pub actor_person_id: Option<i64>,
    pub from_ms: Option<i64>,
    pub until_ms: Option<i64>,
    /// The security log only: the person the events are about.
    pub subject_person_id: Option<i64>,
}

/// A day's count as the database groups it; served as a [`ProtectedDay`].
#[derive(sqlx::FromRow)]
struct ProtectedDayRow {
    day_index: i64,
    owner_party_id: i64,
    owner_party_name: String,
    action: String,
    n: i64,
}

/// What is served of protected-source entries: how many of each action, per day and
/// organisation. No time finer than the day, no sequence, hash, record, actor or content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedDay {
    /// The day, `YYYY-MM-DD` (UTC).
    pub day: String,
    pub owner_party_id: i64,
    pub owner_party_name: String,
    pub action: String,
    pub count: i64,
}

/// The protected-source entries `subject` may read (the trail's readers), as counts per day,
/// organisation and action, newest day first.
#[tracing::instrument(skip_all)]
pub async fn protected_days(
    conn: &mut Conn,
    subject: &Subject,
    party_id: Option<i64>,
    page: PageRequest,
) -> Result<Page<ProtectedDay>> {
    let mut cond = filter(subject, Action::Read, &ACCESS);
    cond.push(" AND a.channel = ")
        .bind(AuditChannel::ProtectedSource.as_str());
    if let Some(p) = party_id {
        cond.push(" AND a.owner_party_id = ").bind(p);
    }
    let grouped = format!(" GROUP BY a.at_ms / {DAY_MS}, a.owner_party_id, a.action");
    let mut count = crate::sql::Sql::new(
        "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM audit_entries a WHERE ",
    );
    count.append(&cond).push(&grouped).push(") g");
    let total: i64 = count.query_scalar().fetch_one(&mut *conn).await?;
    let mut rows = crate::sql::Sql::new(&format!(
        "SELECT a.at_ms / {DAY_MS} AS day_index, a.owner_party_id,
                COALESCE(MAX(pa.name), '') AS owner_party_name,
                a.action, COUNT(*) AS n
         FROM audit_entries a LEFT JOIN parties pa ON pa.id = a.owner_party_id WHERE "
    ));
    rows.append(&cond)
        .push(&grouped)
        .push(" ORDER BY day_index DESC, a.owner_party_id, a.action LIMIT ")
        .bind(page.limit())
        .push(" OFFSET ")
        .bind(page.offset());
    let fetched: Vec<ProtectedDayRow> = rows.query_as().fetch_all(&mut *conn).await?;
    let items = fetched
        .into_iter()
        .map(|r| ProtectedDay {
            day: sems_domain::util::date_of(r.day_index * DAY_MS),
            owner_party_id: r.owner_party_id,
            owner_party_name: r.owner_party_name,
            action: r.action,
            count: r.n,
        })
        .collect();
    // Days are few (one row per day, organisation and action): counted exactly.
    Ok(Page {
        items,
        page: page.page,
        per_page: page.per_page,
        total,
        total_exact: true,
        next_cursor: None,
    })
}

/// The organisation's trail: the `trail` channel, through the access rule.
#[tracing::instrument(skip_all)]
pub async fn list(
    conn: &mut Conn,
    subject: &Subject,
    f: &AuditFilter,
    page: PageRequest,
) -> Result<Page<AuditView>> {
    let mut cond = trail_filter(subject);
    cond.push(" AND a.channel = ")
        .bind(AuditChannel::Trail.as_str());
    entries(conn, cond, f, page).await
}

/// The security log: the `security` channel, read by the administrator (every entry) and by
/// each person (the entries about them).
#[tracing::instrument(skip_all)]
pub async fn security_log(
    conn: &mut Conn,
    subject: &Subject,
    f: &AuditFilter,
    page: PageRequest,
) -> Result<Page<AuditView>> {
    let mut cond = filter(subject, Action::Read, &SECURITY_ACCESS);
    cond.push(" AND a.channel = ")
        .bind(AuditChannel::Security.as_str());
    if let Some(person) = f.subject_person_id {
        cond.push(" AND a.subject_person_id = ").bind(person);
    }
    entries(conn, cond, f, page).await
}

async fn entries(
    conn: &mut Conn,
    mut cond: crate::sql::Sql,
    f: &AuditFilter,
    page: PageRequest,
) -> Result<Page<AuditView>> {
    if let Some(p) = f.party_id {
        cond.push(" AND a.owner_party_id = ").bind(p);
    }
    if let Some(k) = f.record_kind.as_deref().filter(|s| !s.is_empty()) {
        cond.push(" AND a.record_kind = ").bind(k);
    }
    if let Some(id) = f.record_id {
        cond.push(" AND a.record_id = ").bind(id);
    }
    if let Some(prefix) = f.action_prefix.as_deref().filter(|s| !s.is_empty()) {
        cond.push(" AND a.action LIKE ")
            .bind(format!("{}%", crate::sql::like_escape(prefix)))
            .push(" ESCAPE '\\'");
    }
    if let Some(actor) = f.actor_person_id {
        cond.push(" AND a.actor_person_id = ").bind(actor);
    }
    if let Some(from) = f.from_ms {
        cond.push(" AND a.at_ms >= ").bind(from);
    }
    if let Some(until) = f.until_ms {
        cond.push(" AND a.at_ms < ").bind(until);
    }
    fetch_page(
        conn,
        "audit_entries a",
        "SELECT a.seq, a.at_ms, a.actor_person_id, pe.display_name AS actor_name, a.actor_party_id,
                a.owner_party_id, COALESCE(pa.name, '') AS owner_party_name, a.action, a.record_kind,
                a.record_id,
                a.before_json, a.after_json, a.hash
         FROM audit_entries a
         LEFT JOIN people pe ON pe.id = a.actor_person_id
         LEFT JOIN parties pa ON pa.id = a.owner_party_id",
        &cond,
        ORDER,
        page,
    )
    .await
}

/// An entry as the chain hashes it (the domain's `AuditEntry`, which knows no database).
#[derive(sqlx::FromRow)]
struct ChainRow {
    seq: i64,
    at_ms: i64,
    actor_person_id: Option<i64>,
    actor_party_id: Option<i64>,
    owner_party_id: i64,
    action: String,
    record_kind: String,
    record_id: Option<i64>,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: String,
    hash: String,
}

impl From<ChainRow> for AuditEntry {
    fn from(r: ChainRow) -> Self {
        AuditEntry {
            seq: r.seq,
            at_ms: r.at_ms,
            actor_person_id: r.actor_person_id,
            actor_party_id: r.actor_party_id,
            owner_party_id: r.owner_party_id,
            action: r.action,
            record_kind: r.record_kind,
            record_id: r.record_id,
            before: r.before_json,
            after: r.after_json,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// The outcome of verifying the whole trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Intact { entries: u64 },
    Broken(ChainBreak),
}

/// Walks the whole trail in order, in batches, and checks every link and the head.
#[tracing::instrument(skip_all)]
pub async fn verify(store: &Store) -> Result<Verification> {
    let mut conn = store.read().await?;
    let mut verifier = ChainVerifier::default();
    let mut after: i64 = 0;
    const BATCH: i64 = 5_000;
    loop {
        let rows: Vec<ChainRow> = sqlx::query_as(
            "SELECT seq, at_ms, actor_person_id, actor_party_id, owner_party_id, action, record_kind,
                    record_id, before_json, after_json, prev_hash, hash
             FROM audit_entries WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(BATCH)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            break;
        }
        for r in rows {
            let entry = AuditEntry::from(r);
            if let Err(b) = verifier.check(&entry) {
                return Ok(Verification::Broken(b));
            }
            after = entry.seq;
        }
    }
    let head: Head = sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    Ok(match verifier.finish(head.seq, &head.hash) {
        Ok(()) => Verification::Intact {
            entries: verifier.verified,
        },
        Err(b) => Verification::Broken(b),
    })
}
