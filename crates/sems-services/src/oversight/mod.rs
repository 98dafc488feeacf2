//! Oversight and quality control.

pub mod activities;
pub mod activity_reports;
pub mod contractors;
pub mod ei;
pub mod evidence;
pub mod findings;
pub mod generate;
pub mod proposals;
pub mod requirements;
pub mod trail;
