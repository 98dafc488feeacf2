//! Oversight and quality control on the web: requirements catalogues, activities with their
//! checklists and reports, findings and corrective action plans, effective implementation; with
//! their part of `/api/v1`.

#![recursion_limit = "512"]

pub mod api;
pub mod pages;
