//! Random secrets and password hashing.

use crate::{Result, ServiceError};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// `n` random bytes from the operating system.
pub fn random_bytes(n: usize) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; n];
    getrandom::getrandom(&mut buf)
        .map_err(|e| ServiceError::Internal(format!("no randomness from the OS: {e}")))?;
    Ok(buf)
}

/// A random token of `bytes` bytes, hex-encoded.
pub fn random_token(bytes: usize) -> Result<String> {
    Ok(sems_domain::util::hex(&random_bytes(bytes)?))
}

/// Hashes a password with Argon2id (the crate's defaults follow OWASP's parameters), off the
/// async runtime since it is deliberately slow.
pub async fn hash_password(password: String) -> Result<String> {
    let salt_bytes = random_bytes(16)?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(&salt_bytes)
            .map_err(|e| ServiceError::Internal(format!("salt: {e}")))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ServiceError::Internal(format!("hashing: {e}")))
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("hashing task: {e}")))?
}

/// A hash of a random password, verified against when the user name is unknown so that
/// unknown and known names take the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::encode_b64(b"sems-dummy-salt!").ok();
        salt.and_then(|salt| {
            Argon2::default()
                .hash_password(b"no account has this password", &salt)
                .ok()
                .map(|h| h.to_string())
        })
        .unwrap_or_default()
    })
}

/// Checks a password against a stored hash (or against a dummy when `hash` is `None`).
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let stored = hash.clone().unwrap_or_else(|| dummy_hash().to_string());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && hash.is_some()
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("verifying task: {e}")))
}
