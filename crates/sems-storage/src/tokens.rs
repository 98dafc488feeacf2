//! API tokens for machine clients. Only a hash of each token is stored.

use crate::decode::Flag;
use crate::{Conn, Result};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    /// The first characters of the token, so a person can tell their tokens apart.
    pub prefix: String,
    #[sqlx(try_from = "Flag")]
    pub read_only: bool,
    pub created_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub last_used_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
}

const COLUMNS: &str =
    "id, person_id, name, prefix, read_only, created_at_ms, expires_at_ms, last_used_ms, revoked_at_ms";

#[allow(clippy::too_many_arguments)]
#[tracing::instrument(skip_all)]
pub async fn insert(
    conn: &mut Conn,
    person_id: i64,
    name: &str,
    token_hash: &str,
    prefix: &str,
    read_only: bool,
    now_ms: i64,
    expires_at_ms: Option<i64>,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (person_id, name, token_hash, prefix, read_only, created_at_ms, expires_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(person_id)
    .bind(name)
    .bind(token_hash)
    .bind(prefix)
    .bind(i64::from(read_only))
    .bind(now_ms)
    .bind(expires_at_ms)
    .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

#[tracing::instrument(skip_all)]
pub async fn for_person(conn: &mut Conn, person_id: i64) -> Result<Vec<ApiToken>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM api_tokens WHERE person_id = $1 ORDER BY created_at_ms DESC, id DESC"
    ))
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?)
}

#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<ApiToken>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM api_tokens WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

#[tracing::instrument(skip_all)]
pub async fn by_hash(conn: &mut Conn, token_hash: &str) -> Result<Option<ApiToken>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM api_tokens WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(&mut *conn)
    .await?)
}

#[tracing::instrument(skip_all)]
pub async fn touch(conn: &mut Conn, id: i64, now_ms: i64) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET last_used_ms = $1 WHERE id = $2")
        .bind(now_ms)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Revokes every token of a person still in force; returns how many.
#[tracing::instrument(skip_all)]
pub async fn revoke_all_for_person(conn: &mut Conn, person_id: i64, now_ms: i64) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at_ms = $1 WHERE person_id = $2 AND revoked_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(person_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

#[tracing::instrument(skip_all)]
pub async fn revoke(conn: &mut Conn, id: i64, now_ms: i64) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET revoked_at_ms = $1 WHERE id = $2 AND revoked_at_ms IS NULL")
        .bind(now_ms)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
