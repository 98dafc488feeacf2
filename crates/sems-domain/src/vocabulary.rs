//! Closed vocabularies stored as text, written once as a macro so every list of words parses,
//! prints and labels itself the same way.

/// A closed vocabulary stored as text: `as_str` for storage and the API, `label` for people,
/// `parse` with an error that lists the accepted words.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $field:literal, { $($variant:ident => $text:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

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
