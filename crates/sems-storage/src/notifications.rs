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
    let now = now_ms();
    for person in person_ids {
        sqlx::query(
            "INSERT INTO notifications (person_id, message, link, created_at_ms) VALUES ($1, $2, $3, $4)",
        )
        .bind(*person)
        .bind(message)
        .bind(link)
        .bind(now)
        .execute(&mut *conn)
        .await?;
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
