//! The demo data set tells every module's story at the airport the README signs in to
//! (issue 11 point 6), on both engines.

use crate::common;
use sems_domain::access::RecordKind;
use sems_domain::oversight::{FindingStatus, Performer};
use sems_domain::report::ReportStatus;
use sems_services::oversight::ei::EiSelection;
use sems_storage::actions::ActionFilter;

#[tokio::test]
async fn the_airport_has_every_modules_story() {
    for s in common::services().await {
        let sm = common::actor(&s, "npt.security").await;
        let npt = sm.party_id().unwrap();

        // Risk: assessments, one as the data propose, others departing with a reason; one
        // accepted by the accountable executive; actions, one overdue.
        let register = s
            .risk()
            .assessments(&sm, &Default::default(), Default::default())
            .await
            .unwrap();
        assert_eq!(register.total, 3);
        assert!(register
            .items
            .iter()
            .any(|a| a.likelihood_proposed == Some(a.likelihood)
                && a.likelihood_override_reason.is_empty()));
        assert!(register
            .items
            .iter()
            .any(|a| !a.likelihood_override_reason.is_empty()));
        let mut accepted = 0;
        for a in &register.items {
            accepted += s.risk().acceptances(&sm, a.id).await.unwrap().len();
        }
        assert_eq!(accepted, 1);
        let overdue = s
            .action_register(
                &sm,
                &ActionFilter {
                    overdue_on: Some(sems_domain::util::today()),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap();
        assert_eq!(overdue.total, 1);
        assert_eq!(
            overdue.items[0].action.source_kind,
            RecordKind::RiskAssessment
        );
        let maps = s.risk().heat_maps(&sm, &Default::default()).await.unwrap();
        assert_eq!(maps.assessments, 3);

        // Reporting: a report in every state, the closed one's action in the register.
        let handler = common::actor(&s, "npt.handler").await;
        let reports = s
            .reporting()
            .reports(&handler, &Default::default(), Default::default())
            .await
            .unwrap();
        for status in ReportStatus::ALL {
            assert!(
                reports.items.iter().any(|r| r.status == *status),
                "a report {status:?}"
            );
        }
        let from_reports = s
            .action_register(
                &sm,
                &ActionFilter {
                    source_kind: Some(RecordKind::SecurityReport),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap();
        assert_eq!(from_reports.total, 1);

        // Oversight: the authority's inspection with findings in several states, and the
        // airport's self-evaluation apart from it.
        let findings = s
            .oversight()
            .findings(&sm, &Default::default(), Default::default())
            .await
            .unwrap();
        let states: Vec<FindingStatus> = findings.items.iter().map(|f| f.status).collect();
        for wanted in [
            FindingStatus::Open,
            FindingStatus::CapAccepted,
            FindingStatus::Closed,
        ] {
            assert!(states.contains(&wanted), "{wanted:?} in {states:?}");
        }
        let inspector = common::actor(&s, "inspector").await;
        let state = s
            .oversight()
            .effective_implementation(
                &inspector,
                Some(npt),
                &EiSelection::of(Performer::Authority),
            )
            .await
            .unwrap();
        assert!(state.overall.is_some());
        let own = s
            .oversight()
            .effective_implementation(&sm, None, &EiSelection::of(Performer::SelfEvaluation))
            .await
            .unwrap();
        assert_eq!(own.overall, Some(100.0));
        assert_ne!(state.overall, own.overall, "each performer's own figure");
    }
}

#[tokio::test]
async fn the_agenda_lists_what_awaits_each_person_late_first() {
    for s in common::services().await {
        let sm = common::actor(&s, "npt.security").await;
        let agenda = s.agenda(&sm).await.unwrap();
        let headings: Vec<&str> = agenda.iter().map(|a| a.heading.as_str()).collect();
        for wanted in [
            "Reports to triage",
            "Findings awaiting your plan or completion",
            "Overdue corrective actions",
        ] {
            assert!(headings.contains(&wanted), "{wanted} in {headings:?}");
        }
        let late: Vec<usize> = agenda
            .iter()
            .map(|a| a.items.iter().filter(|i| i.late).count())
            .collect();
        assert!(
            late.windows(2).all(|w| w[0] >= w[1]),
            "late first: {late:?}"
        );
        // The inspector has no activity due until one is planned today with them on its team.
        let inspector = common::actor(&s, "inspector").await;
        assert!(!s
            .agenda(&inspector)
            .await
            .unwrap()
            .iter()
            .any(|a| a.heading == "Activities due"));
        let sky = s
            .oversight()
            .activities(&inspector, &Default::default(), Default::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|a| a.completed_on.is_none())
            .unwrap();
        let planned = s
            .oversight()
            .plan_activity(
                &inspector,
                &sems_services::oversight::activities::PlanInput {
                    overseen_party_id: sky.overseen_party_id,
                    kind: "inspection".into(),
                    title: "Unannounced apron check".into(),
                    planned_on: sems_domain::util::format_date(sems_domain::util::today()),
                    announced: false,
                    scope: vec!["NASP-07".into()],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let agenda = s.agenda(&inspector).await.unwrap();
        let due = agenda
            .iter()
            .find(|a| a.heading == "Activities due")
            .expect("the activity planned today");
        assert!(due
            .items
            .iter()
            .any(|i| i.link == format!("/oversight/activities/{}", planned.id)));
        // Staff have nothing to manage.
        let staff = common::actor(&s, "npt.staff").await;
        assert!(s.agenda(&staff).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn the_director_sees_the_national_overview_and_organisations_do_not() {
    for s in common::services().await {
        let director = common::actor(&s, "director").await;
        let o = s
            .national_overview(&director)
            .await
            .unwrap()
            .expect("the director's overview");
        assert!(
            o.open_level_1_findings >= 1,
            "the airport's level 1 finding"
        );
        assert_eq!(
            o.assessments, 6,
            "the airport's three and the agent's three"
        );
        assert_eq!(o.risk_totals.iter().sum::<i64>(), o.assessments);
        assert!(o.organisations_with_ei >= 2, "the airport and the carrier");
        let ei: Vec<f64> = o.lowest_ei.iter().filter_map(|r| r.ei).collect();
        assert!(ei.windows(2).all(|w| w[0] <= w[1]), "lowest first: {ei:?}");
        assert!(
            !o.occurrences_by_month.is_empty(),
            "the forwarded occurrence"
        );
        for who in ["npt.security", "npt.executive", "policy"] {
            let actor = common::actor(&s, who).await;
            assert!(
                s.national_overview(&actor).await.unwrap().is_none(),
                "{who}"
            );
        }
    }
}

#[tokio::test]
async fn the_search_finds_what_the_reader_may_read_across_modules() {
    for s in common::services().await {
        let headings = |groups: &[sems_services::search::FoundGroup]| {
            groups.iter().map(|g| g.heading.clone()).collect::<Vec<_>>()
        };
        let sm = common::actor(&s, "npt.security").await;
        // By code: the national scenario, and the airport's assessment's actions by title.
        let found = s.search(&sm, "NAT-07").await.unwrap();
        assert!(
            headings(&found).contains(&"Threat scenarios".to_string()),
            "{found:?}"
        );
        let found = s.search(&sm, "drone detection").await.unwrap();
        assert!(
            headings(&found).contains(&"Corrective actions".to_string()),
            "{found:?}"
        );
        // By words: the airport's findings and the authority's inspection of it.
        let found = s.search(&sm, "staff door").await.unwrap();
        assert!(
            headings(&found).contains(&"Findings".to_string()),
            "{found:?}"
        );
        let found = s.search(&sm, "access control inspection").await.unwrap();
        assert!(
            headings(&found).contains(&"Oversight activities".to_string()),
            "{found:?}"
        );
        // By number: a report its handler reads; another organisation finds nothing of it.
        let handler = common::actor(&s, "npt.handler").await;
        let report = s
            .reporting()
            .reports(&handler, &Default::default(), Default::default())
            .await
            .unwrap()
            .items[0]
            .id;
        let found = s.search(&handler, &format!("#{report}")).await.unwrap();
        assert!(found[0]
            .items
            .iter()
            .any(|i| i.link == format!("/reports/{report}")));
        let sky = common::actor(&s, "sky.security").await;
        let theirs = s.search(&sky, &report.to_string()).await.unwrap();
        assert!(!theirs
            .iter()
            .flat_map(|g| g.items.iter())
            .any(|i| i.link == format!("/reports/{report}")));
        assert!(s
            .search(&sky, "staff door")
            .await
            .unwrap()
            .iter()
            .all(|g| g.heading != "Findings"));
        // Too short, or nothing like it: nothing.
        assert!(s.search(&sm, "x").await.unwrap().is_empty());
        assert!(s.search(&sm, "zyxwvu").await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn the_airport_trains_vets_and_surveys_its_culture() {
    use sems_domain::training::assess::RequirementKind;
    use sems_domain::training::currency::Currency;
    use sems_storage::training::standings::DueFilter;
    for s in common::services().await {
        let officer = common::actor(&s, "npt.training").await;
        let npt = officer.party_id().unwrap();
        let t = s.training();
        let people = t
            .personnel(&officer, &Default::default(), Default::default())
            .await
            .unwrap();
        assert!(people.total >= 20, "{}", people.total);
        let due = |currency, kind| DueFilter {
            currency: Some(currency),
            kind: Some(kind),
            ..Default::default()
        };
        // One screener under the six-hours rule.
        let under = t
            .due_list(
                &officer,
                &due(Currency::Overdue, RequirementKind::ImageTraining),
                Default::default(),
            )
            .await
            .unwrap();
        assert_eq!(under.items.len(), 1);
        assert_eq!(under.items[0].full_name, "Omar Haddad");
        // One certification lapsed, with its withdrawal task in the register.
        let lapsed = t
            .due_list(
                &officer,
                &due(Currency::Lapsed, RequirementKind::Certification),
                Default::default(),
            )
            .await
            .unwrap();
        assert_eq!(lapsed.items.len(), 1);
        let task = lapsed.items[0]
            .withdrawal_action_id
            .expect("a withdrawal task");
        let action = s.register_action(&officer, task).await.unwrap();
        assert!(action.action.title.contains("Lena Vogt"));
        // One due soon; a supervisor needs a refresher.
        assert!(!t
            .due_list(
                &officer,
                &due(Currency::DueSoon, RequirementKind::Certification),
                Default::default()
            )
            .await
            .unwrap()
            .items
            .is_empty());
        assert!(!t
            .due_list(
                &officer,
                &due(Currency::Overdue, RequirementKind::Refresher),
                Default::default()
            )
            .await
            .unwrap()
            .items
            .is_empty());
        // The linked accounts are current: the analyst still reads with their clearance.
        let analyst = common::actor(&s, "npt.analyst").await;
        assert!(analyst.subject().unwrap().gate.is_none());
        // A closed survey with results, one group hidden, an action from its weakest theme.
        let surveys = t
            .surveys(
                &officer,
                &sems_storage::training::surveys::SurveyFilter {
                    party_id: Some(npt),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap();
        let survey = surveys
            .items
            .iter()
            .find(|v| v.title == "Security culture at Northport")
            .expect("the demo survey");
        let r = t.survey_results(&officer, survey.id).await.unwrap();
        assert!(r.shown && r.free_text.is_some());
        assert!(r.groups.iter().any(|g| g.suppressed) && r.groups.iter().any(|g| !g.suppressed));
        assert_eq!(
            r.weakest[0].theme,
            sems_domain::training::survey::Theme::Passes
        );
        assert_eq!(r.actions.len(), 1);
    }
}
