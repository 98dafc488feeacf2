//! Confidential security reporting on the web: public filing and receipts, the handlers'
//! workflow, identity disclosure, de-identification and forwarding, statistics and the
//! authority's national occurrences; with their part of `/api/v1`.

#![recursion_limit = "512"]

pub mod api;
pub mod pages;
