//! Columns as domain values, for rows that `#[derive(sqlx::FromRow)]` decodes.
//!
//! Both engines store flags as integers 0/1, closed vocabularies as their word and days as
//! `YYYY-MM-DD` text (ADR 0001). sqlx's `Any` driver decodes only integers, floats, text and
//! bytes, so a row names how a column becomes its domain value with
//! `#[sqlx(try_from = "…")]`:
//!
//! - a vocabulary: `#[sqlx(try_from = "String")]` (every vocabulary is `TryFrom<String>`);
//! - an optional vocabulary: `#[sqlx(try_from = "Word")]`;
//! - a flag: `#[sqlx(try_from = "Flag")]`;
//! - a day: `#[sqlx(try_from = "Day")]`, an optional day `#[sqlx(try_from = "OptionalDay")]`;
//! - a JSON document: `#[sqlx(try_from = "JsonText")]`.
//!
//! A value the domain refuses (a word no vocabulary has, a malformed day) is a decode error
//! naming the column, never a panic.

use sems_domain::ValidationError;
use sqlx::any::{AnyTypeInfo, AnyValueRef};
use sqlx::error::BoxDynError;
use sqlx::{Any, Decode, Type};

/// Implements `Type<Any>` and `Decode<Any>` for a newtype over a type sqlx decodes.
macro_rules! decoded_as {
    ($name:ident, $inner:ty) => {
        impl Type<Any> for $name {
            fn type_info() -> AnyTypeInfo {
                <$inner as Type<Any>>::type_info()
            }
            fn compatible(ty: &AnyTypeInfo) -> bool {
                <$inner as Type<Any>>::compatible(ty)
            }
        }

        impl<'r> Decode<'r, Any> for $name {
            fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
                Ok($name(<$inner as Decode<'r, Any>>::decode(value)?))
            }
        }
    };
}

/// A flag stored as an integer: 0 is false, anything else true.
pub struct Flag(i64);
decoded_as!(Flag, i64);

impl From<Flag> for bool {
    fn from(flag: Flag) -> bool {
        flag.0 != 0
    }
}

/// A column holding a domain document as JSON (an indicator's definition): the document's
/// type reads itself from it with `TryFrom<JsonText>`.
pub struct JsonText(pub(crate) String);
decoded_as!(JsonText, String);

/// A nullable column holding a vocabulary's word.
pub struct Word(Option<String>);
decoded_as!(Word, Option<String>);

impl<T> TryFrom<Word> for Option<T>
where
    T: sems_domain::vocabulary::Vocabulary,
{
    type Error = ValidationError;
    fn try_from(word: Word) -> Result<Self, ValidationError> {
        word.0.map(|w| T::parse_word(&w)).transpose()
    }
}

/// A day stored as `YYYY-MM-DD`.
pub struct Day(String);
decoded_as!(Day, String);

impl TryFrom<Day> for time::Date {
    type Error = ValidationError;
    fn try_from(day: Day) -> Result<Self, ValidationError> {
        sems_domain::util::parse_date("day", &day.0)
    }
}

/// A nullable day.
pub struct OptionalDay(Option<String>);
decoded_as!(OptionalDay, Option<String>);

impl TryFrom<OptionalDay> for Option<time::Date> {
    type Error = ValidationError;
    fn try_from(day: OptionalDay) -> Result<Self, ValidationError> {
        day.0
            .map(|d| sems_domain::util::parse_date("day", &d))
            .transpose()
    }
}

/// A stored value the domain refuses, for the few decoders that are not rows.
pub(crate) fn decode_error(message: String) -> sqlx::Error {
    sqlx::Error::Decode(message.into())
}

/// A nullable flag.
pub struct OptionalFlag(Option<i64>);
decoded_as!(OptionalFlag, Option<i64>);

impl From<OptionalFlag> for Option<bool> {
    fn from(flag: OptionalFlag) -> Option<bool> {
        flag.0.map(|v| v != 0)
    }
}

/// Words of a vocabulary kept in one column, separated by commas (a grant's roles).
pub struct Words(String);
decoded_as!(Words, String);

impl<T> TryFrom<Words> for Vec<T>
where
    T: sems_domain::vocabulary::Vocabulary,
{
    type Error = ValidationError;
    fn try_from(words: Words) -> Result<Self, ValidationError> {
        words
            .0
            .split(',')
            .filter(|w| !w.is_empty())
            .map(T::parse_word)
            .collect()
    }
}

/// A JSON document kept in a text column (a version of the risk method). Each type stored so
/// names itself below.
pub struct Document(String);
decoded_as!(Document, String);

impl TryFrom<Document> for sems_domain::risk::RiskMethod {
    type Error = serde_json::Error;
    fn try_from(document: Document) -> Result<Self, serde_json::Error> {
        serde_json::from_str(&document.0)
    }
}

impl TryFrom<Document> for sems_domain::oversight::method::OversightMethod {
    type Error = serde_json::Error;
    fn try_from(document: Document) -> Result<Self, serde_json::Error> {
        serde_json::from_str(&document.0)
    }
}

impl TryFrom<Document> for sems_domain::report::rules::ReportingRules {
    type Error = serde_json::Error;
    fn try_from(document: Document) -> Result<Self, serde_json::Error> {
        serde_json::from_str(&document.0)
    }
}

impl TryFrom<Document> for sems_domain::training::programme::TrainingProgramme {
    type Error = serde_json::Error;
    fn try_from(document: Document) -> Result<Self, serde_json::Error> {
        serde_json::from_str(&document.0)
    }
}

/// Whom a shared item is for.
#[derive(Debug, Clone)]
pub struct Audiences(pub Vec<sems_domain::sharing::Audience>);

impl TryFrom<Document> for Audiences {
    type Error = serde_json::Error;
    fn try_from(document: Document) -> Result<Self, serde_json::Error> {
        serde_json::from_str(&document.0).map(Audiences)
    }
}

/// A question bank, or the questions a survey asks.
#[derive(Debug, Clone)]
pub struct Questions(pub Vec<sems_domain::training::survey::Question>);

impl TryFrom<Document> for Questions {
    type Error = serde_json::Error;
    fn try_from(document: Document) -> Result<Self, serde_json::Error> {
        serde_json::from_str(&document.0).map(Questions)
    }
}

impl TryFrom<Document> for sems_domain::training::programme::Additions {
    type Error = serde_json::Error;
    fn try_from(document: Document) -> Result<Self, serde_json::Error> {
        serde_json::from_str(&document.0)
    }
}

/// Lines of text kept in one column (the evidence of an assessment), without empty lines.
pub struct Lines(String);
decoded_as!(Lines, String);

impl From<Lines> for Vec<String> {
    fn from(lines: Lines) -> Vec<String> {
        lines
            .0
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sems_domain::report::Severity;
    use sems_domain::role::Role;

    #[test]
    fn columns_become_domain_values_or_refuse() {
        assert!(bool::from(Flag(1)) && !bool::from(Flag(0)));
        assert_eq!(Option::<bool>::from(OptionalFlag(None)), None);
        assert_eq!(Option::<bool>::from(OptionalFlag(Some(0))), Some(false));

        let none: Option<Severity> = Word(None).try_into().unwrap();
        assert_eq!(none, None);
        let some: Option<Severity> = Word(Some(Severity::ALL[0].as_str().into()))
            .try_into()
            .unwrap();
        assert_eq!(some, Some(Severity::ALL[0]));
        assert!(Option::<Severity>::try_from(Word(Some("nonsense".into()))).is_err());

        let roles: Vec<Role> = Words("director,inspector".into()).try_into().unwrap();
        assert_eq!(roles, vec![Role::Director, Role::Inspector]);
        assert!(Vec::<Role>::try_from(Words("director,nobody".into())).is_err());
        assert!(Vec::<Role>::try_from(Words(String::new()))
            .unwrap()
            .is_empty());

        let day = time::Date::try_from(Day("2026-12-02".into())).unwrap();
        assert_eq!(sems_domain::util::format_date(day), "2026-12-02");
        assert!(time::Date::try_from(Day("2026-13-02".into())).is_err());
        assert_eq!(
            Option::<time::Date>::try_from(OptionalDay(None)).unwrap(),
            None
        );

        assert_eq!(
            Vec::<String>::from(Lines("a\n\nb\n".into())),
            vec!["a".to_string(), "b".to_string()]
        );
        assert!(sems_domain::risk::RiskMethod::try_from(Document("{".into())).is_err());
    }
}
