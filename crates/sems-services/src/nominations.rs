//! Nominations of the accountable executive and the security manager. A new nomination ends
//! the one in force the day before it starts; the authority is notified of every change.

use crate::About;
use crate::{authorize, record_change, Actor, Result, ServiceError, Services};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::nomination::{NominatedPosition, NominationPeriod};
use sems_domain::page::{Page, PageRequest};
use sems_domain::role::Role;
use sems_domain::util::{bounded_text, format_date, parse_date};
use sems_domain::ValidationError;
use sems_storage::nominations::{self, NewNomination, Nomination, NominationFilter};
use sems_storage::{notifications, parties, people, Conn};
use serde::Deserialize;
use time::Duration;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NominationInput {
    #[schema(value_type = sems_domain::nomination::NominatedPosition)]
    pub position: String,
    pub person_id: i64,
    #[schema(format = Date)]
    pub starts_on: String,
    #[serde(default)]
    #[schema(format = Date)]
    pub ends_on: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// Nominating or ending the accountable executive is the accountable executive's own
/// handover (the Accept action on nominations), not the security manager's.
fn hands_over(actor: &Actor, party_id: i64, position: NominatedPosition) -> Result<()> {
    if position != NominatedPosition::AccountableExecutive {
        return Ok(());
    }
    authorize(
        actor,
        Action::Accept,
        &RecordMeta::plain(RecordKind::Nomination, party_id, false),
        "nomination",
    )
    .map_err(|_| {
        ServiceError::Forbidden(
            "only the accountable executive nominates a successor or ends their own nomination"
                .into(),
        )
    })
}

/// The authority roles told about a change of nomination.
const TOLD: [Role; 3] = [Role::Director, Role::Inspector, Role::PolicyOfficer];

impl Services {
    #[tracing::instrument(skip_all)]
    pub async fn nominate(
        &self,
        actor: &Actor,
        party_id: i64,
        input: &NominationInput,
    ) -> Result<Nomination> {
        let position = NominatedPosition::parse(&input.position)?;
        let period = NominationPeriod::parse(&input.starts_on, input.ends_on.as_deref())?;
        let note = bounded_text("note", &input.note, 0, 1000)?;
        let mut tx = self.store.write().await?;
        let party = parties::get(tx.conn(), party_id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        if party.kind.is_authority() {
            return Err(
                ValidationError::new("party_id", "nominations are made by organisations").into(),
            );
        }
        authorize(
            actor,
            Action::Create,
            &RecordMeta::plain(RecordKind::Nomination, party.id, false),
            "party",
        )?;
        hands_over(actor, party.id, position)?;
        let person = people::get(tx.conn(), input.person_id)
            .await?
            .filter(|p| p.party_id == party.id)
            .ok_or_else(|| {
                ValidationError::new("person_id", "choose a person of this organisation")
            })?;
        if !person.active {
            return Err(
                ValidationError::new("person_id", "this person's account is deactivated").into(),
            );
        }
        if !person.roles.contains(&position.required_role()) {
            return Err(ValidationError::new(
                "person_id",
                format!(
                    "{} does not hold the role {}; give them the role first",
                    person.display_name,
                    position.required_role().label()
                ),
            )
            .into());
        }
        let starts_on = period.from;
        // End what is in force on the start day; a nomination starting later would overlap.
        let open = nominations::open_on(tx.conn(), party.id, position, starts_on).await?;
        let mut previous = Vec::new();
        for n in open {
            if n.starts_on >= starts_on {
                return Err(ServiceError::Conflict(format!(
                    "{} is already nominated from {}; change dates after that",
                    n.person_name, n.starts_on
                )));
            }
            let day_before = period.from - Duration::days(1);
            nominations::set_end(tx.conn(), n.id, day_before).await?;
            let after = nominations::get(tx.conn(), n.id).await?;
            record_change(
                tx.conn(),
                actor,
                crate::Change {
                    about: &About::plain(RecordKind::Nomination, party.id, Some(n.id)),
                    action: crate::trail::NOMINATION_END,
                    record_id: Some(n.id),
                    before: Some(&crate::views::Nomination::from(&n)),
                    after: after.as_ref().map(crate::views::Nomination::from).as_ref(),
                },
            )
            .await?;
            previous.push(n);
        }
        let id = nominations::insert(
            tx.conn(),
            &NewNomination {
                party_id: party.id,
                position,
                person_id: person.id,
                starts_on,
                ends_on: period.until,
                note: &note,
                created_by: actor.person_id().unwrap_or(person.id),
            },
        )
        .await?;
        let nomination = nominations::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("nomination"))?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::plain(RecordKind::Nomination, party.id, Some(id)),
                action: crate::trail::NOMINATION_CREATE,
                record_id: Some(id),
                before: crate::NONE,
                after: Some(&crate::views::Nomination::from(&nomination)),
            },
        )
        .await?;
        let mut message = format!(
            "{} nominated {} as {} from {}",
            party.name,
            person.display_name,
            position.label().to_lowercase(),
            starts_on
        );
        if let Some(p) = previous.first() {
            message.push_str(&format!(" (previously {})", p.person_name));
        }
        self.tell_authority(tx.conn(), &message, &format!("/organisations/{}", party.id))
            .await?;
        tx.commit().await?;
        Ok(nomination)
    }

    /// Ends a nomination on a date, without a successor (the post becomes vacant).
    #[tracing::instrument(skip_all)]
    pub async fn end_nomination(
        &self,
        actor: &Actor,
        id: i64,
        ends_on: &str,
    ) -> Result<Nomination> {
        let end = parse_date("ends_on", ends_on)?;
        let mut tx = self.store.write().await?;
        let before = nominations::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("nomination"))?;
        authorize(
            actor,
            Action::Update,
            &RecordMeta::plain(RecordKind::Nomination, before.party_id, false),
            "nomination",
        )?;
        hands_over(actor, before.party_id, before.position)?;
        if end < before.starts_on {
            return Err(ValidationError::new(
                "ends_on",
                "must not be before the nomination starts",
            )
            .into());
        }
        if before.ends_on.is_some_and(|e| e < end) {
            return Err(ServiceError::Conflict(
                "this nomination has already ended".into(),
            ));
        }
        nominations::set_end(tx.conn(), id, end).await?;
        let after = nominations::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("nomination"))?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::plain(RecordKind::Nomination, before.party_id, Some(id)),
                action: crate::trail::NOMINATION_END,
                record_id: Some(id),
                before: Some(&crate::views::Nomination::from(&before)),
                after: Some(&crate::views::Nomination::from(&after)),
            },
        )
        .await?;
        let message = format!(
            "{} ended the nomination of {} as {} on {}",
            after.party_name,
            after.person_name,
            after.position.label().to_lowercase(),
            format_date(end)
        );
        self.tell_authority(
            tx.conn(),
            &message,
            &format!("/organisations/{}", after.party_id),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn tell_authority(&self, conn: &mut Conn, message: &str, link: &str) -> Result<()> {
        if let Some(authority) = parties::authority(conn).await? {
            let recipients = people::ids_with_roles(conn, authority.id, &TOLD).await?;
            notifications::insert(conn, &recipients, message, link).await?;
        }
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn nominations(
        &self,
        actor: &Actor,
        filter: &NominationFilter,
        page: PageRequest,
    ) -> Result<Page<Nomination>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        Ok(nominations::list(&mut conn, subject, filter, page).await?)
    }
}
