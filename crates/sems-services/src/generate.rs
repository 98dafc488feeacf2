//! A national-scale synthetic data set, deterministic from a seed, written with multi-row
//! inserts in large transactions. Later modules extend it with their own records; every
//! benchmark runs on it.

use crate::secrets::hash_password;
use crate::About;
use crate::{record_change, Actor, Result, ServiceError, Services, NONE};
use sems_domain::party::PartyKind;
use sems_domain::role::Role;
use sems_storage::bulk::{self, BulkSet};
use sems_storage::{now_ms, parties};

#[derive(Debug, Clone, Copy)]
pub struct GenerateParams {
    pub organisations: u32,
    pub people_per_org: u32,
    pub years: u32,
    /// National scenarios every organisation assesses (the shipped library, then generated
    /// ones); 0 generates no risk records.
    pub scenarios: u32,
    /// Oversight activities per organisation and year, each over the whole programme;
    /// 0 generates none.
    pub activities_per_year: i64,
    /// Security reports per organisation and year; 0 generates none.
    pub reports_per_year: u32,
    /// People of each organisation's personnel register, with their training records,
    /// background checks and culture surveys; 0 generates none.
    pub personnel_per_org: u32,
    /// Items the authority shares per year (bulletins, circulars, directives, lessons), with
    /// each organisation's own circulars; 0 generates none.
    pub items_per_year: u32,
    pub seed: u64,
}

impl Default for GenerateParams {
    fn default() -> Self {
        Self {
            organisations: 200,
            people_per_org: 50,
            years: 10,
            scenarios: 40,
            activities_per_year: 0,
            reports_per_year: 0,
            personnel_per_org: 0,
            items_per_year: 0,
            seed: 42,
        }
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub struct GenerateSummary {
    pub organisations: u64,
    pub sites: u64,
    pub people: u64,
    pub nominations: u64,
    pub risk: crate::risk::generate::RiskSummary,
    pub oversight: crate::oversight::generate::OversightSummary,
    pub reports: u64,
    pub performance: crate::performance::generate::PerformanceSummary,
    pub training: crate::training::generate::TrainingSummary,
    pub sharing: crate::sharing::generate::SharingSummary,
}

/// SplitMix64: small, fast, and the same sequence on every machine for a seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const PLACES: [&str; 24] = [
    "Northport",
    "Eastvale",
    "Westmere",
    "Southbay",
    "Highcliff",
    "Lakeside",
    "Riverton",
    "Stonebridge",
    "Fairhaven",
    "Kingsford",
    "Oakridge",
    "Marshfield",
    "Redhill",
    "Ashby",
    "Brightwater",
    "Coldstream",
    "Dunmore",
    "Elmstead",
    "Glenrock",
    "Harrowgate",
    "Ironside",
    "Juniper",
    "Kestrel",
    "Larkspur",
];
const FIRST: [&str; 20] = [
    "Alex", "Sam", "Jordan", "Robin", "Kim", "Lee", "Maria", "Omar", "Priya", "Chen", "Fatima",
    "Lukas", "Ines", "Tom", "Aisha", "Noah", "Eva", "Mateo", "Yara", "Hugo",
];
const LAST: [&str; 20] = [
    "Smith", "Garcia", "Novak", "Okafor", "Kowalski", "Silva", "Jensen", "Haddad", "Rossi",
    "Tanaka", "Murphy", "Dubois", "Nilsen", "Costa", "Weber", "Ahmed", "Lopez", "Ivanov", "Moreau",
    "Berg",
];

fn day(ms: i64) -> String {
    sems_domain::util::date_of(ms)
}

impl Services {
    /// Generates the synthetic data set. Refuses to run twice with the same seed.
    #[tracing::instrument(skip_all)]
    pub async fn generate(&self, p: GenerateParams) -> Result<GenerateSummary> {
        if p.organisations == 0
            || p.organisations > 100_000
            || p.people_per_org < 5
            || p.people_per_org > 10_000
            || p.years == 0
            || p.years > 50
            || p.scenarios > 1000
            || !(0..=100).contains(&p.activities_per_year)
            || p.reports_per_year > 10_000
            || p.personnel_per_org > 10_000
        {
            return Err(sems_domain::ValidationError::new(
                "parameters",
                "organisations 1–100000, people per organisation 5–10000, years 1–50, scenarios 0–1000, activities per year 0–100, reports per year 0–10000, personnel per organisation 0–10000",
            )
            .into());
        }
        let authority = self
            .ensure_authority("Civil Aviation Security Authority", "CASA")
            .await?;
        self.risk().ensure_risk_defaults().await?;
        self.oversight().ensure_oversight_defaults().await?;
        self.reporting().ensure_reporting_defaults().await?;
        self.performance().ensure_performance_defaults().await?;
        self.training().ensure_training_defaults().await?;
        let prefix = format!("G{}-", p.seed);
        {
            let mut conn = self.store.read().await?;
            if parties::by_code(&mut conn, &format!("{prefix}1"))
                .await?
                .is_some()
            {
                return Err(ServiceError::Conflict(format!(
                    "a data set with seed {} is already generated",
                    p.seed
                )));
            }
        }
        // Every generated account shares one hash: hashing is deliberately slow.
        let hash = hash_password(format!("generated-{}-account", p.seed)).await?;
        let mut rng = Rng::new(p.seed);
        let now = now_ms();
        let span_ms = i64::from(p.years) * 365 * 86_400_000;
        let start = now - span_ms;
        let mut tx = self.store.write().await?;
        let conn = tx.conn();
        let mut party_id = bulk::next_id(conn, "parties").await?;
        let mut site_id = bulk::next_id(conn, "sites").await?;
        let mut person_id = bulk::next_id(conn, "people").await?;
        const PARTIES: usize = 0;
        const SITES: usize = 1;
        const PEOPLE: usize = 2;
        const ROLES: usize = 3;
        const NOMINATIONS: usize = 4;
        let mut rows = BulkSet::new(&[
            "INSERT INTO parties (id, kind, name, code, active, created_at_ms, updated_at_ms) VALUES",
            "INSERT INTO sites (id, owner_party_id, name, location, active, created_at_ms, updated_at_ms) VALUES",
            "INSERT INTO people (id, owner_party_id, username, display_name, email, password_hash, clearance, active, totp_enabled, totp_last_step, created_at_ms, updated_at_ms) VALUES",
            "INSERT INTO person_roles (person_id, role) VALUES",
            "INSERT INTO nominations (owner_party_id, position, person_id, starts_on, ends_on, note, created_by, created_at_ms) VALUES",
        ]);
        let first_party = party_id;
        let mut orgs = Vec::new();
        for i in 1..=p.organisations {
            let kind = *rng.pick(&PartyKind::ORGANISATION_KINDS);
            let place = rng.pick(&PLACES);
            let name = match kind {
                PartyKind::AirportOperator => format!("{place} Airport {i}"),
                PartyKind::AirCarrier => format!("{place} Air {i}"),
                PartyKind::RegulatedAgent => format!("{place} Cargo {i}"),
                PartyKind::InFlightSupplies => format!("{place} Catering {i}"),
                PartyKind::SecurityServiceProvider => format!("{place} Security Services {i}"),
                _ => format!("{place} Aviation Services {i}"),
            };
            let created = start + rng.below(span_ms as u64 / 10) as i64;
            rows.row(
                conn,
                PARTIES,
                vec![
                    party_id.into(),
                    kind.as_str().into(),
                    name.into(),
                    format!("{prefix}{i}").into(),
                    1i64.into(),
                    created.into(),
                    created.into(),
                ],
            )
            .await?;
            let site_count = if kind == PartyKind::AirportOperator {
                2 + rng.below(3)
            } else {
                1 + rng.below(2)
            };
            for s in 1..=site_count {
                let site_name = if kind == PartyKind::AirportOperator {
                    format!("Terminal {s}")
                } else {
                    format!("{place} site {s}")
                };
                rows.row(
                    conn,
                    SITES,
                    vec![
                        site_id.into(),
                        party_id.into(),
                        site_name.into(),
                        place.to_string().into(),
                        1i64.into(),
                        created.into(),
                        created.into(),
                    ],
                )
                .await?;
                site_id += 1;
            }
            // People: the first five hold the management roles, the rest are staff and viewers.
            let mut holders: Vec<(Role, i64)> = Vec::new();
            for j in 0..p.people_per_org {
                let role = match j {
                    0 => Role::AccountableExecutive,
                    1 => Role::SecurityManager,
                    2 => Role::SecurityAnalyst,
                    3 => Role::QualityAuditor,
                    4 => Role::TrainingOfficer,
                    _ if j % 10 == 9 => Role::Viewer,
                    _ => Role::Staff,
                };
                let display = format!("{} {}", rng.pick(&FIRST), rng.pick(&LAST));
                let username = format!("g{}o{i}p{j}", p.seed);
                let joined = created + rng.below((now - created).max(1) as u64) as i64;
                let joined = if j < 5 { created } else { joined };
                let clearance = if j < 5 { 2 } else { i64::from(j % 7 == 0) };
                rows.row(
                    conn,
                    PEOPLE,
                    vec![
                        person_id.into(),
                        party_id.into(),
                        username.clone().into(),
                        display.into(),
                        format!("{username}@generated.invalid").into(),
                        hash.clone().into(),
                        clearance.into(),
                        1i64.into(),
                        0i64.into(),
                        0i64.into(),
                        joined.into(),
                        joined.into(),
                    ],
                )
                .await?;
                rows.row(conn, ROLES, vec![person_id.into(), role.as_str().into()])
                    .await?;
                if j < 2 {
                    holders.push((role, person_id));
                }
                person_id += 1;
            }
            // Nomination history: earlier holders (accounts now closed) and the current one.
            if let [(_, executive), (_, security_manager)] = holders[..] {
                orgs.push(crate::risk::generate::GeneratedOrg {
                    party_id,
                    executive,
                    security_manager,
                });
            }
            for (role, current) in holders {
                let position = if role == Role::AccountableExecutive {
                    "accountable_executive"
                } else {
                    "security_manager"
                };
                let mut from = created;
                loop {
                    let tenure = (2 + rng.below(4) as i64) * 365 * 86_400_000;
                    if from + tenure >= now {
                        rows.row(
                            conn,
                            NOMINATIONS,
                            vec![
                                party_id.into(),
                                position.into(),
                                current.into(),
                                day(from).into(),
                                sems_storage::sql::Arg::NullText,
                                "".into(),
                                current.into(),
                                from.into(),
                            ],
                        )
                        .await?;
                        break;
                    }
                    // A former holder: an inactive account of the same organisation.
                    let username = format!("g{}o{i}former{person_id}", p.seed);
                    let display = format!("{} {}", rng.pick(&FIRST), rng.pick(&LAST));
                    rows.row(
                        conn,
                        PEOPLE,
                        vec![
                            person_id.into(),
                            party_id.into(),
                            username.clone().into(),
                            display.into(),
                            format!("{username}@generated.invalid").into(),
                            hash.clone().into(),
                            2i64.into(),
                            0i64.into(),
                            0i64.into(),
                            0i64.into(),
                            from.into(),
                            from.into(),
                        ],
                    )
                    .await?;
                    rows.row(conn, ROLES, vec![person_id.into(), role.as_str().into()])
                        .await?;
                    let until = from + tenure - 86_400_000;
                    rows.row(
                        conn,
                        NOMINATIONS,
                        vec![
                            party_id.into(),
                            position.into(),
                            person_id.into(),
                            day(from).into(),
                            day(until).into(),
                            "".into(),
                            person_id.into(),
                            from.into(),
                        ],
                    )
                    .await?;
                    person_id += 1;
                    from += tenure;
                }
            }
            party_id += 1;
        }
        rows.flush(conn).await?;
        let risk = if p.scenarios > 0 {
            self.risk()
                .generate_risk(conn, &p, authority.id, &orgs)
                .await?
        } else {
            Default::default()
        };
        let org_ids: Vec<i64> = orgs.iter().map(|o| o.party_id).collect();
        let oversight = if p.activities_per_year > 0 {
            let inspector =
                sems_storage::people::ids_with_roles(conn, authority.id, &[Role::Inspector])
                    .await?
                    .first()
                    .copied();
            self.oversight()
                .generate_oversight(conn, &p, authority.id, inspector, &org_ids)
                .await?
        } else {
            Default::default()
        };
        let reports = self
            .reporting()
            .generate_reports(conn, &p, &org_ids)
            .await?;
        let mut summary = GenerateSummary {
            oversight,
            reports,
            performance: Default::default(),
            training: Default::default(),
            sharing: Default::default(),
            organisations: rows.written(PARTIES),
            sites: rows.written(SITES),
            people: rows.written(PEOPLE),
            nominations: rows.written(NOMINATIONS),
            risk,
        };
        record_change(conn, &Actor::System("sems generate"), crate::Change { about: &About::party_event(authority.id, true), action: crate::trail::GENERATE, record_id: None, before: NONE, after: Some(&serde_json::json!({
                "seed": p.seed, "organisations": summary.organisations, "sites": summary.sites,
                "people": summary.people, "nominations": summary.nominations,
                "assessments": summary.risk.assessments, "assessment_history": summary.risk.history,
                "activities": summary.oversight.activities, "reports": summary.reports,
                "first_party_id": first_party,
            })) })
        .await?;
        tx.commit().await?;
        // Ids were given explicitly; PostgreSQL's identity sequences must move past them.
        bulk::reset_sequences(
            &self.store,
            &[
                "parties",
                "sites",
                "people",
                "threat_scenarios",
                "risk_assessments",
                "actions",
                "oversight_activities",
                "checklist_items",
                "security_reports",
            ],
        )
        .await?;
        // Sharing and training before performance, whose values count them.
        summary.sharing = self
            .sharing()
            .generate_sharing(&p, authority.id, &orgs, sems_domain::util::today())
            .await?;
        summary.training = self
            .training()
            .generate_training(&p, &org_ids, sems_domain::util::today())
            .await?;
        // Security performance is computed from what was written above, as the job would.
        summary.performance = self
            .performance()
            .generate_performance(&p, &org_ids, sems_domain::util::today())
            .await?;
        bulk::analyze(&self.store).await?;
        Ok(summary)
    }
}
