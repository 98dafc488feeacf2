//! The "silence is not safety" warnings the job computed, one per organisation flagged,
//! replaced whole at each computation. Read once the reader's access to the organisation (or to
//! every organisation) is checked.

use crate::decode::decode_error;
use crate::{now_ms, Conn, Result};
use sems_domain::performance::silence::Silence;

#[derive(sqlx::FromRow)]
struct Row {
    owner_party_id: i64,
    warning: String,
}

fn decode(row: Row) -> Result<(i64, Silence)> {
    let w = serde_json::from_str(&row.warning)
        .map_err(|e| decode_error(format!("silence warning: {e}")))?;
    Ok((row.owner_party_id, w))
}

/// Replaces every stored warning with `warnings`.
#[tracing::instrument(skip_all)]
pub async fn replace_all(conn: &mut Conn, warnings: &[(i64, Silence)]) -> Result<()> {
    sqlx::query("DELETE FROM silence_warnings")
        .execute(&mut *conn)
        .await?;
    let now = now_ms();
    for (party, w) in warnings {
        let json =
            serde_json::to_string(w).map_err(|e| decode_error(format!("silence warning: {e}")))?;
        sqlx::query(
            "INSERT INTO silence_warnings (owner_party_id, warning, computed_at_ms) VALUES ($1, $2, $3)",
        )
        .bind(party)
        .bind(json)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The warning of one organisation, if it is flagged.
#[tracing::instrument(skip_all)]
pub async fn of_party(conn: &mut Conn, party_id: i64) -> Result<Option<Silence>> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT owner_party_id, warning FROM silence_warnings WHERE owner_party_id = $1",
    )
    .bind(party_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(decode).transpose().map(|o| o.map(|(_, w)| w))
}

/// Every organisation's warning.
#[tracing::instrument(skip_all)]
pub async fn all(conn: &mut Conn) -> Result<Vec<(i64, Silence)>> {
    let rows: Vec<Row> = sqlx::query_as("SELECT owner_party_id, warning FROM silence_warnings")
        .fetch_all(&mut *conn)
        .await?;
    rows.into_iter().map(decode).collect()
}
