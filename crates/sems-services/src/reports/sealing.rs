//! Sealing a confidential reporter's identity with ChaCha20-Poly1305 (an
//! authenticated cipher) with a random nonce per value. The key lives outside the database —
//! in the environment, a key file, or the data directory — so a copy of the database alone
//! reveals no one.

use crate::{Result, ServiceError};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use std::path::{Path, PathBuf};

/// The key that seals identities, and where attachments are kept.
#[derive(Clone)]
pub struct ReportingConfig {
    key: [u8; 32],
    pub attachments_dir: PathBuf,
    pub targets: sems_domain::report::ReportTargets,
    /// A forwarding that keeps identifiers needs a second handler's confirmation
    /// (`forward_second_handler` in the configuration file; off by default).
    pub second_handler_for_kept: bool,
}

impl std::fmt::Debug for ReportingConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key is never printed.
        f.debug_struct("ReportingConfig")
            .field("attachments_dir", &self.attachments_dir)
            .field("targets", &self.targets)
            .field("second_handler_for_kept", &self.second_handler_for_kept)
            .finish_non_exhaustive()
    }
}

const KEY_FILE: &str = "identity.key";
/// Sealed without a binding (before sealed values were bound to their record): still opened.
const PREFIX_UNBOUND: &str = "v1:";
/// Sealed with the record and field it belongs to as associated data: a value copied onto
/// another report, or into another field, fails to open.
const PREFIX: &str = "v2:";

/// Where the attachments of a data directory are kept (each under its checksum).
pub fn attachments_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("attachments")
}

/// What a sealed reporter's identity is bound to: its report and field.
pub fn identity_binding(report_id: i64) -> String {
    format!("security_report/{report_id}/reporter_identity")
}

impl ReportingConfig {
    /// A configuration with a fresh random key and a temporary attachments directory: for
    /// tests and embedded use only, as identities sealed with it die with the process.
    pub fn ephemeral() -> Result<Self> {
        let bytes = crate::secrets::random_bytes(32)?;
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes);
        let dir = std::env::temp_dir().join(format!(
            "sems-attachments-{}-{}",
            std::process::id(),
            sems_domain::util::hex(&crate::secrets::random_bytes(4)?)
        ));
        Ok(Self {
            key,
            attachments_dir: dir,
            targets: Default::default(),
            second_handler_for_kept: false,
        })
    }

    /// The deployment's configuration: the key from `key_hex` (SEMS_IDENTITY_KEY), else from
    /// `key_file`, else from `identity.key` in the data directory, created on first use with
    /// owner-only permissions. Attachments go to `attachments/` in the data directory.
    pub fn load(data_dir: &Path, key_hex: Option<&str>, key_file: Option<&Path>) -> Result<Self> {
        let key = match key_hex.filter(|k| !k.trim().is_empty()) {
            Some(hex) => parse_key(hex, "SEMS_IDENTITY_KEY")?,
            None => {
                let path = key_file
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| data_dir.join(KEY_FILE));
                if path.exists() {
                    let text = std::fs::read_to_string(&path).map_err(|e| {
                        ServiceError::Internal(format!("cannot read {}: {e}", path.display()))
                    })?;
                    parse_key(&text, &path.display().to_string())?
                } else {
                    let bytes = crate::secrets::random_bytes(32)?;
                    write_private(&path, &sems_domain::util::hex(&bytes))?;
                    if path.starts_with(data_dir) {
                        tracing::warn!(
                            path = %path.display(),
                            "created the key that seals confidential reporters' identities inside the data directory: every copy of the data directory now carries it; move it elsewhere (identity_key_file) or give it in SEMS_IDENTITY_KEY, and back it up apart from the database"
                        );
                    } else {
                        tracing::warn!(
                            path = %path.display(),
                            "created the key that seals confidential reporters' identities: back it up apart from the database"
                        );
                    }
                    let mut key = [0u8; 32];
                    key.copy_from_slice(&bytes);
                    key
                }
            }
        };
        Ok(Self {
            key,
            attachments_dir: attachments_dir(data_dir),
            targets: Default::default(),
            second_handler_for_kept: false,
        })
    }

    /// A pseudonym for a value that must be recognised on every node but never stored (a
    /// client's network): an HMAC under this key, for `purpose`, so it means nothing without
    /// the key and nothing outside its purpose.
    pub fn pseudonym(&self, purpose: &str, value: &str) -> String {
        let message = format!("{purpose}\0{value}");
        sems_domain::util::hmac_sha256_hex(&self.key, message.as_bytes())[..32].to_string()
    }

    /// Seals `plain` into text fit for the database, bound to `binding` (the record and
    /// field it belongs to, `identity_binding`).
    pub fn seal(&self, plain: &str, binding: &str) -> Result<String> {
        let cipher = ChaCha20Poly1305::new_from_slice(&self.key)
            .map_err(|_| ServiceError::Internal("bad identity key".into()))?;
        let nonce_bytes = crate::secrets::random_bytes(12)?;
        let sealed = cipher
            .encrypt(
                Nonce::from_slice(&nonce_bytes),
                Payload {
                    msg: plain.as_bytes(),
                    aad: binding.as_bytes(),
                },
            )
            .map_err(|_| ServiceError::Internal("sealing failed".into()))?;
        let mut all = nonce_bytes;
        all.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", sems_domain::util::hex(&all)))
    }

    /// Opens a sealed value bound to `binding`; fails on any change to it, and when it was
    /// sealed for another record or field (the cipher authenticates both).
    pub fn open(&self, sealed: &str, binding: &str) -> Result<String> {
        let broken = || {
            ServiceError::Internal(
                "a sealed identity cannot be opened with this key for this report".into(),
            )
        };
        let (aad, hex) = match sealed.strip_prefix(PREFIX) {
            Some(hex) => (binding.as_bytes(), hex),
            None => (
                &[][..],
                sealed.strip_prefix(PREFIX_UNBOUND).ok_or_else(broken)?,
            ),
        };
        let bytes = sems_domain::util::unhex(hex)
            .filter(|b| b.len() > 12)
            .ok_or_else(broken)?;
        let cipher = ChaCha20Poly1305::new_from_slice(&self.key).map_err(|_| broken())?;
        let plain = cipher
            .decrypt(
                Nonce::from_slice(&bytes[..12]),
                Payload {
                    msg: &bytes[12..],
                    aad,
                },
            )
            .map_err(|_| broken())?;
        String::from_utf8(plain).map_err(|_| broken())
    }
}

fn parse_key(text: &str, source: &str) -> Result<[u8; 32]> {
    let bytes = sems_domain::util::unhex(text)
        .filter(|b| b.len() == 32)
        .ok_or_else(|| {
            ServiceError::Internal(format!(
                "{source}: the identity key must be 64 hexadecimal digits"
            ))
        })?;
    let mut key = [0u8; 32];
    key.copy_from_slice(&bytes);
    Ok(key)
}

fn write_private(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| ServiceError::Internal(format!("cannot create {}: {e}", dir.display())))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    let mut file = options
        .open(path)
        .map_err(|e| ServiceError::Internal(format!("cannot create {}: {e}", path.display())))?;
    file.write_all(text.as_bytes())
        .map_err(|e| ServiceError::Internal(format!("cannot write {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_with_the_key_only_and_reveal_nothing() {
        let config = ReportingConfig::ephemeral().unwrap();
        let four = identity_binding(4);
        let sealed = config.seal("Maria Novak, +44 20 7946 0018", &four).unwrap();
        assert!(!sealed.contains("Novak"));
        assert_ne!(
            sealed,
            config.seal("Maria Novak, +44 20 7946 0018", &four).unwrap(),
            "fresh nonce"
        );
        assert_eq!(
            config.open(&sealed, &four).unwrap(),
            "Maria Novak, +44 20 7946 0018"
        );
        let other = ReportingConfig::ephemeral().unwrap();
        assert!(other.open(&sealed, &four).is_err());
        let mut tampered = sealed.clone();
        tampered.replace_range(sealed.len() - 2.., "00");
        assert!(config.open(&tampered, &four).is_err());
        // Moved onto another report, it does not open.
        assert!(config.open(&sealed, &identity_binding(5)).is_err());
    }

    #[test]
    fn the_key_file_is_created_once_and_read_back() {
        let dir = std::env::temp_dir().join(format!("sems-key-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = ReportingConfig::load(&dir, None, None).unwrap();
        let sealed = first.seal("x", "b").unwrap();
        let again = ReportingConfig::load(&dir, None, None).unwrap();
        assert_eq!(again.open(&sealed, "b").unwrap(), "x");
        assert!(ReportingConfig::load(&dir, Some("short"), None).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
