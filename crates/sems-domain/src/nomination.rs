//! Nominations: the persons an organisation names as accountable executive and as security
//! manager (the seed: "accountability of senior management … a responsible person nominated").

use crate::{util::parse_date, ValidationError};
use time::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NominatedPosition {
    AccountableExecutive,
    SecurityManager,
}

crate::vocabulary::words_serde!(NominatedPosition);

impl NominatedPosition {
    pub const ALL: [NominatedPosition; 2] = [
        NominatedPosition::AccountableExecutive,
        NominatedPosition::SecurityManager,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NominatedPosition::AccountableExecutive => "accountable_executive",
            NominatedPosition::SecurityManager => "security_manager",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NominatedPosition::AccountableExecutive => "Accountable executive",
            NominatedPosition::SecurityManager => "Security manager",
        }
    }

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == input.trim())
            .ok_or_else(|| {
                ValidationError::new(
                    "position",
                    "must be accountable_executive or security_manager",
                )
            })
    }

    /// The role the nominee must hold.
    pub fn required_role(self) -> crate::role::Role {
        match self {
            NominatedPosition::AccountableExecutive => crate::role::Role::AccountableExecutive,
            NominatedPosition::SecurityManager => crate::role::Role::SecurityManager,
        }
    }
}

/// The dates of a nomination: it starts on `from` and, when `until` is given, ends after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NominationPeriod {
    pub from: Date,
    pub until: Option<Date>,
}

impl NominationPeriod {
    pub fn parse(from: &str, until: Option<&str>) -> Result<Self, ValidationError> {
        let from = parse_date("starts_on", from)?;
        let until = match until.map(str::trim).filter(|s| !s.is_empty()) {
            Some(u) => Some(parse_date("ends_on", u)?),
            None => None,
        };
        if let Some(u) = until {
            if u < from {
                return Err(ValidationError::new(
                    "ends_on",
                    "must not be before the start date",
                ));
            }
        }
        Ok(Self { from, until })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        assert!(NominationPeriod::parse("2026-01-01", None).is_ok());
        assert!(NominationPeriod::parse("2026-01-01", Some(""))
            .unwrap()
            .until
            .is_none());
        assert!(NominationPeriod::parse("2026-01-02", Some("2026-01-01")).is_err());
        assert!(NominationPeriod::parse("yesterday", None).is_err());
        assert!(NominatedPosition::parse("ceo").is_err());
    }
}
