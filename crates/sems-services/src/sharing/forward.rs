//! Passing an item on: as far as its TLP label allows, counted by the distance between the
//! reader's organisation and the recipient's.

use super::{trail, SharingServices};
use crate::{authorize, record_change, About, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, RecordKind};
use sems_domain::ValidationError;
use sems_storage::groups::{self, Recipient};
use sems_storage::{notifications, people, Conn};
use serde::Deserialize;

/// Whom a reader passes an item on to, and why.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardInput {
    #[serde(default)]
    pub person_id: Option<i64>,
    #[serde(default)]
    pub group_id: Option<i64>,
    /// Why they need to know: kept in the trail.
    pub reason: String,
}

impl SharingServices<'_> {
    /// How far `party` is from the reader's party `from`, as the TLP rule counts it.
    async fn onward(
        conn: &mut Conn,
        from: i64,
        party: i64,
    ) -> Result<sems_domain::sharing::tlp::Onward> {
        use sems_domain::sharing::tlp::Onward;
        if party == from {
            return Ok(Onward::OwnOrganisation);
        }
        let mine = sems_storage::oversight::activities::contractors(conn, from).await?;
        let theirs = sems_storage::oversight::activities::contractors(conn, party).await?;
        if mine.iter().any(|c| c.id == party) || theirs.iter().any(|c| c.id == from) {
            Ok(Onward::ClientOrContractor)
        } else {
            Ok(Onward::Community)
        }
    }

    /// Passes an item on to a person or a group, as far as its TLP label allows (RED never,
    /// AMBER+STRICT within the reader's organisation, AMBER also to its clients and
    /// contractors, GREEN within the deployment), with the reason they need to know.
    #[tracing::instrument(skip_all)]
    pub async fn forward_item(&self, actor: &Actor, id: i64, input: &ForwardInput) -> Result<()> {
        let reason = input.reason.trim();
        if reason.is_empty() {
            return Err(ValidationError::new("reason", "say why they need to know").into());
        }
        let mut tx = self.store.write().await?;
        let (i, meta) = Self::item_and_meta(tx.conn(), id).await?;
        authorize(actor, Action::Read, &meta, "item")?;
        if !i.status.in_force() {
            return Err(ServiceError::Conflict(
                "only an issued item is passed on".into(),
            ));
        }
        let from = actor.party_id().unwrap_or(0);
        let (to, parties): (Recipient, Vec<i64>) = match (input.person_id, input.group_id) {
            (Some(p), None) => {
                let person = people::get(tx.conn(), p)
                    .await?
                    .filter(|p| p.active)
                    .ok_or_else(|| {
                        ServiceError::from(ValidationError::new("person_id", "no such person"))
                    })?;
                if person.clearance < i.classification {
                    return Err(ValidationError::new(
                        "person_id",
                        format!(
                            "{}'s clearance does not cover {}",
                            person.display_name,
                            self.classification.name(i.classification)
                        ),
                    )
                    .into());
                }
                (Recipient::Person(p), vec![person.party_id])
            }
            (None, Some(g)) => {
                let group = groups::get(tx.conn(), g).await?.ok_or_else(|| {
                    ServiceError::from(ValidationError::new("group_id", "no such group"))
                })?;
                if let Some(h) = group
                    .highest_classification
                    .filter(|h| *h < i.classification)
                {
                    return Err(ValidationError::new(
                        "group_id",
                        format!(
                            "the group {} receives nothing above {}: this is {}",
                            group.name,
                            self.classification.name(h),
                            self.classification.name(i.classification)
                        ),
                    )
                    .into());
                }
                if group.members == 0 {
                    return Err(ValidationError::new(
                        "group_id",
                        format!("the group {} has no members to pass it on to", group.name),
                    )
                    .into());
                }
                let mut parties = Vec::new();
                for m in groups::members(tx.conn(), g).await? {
                    if let Some(p) = people::get(tx.conn(), m.id).await? {
                        parties.push(p.party_id);
                    }
                }
                (Recipient::Group(g), parties)
            }
            _ => {
                return Err(ValidationError::new("person_id", "one person or one group").into());
            }
        };
        // The label first: TLP:RED is passed on to nobody, whoever they are.
        sems_domain::sharing::tlp::may_forward(
            i.tlp,
            sems_domain::sharing::tlp::Onward::OwnOrganisation,
        )
        .map_err(ServiceError::Forbidden)?;
        for party in parties {
            let onward = Self::onward(tx.conn(), from, party).await?;
            sems_domain::sharing::tlp::may_forward(i.tlp, onward)
                .map_err(ServiceError::Forbidden)?;
        }
        groups::distribute_with(
            tx.conn(),
            RecordKind::SharedItem,
            id,
            to,
            &groups::Grant {
                reason,
                expires_on: None,
                by: actor.person_id(),
            },
        )
        .await?;
        if let Recipient::Person(p) = to {
            notifications::insert(
                tx.conn(),
                &[p],
                &format!("Passed on to you: {}", i.title),
                &format!("/sharing/items/{id}"),
            )
            .await?;
        }
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::ITEM_FORWARD,
                record_id: Some(id),
                before: NONE,
                after: Some(&serde_json::json!({ "person": input.person_id, "group": input.group_id, "reason": reason })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
