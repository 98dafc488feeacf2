use thiserror::Error;

/// A value given by a person or a client that the domain refuses, with a message fit to show.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub field: &'static str,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// Every refusal of one input, in the order its fields were checked: a form shows each next
/// to its field, all at once. Never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors(Vec<ValidationError>);

impl ValidationErrors {
    /// The first refusal (the one an API client or a one-field form reads).
    pub fn first(&self) -> &ValidationError {
        // Built only from at least one error (`From` and `Checks::finish`).
        &self.0[0]
    }

    pub fn iter(&self) -> impl Iterator<Item = &ValidationError> {
        self.0.iter()
    }

    /// The same refusals with `from` called `to`: a form whose field is not the service's
    /// (a date and a time typed apart, checked as one moment).
    pub fn renamed(mut self, from: &str, to: &'static str) -> Self {
        for e in &mut self.0 {
            if e.field == from {
                e.field = to;
            }
        }
        self
    }

    /// The message for `field`, if it was refused.
    pub fn of(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

impl From<ValidationError> for ValidationErrors {
    fn from(e: ValidationError) -> Self {
        Self(vec![e])
    }
}

impl std::fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Collects the refusals of an input while every field is checked, so that a person sees
/// them all at once rather than one per attempt.
#[derive(Debug, Default)]
pub struct Checks(Vec<ValidationError>);

impl Checks {
    /// The value when it passed; notes the refusal otherwise.
    pub fn check<T>(&mut self, result: Result<T, ValidationError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    pub fn refuse(&mut self, e: ValidationError) {
        self.0.push(e);
    }

    /// Notes the refusal of `field` with `message` unless `ok`.
    pub fn require(&mut self, ok: bool, field: &'static str, message: impl Into<String>) {
        if !ok {
            self.refuse(ValidationError::new(field, message));
        }
    }

    /// Every refusal noted, or none.
    pub fn finish(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_collect_every_refusal_in_order() {
        let mut c = Checks::default();
        assert_eq!(c.check(Ok::<_, ValidationError>(3)), Some(3));
        assert_eq!(
            c.check::<i32>(Err(ValidationError::new("a", "is wrong"))),
            None
        );
        c.refuse(ValidationError::new("b", "is missing"));
        let all = c.finish().unwrap_err();
        assert_eq!(all.first().field, "a");
        assert_eq!(all.of("b"), Some("is missing"));
        assert_eq!(all.of("c"), None);
        assert_eq!(all.to_string(), "a: is wrong; b: is missing");
        assert!(Checks::default().finish().is_ok());
    }
}
