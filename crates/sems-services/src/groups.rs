//! Need-to-know groups: named sets of people (of any party) to whom records are distributed.

use crate::About;
use crate::{authorize, record_change, Actor, Result, ServiceError, Services};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::page::{Page, PageRequest};
use sems_domain::util::bounded_text;
use sems_storage::groups::{self, NeedToKnowGroup};
use sems_storage::{parties, people};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The highest classification (a level name of the scheme) its members may receive;
    /// none: no limit. A record marked above it is never distributed to the group.
    #[serde(default)]
    pub highest_classification: Option<String>,
}

/// A group with its members and what the reader may do with it.
#[derive(Debug, Clone)]
pub struct GroupView {
    pub group: NeedToKnowGroup,
    pub members: Vec<sems_storage::Named>,
    pub allowed: sems_domain::access::Allowed,
}

async fn meta(conn: &mut sems_storage::Conn, g: &NeedToKnowGroup) -> Result<RecordMeta> {
    let owner = parties::get(conn, g.party_id)
        .await?
        .ok_or(ServiceError::NotFound("party"))?;
    Ok(RecordMeta::plain(
        RecordKind::NeedToKnowGroup,
        g.party_id,
        owner.kind.is_authority(),
    ))
}

impl Services {
    #[tracing::instrument(skip_all)]
    pub async fn create_group(
        &self,
        actor: &Actor,
        party_id: i64,
        input: &GroupInput,
    ) -> Result<NeedToKnowGroup> {
        let name = bounded_text("name", &input.name, 2, 120)?;
        let description = bounded_text("description", &input.description, 0, 1000)?;
        let highest = match input.highest_classification.as_deref().map(str::trim) {
            Some(level) if !level.is_empty() => Some(self.classification.parse(level)?),
            _ => None,
        };
        let mut tx = self.store.write().await?;
        let party = parties::get(tx.conn(), party_id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        authorize(
            actor,
            Action::Create,
            &RecordMeta::plain(
                RecordKind::NeedToKnowGroup,
                party.id,
                party.kind.is_authority(),
            ),
            "party",
        )?;
        let id = groups::insert(tx.conn(), party.id, &name, &description, highest)
            .await
            .map_err(|e| ServiceError::conflict_on_unique(e, "a group with this name exists"))?;
        let group = groups::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("group"))?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::plain(RecordKind::NeedToKnowGroup, party.id, Some(id)),
                action: crate::trail::GROUP_CREATE,
                record_id: Some(id),
                before: crate::NONE,
                after: Some(&crate::views::Group::from(&group)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(group)
    }

    #[tracing::instrument(skip_all)]
    pub async fn group(&self, actor: &Actor, id: i64) -> Result<GroupView> {
        let mut conn = self.store.read().await?;
        let group = groups::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound("group"))?;
        let meta = meta(&mut conn, &group).await?;
        authorize(actor, Action::Read, &meta, "group")?;
        let members = groups::members(&mut conn, id).await?;
        Ok(GroupView {
            allowed: crate::allowed(actor, &meta),
            group,
            members,
        })
    }

    #[tracing::instrument(skip_all)]
    pub async fn groups(&self, actor: &Actor, page: PageRequest) -> Result<Page<NeedToKnowGroup>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        Ok(groups::list(&mut conn, subject, page).await?)
    }

    /// Adds (`add`) or removes a member.
    #[tracing::instrument(skip_all)]
    pub async fn change_group_member(
        &self,
        actor: &Actor,
        group_id: i64,
        person_id: i64,
        add: bool,
    ) -> Result<()> {
        let mut tx = self.store.write().await?;
        let group = groups::get(tx.conn(), group_id)
            .await?
            .ok_or(ServiceError::NotFound("group"))?;
        let m = meta(tx.conn(), &group).await?;
        authorize(actor, Action::Update, &m, "group")?;
        let person = people::get(tx.conn(), person_id)
            .await?
            .ok_or(ServiceError::NotFound("person"))?;
        let changed = if add {
            groups::add_member(tx.conn(), group_id, person.id).await?;
            true
        } else {
            groups::remove_member(tx.conn(), group_id, person.id).await?
        };
        if !changed {
            return Err(ServiceError::NotFound("group member"));
        }
        let action = if add {
            crate::trail::GROUP_MEMBER_ADDED
        } else {
            crate::trail::GROUP_MEMBER_REMOVED
        };
        let detail = serde_json::json!({ "person_id": person.id, "person": person.display_name });
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::plain(RecordKind::NeedToKnowGroup, group.party_id, Some(group_id)),
                action,
                record_id: Some(group_id),
                before: crate::NONE,
                after: Some(&detail),
            },
        )
        .await?;
        // The administrator manages groups of every party: those who own the group are told.
        if actor
            .subject()
            .is_some_and(|s| s.has_role(sems_domain::role::Role::Administrator))
        {
            let owners = people::ids_with_roles(
                tx.conn(),
                group.party_id,
                &[
                    sems_domain::role::Role::AccountableExecutive,
                    sems_domain::role::Role::SecurityManager,
                    sems_domain::role::Role::Director,
                ],
            )
            .await?;
            sems_storage::notifications::insert(
                tx.conn(),
                &owners,
                &format!(
                    "The deployment administrator {} {} {} the need-to-know group {}",
                    if add { "added" } else { "removed" },
                    person.display_name,
                    if add { "to" } else { "from" },
                    group.name
                ),
                &format!("/groups/{group_id}"),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
