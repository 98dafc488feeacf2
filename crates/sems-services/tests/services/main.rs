//! The services test suite, on SQLite and PostgreSQL, as one test binary: every test starts
//! from a copy of the demo data set, loaded once per process (`common`).

mod actions;
mod common;
mod demo;
mod duties;
mod occurrence_lifecycle;
mod oversight;
mod performance;
mod reports;
mod risk;
mod sharing;
mod sharing_flow;
mod sharing_matrix;
mod sign_in;
mod training;
