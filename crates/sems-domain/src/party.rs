//! Parties: the one State appropriate authority and the organisations it oversees.

use crate::{util::bounded_text, ValidationError};

/// What kind of party a record or a person belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartyKind {
    /// The State's appropriate authority for aviation security: the regulator.
    Authority,
    AirportOperator,
    AirCarrier,
    RegulatedAgent,
    InFlightSupplies,
    SecurityServiceProvider,
    OtherOrganisation,
}

crate::vocabulary::words_serde!(PartyKind);

impl PartyKind {
    /// Every kind: the authority, then the organisations'.
    pub const ALL: [PartyKind; 7] = [
        PartyKind::Authority,
        PartyKind::AirportOperator,
        PartyKind::AirCarrier,
        PartyKind::RegulatedAgent,
        PartyKind::InFlightSupplies,
        PartyKind::SecurityServiceProvider,
        PartyKind::OtherOrganisation,
    ];

    pub const ORGANISATION_KINDS: [PartyKind; 6] = [
        PartyKind::AirportOperator,
        PartyKind::AirCarrier,
        PartyKind::RegulatedAgent,
        PartyKind::InFlightSupplies,
        PartyKind::SecurityServiceProvider,
        PartyKind::OtherOrganisation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PartyKind::Authority => "authority",
            PartyKind::AirportOperator => "airport_operator",
            PartyKind::AirCarrier => "air_carrier",
            PartyKind::RegulatedAgent => "regulated_agent",
            PartyKind::InFlightSupplies => "in_flight_supplies",
            PartyKind::SecurityServiceProvider => "security_service_provider",
            PartyKind::OtherOrganisation => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PartyKind::Authority => "Appropriate authority",
            PartyKind::AirportOperator => "Airport operator",
            PartyKind::AirCarrier => "Air carrier",
            PartyKind::RegulatedAgent => "Regulated agent",
            PartyKind::InFlightSupplies => "In-flight supplies",
            PartyKind::SecurityServiceProvider => "Security service provider",
            PartyKind::OtherOrganisation => "Other organisation",
        }
    }

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        std::iter::once(PartyKind::Authority)
            .chain(Self::ORGANISATION_KINDS)
            .find(|k| k.as_str() == input.trim())
            .ok_or_else(|| {
                ValidationError::new(
                    "kind",
                    format!(
                        "unknown party kind '{}'; expected one of: {}",
                        input.trim(),
                        Self::ORGANISATION_KINDS.map(|k| k.as_str()).join(", ")
                    ),
                )
            })
    }

    /// Parses an organisation kind: the authority cannot be created a second time.
    pub fn parse_organisation(input: &str) -> Result<Self, ValidationError> {
        match Self::parse(input)? {
            PartyKind::Authority => Err(ValidationError::new(
                "kind",
                "there is exactly one authority; choose an organisation kind",
            )),
            kind => Ok(kind),
        }
    }

    pub fn is_authority(self) -> bool {
        self == PartyKind::Authority
    }
}

/// The name of a party, 2 to 200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyName(String);

impl PartyName {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        bounded_text("name", input, 2, 200).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A short reference code for a party (e.g. an ICAO location indicator or an approval number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyCode(String);

impl PartyCode {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let value = input.trim().to_uppercase();
        if value.is_empty() || value.len() > 20 {
            return Err(ValidationError::new("code", "must be 1 to 20 characters"));
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(ValidationError::new(
                "code",
                "may contain only letters, digits, '-' and '_'",
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
    fn kinds_round_trip() {
        for k in PartyKind::ORGANISATION_KINDS {
            assert_eq!(PartyKind::parse(k.as_str()).unwrap(), k);
        }
        assert!(PartyKind::parse_organisation("authority").is_err());
        assert!(PartyKind::parse("airline").is_err());
    }

    #[test]
    fn codes_are_normalised() {
        assert_eq!(PartyCode::parse(" eglx ").unwrap().as_str(), "EGLX");
        assert!(PartyCode::parse("a b").is_err());
        assert!(PartyCode::parse("").is_err());
    }
}
