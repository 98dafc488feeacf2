//! Training, vetting and security culture on the web: the training programme and an
//! organisation's additions, the personnel register and its HR import, a person's standings,
//! records and checks, the LMS import, due lists, compliance views and the national picture;
//! with their part of `/api/v1`.

#![recursion_limit = "512"]

pub mod api;
pub mod pages;
