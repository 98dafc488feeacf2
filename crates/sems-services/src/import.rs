//! What every CSV import shares: the report of every bad row by line, and all-or-nothing.

use sems_domain::csv;
use serde::Serialize;
use std::collections::HashSet;

/// A bad row: its line in the file and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

/// What an import did, or would do on a dry run.
#[derive(Debug, Clone, Serialize)]
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

pub(crate) fn file_error(e: csv::CsvError) -> ImportReport {
    ImportReport {
        dry_run: true,
        rows: 0,
        codes: Vec::new(),
        errors: vec![RowError {
            line: e.line,
            message: e.message,
        }],
        imported: false,
    }
}

pub(crate) fn report(
    dry_run: bool,
    rows: usize,
    codes: Vec<String>,
    errors: Vec<RowError>,
) -> ImportReport {
    let imported = !dry_run && errors.is_empty();
    ImportReport {
        dry_run,
        rows,
        codes: if errors.is_empty() { codes } else { Vec::new() },
        errors,
        imported,
    }
}

/// Notes a code seen twice in the file.
pub(crate) fn duplicate(
    seen: &mut HashSet<String>,
    code: &str,
    line: usize,
    errors: &mut Vec<RowError>,
) {
    if !seen.insert(code.to_string()) {
        errors.push(RowError {
            line,
            message: format!("code {code} appears more than once in the file"),
        });
    }
}
