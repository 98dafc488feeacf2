//! Oversight and quality control storage.

pub mod activities;
pub mod ei_totals;
pub mod findings;
pub mod method;
pub mod requirements;
