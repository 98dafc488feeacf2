use sems_domain::{ValidationError, ValidationErrors};
use sems_storage::StoreError;
use thiserror::Error;

/// Why a use case refused or failed. Each maps to one HTTP status and one clear message.
#[derive(Debug, Error)]
pub enum ServiceError {
    /// Every refusal of the input at once (a form shows each next to its field).
    #[error("{0}")]
    Validation(#[from] ValidationErrors),
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found, or not yours to see")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    /// A name (known or not, alike) locked after too many failed sign-ins.
    #[error("this account is temporarily locked after too many failed sign-ins: try again in {} minute(s)", (.retry_after_seconds + 59) / 60)]
    Locked { retry_after_seconds: i64 },
    /// Too many passwords are being checked at once (a flood of sign-ins): come back shortly.
    #[error(
        "sems is checking many sign-ins at once: try again in {retry_after_seconds} second(s)"
    )]
    Busy { retry_after_seconds: i64 },
    #[error(transparent)]
    Store(StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            // A client sent a cursor of another list: its mistake, not ours.
            StoreError::Cursor => {
                ValidationError::new("cursor", "is not a position this list gave").into()
            }
            e => ServiceError::Store(e),
        }
    }
}

impl From<ValidationError> for ServiceError {
    fn from(e: ValidationError) -> Self {
        ServiceError::Validation(e.into())
    }
}

impl From<serde_json::Error> for ServiceError {
    fn from(e: serde_json::Error) -> Self {
        ServiceError::Internal(format!("serialising an audit entry: {e}"))
    }
}

impl ServiceError {
    /// A unique-constraint violation becomes a conflict with `message`; other errors pass.
    pub fn conflict_on_unique(e: StoreError, message: &str) -> Self {
        if e.is_unique_violation() {
            ServiceError::Conflict(message.to_string())
        } else {
            ServiceError::Store(e)
        }
    }
}
