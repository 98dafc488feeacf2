//! The rows that name stored files by their SHA-256: reports' attachments and checklist
//! evidence.

use crate::{Conn, Result};

/// Whether any row names the file `sha256`.
#[tracing::instrument(skip_all)]
pub async fn is_referenced(conn: &mut Conn, sha256: &str) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM report_attachments WHERE sha256 = $1
         UNION ALL SELECT 1 FROM item_evidence WHERE sha256 = $1 LIMIT 1",
    )
    .bind(sha256)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.is_some())
}
