//! Need-to-know information sharing (DESIGN.md module 7, being built): items — threat
//! bulletins, security directives, information circulars, lessons learned — drafted, a
//! directive approved by the director, issued to an audience resolved to persons and groups
//! (`items.rs`), and every read of a marked item logged.

pub mod audience;
pub mod export;
pub mod files;
pub mod forward;
pub mod generate;
pub mod inbox;
pub mod item_actions;
pub mod items;
pub mod lifecycle;
pub mod records;
pub mod steps;
pub mod trail;

use crate::Services;

/// The use cases of information sharing: `services.sharing().issue(…)`. Derefs to
/// [`Services`] for what every module shares.
#[derive(Clone, Copy)]
pub struct SharingServices<'a>(&'a Services);

impl std::ops::Deref for SharingServices<'_> {
    type Target = Services;
    fn deref(&self) -> &Services {
        self.0
    }
}

impl Services {
    /// The use cases of information sharing.
    pub fn sharing(&self) -> SharingServices<'_> {
        SharingServices(self)
    }
}
