//! Backup and restore: one archive (ZIP) with the database, every attachment and a manifest
//! of their sizes and SHA-256 checksums. The identity key is never in it: a stolen backup
//! alone reveals no confidential reporter (the README says to keep the key apart).
//!
//! The database: on SQLite `VACUUM INTO`, a consistent copy while the server runs; on
//! PostgreSQL `pg_dump --format=custom`, restored with `pg_restore --clean
//! --single-transaction`, the tools PostgreSQL operators already trust.
//!
//! The database is copied before the attachments: attachments are only ever added, under
//! their checksum, before the row naming them is committed, so every attachment a copied row
//! names is already on disk when the attachments are read.
//!
//! A restore reads the whole archive and checks every file against the manifest (and every
//! attachment against the checksum it is named by) before it replaces anything, and refuses
//! while a node of the deployment is running.

use crate::{DatabaseLocation, Engine, Result, Store, StoreError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

const MANIFEST: &str = "manifest.json";
const FORMAT: &str = "sems-backup";
const FORMAT_VERSION: i64 = 1;
const SQLITE_DB: &str = "database/sems.db";
const POSTGRES_DUMP: &str = "database/sems.pgdump";
const ATTACHMENTS: &str = "attachments/";

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    format_version: i64,
    created_at_ms: i64,
    engine: String,
    schema_version: i64,
    files: Vec<ManifestFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ManifestFile {
    path: String,
    bytes: u64,
    sha256: String,
}

/// What a backup or a restore carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub attachments: usize,
    pub bytes: u64,
}

fn err(message: impl Into<String>) -> StoreError {
    StoreError::Backup(message.into())
}

fn engine_name(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "sqlite",
        Engine::Postgres => "postgres",
    }
}

/// Writes a backup archive of the database and of the attachments in `attachments_dir` to
/// `target` (which must not exist). Written beside it first, so a failed backup leaves no
/// file that looks like one.
pub async fn backup(
    store: &Store,
    location: &DatabaseLocation,
    attachments_dir: &Path,
    target: &Path,
) -> Result<Summary> {
    if target.exists() {
        return Err(err(format!(
            "{} already exists; choose a new file name",
            target.display()
        )));
    }
    let staging = sibling(target, "staging");
    let partial = sibling(target, "partial");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging)
        .map_err(|e| err(format!("cannot create {}: {e}", staging.display())))?;
    let written = write_archive(store, location, attachments_dir, &staging, &partial).await;
    let _ = std::fs::remove_dir_all(&staging);
    match written {
        Ok(summary) => {
            std::fs::rename(&partial, target)
                .map_err(|e| err(format!("cannot write {}: {e}", target.display())))?;
            Ok(summary)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{suffix}"));
    path.with_file_name(name)
}

async fn write_archive(
    store: &Store,
    location: &DatabaseLocation,
    attachments_dir: &Path,
    staging: &Path,
    partial: &Path,
) -> Result<Summary> {
    let schema_version = crate::migrate::current_version(store).await?;
    let (db_copy, db_name) = match location {
        DatabaseLocation::SqliteFile(_) => {
            let copy = staging.join("sems.db");
            let mut conn = store.read().await?;
            sqlx::query("VACUUM INTO $1")
                .bind(copy.display().to_string())
                .execute(&mut *conn)
                .await?;
            (copy, SQLITE_DB)
        }
        DatabaseLocation::Postgres(url) => {
            let copy = staging.join("sems.pgdump");
            run_tool(
                Command::new("pg_dump")
                    .arg("--format=custom")
                    .arg("--no-owner")
                    .arg("--file")
                    .arg(&copy)
                    .arg("--dbname")
                    .arg(url),
                "pg_dump",
            )?;
            (copy, POSTGRES_DUMP)
        }
    };
    let file = File::create(partial)
        .map_err(|e| err(format!("cannot create {}: {e}", partial.display())))?;
    let mut zip = zip::ZipWriter::new(file);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    // Attachments are mostly compressed already (images, PDF): stored as they are.
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    let mut files = vec![add_file(&mut zip, &db_copy, db_name, deflated)?];
    let mut attachments = 0;
    for (path, name) in attachment_files(attachments_dir)? {
        files.push(add_file(
            &mut zip,
            &path,
            &format!("{ATTACHMENTS}{name}"),
            stored,
        )?);
        attachments += 1;
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        created_at_ms: crate::now_ms(),
        engine: engine_name(location.engine()).into(),
        schema_version,
        files,
    };
    let bytes = manifest.files.iter().map(|f| f.bytes).sum();
    let json = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| err(format!("cannot write the manifest: {e}")))?;
    zip.start_file(MANIFEST, deflated)
        .and_then(|_| zip.write_all(&json).map_err(Into::into))
        .map_err(|e| err(format!("cannot write the manifest: {e}")))?;
    let file = zip
        .finish()
        .map_err(|e| err(format!("cannot finish the archive: {e}")))?;
    file.sync_all()
        .map_err(|e| err(format!("cannot write the archive to disk: {e}")))?;
    Ok(Summary { attachments, bytes })
}

/// Every stored attachment (`xx/<sha256>`), in a stable order; files being written
/// (`.partial`) are skipped.
fn attachment_files(dir: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let read = |d: &Path| {
        std::fs::read_dir(d).map_err(|e| err(format!("cannot read {}: {e}", d.display())))
    };
    for shard in read(dir)? {
        let shard = shard.map_err(|e| err(format!("cannot read {}: {e}", dir.display())))?;
        if !shard.path().is_dir() {
            continue;
        }
        let shard_name = shard.file_name().to_string_lossy().to_string();
        for f in read(&shard.path())? {
            let f = f.map_err(|e| err(format!("cannot read {}: {e}", dir.display())))?;
            let name = f.file_name().to_string_lossy().to_string();
            if f.path().is_file() && is_checksum(&name) {
                out.push((f.path(), format!("{shard_name}/{name}")));
            }
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

fn is_checksum(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

fn add_file(
    zip: &mut zip::ZipWriter<File>,
    path: &Path,
    name: &str,
    options: zip::write::SimpleFileOptions,
) -> Result<ManifestFile> {
    let mut source =
        File::open(path).map_err(|e| err(format!("cannot read {}: {e}", path.display())))?;
    zip.start_file(name, options)
        .map_err(|e| err(format!("cannot add {name} to the archive: {e}")))?;
    let (bytes, sha256) = copy_hashing(&mut source, zip)
        .map_err(|e| err(format!("cannot add {name} to the archive: {e}")))?;
    Ok(ManifestFile {
        path: name.to_string(),
        bytes,
        sha256,
    })
}

/// Copies `from` into `to`, returning the bytes copied and their SHA-256.
fn copy_hashing(from: &mut impl Read, to: &mut impl Write) -> std::io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        to.write_all(&buf[..n])?;
        total += n as u64;
    }
    Ok((total, hex::encode(hasher.finalize())))
}

/// Replaces the database and the attachments with those of the archive `source`, once every
/// file of it matches its manifest. Refused while a node of the deployment runs.
pub async fn restore(
    location: &DatabaseLocation,
    attachments_dir: &Path,
    source: &Path,
) -> Result<Summary> {
    if !source.is_file() {
        return Err(err(format!("{} is not a backup file", source.display())));
    }
    refuse_if_running(location).await?;
    let not_archive = |detail: String| {
        err(format!(
            "{} is not a sems backup archive ({detail}); nothing was restored",
            source.display()
        ))
    };
    let file = File::open(source).map_err(|e| not_archive(e.to_string()))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| not_archive(e.to_string()))?;
    let manifest: Manifest = {
        let mut entry = zip
            .by_name(MANIFEST)
            .map_err(|_| not_archive("it has no manifest".into()))?;
        let mut text = Vec::new();
        entry
            .read_to_end(&mut text)
            .map_err(|e| not_archive(e.to_string()))?;
        serde_json::from_slice(&text).map_err(|e| not_archive(format!("its manifest: {e}")))?
    };
    if manifest.format != FORMAT || manifest.format_version != FORMAT_VERSION {
        return Err(not_archive(format!(
            "format {} version {}",
            manifest.format, manifest.format_version
        )));
    }
    let engine = engine_name(location.engine());
    if manifest.engine != engine {
        return Err(err(format!(
            "the backup is of a {} database and this deployment runs {engine}; nothing was restored",
            manifest.engine
        )));
    }
    if manifest.schema_version > crate::migrate::latest_version() {
        return Err(StoreError::SchemaTooNew {
            found: manifest.schema_version,
            known: crate::migrate::latest_version(),
        });
    }
    let db_name = match location {
        DatabaseLocation::SqliteFile(_) => SQLITE_DB,
        DatabaseLocation::Postgres(_) => POSTGRES_DUMP,
    };
    if !manifest.files.iter().any(|f| f.path == db_name) {
        return Err(not_archive(format!("its manifest lists no {db_name}")));
    }
    // Every entry of the archive is listed, and nothing outside the archive's own folders.
    for name in zip.file_names() {
        let name = name.map_err(|e| not_archive(e.to_string()))?;
        if name != MANIFEST && !manifest.files.iter().any(|f| f.path == name) {
            return Err(err(format!(
                "the archive holds {name}, which its manifest does not list: it was changed after it was written; nothing was restored"
            )));
        }
    }

    // Everything is unpacked beside the attachments and checked before anything is replaced.
    let staging = sibling(attachments_dir, "restoring");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(staging.join("attachments"))
        .map_err(|e| err(format!("cannot create {}: {e}", staging.display())))?;
    let unpacked = unpack_checked(&mut zip, &manifest, &staging);
    let result = match unpacked {
        Ok(summary) => replace(location, attachments_dir, &staging, db_name)
            .await
            .map(|_| summary),
        Err(e) => Err(e),
    };
    let _ = std::fs::remove_dir_all(&staging);
    result
}

async fn refuse_if_running(location: &DatabaseLocation) -> Result<()> {
    if let DatabaseLocation::SqliteFile(db) = location {
        if !db.exists() {
            return Ok(());
        }
    }
    let store = Store::connect(location, 1).await?;
    let checked = crate::nodes::refuse_if_running(&store).await;
    store.close().await;
    checked
}

fn unpack_checked(
    zip: &mut zip::ZipArchive<File>,
    manifest: &Manifest,
    staging: &Path,
) -> Result<Summary> {
    let mut attachments = 0;
    let mut bytes = 0;
    for f in &manifest.files {
        let changed = |what: &str| {
            err(format!(
                "{} in the archive {what}: the archive was changed or damaged; nothing was restored",
                f.path
            ))
        };
        let target = if let Some(name) = f.path.strip_prefix(ATTACHMENTS) {
            let (shard, sum) = name
                .split_once('/')
                .filter(|(shard, sum)| is_checksum(sum) && sum.starts_with(*shard))
                .ok_or_else(|| changed("is not named by its checksum"))?;
            if sum != f.sha256 {
                return Err(changed("is listed with another checksum than its name"));
            }
            let dir = staging.join("attachments").join(shard);
            std::fs::create_dir_all(&dir)
                .map_err(|e| err(format!("cannot create {}: {e}", dir.display())))?;
            attachments += 1;
            dir.join(sum)
        } else if f.path == SQLITE_DB || f.path == POSTGRES_DUMP {
            staging.join("database")
        } else {
            return Err(changed("is not a part of a sems backup"));
        };
        let mut entry = zip.by_name(&f.path).map_err(|_| changed("is missing"))?;
        let mut out = File::create(&target)
            .map_err(|e| err(format!("cannot write {}: {e}", target.display())))?;
        let (n, sum) = copy_hashing(&mut entry, &mut out).map_err(|e| {
            err(format!(
                "cannot read {} from the archive ({e}); nothing was restored",
                f.path
            ))
        })?;
        if n != f.bytes || sum != f.sha256 {
            return Err(changed("does not match the checksum of the manifest"));
        }
        out.sync_all()
            .map_err(|e| err(format!("cannot write {}: {e}", target.display())))?;
        bytes += n;
    }
    Ok(Summary { attachments, bytes })
}

/// Swaps in the checked database, then the checked attachments.
async fn replace(
    location: &DatabaseLocation,
    attachments_dir: &Path,
    staging: &Path,
    db_name: &str,
) -> Result<()> {
    let database = staging.join("database");
    match location {
        DatabaseLocation::SqliteFile(db) => {
            check_sqlite_copy(&database, db_name).await?;
            let staged = db.with_extension("db.restoring");
            std::fs::rename(&database, &staged)
                .or_else(|_| std::fs::copy(&database, &staged).map(|_| ()))
                .map_err(|e| err(format!("cannot stage the database: {e}")))?;
            for suffix in ["-wal", "-shm"] {
                let side = format!("{}{suffix}", db.display());
                if Path::new(&side).exists() {
                    std::fs::remove_file(&side)
                        .map_err(|e| err(format!("cannot remove {side}: {e}")))?;
                }
            }
            std::fs::rename(&staged, db)
                .map_err(|e| err(format!("cannot replace the database: {e}")))?;
        }
        DatabaseLocation::Postgres(url) => run_tool(
            Command::new("pg_restore")
                .arg("--clean")
                .arg("--if-exists")
                .arg("--no-owner")
                .arg("--single-transaction")
                .arg("--dbname")
                .arg(url)
                .arg(&database),
            "pg_restore",
        )?,
    }
    let old = sibling(
        attachments_dir,
        &format!("before-restore-{}", crate::now_ms()),
    );
    if attachments_dir.exists() {
        std::fs::rename(attachments_dir, &old)
            .map_err(|e| err(format!("cannot move the old attachments aside: {e}")))?;
    }
    std::fs::rename(staging.join("attachments"), attachments_dir)
        .map_err(|e| err(format!("cannot put the attachments in place: {e}")))?;
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// The unpacked SQLite copy is an intact sems database.
async fn check_sqlite_copy(path: &Path, name: &str) -> Result<()> {
    let check = DatabaseLocation::SqliteFile(path.to_path_buf());
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
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", path.display()));
    }
    if ok != "ok" || !has_schema {
        return Err(err(format!(
            "{name} in the archive is not an intact sems database (integrity: {ok}); nothing was restored"
        )));
    }
    Ok(())
}

fn run_tool(cmd: &mut Command, name: &str) -> Result<()> {
    let out = cmd.output().map_err(|e| {
        err(format!(
            "cannot run {name} (install the PostgreSQL client tools): {e}"
        ))
    })?;
    if !out.status.success() {
        return Err(err(format!(
            "{name} failed: {}",
            crate::redact_url(String::from_utf8_lossy(&out.stderr).trim())
        )));
    }
    Ok(())
}
