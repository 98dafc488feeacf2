//! Oversight services on SQLite and PostgreSQL: the requirements catalogues.

use crate::common;

use sems_services::oversight::requirements::RequirementInput;
use sems_services::ServiceError;

fn entry(code: &str, parent: Option<&str>, level: &str) -> RequirementInput {
    RequirementInput {
        code: code.into(),
        parent: parent.map(str::to_string),
        level: level.into(),
        title: format!("Entry {code}"),
        text: "What is required, in plain words.".into(),
    }
}

#[tokio::test]
async fn catalogues_are_versioned_hierarchical_and_kept_by_their_owners() {
    for s in common::services().await {
        s.oversight().ensure_oversight_defaults().await.unwrap();
        let policy = common::actor(&s, "policy").await;
        let authority = policy.party_id().unwrap();
        let sm = common::actor(&s, "npt.security").await;
        let npt = sm.party_id().unwrap();

        // The shipped programme, read by an organisation.
        let national = s
            .oversight()
            .requirement_catalogue(&sm, authority, None, None)
            .await
            .unwrap();
        assert_eq!(national.version, Some(1));
        assert_eq!(
            national.nodes.len(),
            sems_domain::oversight::DEFAULT_CATALOGUE.len()
        );
        assert_eq!(national.nodes[0].depth, 0);
        let found = s
            .oversight()
            .requirement_catalogue(&sm, authority, None, Some("hold baggage screened"))
            .await
            .unwrap();
        assert!(found
            .nodes
            .iter()
            .any(|n| n.requirement.code == "NASP-04.01"));
        assert!(s
            .oversight()
            .requirement_catalogue(&common::actor(&s, "npt.staff").await, authority, None, None)
            .await
            .is_err());

        // The authority adds one requirement: the next version, the old one unchanged.
        let v2 = s
            .oversight()
            .add_requirement(
                &policy,
                authority,
                &entry("NASP-03.05", Some("NASP-03"), "requirement"),
                "Liquids",
            )
            .await
            .unwrap();
        assert_eq!(v2, 2);
        let now = s
            .oversight()
            .requirement_catalogue(&sm, authority, None, None)
            .await
            .unwrap();
        let codes: Vec<&str> = now
            .nodes
            .iter()
            .map(|n| n.requirement.code.as_str())
            .collect();
        let at = codes.iter().position(|c| *c == "NASP-03.05").unwrap();
        assert_eq!(codes[at - 1], "NASP-03.04", "placed in its chapter");
        assert_eq!(codes[at + 1], "NASP-04");
        let old = s
            .oversight()
            .requirement_catalogue(&sm, authority, Some(1), None)
            .await
            .unwrap();
        assert!(!old.nodes.iter().any(|n| n.requirement.code == "NASP-03.05"));
        assert!(matches!(
            s.oversight()
                .requirement_catalogue(&sm, authority, Some(99), None)
                .await,
            Err(ServiceError::NotFound(_))
        ));

        // Bad input changes nothing.
        let before = s
            .oversight()
            .requirement_catalogue(&policy, authority, None, None)
            .await
            .unwrap()
            .versions
            .len();
        for (bad, expect_conflict) in [
            (entry("NASP-03.06", None, "requirement"), false),
            (entry("NASP-03.06", Some("NASP"), "requirement"), false),
            (entry("NASP-03.06", Some("NASP-99"), "requirement"), false),
            (entry("bad code!", Some("NASP-03"), "requirement"), false),
            (entry("NASP-03.06", Some("NASP-03"), "rule"), false),
            (entry("NASP-03.05", Some("NASP-03"), "requirement"), true),
        ] {
            let refused = s
                .oversight()
                .add_requirement(&policy, authority, &bad, "")
                .await;
            if expect_conflict {
                assert!(
                    matches!(refused, Err(ServiceError::Conflict(_))),
                    "{refused:?}"
                );
            } else {
                assert!(
                    matches!(refused, Err(ServiceError::Validation(_))),
                    "{refused:?}"
                );
            }
        }
        assert!(matches!(
            s.oversight()
                .add_requirement(
                    &sm,
                    authority,
                    &entry("X-1", Some("NASP-03"), "requirement"),
                    ""
                )
                .await,
            Err(ServiceError::Forbidden(_))
        ));
        assert_eq!(
            s.oversight()
                .requirement_catalogue(&policy, authority, None, None)
                .await
                .unwrap()
                .versions
                .len(),
            before
        );

        // An organisation keeps its internal requirements; others do not touch them.
        s.oversight()
            .add_requirement(&sm, npt, &entry("NPT-QC", None, "programme"), "")
            .await
            .unwrap();
        s.oversight()
            .add_requirement(&sm, npt, &entry("NPT-QC-1", Some("NPT-QC"), "chapter"), "")
            .await
            .unwrap();
        s.oversight()
            .add_requirement(
                &sm,
                npt,
                &entry("NPT-QC-1.1", Some("NPT-QC-1"), "requirement"),
                "",
            )
            .await
            .unwrap();
        let internal = s
            .oversight()
            .requirement_catalogue(&sm, npt, None, None)
            .await
            .unwrap();
        assert_eq!(internal.version, Some(3));
        assert_eq!(internal.nodes.len(), 3);
        let sky = common::actor(&s, "sky.security").await;
        assert!(matches!(
            s.oversight()
                .requirement_catalogue(&sky, npt, None, None)
                .await,
            Err(ServiceError::NotFound(_))
        ));
        assert!(s
            .oversight()
            .add_requirement(&sky, npt, &entry("SKY-1", None, "programme"), "")
            .await
            .is_err());
        assert!(s
            .oversight()
            .requirement_catalogue(&common::actor(&s, "inspector").await, npt, None, None)
            .await
            .is_ok());

        // A whole catalogue by CSV: every bad row reported, nothing published; then published.
        let bad = "code,parent,level,title,text\n\
                   NEW,,programme,New programme,\n\
                   NEW-1,NEW,chapter,First chapter,\n\
                   NEW-1.1,NEW-2,requirement,Orphan,No such chapter\n\
                   NEW-1.2,NEW-1,law,Wrong level,\n\
                   NEW-1,NEW,chapter,Twice,\n";
        let report = s
            .oversight()
            .import_requirements(&policy, authority, bad, false, "v3")
            .await
            .unwrap();
        let lines: Vec<usize> = report.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![4, 5, 6], "{:?}", report.errors);
        assert!(!report.imported);
        let good = "code,parent,level,title,text\n\
                    NEW,,programme,New programme,\n\
                    NEW-1,NEW,chapter,First chapter,\n\
                    NEW-1.1,NEW-1,requirement,First requirement,\"Written, with a comma\"\n";
        let dry = s
            .oversight()
            .import_requirements(&policy, authority, good, true, "v3")
            .await
            .unwrap();
        assert!(dry.errors.is_empty() && !dry.imported);
        assert_eq!(
            s.oversight()
                .requirement_catalogue(&policy, authority, None, None)
                .await
                .unwrap()
                .version,
            Some(2)
        );
        let done = s
            .oversight()
            .import_requirements(&policy, authority, good, false, "v3")
            .await
            .unwrap();
        assert!(done.imported);
        let v3 = s
            .oversight()
            .requirement_catalogue(&sm, authority, None, None)
            .await
            .unwrap();
        assert_eq!(v3.version, Some(3));
        assert_eq!(v3.nodes.len(), 3);
        assert_eq!(v3.nodes[2].requirement.text, "Written, with a comma");
        assert!(s
            .oversight()
            .import_requirements(&sm, authority, good, false, "")
            .await
            .is_err());
    }
}

use sems_domain::oversight::FindingStatus;
use sems_services::oversight::activities::{AnswerInput, PlanInput};
use sems_services::oversight::findings::{CapInput, RaiseInput};

fn in_a_month() -> String {
    sems_domain::util::format_date(sems_domain::util::today() + time::Duration::days(30))
}

fn answer(item: i64, answer: &str) -> AnswerInput {
    AnswerInput {
        item_id: item,
        answer: answer.into(),
        notes: "Seen on site".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn the_whole_cross_boundary_flow_from_planning_to_closure() {
    for s in common::services().await {
        let inspector = common::actor(&s, "inspector").await;
        let director = common::actor(&s, "director").await;
        let sm = common::actor(&s, "npt.security").await;
        let auditor = common::actor(&s, "npt.auditor").await;
        let staff = common::actor(&s, "npt.staff").await;
        let sky = common::actor(&s, "sky.security").await;
        let npt = sm.party_id().unwrap();
        let demo_ei = s
            .oversight()
            .effective_implementation(&inspector, Some(npt), &Default::default())
            .await
            .unwrap();

        // The authority plans an inspection of the airport's access control.
        let plan = PlanInput {
            overseen_party_id: npt,
            kind: "inspection".into(),
            title: "Access control inspection".into(),
            planned_on: in_a_month(),
            announced: true,
            team: vec![],
            scope: vec!["NASP-02".into()],
            catalogue_id: None,
        };
        assert!(
            s.oversight()
                .plan_activity(
                    &sm,
                    &PlanInput {
                        overseen_party_id: sky.party_id().unwrap(),
                        ..plan.clone()
                    }
                )
                .await
                .is_err(),
            "an organisation does not inspect another"
        );
        assert!(matches!(
            s.oversight()
                .plan_activity(
                    &inspector,
                    &PlanInput {
                        scope: vec!["NASP-99".into()],
                        ..plan.clone()
                    }
                )
                .await,
            Err(ServiceError::Validation(_))
        ));
        let activity = s
            .oversight()
            .plan_activity(&inspector, &plan)
            .await
            .unwrap();
        let view = s
            .oversight()
            .activity(&inspector, activity.id)
            .await
            .unwrap();
        assert_eq!(view.items.len(), 4, "the four access-control requirements");
        // The airport sees it announced; another organisation does not.
        assert!(s.oversight().activity(&sm, activity.id).await.is_ok());
        assert!(matches!(
            s.oversight().activity(&sky, activity.id).await,
            Err(ServiceError::NotFound(_))
        ));

        // Inspecting: answers on the scale, nothing else; only the team records them.
        let items: Vec<i64> = view.items.iter().map(|i| i.id).collect();
        assert!(matches!(
            s.oversight()
                .answer_checklist(&inspector, activity.id, &[answer(items[0], "mostly")])
                .await,
            Err(ServiceError::Validation(_))
        ));
        assert!(
            s.oversight()
                .answer_checklist(&director, activity.id, &[answer(items[0], "compliant")])
                .await
                .is_err(),
            "the director is not on the team"
        );
        assert!(s
            .oversight()
            .answer_checklist(&sm, activity.id, &[answer(items[0], "compliant")])
            .await
            .is_err());
        s.oversight()
            .answer_checklist(
                &inspector,
                activity.id,
                &[
                    answer(items[0], "compliant"),
                    answer(items[1], "not_compliant_serious"),
                    answer(items[2], "compliant_with_observations"),
                ],
            )
            .await
            .unwrap();
        assert!(matches!(
            s.oversight()
                .complete_activity(&inspector, activity.id)
                .await,
            Err(ServiceError::Validation(_))
        ));
        s.oversight()
            .answer_checklist(
                &inspector,
                activity.id,
                &[answer(items[3], "not_applicable")],
            )
            .await
            .unwrap();
        let view = s
            .oversight()
            .activity(&inspector, activity.id)
            .await
            .unwrap();
        let ei = view.effective_implementation.unwrap();
        assert!((ei - 200.0 / 3.0).abs() < 1e-9, "{ei}");

        // A finding from the serious non-compliance.
        assert!(matches!(
            s.oversight()
                .raise_finding(
                    &inspector,
                    activity.id,
                    &RaiseInput {
                        item_id: items[0],
                        level: "level_1".into(),
                        description: "Compliant items raise nothing".into()
                    }
                )
                .await,
            Err(ServiceError::Validation(_))
        ));
        let finding = s
            .oversight()
            .raise_finding(
                &inspector,
                activity.id,
                &RaiseInput {
                    item_id: items[1],
                    level: "level_1".into(),
                    description: "Staff door 4 is left open at night".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(finding.status, FindingStatus::Open);
        s.oversight()
            .complete_activity(&inspector, activity.id)
            .await
            .unwrap();
        assert!(matches!(
            s.oversight()
                .answer_checklist(
                    &inspector,
                    activity.id,
                    &[answer(items[0], "not_compliant")]
                )
                .await,
            Err(ServiceError::Conflict(_))
        ));

        // The report: issued once completed, never changed; a correction is the next version.
        assert!(s
            .oversight()
            .issue_activity_report(&director, activity.id, "Not on the team of this one")
            .await
            .is_err());
        let v1 = s
            .oversight()
            .issue_activity_report(
                &inspector,
                activity.id,
                "Access control is sound except staff door 4",
            )
            .await
            .unwrap();
        assert_eq!(v1, 1);
        let first = s
            .oversight()
            .activity_reports(&sm, activity.id)
            .await
            .unwrap();
        assert_eq!(first[0].content.items.len(), 4);
        assert_eq!(first[0].content.findings.len(), 1);
        let v2 = s
            .oversight()
            .issue_activity_report(&inspector, activity.id, "Correction: the door is number 4B")
            .await
            .unwrap();
        assert_eq!(v2, 2);
        let both = s
            .oversight()
            .activity_reports(&sm, activity.id)
            .await
            .unwrap();
        assert_eq!(both.len(), 2);
        assert_eq!(both[1].summary, first[0].summary, "version 1 is unchanged");
        assert!(matches!(
            s.oversight().activity_reports(&sky, activity.id).await,
            Err(ServiceError::NotFound(_))
        ));

        // Who sees the finding.
        for who in [&sm, &auditor, &inspector, &director] {
            assert!(s.oversight().finding(who, finding.id).await.is_ok());
        }
        assert!(matches!(
            s.oversight().finding(&sky, finding.id).await,
            Err(ServiceError::NotFound(_))
        ));

        // The plan: by the airport only; a level 1 needs compensatory measures.
        let cap = CapInput {
            root_cause: "The door closer is broken".into(),
            actions: "Repair the closer; add an alarm".into(),
            owner_person_id: sm.person_id(),
            due_on: in_a_month(),
            compensatory_measures: String::new(),
        };
        assert!(matches!(
            s.oversight().submit_cap(&sm, finding.id, &cap).await,
            Err(ServiceError::Validation(_))
        ));
        let cap = CapInput {
            compensatory_measures: "A guard at the door every night".into(),
            ..cap
        };
        assert!(
            s.oversight()
                .submit_cap(&inspector, finding.id, &cap)
                .await
                .is_err(),
            "not by the overseer"
        );
        assert!(
            s.oversight()
                .submit_cap(&sky, finding.id, &cap)
                .await
                .is_err(),
            "not by another organisation"
        );
        assert!(
            s.oversight()
                .submit_cap(&staff, finding.id, &cap)
                .await
                .is_err(),
            "not by staff"
        );
        s.oversight()
            .submit_cap(&sm, finding.id, &cap)
            .await
            .unwrap();

        // Returned, resubmitted, accepted: only by the overseer.
        assert!(
            s.oversight()
                .review_cap(&auditor, finding.id, true, "")
                .await
                .is_err(),
            "the airport cannot accept its own plan"
        );
        assert!(matches!(
            s.oversight()
                .review_cap(&inspector, finding.id, false, "")
                .await,
            Err(ServiceError::Validation(_))
        ));
        let returned = s
            .oversight()
            .review_cap(&inspector, finding.id, false, "Give a date for the alarm")
            .await
            .unwrap();
        assert_eq!(returned.status, FindingStatus::CapReturned);
        s.oversight()
            .submit_cap(
                &sm,
                finding.id,
                &CapInput {
                    actions: "Repair the closer by Friday; alarm within 3 weeks".into(),
                    ..cap.clone()
                },
            )
            .await
            .unwrap();
        let accepted = s
            .oversight()
            .review_cap(&director, finding.id, true, "")
            .await
            .unwrap();
        assert_eq!(accepted.status, FindingStatus::CapAccepted);
        // The accepted plan is an action of the register, managed on the finding.
        let plan_action = |s: &sems_services::Services, who: sems_services::Actor| {
            let s = s.clone();
            let id = finding.id;
            async move {
                s.action_register(
                    &who,
                    &sems_storage::actions::ActionFilter {
                        source_kind: Some(sems_domain::access::RecordKind::Finding),
                        ..Default::default()
                    },
                    Default::default(),
                )
                .await
                .unwrap()
                .items
                .into_iter()
                .filter(|v| v.action.source_id == id)
                .collect::<Vec<_>>()
            }
        };
        let opened = plan_action(&s, sm.clone()).await;
        assert_eq!(opened.len(), 1);
        assert_eq!(
            opened[0].action.status,
            sems_domain::action::ActionStatus::InProgress
        );
        assert!(!opened[0].allowed.complete, "completed on the finding");
        assert_eq!(
            plan_action(&s, inspector.clone()).await.len(),
            1,
            "the overseer sees it"
        );
        assert!(matches!(
            s.oversight()
                .review_cap(&inspector, finding.id, true, "")
                .await,
            Err(ServiceError::Conflict(_))
        ));

        // Completed with evidence, verified and closed.
        assert!(
            s.oversight()
                .verify_finding(&inspector, finding.id, true, "", None)
                .await
                .is_err(),
            "not completed yet"
        );
        s.oversight()
            .complete_finding(&sm, finding.id, "Work order 2207 closed; alarm tested")
            .await
            .unwrap();
        assert!(s
            .oversight()
            .verify_finding(&sm, finding.id, true, "", None)
            .await
            .is_err());
        let closed = s
            .oversight()
            .verify_finding(&inspector, finding.id, true, "Seen repaired", None)
            .await
            .unwrap();
        assert_eq!(closed.status, FindingStatus::Closed);
        let verified = plan_action(&s, sm.clone()).await;
        assert_eq!(
            verified[0].action.status,
            sems_domain::action::ActionStatus::Done
        );
        assert_eq!(
            verified[0].action.effectiveness,
            sems_domain::action::Effectiveness::Effective
        );
        assert_eq!(
            verified[0].action.completion_evidence,
            "Work order 2207 closed; alarm tested"
        );
        let history = s
            .oversight()
            .finding(&sm, finding.id)
            .await
            .unwrap()
            .history;
        let steps: Vec<FindingStatus> = history.iter().map(|h| h.status).collect();
        assert_eq!(
            steps,
            vec![
                FindingStatus::Open,
                FindingStatus::CapSubmitted,
                FindingStatus::CapReturned,
                FindingStatus::CapSubmitted,
                FindingStatus::CapAccepted,
                FindingStatus::Completed,
                FindingStatus::Closed
            ]
        );

        // EI: the authority sees the airport's; the airport itself; another organisation none.
        // (The demo's inspection of the airport counts too: one of three applicable items.)
        let national = s
            .oversight()
            .effective_implementation(&inspector, Some(npt), &Default::default())
            .await
            .unwrap();
        assert_eq!(
            (national.cell.compliant, national.cell.applicable),
            (demo_ei.cell.compliant + 2, demo_ei.cell.applicable + 3)
        );
        assert_eq!(national.by_area[0].key, "NASP-02");
        let own = s
            .oversight()
            .effective_implementation(&sm, None, &Default::default())
            .await
            .unwrap();
        assert_eq!(own.items, demo_ei.items + 4);
        assert_eq!(
            s.oversight()
                .effective_implementation(&sky, Some(npt), &Default::default())
                .await
                .unwrap()
                .items,
            0
        );

        // The next activities, from these results: a full audit now (none on record), and an
        // inspection within a month while the demo's level 1 finding at the airport is open
        // (its plan accepted, not yet verified), whatever the EI.
        let next = s
            .oversight()
            .proposed_activities(&inspector, npt)
            .await
            .unwrap();
        assert_eq!(next[0].kind, "audit_full");
        assert_eq!(next[1].kind_label, "Inspection");
        assert!(next[0].basis.contains("no full audit"));
        let in_a_month = sems_domain::util::format_date(sems_domain::util::add_months(
            sems_domain::util::today(),
            1,
        ));
        assert_eq!(next[1].due_on, in_a_month);
        assert!(next[1].basis.contains("below 75 %"), "{}", next[1].basis);
        assert!(next[1].basis.contains("level 1"), "{}", next[1].basis);
        assert!(matches!(
            s.oversight().proposed_activities(&sky, npt).await,
            Err(ServiceError::NotFound(_))
        ));
    }
}

#[tokio::test]
async fn covert_tests_stay_secret_until_released() {
    for s in common::services().await {
        let inspector = common::actor(&s, "inspector").await;
        let director = common::actor(&s, "director").await;
        let policy = common::actor(&s, "policy").await;
        let sm = common::actor(&s, "npt.security").await;
        let npt = sm.party_id().unwrap();
        let test = s
            .oversight()
            .plan_activity(
                &inspector,
                &PlanInput {
                    overseen_party_id: npt,
                    kind: "test_covert".into(),
                    title: "Test article through screening".into(),
                    planned_on: in_a_month(),
                    announced: true,
                    team: vec![],
                    scope: vec!["NASP-03.01".into()],
                    catalogue_id: None,
                },
            )
            .await
            .unwrap();
        assert!(test.covert && !test.announced && test.need_to_know);
        assert!(s.oversight().activity(&inspector, test.id).await.is_ok());
        assert!(
            s.oversight().activity(&director, test.id).await.is_ok(),
            "the testing party's director"
        );
        for who in [&policy, &sm] {
            assert!(matches!(
                s.oversight().activity(who, test.id).await,
                Err(ServiceError::NotFound(_))
            ));
        }
        let listed = s
            .oversight()
            .activities(&sm, &Default::default(), Default::default())
            .await
            .unwrap();
        assert!(listed.items.iter().all(|a| a.id != test.id));
        let item = s
            .oversight()
            .activity(&inspector, test.id)
            .await
            .unwrap()
            .items[0]
            .id;
        // A test records pass or fail and the method.
        assert!(matches!(
            s.oversight()
                .answer_checklist(&inspector, test.id, &[answer(item, "not_compliant")])
                .await,
            Err(ServiceError::Validation(_))
        ));
        s.oversight()
            .answer_checklist(
                &inspector,
                test.id,
                &[AnswerInput {
                    test_passed: Some(false),
                    test_method: "Test piece in a laptop bag".into(),
                    ..answer(item, "not_compliant")
                }],
            )
            .await
            .unwrap();
        let finding = s
            .oversight()
            .raise_finding(
                &inspector,
                test.id,
                &RaiseInput {
                    item_id: item,
                    level: "level_2".into(),
                    description: "The test piece was not detected".into(),
                },
            )
            .await
            .unwrap();
        assert!(matches!(
            s.oversight().finding(&sm, finding.id).await,
            Err(ServiceError::NotFound(_))
        ));
        // Nor through the trail: the tested organisation's readers of it find neither the
        // test nor its finding before the release.
        let auditor = common::actor(&s, "npt.auditor").await;
        let executive = common::actor(&s, "npt.executive").await;
        for reader in [&auditor, &executive] {
            let trail = s
                .audit_entries(reader, &Default::default(), Default::default())
                .await
                .unwrap();
            assert!(
                !trail.items.iter().any(|e| {
                    (e.record_kind == "finding" && e.record_id == Some(finding.id))
                        || (e.record_kind == "oversight_activity" && e.record_id == Some(test.id))
                        || e.after.as_deref().unwrap_or("").contains("not detected")
                }),
                "{:?}",
                trail.items
            );
        }
        let authority_trail = s
            .audit_entries(&director, &Default::default(), Default::default())
            .await
            .unwrap();
        assert!(
            authority_trail
                .items
                .iter()
                .any(|e| e.record_kind == "oversight_activity" && e.record_id == Some(test.id)),
            "the testing party's director reads the test's entries"
        );
        assert!(
            s.oversight()
                .release_activity(&inspector, test.id)
                .await
                .is_err(),
            "complete first"
        );
        s.oversight()
            .complete_activity(&inspector, test.id)
            .await
            .unwrap();
        assert!(s
            .oversight()
            .release_activity(&policy, test.id)
            .await
            .is_err());
        // Nothing reached the airport's risk data before the release.
        let nat02 = common::scenario_id(&s, &sm, "NAT-02").await;
        assert!(s.risk().evidence(&sm, npt, nat02).await.unwrap().is_empty());
        s.oversight()
            .release_activity(&inspector, test.id)
            .await
            .unwrap();
        assert!(s.oversight().activity(&sm, test.id).await.is_ok());
        assert!(s.oversight().finding(&sm, finding.id).await.is_ok());
        // Released: the finding's entries are in the organisation's trail, in full.
        let trail = s
            .audit_entries(
                &auditor,
                &sems_storage::audit::AuditFilter {
                    record_kind: Some("finding".into()),
                    record_id: Some(finding.id),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap();
        assert!(
            trail.items.iter().any(|e| e.action == "finding.raise"
                && e.after.as_deref().unwrap_or("").contains("not detected")),
            "{:?}",
            trail.items
        );
        // The failed test of NASP-03.01 (baseline measure BL-02) is now a test of NAT-02.
        let evidence = s.risk().evidence(&sm, npt, nat02).await.unwrap();
        assert_eq!(evidence.len(), 1);
        assert_eq!(evidence[0].source, "oversight");
        assert_eq!(evidence[0].passed, Some(false));
        let proposals = s.risk().score_proposals(&sm, npt, nat02).await.unwrap();
        assert_eq!(
            proposals.vulnerability.unwrap().score.get(),
            5,
            "0 of 1 tests passed"
        );
    }
}

#[tokio::test]
async fn an_organisation_oversees_its_contractors() {
    for s in common::services().await {
        let sm = common::actor(&s, "npt.security").await;
        let auditor = common::actor(&s, "npt.auditor").await;
        let swc_sm = common::actor(&s, "swc.security").await;
        let sky = common::actor(&s, "sky.security").await;
        let inspector = common::actor(&s, "inspector").await;
        let swc = swc_sm.party_id().unwrap();
        let plan = PlanInput {
            overseen_party_id: swc,
            kind: "audit_partial".into(),
            title: "Cargo screening at our handler".into(),
            planned_on: in_a_month(),
            announced: true,
            team: vec![auditor.person_id().unwrap()],
            scope: vec!["NASP-05".into()],
            catalogue_id: None,
        };
        assert!(
            matches!(
                s.oversight().plan_activity(&sm, &plan).await,
                Err(ServiceError::Validation(_))
            ),
            "not a contractor yet"
        );
        assert!(s
            .oversight()
            .add_contractor(&common::actor(&s, "npt.staff").await, swc)
            .await
            .is_err());
        s.oversight().add_contractor(&sm, swc).await.unwrap();
        assert!(matches!(
            s.oversight().add_contractor(&sm, swc).await,
            Err(ServiceError::Conflict(_))
        ));
        assert_eq!(s.oversight().contractors(&sm).await.unwrap().len(), 1);
        let activity = s.oversight().plan_activity(&sm, &plan).await.unwrap();
        assert!(
            s.oversight().activity(&swc_sm, activity.id).await.is_ok(),
            "the contractor sees it"
        );
        assert!(matches!(
            s.oversight().activity(&sky, activity.id).await,
            Err(ServiceError::NotFound(_))
        ));
        let items = s
            .oversight()
            .activity(&sm, activity.id)
            .await
            .unwrap()
            .items;
        s.oversight()
            .answer_checklist(&sm, activity.id, &[answer(items[0].id, "not_compliant")])
            .await
            .unwrap();
        let finding = s
            .oversight()
            .raise_finding(
                &sm,
                activity.id,
                &RaiseInput {
                    item_id: items[0].id,
                    level: "level_2".into(),
                    description: "Consignments left unattended".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(finding.party_id, swc);
        let cap = CapInput {
            root_cause: "No guard at night".into(),
            actions: "A guard at night".into(),
            owner_person_id: None,
            due_on: in_a_month(),
            compensatory_measures: String::new(),
        };
        assert!(
            s.oversight()
                .submit_cap(&sm, finding.id, &cap)
                .await
                .is_err(),
            "the client does not answer for its contractor"
        );
        s.oversight()
            .submit_cap(&swc_sm, finding.id, &cap)
            .await
            .unwrap();
        // The views offer exactly what the writes allow: the contractor plans, the client
        // that raised the finding decides (reached through the finding's distribution).
        let as_client = s
            .oversight()
            .finding(&auditor, finding.id)
            .await
            .unwrap()
            .actions;
        assert!(as_client.decide && !as_client.plan, "{as_client:?}");
        let as_contractor = s
            .oversight()
            .finding(&swc_sm, finding.id)
            .await
            .unwrap()
            .actions;
        assert!(
            as_contractor.plan && !as_contractor.decide,
            "{as_contractor:?}"
        );
        let as_inspector = s
            .oversight()
            .finding(&inspector, finding.id)
            .await
            .unwrap()
            .actions;
        assert!(!as_inspector.plan && !as_inspector.decide);
        assert!(
            s.oversight()
                .review_cap(&swc_sm, finding.id, true, "")
                .await
                .is_err(),
            "not its own plan"
        );
        assert!(
            s.oversight()
                .review_cap(&inspector, finding.id, true, "")
                .await
                .is_err(),
            "not the authority's finding"
        );
        let accepted = s
            .oversight()
            .review_cap(&auditor, finding.id, true, "Fine")
            .await
            .unwrap();
        assert_eq!(accepted.status, FindingStatus::CapAccepted);
    }
}

#[tokio::test]
async fn the_demo_shows_the_air_carrier_under_oversight() {
    for s in common::services().await {
        let sky = common::actor(&s, "sky.security").await;
        let activities = s
            .oversight()
            .activities(&sky, &Default::default(), Default::default())
            .await
            .unwrap();
        assert_eq!(activities.total, 2);
        let findings = s
            .oversight()
            .findings(&sky, &Default::default(), Default::default())
            .await
            .unwrap();
        assert_eq!(findings.total, 1);
        assert_eq!(findings.items[0].status, FindingStatus::Open);
        let ei = s
            .oversight()
            .effective_implementation(&sky, None, &Default::default())
            .await
            .unwrap();
        assert!(ei.overall.is_some());
        let done = activities
            .items
            .iter()
            .find(|a| a.completed_on.is_some())
            .unwrap();
        assert_eq!(
            s.oversight()
                .activity_reports(&sky, done.id)
                .await
                .unwrap()
                .len(),
            1
        );
    }
}

/// The ids of an activity's checklist items, in order.
async fn item_ids(
    s: &sems_services::Services,
    who: &sems_services::Actor,
    activity: i64,
) -> Vec<i64> {
    let view = s.oversight().activity(who, activity).await.unwrap();
    view.items.iter().map(|i| i.id).collect()
}

/// Issue 11's case: an all-compliant self-audit once raised an organisation's EI from 66.7 % to
/// 83.3 % and moved the authority's proposed inspection from six- to twelve-monthly while the
/// authority's level 2 finding was still open. Results stand by performer now.
#[tokio::test]
async fn a_self_evaluation_never_moves_the_states_ei_or_programme() {
    use sems_domain::oversight::Performer;
    use sems_services::oversight::ei::EiSelection;
    for s in common::services().await {
        let inspector = common::actor(&s, "inspector").await;
        // The regulated agent: no oversight results in the demo, so the issue's figures.
        let sm = common::actor(&s, "swc.security").await;
        let agent = sm.party_id().unwrap();
        let state = EiSelection::of(Performer::Authority);
        let ei_of = |who: sems_services::Actor, selection: EiSelection| {
            let s = s.clone();
            async move {
                s.oversight()
                    .effective_implementation(&who, Some(agent), &selection)
                    .await
            }
        };
        // The demo's own results of the airport, before this test adds any.
        let before = ei_of(inspector.clone(), state.clone()).await.unwrap();
        let own_before = ei_of(sm.clone(), EiSelection::of(Performer::SelfEvaluation))
            .await
            .unwrap();

        // The authority inspects: two compliant of three applicable, a level 2 finding open.
        let plan = PlanInput {
            overseen_party_id: agent,
            kind: "inspection".into(),
            title: "Access control inspection".into(),
            planned_on: in_a_month(),
            announced: true,
            team: vec![],
            scope: vec!["NASP-02".into()],
            catalogue_id: None,
        };
        let inspection = s
            .oversight()
            .plan_activity(&inspector, &plan)
            .await
            .unwrap();
        assert_eq!(inspection.performer, Performer::Authority);
        let items = item_ids(&s, &inspector, inspection.id).await;
        s.oversight()
            .answer_checklist(
                &inspector,
                inspection.id,
                &[
                    answer(items[0], "compliant"),
                    answer(items[1], "not_compliant"),
                    answer(items[2], "compliant"),
                    answer(items[3], "not_applicable"),
                ],
            )
            .await
            .unwrap();
        s.oversight()
            .raise_finding(
                &inspector,
                inspection.id,
                &RaiseInput {
                    item_id: items[1],
                    level: "level_2".into(),
                    description: "Staff door 4 is left open at night".into(),
                },
            )
            .await
            .unwrap();
        s.oversight()
            .complete_activity(&inspector, inspection.id)
            .await
            .unwrap();
        let authority = ei_of(inspector.clone(), state.clone()).await.unwrap();
        assert_eq!(
            (authority.cell.compliant, authority.cell.applicable),
            (before.cell.compliant + 2, before.cell.applicable + 3)
        );
        let proposed_before = s
            .oversight()
            .proposed_activities(&inspector, agent)
            .await
            .unwrap();

        // The airport audits itself: all compliant.
        let self_audit = s
            .oversight()
            .plan_activity(
                &sm,
                &PlanInput {
                    overseen_party_id: agent,
                    kind: "audit_partial".into(),
                    title: "Our own access control audit".into(),
                    ..plan.clone()
                },
            )
            .await
            .unwrap();
        assert_eq!(self_audit.performer, Performer::SelfEvaluation);
        let own_items = item_ids(&s, &sm, self_audit.id).await;
        let answers: Vec<AnswerInput> = own_items
            .iter()
            .take(3)
            .map(|i| answer(*i, "compliant"))
            .chain(std::iter::once(answer(own_items[3], "not_applicable")))
            .collect();
        s.oversight()
            .answer_checklist(&sm, self_audit.id, &answers)
            .await
            .unwrap();
        s.oversight()
            .complete_activity(&sm, self_audit.id)
            .await
            .unwrap();

        // The State's EI is unchanged; the self-evaluation has its own; each beside the other.
        let after = ei_of(inspector.clone(), state.clone()).await.unwrap();
        assert_eq!(after.overall, authority.overall);
        assert_eq!(after.label, "State oversight");
        assert!(!after.blended);
        let own = ei_of(sm.clone(), EiSelection::of(Performer::SelfEvaluation))
            .await
            .unwrap();
        assert_eq!(own.items, own_before.items + 4);
        assert_eq!(
            (own.cell.compliant, own.cell.applicable),
            (
                own_before.cell.compliant + 3,
                own_before.cell.applicable + 3
            )
        );
        let side_by_side: Vec<&str> = after.by_performer.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(side_by_side, ["authority", "self_evaluation"]);
        // Blended only when asked, and named so.
        let both = vec![Performer::SelfEvaluation, Performer::Authority];
        assert!(matches!(
            ei_of(
                inspector.clone(),
                EiSelection {
                    performers: both.clone(),
                    blend: false
                }
            )
            .await,
            Err(ServiceError::Validation(_))
        ));
        let blended = ei_of(
            inspector.clone(),
            EiSelection {
                performers: both,
                blend: true,
            },
        )
        .await
        .unwrap();
        assert!(blended.blended);
        assert_eq!(blended.label, "Blended: State oversight + Self-evaluation");
        assert_eq!(
            (blended.cell.compliant, blended.cell.applicable),
            (authority.cell.compliant + 3, authority.cell.applicable + 3)
        );
        assert_eq!((before.items, own_before.items), (0, 0));
        assert!(
            (after.overall.unwrap() - 200.0 / 3.0).abs() < 1e-9,
            "66.7 %"
        );
        assert!(
            (blended.overall.unwrap() - 500.0 / 6.0).abs() < 1e-9,
            "83.3 %"
        );

        // The authority's proposal is the same as before the self-audit, and follows the open
        // level 2 finding and the State's EI.
        let proposed_after = s
            .oversight()
            .proposed_activities(&inspector, agent)
            .await
            .unwrap();
        assert_eq!(proposed_after, proposed_before);
        assert!(
            proposed_after[1]
                .basis
                .contains(&format!("EI {:.1} %", authority.overall.unwrap())),
            "{}",
            proposed_after[1].basis
        );
    }
}

/// Audits against any catalogue, on its scale: the authority publishes a small IOSA-style
/// catalogue for air carriers answered on the IOSA scale and audits the air carrier on it;
/// the airport audits itself against its internal requirements. The scale is the authority's
/// data, published as a new version of the oversight method by its policy officers only.
#[tokio::test]
async fn an_iosa_scale_audit_of_an_air_carrier_against_an_imported_catalogue() {
    use sems_domain::oversight::Performer;
    use sems_services::oversight::ei::EiSelection;
    use sems_services::oversight::requirements::{CatalogueInput, CatalogueOf};
    for s in common::services().await {
        let policy = common::actor(&s, "policy").await;
        let inspector = common::actor(&s, "inspector").await;
        let npt_sm = common::actor(&s, "npt.security").await;
        let sky_sm = common::actor(&s, "sky.security").await;
        let authority = policy.party_id().unwrap();
        let sky = sky_sm.party_id().unwrap();
        let npt = npt_sm.party_id().unwrap();

        // The authority opens the catalogue for air carriers; others may not.
        let input = CatalogueInput {
            code: "iosa-sec".into(),
            title: "IOSA security standards".into(),
            sector: Some("air_carrier".into()),
            scale: Some("iosa".into()),
        };
        assert!(s
            .oversight()
            .create_catalogue(&inspector, authority, &input)
            .await
            .is_err());
        assert!(matches!(
            s.oversight()
                .create_catalogue(
                    &policy,
                    authority,
                    &CatalogueInput {
                        scale: Some("stars".into()),
                        ..input.clone()
                    }
                )
                .await,
            Err(ServiceError::Validation(_))
        ));
        let iosa = s
            .oversight()
            .create_catalogue(&policy, authority, &input)
            .await
            .unwrap();
        assert_eq!(
            (iosa.code.as_str(), iosa.scale.as_str()),
            ("IOSA-SEC", "iosa")
        );
        assert!(matches!(
            s.oversight()
                .create_catalogue(&policy, authority, &input)
                .await,
            Err(ServiceError::Conflict(_))
        ));
        let csv = "code,parent,level,title,text\n\
                   SEC,,programme,IOSA Security Management,\n\
                   SEC-1,SEC,chapter,Security management,\n\
                   SEC-1.1.1,SEC-1,requirement,Senior management commitment,The operator has a security management system\n\
                   SEC-1.6.1,SEC-1,requirement,Document control,Versions and controlled distribution\n\
                   SEC-2,SEC,chapter,Training,\n\
                   SEC-2.1.1,SEC-2,requirement,Security training programme,Initial and recurrent training\n";
        let of = CatalogueOf {
            party_id: authority,
            code: Some("IOSA-SEC"),
        };
        let imported = s
            .oversight()
            .import_requirements(&policy, of, csv, false, "First edition")
            .await
            .unwrap();
        assert!(imported.imported, "{:?}", imported.errors);
        let shown = s
            .oversight()
            .requirement_catalogue(&sky_sm, of, None, None)
            .await
            .unwrap();
        assert_eq!(shown.nodes.len(), 6, "published to the carriers");
        // The national programme is unchanged.
        let national = s
            .oversight()
            .requirement_catalogue(&sky_sm, authority, None, None)
            .await
            .unwrap();
        assert_eq!(national.catalogue.unwrap().code, "NASP");

        // Not for an airport.
        let plan = PlanInput {
            overseen_party_id: npt,
            kind: "audit_full".into(),
            title: "IOSA security audit".into(),
            planned_on: in_a_month(),
            announced: true,
            team: vec![],
            scope: vec![],
            catalogue_id: Some(iosa.id),
        };
        let refused = s.oversight().plan_activity(&inspector, &plan).await;
        assert!(
            matches!(&refused, Err(ServiceError::Validation(e)) if e.to_string().contains("air carrier")),
            "{refused:?}"
        );
        let audit = s
            .oversight()
            .plan_activity(
                &inspector,
                &PlanInput {
                    overseen_party_id: sky,
                    ..plan.clone()
                },
            )
            .await
            .unwrap();
        assert_eq!(audit.scale, "iosa");
        assert_eq!(audit.catalogue_code, "IOSA-SEC");
        let view = s.oversight().activity(&inspector, audit.id).await.unwrap();
        assert_eq!(view.items.len(), 3);
        assert_eq!(view.scale.answers.len(), 5);
        let items: Vec<i64> = view.items.iter().map(|i| i.id).collect();
        // An answer outside the activity's scale: refused, nothing stored.
        let outside = s
            .oversight()
            .answer_checklist(
                &inspector,
                audit.id,
                &[
                    answer(items[0], "documented_implemented"),
                    answer(items[1], "compliant"),
                ],
            )
            .await;
        assert!(
            matches!(outside, Err(ServiceError::Validation(_))),
            "{outside:?}"
        );
        assert_eq!(
            s.oversight()
                .activity(&inspector, audit.id)
                .await
                .unwrap()
                .answered,
            0
        );
        s.oversight()
            .answer_checklist(
                &inspector,
                audit.id,
                &[
                    answer(items[0], "documented_implemented"),
                    answer(items[1], "implemented_not_documented"),
                    answer(items[2], "not_applicable"),
                ],
            )
            .await
            .unwrap();
        // A finding on the item implemented but not documented, none on the conforming one.
        assert!(s
            .oversight()
            .raise_finding(
                &inspector,
                audit.id,
                &RaiseInput {
                    item_id: items[0],
                    level: "observation".into(),
                    description: "Conforms".into(),
                },
            )
            .await
            .is_err());
        let finding = s
            .oversight()
            .raise_finding(
                &inspector,
                audit.id,
                &RaiseInput {
                    item_id: items[1],
                    level: "level_2".into(),
                    description: "Document control is practised but not written down".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            finding.due_on,
            sems_domain::util::today() + time::Duration::days(30),
            "the method's level 2 deadline"
        );
        s.oversight()
            .complete_activity(&inspector, audit.id)
            .await
            .unwrap();
        let done = s.oversight().activity(&sky_sm, audit.id).await.unwrap();
        assert_eq!(
            done.effective_implementation,
            Some(50.0),
            "one of two applicable"
        );
        let ei = s
            .oversight()
            .effective_implementation(
                &inspector,
                Some(sky),
                &EiSelection::of(Performer::Authority),
            )
            .await
            .unwrap();
        let area = ei.by_area.iter().find(|r| r.key == "SEC-1").unwrap();
        assert_eq!(area.ei, Some(50.0));
        assert_eq!(area.cell.items, 2);

        // The airport's internal requirements: the airport audits itself against them; the
        // carrier may not use them, nor the authority.
        s.oversight()
            .add_requirement(&npt_sm, npt, &entry("NPT-QC", None, "programme"), "")
            .await
            .unwrap();
        s.oversight()
            .add_requirement(
                &npt_sm,
                npt,
                &entry("NPT-QC-1", Some("NPT-QC"), "chapter"),
                "",
            )
            .await
            .unwrap();
        s.oversight()
            .add_requirement(
                &npt_sm,
                npt,
                &entry("NPT-QC-1.1", Some("NPT-QC-1"), "requirement"),
                "",
            )
            .await
            .unwrap();
        let internal = s
            .oversight()
            .requirement_catalogue(&npt_sm, npt, None, None)
            .await
            .unwrap()
            .catalogue
            .unwrap();
        assert_eq!(internal.code, "INTERNAL");
        let own = PlanInput {
            overseen_party_id: npt,
            kind: "audit_partial".into(),
            title: "Our quality control".into(),
            scope: vec!["NPT-QC-1.1".into()],
            catalogue_id: Some(internal.id),
            ..plan.clone()
        };
        let self_audit = s.oversight().plan_activity(&npt_sm, &own).await.unwrap();
        assert_eq!(self_audit.performer, Performer::SelfEvaluation);
        assert_eq!(self_audit.scale, "national");
        for who in [&inspector, &sky_sm] {
            assert!(
                s.oversight().plan_activity(who, &own).await.is_err(),
                "another's internal requirements"
            );
        }

        // The scale is the authority's data: a new version by the policy officer, not by an
        // inspector or an organisation; a scale a catalogue uses cannot be dropped.
        let current = s
            .oversight()
            .oversight_method(&inspector, None)
            .await
            .unwrap();
        assert!(!current.may_publish);
        let mut next = current.method.clone();
        next.plan_deadlines.level_2_days = 21;
        for who in [&inspector, &npt_sm] {
            assert!(matches!(
                s.oversight().publish_oversight_method(who, &next, "").await,
                Err(ServiceError::Forbidden(_) | ServiceError::NotFound(_))
            ));
        }
        let mut dropped = next.clone();
        dropped.scales.retain(|x| x.code != "iosa");
        assert!(matches!(
            s.oversight()
                .publish_oversight_method(&policy, &dropped, "")
                .await,
            Err(ServiceError::Validation(_))
        ));
        let published = s
            .oversight()
            .publish_oversight_method(&policy, &next, "Level 2 plans within three weeks")
            .await
            .unwrap();
        assert_eq!(published.version, current.version + 1);
        // What is planned from now on follows it; what was planned before keeps its version.
        let later = s
            .oversight()
            .plan_activity(
                &inspector,
                &PlanInput {
                    overseen_party_id: sky,
                    title: "IOSA follow-up".into(),
                    ..plan.clone()
                },
            )
            .await
            .unwrap();
        assert_eq!(later.method_version, published.version);
        // Exercises are kinds of the method; a word that is not one is refused.
        let drill = s
            .oversight()
            .plan_activity(
                &inspector,
                &PlanInput {
                    overseen_party_id: sky,
                    kind: "exercise_drill".into(),
                    title: "Bomb threat drill".into(),
                    catalogue_id: None,
                    scope: vec!["NASP-01".into()],
                    ..plan.clone()
                },
            )
            .await
            .unwrap();
        assert_eq!(drill.kind_label, "Exercise (drill)");
        assert!(matches!(
            s.oversight()
                .plan_activity(
                    &inspector,
                    &PlanInput {
                        kind: "picnic".into(),
                        overseen_party_id: sky,
                        ..plan.clone()
                    },
                )
                .await,
            Err(ServiceError::Validation(_))
        ));
        assert_eq!(audit.method_version, current.version);
    }
}

#[tokio::test]
async fn the_generated_data_set_holds_self_evaluations_apart_from_state_oversight() {
    for s in common::services().await {
        s.generate(sems_services::generate::GenerateParams {
            organisations: 2,
            people_per_org: 5,
            years: 1,
            scenarios: 0,
            activities_per_year: 5,
            reports_per_year: 3,
            personnel_per_org: 0,
            items_per_year: 0,
            seed: 11,
        })
        .await
        .unwrap();
        let org = {
            let mut conn = s.store.read().await.unwrap();
            sems_storage::parties::by_code(&mut conn, "G11-1")
                .await
                .unwrap()
                .unwrap()
                .id
        };
        let director = common::actor(&s, "director").await;
        let ei = s
            .oversight()
            .effective_implementation(
                &director,
                Some(org),
                &sems_services::oversight::ei::EiSelection::default(),
            )
            .await
            .unwrap();
        let of = |word: &str| {
            ei.by_performer
                .iter()
                .find(|r| r.key == word)
                .map(|r| r.cell.items)
        };
        assert!(!ei.blended, "the State's oversight unless asked");
        // Four of five activities are the authority's, one the organisation's own.
        let (state, own) = (
            of("authority").unwrap_or(0),
            of("self_evaluation").unwrap_or(0),
        );
        assert!(state > 0 && own > 0, "{state} {own}");
        assert_eq!(
            ei.items, state,
            "the default reads the State's results only"
        );
        let activities = {
            let mut conn = s.store.read().await.unwrap();
            let row = sqlx::query(
                "SELECT COUNT(*) AS n FROM oversight_activities WHERE overseen_party_id = $1 AND owner_party_id = $1 AND performer = 'self_evaluation'",
            )
            .bind(org)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
            sqlx::Row::try_get::<i64, _>(&row, "n").unwrap()
        };
        assert_eq!(activities, 1, "owned by the organisation that performed it");
    }
}
