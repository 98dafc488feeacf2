//! Need-to-know sharing storage: shared items through the one access rule (`items.rs`), a
//! recipient's inbox and the issuer's directive tracker (`inbox.rs`), the issuer's
//! distribution lists (`lists.rs`), and the access log of reads of marked items
//! (`access_log.rs`).

pub mod access_log;
pub mod inbox;
pub mod items;
pub mod lists;
