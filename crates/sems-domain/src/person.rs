//! People: accounts that belong to one party.

use crate::{util::bounded_text, ValidationError};

/// A sign-in name: 3 to 64 characters of lowercase letters, digits, '.', '-', '_' and '@'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let value = input.trim().to_lowercase();
        let len = value.chars().count();
        if !(3..=64).contains(&len) {
            return Err(ValidationError::new(
                "username",
                "must be 3 to 64 characters",
            ));
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'))
        {
            return Err(ValidationError::new(
                "username",
                "may contain only letters, digits, '.', '-', '_' and '@'",
            ));
        }
        Ok(Self(value))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's name as shown to others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        bounded_text("display_name", input, 1, 120).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address, checked for shape only (a mailbox is proved by using it, not by parsing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let value = input.trim().to_lowercase();
        let valid = value.len() <= 254
            && !value.chars().any(char::is_whitespace)
            && matches!(value.split_once('@'), Some((local, domain))
                if !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
                    && !domain.ends_with('.') && !domain.contains('@'));
        if !valid {
            return Err(ValidationError::new(
                "email",
                "must be an e-mail address like name@example.org",
            ));
        }
        Ok(Self(value))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(
            Username::parse(" Ann.Smith ").unwrap().as_str(),
            "ann.smith"
        );
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("ann smith").is_err());
        assert!(Username::parse("<script>").is_err());
    }

    #[test]
    fn emails() {
        assert!(Email::parse("a@b.org").is_ok());
        assert!(Email::parse("a@b").is_err());
        assert!(Email::parse("a b@c.org").is_err());
        assert!(Email::parse("@c.org").is_err());
        assert!(Email::parse("a@b@c.org").is_err());
    }
}
