//! Training and vetting on SQLite and PostgreSQL: from an HR import and an LMS import to the
//! standings, a lapse and its withdrawal task (once, however often the job runs), the due
//! list and the compliance figures, the training-and-vetting gate on reading marked records;
//! and every bad input refused with nothing changed.

use crate::common;
use sems_domain::access::RecordKind;
use sems_domain::training::assess::RequirementKind;
use sems_domain::training::currency::Currency;
use sems_domain::training::{CheckLevel, CheckOutcome, Function};
use sems_domain::util::{add_months, format_date, sub_months, today};
use sems_services::risk::ScenarioInput;
use sems_services::training::programme::PublishAdditions;
use sems_services::training::records::{CheckInput, RecordInput};
use sems_services::{Actor, ServiceError, Services};
use sems_storage::actions::ActionFilter;
use sems_storage::training::personnel::PersonnelFilter;
use sems_storage::training::standings::DueFilter;
use time::Duration;

fn day(d: time::Date) -> String {
    format_date(d)
}

async fn person_id(s: &Services, actor: &Actor, number: &str) -> i64 {
    s.training()
        .personnel(
            actor,
            &PersonnelFilter {
                search: Some(number.into()),
                ..Default::default()
            },
            Default::default(),
        )
        .await
        .unwrap()
        .items
        .first()
        .unwrap_or_else(|| panic!("{number} registered"))
        .id
}

fn record(course: &str, on: time::Date, hours: f64) -> RecordInput {
    RecordInput {
        course: course.into(),
        completed_on: day(on),
        hours,
        ..Default::default()
    }
}

#[tokio::test]
async fn from_import_to_lapse_to_withdrawal_task_and_the_gate() {
    for s in common::services().await {
        let officer = common::actor(&s, "npt.training").await;
        let party = officer.party_id().unwrap();
        let t = s.training();
        let today = today();

        // The HR export: a bad file first, every bad row by its line, nothing stored.
        let bad = "employee_number,full_name,started_on,functions,account\n\
                   T-S1,Sara Screener,2021-03-01,screener_persons;juggler,\n\
                   T-S2,Tom,2021-13-01,awareness,\n\
                   T-S3,Una,2021-03-01,awareness,nobody.here\n";
        let report = t
            .import_personnel(&officer, party, bad, false)
            .await
            .unwrap();
        assert!(!report.imported);
        let lines: Vec<usize> = report.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3, 4], "{:?}", report.errors);
        assert!(report.errors[0]
            .message
            .contains("'juggler' is not a function"));
        assert!(t
            .personnel(
                &officer,
                &PersonnelFilter {
                    search: Some("T-S".into()),
                    ..Default::default()
                },
                Default::default()
            )
            .await
            .unwrap()
            .items
            .is_empty());
        let good = "employee_number,full_name,started_on,functions,account\n\
                    T-S1,Sara Screener,2021-03-01,screener_persons;awareness,\n\
                    T-I1,Ivo Instructor,2019-01-07,instructor;awareness,\n\
                    T-A1,Quinn Auditor,2020-05-04,awareness,npt.auditor\n";
        let dry = t
            .import_personnel(&officer, party, good, true)
            .await
            .unwrap();
        assert!(
            dry.dry_run && !dry.imported && dry.errors.is_empty(),
            "{:?}",
            dry.errors
        );
        let done = t
            .import_personnel(&officer, party, good, false)
            .await
            .unwrap();
        assert!(done.imported, "{:?}", done.errors);
        let screener = person_id(&s, &officer, "T-S1").await;
        let instructor = person_id(&s, &officer, "T-I1").await;
        let analyst_record = person_id(&s, &officer, "T-A1").await;
        // Imported again: updated in place, nobody twice.
        assert!(
            t.import_personnel(&officer, party, good, false)
                .await
                .unwrap()
                .imported
        );
        assert_eq!(person_id(&s, &officer, "T-S1").await, screener);

        // Checks: valid before completed is refused, nothing stored.
        let refused = t
            .record_check(
                &officer,
                screener,
                &CheckInput {
                    level: CheckLevel::Enhanced,
                    completed_on: "2023-01-10".into(),
                    valid_until: "2023-01-09".into(),
                    outcome: CheckOutcome::Cleared,
                },
            )
            .await;
        assert!(
            matches!(refused, Err(ServiceError::Validation(_))),
            "{refused:?}"
        );
        assert!(t
            .background_checks(&officer, screener)
            .await
            .unwrap()
            .is_empty());
        // A course showing non-public information before any valid check: refused.
        let certified = sub_months(today, 39) - Duration::days(2);
        let early = t
            .record_training(
                &officer,
                screener,
                &record("SCR-PCB", certified, 24.0),
                None,
            )
            .await;
        match early {
            Err(ServiceError::Validation(e)) => {
                assert!(e.first().message.contains("non-public"), "{e}")
            }
            other => panic!("{other:?}"),
        }
        let check_done = sub_months(today, 48);
        for who in [screener, instructor] {
            t.record_check(
                &officer,
                who,
                &CheckInput {
                    level: CheckLevel::Enhanced,
                    completed_on: day(check_done),
                    valid_until: day(add_months(check_done, 60) - Duration::days(1)),
                    outcome: CheckOutcome::Cleared,
                },
            )
            .await
            .unwrap();
        }

        // The LMS export: bad rows reported, then the good ones.
        let lms_bad = format!(
            "employee_number,course,completed_on,hours,instructor\n\
             T-S1,SCR-HBS,{d},8,\n\
             T-S1,AWARE,{d},25,\n\
             T-X9,AWARE,{d},2,\n\
             T-S1,AWARE,{d},2,T-A1\n",
            d = day(certified)
        );
        let report = t
            .import_training(&officer, party, &lms_bad, false)
            .await
            .unwrap();
        assert!(!report.imported);
        let lines: Vec<usize> = report.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5], "{:?}", report.errors);
        assert!(report.errors[0]
            .message
            .contains("not a course of Sara Screener's functions"));
        assert!(report.errors[3]
            .message
            .contains("does not hold the instructor function"));
        assert!(t
            .training_records(&officer, screener)
            .await
            .unwrap()
            .is_empty());
        // The instructor's own qualification first: a file is checked against what is
        // stored, not against its other rows.
        let instructors = format!(
            "employee_number,course,completed_on,hours,provider\n\
             T-I1,AWARE,{i},3,Academy\n\
             T-I1,INST,{i},16,Academy\n",
            i = day(sub_months(today, 40)),
        );
        let report = t
            .import_training(&officer, party, &instructors, false)
            .await
            .unwrap();
        assert!(report.imported, "{:?}", report.errors);
        let lms = format!(
            "employee_number,course,completed_on,hours,instructor,provider\n\
             T-S1,AWARE,{c},3,T-I1,Academy\n\
             T-S1,SCR-PCB,{c},24,T-I1,Academy\n\
             T-S1,IRT,{irt},2.5,,Academy\n",
            c = day(certified),
            irt = day(today - Duration::days(30)),
        );
        let report = t
            .import_training(&officer, party, &lms, false)
            .await
            .unwrap();
        assert!(report.imported, "{:?}", report.errors);
        // The same export again: every completion exists, nothing twice.
        let again = t
            .import_training(&officer, party, &lms, false)
            .await
            .unwrap();
        assert!(
            !again.imported && again.errors.len() == 3,
            "{:?}",
            again.errors
        );

        // The screener's certification lapsed (36 months and 3 months' grace ago), under the
        // six-hours rule; a task to withdraw it, for the training officer, once.
        let standings = t.standings(&officer, screener).await.unwrap();
        let of = |kind| {
            standings
                .iter()
                .find(|x| x.requirement == kind && x.function == Function::ScreenerPersons)
                .unwrap_or_else(|| panic!("{kind:?}"))
                .clone()
        };
        let cert = of(RequirementKind::Certification);
        assert_eq!(cert.currency, Currency::Lapsed, "{cert:?}");
        assert_eq!(
            of(RequirementKind::ImageTraining).currency,
            Currency::Overdue
        );
        assert_eq!(
            of(RequirementKind::ImageTraining).detail.split(' ').next(),
            Some("2.5")
        );
        assert_eq!(
            of(RequirementKind::BackgroundCheck).currency,
            Currency::Current
        );
        let task = cert.withdrawal_action_id.expect("a withdrawal task");
        let register = s
            .action_register(
                &officer,
                &ActionFilter {
                    source_kind: Some(RecordKind::Personnel),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap();
        let tasks: Vec<_> = register
            .items
            .iter()
            .filter(|a| a.action.source_id == screener)
            .collect();
        assert_eq!(tasks.len(), 1);
        assert_eq!(tasks[0].action.id, task);
        assert!(tasks[0]
            .action
            .title
            .contains("Withdraw Sara Screener's entitlement"));
        assert_eq!(tasks[0].action.responsible_person_id, officer.person_id());
        let manager = common::actor(&s, "npt.security").await;
        let told = s
            .notifications(manager.person_id().unwrap(), 50)
            .await
            .unwrap();
        assert!(told
            .iter()
            .any(|n| n.message.contains("Sara Screener") && n.message.contains("lapsed")));
        // The job, on the day and later: no second task.
        t.run_training_job(today).await.unwrap();
        t.run_training_job(today + Duration::days(40))
            .await
            .unwrap();
        let register = s
            .action_register(
                &officer,
                &ActionFilter {
                    source_kind: Some(RecordKind::Personnel),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap();
        assert_eq!(
            register
                .items
                .iter()
                .filter(|a| a.action.source_id == screener)
                .count(),
            1
        );

        // The due list, most urgent first; the compliance figures.
        let due = t
            .due_list(
                &officer,
                &DueFilter {
                    personnel_id: Some(screener),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap();
        assert!(due
            .items
            .iter()
            .any(|x| x.requirement == RequirementKind::Certification));
        assert!(due.items.iter().all(|x| x.currency != Currency::Current));
        let compliance = t.compliance(&officer, party).await.unwrap();
        assert!(compliance.figures.screeners_compliant.of >= 1);
        assert!(
            compliance.figures.screeners_compliant.count
                < compliance.figures.screeners_compliant.of
        );
        let inspector = common::actor(&s, "inspector").await;
        let national = t.national_compliance(&inspector).await.unwrap();
        assert!(national.organisations.iter().any(|o| o.party_id == party));
        assert!(matches!(
            t.national_compliance(&officer).await,
            Err(ServiceError::NotFound(_))
        ));

        // Personal data: nobody outside the employer's keepers reads it.
        for outsider in ["sky.security", "npt.staff", "director"] {
            let a = common::actor(&s, outsider).await;
            assert!(
                matches!(t.person(&a, screener).await, Err(ServiceError::NotFound(_))),
                "{outsider}"
            );
            assert!(
                matches!(
                    t.standings(&a, screener).await,
                    Err(ServiceError::NotFound(_))
                ),
                "{outsider}"
            );
        }

        // The gate: the analyst's account is linked, with no awareness training recorded.
        let manager_scenario = s
            .risk()
            .create_scenario(
                &manager,
                party,
                &ScenarioInput {
                    code: "NPT-GATE".into(),
                    category: "unauthorised_access".into(),
                    title: "Tailgating through the staff gate".into(),
                    target: "Airside".into(),
                    means: "Following a badge holder".into(),
                    perpetrator: "external".into(),
                    description: "A marked scenario".into(),
                    classification: Some("RESTRICTED".into()),
                },
            )
            .await
            .unwrap();
        let analyst = common::actor(&s, "npt.auditor").await;
        match s.risk().scenario(&analyst, manager_scenario.id).await {
            Err(ServiceError::Forbidden(why)) => {
                assert_eq!(why, "no security awareness training of yours is recorded")
            }
            other => panic!("{other:?}"),
        }
        t.record_training(
            &officer,
            analyst_record,
            &record("AWARE", today - Duration::days(3), 2.0),
            None,
        )
        .await
        .unwrap();
        let analyst = common::actor(&s, "npt.auditor").await;
        match s.risk().scenario(&analyst, manager_scenario.id).await {
            Err(ServiceError::Forbidden(why)) => {
                assert_eq!(why, "no valid background check of yours is recorded")
            }
            other => panic!("{other:?}"),
        }
        t.record_check(
            &officer,
            analyst_record,
            &CheckInput {
                level: CheckLevel::Standard,
                completed_on: day(today - Duration::days(10)),
                valid_until: day(add_months(today, 12)),
                outcome: CheckOutcome::Cleared,
            },
        )
        .await
        .unwrap();
        let analyst = common::actor(&s, "npt.auditor").await;
        assert!(s
            .risk()
            .scenario(&analyst, manager_scenario.id)
            .await
            .is_ok());

        // Additions: a weaker requirement is refused, a stricter one applies.
        let national = t.programme(&officer, None).await.unwrap().programme;
        let mut weaker = national
            .function(Function::ScreenerPersons)
            .unwrap()
            .clone();
        weaker.certification.as_mut().unwrap().renewal_months = 48;
        let refused = t
            .publish_additions(
                &officer,
                party,
                &PublishAdditions {
                    additions: sems_domain::training::programme::Additions {
                        courses: vec![],
                        functions: vec![weaker],
                    },
                    note: "Longer".into(),
                },
            )
            .await;
        match refused {
            Err(ServiceError::Validation(e)) => {
                assert!(e.first().message.contains("every 36 months"), "{e}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(t.additions(&officer, party).await.unwrap().version, None);
        let mut stricter = national
            .function(Function::ScreenerPersons)
            .unwrap()
            .clone();
        stricter.image_training.as_mut().unwrap().hours = 8.0;
        let view = t
            .publish_additions(
                &officer,
                party,
                &PublishAdditions {
                    additions: sems_domain::training::programme::Additions {
                        courses: vec![],
                        functions: vec![stricter],
                    },
                    note: "Eight hours at Northport".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(view.version, Some(1));
        let irt = t
            .standings(&officer, screener)
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.requirement == RequirementKind::ImageTraining)
            .unwrap();
        assert!(irt.detail.contains("of 8 hours"), "{}", irt.detail);
        // Someone else's register is not theirs to extend.
        let sky = common::actor(&s, "sky.security").await;
        assert!(t
            .publish_additions(
                &sky,
                party,
                &PublishAdditions {
                    additions: Default::default(),
                    note: "x".into()
                }
            )
            .await
            .is_err());
    }
}

#[tokio::test]
async fn a_culture_survey_is_answered_once_per_link_untraceably_and_shown_only_in_large_groups() {
    use sems_domain::training::survey::Theme;
    use sems_services::training::surveys::{AnswerInput, ItemInput, SurveyInput};
    for s in common::services().await {
        let officer = common::actor(&s, "npt.training").await;
        let party = officer.party_id().unwrap();
        let t = s.training();
        let today = today();
        let site = s
            .sites(
                &officer,
                &sems_storage::sites::SiteFilter {
                    party_id: Some(party),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap()
            .items[0]
            .name
            .clone();
        // Eight people at a site, four with no site (a group too small: "Other").
        let mut hr = String::from("employee_number,full_name,started_on,functions,site\n");
        for n in 0..8 {
            hr.push_str(&format!(
                "C-S{n},Site Person {n},2022-01-01,awareness,{site}\n"
            ));
        }
        for n in 0..4 {
            hr.push_str(&format!("C-O{n},Other Person {n},2022-01-01,supplies,\n"));
        }
        assert!(
            t.import_personnel(&officer, party, &hr, false)
                .await
                .unwrap()
                .imported
        );
        let input = |function| SurveyInput {
            title: "Culture 2026".into(),
            site_id: None,
            function,
            opens_on: day(today),
            closes_on: day(today + Duration::days(14)),
            questions: None,
        };
        // Four people holding a function: too few to keep answers anonymous.
        let few = t
            .launch_survey(&officer, party, &input(Some(Function::Supplies)))
            .await;
        assert!(matches!(few, Err(ServiceError::Validation(_))), "{few:?}");
        let launched = t
            .launch_survey(&officer, party, &input(None))
            .await
            .unwrap();
        let id = launched.survey.id;
        assert!(launched.invitations.len() >= 12);
        let link = |name: &str| {
            launched
                .invitations
                .iter()
                .find(|i| i.full_name == name)
                .unwrap()
                .link
                .trim_start_matches("/survey/")
                .to_string()
        };
        let form = t.public_survey(&link("Site Person 0")).await.unwrap();
        assert_eq!(form.questions.len(), 15);
        let answer = |v: u8| AnswerInput {
            answers: form
                .questions
                .iter()
                .map(|q| ItemInput {
                    code: q.code.clone(),
                    value: v.min(q.scale.top()),
                })
                .collect(),
            free_text: "More time for the checks".into(),
        };
        // A wrong answer changes nothing and leaves the link usable.
        let mut bad = answer(3);
        bad.answers.pop();
        assert!(matches!(
            t.answer_survey(&link("Site Person 0"), &bad).await,
            Err(ServiceError::Validation(_))
        ));
        for n in 0..6 {
            t.answer_survey(
                &link(&format!("Site Person {n}")),
                &answer(if n < 3 { 2 } else { 4 }),
            )
            .await
            .unwrap();
        }
        for n in 0..2 {
            t.answer_survey(&link(&format!("Other Person {n}")), &answer(5))
                .await
                .unwrap();
        }
        // One answer per link.
        let again = t.answer_survey(&link("Site Person 0"), &answer(1)).await;
        assert!(matches!(again, Err(ServiceError::Conflict(_))), "{again:?}");
        // Nothing is shown while the survey is open: results read before and after one answer
        // would give that answer away.
        let open = t.survey_results(&officer, id).await.unwrap();
        assert_eq!(open.survey.answered, 8);
        assert!(!open.shown && open.survey.index.is_none() && open.themes.is_empty());
        assert!(matches!(
            t.survey_group(&officer, id, &site).await,
            Err(ServiceError::Validation(_))
        ));
        t.close_survey(&officer, id).await.unwrap();
        let results = t.survey_results(&officer, id).await.unwrap();
        assert!(results.shown && results.survey.index.is_some());
        // The people with no site (with the demo's, a group of its own, or "Other" when small)
        // hold 2 answers: hidden, and the site beside it too, or subtracting from the total
        // would reveal it. Groups nobody answered in have nothing to hide.
        assert!(
            results
                .groups
                .iter()
                .filter(|g| g.answered != Some(0))
                .all(|g| g.suppressed),
            "{:?}",
            results.groups
        );
        let small = results
            .groups
            .iter()
            .find(|g| g.group == "Other" || g.group == "Whole organisation")
            .expect("the group of those with no site")
            .group
            .clone();
        let refused = t.survey_group(&officer, id, &small).await;
        match refused {
            Err(ServiceError::Validation(e)) => {
                assert!(e.first().message.contains("not shown"), "{e}")
            }
            other => panic!("{other:?}"),
        }
        assert!(results.free_text.is_none(), "free text needs ten answers");
        // Nothing leads from an answer back to its author.
        let mut conn = s.store.read().await.unwrap();
        let traced: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM survey_invitations WHERE used = 1 AND personnel_id IS NOT NULL",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(traced, 0);
        let columns: Vec<String> = {
            use sqlx::{Column, Row};
            let row = sqlx::query("SELECT * FROM survey_answers LIMIT 1")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            row.columns().iter().map(|c| c.name().to_string()).collect()
        };
        assert_eq!(columns, vec!["id", "survey_id", "group_key", "free_text"]);
        // No entry of the trail dates an answer: the close records how many came.
        let answers_in_trail: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_entries WHERE action LIKE 'culture_survey.answer%'",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(answers_in_trail, 0);
        let closed: String = sqlx::query_scalar(
            "SELECT after_json FROM audit_entries WHERE action = 'culture_survey.close' AND record_id = $1",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert!(closed.contains("\"answered\":8"), "{closed}");
        // Answer ids are random, not in the order answers came.
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM survey_answers WHERE survey_id = $1")
                .bind(id)
                .fetch_all(&mut *conn)
                .await
                .unwrap();
        assert!(ids.iter().any(|i| *i > 1_000_000), "{ids:?}");
        drop(conn);
        // The weakest theme opens an action in the register; the survey is closed and joins
        // the trend and the national picture.
        let weakest = results.weakest[0].theme;
        let action = t.open_theme_action(&officer, id, weakest).await.unwrap();
        let register = s.register_action(&officer, action).await.unwrap();
        assert_eq!(register.action.source_kind, RecordKind::CultureSurvey);
        assert!(t
            .open_theme_action(&common::actor(&s, "npt.staff").await, id, Theme::Passes)
            .await
            .is_err());
        assert!(matches!(
            t.close_survey(&officer, id).await,
            Err(ServiceError::Conflict(_))
        ));
        assert!(matches!(
            t.public_survey(&link("Site Person 7")).await,
            Err(ServiceError::Conflict(_))
        ));
        let trend = t.culture_trend(&officer, party).await.unwrap();
        assert!(trend.iter().any(|p| p.survey_id == id), "{trend:?}");
        let national = t
            .national_culture(&common::actor(&s, "director").await)
            .await
            .unwrap();
        assert!(national.organisations.iter().any(|o| o.party_id == party));
        // Another organisation reads nothing of it.
        let sky = common::actor(&s, "sky.security").await;
        assert!(matches!(
            t.survey_results(&sky, id).await,
            Err(ServiceError::NotFound(_))
        ));
    }
}

#[tokio::test]
async fn a_link_is_one_account_follows_its_records_and_a_keeper_keeps_their_own() {
    use sems_services::training::personnel::{FunctionInput, PersonnelInput};
    for s in common::services().await {
        let officer = common::actor(&s, "npt.training").await;
        let party = officer.party_id().unwrap();
        let t = s.training();
        let input = |number: &str, account: Option<&str>| PersonnelInput {
            employee_number: number.into(),
            full_name: "Lee Link".into(),
            site_id: None,
            account: account.map(str::to_string),
            started_on: "2024-01-01".into(),
            functions: vec![FunctionInput {
                function: Function::Awareness,
                since: None,
                last_exercised_on: None,
            }],
            active: true,
        };
        // The demo links the analyst already: a second record of the account is refused.
        let twice = t
            .register_person(&officer, party, &input("L-1", Some("npt.analyst")))
            .await;
        assert!(
            matches!(twice, Err(ServiceError::Validation(_))),
            "{twice:?}"
        );
        // A record linked to the viewer's account, then relinked: the records follow.
        let lee = t
            .register_person(&officer, party, &input("L-1", Some("npt.viewer")))
            .await
            .unwrap();
        let today = today();
        t.record_training(
            &officer,
            lee.id,
            &record("AWARE", today - Duration::days(2), 2.0),
            None,
        )
        .await
        .unwrap();
        // The same course on the same day again: refused.
        let again = t
            .record_training(
                &officer,
                lee.id,
                &record("AWARE", today - Duration::days(2), 2.0),
                None,
            )
            .await;
        assert!(
            matches!(again, Err(ServiceError::Validation(_))),
            "{again:?}"
        );
        let viewer = common::actor(&s, "npt.viewer").await;
        assert_eq!(t.training_records(&viewer, lee.id).await.unwrap().len(), 1);
        t.update_person(&officer, lee.id, &input("L-1", Some("npt.handler")))
            .await
            .unwrap();
        let handler = common::actor(&s, "npt.handler").await;
        assert_eq!(t.training_records(&handler, lee.id).await.unwrap().len(), 1);
        assert!(
            t.training_records(&viewer, lee.id).await.is_err(),
            "the unlinked account reads nothing"
        );
        // The training officer does not unlink their own account.
        let mut conn = s.store.read().await.unwrap();
        let own =
            sems_storage::training::personnel::linked_to(&mut conn, officer.person_id().unwrap())
                .await
                .unwrap()
                .expect("the demo links the training officer");
        drop(conn);
        let me = t.person(&officer, own).await.unwrap();
        let mut unlink = input(&me.employee_number, None);
        unlink.full_name = me.full_name.clone();
        unlink.functions = me
            .functions
            .iter()
            .map(|f| FunctionInput {
                function: f.function,
                since: None,
                last_exercised_on: None,
            })
            .collect();
        let refused = t.update_person(&officer, own, &unlink).await;
        match refused {
            Err(ServiceError::Validation(e)) => {
                assert!(e.first().message.contains("your own account"), "{e}")
            }
            other => panic!("{other:?}"),
        }
        // A check that did not clear lapses what hangs on it: the withdrawal task opens.
        let screener = t
            .register_person(
                &officer,
                party,
                &PersonnelInput {
                    functions: vec![FunctionInput {
                        function: Function::AccessControl,
                        since: None,
                        last_exercised_on: None,
                    }],
                    ..input("L-2", None)
                },
            )
            .await
            .unwrap();
        t.record_check(
            &officer,
            screener.id,
            &CheckInput {
                level: CheckLevel::Standard,
                completed_on: day(today - Duration::days(1)),
                valid_until: day(add_months(today, 12)),
                outcome: CheckOutcome::NotCleared,
            },
        )
        .await
        .unwrap();
        let check = t
            .standings(&officer, screener.id)
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.requirement == RequirementKind::BackgroundCheck)
            .unwrap();
        assert_eq!(check.currency, Currency::Lapsed);
        assert!(check.withdrawal_action_id.is_some());
    }
}

#[tokio::test]
async fn a_new_national_programme_is_applied_by_the_job_one_organisation_at_a_time() {
    use sems_services::training::programme::PublishProgramme;
    for s in common::services().await {
        let policy = common::actor(&s, "policy").await;
        let t = s.training();
        let mut programme = t.programme(&policy, None).await.unwrap().programme;
        programme.due_soon_days = 90;
        // A weaker version is refused whole; the note is required.
        let mut bad = programme.clone();
        bad.due_soon_days = 0;
        assert!(matches!(
            t.publish_programme(
                &policy,
                &PublishProgramme {
                    programme: bad,
                    note: "x".into()
                }
            )
            .await,
            Err(ServiceError::Validation(_))
        ));
        let officer = common::actor(&s, "npt.training").await;
        assert!(t
            .publish_programme(
                &officer,
                &PublishProgramme {
                    programme: programme.clone(),
                    note: "Mine".into()
                }
            )
            .await
            .is_err());
        let v = t
            .publish_programme(
                &policy,
                &PublishProgramme {
                    programme,
                    note: "Due soon three months ahead".into(),
                },
            )
            .await
            .unwrap();
        assert!(v.version >= 2);
        // The airport's standings follow at the job's next run, and only then.
        let run = t.run_training_job(today()).await.unwrap();
        assert!(run.people >= 20, "{run:?}");
        assert_eq!(t.run_training_job(today()).await.unwrap().people, 0);
    }
}
