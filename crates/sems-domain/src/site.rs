//! Sites of an organisation: an airport's terminals, a cargo shed, a catering unit.

use crate::{util::bounded_text, ValidationError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteName(String);

impl SiteName {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        bounded_text("name", input, 1, 200).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where the site is, free text (address or description), at most 500 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteLocation(String);

impl SiteLocation {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        bounded_text("location", input, 0, 500).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
