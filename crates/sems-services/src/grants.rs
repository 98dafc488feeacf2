//! Grants confirmed by a second person: an authority role or a clearance above the lowest,
//! given by anyone, waits until a director of the authority other than the one who asked (and
//! than the one who receives it) confirms it (`sems_domain::role::HeldGrant`). The rest of the
//! change applies at once.

use crate::{authorize, record_change, About, Actor, Result, ServiceError, Services, NONE};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::page::{Page, PageRequest};
use sems_domain::role::{check_separated, is_second_person, HeldGrant, Role};
use sems_domain::util::bounded_text;
use sems_storage::pending_grants::{self, GrantStatus, PendingGrant};
use sems_storage::{notifications, parties, people, Conn};
use serde::Serialize;

/// A held grant with what it means in words and whether the reader may decide on it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GrantView {
    #[serde(flatten)]
    pub grant: crate::views::PendingGrant,
    /// The clearance granted, by its level name.
    pub clearance_name: Option<String>,
    /// The reader is a director of the authority, cleared for what is granted, and a second
    /// person: neither the one who asked nor the one who receives it.
    pub may_decide: bool,
}

fn meta(grant: &PendingGrant, party_is_authority: bool) -> RecordMeta {
    RecordMeta::plain(RecordKind::PendingGrant, grant.party_id, party_is_authority)
}

fn may_decide(actor: &Actor, grant: &PendingGrant, party_is_authority: bool) -> bool {
    let Actor::Person(subject) = actor else {
        return false;
    };
    grant.status == GrantStatus::Pending
        && crate::allowed(actor, &meta(grant, party_is_authority)).accept
        && is_second_person(subject.person_id, grant.requested_by, grant.person_id)
        && grant.clearance.is_none_or(|c| c <= subject.clearance)
}

/// Holds what of a change to `person` waits for confirmation: recorded, audited, and told to
/// the authority's directors who may confirm it.
#[tracing::instrument(skip_all)]
pub(crate) async fn hold(
    conn: &mut Conn,
    actor: &Actor,
    person: &people::Person,
    held: &HeldGrant,
) -> Result<()> {
    let Some(requested_by) = actor.person_id() else {
        return Ok(());
    };
    let id = pending_grants::insert(
        conn,
        person.party_id,
        person.id,
        &held.roles,
        held.clearance,
        requested_by,
    )
    .await?;
    let grant = pending_grants::get(conn, id)
        .await?
        .ok_or(ServiceError::NotFound("grant"))?;
    record_change(
        conn,
        actor,
        crate::Change {
            about: &About::plain(RecordKind::PendingGrant, person.party_id, Some(id)),
            action: crate::trail::PERSON_GRANT_HELD,
            record_id: Some(id),
            before: NONE,
            after: Some(&crate::views::PendingGrant::from(&grant)),
        },
    )
    .await?;
    if let Some(authority) = parties::authority(conn).await? {
        let directors: Vec<i64> = people::ids_with_roles(conn, authority.id, &[Role::Director])
            .await?
            .into_iter()
            .filter(|d| is_second_person(*d, requested_by, person.id))
            .collect();
        notifications::insert(
            conn,
            &directors,
            &format!(
                "A grant to {} ({}) awaits your confirmation",
                person.display_name, grant.party_name
            ),
            "/people/grants",
        )
        .await?;
    }
    Ok(())
}

impl Services {
    fn grant_view(
        &self,
        actor: &Actor,
        grant: PendingGrant,
        party_is_authority: bool,
    ) -> GrantView {
        GrantView {
            clearance_name: grant
                .clearance
                .map(|c| self.classification.name(c).to_string()),
            may_decide: may_decide(actor, &grant, party_is_authority),
            grant: grant.into(),
        }
    }

    /// The grants waiting for confirmation that the actor may see, the oldest first.
    #[tracing::instrument(skip_all)]
    pub async fn pending_grants(
        &self,
        actor: &Actor,
        page: PageRequest,
    ) -> Result<Page<GrantView>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        let found = pending_grants::list_pending(&mut conn, subject, page).await?;
        let authority = parties::authority(&mut conn).await?.map(|a| a.id);
        Ok(found.map(|g| {
            let of_authority = Some(g.party_id) == authority;
            self.grant_view(actor, g, of_authority)
        }))
    }

    /// The grant waiting for a person, when the actor may see it.
    #[tracing::instrument(skip_all)]
    pub async fn pending_grant_for(
        &self,
        actor: &Actor,
        person_id: i64,
    ) -> Result<Option<GrantView>> {
        let mut conn = self.store.read().await?;
        let Some(grant) = pending_grants::pending_for(&mut conn, person_id).await? else {
            return Ok(None);
        };
        let person = people::get(&mut conn, person_id)
            .await?
            .ok_or(ServiceError::NotFound("person"))?;
        if !crate::allowed(actor, &meta(&grant, person.party_is_authority)).read {
            return Ok(None);
        }
        Ok(Some(self.grant_view(
            actor,
            grant,
            person.party_is_authority,
        )))
    }

    /// Confirms (the roles and clearance take effect) or refuses a held grant, with a note.
    #[tracing::instrument(skip_all)]
    pub async fn decide_grant(
        &self,
        actor: &Actor,
        id: i64,
        confirm: bool,
        note: &str,
    ) -> Result<GrantView> {
        let note = bounded_text("note", note, 0, 2000)?;
        let mut tx = self.store.write().await?;
        let grant = pending_grants::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("grant"))?;
        let before = people::get(tx.conn(), grant.person_id)
            .await?
            .ok_or(ServiceError::NotFound("grant"))?;
        let m = meta(&grant, before.party_is_authority);
        authorize(actor, Action::Read, &m, "grant")?;
        authorize(actor, Action::Accept, &m, "grant")?;
        let Actor::Person(subject) = actor else {
            return Err(ServiceError::Forbidden(
                "a director of the authority confirms a grant".into(),
            ));
        };
        if grant.status != GrantStatus::Pending {
            return Err(ServiceError::Conflict(format!(
                "this grant is already {}",
                grant.status.as_str()
            )));
        }
        if !is_second_person(subject.person_id, grant.requested_by, grant.person_id) {
            return Err(ServiceError::Forbidden(
                "a second person confirms a grant: neither the one who asked for it nor the one who receives it".into(),
            ));
        }
        if confirm {
            if grant.clearance.is_some_and(|c| c > subject.clearance) {
                return Err(ServiceError::Forbidden(
                    "you cannot confirm a clearance above your own".into(),
                ));
            }
            if !before.active {
                return Err(ServiceError::Conflict(
                    "this account is deactivated: refuse the grant instead".into(),
                ));
            }
            let mut roles = before.roles.clone();
            for role in &grant.roles {
                if !roles.contains(role) {
                    roles.push(*role);
                }
            }
            check_separated(&roles)?;
            let clearance = grant.clearance.unwrap_or(before.clearance);
            people::update(
                tx.conn(),
                before.id,
                &before.display_name,
                &before.email,
                clearance,
                before.active,
            )
            .await?;
            people::set_roles(tx.conn(), before.id, &roles).await?;
        }
        let status = if confirm {
            GrantStatus::Confirmed
        } else {
            GrantStatus::Refused
        };
        if !pending_grants::decide(tx.conn(), id, status, subject.person_id, &note).await? {
            return Err(ServiceError::Conflict(
                "this grant was decided meanwhile".into(),
            ));
        }
        let decided = pending_grants::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("grant"))?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::plain(RecordKind::PendingGrant, grant.party_id, Some(id)),
                action: if confirm {
                    crate::trail::PERSON_GRANT_CONFIRMED
                } else {
                    crate::trail::PERSON_GRANT_REFUSED
                },
                record_id: Some(id),
                before: Some(&crate::views::PendingGrant::from(&grant)),
                after: Some(&crate::views::PendingGrant::from(&decided)),
            },
        )
        .await?;
        if confirm {
            let after = people::get(tx.conn(), before.id).await?;
            record_change(
                tx.conn(),
                actor,
                crate::Change {
                    about: &About::person(before.party_id, before.id),
                    action: crate::trail::PERSON_UPDATE,
                    record_id: Some(before.id),
                    before: Some(&crate::views::Person::from(&before)),
                    after: after.as_ref().map(crate::views::Person::from).as_ref(),
                },
            )
            .await?;
        }
        let told: Vec<i64> = [grant.requested_by, grant.person_id].into();
        notifications::insert(
            tx.conn(),
            &told,
            &format!(
                "The grant to {} was {} by {}",
                grant.person_name,
                status.as_str(),
                decided.decided_by_name.as_deref().unwrap_or("a director")
            ),
            &format!("/people/{}", grant.person_id),
        )
        .await?;
        tx.commit().await?;
        Ok(self.grant_view(actor, decided, before.party_is_authority))
    }
}
