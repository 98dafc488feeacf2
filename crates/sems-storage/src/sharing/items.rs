//! Shared items (`ITEM_ACCESS`, kind `SharedItem`): owned by their issuer, marked with a
//! classification and need-to-know, read by the persons and groups they were distributed to
//! (`distributions`, which the access rule reads).

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::{Audiences, Document, Flag, OptionalDay};
use crate::sql::{fetch_page, Key, Order};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::page::{Page, PageRequest};
use sems_domain::sharing::directive::DirectiveStatus;
use sems_domain::sharing::tlp::Tlp;
use sems_domain::sharing::ItemKind;
use sems_domain::util::format_date;
use time::Date;

pub const ITEM_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::SharedItem,
    id: "si.id",
    owner_party: "si.owner_party_id",
    classification: Some("si.classification"),
    need_to_know: Some("si.need_to_know"),
    person: None,
    published: None,
    raiser: None,
    reach: Reach::Own("shared_items"),
};

/// Newest first, ending in the id.
const ORDER: Order = &[
    Key::int("si.created_at_ms").desc(),
    Key::int("si.id").desc(),
];

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SharedItem {
    pub id: i64,
    pub owner_party_id: i64,
    pub party_name: String,
    #[sqlx(try_from = "String")]
    pub kind: ItemKind,
    pub title: String,
    pub summary: String,
    pub body: String,
    #[sqlx(try_from = "String")]
    pub tlp: Tlp,
    pub classification: i64,
    #[sqlx(try_from = "Flag")]
    pub need_to_know: bool,
    #[sqlx(try_from = "String")]
    pub status: DirectiveStatus,
    #[sqlx(try_from = "OptionalDay")]
    pub effective_on: Option<Date>,
    #[sqlx(try_from = "OptionalDay")]
    pub acknowledge_by: Option<Date>,
    #[sqlx(try_from = "OptionalDay")]
    pub implement_by: Option<Date>,
    #[sqlx(try_from = "OptionalDay")]
    pub expires_on: Option<Date>,
    #[sqlx(try_from = "Flag")]
    pub recipients_visible: bool,
    #[sqlx(try_from = "Document")]
    pub audience: Audiences,
    pub issued_at_ms: Option<i64>,
    pub created_at_ms: i64,
    /// A bulletin's proposed national threat level: the scenario category and the level.
    pub threat_category: Option<String>,
    pub proposed_level: Option<i64>,
    pub proposal_applied_at_ms: Option<i64>,
    /// The closed report or finding a lesson learned was drawn from.
    pub lesson_source_kind: Option<String>,
    pub lesson_source_id: Option<i64>,
    /// The item this one supersedes.
    pub supersedes_id: Option<i64>,
}

/// The columns of a [`SharedItem`], for every query that reads one (the inbox adds its own).
pub(super) const COLUMNS: &str =
    "si.id, si.owner_party_id, pa.name AS party_name, si.kind, si.title,
        si.summary, si.body, si.tlp, si.classification, si.need_to_know, si.status,
        si.effective_on, si.acknowledge_by, si.implement_by, si.expires_on,
        si.recipients_visible, si.audience, si.issued_at_ms, si.created_at_ms,
        si.threat_category, si.proposed_level, si.proposal_applied_at_ms,
        si.lesson_source_kind, si.lesson_source_id, si.supersedes_id";

/// Where an item and its issuer's name are read from.
pub(super) const FROM: &str = "FROM shared_items si JOIN parties pa ON pa.id = si.owner_party_id";

fn select() -> String {
    format!("SELECT {COLUMNS} {FROM}")
}

/// An item to store.
pub struct NewItem<'a> {
    pub owner_party_id: i64,
    pub kind: ItemKind,
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a str,
    pub tlp: Tlp,
    pub classification: i64,
    pub need_to_know: bool,
    pub status: DirectiveStatus,
    pub effective_on: Option<Date>,
    pub acknowledge_by: Option<Date>,
    pub implement_by: Option<Date>,
    pub expires_on: Option<Date>,
    pub recipients_visible: bool,
    pub audience: &'a [sems_domain::sharing::Audience],
    pub threat_category: Option<&'a str>,
    pub proposed_level: Option<i64>,
    pub lesson_source: Option<(RecordKind, i64)>,
    pub supersedes_id: Option<i64>,
}

#[tracing::instrument(skip_all)]
pub async fn insert(conn: &mut Conn, v: &NewItem<'_>, by: Option<i64>) -> Result<i64> {
    let now = now_ms();
    Ok(sqlx::query_scalar(
        "INSERT INTO shared_items (owner_party_id, kind, title, summary, body, tlp, classification,
             need_to_know, status, effective_on, acknowledge_by, implement_by, expires_on,
             recipients_visible, audience, created_by, created_at_ms, updated_at_ms,
             threat_category, proposed_level, lesson_source_kind, lesson_source_id, supersedes_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17,
             $18, $19, $20, $21, $22)
         RETURNING id",
    )
    .bind(v.owner_party_id)
    .bind(v.kind.as_str())
    .bind(v.title)
    .bind(v.summary)
    .bind(v.body)
    .bind(v.tlp.as_str())
    .bind(v.classification)
    .bind(i64::from(v.need_to_know))
    .bind(v.status.as_str())
    .bind(v.effective_on.map(format_date))
    .bind(v.acknowledge_by.map(format_date))
    .bind(v.implement_by.map(format_date))
    .bind(v.expires_on.map(format_date))
    .bind(i64::from(v.recipients_visible))
    .bind(
        serde_json::to_string(v.audience)
            .map_err(|e| crate::decode::decode_error(format!("audience: {e}")))?,
    )
    .bind(by)
    .bind(now)
    .bind(v.threat_category)
    .bind(v.proposed_level)
    .bind(v.lesson_source.map(|(k, _)| k.as_str()))
    .bind(v.lesson_source.map(|(_, id)| id))
    .bind(v.supersedes_id)
    .fetch_one(&mut *conn)
    .await?)
}

#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<SharedItem>> {
    Ok(sqlx::query_as(&format!("{} WHERE si.id = $1", select()))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    /// Items of one issuer.
    pub owner_party_id: Option<i64>,
    pub kind: Option<ItemKind>,
}

/// The items `subject` may read (their own issuer's and those distributed to them), newest
/// first.
#[tracing::instrument(skip_all)]
pub async fn list(
    conn: &mut Conn,
    subject: &Subject,
    f: &ItemFilter,
    page: PageRequest,
) -> Result<Page<SharedItem>> {
    let mut cond = filter(subject, Action::Read, &ITEM_ACCESS);
    if let Some(p) = f.owner_party_id {
        cond.push(" AND si.owner_party_id = ").bind(p);
    }
    if let Some(k) = f.kind {
        cond.push(" AND si.kind = ").bind(k.as_str());
    }
    fetch_page(conn, "shared_items si", &select(), &cond, ORDER, page).await
}

/// Moves an item from `from` to `to` (approved: by whom; issued: when): false when it is no
/// longer at `from` (another request moved it first).
#[tracing::instrument(skip_all)]
pub async fn set_status(
    conn: &mut Conn,
    id: i64,
    from: DirectiveStatus,
    to: DirectiveStatus,
    approved_by: Option<i64>,
) -> Result<bool> {
    let now = now_ms();
    let done = sqlx::query(
        "UPDATE shared_items SET status = $1,
             approved_by = COALESCE($2, approved_by),
             issued_at_ms = CASE WHEN $1 = 'issued' THEN $3 ELSE issued_at_ms END,
             updated_at_ms = $3
         WHERE id = $4 AND status = $5",
    )
    .bind(to.as_str())
    .bind(approved_by)
    .bind(now)
    .bind(id)
    .bind(from.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Delivers a directive to a recipient organisation.
#[tracing::instrument(skip_all)]
pub async fn deliver(conn: &mut Conn, item_id: i64, party_id: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO directive_recipients (item_id, party_id, step, updated_at_ms)
         VALUES ($1, $2, 'delivered', $3) ON CONFLICT (item_id, party_id) DO NOTHING",
    )
    .bind(item_id)
    .bind(party_id)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A recipient organisation of a directive and its step.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DirectiveRecipient {
    pub party_id: i64,
    pub party_name: String,
    #[sqlx(try_from = "String")]
    pub step: sems_domain::sharing::directive::RecipientStep,
    #[sqlx(try_from = "OptionalDay")]
    pub acknowledged_on: Option<Date>,
    #[sqlx(try_from = "OptionalDay")]
    pub implemented_on: Option<Date>,
}

#[tracing::instrument(skip_all)]
pub async fn recipients(conn: &mut Conn, item_id: i64) -> Result<Vec<DirectiveRecipient>> {
    Ok(sqlx::query_as(
        "SELECT dr.party_id, pa.name AS party_name, dr.step, dr.acknowledged_on, dr.implemented_on
         FROM directive_recipients dr JOIN parties pa ON pa.id = dr.party_id
         WHERE dr.item_id = $1 ORDER BY pa.name, dr.party_id",
    )
    .bind(item_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// What a step writes beside the step itself.
#[derive(Debug, Clone, Default)]
pub struct StepPatch<'a> {
    pub acknowledged_by: Option<i64>,
    pub method: Option<&'a str>,
    pub alternative: Option<&'a str>,
    pub decision_note: Option<&'a str>,
    pub evidence_sha256: Option<&'a str>,
}

/// Moves a recipient organisation from step `from` to `to` on `today`: false when it is no
/// longer at `from` (another request moved it first).
#[tracing::instrument(skip_all)]
pub async fn advance(
    conn: &mut Conn,
    item_id: i64,
    party_id: i64,
    from: sems_domain::sharing::directive::RecipientStep,
    to: sems_domain::sharing::directive::RecipientStep,
    patch: &StepPatch<'_>,
    today: Date,
) -> Result<bool> {
    use sems_domain::sharing::directive::RecipientStep as S;
    let day = format_date(today);
    let done = sqlx::query(
        "UPDATE directive_recipients SET step = $1,
             acknowledged_on = CASE WHEN $1 = $2 THEN $3 ELSE acknowledged_on END,
             acknowledged_by = COALESCE($4, acknowledged_by),
             method = COALESCE($5, method),
             alternative = COALESCE($6, alternative),
             decision_note = COALESCE($7, decision_note),
             evidence_sha256 = COALESCE($8, evidence_sha256),
             implemented_on = CASE WHEN $1 = $9 THEN $3 ELSE implemented_on END,
             verified_on = CASE WHEN $1 = $10 THEN $3 ELSE verified_on END,
             updated_at_ms = $11
         WHERE item_id = $12 AND party_id = $13 AND step = $14",
    )
    .bind(to.as_str())
    .bind(S::Acknowledged.as_str())
    .bind(day)
    .bind(patch.acknowledged_by)
    .bind(patch.method)
    .bind(patch.alternative)
    .bind(patch.decision_note)
    .bind(patch.evidence_sha256)
    .bind(S::Implemented.as_str())
    .bind(S::Verified.as_str())
    .bind(now_ms())
    .bind(item_id)
    .bind(party_id)
    .bind(from.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records that the director applied a bulletin's proposed threat level: false when it was
/// applied already or the bulletin is no longer in force.
#[tracing::instrument(skip_all)]
pub async fn claim_proposal(conn: &mut Conn, id: i64) -> Result<bool> {
    let now = now_ms();
    let done = sqlx::query(
        "UPDATE shared_items SET proposal_applied_at_ms = $1, updated_at_ms = $1
         WHERE id = $2 AND proposal_applied_at_ms IS NULL AND proposed_level IS NOT NULL
           AND status = $3",
    )
    .bind(now)
    .bind(id)
    .bind(DirectiveStatus::Issued.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves an item from `from` to `to` (superseded, cancelled, expired): false when it is no
/// longer at `from`.
#[tracing::instrument(skip_all)]
pub async fn end(
    conn: &mut Conn,
    id: i64,
    from: DirectiveStatus,
    to: DirectiveStatus,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE shared_items SET status = $1, updated_at_ms = $2 WHERE id = $3 AND status = $4",
    )
    .bind(to.as_str())
    .bind(now_ms())
    .bind(id)
    .bind(from.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The threat scenarios an item concerns.
#[tracing::instrument(skip_all)]
pub async fn link_scenario(conn: &mut Conn, item_id: i64, scenario_id: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO shared_item_scenarios (item_id, scenario_id) VALUES ($1, $2)
         ON CONFLICT (item_id, scenario_id) DO NOTHING",
    )
    .bind(item_id)
    .bind(scenario_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn scenarios(conn: &mut Conn, item_id: i64) -> Result<Vec<crate::Named>> {
    Ok(sqlx::query_as(
        "SELECT s.id, s.code || ' ' || s.title AS name FROM shared_item_scenarios l
         JOIN threat_scenarios s ON s.id = l.scenario_id WHERE l.item_id = $1 ORDER BY s.code, s.id",
    )
    .bind(item_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// A suspected unauthorised disclosure reported by a recipient (its action set next).
#[tracing::instrument(skip_all)]
pub async fn insert_disclosure(
    conn: &mut Conn,
    item_id: i64,
    reported_by: i64,
    description: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO disclosure_reports (item_id, reported_by, description, action_id, created_at_ms)
         VALUES ($1, $2, $3, 0, $4) RETURNING id",
    )
    .bind(item_id)
    .bind(reported_by)
    .bind(description)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?)
}

#[tracing::instrument(skip_all)]
pub async fn set_disclosure_action(conn: &mut Conn, report_id: i64, action_id: i64) -> Result<()> {
    sqlx::query("UPDATE disclosure_reports SET action_id = $1 WHERE id = $2")
        .bind(action_id)
        .bind(report_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A disclosure report's item and the item's issuer.
#[tracing::instrument(skip_all)]
pub async fn disclosure(conn: &mut Conn, report_id: i64) -> Result<Option<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT r.item_id, si.owner_party_id FROM disclosure_reports r
         JOIN shared_items si ON si.id = r.item_id WHERE r.id = $1",
    )
    .bind(report_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A file an item carries.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItemFile {
    pub id: i64,
    pub item_id: i64,
    pub filename: String,
    pub sha256: String,
    pub size_bytes: i64,
}

#[tracing::instrument(skip_all)]
pub async fn add_file(
    conn: &mut Conn,
    item_id: i64,
    filename: &str,
    sha256: &str,
    size_bytes: i64,
    by: Option<i64>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO shared_item_files (item_id, filename, sha256, size_bytes, added_by, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(item_id)
    .bind(filename)
    .bind(sha256)
    .bind(size_bytes)
    .bind(by)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?)
}

#[tracing::instrument(skip_all)]
pub async fn files(conn: &mut Conn, item_id: i64) -> Result<Vec<ItemFile>> {
    Ok(sqlx::query_as(
        "SELECT id, item_id, filename, sha256, size_bytes FROM shared_item_files
         WHERE item_id = $1 ORDER BY id",
    )
    .bind(item_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// A recipient organisation's implementation evidence of a directive.
#[tracing::instrument(skip_all)]
pub async fn evidence_of(conn: &mut Conn, item_id: i64, party_id: i64) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT evidence_sha256 FROM directive_recipients WHERE item_id = $1 AND party_id = $2",
    )
    .bind(item_id)
    .bind(party_id)
    .fetch_optional(&mut *conn)
    .await?
    .flatten())
}
