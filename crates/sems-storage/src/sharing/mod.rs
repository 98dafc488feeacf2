//! Need-to-know sharing storage: shared items and a recipient's inbox through the one access
//! rule (`items.rs`), and the access log of reads of marked items (`access_log.rs`).

pub mod access_log;
pub mod items;
