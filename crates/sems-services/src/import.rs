//! The one CSV import pipeline: scenarios, measures, requirements and every later import go
//! through [`run`]. It reads the file against its columns, checks every row, refuses a code
//! that appears twice in the file or is already stored, reports every bad row by its line,
//! and stores nothing unless every row is good and it is not a dry run; then every row in the
//! one transaction it was given.

use sems_domain::csv::{self, CsvRow};
use sems_storage::{Conn, WriteTx};
use serde::Serialize;
use std::collections::HashSet;
use std::future::Future;

/// A bad row: its line in the file and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

/// What an import did, or would do on a dry run.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    /// Data rows read.
    pub rows: usize,
    /// The codes stored (or that would be, on a dry run without errors).
    pub codes: Vec<String>,
    pub errors: Vec<RowError>,
    /// Whether anything was stored.
    pub imported: bool,
}

/// One kind of import: its columns, how a row becomes a record, and how records are stored.
/// The methods return `Send` futures so that a handler can await an import.
pub(crate) trait CsvImport {
    /// A checked row, ready to store.
    type Row: Send + Sync;
    /// The columns the header must have (lower case).
    const COLUMNS: &'static [&'static str];
    /// The word for a record in messages ("scenario", "measure").
    const NOUN: &'static str;

    /// The row as the value to store, or the messages of what is wrong with it (it may read
    /// the database, for example to find the scenarios a measure names).
    fn check(
        &mut self,
        conn: &mut Conn,
        row: &CsvRow,
    ) -> impl Future<Output = crate::Result<Result<Self::Row, Vec<String>>>> + Send;

    /// The row's code, unique in the file.
    fn code(row: &Self::Row) -> String;

    /// Whether a record with the row's code is already stored.
    fn exists(
        &mut self,
        conn: &mut Conn,
        row: &Self::Row,
    ) -> impl Future<Output = crate::Result<bool>> + Send;

    /// Stores every row, once every row is good.
    fn store(
        self,
        conn: &mut Conn,
        rows: Vec<Self::Row>,
    ) -> impl Future<Output = crate::Result<()>> + Send;
}

/// Runs an import of `text` in `tx`, which the caller opened after checking the actor may
/// import; a dry run checks and reports only.
#[tracing::instrument(skip_all)]
pub(crate) async fn run<I: CsvImport + Send>(
    mut tx: WriteTx,
    text: &str,
    dry_run: bool,
    mut import: I,
) -> crate::Result<ImportReport> {
    let table = match csv::table(text, I::COLUMNS) {
        Ok(t) => t,
        Err(e) => {
            return Ok(report(
                dry_run,
                0,
                Vec::new(),
                vec![RowError {
                    line: e.line,
                    message: e.message,
                }],
            ))
        }
    };
    let mut valid = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for row in &table.rows {
        match import.check(tx.conn(), row).await? {
            Ok(v) => {
                let c = I::code(&v);
                if !seen.insert(c.clone()) {
                    errors.push(RowError {
                        line: row.line,
                        message: format!("code {c} appears more than once in the file"),
                    });
                }
                if import.exists(tx.conn(), &v).await? {
                    errors.push(RowError {
                        line: row.line,
                        message: format!("a {} with code {c} exists", I::NOUN),
                    });
                }
                valid.push(v);
            }
            Err(messages) => errors.extend(messages.into_iter().map(|message| RowError {
                line: row.line,
                message,
            })),
        }
    }
    if table.rows.is_empty() && errors.is_empty() {
        errors.push(RowError {
            line: 1,
            message: format!("the file has no {}", I::NOUN),
        });
    }
    let codes: Vec<String> = valid.iter().map(I::code).collect();
    if dry_run || !errors.is_empty() {
        // Dropped without commit: nothing the checks did is kept.
        return Ok(report(dry_run, table.rows.len(), codes, errors));
    }
    import.store(tx.conn(), valid).await?;
    tx.commit().await?;
    Ok(report(false, table.rows.len(), codes, errors))
}

fn report(dry_run: bool, rows: usize, codes: Vec<String>, errors: Vec<RowError>) -> ImportReport {
    let imported = !dry_run && errors.is_empty();
    ImportReport {
        dry_run,
        rows,
        codes: if errors.is_empty() { codes } else { Vec::new() },
        errors,
        imported,
    }
}

/// A row's check as the pipeline takes it: the value, or the messages of a refused input
/// (`field: message`); any other error stops the import.
pub(crate) fn row_checked<T>(checked: crate::Result<T>) -> crate::Result<Result<T, Vec<String>>> {
    match checked {
        Ok(v) => Ok(Ok(v)),
        Err(crate::ServiceError::Validation(e)) => Ok(Err(e
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect())),
        Err(e) => Err(e),
    }
}

/// The site a row names by its name (case aside) among `sites` (lower-case names and ids):
/// none for an empty cell, the message for an unknown one.
pub(crate) fn site_named(sites: &[(String, i64)], cell: &str) -> Result<Option<i64>, String> {
    let name = cell.trim().to_lowercase();
    if name.is_empty() {
        return Ok(None);
    }
    sites
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, id)| Some(*id))
        .ok_or_else(|| format!("site: no site '{}' of the organisation", cell.trim()))
}
