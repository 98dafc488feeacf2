//! The platform on the web: signing in, the home page, organisations, people, sites,
//! need-to-know groups, the audit trail and security log, the profile, and the one
//! corrective-action register of every module; with their part of `/api/v1`.

#![recursion_limit = "512"]

pub mod api;
pub mod pages;
