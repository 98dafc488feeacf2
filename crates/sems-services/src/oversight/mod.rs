//! Oversight and quality control.

pub mod activities;

use crate::Services;

/// The use cases of oversight and quality control, apart from the other modules': `services.oversight().plan_activity(…)`. Derefs to
/// [`Services`] for what every module shares (the store, the configuration).
#[derive(Clone, Copy)]
pub struct OversightServices<'a>(&'a Services);

impl std::ops::Deref for OversightServices<'_> {
    type Target = Services;
    fn deref(&self) -> &Services {
        self.0
    }
}

impl Services {
    /// The use cases of oversight and quality control.
    pub fn oversight(&self) -> OversightServices<'_> {
        OversightServices(self)
    }
}

pub mod activity_reports;
pub mod contractors;
pub mod ei;
pub mod evidence;
pub mod findings;
pub mod generate;
pub mod method;
pub mod proposals;
pub mod requirements;
pub mod trail;
pub mod views;
