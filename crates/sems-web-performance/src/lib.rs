//! Security performance on the web: the indicator library, data series, an organisation's
//! dashboard, control charts drawn on the server, the records behind a point, alerts and the
//! authority's national view; with their part of `/api/v1`.

#![recursion_limit = "512"]

pub mod api;
pub mod charts;
pub mod pages;
