//! The next activities the oversight programme proposes for each organisation.

use super::OversightServices;
use crate::{authorize, Actor, Result, ServiceError};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::oversight::ActivityKind;
use sems_domain::util::{parse_date, today};
use sems_storage::oversight::activities::{self as store};
use sems_storage::parties;

impl OversightServices<'_> {
    /// The next activities proposed for an organisation from its last results and risk,
    /// within the deployment's minimum intervals.
    pub async fn proposed_activities(
        &self,
        actor: &Actor,
        party_id: i64,
    ) -> Result<Vec<sems_domain::oversight::ProposedActivity>> {
        let mut conn = self.store.read().await?;
        let party = parties::get(&mut conn, party_id)
            .await?
            .filter(|p| !p.kind.is_authority())
            .ok_or(ServiceError::NotFound("organisation"))?;
        authorize(
            actor,
            Action::Read,
            &RecordMeta::plain(RecordKind::OversightActivity, party.id, false),
            "organisation",
        )?;
        let day = |v: Option<String>| v.and_then(|d| parse_date("day", &d).ok());
        let last_audit =
            day(store::last_completed(&mut conn, party.id, Some(ActivityKind::AuditFull)).await?);
        let last_any = day(store::last_completed(&mut conn, party.id, None).await?);
        let highest = sems_storage::risk::highest_residual_level(&mut conn, party.id)
            .await?
            .and_then(|l| {
                sems_domain::risk::RiskLevel::ALL
                    .into_iter()
                    .find(|x| x.as_str() == l)
            });
        drop(conn);
        let ei = self
            .effective_implementation(actor, Some(party.id))
            .await?
            .overall;
        Ok(sems_domain::oversight::propose_next(
            last_audit,
            last_any,
            ei,
            highest,
            today(),
            self.config.oversight_intervals,
        ))
    }
}
