//! Training, vetting and security culture (DESIGN.md module 6): the national training
//! programme as data and organisations' additions (`programme.rs`), the personnel register and
//! its HR import (`personnel.rs`), training records and background checks with their LMS
//! import (`records.rs`), standings computed ahead, lapses that open withdrawal tasks and
//! notices ahead of expiry (`currency.rs`), due lists and compliance (`compliance.rs`), and
//! security culture surveys (`surveys.rs`).

pub mod compliance;
pub mod currency;
pub mod generate;
pub mod personnel;
pub mod programme;
pub mod records;
mod survey_results;
pub mod surveys;
pub mod trail;

use crate::{Actor, Result, ServiceError, Services};
use sems_domain::access::{RecordKind, RecordMeta};
use sems_domain::training::programme::TrainingProgramme;
use sems_storage::training::personnel::Personnel;
use sems_storage::training::{additions, programme as programme_store};
use sems_storage::Conn;

pub(crate) use crate::risk::authority_id;

/// The use cases of training and vetting: `services.training().record(…)`. Derefs to
/// [`Services`] for what every module shares.
#[derive(Clone, Copy)]
pub struct TrainingServices<'a>(&'a Services);

impl std::ops::Deref for TrainingServices<'_> {
    type Target = Services;
    fn deref(&self) -> &Services {
        self.0
    }
}

impl Services {
    /// The use cases of training and vetting.
    pub fn training(&self) -> TrainingServices<'_> {
        TrainingServices(self)
    }
}

/// A person of the register as the access rule sees them: their employer's, and their own
/// when linked to their account.
pub(crate) fn personnel_meta(p: &Personnel) -> RecordMeta {
    let mut m = RecordMeta::plain(RecordKind::Personnel, p.party_id, false);
    m.person_id = p.person_id;
    m
}

/// The register of an organisation, for a new person or its additions to the programme.
pub(crate) fn register_meta(party_id: i64, authority: i64) -> RecordMeta {
    RecordMeta::plain(RecordKind::Personnel, party_id, party_id == authority)
}

/// The national programme in force, with its version.
pub(crate) async fn national(conn: &mut Conn) -> Result<(TrainingProgramme, i64)> {
    let v = programme_store::current(conn).await?.ok_or_else(|| {
        ServiceError::Internal("no training programme is published (run sems once)".into())
    })?;
    Ok((v.programme, v.version))
}

/// The programme an organisation's personnel are held to (the national one with its
/// additions), with the national version it counts against.
pub(crate) async fn effective(conn: &mut Conn, party_id: i64) -> Result<(TrainingProgramme, i64)> {
    let (national, version) = national(conn).await?;
    Ok(match additions::current(conn, party_id).await? {
        Some(a) => (national.with_additions(&a.additions), version),
        None => (national, version),
    })
}

/// The person of the register `id`, when the actor may read them.
pub(crate) async fn readable_person(conn: &mut Conn, actor: &Actor, id: i64) -> Result<Personnel> {
    let p = sems_storage::training::personnel::get(conn, id)
        .await?
        .ok_or(ServiceError::NotFound("person"))?;
    crate::authorize(
        actor,
        sems_domain::access::Action::Read,
        &personnel_meta(&p),
        "person",
    )?;
    Ok(p)
}
