//! The demo data set: the authority and three organisations of different kinds, with people
//! in every role. Loading it twice changes nothing the second time.

use crate::groups::GroupInput;
use crate::nominations::NominationInput;
use crate::parties::PartyInput;
use crate::people::NewPersonInput;
use crate::secrets::verify_password;
use crate::sites::SiteInput;
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
    pub async fn load_demo(&self, password: &str) -> Result<DemoSummary> {
        let actor = Actor::System("sems demo");
        let mut summary = DemoSummary::default();
        let authority = self
            .ensure_authority(AUTHORITY_NAME, AUTHORITY_CODE)
            .await?;
        self.ensure_risk_defaults().await?;
        self.ensure_reporting_defaults().await?;
        self.ensure_oversight_defaults().await?;
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
        for account in ACCOUNTS {
            match people::by_username(&mut conn, account.username).await? {
                Some(existing) => {
                    summary.already_there += 1;
                    let creds = people::credentials(&mut conn, existing.id).await?;
                    let current = creds.map(|c| c.password_hash);
                    if !verify_password(password.to_string(), current).await? {
                        self.reset_password(account.username, password).await?;
                    }
                }
                None => {
                    summary.created += 1;
                    self.create_person(
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
                if !nominations::open_on(&mut conn, party_id, pos, "2026-01-01")
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
            let g = self.create_group(&actor, authority.id, &GroupInput { name: "Threat assessment cell".into(), description: "Director and intelligence analysts: threat information on a need-to-know basis".into() }).await?;
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
        if summary.created > 0 {
            let mut tx = self.store.write().await?;
            let detail = serde_json::json!({"created": summary.created, "already_there": summary.already_there});
            record_change(
                tx.conn(),
                &actor,
                authority.id,
                "demo.load",
                "deployment",
                None,
                NONE,
                Some(&detail),
            )
            .await?;
            tx.commit().await?;
        }
        Ok(summary)
    }
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
    }
}

impl Services {
    /// The regulated agent's risk picture: three assessed scenarios (one proposed from data,
    /// one overridden with a reason), its baseline measures recorded, tests of its cargo
    /// screening (one failed, which marks the assessment for review) and mitigation actions,
    /// one of them overdue. Skipped when the organisation has assessed anything already.
    async fn load_risk_demo(&self, actor: &Actor, party_id: i64) -> Result<usize> {
        use crate::risk::actions::ActionInput;
        use crate::risk::evidence::EvidenceInput;
        use crate::risk::measures::ImplementationInput;
        use crate::risk::AssessmentInput;
        use sems_domain::util::{add_months, format_date, sub_months, today};
        let mut conn = self.store.read().await?;
        let assessed = sems_storage::risk::assessment_count(&mut conn, party_id).await?;
        if assessed > 0 {
            return Ok(0);
        }
        let authority = sems_storage::parties::authority(&mut conn)
            .await?
            .ok_or_else(|| ServiceError::Internal("the authority party is missing".into()))?;
        let mut scenario = std::collections::HashMap::new();
        for code in ["NAT-03", "NAT-09", "NAT-14"] {
            if let Some(s) =
                sems_storage::risk::scenario_by_code(&mut conn, authority.id, code).await?
            {
                scenario.insert(code, s.id);
            }
        }
        let mut measure = std::collections::HashMap::new();
        for code in ["BL-03", "BL-04", "BL-07", "BL-08"] {
            if let Some(m) =
                sems_storage::risk::measures::measure_by_code(&mut conn, authority.id, code).await?
            {
                measure.insert(code, m.id);
            }
        }
        let security_manager = people::by_username(&mut conn, "swc.security")
            .await?
            .map(|p| p.id);
        drop(conn);
        let day = |months_ago: u32| format_date(sub_months(today(), months_ago));
        let mut created = 0;
        for (code, status, one_off, annual) in [
            ("BL-03", "implemented", 0, 40_000),
            ("BL-04", "implemented", 15_000, 25_000),
            ("BL-07", "implemented", 250_000, 90_000),
            ("BL-08", "planned", 0, 0),
        ] {
            if let Some(id) = measure.get(code) {
                self.set_implementation(
                    actor,
                    party_id,
                    *id,
                    &ImplementationInput {
                        responsible_person_id: security_manager,
                        status: status.into(),
                        cost_one_off: one_off,
                        cost_annual: annual,
                        note: String::new(),
                    },
                )
                .await?;
                created += 1;
            }
        }
        let (Some(&cargo), Some(&insider), Some(&supplies)) = (
            scenario.get("NAT-09"),
            scenario.get("NAT-03"),
            scenario.get("NAT-14"),
        ) else {
            return Ok(created);
        };
        for (months_ago, passed, summary) in [
            (
                9,
                true,
                "Covert test: simulated IED in a consignment detected at X-ray",
            ),
            (6, true, "Covert test: simulated IED in a mail bag detected"),
            (
                3,
                true,
                "Authority inspection test of the screening of a consignment passed",
            ),
        ] {
            self.record_evidence(
                actor,
                party_id,
                &EvidenceInput {
                    scenario_id: cargo,
                    kind: "test".into(),
                    passed: Some(passed),
                    occurred_on: day(months_ago),
                    summary: summary.into(),
                    source_ref: format!("QC-{months_ago:02}"),
                },
                "demo",
            )
            .await?;
            created += 1;
        }
        let base = |scenario_id, likelihood, vulnerability| AssessmentInput {
            scenario_id,
            site_id: None,
            likelihood,
            likelihood_rationale:
                "National threat level for the category; no specific intelligence about our site"
                    .into(),
            consequence_human: 5,
            consequence_economic: 4,
            consequence_political: 4,
            consequence_rationale:
                "Loss of an aircraft carrying cargo screened by us: reasonable worst case".into(),
            vulnerability,
            vulnerability_rationale:
                "Screening and access control as recorded in the measure register".into(),
            likelihood_override_reason: String::new(),
            vulnerability_override_reason: String::new(),
            evidence: vec!["Security programme, chapter 4".into()],
            classification: None,
            reason: String::new(),
            reassess: false,
        };
        // Cargo: as the data propose (threat level 3; all three tests passed → 1).
        self.create_assessment(actor, party_id, &base(cargo, 3, 1))
            .await?;
        // Insider: the assessor departs from the proposed likelihood, with a reason.
        let mut insider_input = base(insider, 4, 3);
        insider_input.likelihood_override_reason =
            "Two staff dismissed this year after vetting findings: we rate intent higher than the national level".into();
        let insider_assessment = self
            .create_assessment(actor, party_id, &insider_input)
            .await?;
        self.create_assessment(actor, party_id, &base(supplies, 3, 4))
            .await?;
        created += 3;
        self.create_action(
            actor,
            insider_assessment.id,
            &ActionInput {
                title: "Random screening of staff at the warehouse entrance".into(),
                responsible_person_id: security_manager,
                due_on: day(1),
                status: Some("in_progress".into()),
                cost_one_off: 12_000,
                cost_annual: 30_000,
                effect_on: "vulnerability".into(),
                expected_reduction: 1,
            },
        )
        .await?;
        self.create_action(
            actor,
            insider_assessment.id,
            &ActionInput {
                title: "Refresher insider-threat awareness training for all warehouse staff".into(),
                responsible_person_id: security_manager,
                due_on: format_date(add_months(today(), 2)),
                status: None,
                cost_one_off: 5_000,
                cost_annual: 0,
                effect_on: "likelihood".into(),
                expected_reduction: 1,
            },
        )
        .await?;
        // A failed test of the supplies chain: the assessment is marked for review.
        self.record_evidence(
            actor,
            party_id,
            &EvidenceInput {
                scenario_id: supplies,
                kind: "test".into(),
                passed: Some(false),
                occurred_on: day(0),
                summary: "Tamper-evident seal check missed on a delivery to the airside store"
                    .into(),
                source_ref: "QC-17".into(),
            },
            "demo",
        )
        .await?;
        created += 3;
        Ok(created)
    }
}

impl Services {
    /// Three reports at the airport: an anonymous one waiting for triage, a confidential one
    /// from staff under investigation, and an identified mandatory one, triaged, linked to a
    /// scenario and forwarded de-identified. Skipped when the airport has any report.
    async fn load_reporting_demo(&self, party_id: i64) -> Result<usize> {
        use crate::reports::{ReportInput, TriageInput};
        let mut conn = self.store.read().await?;
        let any = sems_storage::reports::report_facts(&mut conn, Some(party_id), 0).await?;
        if !any.is_empty() {
            return Ok(0);
        }
        let subject = |username: &'static str| async move {
            let mut conn = self.store.read().await?;
            let p = people::by_username(&mut conn, username)
                .await?
                .ok_or(ServiceError::NotFound("demo account"))?;
            people::subject(&mut conn, p.id)
                .await?
                .map(Actor::Person)
                .ok_or(ServiceError::NotFound("demo account"))
        };
        let authority = sems_storage::parties::authority(&mut conn)
            .await?
            .ok_or_else(|| ServiceError::Internal("the authority party is missing".into()))?;
        let insider = sems_storage::risk::scenario_by_code(&mut conn, authority.id, "NAT-16")
            .await?
            .map(|s| s.id);
        drop(conn);
        let day = |days_ago: i64| {
            sems_domain::util::format_date(
                sems_domain::util::today() - time::Duration::days(days_ago),
            )
        };
        let staff = subject("npt.staff").await?;
        let handler = subject("npt.handler").await?;
        let security = subject("npt.security").await?;
        self.file_report(
            &Actor::System("public reporting"),
            party_id,
            &ReportInput {
                category: "suspicious".into(),
                occurred_at: format!("{}T06:40", day(1)),
                location: "Car park B, level 2".into(),
                what_happened: "A man photographed the staff entrance and the fence for ten minutes and left when approached.".into(),
                mode: "anonymous".into(),
                ..Default::default()
            },
            Vec::new(),
        )
        .await?;
        let confidential = self
            .file_report(
                &staff,
                party_id,
                &ReportInput {
                    category: "access_control".into(),
                    occurred_at: format!("{}T22:15", day(4)),
                    location: "Staff door 4".into(),
                    what_happened: "The door to the baggage hall stays open at night because the closer is broken; badge AB12345 holders prop it open.".into(),
                    mode: "confidential".into(),
                    reporter_contact: "Night shift, mobile 07700 900123".into(),
                    ..Default::default()
                },
                Vec::new(),
            )
            .await?;
        self.triage_report(
            &handler,
            confidential.report_id,
            &TriageInput {
                category: "access_control".into(),
                severity: "high".into(),
                mandatory: false,
                scenario_ids: insider.into_iter().collect(),
                note: "Door closer to be repaired; check the access log".into(),
            },
        )
        .await?;
        self.start_investigation(&handler, confidential.report_id)
            .await?;
        self.message_reporter(
            &handler,
            confidential.report_id,
            "Thank you. Since when has the closer been broken?",
        )
        .await?;
        let identified = self
            .file_report(
                &security,
                party_id,
                &ReportInput {
                    category: "prohibited_item".into(),
                    occurred_at: format!("{}T09:05", day(2)),
                    location: "Central security checkpoint, lane 3".into(),
                    what_happened: "A folding knife was found in a cabin bag after the X-ray image was cleared; screener Tom Berg recalled the bag.".into(),
                    mode: "identified".into(),
                    reporter_thinks_mandatory: true,
                    ..Default::default()
                },
                Vec::new(),
            )
            .await?;
        self.triage_report(
            &handler,
            identified.report_id,
            &TriageInput {
                category: "prohibited_item".into(),
                severity: "medium".into(),
                mandatory: true,
                scenario_ids: Vec::new(),
                note: "Missed detection at screening".into(),
            },
        )
        .await?;
        self.set_deidentified(
            &handler,
            identified.report_id,
            "A folding knife was found in a cabin bag after the X-ray image was cleared at the central checkpoint; a screener recalled the bag.",
        )
        .await?;
        self.forward_report(&handler, identified.report_id).await?;
        Ok(3)
    }
}

impl Services {
    /// The authority's oversight of the air carrier: an inspection of aircraft security done
    /// last month (one item not compliant, its finding awaiting the carrier's plan) and a
    /// full audit planned. Skipped when the carrier has any activity.
    async fn load_oversight_demo(&self, party_id: i64) -> Result<usize> {
        use crate::oversight::activities::{AnswerInput, PlanInput};
        use crate::oversight::findings::RaiseInput;
        let mut conn = self.store.read().await?;
        let existing =
            sems_storage::oversight::activities::last_completed(&mut conn, party_id, None).await?;
        let inspector = people::by_username(&mut conn, "inspector").await?;
        let Some(inspector) = inspector else {
            return Ok(0);
        };
        if existing.is_some() {
            return Ok(0);
        }
        let subject = people::subject(&mut conn, inspector.id)
            .await?
            .ok_or(ServiceError::NotFound("demo account"))?;
        drop(conn);
        let actor = Actor::Person(subject);
        let day = |days: i64| {
            sems_domain::util::format_date(sems_domain::util::today() + time::Duration::days(days))
        };
        let inspection = self
            .plan_activity(
                &actor,
                &PlanInput {
                    overseen_party_id: party_id,
                    kind: "inspection".into(),
                    title: "Aircraft security inspection".into(),
                    planned_on: day(-30),
                    announced: true,
                    team: Vec::new(),
                    scope: vec!["NASP-07".into()],
                },
            )
            .await?;
        let items = self.activity(&actor, inspection.id).await?.items;
        let answers: Vec<AnswerInput> = items
            .iter()
            .enumerate()
            .map(|(i, item)| AnswerInput {
                item_id: item.id,
                answer: if i == 1 { "not_compliant" } else { "compliant" }.into(),
                notes: if i == 1 {
                    "Two aircraft parked overnight with doors open and stairs attached".into()
                } else {
                    "Seen on the apron".into()
                },
                ..Default::default()
            })
            .collect();
        self.answer_checklist(&actor, inspection.id, &answers)
            .await?;
        if let Some(item) = items.get(1) {
            self.raise_finding(
                &actor,
                inspection.id,
                &RaiseInput {
                    item_id: item.id,
                    level: "level_2".into(),
                    description: "Unattended aircraft left open overnight at stands 12 and 14"
                        .into(),
                },
            )
            .await?;
        }
        self.complete_activity(&actor, inspection.id).await?;
        self.issue_activity_report(
            &actor,
            inspection.id,
            "Aircraft security is applied in flight; protection of unattended aircraft on the ground needs attention.",
        )
        .await?;
        self.plan_activity(
            &actor,
            &PlanInput {
                overseen_party_id: party_id,
                kind: "audit_full".into(),
                title: "Full audit of the security programme".into(),
                planned_on: day(60),
                announced: true,
                team: Vec::new(),
                scope: Vec::new(),
            },
        )
        .await?;
        Ok(2)
    }
}
