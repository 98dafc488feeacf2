//! The next activities the oversight programme proposes for each organisation.

use super::ei::EiSelection;
use super::OversightServices;
use crate::{authorize, Actor, Result, ServiceError};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::oversight::{OversightRecord, Performer};
use sems_domain::util::{parse_date, today};
use sems_storage::oversight::activities::{self as store};
use sems_storage::parties;

impl OversightServices<'_> {
    /// The next activities proposed for an organisation from the authority's last results,
    /// its open findings and the organisation's risk, within the minimum intervals.
    #[tracing::instrument(skip_all)]
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
        // The authority's own record only: a self-evaluation or a client's audit never moves
        // the State's programme.
        let by_authority = Performer::Authority;
        let day = |v: Option<String>| v.and_then(|d| parse_date("day", &d).ok());
        let method = super::method::current_method(&mut conn).await?;
        let full_audits = method.method.full_audit_kinds();
        let last_full_audit =
            day(
                store::last_completed(&mut conn, party.id, by_authority, Some(&full_audits))
                    .await?,
            );
        let last_activity =
            day(store::last_completed(&mut conn, party.id, by_authority, None).await?);
        let open_finding =
            store::most_serious_open_finding(&mut conn, party.id, by_authority).await?;
        let highest_residual = sems_storage::risk::highest_residual_level(&mut conn, party.id)
            .await?
            .and_then(|l| {
                sems_domain::risk::RiskLevel::ALL
                    .iter()
                    .copied()
                    .find(|x| x.as_str() == l)
            });
        drop(conn);
        let ei = self
            .effective_implementation(actor, Some(party.id), &EiSelection::of(by_authority))
            .await?
            .overall;
        Ok(sems_domain::oversight::propose_next(
            &OversightRecord {
                last_full_audit,
                last_activity,
                ei,
                open_finding,
                highest_residual,
            },
            today(),
            &method.method,
        ))
    }
}
