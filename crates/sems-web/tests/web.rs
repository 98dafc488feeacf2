//! The HTTP and browser test suite: each test starts the real server on a free port, on
//! SQLite and on PostgreSQL, and talks to it over HTTP.

mod web {
    pub mod actions;
    pub mod api;
    pub mod browser;
    pub mod conformance;
    pub mod oversight;
    pub mod pages;
    pub mod performance;
    pub mod privacy;
    pub mod reports;
    pub mod risk;
    pub mod sharing;
    pub mod support;
    pub mod training;
}
