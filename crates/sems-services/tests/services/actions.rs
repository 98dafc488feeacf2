//! The corrective-action register across modules, on SQLite and PostgreSQL: risk mitigation
//! and report corrective actions in one list through the access rule, completion with
//! evidence, the effectiveness check, and escalation once.

use crate::common;
use sems_domain::access::RecordKind;
use sems_domain::action::{ActionStatus, Effectiveness};
use sems_services::actions::{CompleteInput, EffectivenessInput};
use sems_services::reports::{CloseInput, CorrectiveActionInput, ReportInput, TriageInput};
use sems_services::ServiceError;
use sems_storage::actions::ActionFilter;

fn today() -> String {
    sems_domain::util::format_date(sems_domain::util::today())
}

#[tokio::test]
async fn one_register_holds_every_modules_actions() {
    for s in common::services().await {
        // The cargo agent's mitigation actions, from the demo (one of them overdue).
        let swc = common::actor(&s, "swc.security").await;
        let register = s
            .action_register(&swc, &Default::default(), Default::default())
            .await
            .unwrap();
        assert!(register.total >= 2, "{}", register.total);
        assert!(register
            .items
            .iter()
            .all(|v| v.action.source_kind == RecordKind::RiskAssessment));
        let overdue = s
            .action_register(
                &swc,
                &ActionFilter {
                    overdue_on: Some(sems_domain::util::today()),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap();
        assert_eq!(overdue.total, 1);
        let late = &overdue.items[0];
        assert!(late.overdue && late.allowed.complete && !late.allowed.check);
        // Escalation tells, once, of what is past its date in every module.
        assert!(s.escalate_overdue_actions().await.unwrap() >= 1);
        assert_eq!(s.escalate_overdue_actions().await.unwrap(), 0, "once");
        // The accountable executive it was escalated to finds it on the home page; the
        // security manager has the overdue line, not the escalation.
        let executive = common::actor(&s, "swc.executive").await;
        let agenda = s.agenda(&executive).await.unwrap();
        let escalated = agenda
            .iter()
            .find(|a| a.heading == "Corrective actions escalated to you")
            .expect("the executive's escalations");
        assert!(escalated
            .items
            .iter()
            .any(|i| i.link == format!("/actions/{}", late.action.id) && i.late));
        assert!(!s
            .agenda(&swc)
            .await
            .unwrap()
            .iter()
            .any(|a| a.heading.contains("escalated to you")));
        let filtered = s
            .action_register(
                &executive,
                &ActionFilter {
                    escalated: true,
                    open: true,
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap();
        assert_eq!(filtered.total, 1);
        // Another organisation does not see them.
        let npt = common::actor(&s, "npt.security").await;
        assert!(matches!(
            s.register_action(&npt, late.action.id).await,
            Err(ServiceError::NotFound(_))
        ));

        // A report closed with a corrective action: in the register of who reads reports.
        let staff = common::actor(&s, "npt.staff").await;
        let handler = common::actor(&s, "npt.handler").await;
        let filed = s
            .reporting()
            .file_report(
                &staff,
                npt.party_id().unwrap(),
                &ReportInput {
                    category: "access_control".into(),
                    occurred_at: format!("{}T07:30", today()),
                    location: "Staff door 4".into(),
                    what_happened: "The staff door was propped open.".into(),
                    mode: "identified".into(),
                    ..Default::default()
                },
                vec![],
            )
            .await
            .unwrap();
        s.reporting()
            .triage_report(
                &handler,
                filed.report_id,
                &TriageInput {
                    category: "access_control".into(),
                    severity: "low".into(),
                    mandatory: false,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        s.reporting()
            .close_report(
                &handler,
                filed.report_id,
                &CloseInput {
                    outcome: "Door alarm to be fitted".into(),
                    just_culture: "training_need".into(),
                    corrective_actions: vec![CorrectiveActionInput {
                        title: "Fit a door alarm at door 4".into(),
                        due_on: today(),
                        responsible_person_id: None,
                    }],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let from_reports = ActionFilter {
            source_kind: Some(RecordKind::SecurityReport),
            ..Default::default()
        };
        let seen = s
            .action_register(&npt, &from_reports, Default::default())
            .await
            .unwrap();
        let door = seen
            .items
            .iter()
            .find(|v| v.action.title == "Fit a door alarm at door 4")
            .expect("the report's action is in the register");
        assert_eq!(door.source_link, format!("/reports/{}", filed.report_id));
        // It does not stay open for ever: the security manager completes it with its evidence
        // and checks whether it worked, as any action of the register.
        assert!(door.allowed.complete && !door.allowed.check);
        let door_id = door.action.id;
        let done = s
            .complete_action(
                &npt,
                door_id,
                &CompleteInput {
                    evidence: "Alarm fitted and tested on the night shift".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(done.action.status, ActionStatus::Done);
        assert!(done.allowed.check);
        let worked = s
            .check_action_effectiveness(
                &npt,
                door_id,
                &EffectivenessInput {
                    effective: true,
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        assert_eq!(worked.action.effectiveness, Effectiveness::Effective);
        assert!(!worked.allowed.complete && !worked.allowed.check);
        // The closed report shows where its action stands.
        let closed = s
            .reporting()
            .report_view(&handler, filed.report_id)
            .await
            .unwrap();
        assert_eq!(closed.actions.len(), 1);
        assert_eq!(closed.actions[0].status, ActionStatus::Done);
        let auditor = common::actor(&s, "npt.auditor").await;
        assert_eq!(
            s.action_register(&auditor, &from_reports, Default::default())
                .await
                .unwrap()
                .total,
            0,
            "the quality auditor does not read reports, nor their actions"
        );

        // Completion with evidence, then the effectiveness check, each once.
        let id = late.action.id;
        assert!(matches!(
            s.complete_action(
                &swc,
                id,
                &CompleteInput {
                    evidence: " ".into()
                }
            )
            .await,
            Err(ServiceError::Validation(_))
        ));
        let done = s
            .complete_action(
                &swc,
                id,
                &CompleteInput {
                    evidence: "Screening rota of 14 November, signed".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(done.action.status, ActionStatus::Done);
        assert_eq!(done.action.completed_on, Some(sems_domain::util::today()));
        assert!(done.allowed.check && !done.allowed.complete);
        assert!(matches!(
            s.complete_action(
                &swc,
                id,
                &CompleteInput {
                    evidence: "again".into()
                }
            )
            .await,
            Err(ServiceError::Conflict(_))
        ));
        assert!(matches!(
            s.check_action_effectiveness(
                &swc,
                id,
                &EffectivenessInput {
                    effective: false,
                    note: String::new()
                }
            )
            .await,
            Err(ServiceError::Validation(_))
        ));
        let checked = s
            .check_action_effectiveness(
                &swc,
                id,
                &EffectivenessInput {
                    effective: false,
                    note: "Two staff still entered unscreened in the next test".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(checked.action.effectiveness, Effectiveness::NotEffective);
        assert!(matches!(
            s.check_action_effectiveness(
                &swc,
                id,
                &EffectivenessInput {
                    effective: true,
                    note: String::new()
                }
            )
            .await,
            Err(ServiceError::Conflict(_))
        ));
        // A staff member of the organisation may not manage it.
        let swc_staff = common::actor(&s, "swc.staff").await;
        assert!(s
            .complete_action(
                &swc_staff,
                id,
                &CompleteInput {
                    evidence: "xyz".into()
                }
            )
            .await
            .is_err());
    }
}

/// Two nodes over one database: two stores (pools) with services of their own, as two
/// `sems serve` processes have.
async fn two_nodes(
    engine: sems_storage::Engine,
) -> Option<(sems_services::Services, sems_services::Services)> {
    let demo = sems_testkit::demo();
    let location = demo.copy(engine)?;
    let mut nodes = Vec::new();
    for _ in 0..2 {
        let store = sems_storage::Store::open(&location, 4).await.ok()?;
        let mut s = sems_services::Services::new(store, Default::default());
        s.reporting = Some(demo.reporting.clone());
        s.load_settings().await.ok()?;
        nodes.push(s);
    }
    let second = nodes.pop()?;
    Some((nodes.pop()?, second))
}

async fn count(s: &sems_services::Services, sql: &str) -> i64 {
    let mut conn = s.store.read().await.unwrap();
    let row = sqlx::query(sql).fetch_one(&mut *conn).await.unwrap();
    sqlx::Row::try_get(&row, 0).unwrap()
}

#[tokio::test]
async fn each_overdue_item_is_escalated_once_across_nodes() {
    for engine in [sems_storage::Engine::Sqlite, sems_storage::Engine::Postgres] {
        let Some((a, b)) = two_nodes(engine).await else {
            assert!(
                engine == sems_storage::Engine::Postgres
                    && std::env::var("SEMS_REQUIRE_POSTGRES").is_err(),
                "two nodes on {engine:?}"
            );
            continue;
        };
        // Every open finding awaiting its organisation and every open action made overdue.
        {
            let mut conn = a.store.read().await.unwrap();
            for sql in [
                "UPDATE findings SET due_on = '2001-01-01', cap_due_on = NULL, escalated_on = NULL",
                "UPDATE actions SET due_on = '2001-01-01', escalated_on = NULL",
            ] {
                sqlx::query(sql).execute(&mut *conn).await.unwrap();
            }
        }
        let last_note = count(&a, "SELECT COALESCE(MAX(id), 0) FROM notifications").await;
        let trail =
            |action: &str| format!("SELECT COUNT(*) FROM audit_entries WHERE action = '{action}'");
        let trail_before = [
            count(&a, &trail("finding.escalate")).await,
            count(&a, &trail("action.escalate")).await,
        ];
        // Both nodes' housekeeping at the same moment, over the same overdue items.
        let (oa, ob) = (a.oversight(), b.oversight());
        let (fa, fb, aa, ab) = tokio::join!(
            oa.escalate_overdue_findings(),
            ob.escalate_overdue_findings(),
            a.escalate_overdue_actions(),
            b.escalate_overdue_actions(),
        );
        let findings = fa.unwrap() + fb.unwrap();
        let actions = aa.unwrap() + ab.unwrap();
        let overdue_findings = count(
            &a,
            "SELECT COUNT(*) FROM findings WHERE escalated_on IS NOT NULL",
        )
        .await;
        let overdue_actions = count(
            &a,
            "SELECT COUNT(*) FROM actions WHERE escalated_on IS NOT NULL",
        )
        .await;
        assert!(overdue_findings > 0 && overdue_actions > 0, "{engine:?}");
        assert_eq!(
            findings as i64, overdue_findings,
            "{engine:?}: each finding once"
        );
        assert_eq!(
            actions as i64, overdue_actions,
            "{engine:?}: each action once"
        );
        // Once in the trail each, and each item's notifications sent by one node only.
        for ((action, n), before) in [
            ("finding.escalate", overdue_findings),
            ("action.escalate", overdue_actions),
        ]
        .into_iter()
        .zip(trail_before)
        {
            assert_eq!(
                count(&a, &trail(action)).await - before,
                n,
                "{engine:?} {action}"
            );
        }
        let per_link = count(
            &a,
            &format!(
                "SELECT COALESCE(MAX(n), 0) FROM (SELECT person_id, link, COUNT(*) AS n FROM notifications
                 WHERE id > {last_note} GROUP BY person_id, link) told"
            ),
        )
        .await;
        assert_eq!(per_link, 1, "{engine:?}: nobody told twice of one item");
        // Run again on either node: nothing left to escalate.
        assert_eq!(b.oversight().escalate_overdue_findings().await.unwrap(), 0);
        assert_eq!(a.escalate_overdue_actions().await.unwrap(), 0);
    }
}
