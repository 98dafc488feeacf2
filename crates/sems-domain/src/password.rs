//! The password policy: long passphrases over composition rules, in the manner of NIST SP 800-63B.

use crate::ValidationError;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 256;

/// Passwords too common to allow whatever their length.
const COMMON: [&str; 12] = [
    "password1234",
    "passwordpassword",
    "123456789012",
    "qwertyuiopas",
    "letmeinletmein",
    "administrator",
    "welcome12345",
    "iloveyou1234",
    "changeme1234",
    "aviationsecurity",
    "securitysecurity",
    "sems-password",
];

/// A password that satisfies the policy. Never printed: its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    /// Checks `input` against the policy; `username` and `display_name` must not be part of it.
    pub fn parse(input: &str, username: &str, display_name: &str) -> Result<Self, ValidationError> {
        let len = input.chars().count();
        if len < MIN_LENGTH {
            return Err(ValidationError::new(
                "password",
                format!("must be at least {MIN_LENGTH} characters (a passphrase of several words is easiest)"),
            ));
        }
        if len > MAX_LENGTH {
            return Err(ValidationError::new(
                "password",
                format!("must be at most {MAX_LENGTH} characters"),
            ));
        }
        let lower = input.to_lowercase();
        if COMMON.iter().any(|c| lower == *c) {
            return Err(ValidationError::new(
                "password",
                "is too common; choose another",
            ));
        }
        let mut distinct: Vec<char> = input.chars().collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < 5 {
            return Err(ValidationError::new(
                "password",
                "must use at least 5 different characters",
            ));
        }
        for name in [username, display_name] {
            let name = name.trim().to_lowercase();
            if name.chars().count() >= 3 && lower.contains(&name) {
                return Err(ValidationError::new(
                    "password",
                    "must not contain your user name or your name",
                ));
            }
        }
        Ok(Self(input.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert!(NewPassword::parse("short", "ann", "Ann").is_err());
        assert!(NewPassword::parse("aaaaaaaaaaaaaaaa", "ann", "Ann").is_err());
        assert!(NewPassword::parse("Password1234", "ann", "Ann").is_err());
        assert!(NewPassword::parse("my name is jdoe ok", "jdoe", "J Doe").is_err());
        assert!(NewPassword::parse(&"ab1cd2ef3".repeat(40), "ann", "Ann").is_err());
        let ok = NewPassword::parse("correct horse battery", "ann", "Ann Example").unwrap();
        assert_eq!(ok.expose(), "correct horse battery");
        assert_eq!(format!("{ok:?}"), "NewPassword(***)");
    }
}
