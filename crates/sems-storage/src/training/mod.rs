//! Training and vetting storage: the personnel register with each person's functions
//! (`personnel.rs`), their training records and background checks (`records.rs`), their
//! standings computed ahead with the compliance counts (`standings.rs`), the dates the
//! training-and-vetting gate reads (`gates.rs`) and organisations' additions to the
//! programme (`additions.rs`). The national training programme's versions are
//! `versions::Versioned::TrainingProgramme`.

pub mod additions;
pub mod gates;
pub mod personnel;
pub mod programme;
pub mod records;
pub mod standings;
pub mod surveys;
