//! Notifications shown on a person's home page.

use crate::decode::Flag;
use crate::{now_ms, Conn, Result};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub message: String,
    pub link: String,
    pub created_at_ms: i64,
    #[sqlx(rename = "is_read")]
    #[sqlx(try_from = "Flag")]
    pub read: bool,
}

#[tracing::instrument(skip_all)]
pub async fn insert(conn: &mut Conn, person_ids: &[i64], message: &str, link: &str) -> Result<()> {
    let rows: Vec<(i64, &str, &str)> = person_ids.iter().map(|p| (*p, message, link)).collect();
    insert_rows(conn, &rows).await
}

/// Notifications of several people and messages in one statement: (person, message, link).
#[tracing::instrument(skip_all)]
pub async fn insert_rows(conn: &mut Conn, rows: &[(i64, &str, &str)]) -> Result<()> {
    let now = now_ms();
    // Four parameters a row: well within both engines' limits for any batch of filings.
    for chunk in rows.chunks(2000) {
        let mut sql = crate::sql::Sql::new(
            "INSERT INTO notifications (person_id, message, link, created_at_ms) VALUES ",
        );
        for (i, (person, message, link)) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(*person).push(", ").bind(*message).push(", ");
            sql.bind(*link).push(", ").bind(now).push(")");
        }
        sql.query().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The newest notifications of a person, unread first.
#[tracing::instrument(skip_all)]
pub async fn for_person(conn: &mut Conn, person_id: i64, limit: i64) -> Result<Vec<Notification>> {
    Ok(sqlx::query_as(
        "SELECT id, message, link, created_at_ms,
             CASE WHEN read_at_ms IS NULL THEN 0 ELSE 1 END AS is_read
         FROM notifications WHERE person_id = $1
         ORDER BY (CASE WHEN read_at_ms IS NULL THEN 0 ELSE 1 END), created_at_ms DESC, id DESC LIMIT $2",
    )
    .bind(person_id)
    .bind(limit)
    .fetch_all(&mut *conn)
        .await?)
}

#[tracing::instrument(skip_all)]
pub async fn unread_count(conn: &mut Conn, person_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) AS n FROM notifications WHERE person_id = $1 AND read_at_ms IS NULL",
    )
    .bind(person_id)
    .fetch_one(&mut *conn)
    .await?)
}

/// Marks a person's notifications read; only their own.
#[tracing::instrument(skip_all)]
pub async fn mark_all_read(conn: &mut Conn, person_id: i64) -> Result<u64> {
    let r = sqlx::query(
        "UPDATE notifications SET read_at_ms = $1 WHERE person_id = $2 AND read_at_ms IS NULL",
    )
    .bind(now_ms())
    .bind(person_id)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected())
}
