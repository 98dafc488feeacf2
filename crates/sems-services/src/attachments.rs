//! Attachment files (reports' attachments, checklist evidence): stored once under their
//! SHA-256 in the attachments directory, written and flushed to disk before the row naming
//! them is committed. So a row never names a missing file; a crash between the two leaves a
//! file no row names, which `sweep_unreferenced_attachments` removes.

use crate::{Result, ServiceError, Services};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

pub(crate) fn file_path(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(sha256.get(..2).unwrap_or("00")).join(sha256)
}

/// Writes an attachment under its checksum (once: the same file twice is stored once).
pub(crate) fn store_file(dir: &Path, sha256: &str, bytes: &[u8]) -> Result<()> {
    let path = file_path(dir, sha256);
    if path.exists() {
        return Ok(());
    }
    let parent = path
        .parent()
        .ok_or_else(|| ServiceError::Internal("attachment path".into()))?;
    std::fs::create_dir_all(parent)
        .map_err(|e| ServiceError::Internal(format!("cannot create {}: {e}", parent.display())))?;
    // Written under a name of its own, flushed, then renamed: a crash never leaves a half file
    // under a valid checksum, and the row is committed only once the file is on disk.
    let partial = parent.join(format!(
        "{sha256}.{}.partial",
        sems_domain::util::hex(&crate::secrets::random_bytes(4)?)
    ));
    let written = std::fs::File::create(&partial)
        .and_then(|mut f| f.write_all(bytes).and_then(|_| f.sync_all()));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(ServiceError::Internal(format!(
            "cannot write an attachment: {e}"
        )));
    }
    std::fs::rename(&partial, &path)
        .map_err(|e| ServiceError::Internal(format!("cannot store an attachment: {e}")))
}

/// A file left by a crash is older than this before a sweep removes it while other nodes
/// run: no filing's transaction takes that long.
pub const SWEEP_AGE: Duration = Duration::from_secs(600);

impl Services {
    /// Removes attachment files no row names (and half-written ones) older than `min_age`:
    /// what a crash between a file's write and its row's commit leaves. With no other node
    /// running (at start), `min_age` may be zero. Returns how many files were removed.
    #[tracing::instrument(skip_all)]
    pub async fn sweep_unreferenced_attachments(&self, min_age: Duration) -> Result<u64> {
        let dir = self.reporting_config()?.attachments_dir.clone();
        let Ok(shards) = std::fs::read_dir(&dir) else {
            return Ok(0);
        };
        let cutoff = SystemTime::now()
            .checked_sub(min_age)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let mut candidates = Vec::new();
        for shard in shards.flatten() {
            let Ok(files) = std::fs::read_dir(shard.path()) else {
                continue;
            };
            for f in files.flatten() {
                let old_enough = f
                    .metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t <= cutoff);
                if old_enough {
                    candidates.push(f.path());
                }
            }
        }
        // Half-written files are never named; the others are asked about together.
        let names = |p: &PathBuf| {
            p.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        };
        let complete: Vec<String> = candidates
            .iter()
            .map(names)
            .filter(|n| !n.ends_with(".partial"))
            .collect();
        let mut conn = self.store.read().await?;
        let named = sems_storage::files::referenced(&mut conn, &complete).await?;
        drop(conn);
        let mut removed = 0;
        for path in candidates {
            if !named.contains(&names(&path)) && std::fs::remove_file(&path).is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }
}
