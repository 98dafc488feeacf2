//! The duties that protect reporters and accountability stay apart, on SQLite and
//! PostgreSQL: one person is never both report handler and identity custodian; only the
//! accountable executive (or the administrator) appoints and removes the custodian, recorded
//! and notified; the nominated accountable executive and security manager leave their posts
//! only through the nomination.

use sems_domain::role::Role;
use sems_services::nominations::NominationInput;
use sems_services::people::{NewPersonInput, PersonUpdateInput};
use sems_services::{Actor, ServiceError, Services};
use sems_storage::people;

use crate::common;

async fn services() -> Vec<Services> {
    common::services().await
}

async fn actor(s: &Services, username: &str) -> Actor {
    common::actor(s, username).await
}

async fn person(s: &Services, username: &str) -> people::Person {
    let mut conn = s.store.read().await.unwrap();
    people::by_username(&mut conn, username)
        .await
        .unwrap()
        .unwrap()
}

fn roles(list: &[&str]) -> PersonUpdateInput {
    PersonUpdateInput {
        roles: Some(list.iter().map(|r| r.to_string()).collect()),
        ..Default::default()
    }
}

async fn audit_count(s: &Services, action: &str) -> i64 {
    let mut conn = s.store.read().await.unwrap();
    let row = sqlx::query("SELECT COUNT(*) AS n FROM audit_entries WHERE action = $1")
        .bind(action)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    sqlx::Row::try_get(&row, "n").unwrap()
}

#[tokio::test]
async fn handler_and_custodian_are_never_one_person() {
    for s in services().await {
        let executive = actor(&s, "npt.executive").await;
        let handler = person(&s, "npt.handler").await;
        // Through an edit of the roles, even by the accountable executive.
        let err = s
            .update_person(
                &executive,
                handler.id,
                &roles(&["report_handler", "identity_custodian"]),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, ServiceError::Validation(v) if v.first().field == "roles" && v.first().message.contains("kept apart")),
            "{err:?}"
        );
        // Through an appointment.
        let err = s
            .appoint(&executive, handler.id, Role::IdentityCustodian, "")
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Validation(_)), "{err:?}");
        // The custodian cannot be made a handler either.
        let custodian = person(&s, "npt.custodian").await;
        let err = s
            .update_person(
                &executive,
                custodian.id,
                &roles(&["identity_custodian", "report_handler"]),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Validation(_)), "{err:?}");
        let after = person(&s, "npt.handler").await;
        assert_eq!(after.roles, handler.roles, "nothing changed");
    }
}

#[tokio::test]
async fn only_the_accountable_executive_or_the_administrator_appoints_the_custodian() {
    for s in services().await {
        let security = actor(&s, "npt.security").await;
        let executive = actor(&s, "npt.executive").await;
        let admin = actor(&s, "admin").await;
        let staff = person(&s, "npt.staff").await;
        let npt = staff.party_id;
        let created_before = audit_count(&s, "appointment.create").await;

        // The security manager: neither by an edit, nor by an appointment, nor by creating an
        // account with the role.
        let err = s
            .update_person(
                &security,
                staff.id,
                &roles(&["staff", "identity_custodian"]),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, ServiceError::Forbidden(m) if m.contains("accountable executive")),
            "{err:?}"
        );
        let err = s
            .appoint(&security, staff.id, Role::IdentityCustodian, "")
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");
        let err = s
            .create_person(
                &security,
                &NewPersonInput {
                    party_id: npt,
                    username: "npt.custodian2".into(),
                    display_name: "Second Custodian".into(),
                    password: "a long enough passphrase 2026".into(),
                    roles: vec!["identity_custodian".into()],
                    ..Default::default()
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");
        let mut conn = s.store.read().await.unwrap();
        assert!(people::by_username(&mut conn, "npt.custodian2")
            .await
            .unwrap()
            .is_none());
        drop(conn);
        assert_eq!(audit_count(&s, "appointment.create").await, created_before);
        assert!(!person(&s, "npt.staff")
            .await
            .roles
            .contains(&Role::IdentityCustodian));

        // The accountable executive appoints: recorded, the role given, those concerned told.
        let appointment = s
            .appoint(
                &executive,
                staff.id,
                Role::IdentityCustodian,
                "deputy custodian",
            )
            .await
            .unwrap();
        assert_eq!(appointment.person_id, staff.id);
        assert!(person(&s, "npt.staff")
            .await
            .roles
            .contains(&Role::IdentityCustodian));
        assert_eq!(
            audit_count(&s, "appointment.create").await,
            created_before + 1
        );
        let sm = person(&s, "npt.security").await;
        let told = s.notifications(sm.id, 5).await.unwrap();
        assert!(
            told.iter()
                .any(|n| n.message.contains("appointed identity custodian")),
            "{told:?}"
        );
        let list = s
            .appointments(&security, npt, Default::default())
            .await
            .unwrap();
        assert!(list.items.iter().any(|a| a.id == appointment.id));

        // The security manager cannot end it; removing the role by an edit is refused too.
        let err = s
            .end_appointment(&security, appointment.id)
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");
        let err = s
            .update_person(&security, staff.id, &roles(&["staff"]))
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");

        // The accountable executive ends it; the administrator appoints again.
        let ended = s.end_appointment(&executive, appointment.id).await.unwrap();
        assert!(ended.ended_at_ms.is_some());
        assert!(!person(&s, "npt.staff")
            .await
            .roles
            .contains(&Role::IdentityCustodian));
        let err = s
            .end_appointment(&executive, appointment.id)
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Conflict(_)), "{err:?}");
        s.appoint(&admin, staff.id, Role::IdentityCustodian, "")
            .await
            .unwrap();
        assert_eq!(
            audit_count(&s, "appointment.create").await,
            created_before + 2
        );
    }
}

#[tokio::test]
async fn nominated_persons_leave_their_posts_only_through_the_nomination() {
    for s in services().await {
        let security = actor(&s, "npt.security").await;
        let executive = actor(&s, "npt.executive").await;
        let ae = person(&s, "npt.executive").await;
        let sm = person(&s, "npt.security").await;

        // The security manager removes the accountable executive's role, or deactivates them.
        let err = s
            .update_person(&security, ae.id, &roles(&["staff"]))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, ServiceError::Conflict(m) if m.contains("nominated accountable executive")),
            "{err:?}"
        );
        let err = s
            .update_person(
                &security,
                ae.id,
                &PersonUpdateInput {
                    active: Some(false),
                    ..Default::default()
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Conflict(_)), "{err:?}");
        // Nor may the accountable executive drop the nominated security manager's role.
        let err = s
            .update_person(&executive, sm.id, &roles(&["staff"]))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, ServiceError::Conflict(m) if m.contains("nominated security manager")),
            "{err:?}"
        );
        let after = person(&s, "npt.executive").await;
        assert!(after.active && after.roles == ae.roles, "nothing changed");

        // The security manager can neither replace nor end the accountable executive's
        // nomination: that is the accountable executive's handover.
        let today = sems_domain::util::format_date(sems_domain::util::today());
        let err = s
            .nominate(
                &security,
                ae.party_id,
                &NominationInput {
                    position: "accountable_executive".into(),
                    person_id: ae.id,
                    starts_on: today.clone(),
                    ends_on: None,
                    note: String::new(),
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");
        let mut conn = s.store.read().await.unwrap();
        let open = sems_storage::nominations::open_on(
            &mut conn,
            ae.party_id,
            sems_domain::nomination::NominatedPosition::AccountableExecutive,
            sems_domain::util::today(),
        )
        .await
        .unwrap();
        drop(conn);
        let nomination = open.iter().find(|n| n.person_id == ae.id).unwrap();
        let err = s
            .end_nomination(&security, nomination.id, &today)
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");

        // Once the accountable executive ends their nomination, the account can change.
        s.end_nomination(&executive, nomination.id, "2026-01-01")
            .await
            .unwrap();
        s.update_person(
            &security,
            ae.id,
            &PersonUpdateInput {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn nobody_escalates_themselves_and_the_administrator_holds_no_other_role() {
    for s in services().await {
        let admin = actor(&s, "admin").await;
        let me = person(&s, "admin").await;
        // The administrator cannot give themselves the director role or a clearance.
        for change in [
            roles(&["director"]),
            PersonUpdateInput {
                clearance: Some("SECRET".into()),
                ..Default::default()
            },
        ] {
            let err = s.update_person(&admin, me.id, &change).await.unwrap_err();
            assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");
        }
        let after = person(&s, "admin").await;
        assert_eq!(after.roles, me.roles);
        assert_eq!(after.clearance, me.clearance);
        // Nor make anyone an administrator who reads security content.
        let policy = person(&s, "policy").await;
        let err = s
            .update_person(
                &admin,
                policy.id,
                &roles(&["administrator", "policy_officer"]),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, ServiceError::Validation(v) if v.first().message.contains("no other role")),
            "{err:?}"
        );
        // A change of a group's members by the administrator is told to the group's owners.
        let director = person(&s, "director").await;
        let group = {
            let mut conn = s.store.read().await.unwrap();
            let row = sqlx::query("SELECT id FROM need_to_know_groups ORDER BY id LIMIT 1")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            sqlx::Row::try_get::<i64, _>(&row, "id").unwrap()
        };
        let staff = person(&s, "npt.staff").await;
        s.change_group_member(&admin, group, staff.id, true)
            .await
            .unwrap();
        let told = s.notifications(director.id, 5).await.unwrap();
        assert!(
            told.iter().any(|n| n
                .message
                .contains("deployment administrator added Stan Staff")),
            "{told:?}"
        );
    }
}

/// An authority role or a clearance above the lowest takes effect only when a director of the
/// authority confirms it, never the one who asked nor the one who receives it; the rest of
/// the change applies at once.
#[tokio::test]
async fn authority_roles_and_clearances_wait_for_a_second_person() {
    for s in services().await {
        let admin = actor(&s, "admin").await;
        let director = actor(&s, "director").await;
        let authority = director.party_id().unwrap();
        let new_inspector = s
            .create_person(
                &admin,
                &NewPersonInput {
                    party_id: authority,
                    username: "new.inspector".into(),
                    display_name: "Nell Newcomer".into(),
                    email: String::new(),
                    password: "a long enough passphrase".into(),
                    roles: vec!["inspector".into()],
                    clearance: Some("SECRET".into()),
                },
            )
            .await
            .unwrap();
        assert!(new_inspector.roles.is_empty(), "{:?}", new_inspector.roles);
        assert_eq!(new_inspector.clearance, 0);
        let held = s
            .pending_grant_for(&director, new_inspector.id)
            .await
            .unwrap()
            .expect("held");
        assert_eq!(held.grant.roles, vec![Role::Inspector]);
        assert_eq!(held.clearance_name.as_deref(), Some("SECRET"));
        assert!(held.may_decide);
        // The administrator who asked sees it and cannot confirm it.
        let mine = s.pending_grant_for(&admin, new_inspector.id).await.unwrap();
        assert!(mine.is_some_and(|g| !g.may_decide));
        let err = s
            .decide_grant(&admin, held.grant.id, true, "")
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");
        assert_eq!(audit_count(&s, "person.grant_held").await, 1);
        // The director confirms: the role and the clearance take effect.
        s.decide_grant(&director, held.grant.id, true, "Vetted, starts Monday")
            .await
            .unwrap();
        let confirmed = person(&s, "new.inspector").await;
        assert_eq!(confirmed.roles, vec![Role::Inspector]);
        assert_eq!(confirmed.clearance, 3);
        let err = s
            .decide_grant(&director, held.grant.id, true, "")
            .await
            .unwrap_err();
        assert!(
            matches!(err, ServiceError::Conflict(_)),
            "decided once: {err:?}"
        );

        // An organisation's security manager raising a clearance: the authority confirms.
        let sm = actor(&s, "npt.security").await;
        let analyst = person(&s, "npt.analyst").await;
        let raised = s
            .update_person(
                &sm,
                analyst.id,
                &PersonUpdateInput {
                    display_name: Some("Ana Analyst-Smith".into()),
                    clearance: Some("CONFIDENTIAL".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            raised.display_name, "Ana Analyst-Smith",
            "the rest applies now"
        );
        assert_eq!(raised.clearance, analyst.clearance, "the raise waits");
        let waiting = s.pending_grant_for(&sm, analyst.id).await.unwrap().unwrap();
        assert!(
            !waiting.may_decide,
            "the organisation sees it, the authority decides"
        );
        let listed = s
            .pending_grants(&director, Default::default())
            .await
            .unwrap();
        assert_eq!(listed.total, 1);
        s.decide_grant(
            &director,
            waiting.grant.id,
            false,
            "Not needed for the post",
        )
        .await
        .unwrap();
        assert_eq!(person(&s, "npt.analyst").await.clearance, analyst.clearance);
        assert_eq!(
            s.pending_grants(&director, Default::default())
                .await
                .unwrap()
                .total,
            0
        );

        // A director's own grant waits for another director.
        let policy = person(&s, "policy").await;
        s.update_person(
            &director,
            policy.id,
            &roles(&["policy_officer", "intelligence_analyst"]),
        )
        .await
        .unwrap();
        let own = s
            .pending_grant_for(&director, policy.id)
            .await
            .unwrap()
            .unwrap();
        assert!(!own.may_decide);
        let err = s
            .decide_grant(&director, own.grant.id, true, "")
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");
        assert_eq!(person(&s, "policy").await.roles, vec![Role::PolicyOfficer]);
        // Nobody outside the authority's directors decides, nor reads another party's grants.
        let sky = actor(&s, "sky.security").await;
        assert!(s
            .pending_grant_for(&sky, analyst.id)
            .await
            .unwrap()
            .is_none());
        assert!(s.decide_grant(&sky, own.grant.id, true, "").await.is_err());
    }
}
