//! Backup and restore.
//!
//! SQLite: `VACUUM INTO` writes a consistent copy while the server runs; restore checks the
//! copy and swaps it in for the database file while sems is stopped.
//! PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean`, the tools PostgreSQL
//! operators already trust, run against the configured URL.

use crate::{DatabaseLocation, Result, Store, StoreError};
use std::path::Path;
use std::process::Command;

/// Writes a backup of the database to `target` (which must not exist).
pub async fn backup(store: &Store, location: &DatabaseLocation, target: &Path) -> Result<()> {
    if target.exists() {
        return Err(StoreError::Backup(format!(
            "{} already exists; choose a new file name",
            target.display()
        )));
    }
    match location {
        DatabaseLocation::SqliteFile(_) => {
            let mut conn = store.read().await?;
            sqlx::query("VACUUM INTO $1")
                .bind(target.display().to_string())
                .execute(&mut *conn)
                .await?;
            Ok(())
        }
        DatabaseLocation::Postgres(url) => run_tool(
            Command::new("pg_dump")
                .arg("--format=custom")
                .arg("--no-owner")
                .arg("--file")
                .arg(target)
                .arg("--dbname")
                .arg(url),
            "pg_dump",
        ),
    }
}

/// Replaces the database with the backup in `source`. The server must be stopped.
pub async fn restore(location: &DatabaseLocation, source: &Path) -> Result<()> {
    if !source.is_file() {
        return Err(StoreError::Backup(format!(
            "{} is not a backup file",
            source.display()
        )));
    }
    match location {
        DatabaseLocation::SqliteFile(db) => {
            // Check the copy is a sems database before it replaces anything.
            let check = DatabaseLocation::SqliteFile(source.to_path_buf());
            let candidate = Store::connect(&check, 1).await?;
            let mut conn = candidate.read().await?;
            let ok: String = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_one(&mut *conn)
                .await?;
            let has_schema = sqlx::query("SELECT version FROM sems_migrations LIMIT 1")
                .fetch_optional(&mut *conn)
                .await
                .map(|r| r.is_some())
                .unwrap_or(false);
            drop(conn);
            candidate.close().await;
            if ok != "ok" || !has_schema {
                return Err(StoreError::Backup(format!(
                    "{} is not an intact sems database backup (integrity: {ok})",
                    source.display()
                )));
            }
            let staged = db.with_extension("db.restoring");
            std::fs::copy(source, &staged)
                .map_err(|e| StoreError::Backup(format!("cannot copy the backup: {e}")))?;
            for suffix in ["-wal", "-shm"] {
                let side = format!("{}{suffix}", db.display());
                if Path::new(&side).exists() {
                    std::fs::remove_file(&side)
                        .map_err(|e| StoreError::Backup(format!("cannot remove {side}: {e}")))?;
                }
            }
            std::fs::rename(&staged, db)
                .map_err(|e| StoreError::Backup(format!("cannot replace the database: {e}")))?;
            Ok(())
        }
        DatabaseLocation::Postgres(url) => run_tool(
            Command::new("pg_restore")
                .arg("--clean")
                .arg("--if-exists")
                .arg("--no-owner")
                .arg("--single-transaction")
                .arg("--dbname")
                .arg(url)
                .arg(source),
            "pg_restore",
        ),
    }
}

fn run_tool(cmd: &mut Command, name: &str) -> Result<()> {
    let out = cmd.output().map_err(|e| {
        StoreError::Backup(format!(
            "cannot run {name} (install the PostgreSQL client tools): {e}"
        ))
    })?;
    if !out.status.success() {
        return Err(StoreError::Backup(format!(
            "{name} failed: {}",
            crate::redact_url(String::from_utf8_lossy(&out.stderr).trim())
        )));
    }
    Ok(())
}
