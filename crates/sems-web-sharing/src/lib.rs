//! Need-to-know sharing on the web: a recipient's inbox, an item with its markings at top and
//! bottom, a directive's steps and the issuer's decisions, the directive tracker, the issuer's
//! distribution lists, sharing any record from its page, prints and exports watermarked and
//! logged, STIX import; with their part of `/api/v1`.

#![recursion_limit = "512"]

pub mod api;
pub mod pages;
