//! Standings computed ahead: a person's standings are computed again (by the domain's
//! `assess`) whenever their functions, records or checks change, when a programme is
//! published, and by the background job on the day one of them changes by itself. A lapse
//! that withdraws an entitlement opens a task in the one action register for the employer's
//! training officer and tells the person and the security manager; a requirement falling due
//! soon is announced ahead of expiry. Each of those is claimed in the database, so several
//! nodes running the job act once.

use super::records::{checks_done, completions};
use super::{personnel_meta, trail};
use crate::{record_change, About, Actor, Result, Services};
use sems_domain::access::RecordKind;
use sems_domain::action::ActionStatus;
use sems_domain::role::Role;
use sems_domain::training::assess::{self, gate_dates, Held};
use sems_domain::training::programme::TrainingProgramme;
use sems_storage::training::personnel::{self as register, Personnel};
use sems_storage::training::{gates, records, standings};
use sems_storage::{actions, notifications, people, Conn};
use std::collections::BTreeSet;
use time::Date;

/// Days the training officer has to withdraw a lapsed entitlement.
pub const WITHDRAW_WITHIN_DAYS: i64 = 7;

/// Computes a person's standings again in the caller's transaction and acts on what lapsed
/// or fell due; counts their employer's compliance again.
pub(crate) async fn refresh_in(conn: &mut Conn, personnel_id: i64, today: Date) -> Result<()> {
    let Some(person) = register::get(conn, personnel_id).await? else {
        return Ok(());
    };
    let (programme, _) = super::effective(conn, person.party_id).await?;
    assess_person(conn, &programme, &person, today).await?;
    standings::recount(conn, person.party_id).await?;
    Ok(())
}

/// One person's standings and gate, stored, and their lapses and notices acted on.
async fn assess_person(
    conn: &mut Conn,
    programme: &TrainingProgramme,
    person: &Personnel,
    today: Date,
) -> Result<()> {
    let held: Vec<Held> = if person.active {
        register::functions(conn, person.id)
            .await?
            .into_iter()
            .map(|f| Held {
                function: f.function,
                last_exercised_on: f.last_exercised_on,
            })
            .collect()
    } else {
        Vec::new()
    };
    let done = records::all_records(conn, person.id).await?;
    let checks = records::all_checks(conn, person.id).await?;
    let done = completions(&done);
    let checks = checks_done(&checks);
    let assessed = assess::assess(programme, &held, &done, &checks, today);
    standings::write(conn, person.id, &assessed, today).await?;
    if let Some(account) = person.person_id {
        let g = &programme.access_gate;
        gates::write(
            conn,
            account,
            g.from_classification,
            g.check_required,
            &gate_dates(programme, &done, &checks, today),
        )
        .await?;
    }
    open_withdrawals(conn, person, today).await?;
    send_notices(conn, person).await?;
    Ok(())
}

/// Forgets the gate of an account no longer linked to the person (a new link is written with
/// the person's standings).
pub(crate) async fn unlink_gate(
    conn: &mut Conn,
    before: Option<i64>,
    after: Option<i64>,
) -> Result<()> {
    if let Some(old) = before.filter(|old| Some(*old) != after) {
        gates::remove(conn, old).await?;
    }
    Ok(())
}

/// Opens, once per lapse, the task to withdraw the entitlement: owned by the employer's
/// training officer, the person and the security manager told.
async fn open_withdrawals(conn: &mut Conn, person: &Personnel, today: Date) -> Result<()> {
    let lapses = standings::unclaimed_lapses(conn, person.id).await?;
    if lapses.is_empty() {
        return Ok(());
    }
    let officers = people::ids_with_roles(conn, person.party_id, &[Role::TrainingOfficer]).await?;
    let managers = people::ids_with_roles(conn, person.party_id, &[Role::SecurityManager]).await?;
    let actor = Actor::System("training");
    for lapse in lapses {
        if !standings::claim_withdrawal(conn, lapse.id, &lapse.lapses_on).await? {
            continue;
        }
        let what = if lapse.course.is_empty() {
            lapse.kind.label().to_lowercase()
        } else {
            format!("{} {}", lapse.kind.label().to_lowercase(), lapse.course)
        };
        let title = format!(
            "Withdraw {}'s entitlement as {}: {what} lapsed on {}",
            person.full_name,
            lapse.function.label().to_lowercase(),
            lapse.lapses_on
        );
        let action_id = actions::insert(
            conn,
            &actions::Source {
                kind: RecordKind::Personnel,
                id: person.id,
                party_id: person.party_id,
                classification: 0,
                need_to_know: false,
            },
            &actions::ActionValues {
                title: &title,
                responsible_person_id: officers.first().or(managers.first()).copied(),
                due_on: today + time::Duration::days(WITHDRAW_WITHIN_DAYS),
                status: ActionStatus::Planned,
                cost_one_off: 0,
                cost_annual: 0,
            },
            None,
        )
        .await?;
        standings::set_withdrawal_action(conn, lapse.id, action_id).await?;
        let mut told: BTreeSet<i64> = officers.iter().chain(&managers).copied().collect();
        told.extend(person.person_id);
        let told: Vec<i64> = told.into_iter().collect();
        notifications::insert(
            conn,
            &told,
            &format!(
                "{}: {what} lapsed on {}; the entitlement is to be withdrawn",
                person.full_name, lapse.lapses_on
            ),
            &format!("/training/personnel/{}", person.id),
        )
        .await?;
        record_change(
            conn,
            &actor,
            crate::Change {
                about: &About::record(&personnel_meta(person), Some(person.id)),
                action: trail::WITHDRAWAL_OPEN,
                record_id: Some(person.id),
                before: crate::NONE,
                after: Some(&serde_json::json!({
                    "function": lapse.function, "requirement": lapse.kind, "course": lapse.course,
                    "lapsed_on": lapse.lapses_on, "detail": lapse.detail, "action": action_id,
                    "notified": told.len(),
                })),
            },
        )
        .await?;
    }
    Ok(())
}

/// Tells the person and the employer's training officers, once per due day, that a
/// requirement falls due soon.
async fn send_notices(conn: &mut Conn, person: &Personnel) -> Result<()> {
    let notices = standings::unsent_notices(conn, person.id).await?;
    if notices.is_empty() {
        return Ok(());
    }
    let officers = people::ids_with_roles(conn, person.party_id, &[Role::TrainingOfficer]).await?;
    for n in notices {
        if !standings::claim_notice(conn, n.id, &n.due_on).await? {
            continue;
        }
        let mut told: BTreeSet<i64> = officers.iter().copied().collect();
        told.extend(person.person_id);
        let told: Vec<i64> = told.into_iter().collect();
        let what = if n.course.is_empty() {
            n.kind.label().to_lowercase()
        } else {
            format!("{} {}", n.kind.label().to_lowercase(), n.course)
        };
        notifications::insert(
            conn,
            &told,
            &format!(
                "{}: {what} ({}) is due on {}",
                person.full_name,
                n.function.label().to_lowercase(),
                n.due_on
            ),
            &format!("/training/personnel/{}", person.id),
        )
        .await?;
    }
    Ok(())
}

/// Computes every person of an organisation again (after its additions), in one transaction,
/// and counts its compliance once.
pub(crate) async fn refresh_party(
    services: &Services,
    party_id: i64,
    today: Date,
) -> Result<usize> {
    let mut tx = services.store.write().await?;
    let n = refresh_party_in(tx.conn(), party_id, today).await?;
    tx.commit().await?;
    Ok(n)
}

/// [`refresh_party`] in the caller's transaction (an import's).
pub(crate) async fn refresh_party_in(conn: &mut Conn, party_id: i64, today: Date) -> Result<usize> {
    let (programme, version) = super::effective(conn, party_id).await?;
    standings::mark_applied(conn, party_id, version).await?;
    let ids = register::ids_of_party(conn, party_id).await?;
    for id in &ids {
        if let Some(p) = register::get(conn, *id).await? {
            assess_person(conn, &programme, &p, today).await?;
        }
    }
    standings::recount(conn, party_id).await?;
    Ok(ids.len())
}

/// What one run of the training job did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TrainingRun {
    pub people: usize,
}

impl super::TrainingServices<'_> {
    /// The background job: computes again the standings whose day to change has come (a
    /// course falling due, a grace running out, image-training hours leaving their window),
    /// a batch at a time, opening withdrawal tasks and sending notices as they come.
    #[tracing::instrument(skip_all)]
    pub async fn run_training_job(&self, today: Date) -> Result<TrainingRun> {
        let mut run = TrainingRun::default();
        // Organisations still under an older national programme, one at a time (a new version
        // is published without computing the country in the publisher's request).
        loop {
            let mut tx = self.store.write().await?;
            let (_, version) = super::national(tx.conn()).await?;
            let Some(party) = standings::behind(tx.conn(), version, 1)
                .await?
                .first()
                .copied()
            else {
                break;
            };
            run.people += refresh_party_in(tx.conn(), party, today).await?;
            tx.commit().await?;
        }
        loop {
            let mut tx = self.store.write().await?;
            let ids = standings::changing_by(tx.conn(), today, 200).await?;
            if ids.is_empty() {
                break;
            }
            // Each employer's programme read once a batch.
            let mut programmes: std::collections::BTreeMap<i64, TrainingProgramme> =
                Default::default();
            for id in &ids {
                let Some(p) = register::get(tx.conn(), *id).await? else {
                    continue;
                };
                if let std::collections::btree_map::Entry::Vacant(e) = programmes.entry(p.party_id)
                {
                    e.insert(super::effective(tx.conn(), p.party_id).await?.0);
                }
                if let Some(programme) = programmes.get(&p.party_id) {
                    assess_person(tx.conn(), programme, &p, today).await?;
                }
            }
            for party in programmes.into_keys() {
                standings::recount(tx.conn(), party).await?;
            }
            tx.commit().await?;
            run.people += ids.len();
        }
        Ok(run)
    }
}
