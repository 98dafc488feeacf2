//! Security performance storage: indicators' definitions with their versions, and the
//! organisations' data series.

pub mod indicators;
pub mod series;
