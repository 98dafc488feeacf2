//! Security performance storage: indicators' definitions with their versions, expected levels
//! and targets; the organisations' data series; the facts indicators are computed from; the
//! values computed and their national distribution; alerts.

pub mod alerts;
pub mod facts;
pub mod indicators;
pub mod series;
pub mod silence;
pub mod values;
