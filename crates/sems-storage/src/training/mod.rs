//! Training and vetting storage: the personnel register with each person's functions
//! (`personnel.rs`), and their training records and background checks (`records.rs`). The
//! national training programme's versions are `versions::Versioned::TrainingProgramme`.

pub mod personnel;
pub mod records;
