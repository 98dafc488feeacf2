//! People: accounts, roles, clearance, oversight assignments.

use crate::appointments::{appoint_in, end_in};
use crate::secrets::hash_password;
use crate::About;
use crate::{authorize, record_change, Actor, Result, ServiceError, Services};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::page::{Page, PageRequest};
use sems_domain::password::NewPassword;
use sems_domain::person::{DisplayName, Email, Username};
use sems_domain::role::{HeldGrant, Role, RoleSet};
use sems_domain::ValidationError;
use sems_storage::people::{self, PeopleFilter, Person};
use sems_storage::{nominations, parties, sessions};
use serde::Deserialize;

pub fn meta(p: &Person) -> RecordMeta {
    let mut m = RecordMeta::plain(RecordKind::Person, p.party_id, p.party_is_authority);
    m.person_id = Some(p.id);
    m
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPersonInput {
    pub party_id: i64,
    pub username: String,
    pub display_name: String,
    #[serde(default)]
    pub email: String,
    /// The initial password; the person changes it on their profile page.
    pub password: String,
    #[schema(value_type = Vec<sems_domain::role::Role>)]
    pub roles: Vec<String>,
    /// A level name of the classification scheme (default: the lowest).
    #[serde(default)]
    pub clearance: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonUpdateInput {
    pub display_name: Option<String>,
    pub email: Option<String>,
    #[schema(value_type = Option<Vec<sems_domain::role::Role>>)]
    pub roles: Option<Vec<String>>,
    pub clearance: Option<String>,
    pub active: Option<bool>,
}

impl Services {
    /// The grant policy of the access rule (`access::may_grant_role`, `may_grant_clearance`)
    /// for what a person is given.
    fn check_grants(&self, actor: &Actor, roles: &RoleSet, clearance: i64) -> Result<()> {
        let Actor::Person(subject) = actor else {
            return Ok(());
        };
        for role in roles.roles() {
            sems_domain::access::may_grant_role(subject, *role)
                .map_err(|why| ServiceError::Forbidden(why.into()))?;
        }
        sems_domain::access::may_grant_clearance(subject, clearance)
            .map_err(|why| ServiceError::Forbidden(why.into()))
    }

    #[tracing::instrument(skip_all)]
    pub async fn create_person(&self, actor: &Actor, input: &NewPersonInput) -> Result<Person> {
        self.create_person_hashed(actor, input, None).await
    }

    /// As `create_person`, with the password's hash already computed (`password_hash`) when
    /// many accounts get the same password, as the demo's do: Argon2 is slow on purpose.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn create_person_hashed(
        &self,
        actor: &Actor,
        input: &NewPersonInput,
        password_hash: Option<&str>,
    ) -> Result<Person> {
        let username = Username::parse(&input.username)?;
        let display_name = DisplayName::parse(&input.display_name)?;
        let email = if input.email.trim().is_empty() {
            String::new()
        } else {
            Email::parse(&input.email)?.as_str().to_string()
        };
        let password =
            NewPassword::parse(&input.password, username.as_str(), display_name.as_str())?;
        let clearance = match input.clearance.as_deref().filter(|c| !c.trim().is_empty()) {
            Some(c) => self.classification.parse(c)?,
            None => 0,
        };
        let mut conn = self.store.read().await?;
        let party = parties::get(&mut conn, input.party_id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        drop(conn);
        authorize(
            actor,
            Action::Create,
            &RecordMeta::plain(RecordKind::Person, party.id, party.kind.is_authority()),
            "party",
        )?;
        if !party.active {
            return Err(ValidationError::new("party_id", "this party is deactivated").into());
        }
        let roles = RoleSet::parse(
            input.roles.iter().map(String::as_str),
            party.kind.is_authority(),
        )?;
        self.check_grants(actor, &roles, clearance)?;
        // Authority roles and a clearance above the lowest wait for a director's confirmation.
        let held = match actor {
            Actor::Person(_) => HeldGrant::of(&[], 0, roles.roles(), clearance),
            Actor::System(_) => HeldGrant::default(),
        };
        let applied_roles = held.applied_roles(roles.roles());
        let clearance = held.applied_clearance(0, clearance);
        let hash = match password_hash {
            Some(h) => h.to_string(),
            None => hash_password(password.expose().to_string()).await?,
        };
        let mut tx = self.store.write().await?;
        let id = people::insert(
            tx.conn(),
            &people::NewPerson {
                party_id: party.id,
                username: username.as_str(),
                display_name: display_name.as_str(),
                email: &email,
                password_hash: &hash,
                clearance,
                roles: &applied_roles,
            },
        )
        .await
        .map_err(|e| ServiceError::conflict_on_unique(e, "this user name is taken"))?;
        let person = people::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("person"))?;
        for role in roles.roles().iter().filter(|r| r.is_appointed()) {
            appoint_in(tx.conn(), actor, &person, *role, "given with the account").await?;
        }
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::person(party.id, id),
                action: crate::trail::PERSON_CREATE,
                record_id: Some(id),
                before: crate::NONE,
                after: Some(&crate::views::Person::from(&person)),
            },
        )
        .await?;
        if !held.is_empty() {
            crate::grants::hold(tx.conn(), actor, &person, &held).await?;
        }
        tx.commit().await?;
        Ok(person)
    }

    #[tracing::instrument(skip_all)]
    pub async fn update_person(
        &self,
        actor: &Actor,
        id: i64,
        input: &PersonUpdateInput,
    ) -> Result<Person> {
        let mut tx = self.store.write().await?;
        let before = people::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("person"))?;
        authorize(actor, Action::Update, &meta(&before), "person")?;
        let display_name = match &input.display_name {
            Some(d) => DisplayName::parse(d)?.as_str().to_string(),
            None => before.display_name.clone(),
        };
        let email = match input.email.as_deref().map(str::trim) {
            Some("") => String::new(),
            Some(e) => Email::parse(e)?.as_str().to_string(),
            None => before.email.clone(),
        };
        let clearance = match input.clearance.as_deref().filter(|c| !c.trim().is_empty()) {
            Some(c) => self.classification.parse(c)?,
            None => before.clearance,
        };
        let roles = match &input.roles {
            Some(r) => RoleSet::parse(r.iter().map(String::as_str), before.party_is_authority)?,
            None => RoleSet::from_stored(before.roles.clone()),
        };
        let active = input.active.unwrap_or(before.active);
        if actor.person_id() == Some(id) && !active {
            return Err(
                ValidationError::new("active", "you cannot deactivate your own account").into(),
            );
        }
        if roles.roles() != before.roles.as_slice() || clearance != before.clearance {
            // Nobody, the administrator included, raises their own rights.
            if actor.person_id() == Some(id) {
                return Err(ServiceError::Forbidden(
                    "you cannot change your own roles or clearance; ask your security manager or the administrator".into(),
                ));
            }
            // Only what is newly granted is checked: editing someone who already holds a role
            // the editor could not grant is allowed.
            let added: Vec<Role> = roles
                .roles()
                .iter()
                .copied()
                .filter(|r| !before.roles.contains(r))
                .collect();
            let raised_clearance = if clearance > before.clearance {
                clearance
            } else {
                0
            };
            self.check_grants(actor, &RoleSet::from_stored(added), raised_clearance)?;
        }
        // Authority roles and a clearance raised above the lowest wait for a director's
        // confirmation; the rest of the change applies now.
        let held = match actor {
            Actor::Person(_) => {
                HeldGrant::of(&before.roles, before.clearance, roles.roles(), clearance)
            }
            Actor::System(_) => HeldGrant::default(),
        };
        let roles = RoleSet::from_stored(held.applied_roles(roles.roles()));
        let clearance = held.applied_clearance(before.clearance, clearance);
        let removed: Vec<Role> = before
            .roles
            .iter()
            .copied()
            .filter(|r| !roles.roles().contains(r))
            .collect();
        // A nominated accountable executive or security manager leaves the post only through
        // the nomination: a successor nominated, or the nomination ended.
        let today = sems_domain::util::today();
        let leaves = |position: sems_domain::nomination::NominatedPosition| {
            !active || removed.contains(&position.required_role())
        };
        for position in sems_domain::nomination::NominatedPosition::ALL {
            if !leaves(position) {
                continue;
            }
            let held = nominations::open_on(tx.conn(), before.party_id, position, today)
                .await?
                .into_iter()
                .any(|n| n.person_id == id);
            if held {
                return Err(ServiceError::Conflict(format!(
                    "{} is the nominated {}: nominate a successor or end the nomination first; then the role or the account can be changed",
                    before.display_name,
                    position.label().to_lowercase()
                )));
            }
        }
        for role in roles.roles() {
            if role.is_appointed() && !before.roles.contains(role) {
                appoint_in(tx.conn(), actor, &before, *role, "").await?;
            }
        }
        for role in &removed {
            if role.is_appointed() {
                end_in(tx.conn(), actor, &before, *role).await?;
            }
        }
        if !active && before.active {
            for role in before.roles.iter().filter(|r| r.is_appointed()) {
                if !removed.contains(role) {
                    end_in(tx.conn(), actor, &before, *role).await?;
                }
            }
        }
        people::update(tx.conn(), id, &display_name, &email, clearance, active).await?;
        people::set_roles(tx.conn(), id, roles.roles()).await?;
        if !active {
            sessions::delete_for_person(tx.conn(), id, None).await?;
        }
        let after = people::get(tx.conn(), id).await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::person(before.party_id, id),
                action: crate::trail::PERSON_UPDATE,
                record_id: Some(id),
                before: Some(&crate::views::Person::from(&before)),
                after: after.as_ref().map(crate::views::Person::from).as_ref(),
            },
        )
        .await?;
        if !held.is_empty() {
            crate::grants::hold(tx.conn(), actor, &before, &held).await?;
        }
        tx.commit().await?;
        after.ok_or(ServiceError::NotFound("person"))
    }

    #[tracing::instrument(skip_all)]
    pub async fn person(&self, actor: &Actor, id: i64) -> Result<Person> {
        Ok(self.person_view(actor, id).await?.record)
    }

    /// A person with what the reader may do with their record.
    #[tracing::instrument(skip_all)]
    pub async fn person_view(&self, actor: &Actor, id: i64) -> Result<crate::Viewed<Person>> {
        let mut conn = self.store.read().await?;
        let person = people::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound("person"))?;
        let meta = meta(&person);
        authorize(actor, Action::Read, &meta, "person")?;
        Ok(crate::Viewed {
            allowed: crate::allowed(actor, &meta),
            record: person,
        })
    }

    #[tracing::instrument(skip_all)]
    pub async fn people(
        &self,
        actor: &Actor,
        filter: &PeopleFilter,
        page: PageRequest,
    ) -> Result<Page<Person>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        Ok(people::list(&mut conn, subject, filter, page).await?)
    }

    /// Assigns an inspector to the organisations they oversee.
    #[tracing::instrument(skip_all)]
    pub async fn set_oversight(
        &self,
        actor: &Actor,
        inspector_id: i64,
        party_ids: &[i64],
    ) -> Result<Vec<i64>> {
        let mut tx = self.store.write().await?;
        let inspector = people::get(tx.conn(), inspector_id)
            .await?
            .ok_or(ServiceError::NotFound("person"))?;
        authorize(actor, Action::Update, &meta(&inspector), "person")?;
        if !inspector.roles.contains(&Role::Inspector) {
            return Err(ValidationError::new(
                "person",
                "only inspectors are assigned to oversee organisations",
            )
            .into());
        }
        let mut ids = party_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        for id in &ids {
            let party = parties::get(tx.conn(), *id)
                .await?
                .ok_or(ServiceError::NotFound("party"))?;
            if party.kind.is_authority() {
                return Err(ValidationError::new(
                    "party_ids",
                    "the authority does not oversee itself",
                )
                .into());
            }
        }
        let before = people::oversight_of(tx.conn(), inspector_id).await?;
        people::set_oversight(tx.conn(), inspector_id, &ids).await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::person(inspector.party_id, inspector_id),
                action: crate::trail::PERSON_OVERSIGHT_ASSIGNED,
                record_id: Some(inspector_id),
                before: Some(&before),
                after: Some(&ids),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(ids)
    }

    #[tracing::instrument(skip_all)]
    pub async fn oversight_of(&self, actor: &Actor, inspector_id: i64) -> Result<Vec<i64>> {
        self.person(actor, inspector_id).await?;
        let mut conn = self.store.read().await?;
        Ok(people::oversight_of(&mut conn, inspector_id).await?)
    }
}

impl Services {
    /// The id of the person with a user name. Groups span parties, so a group manager adds
    /// someone of another party by the user name they were given; nothing else is revealed.
    #[tracing::instrument(skip_all)]
    pub async fn find_person_by_username(&self, username: &str) -> Result<i64> {
        let mut conn = self.store.read().await?;
        let person = people::by_username(&mut conn, username)
            .await?
            .ok_or(ServiceError::NotFound("person"))?;
        Ok(person.id)
    }
}
