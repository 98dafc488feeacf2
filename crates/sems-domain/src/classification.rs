//! Classification markings and clearances.
//!
//! The scheme is data owned by the authority (table `classification_levels`); this module
//! holds the default and the comparison. A marking is a rank: 0 is the lowest level.

use crate::ValidationError;

/// The default scheme, lowest first.
pub const DEFAULT_LEVELS: [&str; 4] = ["OFFICIAL", "RESTRICTED", "CONFIDENTIAL", "SECRET"];

/// A classification scheme: level names, lowest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassificationScheme {
    levels: Vec<String>,
}

impl Default for ClassificationScheme {
    fn default() -> Self {
        Self {
            levels: DEFAULT_LEVELS.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl ClassificationScheme {
    pub fn new(levels: Vec<String>) -> Result<Self, ValidationError> {
        if levels.is_empty() {
            return Err(ValidationError::new(
                "classification",
                "a scheme needs at least one level",
            ));
        }
        Ok(Self { levels })
    }

    pub fn levels(&self) -> &[String] {
        &self.levels
    }

    pub fn name(&self, rank: i64) -> &str {
        usize::try_from(rank)
            .ok()
            .and_then(|r| self.levels.get(r))
            .map(String::as_str)
            .unwrap_or("UNKNOWN")
    }

    /// Parses a level given by name (case-insensitive) or by rank.
    pub fn parse(&self, input: &str) -> Result<i64, ValidationError> {
        let wanted = input.trim();
        if let Some(i) = self
            .levels
            .iter()
            .position(|l| l.eq_ignore_ascii_case(wanted))
        {
            return Ok(i as i64);
        }
        match wanted.parse::<i64>() {
            Ok(r) if r >= 0 && (r as usize) < self.levels.len() => Ok(r),
            _ => Err(ValidationError::new(
                "classification",
                format!(
                    "unknown level '{wanted}'; expected one of: {}",
                    self.levels.join(", ")
                ),
            )),
        }
    }
}

/// Whether a person with `clearance` may see a record marked `classification`.
pub fn clearance_covers(clearance: i64, classification: i64) -> bool {
    clearance >= classification
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_scheme_orders_levels() {
        let s = ClassificationScheme::default();
        assert_eq!(s.parse("official").unwrap(), 0);
        assert_eq!(s.parse("SECRET").unwrap(), 3);
        assert_eq!(s.parse("2").unwrap(), 2);
        assert!(s.parse("TOP SECRET").is_err());
        assert!(s.parse("4").is_err());
        assert_eq!(s.name(1), "RESTRICTED");
        assert!(clearance_covers(2, 2));
        assert!(!clearance_covers(1, 2));
    }
}
