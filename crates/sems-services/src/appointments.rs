//! Appointments to protected duties: the identity custodian, who alone decides whether a
//! report handler may learn who filed a confidential report. The accountable executive (or
//! the deployment administrator) appoints and ends; never the security manager, whose
//! organisation's reports the custodian protects. Each appointment is recorded in the trail,
//! given as the person's role in the same transaction, and notified like a nomination.

use crate::About;
use crate::{authorize, record_change, Actor, Result, ServiceError, Services};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::page::{Page, PageRequest};
use sems_domain::role::{check_separated, Role};
use sems_domain::util::bounded_text;
use sems_domain::ValidationError;
use sems_storage::appointments::{self, Appointment};
use sems_storage::{notifications, people, Conn};

fn meta(party_id: i64) -> RecordMeta {
    RecordMeta::plain(RecordKind::Appointment, party_id, false)
}

impl Services {
    /// Appoints a person of the organisation to `duty` (a role of `APPOINTED_ROLES`).
    #[tracing::instrument(skip_all)]
    pub async fn appoint(
        &self,
        actor: &Actor,
        person_id: i64,
        duty: Role,
        note: &str,
    ) -> Result<Appointment> {
        let note = bounded_text("note", note, 0, 1000)?;
        let mut tx = self.store.write().await?;
        let person = people::get(tx.conn(), person_id)
            .await?
            .ok_or(ServiceError::NotFound("person"))?;
        authorize(actor, Action::Read, &crate::people::meta(&person), "person")?;
        authorize(
            actor,
            Action::Create,
            &meta(person.party_id),
            "organisation",
        )
        .map_err(|_| refusal(duty))?;
        if !person.active {
            return Err(
                ValidationError::new("person_id", "this person's account is deactivated").into(),
            );
        }
        let mut roles = person.roles.clone();
        if roles.contains(&duty) {
            return Err(ServiceError::Conflict(format!(
                "{} is already {}",
                person.display_name,
                duty.label().to_lowercase()
            )));
        }
        roles.push(duty);
        roles.sort();
        check_separated(&roles)?;
        let id = appoint_in(tx.conn(), actor, &person, duty, &note).await?;
        set_roles(tx.conn(), actor, &person, &roles).await?;
        let appointment = appointments::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("appointment"))?;
        tx.commit().await?;
        Ok(appointment)
    }

    /// Ends an appointment in force: the person loses the duty's role.
    #[tracing::instrument(skip_all)]
    pub async fn end_appointment(&self, actor: &Actor, id: i64) -> Result<Appointment> {
        let mut tx = self.store.write().await?;
        let found = appointments::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("appointment"))?;
        authorize(actor, Action::Read, &meta(found.party_id), "appointment")?;
        authorize(actor, Action::Update, &meta(found.party_id), "appointment")
            .map_err(|_| refusal(found.duty))?;
        if found.ended_at_ms.is_some() {
            return Err(ServiceError::Conflict(
                "this appointment has already ended".into(),
            ));
        }
        let person = people::get(tx.conn(), found.person_id)
            .await?
            .ok_or(ServiceError::NotFound("person"))?;
        end_in(tx.conn(), actor, &person, found.duty).await?;
        let roles: Vec<Role> = person
            .roles
            .iter()
            .copied()
            .filter(|r| *r != found.duty)
            .collect();
        if roles.is_empty() {
            return Err(ValidationError::new(
                "roles",
                format!(
                    "{} holds no other role; give them one before ending the appointment",
                    person.display_name
                ),
            )
            .into());
        }
        set_roles(tx.conn(), actor, &person, &roles).await?;
        let ended = appointments::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("appointment"))?;
        tx.commit().await?;
        Ok(ended)
    }

    /// An organisation's appointments, those in force first.
    #[tracing::instrument(skip_all)]
    pub async fn appointments(
        &self,
        actor: &Actor,
        party_id: i64,
        page: PageRequest,
    ) -> Result<Page<Appointment>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        Ok(appointments::list(&mut conn, subject, party_id, page).await?)
    }
}

/// Records the appointment of `person` to `duty` (authorised and notified). The caller gives
/// the role in the same transaction.
#[tracing::instrument(skip_all)]
pub(crate) async fn appoint_in(
    conn: &mut Conn,
    actor: &Actor,
    person: &people::Person,
    duty: Role,
    note: &str,
) -> Result<i64> {
    authorize(
        actor,
        Action::Create,
        &meta(person.party_id),
        "organisation",
    )
    .map_err(|_| refusal(duty))?;
    let id = appointments::insert(
        conn,
        person.party_id,
        duty,
        person.id,
        actor.person_id(),
        note,
    )
    .await?;
    let appointment = appointments::get(conn, id)
        .await?
        .ok_or(ServiceError::NotFound("appointment"))?;
    record_change(
        conn,
        actor,
        crate::Change {
            about: &About::plain(RecordKind::Appointment, person.party_id, Some(id)),
            action: crate::trail::APPOINTMENT_CREATE,
            record_id: Some(id),
            before: crate::NONE,
            after: Some(&crate::views::Appointment::from(&appointment)),
        },
    )
    .await?;
    tell(
        conn,
        person.party_id,
        person.id,
        &format!(
            "{} was appointed {}",
            person.display_name,
            duty.label().to_lowercase()
        ),
    )
    .await?;
    Ok(id)
}

/// Ends the appointment of `person` to `duty` in force (authorised and notified). The caller
/// takes the role away in the same transaction.
#[tracing::instrument(skip_all)]
pub(crate) async fn end_in(
    conn: &mut Conn,
    actor: &Actor,
    person: &people::Person,
    duty: Role,
) -> Result<()> {
    authorize(
        actor,
        Action::Update,
        &meta(person.party_id),
        "organisation",
    )
    .map_err(|_| refusal(duty))?;
    let Some(current) = appointments::current_of(conn, person.id, duty).await? else {
        // A role given before appointments were recorded and never migrated: nothing to end.
        return Ok(());
    };
    appointments::end(conn, current.id, actor.person_id()).await?;
    let after = appointments::get(conn, current.id).await?;
    record_change(
        conn,
        actor,
        crate::Change {
            about: &About::plain(RecordKind::Appointment, person.party_id, Some(current.id)),
            action: crate::trail::APPOINTMENT_END,
            record_id: Some(current.id),
            before: Some(&crate::views::Appointment::from(&current)),
            after: after.as_ref().map(crate::views::Appointment::from).as_ref(),
        },
    )
    .await?;
    tell(
        conn,
        person.party_id,
        person.id,
        &format!(
            "The appointment of {} as {} ended",
            person.display_name,
            duty.label().to_lowercase()
        ),
    )
    .await?;
    Ok(())
}

/// Gives `person` the roles `roles`, recorded as a change of the person.
async fn set_roles(
    conn: &mut Conn,
    actor: &Actor,
    person: &people::Person,
    roles: &[Role],
) -> Result<()> {
    people::set_roles(conn, person.id, roles).await?;
    let after = people::get(conn, person.id).await?;
    record_change(
        conn,
        actor,
        crate::Change {
            about: &About::person(person.party_id, person.id),
            action: crate::trail::PERSON_UPDATE,
            record_id: Some(person.id),
            before: Some(&crate::views::Person::from(person)),
            after: after.as_ref().map(crate::views::Person::from).as_ref(),
        },
    )
    .await?;
    Ok(())
}

fn refusal(duty: Role) -> ServiceError {
    ServiceError::Forbidden(format!(
        "only the accountable executive or the deployment administrator appoints or removes the {}",
        duty.label().to_lowercase()
    ))
}

/// Those who must know who holds a protected duty: the person, the organisation's
/// accountable executive, security manager and report handlers.
async fn tell(conn: &mut Conn, party_id: i64, person_id: i64, message: &str) -> Result<()> {
    let mut recipients = people::ids_with_roles(
        conn,
        party_id,
        &[
            Role::AccountableExecutive,
            Role::SecurityManager,
            Role::ReportHandler,
        ],
    )
    .await?;
    recipients.push(person_id);
    recipients.sort_unstable();
    recipients.dedup();
    notifications::insert(
        conn,
        &recipients,
        message,
        &format!("/organisations/{party_id}"),
    )
    .await?;
    Ok(())
}
