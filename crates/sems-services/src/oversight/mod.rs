//! Oversight and quality control.

pub mod requirements;
