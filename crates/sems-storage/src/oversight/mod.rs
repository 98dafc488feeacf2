//! Oversight and quality control storage.

pub mod requirements;
