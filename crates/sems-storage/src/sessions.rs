//! Server-side sessions (shared by every node through the database) and sign-in throttling.

use crate::decode::Flag;
use crate::{Conn, Result};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub person_id: i64,
    pub csrf_token: String,
    #[sqlx(try_from = "Flag")]
    pub mfa_pending: bool,
    pub created_at_ms: i64,
    pub last_seen_ms: i64,
    pub expires_at_ms: i64,
}

#[tracing::instrument(skip_all)]
pub async fn insert(
    conn: &mut Conn,
    id_hash: &str,
    person_id: i64,
    csrf_token: &str,
    mfa_pending: bool,
    now_ms: i64,
    expires_at_ms: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, person_id, csrf_token, mfa_pending, created_at_ms, last_seen_ms, expires_at_ms)
         VALUES ($1, $2, $3, $4, $5, $5, $6)",
    )
    .bind(id_hash)
    .bind(person_id)
    .bind(csrf_token)
    .bind(i64::from(mfa_pending))
    .bind(now_ms)
    .bind(expires_at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id_hash: &str) -> Result<Option<SessionRow>> {
    Ok(sqlx::query_as(
        "SELECT person_id, csrf_token, mfa_pending, created_at_ms, last_seen_ms, expires_at_ms
         FROM sessions WHERE id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(&mut *conn)
    .await?)
}

#[tracing::instrument(skip_all)]
pub async fn touch(conn: &mut Conn, id_hash: &str, now_ms: i64, expires_at_ms: i64) -> Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_ms = $1, expires_at_ms = $2 WHERE id_hash = $3")
        .bind(now_ms)
        .bind(expires_at_ms)
        .bind(id_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn complete_mfa(conn: &mut Conn, id_hash: &str) -> Result<()> {
    sqlx::query("UPDATE sessions SET mfa_pending = 0 WHERE id_hash = $1")
        .bind(id_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn delete(conn: &mut Conn, id_hash: &str) -> Result<bool> {
    let r = sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Ends every session of a person except `keep` (after a password change or deactivation).
#[tracing::instrument(skip_all)]
pub async fn delete_for_person(conn: &mut Conn, person_id: i64, keep: Option<&str>) -> Result<u64> {
    let r = sqlx::query("DELETE FROM sessions WHERE person_id = $1 AND id_hash <> $2")
        .bind(person_id)
        .bind(keep.unwrap_or(""))
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected())
}

#[tracing::instrument(skip_all)]
pub async fn delete_expired(conn: &mut Conn, now_ms: i64) -> Result<u64> {
    let r = sqlx::query("DELETE FROM sessions WHERE expires_at_ms < $1")
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected())
}

/// Failed sign-ins in a window, for one of the three counts kept per attempt: a user name from
/// one client, one client over every name (`username` empty), one name from every client
/// (`client` empty). The client is a keyed hash of its address, never the address.
#[derive(Debug, Clone, Copy, Default, sqlx::FromRow)]
pub struct Throttle {
    pub failures: i64,
    pub first_failure_ms: i64,
    pub locked_until_ms: i64,
}

#[derive(sqlx::FromRow)]
struct ThrottleRow {
    username: String,
    client: String,
    #[sqlx(flatten)]
    throttle: Throttle,
}

/// The counts kept for each (user name, client) of `keys`, in their order (empty counts for
/// those never failed), read in one statement.
#[tracing::instrument(skip_all)]
pub async fn throttles(conn: &mut Conn, keys: &[(&str, &str)]) -> Result<Vec<Throttle>> {
    let mut sql = crate::sql::Sql::new(
        "SELECT username, client, failures, first_failure_ms, locked_until_ms FROM sign_in_failures WHERE ",
    );
    for (i, (username, client)) in keys.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { " OR (" });
        sql.push("username = ").bind(*username);
        sql.push(" AND client = ").bind(*client).push(")");
    }
    let rows: Vec<ThrottleRow> = if keys.is_empty() {
        Vec::new()
    } else {
        sql.query_as().fetch_all(&mut *conn).await?
    };
    Ok(keys
        .iter()
        .map(|(username, client)| {
            rows.iter()
                .find(|r| r.username == *username && r.client == *client)
                .map(|r| r.throttle)
                .unwrap_or_default()
        })
        .collect())
}

#[tracing::instrument(skip_all)]
pub async fn save_throttle(
    conn: &mut Conn,
    username: &str,
    client: &str,
    t: Throttle,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sign_in_failures (username, client, failures, first_failure_ms, locked_until_ms)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (username, client) DO UPDATE SET failures = excluded.failures,
             first_failure_ms = excluded.first_failure_ms, locked_until_ms = excluded.locked_until_ms",
    )
    .bind(username)
    .bind(client)
    .bind(t.failures)
    .bind(t.first_failure_ms)
    .bind(t.locked_until_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Forgets the failures of `username` from `client`: after a successful sign-in from it.
#[tracing::instrument(skip_all)]
pub async fn clear_throttle(conn: &mut Conn, username: &str, client: &str) -> Result<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE username = $1 AND client = $2")
        .bind(username)
        .bind(client)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Forgets every failure counted against `username` (after an administrator reset its
/// password).
#[tracing::instrument(skip_all)]
pub async fn clear_all_throttles(conn: &mut Conn, username: &str) -> Result<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE username = $1")
        .bind(username)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Removes counts whose window began before `before_ms` and whose lock has ended.
#[tracing::instrument(skip_all)]
pub async fn purge_throttles(conn: &mut Conn, before_ms: i64, now: i64) -> Result<u64> {
    let r = sqlx::query(
        "DELETE FROM sign_in_failures WHERE first_failure_ms < $1 AND locked_until_ms < $2",
    )
    .bind(before_ms)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected())
}
