//! Oversight and quality control.

pub mod activities;
pub mod ei;
pub mod findings;
pub mod generate;
pub mod requirements;
