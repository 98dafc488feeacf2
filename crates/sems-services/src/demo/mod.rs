//! The demo data set: the authority and three organisations of different kinds, with people
//! in every role. Loading it twice changes nothing the second time.

mod airport;
mod oversight;
mod performance;
mod reporting;
mod risk;
mod sharing;
mod training;

use crate::groups::GroupInput;
use crate::nominations::NominationInput;
use crate::parties::PartyInput;
use crate::people::NewPersonInput;
use crate::secrets::verify_password;
use crate::sites::SiteInput;
use crate::About;
use crate::{record_change, Actor, Result, ServiceError, Services, NONE};
use sems_storage::{groups, nominations, parties, people, sites};

pub const DEFAULT_PASSWORD: &str = "demo-passphrase-2026";

pub struct DemoAccount {
    pub username: &'static str,
    pub name: &'static str,
    pub party_code: &'static str,
    pub roles: &'static [&'static str],
    pub clearance: &'static str,
}

struct DemoOrg {
    code: &'static str,
    kind: &'static str,
    name: &'static str,
    sites: &'static [(&'static str, &'static str)],
}

const AUTHORITY_CODE: &str = "CASA";
const AUTHORITY_NAME: &str = "Civil Aviation Security Authority";

const ORGS: [DemoOrg; 3] = [
    DemoOrg {
        code: "NPT",
        kind: "airport_operator",
        name: "Northport International Airport",
        sites: &[
            ("Terminal 1", "North apron, departures and arrivals"),
            ("Terminal 2", "South apron, low-cost carriers"),
            ("Cargo centre", "Airside cargo area, gate C"),
        ],
    },
    DemoOrg {
        code: "SKY",
        kind: "air_carrier",
        name: "Skyline Airways",
        sites: &[(
            "Northport base",
            "Hangar 4, Northport International Airport",
        )],
    },
    DemoOrg {
        code: "SWC",
        kind: "regulated_agent",
        name: "Swift Cargo Handling",
        sites: &[("Northport warehouse", "Cargo village, building 12")],
    },
];

pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "admin",
        name: "Ada Admin",
        party_code: AUTHORITY_CODE,
        roles: &["administrator"],
        clearance: "OFFICIAL",
    },
    DemoAccount {
        username: "director",
        name: "Dana Director",
        party_code: AUTHORITY_CODE,
        roles: &["director"],
        clearance: "SECRET",
    },
    DemoAccount {
        username: "inspector",
        name: "Ivan Inspector",
        party_code: AUTHORITY_CODE,
        roles: &["inspector"],
        clearance: "CONFIDENTIAL",
    },
    DemoAccount {
        username: "policy",
        name: "Paula Policy",
        party_code: AUTHORITY_CODE,
        roles: &["policy_officer"],
        clearance: "RESTRICTED",
    },
    DemoAccount {
        username: "intel",
        name: "Ian Intel",
        party_code: AUTHORITY_CODE,
        roles: &["intelligence_analyst"],
        clearance: "SECRET",
    },
    DemoAccount {
        username: "npt.executive",
        name: "Nora Executive",
        party_code: "NPT",
        roles: &["accountable_executive"],
        clearance: "CONFIDENTIAL",
    },
    DemoAccount {
        username: "npt.security",
        name: "Sam Security",
        party_code: "NPT",
        roles: &["security_manager"],
        clearance: "CONFIDENTIAL",
    },
    DemoAccount {
        username: "npt.analyst",
        name: "Ana Analyst",
        party_code: "NPT",
        roles: &["security_analyst"],
        clearance: "RESTRICTED",
    },
    DemoAccount {
        username: "npt.auditor",
        name: "Quinn Auditor",
        party_code: "NPT",
        roles: &["quality_auditor"],
        clearance: "RESTRICTED",
    },
    DemoAccount {
        username: "npt.training",
        name: "Tara Training",
        party_code: "NPT",
        roles: &["training_officer"],
        clearance: "OFFICIAL",
    },
    DemoAccount {
        username: "npt.staff",
        name: "Stan Staff",
        party_code: "NPT",
        roles: &["staff"],
        clearance: "OFFICIAL",
    },
    DemoAccount {
        username: "npt.viewer",
        name: "Vera Viewer",
        party_code: "NPT",
        roles: &["viewer"],
        clearance: "OFFICIAL",
    },
    DemoAccount {
        username: "npt.handler",
        name: "Hana Handler",
        party_code: "NPT",
        roles: &["report_handler"],
        clearance: "CONFIDENTIAL",
    },
    DemoAccount {
        username: "npt.custodian",
        name: "Cyril Custodian",
        party_code: "NPT",
        roles: &["identity_custodian"],
        clearance: "CONFIDENTIAL",
    },
    DemoAccount {
        username: "sky.executive",
        name: "Kai Executive",
        party_code: "SKY",
        roles: &["accountable_executive"],
        clearance: "CONFIDENTIAL",
    },
    DemoAccount {
        username: "sky.security",
        name: "Sky Security",
        party_code: "SKY",
        roles: &["security_manager", "quality_auditor"],
        clearance: "CONFIDENTIAL",
    },
    DemoAccount {
        username: "sky.staff",
        name: "Cabin Crew",
        party_code: "SKY",
        roles: &["staff"],
        clearance: "OFFICIAL",
    },
    DemoAccount {
        username: "swc.executive",
        name: "Wes Executive",
        party_code: "SWC",
        roles: &["accountable_executive"],
        clearance: "RESTRICTED",
    },
    DemoAccount {
        username: "swc.security",
        name: "Cora Cargo",
        party_code: "SWC",
        roles: &["security_manager"],
        clearance: "RESTRICTED",
    },
    DemoAccount {
        username: "swc.staff",
        name: "Warehouse Staff",
        party_code: "SWC",
        roles: &["staff"],
        clearance: "OFFICIAL",
    },
];

/// What loading the demo did.
#[derive(Debug, Default, Clone, Copy)]
pub struct DemoSummary {
    pub created: usize,
    pub already_there: usize,
}

impl Services {
    /// Loads the demo data set (idempotent). All demo accounts get `password`.
    #[tracing::instrument(skip_all)]
    pub async fn load_demo(&self, password: &str) -> Result<DemoSummary> {
        let actor = Actor::System("sems demo");
        let mut summary = DemoSummary::default();
        let authority = self
            .ensure_authority(AUTHORITY_NAME, AUTHORITY_CODE)
            .await?;
        self.risk().ensure_risk_defaults().await?;
        self.reporting().ensure_reporting_defaults().await?;
        self.oversight().ensure_oversight_defaults().await?;
        self.performance().ensure_performance_defaults().await?;
        self.training().ensure_training_defaults().await?;
        let mut conn = self.store.read().await?;
        let mut party_ids = vec![(AUTHORITY_CODE, authority.id)];
        for org in &ORGS {
            let existing = parties::by_code(&mut conn, org.code).await?;
            let party = match existing {
                Some(p) => {
                    summary.already_there += 1;
                    p
                }
                None => {
                    summary.created += 1;
                    self.create_organisation(
                        &actor,
                        &PartyInput {
                            kind: org.kind.into(),
                            name: org.name.into(),
                            code: org.code.into(),
                            active: None,
                        },
                    )
                    .await?
                }
            };
            let existing_sites = sites::list(
                &mut conn,
                &admin_view(party.id),
                &sites::SiteFilter {
                    party_id: Some(party.id),
                    include_inactive: true,
                    ..Default::default()
                },
                Default::default(),
            )
            .await?;
            for (name, location) in org.sites {
                if existing_sites.items.iter().any(|s| s.name == *name) {
                    summary.already_there += 1;
                    continue;
                }
                self.create_site(
                    &actor,
                    party.id,
                    &SiteInput {
                        name: (*name).into(),
                        location: (*location).into(),
                        active: None,
                    },
                )
                .await?;
                summary.created += 1;
            }
            party_ids.push((org.code, party.id));
        }
        let party_of = |code: &str| {
            party_ids
                .iter()
                .find(|(c, _)| *c == code)
                .map(|(_, id)| *id)
                .ok_or(ServiceError::NotFound("party"))
        };
        // One Argon2 hash (and at most one verification) per load, not one per account: the
        // demo accounts share their password, and each hash costs memory and a core.
        let mut shared_hash: Option<String> = None;
        let mut known_good: Option<String> = None;
        for account in ACCOUNTS {
            match people::by_username(&mut conn, account.username).await? {
                Some(existing) => {
                    summary.already_there += 1;
                    let creds = people::credentials(&mut conn, existing.id).await?;
                    let current = creds.map(|c| c.password_hash);
                    if current.is_some() && current == known_good {
                        continue;
                    }
                    if verify_password(password.to_string(), current.clone()).await? {
                        known_good = current;
                    } else {
                        self.reset_password(account.username, password).await?;
                    }
                }
                None => {
                    summary.created += 1;
                    if shared_hash.is_none() {
                        shared_hash =
                            Some(crate::secrets::hash_password(password.to_string()).await?);
                    }
                    self.create_person_hashed(
                        &actor,
                        &NewPersonInput {
                            party_id: party_of(account.party_code)?,
                            username: account.username.into(),
                            display_name: account.name.into(),
                            email: format!("{}@demo.sems.invalid", account.username),
                            password: password.into(),
                            roles: account.roles.iter().map(|r| r.to_string()).collect(),
                            clearance: Some(account.clearance.into()),
                        },
                        shared_hash.as_deref(),
                    )
                    .await?;
                }
            }
        }
        // The inspector oversees the three organisations.
        if let Some(inspector) = people::by_username(&mut conn, "inspector").await? {
            if people::oversight_of(&mut conn, inspector.id)
                .await?
                .is_empty()
            {
                let orgs: Vec<i64> = party_ids.iter().skip(1).map(|(_, id)| *id).collect();
                self.set_oversight(&actor, inspector.id, &orgs).await?;
                summary.created += 1;
            }
        }
        // Nominations: every organisation names its accountable executive and security manager.
        for org in &ORGS {
            let party_id = party_of(org.code)?;
            for (position, suffix) in [
                ("accountable_executive", "executive"),
                ("security_manager", "security"),
            ] {
                let username = format!("{}.{suffix}", org.code.to_lowercase());
                let Some(person) = people::by_username(&mut conn, &username).await? else {
                    continue;
                };
                let pos = sems_domain::nomination::NominatedPosition::parse(position)?;
                if !nominations::open_on(
                    &mut conn,
                    party_id,
                    pos,
                    time::macros::date!(2026 - 01 - 01),
                )
                .await?
                .is_empty()
                {
                    summary.already_there += 1;
                    continue;
                }
                self.nominate(
                    &actor,
                    party_id,
                    &NominationInput {
                        position: position.into(),
                        person_id: person.id,
                        starts_on: "2026-01-01".into(),
                        ends_on: None,
                        note: "Demo nomination".into(),
                    },
                )
                .await?;
                summary.created += 1;
            }
        }
        // A need-to-know group of the authority.
        let existing =
            groups::list(&mut conn, &admin_view(authority.id), Default::default()).await?;
        if !existing
            .items
            .iter()
            .any(|g| g.name == "Threat assessment cell")
        {
            let g = self.create_group(&actor, authority.id, &GroupInput { name: "Threat assessment cell".into(), description: "Director and intelligence analysts: threat information on a need-to-know basis".into(), ..Default::default() }).await?;
            for username in ["director", "intel"] {
                if let Some(p) = people::by_username(&mut conn, username).await? {
                    self.change_group_member(&actor, g.id, p.id, true).await?;
                }
            }
            summary.created += 1;
        } else {
            summary.already_there += 1;
        }
        drop(conn);
        // Risk content for the regulated agent: assessments, measures, a failed test, actions.
        summary.created += self.load_risk_demo(&actor, party_of("SWC")?).await?;
        // Security reports at the airport: anonymous, confidential and identified.
        summary.created += self.load_reporting_demo(party_of("NPT")?).await?;
        // Oversight of the air carrier: a completed inspection with a finding awaiting its
        // plan, and a full audit planned.
        summary.created += self.load_oversight_demo(party_of("SKY")?).await?;
        // The airport the README signs in to tells every module's story too.
        summary.created += self
            .load_airport_risk_demo(&actor, party_of("NPT")?)
            .await?;
        summary.created += self.load_airport_oversight_demo(party_of("NPT")?).await?;
        // Training, vetting and culture at the airport (before performance, whose values
        // count its records).
        summary.created += self.load_training_demo(party_of("NPT")?).await?;
        // Need-to-know sharing: a bulletin to the airports, a directive acknowledged by the
        // airport and not yet by the air carrier, the reads logged (before
        // performance, whose directive indicators count them).
        summary.created += self.load_sharing_demo(authority.id).await?;
        summary.created += self
            .load_performance_demo(party_of("NPT")?, party_of("SKY")?)
            .await?;
        if summary.created > 0 {
            let mut tx = self.store.write().await?;
            let detail = serde_json::json!({"created": summary.created, "already_there": summary.already_there});
            record_change(
                tx.conn(),
                &actor,
                crate::Change {
                    about: &About::party_event(authority.id, true),
                    action: crate::trail::DEMO_LOAD,
                    record_id: None,
                    before: NONE,
                    after: Some(&detail),
                },
            )
            .await?;
            tx.commit().await?;
        }
        Ok(summary)
    }
}

/// A person of the demo as an actor (none when the account is not there).
pub(super) async fn demo_actor(s: &Services, username: &str) -> Result<Option<Actor>> {
    let mut conn = s.store.read().await?;
    let Some(person) = people::by_username(&mut conn, username).await? else {
        return Ok(None);
    };
    let subject = people::subject(&mut conn, person.id)
        .await?
        .ok_or(ServiceError::NotFound("demo account"))?;
    Ok(Some(Actor::Person(subject)))
}

/// A subject that reads a party's own records for the loader's idempotency checks.
fn admin_view(party_id: i64) -> sems_domain::access::Subject {
    sems_domain::access::Subject {
        person_id: 0,
        party_id,
        party_is_authority: false,
        roles: vec![sems_domain::role::Role::Administrator],
        clearance: 0,
        groups: vec![],
        oversees: vec![],
        read_only: false,
        gate: None,
    }
}
