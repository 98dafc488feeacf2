//! The audit trail: append (in the caller's transaction), browse, verify.

use crate::access_filter::{filter, AccessColumns};
use crate::sql::fetch_page;
use crate::{now_ms, Conn, Result, Store};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::audit::{entry_hash, AuditEntry, ChainBreak, ChainVerifier};
use sems_domain::page::{Page, PageRequest};
use serde::Serialize;
use sqlx::Row;

pub const ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::AuditEntry,
    id: "a.seq",
    owner_party: "a.owner_party_id",
    classification: None,
    need_to_know: None,
    person: None,
    published: None,
};

/// What a service records about one change.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub actor_person_id: Option<i64>,
    pub actor_party_id: Option<i64>,
    pub owner_party_id: i64,
    pub action: String,
    pub record_kind: String,
    pub record_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Appends an entry chained to the previous one. Must run in the transaction of the change it
/// records: the update of `audit_head` locks the head row, so concurrent appends queue up and
/// the chain never forks, on either engine.
pub async fn append(conn: &mut Conn, e: &NewEntry) -> Result<i64> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *conn)
        .await?;
    let seq: i64 = head.try_get("seq")?;
    let prev_hash: String = head.try_get("hash")?;
    let at_ms = now_ms();
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
    sqlx::query(
        "INSERT INTO audit_entries (seq, at_ms, actor_person_id, actor_party_id, owner_party_id, action,
             record_kind, record_id, before_json, after_json, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(seq)
    .bind(at_ms)
    .bind(e.actor_person_id)
    .bind(e.actor_party_id)
    .bind(e.owner_party_id)
    .bind(e.action.as_str())
    .bind(e.record_kind.as_str())
    .bind(e.record_id)
    .bind(e.before.clone())
    .bind(e.after.clone())
    .bind(prev_hash.as_str())
    .bind(hash.as_str())
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(hash.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(seq)
}

/// An entry as shown to people: the stored entry with the actor's and party's names.
#[derive(Debug, Clone, Serialize)]
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
    pub before: Option<String>,
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
}

pub async fn list(
    conn: &mut Conn,
    subject: &Subject,
    f: &AuditFilter,
    page: PageRequest,
) -> Result<Page<AuditView>> {
    let mut cond = filter(subject, Action::Read, &ACCESS);
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
                a.owner_party_id, pa.name AS owner_party_name, a.action, a.record_kind, a.record_id,
                a.before_json, a.after_json, a.hash
         FROM audit_entries a
         LEFT JOIN people pe ON pe.id = a.actor_person_id
         LEFT JOIN parties pa ON pa.id = a.owner_party_id",
        &cond,
        "a.seq DESC",
        page,
        view_from_row,
    )
    .await
}

fn view_from_row(row: &sqlx::any::AnyRow) -> Result<AuditView> {
    Ok(AuditView {
        seq: row.try_get("seq")?,
        at_ms: row.try_get("at_ms")?,
        actor_person_id: row.try_get("actor_person_id")?,
        actor_name: row.try_get("actor_name")?,
        actor_party_id: row.try_get("actor_party_id")?,
        owner_party_id: row.try_get("owner_party_id")?,
        owner_party_name: row
            .try_get::<Option<String>, _>("owner_party_name")?
            .unwrap_or_default(),
        action: row.try_get("action")?,
        record_kind: row.try_get("record_kind")?,
        record_id: row.try_get("record_id")?,
        before: row.try_get("before_json")?,
        after: row.try_get("after_json")?,
        hash: row.try_get("hash")?,
    })
}

/// The outcome of verifying the whole trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Intact { entries: u64 },
    Broken(ChainBreak),
}

/// Walks the whole trail in order, in batches, and checks every link and the head.
pub async fn verify(store: &Store) -> Result<Verification> {
    let mut conn = store.read().await?;
    let mut verifier = ChainVerifier::default();
    let mut after: i64 = 0;
    const BATCH: i64 = 5_000;
    loop {
        let rows = sqlx::query(
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
        for r in &rows {
            let entry = AuditEntry {
                seq: r.try_get("seq")?,
                at_ms: r.try_get("at_ms")?,
                actor_person_id: r.try_get("actor_person_id")?,
                actor_party_id: r.try_get("actor_party_id")?,
                owner_party_id: r.try_get("owner_party_id")?,
                action: r.try_get("action")?,
                record_kind: r.try_get("record_kind")?,
                record_id: r.try_get("record_id")?,
                before: r.try_get("before_json")?,
                after: r.try_get("after_json")?,
                prev_hash: r.try_get("prev_hash")?,
                hash: r.try_get("hash")?,
            };
            if let Err(b) = verifier.check(&entry) {
                return Ok(Verification::Broken(b));
            }
            after = entry.seq;
        }
    }
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    let head_seq: i64 = head.try_get("seq")?;
    let head_hash: String = head.try_get("hash")?;
    Ok(match verifier.finish(head_seq, &head_hash) {
        Ok(()) => Verification::Intact {
            entries: verifier.verified,
        },
        Err(b) => Verification::Broken(b),
    })
}
