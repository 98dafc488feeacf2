//! What goes with a report: attachments' metadata, messages with the reporter and the
//! authority, identity disclosure requests, corrective actions.

use crate::sql::Sql;
use crate::{now_ms, Conn, Result};
use sems_domain::report::{DisclosureDecision, MessageSide};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Attachment {
    pub id: i64,
    pub report_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

#[tracing::instrument(skip_all)]
pub async fn insert_attachment(
    conn: &mut Conn,
    report_id: i64,
    filename: &str,
    content_type: &str,
    size_bytes: i64,
    sha256: &str,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO report_attachments (report_id, filename, content_type, size_bytes, sha256, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(report_id)
    .bind(filename)
    .bind(content_type)
    .bind(size_bytes)
    .bind(sha256)
    .bind(now_ms())
    .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

#[tracing::instrument(skip_all)]
pub async fn attachments(conn: &mut Conn, report_id: i64) -> Result<Vec<Attachment>> {
    Ok(sqlx::query_as(
        "SELECT id, report_id, filename, content_type, size_bytes, sha256 FROM report_attachments
         WHERE report_id = $1 ORDER BY id",
    )
    .bind(report_id)
    .fetch_all(&mut *conn)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Message {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub side: MessageSide,
    /// Never shown to the reporter; absent for the reporter's own messages.
    pub author_name: Option<String>,
    pub body: String,
    pub created_at_ms: i64,
}

#[tracing::instrument(skip_all)]
pub async fn insert_message(
    conn: &mut Conn,
    report_id: i64,
    side: MessageSide,
    author_person_id: Option<i64>,
    body: &str,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO report_messages (report_id, side, author_person_id, body, created_at_ms)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(report_id)
    .bind(side.as_str())
    .bind(author_person_id)
    .bind(body)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The messages of a report on the given sides, oldest first.
#[tracing::instrument(skip_all)]
pub async fn messages(
    conn: &mut Conn,
    report_id: i64,
    sides: &[MessageSide],
) -> Result<Vec<Message>> {
    let mut sql = Sql::new(
        "SELECT m.id, m.side, pe.display_name AS author_name, m.body, m.created_at_ms
         FROM report_messages m LEFT JOIN people pe ON pe.id = m.author_person_id
         WHERE m.report_id = ",
    );
    sql.bind(report_id).push(" AND m.side IN (");
    for (i, s) in sides.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(s.as_str());
    }
    sql.push(") ORDER BY m.id");
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IdentityRequest {
    pub id: i64,
    pub report_id: i64,
    pub requested_by: i64,
    pub requested_by_name: String,
    pub reason: String,
    pub requested_at_ms: i64,
    #[sqlx(try_from = "String")]
    pub decision: DisclosureDecision,
    pub decided_by_name: Option<String>,
    pub decision_note: String,
    pub decided_at_ms: Option<i64>,
    /// An approval opens the identity once, until then.
    pub valid_until_ms: Option<i64>,
    pub used_at_ms: Option<i64>,
}

#[tracing::instrument(skip_all)]
pub async fn insert_identity_request(
    conn: &mut Conn,
    report_id: i64,
    requested_by: i64,
    reason: &str,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO identity_requests (report_id, requested_by, reason, requested_at_ms, decision)
         VALUES ($1, $2, $3, $4, 'pending') RETURNING id",
    )
    .bind(report_id)
    .bind(requested_by)
    .bind(reason)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Records the custodian's decision; an approval is usable until `valid_until_ms`.
#[tracing::instrument(skip_all)]
pub async fn decide_identity_request(
    conn: &mut Conn,
    id: i64,
    approved: bool,
    decided_by: i64,
    note: &str,
    valid_until_ms: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "UPDATE identity_requests SET decision = $1, decided_by = $2, decision_note = $3, decided_at_ms = $4,
             valid_until_ms = $5
         WHERE id = $6",
    )
    .bind(if approved { "approved" } else { "refused" })
    .bind(decided_by)
    .bind(note)
    .bind(now_ms())
    .bind(valid_until_ms)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Marks an approval used: it opened the identity once.
#[tracing::instrument(skip_all)]
pub async fn use_identity_request(conn: &mut Conn, id: i64) -> Result<()> {
    sqlx::query("UPDATE identity_requests SET used_at_ms = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The disclosure requests of a report, newest first.
#[tracing::instrument(skip_all)]
pub async fn identity_requests(conn: &mut Conn, report_id: i64) -> Result<Vec<IdentityRequest>> {
    Ok(sqlx::query_as(
        "SELECT ir.id, ir.report_id, ir.requested_by, rq.display_name AS requested_by_name, ir.reason,
                ir.requested_at_ms, ir.decision, dc.display_name AS decided_by_name, ir.decision_note,
                ir.decided_at_ms, ir.valid_until_ms, ir.used_at_ms
         FROM identity_requests ir JOIN people rq ON rq.id = ir.requested_by
         LEFT JOIN people dc ON dc.id = ir.decided_by
         WHERE ir.report_id = $1 ORDER BY ir.id DESC",
    )
    .bind(report_id)
    .fetch_all(&mut *conn)
        .await?)
}

/// A disclosure request waiting for the identity custodian.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingDisclosure {
    pub id: i64,
    pub report_id: i64,
    pub reason: String,
}

/// Pending disclosure requests on an organisation's reports, oldest first.
#[tracing::instrument(skip_all)]
pub async fn pending_identity_requests(
    conn: &mut Conn,
    party_id: i64,
) -> Result<Vec<PendingDisclosure>> {
    Ok(sqlx::query_as(
        "SELECT ir.id, ir.report_id, ir.reason FROM identity_requests ir
         JOIN security_reports sr ON sr.id = ir.report_id
         WHERE sr.owner_party_id = $1 AND ir.decision = 'pending' ORDER BY ir.id",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// A corrective action of a closed report, as the report shows it (the action itself is in
/// the register).
#[derive(Debug, Clone)]
pub struct ReportAction {
    pub id: i64,
    pub title: String,
    pub responsible_name: Option<String>,
    pub due_on: time::Date,
    pub status: sems_domain::action::ActionStatus,
}

/// Opens a corrective action of a report in the register.
#[tracing::instrument(skip_all)]
pub async fn insert_report_action(
    conn: &mut Conn,
    report: &crate::actions::Source,
    title: &str,
    responsible_person_id: Option<i64>,
    due_on: time::Date,
    by: Option<i64>,
) -> Result<i64> {
    crate::actions::insert(
        conn,
        report,
        &crate::actions::ActionValues {
            title,
            responsible_person_id,
            due_on,
            status: sems_domain::action::ActionStatus::Planned,
            cost_one_off: 0,
            cost_annual: 0,
        },
        by,
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn report_actions(conn: &mut Conn, report_id: i64) -> Result<Vec<ReportAction>> {
    Ok(crate::actions::of_source(
        conn,
        sems_domain::access::RecordKind::SecurityReport,
        report_id,
    )
    .await?
    .into_iter()
    .map(|a| ReportAction {
        id: a.id,
        title: a.title,
        responsible_name: a.responsible_name,
        due_on: a.due_on,
        status: a.status,
    })
    .collect())
}
