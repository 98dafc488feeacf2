//! The pure domain of sems: the words of aviation security management as types and rules.
//!
//! Nothing here does IO. Storage, services and the web layer build on these types, so a
//! change to a template or a query never rebuilds the rules, and the rules are unit-tested
//! without a database.

pub mod access;
pub mod action;
pub mod audit;
pub mod classification;
pub mod csv;
pub mod error;
pub mod measure;
pub mod nomination;
pub mod oversight;
pub mod page;
pub mod party;
pub mod password;
pub mod performance;
pub mod person;
pub mod report;
pub mod risk;
pub mod role;
pub mod scenario;
pub mod sharing;
pub mod site;
pub mod totp;
pub mod training;
pub mod util;
pub mod vocabulary;

pub use error::{Checks, ValidationError, ValidationErrors};
