//! Threats and risk on the web: the scenario library, the risk method, national threat levels,
//! risk assessments and the register, security measures and their tests, the national picture
//! and imports; with their part of `/api/v1`.

#![recursion_limit = "512"]

pub mod api;
pub mod pages;
