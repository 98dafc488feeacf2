//! Closed vocabularies stored as text, written once as a macro so every list of words parses,
//! prints and labels itself the same way.

/// Serde through a vocabulary's own words: it serialises `as_str` and deserialises with
/// `parse`, so what the API serves, what the audit trail records, what the database holds and
/// what inputs accept are one word, never a second spelling derived by serde.
macro_rules! words_serde {
    ($name:ty) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let word = String::deserialize(d)?;
                <$name>::parse(&word).map_err(|e| serde::de::Error::custom(e.message))
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::ValidationError;
            fn try_from(word: String) -> Result<Self, Self::Error> {
                <$name>::parse(&word)
            }
        }

        // The API documents a word as the one string enum of its words.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some(<$name>::ALL.iter().map(|v| v.as_str())))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $crate::vocabulary::Vocabulary for $name {
            fn parse_word(word: &str) -> Result<Self, $crate::ValidationError> {
                <$name>::parse(word)
            }
        }
    };
}

/// A closed vocabulary stored as its word, whatever macro wrote it: what storage needs to read
/// a nullable column of it back.
pub trait Vocabulary: Sized {
    fn parse_word(word: &str) -> Result<Self, crate::ValidationError>;
}

pub(crate) use words_serde;

/// A closed vocabulary stored as text: `as_str` for storage, the API and serde, `label` for
/// people, `parse` with an error that lists the accepted words.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $field:literal, { $($variant:ident => $text:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        $crate::vocabulary::words_serde!($name);

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(input: &str) -> Result<Self, $crate::ValidationError> {
                let input = input.trim();
                Self::ALL.iter().copied().find(|v| v.as_str() == input).ok_or_else(|| {
                    let words: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    $crate::ValidationError::new(
                        $field,
                        format!("must be one of {} (got '{}')", words.join(", "), input),
                    )
                })
            }
        }
    };
}

pub(crate) use vocabulary;

/// Calls `$m!` with every closed vocabulary sems stores as text: the one list that `all` and
/// the round-trip test walk.
macro_rules! with_every_vocabulary {
    ($m:ident) => {
        $m!(
            crate::audit::AuditChannel,
            crate::measure::MeasureStatus,
            crate::measure::Exemption,
            crate::measure::EvidenceKind,
            crate::action::ActionStatus,
            crate::action::Effectiveness,
            crate::measure::Effect,
            crate::report::ReportMode,
            crate::report::ReportStatus,
            crate::report::Severity,
            crate::report::JustCulture,
            crate::report::MessageSide,
            crate::report::DisclosureDecision,
            crate::report::rules::OccurrenceStep,
            crate::oversight::RequirementLevel,
            crate::oversight::Compliance,
            crate::oversight::ActivityKind,
            crate::oversight::ActivityStatus,
            crate::oversight::Performer,
            crate::oversight::FindingLevel,
            crate::oversight::FindingStatus,
            crate::nomination::NominatedPosition,
            crate::party::PartyKind,
            crate::risk::RiskLevel,
            crate::risk::AcceptanceState,
            crate::role::Role,
            crate::role::GrantStatus,
            crate::scenario::Perpetrator,
            crate::scenario::ScenarioCategory,
            crate::performance::Direction,
            crate::performance::Period,
            crate::performance::alerts::Rule,
            crate::performance::alerts::AlertStatus,
            crate::performance::definition::Measure,
            crate::performance::definition::ValueKind,
            crate::performance::definition::Timing,
            crate::performance::definition::TestKind,
            crate::training::Function,
            crate::training::CheckLevel,
            crate::training::CheckOutcome,
            crate::training::currency::Currency,
            crate::training::assess::RequirementKind,
            crate::training::survey::Theme,
            crate::training::survey::AnswerScale,
            crate::training::survey::SurveyStatus,
            crate::sharing::ItemKind,
            crate::sharing::tlp::Tlp,
            crate::sharing::directive::DirectiveStatus,
            crate::sharing::directive::RecipientStep,
            crate::sharing::directive::Late,
        )
    };
}

/// Every closed vocabulary sems stores as text: its type's name and its words. The storage
/// suite writes and reads back every word on both engines; the test below checks the same
/// list through serde and `parse`.
pub fn all() -> Vec<(&'static str, Vec<&'static str>)> {
    macro_rules! words {
        ($($t:ty),+ $(,)?) => {
            vec![$((stringify!($t), <$t>::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>())),+]
        };
    }
    with_every_vocabulary!(words)
}

#[cfg(test)]
mod tests {
    /// Every word of `$t` is the same word through serde (out and back), `parse` and
    /// `as_str` (what storage writes and reads back).
    macro_rules! round_trip {
        ($($t:ty),+ $(,)?) => {{
            let mut checked = 0;
            $(
                for v in <$t>::ALL.iter().copied() {
                    let json = serde_json::to_string(&v).unwrap();
                    assert_eq!(json, format!("\"{}\"", v.as_str()), "{} serialises its word", stringify!($t));
                    let back: $t = serde_json::from_str(&json).unwrap();
                    assert_eq!(back, v, "{} deserialises its word", stringify!($t));
                    assert_eq!(<$t>::parse(v.as_str()).ok(), Some(v), "{} parses its word", stringify!($t));
                    checked += 1;
                }
            )+
            checked
        }};
    }

    #[test]
    fn every_vocabulary_is_one_word_everywhere() {
        let checked = with_every_vocabulary!(round_trip);
        let listed: usize = super::all().iter().map(|(_, words)| words.len()).sum();
        assert_eq!(checked, listed, "the same vocabularies as `all`");
        // Every vocabulary written with the macro is in the list above.
        let sources = [
            include_str!("action.rs"),
            include_str!("audit.rs"),
            include_str!("measure.rs"),
            include_str!("report.rs"),
            include_str!("oversight.rs"),
            include_str!("risk.rs"),
            include_str!("training.rs"),
            include_str!("training/currency.rs"),
            include_str!("training/assess.rs"),
            include_str!("training/survey.rs"),
            include_str!("sharing.rs"),
            include_str!("sharing/tlp.rs"),
            include_str!("sharing/directive.rs"),
        ];
        let declared: usize = sources
            .iter()
            .map(|s| s.matches("vocabulary!(").count())
            .sum();
        assert_eq!(declared, 34, "add the new vocabulary to the round trip");
    }

    #[test]
    fn a_word_that_is_not_one_is_refused_by_serde_too() {
        let err = serde_json::from_str::<crate::oversight::FindingLevel>("\"level1\"").unwrap_err();
        assert!(err.to_string().contains("must be one of"), "{err}");
    }
}
