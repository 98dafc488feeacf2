//! The shared storage test suite: every test runs on SQLite and on PostgreSQL.

use sems_domain::access::{
    decide, decide_audit_entry, Action, Distribution, Gate, RecordKind, RecordMeta, Subject,
};
use sems_domain::audit::AuditChannel;
use sems_domain::nomination::NominatedPosition;
use sems_domain::party::PartyKind;
use sems_domain::role::Role;
use sems_storage::access_filter::{filter, AccessColumns, Reach};
use sems_storage::audit::{self, EntryAccess, NewEntry, Verification};
use sems_storage::groups::{self, Recipient};
use sems_storage::sql::Sql;
use sems_storage::{migrate, nominations, parties, people, sites, DatabaseLocation, Store};
use sqlx::Row;
use std::collections::BTreeSet;

/// A fresh store on each engine: a SQLite file in a temp dir, and a database in the throwaway
/// PostgreSQL cluster.
async fn stores() -> Vec<Store> {
    let mut out = Vec::new();
    let dir = sems_testkit::temp_dir("sems-store");
    let sqlite = DatabaseLocation::SqliteFile(dir.join("sems.db"));
    out.push(Store::open(&sqlite, 4).await.expect("open sqlite"));
    if let Some(pg) = sems_testkit::postgres() {
        let url = pg.create_database();
        let loc = DatabaseLocation::parse(Some(&url), &dir).expect("pg url");
        out.push(Store::open(&loc, 8).await.expect("open postgres"));
    }
    out
}

#[tokio::test]
async fn migrations_are_idempotent() {
    for store in stores().await {
        assert_eq!(
            migrate::run(&store).await.unwrap(),
            0,
            "{:?}",
            store.engine()
        );
        assert_eq!(
            migrate::current_version(&store).await.unwrap(),
            migrate::latest_version()
        );
    }
}

#[tokio::test]
async fn unique_codes_and_one_authority() {
    for store in stores().await {
        let mut tx = store.write().await.unwrap();
        parties::insert(tx.conn(), PartyKind::Authority, "Authority", "CAA")
            .await
            .unwrap();
        let err = parties::insert(tx.conn(), PartyKind::AirCarrier, "Other", "CAA")
            .await
            .unwrap_err();
        assert!(err.is_unique_violation(), "{err}");
        drop(tx);
        let mut tx = store.write().await.unwrap();
        parties::insert(tx.conn(), PartyKind::Authority, "Authority", "CAA")
            .await
            .unwrap();
        let err = parties::insert(tx.conn(), PartyKind::Authority, "Second", "CAA2")
            .await
            .unwrap_err();
        assert!(err.is_unique_violation(), "{err}");
    }
}

fn entry(n: i64) -> NewEntry {
    NewEntry {
        channel: AuditChannel::Trail,
        subject_person_id: None,
        actor_person_id: Some(1),
        actor_party_id: Some(1),
        owner_party_id: 1,
        action: "site.create".into(),
        record_kind: "site".into(),
        record_id: Some(n),
        before: None,
        after: Some(format!("{{\"name\":\"Terminal {n}\"}}")),
        access: EntryAccess::trail(),
    }
}

async fn append_n(store: &Store, n: i64) {
    for i in 1..=n {
        let mut tx = store.write().await.unwrap();
        audit::append(tx.conn(), &entry(i)).await.unwrap();
        tx.commit().await.unwrap();
    }
}

async fn exec(store: &Store, sql: &str) {
    let mut conn = store.read().await.unwrap();
    sqlx::query(sql).execute(&mut *conn).await.unwrap();
}

#[tokio::test]
async fn audit_trail_detects_edit_delete_reorder_and_truncation() {
    for store in stores().await {
        append_n(&store, 6).await;
        assert_eq!(
            audit::verify(&store).await.unwrap(),
            Verification::Intact { entries: 6 }
        );

        exec(
            &store,
            "UPDATE audit_entries SET after_json = '{\"name\":\"forged\"}' WHERE seq = 3",
        )
        .await;
        match audit::verify(&store).await.unwrap() {
            Verification::Broken(b) => assert_eq!(b.seq, 3, "{}", b.reason),
            v => panic!("edit not detected: {v:?}"),
        }
    }
    for store in stores().await {
        append_n(&store, 6).await;
        exec(&store, "DELETE FROM audit_entries WHERE seq = 4").await;
        match audit::verify(&store).await.unwrap() {
            Verification::Broken(b) => assert_eq!(b.seq, 4, "{}", b.reason),
            v => panic!("deletion not detected: {v:?}"),
        }
    }
    for store in stores().await {
        append_n(&store, 6).await;
        // Swap the content of entries 2 and 3, keeping their sequence numbers.
        exec(&store, "UPDATE audit_entries SET seq = 100 WHERE seq = 2").await;
        exec(&store, "UPDATE audit_entries SET seq = 2 WHERE seq = 3").await;
        exec(&store, "UPDATE audit_entries SET seq = 3 WHERE seq = 100").await;
        match audit::verify(&store).await.unwrap() {
            Verification::Broken(b) => assert_eq!(b.seq, 2, "{}", b.reason),
            v => panic!("reordering not detected: {v:?}"),
        }
    }
    for store in stores().await {
        append_n(&store, 6).await;
        exec(&store, "DELETE FROM audit_entries WHERE seq = 6").await;
        match audit::verify(&store).await.unwrap() {
            Verification::Broken(b) => assert_eq!(b.seq, 6, "{}", b.reason),
            v => panic!("truncation not detected: {v:?}"),
        }
    }
}

#[tokio::test]
async fn concurrent_appends_keep_one_chain() {
    for store in stores().await {
        let mut tasks = Vec::new();
        for i in 0..16 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut tx = store.write().await.unwrap();
                audit::append(tx.conn(), &entry(i)).await.unwrap();
                tx.commit().await.unwrap();
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(
            audit::verify(&store).await.unwrap(),
            Verification::Intact { entries: 16 },
            "{:?}",
            store.engine()
        );
    }
}

#[tokio::test]
async fn a_rolled_back_change_leaves_no_audit_entry() {
    for store in stores().await {
        let mut tx = store.write().await.unwrap();
        parties::insert(tx.conn(), PartyKind::Authority, "Authority", "CAA")
            .await
            .unwrap();
        audit::append(tx.conn(), &entry(1)).await.unwrap();
        drop(tx); // rolled back
        assert_eq!(
            audit::verify(&store).await.unwrap(),
            Verification::Intact { entries: 0 }
        );
        let mut conn = store.read().await.unwrap();
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM parties")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert_eq!(n, 0);
    }
}

/// The world of the access matrix: the authority, two organisations, a person for every role
/// that fits each party at two clearances, and records of every kind.
struct World {
    authority: i64,
    org_a: i64,
    org_b: i64,
    subjects: Vec<Subject>,
    group_a: i64,
}

async fn build_world(store: &Store) -> World {
    let mut tx = store.write().await.unwrap();
    let c = tx.conn();
    let authority = parties::insert(c, PartyKind::Authority, "Authority", "CAA")
        .await
        .unwrap();
    let org_a = parties::insert(c, PartyKind::AirportOperator, "Airport A", "AAA")
        .await
        .unwrap();
    let org_b = parties::insert(c, PartyKind::AirCarrier, "Carrier B", "BBB")
        .await
        .unwrap();
    let group_a = groups::insert(c, org_a, "Covert test team", "", None)
        .await
        .unwrap();
    let mut ids = Vec::new();
    let mut n = 0;
    for party in [authority, org_a, org_b] {
        for role in Role::for_party(party == authority) {
            for clearance in [0, 2] {
                n += 1;
                let username = format!("p{n}");
                let id = people::insert(
                    c,
                    &people::NewPerson {
                        party_id: party,
                        username: &username,
                        display_name: &username,
                        email: "",
                        password_hash: "x",
                        clearance,
                        roles: &[role],
                    },
                )
                .await
                .unwrap();
                if party == org_a && n % 4 == 0 {
                    groups::add_member(c, group_a, id).await.unwrap();
                }
                if role == Role::Inspector && clearance == 2 {
                    people::set_oversight(c, id, &[org_a]).await.unwrap();
                }
                ids.push(id);
            }
        }
    }
    for party in [org_a, org_b] {
        sites::insert(c, party, "Terminal 1", "North")
            .await
            .unwrap();
        sites::insert(c, party, "Terminal 2", "South")
            .await
            .unwrap();
        let person = people::list(
            c,
            &everything(party),
            &people::PeopleFilter {
                party_id: Some(party),
                ..Default::default()
            },
            Default::default(),
        )
        .await
        .unwrap()
        .items[0]
            .id;
        nominations::insert(
            c,
            &nominations::NewNomination {
                party_id: party,
                position: NominatedPosition::SecurityManager,
                person_id: person,
                starts_on: time::macros::date!(2026 - 01 - 01),
                ends_on: None,
                note: "",
                created_by: person,
            },
        )
        .await
        .unwrap();
    }
    for owner in [authority, org_a, org_b] {
        audit::append(
            c,
            &NewEntry {
                owner_party_id: owner,
                ..entry(owner)
            },
        )
        .await
        .unwrap();
    }
    // Security events about every fifth person (and one about an unknown user name), and a
    // protected-source entry per organisation.
    for (i, id) in ids.iter().enumerate() {
        if i % 5 != 0 {
            continue;
        }
        let owner = people::get(c, *id).await.unwrap().unwrap().party_id;
        audit::append(
            c,
            &NewEntry {
                channel: AuditChannel::Security,
                subject_person_id: Some(*id),
                owner_party_id: owner,
                action: "sign_in.succeeded".into(),
                record_kind: "person".into(),
                record_id: Some(*id),
                ..entry(0)
            },
        )
        .await
        .unwrap();
    }
    audit::append(
        c,
        &NewEntry {
            channel: AuditChannel::Security,
            owner_party_id: authority,
            action: "sign_in.failed".into(),
            record_kind: "person".into(),
            record_id: None,
            ..entry(0)
        },
    )
    .await
    .unwrap();
    for owner in [org_a, org_b] {
        audit::append(
            c,
            &NewEntry {
                channel: AuditChannel::ProtectedSource,
                owner_party_id: owner,
                action: "security_report.file".into(),
                record_kind: "security_report".into(),
                actor_person_id: None,
                actor_party_id: None,
                ..entry(1)
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let mut subjects = Vec::new();
    let mut conn = store.read().await.unwrap();
    for id in ids {
        subjects.push(people::subject(&mut conn, id).await.unwrap().unwrap());
    }
    World {
        authority,
        org_a,
        org_b,
        subjects,
        group_a,
    }
}

/// A subject that is an administrator: sees every party's people through `Deployment`.
fn everything(party: i64) -> Subject {
    Subject {
        person_id: 0,
        party_id: party,
        party_is_authority: false,
        roles: vec![Role::Administrator],
        clearance: 0,
        groups: vec![],
        oversees: vec![],
        read_only: false,
        gate: None,
    }
}

/// Checks that the SQL filter and `decide` agree on every record for every subject and action.
async fn check_matrix(
    store: &Store,
    world: &World,
    table: &str,
    cols: &AccessColumns,
    records: &[(i64, RecordMeta)],
) -> usize {
    let mut conn = store.read().await.unwrap();
    let mut checked = 0;
    // Each subject as they are, with a read-only token, and with the training-and-vetting
    // gate shut from the first marking above the lowest and from the one above it.
    let shut = |from| {
        Some(Gate {
            from_classification: from,
            shut: "your security awareness training lapsed on 2026-12-01".into(),
        })
    };
    for subject in &world.subjects {
        for (read_only, gate) in [
            (false, None),
            (true, None),
            (false, shut(1)),
            (false, shut(2)),
        ] {
            let subject = Subject {
                read_only,
                gate,
                ..subject.clone()
            };
            for action in Action::ALL {
                let mut sql = Sql::new(&format!("SELECT {} AS id FROM {table} WHERE ", cols.id));
                sql.append(&filter(&subject, action, cols));
                let rows = sql.query().fetch_all(&mut *conn).await.unwrap();
                let listed: BTreeSet<i64> = rows
                    .iter()
                    .map(|r| r.try_get::<i64, _>("id").unwrap())
                    .collect();
                let decided: BTreeSet<i64> = records
                    .iter()
                    .filter(|(_, meta)| decide(&subject, action, meta).is_ok())
                    .map(|(id, _)| *id)
                    .collect();
                assert_eq!(
                    listed,
                    decided,
                    "{:?} on {table}: filter and decide disagree for {subject:?} doing {action:?}",
                    store.engine()
                );
                checked += records.len();
            }
        }
    }
    checked
}

#[tokio::test]
async fn access_matrix_filter_agrees_with_decide() {
    for store in stores().await {
        let world = build_world(&store).await;
        let is_auth = |p: i64| p == world.authority;

        // Test records: every owner × marking × need-to-know × distribution.
        exec(
            &store,
            "CREATE TABLE test_records (id BIGINT PRIMARY KEY, owner_party_id BIGINT NOT NULL,
             classification BIGINT NOT NULL, need_to_know BIGINT NOT NULL, published BIGINT NOT NULL,
             raised_by_party_id BIGINT)",
        )
        .await;
        let someone_in_b = world
            .subjects
            .iter()
            .find(|s| s.party_id == world.org_b)
            .unwrap()
            .person_id;
        let mut records = Vec::new();
        let mut id = 0;
        let mut tx = store.write().await.unwrap();
        for owner in [world.authority, world.org_a, world.org_b] {
            for classification in 0..4 {
                for ntk in [false, true] {
                    for dist in 0..8 {
                        id += 1;
                        // The upper half of the distributions repeats the lower half, published.
                        let published = dist >= 4;
                        let dist = dist % 4;
                        // Raised by another organisation, by the authority, or by nobody.
                        let raised_by = match id % 3 {
                            0 => Some(world.org_a),
                            1 => Some(world.authority),
                            _ => None,
                        };
                        sqlx::query("INSERT INTO test_records VALUES ($1, $2, $3, $4, $5, $6)")
                            .bind(id)
                            .bind(owner)
                            .bind(classification)
                            .bind(i64::from(ntk))
                            .bind(i64::from(published))
                            .bind(raised_by)
                            .execute(tx.conn())
                            .await
                            .unwrap();
                        let mut d = Distribution::default();
                        let to = match dist {
                            1 => Some(Recipient::Party(world.org_b)),
                            2 => Some(Recipient::Group(world.group_a)),
                            3 => Some(Recipient::Person(someone_in_b)),
                            _ => None,
                        };
                        if let Some(to) = to {
                            groups::distribute(tx.conn(), RecordKind::TestRecord, id, to)
                                .await
                                .unwrap();
                            match to {
                                Recipient::Party(p) => d.parties.push(p),
                                Recipient::Group(g) => d.groups.push(g),
                                Recipient::Person(p) => d.persons.push(p),
                            }
                        }
                        records.push((
                            id,
                            RecordMeta {
                                kind: RecordKind::TestRecord,
                                owner_party_id: owner,
                                owner_is_authority: is_auth(owner),
                                person_id: None,
                                classification,
                                need_to_know: ntk,
                                distribution: d,
                                published,
                                raised_by_party_id: raised_by,
                            },
                        ));
                    }
                }
            }
        }
        tx.commit().await.unwrap();
        let cols = AccessColumns {
            kind: RecordKind::TestRecord,
            id: "t.id",
            owner_party: "t.owner_party_id",
            classification: Some("t.classification"),
            need_to_know: Some("t.need_to_know"),
            person: None,
            published: Some("t.published"),
            raiser: Some("t.raised_by_party_id"),
            reach: Reach::Scan,
        };
        let mut checked = check_matrix(&store, &world, "test_records t", &cols, &records).await;
        // The same rule answered by index (`id IN (… UNION …)`) where a reader's every way in
        // names their party or person: the same rows.
        let by_index = AccessColumns {
            reach: Reach::Own("test_records"),
            ..cols
        };
        checked += check_matrix(&store, &world, "test_records t", &by_index, &records).await;
        // The same rows as records of every later module's kinds: the grants of each kind,
        // through every relation, marking, need-to-know and distribution.
        for kind in [
            RecordKind::Appointment,
            RecordKind::SecurityMeasure,
            RecordKind::RiskEvidence,
            RecordKind::SecurityReport,
            RecordKind::Occurrence,
            RecordKind::Requirement,
            RecordKind::OversightActivity,
            RecordKind::Finding,
            RecordKind::PendingGrant,
            RecordKind::ReportStatistics,
            RecordKind::PerformanceIndicator,
            RecordKind::DataSeries,
        ] {
            exec(
                &store,
                &format!(
                    "INSERT INTO distributions (record_kind, record_id, party_id, group_id, person_id, created_at_ms)
                     SELECT '{}', record_id, party_id, group_id, person_id, created_at_ms FROM distributions
                     WHERE record_kind = 'test_record'",
                    kind.as_str()
                ),
            )
            .await;
            let as_kind: Vec<(i64, RecordMeta)> = records
                .iter()
                .map(|(id, m)| (*id, RecordMeta { kind, ..m.clone() }))
                .collect();
            checked += check_matrix(
                &store,
                &world,
                "test_records t",
                &AccessColumns { kind, ..by_index },
                &as_kind,
            )
            .await;
        }

        // Distribution as stored agrees with the one the matrix assumed.
        let mut conn = store.read().await.unwrap();
        let d = groups::distribution_of(&mut conn, RecordKind::TestRecord, 3)
            .await
            .unwrap();
        assert_eq!(d.groups, vec![world.group_a]);
        // Read for a page of records of several kinds at once, it is the same record by record.
        let asked: Vec<(RecordKind, i64)> = [RecordKind::TestRecord, RecordKind::Finding]
            .into_iter()
            .flat_map(|k| records.iter().map(move |(id, _)| (k, *id)))
            .collect();
        let many = groups::distributions_of(&mut conn, &asked).await.unwrap();
        for (kind, id) in &asked {
            let one = groups::distribution_of(&mut conn, *kind, *id)
                .await
                .unwrap();
            assert_eq!(many.get(&(*kind, *id)).cloned().unwrap_or_default(), one);
        }
        assert!(many.len() > 1);
        drop(conn);

        // The platform's own records.
        let mut conn = store.read().await.unwrap();
        let metas = |rows: Vec<sqlx::any::AnyRow>, kind: RecordKind, person: bool| {
            rows.iter()
                .map(|r| {
                    let id: i64 = r.try_get("id").unwrap();
                    let owner: i64 = r.try_get("owner").unwrap();
                    let mut m = RecordMeta::plain(kind, owner, is_auth(owner));
                    if person {
                        m.person_id = Some(id);
                    }
                    (id, m)
                })
                .collect::<Vec<_>>()
        };
        let people_rows = sqlx::query("SELECT id, owner_party_id AS owner FROM people")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        let site_rows = sqlx::query("SELECT id, owner_party_id AS owner FROM sites")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        let nom_rows = sqlx::query("SELECT id, owner_party_id AS owner FROM nominations")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        let party_rows = sqlx::query("SELECT id, id AS owner FROM parties")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        let audit_rows =
            sqlx::query("SELECT seq AS id, owner_party_id AS owner FROM audit_entries")
                .fetch_all(&mut *conn)
                .await
                .unwrap();
        let group_rows = sqlx::query("SELECT id, owner_party_id AS owner FROM need_to_know_groups")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        let person_metas = metas(people_rows, RecordKind::Person, true);
        let site_metas = metas(site_rows, RecordKind::Site, false);
        let nom_metas = metas(nom_rows, RecordKind::Nomination, false);
        let party_metas = metas(party_rows, RecordKind::Party, false);
        let audit_metas = metas(audit_rows, RecordKind::AuditEntry, false);
        let group_metas = metas(group_rows, RecordKind::NeedToKnowGroup, false);
        drop(conn);
        checked += check_matrix(&store, &world, "people pe", &people::ACCESS, &person_metas).await;
        checked += check_matrix(&store, &world, "sites s", &sites::ACCESS, &site_metas).await;
        checked += check_matrix(
            &store,
            &world,
            "nominations n",
            &nominations::ACCESS,
            &nom_metas,
        )
        .await;
        checked += check_matrix(&store, &world, "parties p", &parties::ACCESS, &party_metas).await;
        checked += check_matrix(
            &store,
            &world,
            "audit_entries a",
            &audit::ACCESS,
            &audit_metas,
        )
        .await;
        // The security log: each event is about one person (or nobody, for an unknown name).
        let mut conn = store.read().await.unwrap();
        let security_metas: Vec<(i64, RecordMeta)> = sqlx::query(
            "SELECT seq AS id, owner_party_id AS owner, subject_person_id FROM audit_entries",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let id: i64 = r.try_get("id").unwrap();
            let owner: i64 = r.try_get("owner").unwrap();
            let mut m = RecordMeta::plain(RecordKind::SecurityEvent, owner, is_auth(owner));
            m.person_id = r.try_get("subject_person_id").unwrap();
            (id, m)
        })
        .collect();
        drop(conn);
        checked += check_matrix(
            &store,
            &world,
            "audit_entries a",
            &audit::SECURITY_ACCESS,
            &security_metas,
        )
        .await;
        checked += check_matrix(
            &store,
            &world,
            "need_to_know_groups g",
            &groups::ACCESS,
            &group_metas,
        )
        .await;

        // Threat scenarios: national (published) and own, at every marking.
        let mut scenario_metas = Vec::new();
        let mut tx = store.write().await.unwrap();
        for owner in [world.authority, world.org_a, world.org_b] {
            for classification in 0..4 {
                let code = format!("S-{owner}-{classification}");
                let published = owner == world.authority && classification % 2 == 0;
                let id = sems_storage::risk::insert_scenario(
                    tx.conn(),
                    &sems_storage::risk::NewScenario {
                        party_id: owner,
                        code: &code,
                        category: sems_domain::scenario::ScenarioCategory::Explosives,
                        title: "t",
                        target: "t",
                        means: "m",
                        perpetrator: sems_domain::scenario::Perpetrator::External,
                        description: "d",
                        published,
                        classification,
                    },
                )
                .await
                .unwrap();
                let mut m = RecordMeta::plain(RecordKind::ThreatScenario, owner, is_auth(owner));
                m.classification = classification;
                m.published = published;
                scenario_metas.push((id, m));
            }
        }
        tx.commit().await.unwrap();
        checked += check_matrix(
            &store,
            &world,
            "threat_scenarios ts",
            &sems_storage::risk::SCENARIO_ACCESS,
            &scenario_metas,
        )
        .await;

        // Risk assessments of each organisation, at every marking.
        let mut tx = store.write().await.unwrap();
        let method = sems_domain::risk::RiskMethod::default_method();
        sems_storage::risk::publish_method(tx.conn(), world.authority, &method, "", None)
            .await
            .unwrap();
        let national = scenario_metas[0].0;
        let mut assessment_metas = Vec::new();
        for owner in [world.org_a, world.org_b] {
            for classification in 0..4 {
                // One scope per marking: the whole organisation, then each of its sites.
                let sites_of_owner: Vec<i64> =
                    sqlx::query("SELECT id FROM sites WHERE owner_party_id = $1 ORDER BY id")
                        .bind(owner)
                        .fetch_all(tx.conn())
                        .await
                        .unwrap()
                        .iter()
                        .map(|r| r.try_get::<i64, _>("id").unwrap())
                        .collect();
                let site = if classification == 0 {
                    None
                } else {
                    sites_of_owner.get(classification as usize - 1).copied()
                };
                let scenario = if classification == 3 {
                    // The third marking uses the organisation's own scenario.
                    scenario_metas
                        .iter()
                        .find(|(_, m)| m.owner_party_id == owner)
                        .map(|(id, _)| *id)
                        .unwrap()
                } else {
                    national
                };
                let values = sems_storage::risk::AssessmentValues {
                    method_version: 1,
                    likelihood: 3,
                    likelihood_rationale: "r".into(),
                    consequence_human: 3,
                    consequence_economic: 3,
                    consequence_political: 3,
                    consequence_rationale: "r".into(),
                    vulnerability: 3,
                    vulnerability_rationale: "r".into(),
                    likelihood_proposed: Some(3),
                    likelihood_override_reason: String::new(),
                    vulnerability_proposed: None,
                    vulnerability_override_reason: String::new(),
                    evidence: vec![],
                    inherent_score: 45,
                    inherent_level: "medium",
                    residual_score: 27,
                    residual_level: "medium",
                    next_review_on: "2027-01-01".into(),
                    classification,
                };
                let id = sems_storage::risk::insert_assessment(
                    tx.conn(),
                    owner,
                    site,
                    scenario,
                    &values,
                    None,
                )
                .await
                .unwrap();
                let mut m = RecordMeta::plain(RecordKind::RiskAssessment, owner, false);
                m.classification = classification;
                assessment_metas.push((id, m));
            }
        }
        tx.commit().await.unwrap();
        checked += check_matrix(
            &store,
            &world,
            "risk_assessments ra",
            &sems_storage::risk::ASSESSMENT_ACCESS,
            &assessment_metas,
        )
        .await;

        // Security measures: the authority's baseline (published) and each organisation's
        // own, at every marking.
        let mut tx = store.write().await.unwrap();
        let mut measure_metas = Vec::new();
        for (owner, baseline) in [
            (world.authority, true),
            (world.org_a, false),
            (world.org_b, false),
        ] {
            for classification in 0..4 {
                let code = format!("M-{owner}-{classification}");
                let id = sems_storage::risk::measures::insert_measure(
                    tx.conn(),
                    &sems_storage::risk::measures::NewMeasure {
                        party_id: owner,
                        code: &code,
                        title: "A measure",
                        description: "A measure for the access matrix",
                        baseline,
                        published: baseline,
                        classification,
                    },
                )
                .await
                .unwrap();
                let mut m = RecordMeta::plain(RecordKind::SecurityMeasure, owner, baseline);
                m.published = baseline;
                m.classification = classification;
                measure_metas.push((id, m));
            }
        }
        tx.commit().await.unwrap();
        checked += check_matrix(
            &store,
            &world,
            "security_measures sm",
            &sems_storage::risk::measures::MEASURE_ACCESS,
            &measure_metas,
        )
        .await;
        eprintln!(
            "{:?}: {checked} (subject, action, record) cases agree",
            store.engine()
        );
        assert!(checked > 10_000);

        // Spot checks that the matrix means what the issue asks.
        let sm_b = world
            .subjects
            .iter()
            .find(|s| s.party_id == world.org_b && s.has_role(Role::SecurityManager))
            .unwrap();
        let mut conn = store.read().await.unwrap();
        let visible_sites = sites::list(&mut conn, sm_b, &Default::default(), Default::default())
            .await
            .unwrap();
        assert!(visible_sites
            .items
            .iter()
            .all(|s| s.party_id == world.org_b));
        assert_eq!(visible_sites.total, 2);
        let director = world
            .subjects
            .iter()
            .find(|s| s.has_role(Role::Director))
            .unwrap();
        let noms = nominations::list(&mut conn, director, &Default::default(), Default::default())
            .await
            .unwrap();
        assert_eq!(
            noms.total, 2,
            "the authority sees every organisation's nominations"
        );
        assert!(noms.items.iter().any(|n| n.party_id == world.org_a));
    }
}

#[tokio::test]
async fn the_trail_serves_no_security_event_and_protected_sources_only_as_days() {
    for store in stores().await {
        let world = build_world(&store).await;
        let find = |party: i64, role: Role| {
            world
                .subjects
                .iter()
                .find(|s| s.party_id == party && s.roles == vec![role])
                .unwrap()
                .clone()
        };
        let director = find(world.authority, Role::Director);
        let auditor_a = find(world.org_a, Role::QualityAuditor);
        let mut conn = store.read().await.unwrap();
        for reader in [&director, &auditor_a] {
            let trail = audit::list(&mut conn, reader, &Default::default(), Default::default())
                .await
                .unwrap();
            assert!(!trail.items.is_empty());
            assert!(
                trail.items.iter().all(|e| e.action == "site.create"),
                "{:?}: only trail entries are served: {:?}",
                store.engine(),
                trail.items
            );
        }
        let days = audit::protected_days(&mut conn, &director, None, Default::default())
            .await
            .unwrap();
        assert_eq!(days.total, 2, "one line per organisation and day");
        let today = sems_domain::util::date_of(sems_storage::now_ms());
        for d in &days.items {
            assert_eq!(d.day, today);
            assert_eq!(d.action, "security_report.file");
            assert_eq!(d.count, 1);
        }
        let own = audit::protected_days(&mut conn, &auditor_a, None, Default::default())
            .await
            .unwrap();
        assert_eq!(own.items.len(), 1);
        assert_eq!(own.items[0].owner_party_id, world.org_a);
        // The security log: the administrator reads every event, a person their own.
        let admin = everything(world.authority);
        let all = audit::security_log(&mut conn, &admin, &Default::default(), Default::default())
            .await
            .unwrap();
        assert_eq!(all.total as usize, world.subjects.len().div_ceil(5) + 1);
        let first = &world.subjects[0];
        let mine = audit::security_log(&mut conn, first, &Default::default(), Default::default())
            .await
            .unwrap();
        assert_eq!(mine.total, 1);
        assert_eq!(mine.items[0].record_id, Some(first.person_id));
        let other = &world.subjects[1];
        let none = audit::security_log(&mut conn, other, &Default::default(), Default::default())
            .await
            .unwrap();
        assert_eq!(none.total, 0);
    }
}

/// The trail in the access matrix: an entry about a record of every kind, owner, marking,
/// need-to-know, distribution and publication is listed exactly when `decide_audit_entry`
/// allows it, for every subject, on both engines; and an entry follows its record's marking.
#[tokio::test]
async fn audit_trail_matrix_filter_agrees_with_decide() {
    for store in stores().await {
        let world = build_world(&store).await;
        let is_auth = |p: i64| p == world.authority;
        let someone_in_b = world
            .subjects
            .iter()
            .find(|s| s.party_id == world.org_b)
            .unwrap()
            .person_id;
        let mut records: Vec<(i64, RecordMeta)> = Vec::new();
        // The entries build_world appended: about no record of their own.
        let mut conn = store.read().await.unwrap();
        for r in
            sqlx::query("SELECT seq, owner_party_id FROM audit_entries WHERE channel = 'trail'")
                .fetch_all(&mut *conn)
                .await
                .unwrap()
        {
            let owner: i64 = r.try_get("owner_party_id").unwrap();
            records.push((
                r.try_get("seq").unwrap(),
                RecordMeta::plain(RecordKind::AuditEntry, owner, is_auth(owner)),
            ));
        }
        drop(conn);
        let mut tx = store.write().await.unwrap();
        let mut record_id = 100_000;
        for kind in RecordKind::ALL {
            for owner in [world.authority, world.org_a, world.org_b] {
                for classification in 0..4 {
                    for ntk in [false, true] {
                        for dist in 0..8 {
                            record_id += 1;
                            let published = dist >= 4;
                            let dist = dist % 4;
                            let mut meta = RecordMeta::plain(kind, owner, is_auth(owner));
                            meta.classification = classification;
                            meta.need_to_know = ntk;
                            meta.published = published;
                            if dist == 3
                                && matches!(kind, RecordKind::Person | RecordKind::SecurityEvent)
                            {
                                meta.person_id = Some(someone_in_b);
                            }
                            let to = match dist {
                                1 => Some(Recipient::Party(world.org_b)),
                                2 => Some(Recipient::Group(world.group_a)),
                                3 => Some(Recipient::Person(someone_in_b)),
                                _ => None,
                            };
                            if let Some(to) = to {
                                groups::distribute(tx.conn(), kind, record_id, to)
                                    .await
                                    .unwrap();
                                match to {
                                    Recipient::Party(p) => meta.distribution.parties.push(p),
                                    Recipient::Group(g) => meta.distribution.groups.push(g),
                                    Recipient::Person(p) => meta.distribution.persons.push(p),
                                }
                            }
                            let seq = audit::append(
                                tx.conn(),
                                &NewEntry {
                                    owner_party_id: owner,
                                    record_kind: kind.as_str().into(),
                                    record_id: Some(record_id),
                                    access: EntryAccess::of(&meta, Some(record_id)),
                                    ..entry(record_id)
                                },
                            )
                            .await
                            .unwrap();
                            records.push((seq, meta));
                        }
                    }
                }
            }
        }
        tx.commit().await.unwrap();
        let mut conn = store.read().await.unwrap();
        let mut checked = 0;
        for subject in &world.subjects {
            let mut sql =
                Sql::new("SELECT a.seq AS id FROM audit_entries a WHERE a.channel = 'trail' AND ");
            sql.append(&audit::trail_filter(subject));
            let listed: BTreeSet<i64> = sql
                .query()
                .fetch_all(&mut *conn)
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get::<i64, _>("id").unwrap())
                .collect();
            let decided: BTreeSet<i64> = records
                .iter()
                .filter(|(_, meta)| decide_audit_entry(subject, meta).is_ok())
                .map(|(seq, _)| *seq)
                .collect();
            assert_eq!(
                listed,
                decided,
                "{:?}: trail filter and decide_audit_entry disagree for {subject:?}",
                store.engine()
            );
            checked += records.len();
        }
        assert!(checked > 100_000, "{checked}");
        drop(conn);

        // A need-to-know finding's entries open with the finding (a covert test released),
        // and a reclassified record's entries close with it.
        let auditor_a = world
            .subjects
            .iter()
            .find(|s| s.party_id == world.org_a && s.roles == vec![Role::QualityAuditor])
            .unwrap()
            .clone();
        let mut secret = RecordMeta::plain(RecordKind::Finding, world.org_a, false);
        secret.need_to_know = true;
        let mut tx = store.write().await.unwrap();
        let first = audit::append(
            tx.conn(),
            &NewEntry {
                owner_party_id: world.org_a,
                action: "finding.raise".into(),
                record_kind: "finding".into(),
                record_id: Some(1),
                access: EntryAccess::of(&secret, Some(1)),
                ..entry(1)
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let sees = |seq: i64| {
            let store = &store;
            let auditor = auditor_a.clone();
            async move {
                let mut conn = store.read().await.unwrap();
                audit::list(
                    &mut conn,
                    &auditor,
                    &audit::AuditFilter {
                        record_kind: Some("finding".into()),
                        ..Default::default()
                    },
                    Default::default(),
                )
                .await
                .unwrap()
                .items
                .iter()
                .any(|e| e.seq == seq)
            }
        };
        assert!(!sees(first).await, "{:?}", store.engine());
        secret.need_to_know = false;
        let mut tx = store.write().await.unwrap();
        audit::remark(tx.conn(), &EntryAccess::of(&secret, Some(1)))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(sees(first).await, "{:?}", store.engine());
        secret.classification = 3;
        let mut tx = store.write().await.unwrap();
        let second = audit::append(
            tx.conn(),
            &NewEntry {
                owner_party_id: world.org_a,
                action: "finding.update".into(),
                record_kind: "finding".into(),
                record_id: Some(1),
                access: EntryAccess::of(&secret, Some(1)),
                ..entry(1)
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert!(
            !sees(first).await && !sees(second).await,
            "{:?}",
            store.engine()
        );
        assert!(
            matches!(
                audit::verify(&store).await.unwrap(),
                Verification::Intact { entries } if entries as usize > records.len() + 2
            ),
            "markings are not hashed: the chain stays intact"
        );
    }
}

/// Every word of every vocabulary is stored and read back unchanged on both engines, so the
/// word the API serves, the database holds and the inputs accept is one word.
#[tokio::test]
async fn every_vocabulary_word_is_stored_and_read_back_unchanged() {
    for store in stores().await {
        exec(
            &store,
            "CREATE TABLE vocabulary_words (vocabulary TEXT NOT NULL, word TEXT NOT NULL)",
        )
        .await;
        let all = sems_domain::vocabulary::all();
        let mut tx = store.write().await.unwrap();
        for (name, words) in &all {
            for word in words {
                sqlx::query("INSERT INTO vocabulary_words (vocabulary, word) VALUES ($1, $2)")
                    .bind(*name)
                    .bind(*word)
                    .execute(tx.conn())
                    .await
                    .unwrap();
            }
        }
        tx.commit().await.unwrap();
        let mut conn = store.read().await.unwrap();
        for (name, words) in &all {
            let mut stored: Vec<String> =
                sqlx::query("SELECT word FROM vocabulary_words WHERE vocabulary = $1")
                    .bind(*name)
                    .fetch_all(&mut *conn)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.try_get("word").unwrap())
                    .collect();
            // Sorted here: the engines' collations order underscores differently.
            stored.sort();
            let mut expected: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            expected.sort();
            assert_eq!(stored, expected, "{name} on {:?}", store.engine());
        }
    }
}

/// A stored value the domain refuses (a word no vocabulary has, a malformed day) is an error
/// naming the column, never a panic or a made-up value.
#[tokio::test]
async fn a_row_the_domain_refuses_is_a_decode_error() {
    for store in stores().await {
        let mut tx = store.write().await.unwrap();
        let id = parties::insert(tx.conn(), PartyKind::AirportOperator, "Odd", "ODD")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        exec(
            &store,
            &format!("UPDATE parties SET kind = 'spaceport' WHERE id = {id}"),
        )
        .await;
        let mut conn = store.read().await.unwrap();
        let err = parties::get(&mut conn, id).await.unwrap_err().to_string();
        assert!(err.contains("kind"), "{err} on {:?}", store.engine());
    }
}

/// The action register in the access matrix: an action is read and managed as its source, for
/// every source kind, owner, marking, need-to-know and distribution, on both engines.
#[tokio::test]
async fn action_register_matrix_filter_agrees_with_decide() {
    use sems_storage::actions::{self, ActionValues, Source};
    for store in stores().await {
        let world = build_world(&store).await;
        let is_auth = |p: i64| p == world.authority;
        let someone_in_b = world
            .subjects
            .iter()
            .find(|s| s.party_id == world.org_b)
            .unwrap()
            .person_id;
        let mut records: Vec<(i64, RecordMeta)> = Vec::new();
        let mut tx = store.write().await.unwrap();
        for (k, kind) in sems_domain::action::SOURCES.into_iter().enumerate() {
            // The same source ids for every kind, distributed differently: an action is read
            // as its source of its own kind only (the by-index form must not mix kinds).
            let mut source_id = 500_000;
            for owner in [world.authority, world.org_a, world.org_b] {
                for classification in 0..4 {
                    for ntk in [false, true] {
                        for dist in 0..4 {
                            source_id += 1;
                            let mut meta = RecordMeta::plain(kind, owner, is_auth(owner));
                            meta.classification = classification;
                            meta.need_to_know = ntk;
                            let to = match (dist + k) % 4 {
                                1 => Some(Recipient::Party(world.org_b)),
                                2 => Some(Recipient::Group(world.group_a)),
                                3 => Some(Recipient::Person(someone_in_b)),
                                _ => None,
                            };
                            if let Some(to) = to {
                                groups::distribute(tx.conn(), kind, source_id, to)
                                    .await
                                    .unwrap();
                                match to {
                                    Recipient::Party(p) => meta.distribution.parties.push(p),
                                    Recipient::Group(g) => meta.distribution.groups.push(g),
                                    Recipient::Person(p) => meta.distribution.persons.push(p),
                                }
                            }
                            let id = actions::insert(
                                tx.conn(),
                                &Source {
                                    kind,
                                    id: source_id,
                                    party_id: owner,
                                    classification,
                                    need_to_know: ntk,
                                },
                                &ActionValues {
                                    title: "Fix it",
                                    responsible_person_id: None,
                                    due_on: time::macros::date!(2027 - 01 - 01),
                                    status: sems_domain::action::ActionStatus::Planned,
                                    cost_one_off: 0,
                                    cost_annual: 0,
                                },
                                None,
                            )
                            .await
                            .unwrap();
                            records.push((id, meta));
                        }
                    }
                }
            }
        }
        tx.commit().await.unwrap();
        let mut conn = store.read().await.unwrap();
        for subject in &world.subjects {
            for action in [Action::Read, Action::Update] {
                let mut sql = Sql::new("SELECT ac.id AS id FROM actions ac WHERE ");
                sql.append(&actions::access(subject, action));
                let listed: BTreeSet<i64> = sql
                    .query()
                    .fetch_all(&mut *conn)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.try_get::<i64, _>("id").unwrap())
                    .collect();
                let decided: BTreeSet<i64> = records
                    .iter()
                    .filter(|(_, meta)| decide(subject, action, meta).is_ok())
                    .map(|(id, _)| *id)
                    .collect();
                assert_eq!(
                    listed,
                    decided,
                    "{:?}: the register and decide disagree for {subject:?} doing {action:?}",
                    store.engine()
                );
            }
        }
        // The register's own list goes through the same filter.
        let sm_a = world
            .subjects
            .iter()
            .find(|s| s.party_id == world.org_a && s.roles == vec![Role::SecurityManager])
            .unwrap();
        let page = actions::list(&mut conn, sm_a, &Default::default(), Default::default())
            .await
            .unwrap();
        let expected = records
            .iter()
            .filter(|(_, m)| decide(sm_a, Action::Read, m).is_ok())
            .count();
        assert_eq!(page.total as usize, expected, "{:?}", store.engine());
        // Walked by cursor, the register is the register by pages: for an organisation's
        // reader (rows reached by index, one statement after the cursor) and for the
        // authority's (one range per key).
        let director = world
            .subjects
            .iter()
            .find(|s| s.party_is_authority && s.roles == vec![Role::Director])
            .unwrap();
        for subject in [sm_a, director] {
            use sems_domain::page::PageRequest;
            let filter = Default::default();
            let mut by_pages = Vec::new();
            for n in 1.. {
                let page = actions::list(
                    &mut conn,
                    subject,
                    &filter,
                    PageRequest::new(Some(n), Some(2)),
                )
                .await
                .unwrap();
                if page.items.is_empty() {
                    break;
                }
                by_pages.extend(page.items.into_iter().map(|a| a.id));
            }
            let mut by_cursor = Vec::new();
            let mut request = PageRequest::new(None, Some(2));
            loop {
                let page = actions::list(&mut conn, subject, &filter, request.clone())
                    .await
                    .unwrap();
                by_cursor.extend(page.items.iter().map(|a| a.id));
                match page.next_cursor {
                    Some(c) => request = PageRequest::new(None, Some(2)).after(Some(&c)).unwrap(),
                    None => break,
                }
            }
            assert!(by_pages.len() > 4, "{subject:?} reads several pages");
            assert_eq!(by_cursor, by_pages, "{:?} {subject:?}", store.engine());
        }
    }
}

/// A list walked by cursor gives exactly the rows of its numbered pages, in the same order,
/// for an order mixing directions and kinds of key; a foreign cursor is refused.
#[tokio::test]
async fn a_list_walked_by_cursor_is_the_list_by_pages() {
    use sems_domain::page::PageRequest;
    for store in stores().await {
        let mut tx = store.write().await.unwrap();
        let authority = parties::insert(tx.conn(), PartyKind::Authority, "Authority", "CAA")
            .await
            .unwrap();
        for i in 0..23 {
            // Names repeat, so the id decides between them.
            parties::insert(
                tx.conn(),
                PartyKind::AirportOperator,
                &format!("Airport {}", i % 7),
                &format!("A{i:02}"),
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let subject = everything(authority);
        let filter = parties::PartyFilter::default();
        let mut conn = store.read().await.unwrap();
        let mut by_pages = Vec::new();
        for n in 1..=5 {
            let page = parties::list(
                &mut conn,
                &subject,
                &filter,
                PageRequest::new(Some(n), Some(5)),
            )
            .await
            .unwrap();
            by_pages.extend(page.items.into_iter().map(|p| p.id));
        }
        assert_eq!(by_pages.len(), 24);
        let mut by_cursor = Vec::new();
        let mut request = PageRequest::new(None, Some(5));
        loop {
            let page = parties::list(&mut conn, &subject, &filter, request.clone())
                .await
                .unwrap();
            by_cursor.extend(page.items.iter().map(|p| p.id));
            match page.next_cursor {
                Some(c) => request = PageRequest::new(None, Some(5)).after(Some(&c)).unwrap(),
                None => break,
            }
        }
        assert_eq!(by_cursor, by_pages, "{:?}", store.engine());
        assert_eq!(by_cursor[0], authority, "the authority first");

        // A cursor of another list (two keys where parties have three) is refused.
        let foreign = sems_domain::page::encode_cursor(&[
            sems_domain::page::CursorValue::Int(1),
            sems_domain::page::CursorValue::Int(2),
        ]);
        let refused = parties::list(
            &mut conn,
            &subject,
            &filter,
            PageRequest::new(None, Some(5))
                .after(Some(&foreign))
                .unwrap(),
        )
        .await;
        assert!(matches!(refused, Err(sems_storage::StoreError::Cursor)));
    }
}

/// An activity of the EI totals' matrix, with what the rule reads of it and its results.
struct Counted {
    id: i64,
    meta: RecordMeta,
    overseen: i64,
    performer: sems_domain::oversight::Performer,
    year: &'static str,
    completed: bool,
}

/// The EI sums a reader gets from the totals, and the same counted from the rows `decide`
/// lets them read: by (dimension, performer, organisation / area / year).
type EiSums = std::collections::BTreeMap<(String, String, String), (i64, i64, i64)>;

fn add_sum(sums: &mut EiSums, key: (String, String, String), c: i64, a: i64, i: i64) {
    let s = sums.entry(key).or_default();
    s.0 += c;
    s.1 += a;
    s.2 += i;
}

/// Results per area of every activity: (area, compliant, applicable, items), from its id.
fn results_of(id: i64) -> [(&'static str, i64, i64, i64); 2] {
    [("NASP-01", id % 3, 3, 4), ("NASP-02", 1, 1 + id % 2, 2)]
}

async fn check_ei_totals(store: &Store, world: &World, activities: &[Counted]) -> usize {
    use sems_storage::oversight::ei_totals::{self, Dimension};
    let mut conn = store.read().await.unwrap();
    let mut checked = 0;
    for subject in &world.subjects {
        for party in [None, Some(world.org_a), Some(world.org_b)] {
            let mut from_totals = EiSums::new();
            for s in ei_totals::sums(&mut conn, subject, party, &Dimension::ALL)
                .await
                .unwrap()
            {
                let key = match s.dimension {
                    Dimension::Organisation => s.party_id.unwrap_or(0).to_string(),
                    Dimension::Area | Dimension::Year => s.key.clone(),
                };
                let dimension = format!("{:?}", s.dimension);
                add_sum(
                    &mut from_totals,
                    (dimension, s.performer.as_str().into(), key),
                    s.tally.compliant,
                    s.tally.applicable,
                    s.tally.items,
                );
            }
            let mut from_rows = EiSums::new();
            for a in activities {
                if !a.completed
                    || party.is_some_and(|p| p != a.overseen)
                    || decide(subject, Action::Read, &a.meta).is_err()
                {
                    continue;
                }
                let performer = a.performer.as_str().to_string();
                for (area, c, ap, i) in results_of(a.id) {
                    for (dimension, key) in [
                        ("Organisation", a.overseen.to_string()),
                        ("Area", area.to_string()),
                        ("Year", a.year.to_string()),
                    ] {
                        add_sum(
                            &mut from_rows,
                            (dimension.into(), performer.clone(), key),
                            c,
                            ap,
                            i,
                        );
                    }
                }
            }
            assert_eq!(
                from_totals,
                from_rows,
                "{:?}: the EI totals and counting the rows disagree for {subject:?} over {party:?}",
                store.engine()
            );
            checked += activities.len();
        }
    }
    checked
}

#[tokio::test]
async fn ei_totals_agree_with_counting_the_rows_for_every_reader() {
    use sems_domain::oversight::Performer;
    use sems_storage::oversight::{activities, ei_totals};
    for store in stores().await {
        let world = build_world(&store).await;
        let someone_in_b = world
            .subjects
            .iter()
            .find(|s| s.party_id == world.org_b)
            .unwrap()
            .person_id;
        // Who performs an activity of whom: the State of either organisation, an
        // organisation of itself, a client of its contractor.
        let performers = [
            (world.authority, world.org_a, Performer::Authority),
            (world.authority, world.org_b, Performer::Authority),
            (world.org_a, world.org_a, Performer::SelfEvaluation),
            (world.org_b, world.org_a, Performer::Client),
        ];
        let mut counted = Vec::new();
        let mut id = 0;
        let mut tx = store.write().await.unwrap();
        for (owner, overseen, performer) in performers {
            for classification in 0..4 {
                for ntk in [false, true] {
                    for audience in 0..6 {
                        for year in ["2025", "2026"] {
                            id += 1;
                            // One in seven is still in progress: its results count nowhere.
                            let completed = id % 7 != 0;
                            sqlx::query(
                                "INSERT INTO oversight_activities (id, owner_party_id, overseen_party_id, kind, title,
                                     catalogue_party_id, catalogue_version, status, planned_on, completed_on,
                                     classification, need_to_know, created_at_ms, updated_at_ms, performer)
                                 VALUES ($1, $2, $3, 'inspection', 'Matrix', $4, 1, $5, $6, $7, $8, $9, 0, 0, $10)",
                            )
                            .bind(id)
                            .bind(owner)
                            .bind(overseen)
                            .bind(world.authority)
                            .bind(if completed { "completed" } else { "in_progress" })
                            .bind(format!("{year}-03-01"))
                            .bind(completed.then(|| format!("{year}-03-02")))
                            .bind(classification)
                            .bind(i64::from(ntk))
                            .bind(performer.as_str())
                            .execute(tx.conn())
                            .await
                            .unwrap();
                            for (area, c, a, i) in results_of(id) {
                                sqlx::query("INSERT INTO activity_results (activity_id, area_code, compliant, applicable, items) VALUES ($1, $2, $3, $4, $5)")
                                    .bind(id).bind(area).bind(c).bind(a).bind(i)
                                    .execute(tx.conn()).await.unwrap();
                            }
                            // Distributed to nobody, the organisation overseen, a group, a
                            // person, the organisation and a group, or the same in the other
                            // order: activities alike to the rule share a row of totals.
                            let to: Vec<Recipient> = match audience {
                                1 => vec![Recipient::Party(overseen)],
                                2 => vec![Recipient::Group(world.group_a)],
                                3 => vec![Recipient::Person(someone_in_b)],
                                4 => vec![
                                    Recipient::Party(overseen),
                                    Recipient::Group(world.group_a),
                                ],
                                5 => vec![
                                    Recipient::Group(world.group_a),
                                    Recipient::Party(overseen),
                                ],
                                _ => vec![],
                            };
                            let mut d = Distribution::default();
                            for r in &to {
                                groups::distribute(
                                    tx.conn(),
                                    RecordKind::OversightActivity,
                                    id,
                                    *r,
                                )
                                .await
                                .unwrap();
                                match *r {
                                    Recipient::Party(p) => d.parties.push(p),
                                    Recipient::Group(g) => d.groups.push(g),
                                    Recipient::Person(p) => d.persons.push(p),
                                }
                            }
                            counted.push(Counted {
                                id,
                                meta: RecordMeta {
                                    kind: RecordKind::OversightActivity,
                                    owner_party_id: owner,
                                    owner_is_authority: owner == world.authority,
                                    person_id: None,
                                    classification,
                                    need_to_know: ntk,
                                    distribution: d,
                                    published: false,
                                    raised_by_party_id: None,
                                },
                                overseen,
                                performer,
                                year,
                                completed,
                            });
                        }
                    }
                }
            }
        }
        // The results were written beneath the totals, as a bulk load does: computed once.
        ei_totals::refresh(tx.conn(), None).await.unwrap();
        tx.commit().await.unwrap();
        let mut checked = check_ei_totals(&store, &world, &counted).await;
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) AS n FROM ei_totals")
            .fetch_one(&mut *store.read().await.unwrap())
            .await
            .unwrap();
        assert!(
            rows < (counted.len() * 2) as i64,
            "activities alike to the rule share rows: {rows} rows for {} activities",
            counted.len()
        );

        // What the totals are kept by changes: need-to-know activities are released to the
        // organisation overseen, and activities distributed to nobody are shared with a
        // person. The totals follow in the same transaction.
        let mut tx = store.write().await.unwrap();
        for a in counted.iter_mut() {
            if a.meta.need_to_know && a.id % 2 == 0 {
                activities::release(tx.conn(), a.id).await.unwrap();
                a.meta.need_to_know = false;
                groups::distribute(
                    tx.conn(),
                    RecordKind::OversightActivity,
                    a.id,
                    Recipient::Party(a.overseen),
                )
                .await
                .unwrap();
                a.meta.distribution.parties.push(a.overseen);
            } else if a.meta.distribution == Distribution::default() && a.id % 3 == 0 {
                groups::distribute(
                    tx.conn(),
                    RecordKind::OversightActivity,
                    a.id,
                    Recipient::Person(someone_in_b),
                )
                .await
                .unwrap();
                a.meta.distribution.persons.push(someone_in_b);
            }
        }
        tx.commit().await.unwrap();
        checked += check_ei_totals(&store, &world, &counted).await;
        assert!(checked > 100_000, "checked {checked}");
    }
}

/// The reporting statistics are counted and measured in the database: the medians against
/// hand-computed values (an odd and an even number of reports), the forwarded ones alone for
/// the authority, a report filed before the period left out.
#[tokio::test]
async fn report_tallies_count_and_measure_in_the_database() {
    use sems_domain::report::ReportMode;
    use sems_storage::reports::{self, NewReport};
    const HOUR: i64 = 3_600_000;
    for store in stores().await {
        let mut tx = store.write().await.unwrap();
        let c = tx.conn();
        let org = parties::insert(c, PartyKind::AirportOperator, "Airport A", "AAA")
            .await
            .unwrap();
        reports::ensure_category(c, "perimeter", "Perimeter", 1)
            .await
            .unwrap();
        let since = 1_000 * HOUR;
        // Hours to triage of each report, and whether it was forwarded; the last one was
        // filed before the period.
        let filed = [
            (since + HOUR, Some(1), true, ReportMode::Anonymous),
            (since + 2 * HOUR, Some(5), true, ReportMode::Confidential),
            (since + 3 * HOUR, Some(2), false, ReportMode::Confidential),
            (since + 4 * HOUR, Some(10), true, ReportMode::Identified),
            (since + 5 * HOUR, None, false, ReportMode::Anonymous),
            (since - HOUR, Some(100), true, ReportMode::Anonymous),
        ];
        for (i, (at, triage_hours, forwarded, mode)) in filed.into_iter().enumerate() {
            let id = reports::insert_report(
                c,
                &NewReport {
                    party_id: org,
                    site_id: None,
                    category_code: "perimeter",
                    occurred_at: "2026-03-01T10:00",
                    location: "",
                    what_happened: "A gap in the fence.",
                    reporter_thinks_mandatory: false,
                    mode,
                    reporter_person_id: None,
                    reporter_identity_sealed: None,
                    receipt_hash: &format!("tally-{i}"),
                    forward_due_at_ms: None,
                    triage_due_at_ms: None,
                    rules_version: None,
                    filed_at_ms: at,
                },
            )
            .await
            .unwrap();
            sqlx::query(
                "UPDATE security_reports SET triaged_at_ms = $1, forwarded_at_ms = $2 WHERE id = $3",
            )
            .bind(triage_hours.map(|h| at + h * HOUR))
            .bind(forwarded.then_some(at + 20 * HOUR))
            .bind(id)
            .execute(&mut *c)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let mut conn = store.read().await.unwrap();
        // The organisation's: five reports in the period, four triaged after 1, 2, 5 and 10
        // hours (median 3.5 hours), none closed.
        let own = reports::report_tallies(&mut conn, Some(org), since)
            .await
            .unwrap();
        let count =
            |t: &reports::ReportTallies| -> i64 { t.by_mode.iter().map(|m| m.reports).sum() };
        assert_eq!(count(&own), 5, "{:?}", store.engine());
        assert_eq!(own.by_month.len(), 1);
        assert_eq!(own.by_month[0].month, "2026-03");
        assert_eq!(own.median_ms_to_triage, Some(3.5 * HOUR as f64));
        assert_eq!(own.median_ms_to_close, None);
        let anonymous = own
            .by_mode
            .iter()
            .find(|m| m.mode == ReportMode::Anonymous)
            .map(|m| m.reports);
        assert_eq!(anonymous, Some(2));
        // The authority's: the three forwarded in the period, triaged after 1, 5 and 10 hours.
        let national = reports::report_tallies(&mut conn, None, since)
            .await
            .unwrap();
        assert_eq!(count(&national), 3, "{:?}", store.engine());
        assert_eq!(national.median_ms_to_triage, Some(5.0 * HOUR as f64));
        assert_eq!(
            reports::reports_per_month(&mut conn, None, since)
                .await
                .unwrap(),
            vec![("2026-03".to_string(), 3)]
        );
    }
}

/// Indicators keep every version of their definition, and data series replace a month's
/// value; both lists are filtered by the one access rule, which the matrix checks on the
/// tables themselves.
#[tokio::test]
async fn indicators_keep_their_versions_and_series_their_months() {
    use sems_domain::performance::definition::national_library;
    use sems_domain::performance::Month;
    use sems_storage::performance::{indicators, series};
    for store in stores().await {
        let world = build_world(&store).await;
        let library = national_library();
        let mut tx = store.write().await.unwrap();
        let national = indicators::insert(
            tx.conn(),
            world.authority,
            true,
            &library[0],
            "shipped",
            None,
        )
        .await
        .unwrap();
        let mut own_definition = library[1].clone();
        own_definition.code = "AAA-COVERT".into();
        let own = indicators::insert(tx.conn(), world.org_a, false, &own_definition, "", None)
            .await
            .unwrap();
        indicators::insert(tx.conn(), world.org_b, false, &library[2], "", None)
            .await
            .unwrap();
        let mut changed = library[0].clone();
        changed.name = "Overt test pass rate (screening)".into();
        let version = indicators::publish_version(tx.conn(), national, &changed, "renamed", None)
            .await
            .unwrap();
        assert_eq!(version, 2);
        tx.commit().await.unwrap();
        // One code per owner.
        let mut tx = store.write().await.unwrap();
        assert!(
            indicators::insert(tx.conn(), world.org_a, false, &own_definition, "", None)
                .await
                .is_err(),
            "{:?}: a code twice",
            store.engine()
        );
        drop(tx);
        let mut conn = store.read().await.unwrap();
        let read = indicators::get(&mut conn, national).await.unwrap().unwrap();
        assert_eq!(read.current_version, 2);
        assert_eq!(read.definition, changed);
        assert_eq!(read.name, changed.name);
        let versions = indicators::versions(&mut conn, national).await.unwrap();
        assert_eq!(
            versions.iter().map(|v| v.version).collect::<Vec<_>>(),
            vec![2, 1]
        );
        assert_eq!(versions[1].definition, library[0]);
        assert_eq!(
            indicators::by_code(&mut conn, world.org_a, "AAA-COVERT")
                .await
                .unwrap()
                .map(|i| i.id),
            Some(own)
        );
        // An airport's security manager lists the national library and its own, not the
        // carrier's.
        let manager_a = world
            .subjects
            .iter()
            .find(|s| s.party_id == world.org_a && s.roles == vec![Role::SecurityManager])
            .unwrap()
            .clone();
        let listed = indicators::list(
            &mut conn,
            &manager_a,
            &Default::default(),
            Default::default(),
        )
        .await
        .unwrap();
        let mut codes: Vec<&str> = listed.items.iter().map(|i| i.code.as_str()).collect();
        codes.sort_unstable();
        assert_eq!(codes, vec!["AAA-COVERT", library[0].code.as_str()]);
        let only_national = indicators::list(
            &mut conn,
            &manager_a,
            &indicators::IndicatorFilter {
                national: Some(true),
                ..Default::default()
            },
            Default::default(),
        )
        .await
        .unwrap();
        assert_eq!(only_national.items.len(), 1);
        drop(conn);

        // Series: a month entered again replaces the earlier value.
        let march = Month::parse("2026-03").unwrap();
        let april = Month::parse("2026-04").unwrap();
        let mut tx = store.write().await.unwrap();
        let value = |owner, month: &Month, value| series::NewValue {
            owner_party_id: owner,
            site_id: 0,
            series: "staff_headcount",
            month: month.clone(),
            value,
        };
        let (first, before) = series::upsert(tx.conn(), &value(world.org_a, &march, 410.0), None)
            .await
            .unwrap();
        assert_eq!(before, None);
        let (again, before) = series::upsert(tx.conn(), &value(world.org_a, &march, 412.5), None)
            .await
            .unwrap();
        assert_eq!((again, before), (first, Some(410.0)));
        series::upsert(tx.conn(), &value(world.org_a, &april, 415.0), None)
            .await
            .unwrap();
        series::upsert(tx.conn(), &value(world.org_b, &april, 90.0), None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut conn = store.read().await.unwrap();
        let listed = series::list(
            &mut conn,
            &manager_a,
            &series::SeriesFilter {
                series: Some("staff_headcount".into()),
                ..Default::default()
            },
            Default::default(),
        )
        .await
        .unwrap();
        let values: Vec<(String, f64)> = listed
            .items
            .iter()
            .map(|v| (v.month.clone(), v.value))
            .collect();
        assert_eq!(
            values,
            vec![("2026-04".into(), 415.0), ("2026-03".into(), 412.5)]
        );
        let march_only = series::list(
            &mut conn,
            &manager_a,
            &series::SeriesFilter {
                until: Some(march.clone()),
                ..Default::default()
            },
            Default::default(),
        )
        .await
        .unwrap();
        assert_eq!(march_only.items.len(), 1);

        // The access matrix on the tables themselves.
        let rows = sqlx::query(
            "SELECT id, owner_party_id AS owner, published FROM performance_indicators",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        let records: Vec<(i64, RecordMeta)> = rows
            .iter()
            .map(|r| {
                let owner: i64 = r.try_get("owner").unwrap();
                let published: i64 = r.try_get("published").unwrap();
                let mut m = RecordMeta::plain(
                    RecordKind::PerformanceIndicator,
                    owner,
                    owner == world.authority,
                );
                m.published = published != 0;
                (r.try_get("id").unwrap(), m)
            })
            .collect();
        drop(conn);
        let checked = check_matrix(
            &store,
            &world,
            "performance_indicators pi",
            &indicators::INDICATOR_ACCESS,
            &records,
        )
        .await;
        let mut conn = store.read().await.unwrap();
        let rows = sqlx::query("SELECT id, owner_party_id AS owner FROM data_series_values")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        let records: Vec<(i64, RecordMeta)> = rows
            .iter()
            .map(|r| {
                let owner: i64 = r.try_get("owner").unwrap();
                (
                    r.try_get("id").unwrap(),
                    RecordMeta::plain(RecordKind::DataSeries, owner, owner == world.authority),
                )
            })
            .collect();
        drop(conn);
        let checked = checked
            + check_matrix(
                &store,
                &world,
                "data_series_values dv",
                &series::SERIES_ACCESS,
                &records,
            )
            .await;
        assert!(checked > 1_000, "checked {checked}");
    }
}

/// The facts indicators are computed from are read as stored, on both engines: a completed
/// test's items by area (a covert test once released only), the State's results, a finding with
/// its history, the State's programme, a report, an assessment with the review date each change
/// set, an action, and series by month (the whole organisation's value, else its sites' sum).
#[tokio::test]
async fn an_organisations_facts_are_read_as_stored() {
    use sems_storage::performance::facts;
    for store in stores().await {
        let world = build_world(&store).await;
        let (authority, org) = (world.authority, world.org_a);
        let mut tx = store.write().await.unwrap();
        let c = tx.conn();
        for (id, covert, released) in [(9101, 0, 0), (9102, 1, 0), (9103, 1, 1)] {
            sqlx::query(
                "INSERT INTO oversight_activities (id, owner_party_id, overseen_party_id, kind, title,
                     catalogue_party_id, catalogue_version, covert, released, status, planned_on,
                     completed_on, classification, need_to_know, created_at_ms, updated_at_ms, performer)
                 VALUES ($1, $2, $3, 'test_overt', 'Test', $2, 1, $4, $5, 'completed', '2026-03-01',
                     '2026-03-05', 0, 0, 0, 0, 'authority')",
            )
            .bind(id)
            .bind(authority)
            .bind(org)
            .bind(covert)
            .bind(released)
            .execute(&mut *c)
            .await
            .unwrap();
            for (pos, passed) in [(1, Some(1)), (2, Some(1)), (3, Some(0)), (4, None)] {
                sqlx::query(
                    "INSERT INTO checklist_items (activity_id, position, requirement_code, requirement_title,
                         area_code, test_passed) VALUES ($1, $2, 'R-1', 'R', 'A', $3)",
                )
                .bind(id)
                .bind(pos)
                .bind(passed)
                .execute(&mut *c)
                .await
                .unwrap();
            }
        }
        // Results of the State's tests: the unreleased covert one's stay with its team.
        for activity in [9101, 9102] {
            sqlx::query("INSERT INTO activity_results (activity_id, area_code, compliant, applicable, items) VALUES ($1, 'A', 2, 3, 4)")
                .bind(activity)
                .execute(&mut *c)
                .await
                .unwrap();
        }
        sqlx::query(
            "INSERT INTO findings (id, owner_party_id, raised_by_party_id, activity_id, requirement_code, level,
                 description, status, due_on, created_at_ms, updated_at_ms, need_to_know)
             VALUES (9202, $1, $2, 9102, 'R-2', 'level_1', 'covert', 'open', '2026-03-12', 1000, 1000, 1)",
        )
        .bind(org)
        .bind(authority)
        .execute(&mut *c)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO findings (id, owner_party_id, raised_by_party_id, activity_id, requirement_code, level,
                 description, status, due_on, cap_due_on, created_at_ms, updated_at_ms)
             VALUES (9201, $1, $2, 9101, 'R-1', 'level_1', 'd', 'closed', '2026-03-12', '2026-04-01', 1000, 3000)",
        )
        .bind(org)
        .bind(authority)
        .execute(&mut *c)
        .await
        .unwrap();
        for (id, status, at) in [(9301, "cap_submitted", 2000), (9302, "closed", 3000)] {
            sqlx::query("INSERT INTO finding_history (id, finding_id, status, at_ms) VALUES ($1, 9201, $2, $3)")
                .bind(id)
                .bind(status)
                .bind(at)
                .execute(&mut *c)
                .await
                .unwrap();
        }
        sqlx::query("INSERT INTO report_categories (code, label) VALUES ('facts', 'Facts')")
            .execute(&mut *c)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO security_reports (id, owner_party_id, category_code, occurred_at, what_happened, mode,
                 receipt_hash, status, mandatory, filed_at_ms, triaged_at_ms, forward_due_at_ms,
                 forwarded_at_ms, updated_at_ms)
             VALUES (9401, $1, 'facts', '2026-03-01', 'w', 'anonymous',
                 'facts-9401', 'triaged', 1, 5000, 6000, 7000, 6500, 6500)",
        )
        .bind(org)
        .execute(&mut *c)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO actions (id, owner_party_id, source_kind, source_id, title, due_on, status,
                 completed_on, created_at_ms, updated_at_ms)
             VALUES (9501, $1, 'finding', 9201, 't', '2026-03-20', 'done', '2026-03-25', 4000, 4000)",
        )
        .bind(org)
        .execute(&mut *c)
        .await
        .unwrap();
        let scenario = sems_storage::risk::insert_scenario(
            c,
            &sems_storage::risk::NewScenario {
                party_id: org,
                code: "S-FACTS",
                category: sems_domain::scenario::ScenarioCategory::Explosives,
                title: "t",
                target: "t",
                means: "m",
                perpetrator: sems_domain::scenario::Perpetrator::External,
                description: "d",
                published: false,
                classification: 0,
            },
        )
        .await
        .unwrap();
        let method = sems_domain::risk::RiskMethod::default_method();
        sems_storage::risk::publish_method(c, authority, &method, "", None)
            .await
            .unwrap();
        let values = sems_storage::risk::AssessmentValues {
            method_version: 1,
            likelihood: 3,
            likelihood_rationale: "r".into(),
            consequence_human: 3,
            consequence_economic: 3,
            consequence_political: 3,
            consequence_rationale: "r".into(),
            vulnerability: 3,
            vulnerability_rationale: "r".into(),
            likelihood_proposed: None,
            likelihood_override_reason: String::new(),
            vulnerability_proposed: None,
            vulnerability_override_reason: String::new(),
            evidence: vec![],
            inherent_score: 45,
            inherent_level: "medium",
            residual_score: 27,
            residual_level: "medium",
            next_review_on: "2027-01-01".into(),
            classification: 0,
        };
        let assessment =
            sems_storage::risk::insert_assessment(c, org, None, scenario, &values, None)
                .await
                .unwrap();
        sems_storage::risk::record_assessment_change(
            c,
            assessment,
            None,
            "made",
            None,
            r#"{"next_review_on": "2026-06-30"}"#.into(),
        )
        .await
        .unwrap();
        for (site, month, value) in [(0, "2026-03", 400.0), (0, "2026-04", 410.0)] {
            sqlx::query(
                "INSERT INTO data_series_values (owner_party_id, site_id, series, month, value, entered_at_ms)
                 VALUES ($1, $2, 'staff_headcount', $3, $4, 0)",
            )
            .bind(org)
            .bind(site)
            .bind(month)
            .bind(value)
            .execute(&mut *c)
            .await
            .unwrap();
        }
        let sites: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM sites WHERE owner_party_id = $1 ORDER BY id")
                .bind(org)
                .fetch_all(&mut *c)
                .await
                .unwrap();
        for (site, value) in sites.iter().take(2).zip([1000.0, 250.0]) {
            sqlx::query(
                "INSERT INTO data_series_values (owner_party_id, site_id, series, month, value, entered_at_ms)
                 VALUES ($1, $2, 'departures', '2026-03', $3, 0)",
            )
            .bind(org)
            .bind(*site)
            .bind(value)
            .execute(&mut *c)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();

        let mut conn = store.read().await.unwrap();
        let f = facts::of_organisation(&mut conn, org).await.unwrap();
        let engine = store.engine();
        // The unreleased covert test is not there; each test counts 2 passed, 1 failed.
        let mut tests: Vec<(i64, bool, u64, u64)> = f
            .tests
            .iter()
            .map(|t| (t.activity_id, t.covert, t.passed, t.failed))
            .collect();
        tests.sort_unstable();
        assert_eq!(
            tests,
            vec![(9101, false, 2, 1), (9103, true, 2, 1)],
            "{engine:?}"
        );
        assert_eq!(
            f.ei.iter()
                .map(|r| (r.activity_id, r.compliant, r.applicable))
                .collect::<Vec<_>>(),
            vec![(9101, 2, 3)]
        );
        let finding = &f.findings[0];
        assert_eq!(
            (finding.id, finding.due_on, finding.closed_at_ms()),
            (9201, time::macros::date!(2026 - 04 - 01), Some(3000))
        );
        assert_eq!(finding.history.len(), 2);
        // Nothing of the unreleased covert test: not its results, finding or place in the
        // programme.
        assert_eq!(f.findings.len(), 1);
        assert_eq!(
            f.programme.iter().map(|a| a.id).collect::<Vec<_>>().len(),
            2
        );
        assert!(f.programme.iter().all(|a| a.id != 9102));
        let r = &f.reports[0];
        assert_eq!(
            (r.id, r.mandatory, r.forwarded_at_ms, r.triaged_at_ms),
            (9401, true, Some(6500), Some(6000))
        );
        assert_eq!(
            f.actions
                .iter()
                .map(|a| (a.id, a.completed_on, a.cancelled))
                .collect::<Vec<_>>(),
            vec![(9501, Some(time::macros::date!(2026 - 03 - 25)), false)]
        );
        let a = &f.assessments[0];
        assert_eq!(a.reviews.len(), 1);
        assert_eq!(a.reviews[0].1, time::macros::date!(2026 - 06 - 30));
        assert_eq!(f.series["staff_headcount"]["2026-04"], 410.0);
        assert_eq!(f.series["departures"]["2026-03"], 1250.0, "the sites' sum");
    }
}

/// Values computed per organisation and period are replaced in place and read by the
/// organisation and the authority only; an alert is raised once per period however often it
/// is raised, acknowledged once and escalated once. The matrix covers both tables.
#[tokio::test]
async fn values_are_stored_per_period_and_alerts_raised_once() {
    use sems_domain::performance::alerts::{AlertStatus, Point, Rule};
    use sems_domain::performance::definition::national_library;
    use sems_storage::performance::{alerts, indicators, values};
    for store in stores().await {
        let world = build_world(&store).await;
        let library = national_library();
        let mut tx = store.write().await.unwrap();
        let national = indicators::insert(tx.conn(), world.authority, true, &library[0], "", None)
            .await
            .unwrap();
        for (party, period, value) in [
            (world.org_a, "2026-02", 80.0),
            (world.org_a, "2026-03", 75.0),
            (world.org_b, "2026-03", 60.0),
        ] {
            values::upsert(
                tx.conn(),
                &values::NewValue {
                    indicator_id: national,
                    owner_party_id: party,
                    period: period.into(),
                    version: 1,
                    value,
                    numerator: value,
                    denominator: Some(100.0),
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        }
        // Computed again: replaced, under the version it was computed with.
        values::upsert(
            tx.conn(),
            &values::NewValue {
                indicator_id: national,
                owner_party_id: world.org_a,
                period: "2026-03".into(),
                version: 2,
                value: 3.0,
                numerator: 3.0,
                denominator: Some(4.0),
                note: "recomputed".into(),
            },
        )
        .await
        .unwrap();
        let points = [Point {
            label: "2026-03".into(),
            value: 3.0,
        }];
        let alert = |party| alerts::NewAlert {
            indicator_id: national,
            owner_party_id: party,
            period: "2026-03",
            version: 2,
            rule: Rule::OneBeyondThird,
            line: 40.0,
            points: &points,
            baseline: Some(("2025-01", "2025-12")),
            sentence: "1 month below mean − 3 SD",
        };
        let first = alerts::raise_once(tx.conn(), &alert(world.org_a))
            .await
            .unwrap()
            .expect("raised");
        assert_eq!(
            alerts::raise_once(tx.conn(), &alert(world.org_a))
                .await
                .unwrap(),
            None,
            "{:?}: once per period",
            store.engine()
        );
        alerts::raise_once(tx.conn(), &alert(world.org_b))
            .await
            .unwrap()
            .expect("another organisation's");
        tx.commit().await.unwrap();

        let mut conn = store.read().await.unwrap();
        let stored = values::of_indicator(&mut conn, world.org_a, national)
            .await
            .unwrap();
        assert_eq!(
            stored
                .iter()
                .map(|v| (v.period.as_str(), v.version, v.value, v.denominator))
                .collect::<Vec<_>>(),
            vec![
                ("2026-02", 1, 80.0, Some(100.0)),
                ("2026-03", 2, 3.0, Some(4.0))
            ]
        );
        let manager_a = world
            .subjects
            .iter()
            .find(|s| s.party_id == world.org_a && s.roles == vec![Role::SecurityManager])
            .unwrap()
            .clone();
        // An organisation reads its own values only, even when asking for another's.
        let own = values::of_organisation(&mut conn, &manager_a, world.org_a, None, "2026-01")
            .await
            .unwrap();
        assert_eq!(own.len(), 2);
        let others = values::of_organisation(&mut conn, &manager_a, world.org_b, None, "2026-01")
            .await
            .unwrap();
        assert!(others.is_empty());
        let seen: Vec<i64> = values::of_period(&mut conn, &manager_a, &[national], "2026-03")
            .await
            .unwrap()
            .iter()
            .map(|v| v.owner_party_id)
            .collect();
        assert_eq!(seen, vec![world.org_a]);
        let mut every = values::all_of_period(&mut conn, national, "2026-03")
            .await
            .unwrap();
        every.sort_by(f64::total_cmp);
        assert_eq!(every, vec![3.0, 60.0]);
        let read = alerts::get(&mut conn, first).await.unwrap().unwrap();
        assert_eq!(
            (
                read.rule,
                read.status,
                read.points.0.clone(),
                read.action_id
            ),
            (
                Rule::OneBeyondThird,
                AlertStatus::Open,
                points.to_vec(),
                None
            )
        );
        let listed = alerts::list(
            &mut conn,
            &manager_a,
            &Default::default(),
            Default::default(),
        )
        .await
        .unwrap();
        assert_eq!(
            listed.items.iter().map(|a| a.id).collect::<Vec<_>>(),
            vec![first]
        );
        drop(conn);

        // Escalated once; an acknowledged alert is not escalated.
        let mut tx = store.write().await.unwrap();
        let due = alerts::unacknowledged_unescalated(tx.conn(), i64::MAX, 10)
            .await
            .unwrap();
        assert_eq!(due.len(), 2);
        let today = sems_domain::util::today();
        assert!(alerts::claim_escalation(tx.conn(), first, today)
            .await
            .unwrap());
        assert!(!alerts::claim_escalation(tx.conn(), first, today)
            .await
            .unwrap());
        let second = due.iter().find(|a| a.id != first).unwrap().id;
        let person = world.subjects[0].person_id;
        assert!(alerts::acknowledge(tx.conn(), second, person, "seen")
            .await
            .unwrap());
        assert!(!alerts::acknowledge(tx.conn(), second, person, "again")
            .await
            .unwrap());
        assert!(!alerts::claim_escalation(tx.conn(), second, today)
            .await
            .unwrap());
        tx.commit().await.unwrap();

        let mut checked = 0;
        for (table, kind, from, access) in [
            (
                "indicator_values",
                RecordKind::IndicatorValue,
                "indicator_values iv",
                &values::VALUE_ACCESS,
            ),
            (
                "performance_alerts",
                RecordKind::PerformanceAlert,
                "performance_alerts al",
                &alerts::ALERT_ACCESS,
            ),
        ] {
            let mut conn = store.read().await.unwrap();
            let rows = sqlx::query(&format!("SELECT id, owner_party_id AS owner FROM {table}"))
                .fetch_all(&mut *conn)
                .await
                .unwrap();
            drop(conn);
            let records: Vec<(i64, RecordMeta)> = rows
                .iter()
                .map(|r| {
                    let owner: i64 = r.try_get("owner").unwrap();
                    (
                        r.try_get("id").unwrap(),
                        RecordMeta::plain(kind, owner, owner == world.authority),
                    )
                })
                .collect();
            checked += check_matrix(&store, &world, from, access, &records).await;
        }
        assert!(checked > 200, "checked {checked}");
    }
}

/// Two transactions of PostgreSQL refreshing one organisation's EI totals at the same moment
/// (two activities completed together) wait for each other: the second counts the first's
/// results too, and neither fails on the rows the other wrote. (SQLite has one writer.)
#[tokio::test]
async fn concurrent_refreshes_of_an_organisations_ei_totals_count_everything() {
    use sems_storage::oversight::ei_totals;
    for store in stores().await {
        if store.engine() != sems_storage::Engine::Postgres {
            continue;
        }
        let world = build_world(&store).await;
        let complete = |id: i64| {
            let store = store.clone();
            let (owner, overseen) = (world.authority, world.org_a);
            async move {
                let mut tx = store.write().await.unwrap();
                sqlx::query(
                    "INSERT INTO oversight_activities (id, owner_party_id, overseen_party_id, kind, title,
                         catalogue_party_id, catalogue_version, status, planned_on, completed_on,
                         classification, need_to_know, created_at_ms, updated_at_ms, performer)
                     VALUES ($1, $2, $3, 'inspection', 'Concurrent', $2, 1, 'completed', '2026-03-01',
                             '2026-03-02', 0, 0, 0, 0, 'authority')",
                )
                .bind(id)
                .bind(owner)
                .bind(overseen)
                .execute(tx.conn())
                .await
                .unwrap();
                sqlx::query("INSERT INTO activity_results (activity_id, area_code, compliant, applicable, items) VALUES ($1, 'NASP-01', 3, 4, 5)")
                    .bind(id)
                    .execute(tx.conn())
                    .await
                    .unwrap();
                ei_totals::refresh(tx.conn(), Some(overseen))
                    .await
                    .map(|_| tx)
            }
        };
        // The first transaction refreshes and holds on; the second starts its refresh, then
        // the first commits.
        let first = complete(1).await.expect("the first refresh");
        let second = complete(2);
        let commit_first = async {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            first.commit().await.unwrap();
        };
        let (second, ()) = tokio::join!(second, commit_first);
        second
            .expect("the second refresh waits for the first and succeeds")
            .commit()
            .await
            .unwrap();
        let mut conn = store.read().await.unwrap();
        let items: i64 = sqlx::query_scalar(
            "SELECT CAST(SUM(items) AS BIGINT) AS n FROM ei_totals WHERE dimension = 'year' AND overseen_party_id = $1",
        )
        .bind(world.org_a)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(items, 10, "both activities' five items are counted");
    }
}

/// The personnel register, training records and background checks are read through the one
/// access rule as personal data: the employer's training officer and security manager, the
/// person of a linked account, an inspector assigned to the employer; on both engines.
#[tokio::test]
async fn personnel_and_their_records_follow_the_access_rule() {
    use sems_domain::training::{CheckLevel, CheckOutcome, Function};
    use sems_storage::training::{personnel, records};
    for store in stores().await {
        let mut world = build_world(&store).await;
        // An inspector assigned to the first organisation.
        let inspector = world
            .subjects
            .iter()
            .find(|s| s.party_is_authority && s.roles == vec![Role::Inspector])
            .cloned()
            .expect("an inspector");
        world.subjects.push(Subject {
            oversees: vec![world.org_a],
            ..inspector
        });
        let mut metas = Vec::new();
        let mut tx = store.write().await.unwrap();
        for owner in [world.org_a, world.org_b] {
            let account = world
                .subjects
                .iter()
                .find(|s| s.party_id == owner && s.roles == vec![Role::Staff])
                .map(|s| s.person_id)
                .expect("a staff member");
            let account = Some(account);
            for (n, linked) in [(1, account), (2, None)] {
                let id = personnel::insert(
                    tx.conn(),
                    owner,
                    &personnel::PersonnelValues {
                        site_id: None,
                        employee_number: &format!("E{owner}-{n}"),
                        full_name: "Sam Screener",
                        person_id: linked,
                        started_on: time::macros::date!(2024 - 01 - 15),
                        active: true,
                    },
                )
                .await
                .unwrap();
                personnel::set_functions(
                    tx.conn(),
                    id,
                    &[personnel::HeldFunction {
                        function: Function::ScreenerPersons,
                        since: time::macros::date!(2024 - 02 - 01),
                        last_exercised_on: None,
                    }],
                )
                .await
                .unwrap();
                records::insert_record(
                    tx.conn(),
                    &records::NewRecord {
                        personnel_id: id,
                        course_code: "IRT",
                        completed_on: time::macros::date!(2026 - 11 - 02),
                        hours: 1.5,
                        passed: true,
                        score: None,
                        instructor_personnel_id: None,
                        provider: "",
                        evidence_sha256: None,
                        programme_version: 1,
                    },
                    None,
                )
                .await
                .unwrap();
                records::insert_check(
                    tx.conn(),
                    &records::NewCheck {
                        personnel_id: id,
                        level: CheckLevel::Enhanced,
                        completed_on: time::macros::date!(2024 - 01 - 10),
                        valid_until: time::macros::date!(2029 - 01 - 10),
                        outcome: CheckOutcome::Cleared,
                    },
                    None,
                )
                .await
                .unwrap();
                let mut m = RecordMeta::plain(RecordKind::Personnel, owner, false);
                m.person_id = linked;
                metas.push((id, m));
            }
        }
        tx.commit().await.unwrap();
        let mut checked = 0;
        for (table, cols) in [
            ("personnel pn", &personnel::PERSONNEL_ACCESS),
            ("training_records tr", &records::RECORD_ACCESS),
            ("background_checks bc", &records::CHECK_ACCESS),
        ] {
            checked += check_matrix(&store, &world, table, cols, &metas).await;
        }
        assert!(checked > 100, "checked {checked}");
        // The lists: a training officer sees the employer's two, with their functions.
        let officer = world
            .subjects
            .iter()
            .find(|s| s.party_id == world.org_a && s.roles == vec![Role::TrainingOfficer])
            .cloned()
            .expect("a training officer");
        {
            let mut conn = store.read().await.unwrap();
            let listed = personnel::list(
                &mut conn,
                &officer,
                &personnel::PersonnelFilter {
                    function: Some(Function::ScreenerPersons),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap();
            assert_eq!(listed.items.len(), 2);
            let first = listed.items[0].id;
            assert_eq!(
                records::records_of(&mut conn, &officer, first)
                    .await
                    .unwrap()
                    .len(),
                1
            );
            assert_eq!(
                records::checks_of(&mut conn, &officer, first)
                    .await
                    .unwrap()
                    .len(),
                1
            );
            assert_eq!(
                personnel::functions(&mut conn, first).await.unwrap().len(),
                1
            );
        }
        standings_are_read_as_their_persons(&store, &world, &metas, &officer).await;
        culture_surveys_are_read_by_their_organisation_and_the_authority(&store, &world).await;
    }
}

/// Culture surveys through the access rule: the organisation's readers and the authority.
async fn culture_surveys_are_read_by_their_organisation_and_the_authority(
    store: &Store,
    world: &World,
) {
    use sems_domain::training::survey::default_question_bank;
    use sems_storage::training::surveys;
    let mut tx = store.write().await.unwrap();
    let mut metas = Vec::new();
    let bank = default_question_bank();
    for owner in [world.org_a, world.org_b, world.authority] {
        let id = surveys::insert(
            tx.conn(),
            &surveys::NewSurvey {
                owner_party_id: owner,
                site_id: None,
                function: None,
                title: "Culture",
                opens_on: time::macros::date!(2026 - 11 - 01),
                closes_on: time::macros::date!(2026 - 11 - 20),
                bank_version: 1,
                questions: &bank,
                invited: 6,
            },
            None,
        )
        .await
        .unwrap();
        metas.push((
            id,
            RecordMeta::plain(RecordKind::CultureSurvey, owner, owner == world.authority),
        ));
    }
    tx.commit().await.unwrap();
    let checked = check_matrix(
        store,
        world,
        "culture_surveys cs",
        &surveys::SURVEY_ACCESS,
        &metas,
    )
    .await;
    assert!(checked > 50);
}

/// Standings computed by the domain, stored, read through the access rule, listed as due,
/// counted for compliance; a lapse and a notice claimed once; the gate read with the subject.
async fn standings_are_read_as_their_persons(
    store: &Store,
    world: &World,
    metas: &[(i64, RecordMeta)],
    officer: &Subject,
) {
    use sems_domain::training::assess::{self, Completion, GateDates, Held, RequirementKind};
    use sems_domain::training::currency::Currency;
    use sems_domain::training::programme::default_programme;
    use sems_domain::training::Function;
    use sems_storage::training::{gates, standings};
    use time::macros::date;
    let today = date!(2026 - 12 - 06);
    let programme = default_programme();
    let held = [Held {
        function: Function::ScreenerPersons,
        last_exercised_on: None,
    }];
    let irt = [Completion {
        course: "IRT",
        on: date!(2026 - 11 - 02),
        hours: 1.5,
        passed: true,
    }];
    let mut tx = store.write().await.unwrap();
    for (id, _) in metas {
        let check = assess::CheckDone {
            level: sems_domain::training::CheckLevel::Enhanced,
            completed_on: date!(2024 - 01 - 10),
            valid_until: date!(2029 - 01 - 10),
            outcome: sems_domain::training::CheckOutcome::Cleared,
        };
        let mut assessed = assess::assess(&programme, &held, &irt, &[check], today);
        // The first person's certification lapsed on 1 December.
        if *id == metas[0].0 {
            let cert = assessed
                .iter_mut()
                .find(|a| a.kind == RequirementKind::Certification)
                .unwrap();
            cert.standing.currency = Currency::Lapsed;
            cert.standing.due = Some(date!(2026 - 09 - 01));
            cert.standing.lapses_on = Some(date!(2026 - 12 - 01));
        }
        standings::write(tx.conn(), *id, &assessed, today)
            .await
            .unwrap();
        // Written again: updated in place, nothing doubled.
        standings::write(tx.conn(), *id, &assessed, today)
            .await
            .unwrap();
    }
    for party in [world.org_a, world.org_b] {
        standings::recount(tx.conn(), party).await.unwrap();
    }
    tx.commit().await.unwrap();
    let checked = check_matrix(
        store,
        world,
        "training_standings ts",
        &standings::STANDING_ACCESS,
        metas,
    )
    .await;
    assert!(checked > 50);
    let mut conn = store.read().await.unwrap();
    // The officer's due list: their organisation's two people, never-done first.
    let due = standings::due_list(&mut conn, officer, &Default::default(), Default::default())
        .await
        .unwrap();
    assert!(due.items.iter().all(|r| r.owner_party_id == world.org_a));
    let per_person = due.items.len() / 2;
    assert!(per_person >= 4, "{per_person}");
    assert!(due.items[0].due_on.is_none());
    let lapsed = standings::due_list(
        &mut conn,
        officer,
        &standings::DueFilter {
            currency: Some(Currency::Lapsed),
            ..Default::default()
        },
        Default::default(),
    )
    .await
    .unwrap();
    assert_eq!(lapsed.items.len(), 1);
    assert_eq!(lapsed.items[0].kind, RequirementKind::Certification);
    // The counts: two screeners of the first organisation, each once in the '' rows.
    let counts = standings::compliance_totals(&mut conn, Some(world.org_a))
        .await
        .unwrap();
    let of = |counts: &[standings::ComplianceTotal], function: &str, kind, currency| {
        counts
            .iter()
            .filter(|c| c.function == function && c.kind == kind && c.currency == currency)
            .map(|c| c.personnel)
            .sum::<i64>()
    };
    assert_eq!(
        of(
            &counts,
            "screener_persons",
            RequirementKind::ImageTraining,
            Currency::Overdue
        ),
        2
    );
    assert_eq!(
        of(
            &counts,
            "",
            RequirementKind::Certification,
            Currency::Lapsed
        ),
        1
    );
    assert_eq!(
        of(
            &counts,
            "",
            RequirementKind::Certification,
            Currency::Overdue
        ),
        1
    );
    let national = standings::compliance_totals(&mut conn, None).await.unwrap();
    assert_eq!(
        of(
            &national,
            "",
            RequirementKind::Certification,
            Currency::Overdue
        ),
        3
    );
    let by_party = standings::compliance_by_party(&mut conn).await.unwrap();
    assert!(by_party.iter().any(|r| r.owner_party_id == world.org_b
        && r.kind == RequirementKind::Certification
        && r.personnel == 2));
    drop(conn);
    // A lapse is claimed once; a notice likewise.
    let mut tx = store.write().await.unwrap();
    let first = metas[0].0;
    let lapses = standings::unclaimed_lapses(tx.conn(), first).await.unwrap();
    assert_eq!(lapses.len(), 1);
    assert!(
        standings::claim_withdrawal(tx.conn(), lapses[0].id, &lapses[0].lapses_on)
            .await
            .unwrap()
    );
    assert!(
        !standings::claim_withdrawal(tx.conn(), lapses[0].id, &lapses[0].lapses_on)
            .await
            .unwrap()
    );
    assert!(standings::unclaimed_lapses(tx.conn(), first)
        .await
        .unwrap()
        .is_empty());
    assert!(standings::unsent_notices(tx.conn(), first)
        .await
        .unwrap()
        .is_empty());
    // Only the check changes by itself: due soon 60 days before 10 January 2029.
    assert!(standings::changing_by(tx.conn(), today, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        standings::changing_by(tx.conn(), date!(2030 - 01 - 01), 10)
            .await
            .unwrap()
            .len(),
        metas.len()
    );
    // The gate: the first organisation's staff member's awareness lapsed.
    let staff = metas[0].1.person_id.unwrap();
    gates::write(
        tx.conn(),
        staff,
        1,
        true,
        &GateDates {
            awareness_until: Some(date!(2026 - 12 - 01)),
            check_until: Some(date!(2029 - 01 - 10)),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut conn = store.read().await.unwrap();
    let subject = people::subject(&mut conn, staff).await.unwrap().unwrap();
    let gate = subject.gate.expect("shut");
    assert_eq!(gate.from_classification, 1);
    assert!(gate.shut.contains("lapsed on 2026-12-01"), "{}", gate.shut);
    let other = metas[2].1.person_id.unwrap();
    assert!(people::subject(&mut conn, other)
        .await
        .unwrap()
        .unwrap()
        .gate
        .is_none());
}

#[tokio::test]
async fn shared_items_are_read_by_their_issuer_and_whom_they_were_distributed_to() {
    use sems_domain::sharing::directive::DirectiveStatus;
    use sems_domain::sharing::tlp::Tlp;
    use sems_domain::sharing::ItemKind;
    use sems_storage::sharing::{access_log, items};
    for store in stores().await {
        let world = build_world(&store).await;
        let someone_in_b = world
            .subjects
            .iter()
            .find(|s| s.party_id == world.org_b)
            .map(|s| s.person_id)
            .unwrap();
        let mut metas = Vec::new();
        let mut tx = store.write().await.unwrap();
        let mut n = 0;
        for owner in [world.authority, world.org_a] {
            for classification in [0, 1, 2] {
                for need_to_know in [false, true] {
                    for audience in 0..4 {
                        n += 1;
                        let id = items::insert(
                            tx.conn(),
                            &items::NewItem {
                                owner_party_id: owner,
                                kind: ItemKind::ThreatBulletin,
                                title: &format!("Bulletin {n}"),
                                summary: "A summary",
                                body: "",
                                tlp: Tlp::Amber,
                                classification,
                                need_to_know,
                                status: DirectiveStatus::Issued,
                                effective_on: None,
                                acknowledge_by: None,
                                implement_by: None,
                                expires_on: None,
                                recipients_visible: false,
                                audience: &[],
                                threat_category: None,
                                proposed_level: None,
                                lesson_source: None,
                                supersedes_id: None,
                            },
                            None,
                        )
                        .await
                        .unwrap();
                        let mut meta = RecordMeta::plain(
                            RecordKind::SharedItem,
                            owner,
                            owner == world.authority,
                        );
                        meta.classification = classification;
                        meta.need_to_know = need_to_know;
                        let to = match audience {
                            1 => Some(Recipient::Group(world.group_a)),
                            2 => Some(Recipient::Person(someone_in_b)),
                            _ => None,
                        };
                        if audience == 3 {
                            // A grant that expired yesterday: read as not distributed.
                            let grant = groups::Grant {
                                reason: "expired",
                                expires_on: Some(
                                    sems_domain::util::today() - time::Duration::days(1),
                                ),
                                by: None,
                            };
                            groups::distribute_with(
                                tx.conn(),
                                RecordKind::SharedItem,
                                id,
                                Recipient::Person(someone_in_b),
                                &grant,
                            )
                            .await
                            .unwrap();
                        }
                        if let Some(to) = to {
                            groups::distribute(tx.conn(), RecordKind::SharedItem, id, to)
                                .await
                                .unwrap();
                            match to {
                                Recipient::Group(g) => meta.distribution.groups.push(g),
                                Recipient::Person(p) => meta.distribution.persons.push(p),
                                Recipient::Party(p) => meta.distribution.parties.push(p),
                            }
                        }
                        metas.push((id, meta));
                    }
                }
            }
        }
        tx.commit().await.unwrap();
        let checked = check_matrix(
            &store,
            &world,
            "shared_items si",
            &items::ITEM_ACCESS,
            &metas,
        )
        .await;
        assert!(checked > 1000, "{checked}");
        // The inbox of the person named: the items distributed to them within their clearance.
        let person = world
            .subjects
            .iter()
            .find(|s| s.person_id == someone_in_b)
            .cloned()
            .unwrap();
        let mut conn = store.read().await.unwrap();
        let inbox = items::list(&mut conn, &person, &Default::default(), Default::default())
            .await
            .unwrap();
        assert!(!inbox.items.is_empty());
        assert!(inbox
            .items
            .iter()
            .all(|i| i.classification <= person.clearance));
        // Every subject's inbox is exactly the items distributed to them by name or group
        // (not expired) that the rule lets them read.
        for subject in &world.subjects {
            let mut found: Vec<i64> = sems_storage::sharing::inbox::inbox(
                &mut conn,
                subject,
                sems_storage::sharing::inbox::InboxShow::All,
                sems_domain::util::today(),
                sems_domain::page::PageRequest::new(Some(1), Some(200)),
            )
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|i| i.item.id)
            .collect();
            found.sort_unstable();
            let mut expected: Vec<i64> = metas
                .iter()
                .filter(|(_, m)| {
                    let named = m.distribution.persons.contains(&subject.person_id)
                        || m.distribution
                            .groups
                            .iter()
                            .any(|g| subject.groups.contains(g));
                    named && decide(subject, Action::Read, m).is_ok()
                })
                .map(|(id, _)| *id)
                .collect();
            expected.sort_unstable();
            assert_eq!(found, expected, "inbox of {}", subject.person_id);
        }
        drop(conn);
        // Each read leaves one entry of the access log.
        let first = metas[0].0;
        let mut tx = store.write().await.unwrap();
        access_log::append(
            tx.conn(),
            RecordKind::SharedItem,
            first,
            world.authority,
            someone_in_b,
            world.org_b,
            "view",
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let mut conn = store.read().await.unwrap();
        let log = access_log::of_record(&mut conn, RecordKind::SharedItem, first, 10)
            .await
            .unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(
            (log[0].person_id, log[0].action.as_str()),
            (someone_in_b, "view")
        );
    }
}
