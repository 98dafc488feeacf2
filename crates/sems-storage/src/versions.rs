//! Versions of the authority's rule documents (the oversight method, the reporting rules, the
//! national training programme),
//! each kept as JSON in a table of the same shape: `owner_party_id, version, document, note,
//! published_by, published_at_ms`. A version is never edited: a change is the next version.

use crate::decode::decode_error;
use crate::{now_ms, Conn, Result};
use serde::Serialize;

/// The tables this module keeps versions in: a closed list, so no name is ever formatted
/// into a statement from elsewhere.
#[derive(Debug, Clone, Copy)]
pub enum Versioned {
    OversightMethod,
    ReportingRules,
    TrainingProgramme,
    SurveyQuestionBank,
}

impl Versioned {
    const fn table(self) -> &'static str {
        match self {
            Versioned::OversightMethod => "oversight_methods",
            Versioned::ReportingRules => "reporting_rules",
            Versioned::TrainingProgramme => "training_programmes",
            Versioned::SurveyQuestionBank => "survey_question_banks",
        }
    }

    /// The columns a version's row is read with (`version, owner_party_id, document, note,
    /// by_name, published_at_ms`).
    fn select(self) -> String {
        format!(
            "SELECT m.version, m.owner_party_id, m.document, m.note,
                pe.display_name AS by_name, m.published_at_ms
             FROM {} m LEFT JOIN people pe ON pe.id = m.published_by",
            self.table()
        )
    }
}

/// Publishes `document` as the next version; returns the version number.
#[tracing::instrument(skip_all)]
pub async fn publish(
    conn: &mut Conn,
    of: Versioned,
    owner_party_id: i64,
    document: &impl Serialize,
    note: &str,
    published_by: Option<i64>,
) -> Result<i64> {
    let table = of.table();
    let next: i64 = sqlx::query_scalar(&format!(
        "SELECT COALESCE(MAX(version), 0) + 1 AS v FROM {table}"
    ))
    .fetch_one(&mut *conn)
    .await?;
    let document = serde_json::to_string(document)
        .map_err(|e| decode_error(format!("{table} document: {e}")))?;
    sqlx::query(&format!(
        "INSERT INTO {table} (owner_party_id, version, document, note, published_by, published_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6)"
    ))
    .bind(owner_party_id)
    .bind(next)
    .bind(document)
    .bind(note)
    .bind(published_by)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(next)
}

/// The version in force: the newest.
#[tracing::instrument(skip_all)]
pub async fn current<R>(conn: &mut Conn, of: Versioned) -> Result<Option<R>>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    Ok(
        sqlx::query_as(&format!("{} ORDER BY m.version DESC LIMIT 1", of.select()))
            .fetch_optional(&mut *conn)
            .await?,
    )
}

#[tracing::instrument(skip_all)]
pub async fn version<R>(conn: &mut Conn, of: Versioned, version: i64) -> Result<Option<R>>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    Ok(
        sqlx::query_as(&format!("{} WHERE m.version = $1", of.select()))
            .bind(version)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// Every version, newest first (there are few).
#[tracing::instrument(skip_all)]
pub async fn versions<R>(conn: &mut Conn, of: Versioned) -> Result<Vec<R>>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    Ok(
        sqlx::query_as(&format!("{} ORDER BY m.version DESC", of.select()))
            .fetch_all(&mut *conn)
            .await?,
    )
}
