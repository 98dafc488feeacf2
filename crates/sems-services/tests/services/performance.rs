//! Security performance on SQLite and PostgreSQL: from data entered to the values computed,
//! an alert raised once with its notification, corrective action and risk reviews, its
//! acknowledgement and the escalation of one left unacknowledged; and every bad input
//! refused with nothing changed.

use crate::common;
use sems_domain::access::RecordKind;
use sems_domain::performance::alerts::{AlertStatus, Rule};
use sems_domain::performance::definition::{
    national_library, AlertMethod, Exposure, Source, SpiDefinition,
};
use sems_domain::performance::Direction;
use sems_services::performance::alerts::AcknowledgeInput;
use sems_services::performance::indicators::{ExpectedLevelInput, IndicatorInput, TargetInput};
use sems_services::performance::series::SeriesInput;
use sems_services::{Actor, ServiceError, Services};
use sems_storage::actions::ActionFilter;
use sems_storage::performance::alerts::AlertFilter;
use time::macros::date;

fn party_of(actor: &Actor) -> i64 {
    actor.party_id().expect("a person")
}

/// Access violations per 10,000 badge transactions, watched over a scenario.
fn violations(scenario: &str) -> SpiDefinition {
    let mut d = national_library().remove(0);
    d.code = "SWC-VIOL".into();
    d.name = "Access control violations".into();
    d.source = Source::Series {
        numerator: "access_violations".into(),
        denominator: None,
    };
    d.exposure = Some(Exposure {
        series: "badge_transactions".into(),
        per: 10_000,
    });
    d.direction = Direction::LowerIsBetter;
    d.numerator = "Violations".into();
    d.denominator = "Badge transactions".into();
    d.scenarios = vec![scenario.to_string()];
    d
}

async fn enter(s: &Services, actor: &Actor, party: i64, series: &str, month: &str, value: f64) {
    s.performance()
        .enter_series_value(
            actor,
            party,
            &SeriesInput {
                series: series.into(),
                month: month.into(),
                value,
                site_id: None,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{series} {month}: {e}"));
}

#[tokio::test]
async fn from_data_to_alert_to_action_to_acknowledgement_and_escalation() {
    for s in common::services().await {
        let p = s.performance();
        let security = common::actor(&s, "swc.security").await;
        let staff = common::actor(&s, "swc.staff").await;
        let swc = party_of(&security);
        // A scenario the cargo agent assessed: the indicator watches it.
        let assessed = s
            .risk()
            .assessments(
                &security,
                &sems_storage::risk::AssessmentFilter {
                    party_id: Some(swc),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap()
            .items;
        let watched = assessed
            .first()
            .expect("the cargo agent assessed a scenario");
        let definition = violations(&watched.scenario_code);

        // A formula over a series nobody entered is refused.
        let refused = p
            .define_indicator(
                &security,
                &IndicatorInput {
                    definition: definition.clone(),
                    note: String::new(),
                    owner_person_id: None,
                },
            )
            .await;
        assert!(
            matches!(&refused, Err(ServiceError::Validation(e)) if e.of("source").is_some_and(|m| m.contains("access_violations"))),
            "{refused:?}"
        );

        // 2025: 8 and 12 violations per 10,000 transactions in turn (mean 10, SD 2); 2026:
        // 15 and 15, beyond mean + 2 SD twice.
        for m in 1..=12 {
            let month = format!("2025-{m:02}");
            enter(&s, &security, swc, "badge_transactions", &month, 10_000.0).await;
            let v = if m % 2 == 0 { 12.0 } else { 8.0 };
            enter(&s, &security, swc, "access_violations", &month, v).await;
        }
        for month in ["2026-01", "2026-02"] {
            enter(&s, &security, swc, "badge_transactions", month, 10_000.0).await;
            enter(&s, &security, swc, "access_violations", month, 15.0).await;
        }
        let defined = p
            .define_indicator(
                &security,
                &IndicatorInput {
                    definition: definition.clone(),
                    note: "Watched since the badge system was replaced".into(),
                    owner_person_id: security.person_id(),
                },
            )
            .await
            .unwrap();
        assert!(!defined.national && defined.allowed.publish);
        // The same code again is refused.
        assert!(matches!(
            p.define_indicator(
                &security,
                &IndicatorInput {
                    definition: definition.clone(),
                    note: String::new(),
                    owner_person_id: None
                }
            )
            .await,
            Err(ServiceError::Conflict(_))
        ));

        // As if on 10 March 2026: February closed, its values judged.
        let run = p
            .refresh_performance_on(date!(2026 - 03 - 10))
            .await
            .unwrap();
        assert_eq!(run.alerts_raised, 1, "{:?}: {run:?}", s.store.engine());
        let again = p
            .refresh_performance_on(date!(2026 - 03 - 10))
            .await
            .unwrap();
        assert_eq!(again.alerts_raised, 0, "raised once");
        let chart = p.chart(&security, defined.id, swc).await.unwrap();
        let values: Vec<(String, f64, i64)> = chart
            .values
            .iter()
            .map(|v| (v.period.clone(), v.value, v.version))
            .collect();
        assert_eq!(values.len(), 14);
        assert_eq!(values[12], ("2026-01".into(), 15.0, 1));
        let y2026 = chart.years.iter().find(|y| y.year == 2026).unwrap();
        assert_eq!(y2026.lines, Some([12.0, 14.0, 16.0]));
        assert!(y2026
            .how
            .contains("mean 10 and SD 2 of the 2025-01 to 2025-12 baseline"));

        let alerts = p
            .alerts(&security, &AlertFilter::default(), Default::default())
            .await
            .unwrap();
        let alert = alerts
            .items
            .iter()
            .find(|a| a.indicator_id == defined.id)
            .expect("the alert")
            .clone();
        assert_eq!(
            (alert.rule, alert.period.as_str(), alert.status),
            (Rule::TwoBeyondSecond, "2026-02", AlertStatus::Open)
        );
        assert!(
            alert
                .sentence
                .starts_with("2 consecutive months above mean + 2 SD of the 2025-01 to 2025-12 baseline: 15 in 2026-01 and 15 in 2026-02"),
            "{}",
            alert.sentence
        );
        assert_eq!(alert.baseline_from.as_deref(), Some("2025-01"));
        // Its corrective action is in the one register, the security manager responsible.
        let action_id = alert.action_id.expect("an action");
        let register = s
            .action_register(&security, &ActionFilter::default(), Default::default())
            .await
            .unwrap();
        let action = register
            .items
            .iter()
            .find(|a| a.action.id == action_id)
            .expect("in the register");
        assert_eq!(action.action.source_kind, RecordKind::PerformanceAlert);
        assert_eq!(
            action.source_link,
            format!("/performance/alerts/{}", alert.id)
        );
        assert!(action.allowed.complete);
        // The security manager was told; the watched scenario's assessment awaits review.
        let told = s
            .notifications(security.person_id().unwrap(), 50)
            .await
            .unwrap();
        assert!(told
            .iter()
            .any(|n| n.link == format!("/performance/alerts/{}", alert.id)));
        let reviewed = s.risk().assessment(&security, watched.id).await.unwrap();
        assert!(reviewed.review_required);
        assert!(reviewed.review_reason.contains("SWC-VIOL"));

        // Unacknowledged after a week: escalated once to the accountable executive.
        let today = sems_domain::util::today();
        assert_eq!(
            p.escalate_unacknowledged_alerts(today + time::Duration::days(3))
                .await
                .unwrap(),
            0
        );
        // (The demo's own alert, raised when it was loaded, goes with it.)
        assert!(
            p.escalate_unacknowledged_alerts(today + time::Duration::days(8))
                .await
                .unwrap()
                >= 1
        );
        assert!(p
            .alert(&security, alert.id)
            .await
            .unwrap()
            .escalated_on
            .is_some());
        assert_eq!(
            p.escalate_unacknowledged_alerts(today + time::Duration::days(9))
                .await
                .unwrap(),
            0,
            "once"
        );
        let executive = common::actor(&s, "swc.executive").await;
        assert!(s
            .notifications(executive.person_id().unwrap(), 50)
            .await
            .unwrap()
            .iter()
            .any(|n| n.message.starts_with("Unacknowledged")));

        // Staff read nothing of it; the security manager acknowledges, once.
        assert!(p.alert(&staff, alert.id).await.is_err());
        assert!(matches!(
            p.acknowledge_alert(&security, alert.id, &AcknowledgeInput { note: " ".into() })
                .await,
            Err(ServiceError::Validation(_))
        ));
        let acknowledged = p
            .acknowledge_alert(
                &security,
                alert.id,
                &AcknowledgeInput {
                    note: "Badge readers at gate 4 faulty: replaced, see the action".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(acknowledged.status, AlertStatus::Acknowledged);
        assert!(!acknowledged.allowed.acknowledge);
        assert!(matches!(
            p.acknowledge_alert(
                &security,
                alert.id,
                &AcknowledgeInput {
                    note: "again".into()
                }
            )
            .await,
            Err(ServiceError::Conflict(_))
        ));

        // The dashboard shows the indicator, its alert and the silence warning's absence.
        let dashboard = p
            .dashboard_on(&security, swc, date!(2026 - 03 - 10))
            .await
            .unwrap();
        let row = dashboard
            .rows
            .iter()
            .find(|r| r.indicator.id == defined.id)
            .expect("on the dashboard");
        let current = row.current.as_ref().expect("February's value");
        assert_eq!(
            (current.period.as_str(), current.value, current.level),
            ("2026-02", 15.0, 2)
        );
        assert_eq!(row.sparkline.len(), 24);
        // The point opens the records behind it: a series counts none.
        let behind = p
            .point_records(&security, defined.id, swc, "2026-02")
            .await
            .unwrap();
        assert_eq!(behind.value, Some(15.0));
        let labels: Vec<&str> = behind.records.iter().map(|r| r.label.as_str()).collect();
        assert!(
            labels
                .iter()
                .any(|l| l.starts_with("access_violations 2026-02: 15"))
                && labels
                    .iter()
                    .any(|l| l.starts_with("badge_transactions 2026-02: 10000")),
            "{labels:?}"
        );
        // A point of a computed indicator opens the records it counted, those one may read.
        let overdue_actions = p
            .indicators(&security, &Default::default(), Default::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|i| i.code == "NAT-ACT-OVERDUE")
            .expect("shipped");
        let this_month = sems_domain::performance::periods::Span::of(
            sems_domain::performance::Period::Month,
            sems_domain::util::today(),
        );
        let behind = p
            .point_records(&security, overdue_actions.id, swc, &this_month.label)
            .await
            .unwrap();
        assert!(
            behind
                .records
                .iter()
                .all(|r| r.link.starts_with("/actions/"))
                && behind.records.len() + behind.not_shown == behind.value.unwrap_or(0.0) as usize,
            "{behind:?}"
        );

        // A new version: earlier values keep the version they were computed under.
        let mut changed = definition.clone();
        changed.alert = AlertMethod::Fixed {
            watch: 11.0,
            warning: 13.0,
            critical: 20.0,
        };
        p.publish_indicator(
            &security,
            defined.id,
            &IndicatorInput {
                definition: changed,
                note: "Thresholds agreed with the accountable executive".into(),
                owner_person_id: None,
            },
        )
        .await
        .unwrap();
        // A version keeps the period its values are of.
        let mut quarterly = definition.clone();
        quarterly.period = sems_domain::performance::Period::Quarter;
        assert!(matches!(
            p.publish_indicator(
                &security,
                defined.id,
                &IndicatorInput {
                    definition: quarterly,
                    note: "quarterly now".into(),
                    owner_person_id: None,
                },
            )
            .await,
            Err(ServiceError::Validation(e)) if e.of("period").is_some()
        ));
        let detail = p.indicator(&security, defined.id).await.unwrap();
        assert_eq!(detail.indicator.version, 2);
        assert_eq!(detail.versions.len(), 2);
        let chart = p.chart(&security, defined.id, swc).await.unwrap();
        assert!(chart.values.iter().all(|v| v.version == 1));
    }
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    for s in common::services().await {
        let p = s.performance();
        let security = common::actor(&s, "swc.security").await;
        let policy = common::actor(&s, "policy").await;
        let swc = party_of(&security);
        let national = p
            .indicators(&security, &Default::default(), Default::default())
            .await
            .unwrap()
            .items;
        assert!(national.iter().filter(|i| i.national).count() >= 12);
        let pass_rate = national
            .iter()
            .find(|i| i.code == "NAT-TEST-OVERT")
            .expect("shipped")
            .clone();
        let reporting = national
            .iter()
            .find(|i| i.code == "NAT-REP-RATE")
            .expect("shipped")
            .clone();

        // An organisation never edits a national indicator, nor sets its expected level.
        let edit = p
            .publish_indicator(
                &security,
                pass_rate.id,
                &IndicatorInput {
                    definition: pass_rate.definition.clone(),
                    note: "ours".into(),
                    owner_person_id: None,
                },
            )
            .await;
        assert!(matches!(edit, Err(ServiceError::Forbidden(_))), "{edit:?}");
        let level = p
            .set_expected_level(
                &security,
                pass_rate.id,
                &ExpectedLevelInput {
                    expected_level: Some(90.0),
                },
            )
            .await;
        assert!(
            matches!(level, Err(ServiceError::Forbidden(_))),
            "{level:?}"
        );
        // The authority's policy officer sets it (cleared first: a missing number and then a
        // number on one connection).
        for level in [None, Some(85.0)] {
            p.set_expected_level(
                &policy,
                pass_rate.id,
                &ExpectedLevelInput {
                    expected_level: level,
                },
            )
            .await
            .unwrap();
        }
        let set = p
            .set_expected_level(
                &policy,
                pass_rate.id,
                &ExpectedLevelInput {
                    expected_level: Some(90.0),
                },
            )
            .await
            .unwrap();
        assert_eq!(set.expected_level, Some(90.0));
        // Out of range for a share.
        assert!(matches!(
            p.set_expected_level(
                &policy,
                pass_rate.id,
                &ExpectedLevelInput {
                    expected_level: Some(140.0)
                }
            )
            .await,
            Err(ServiceError::Validation(_))
        ));

        // A target weaker than the State expects is refused with the national level.
        let weaker = p
            .set_target(
                &security,
                pass_rate.id,
                &TargetInput {
                    target: Some(85.0),
                    despite_warning: false,
                },
            )
            .await;
        assert!(
            matches!(&weaker, Err(ServiceError::Validation(e)) if e.of("target").is_some_and(|m| m.contains("90"))),
            "{weaker:?}"
        );
        let stricter = p
            .set_target(
                &security,
                pass_rate.id,
                &TargetInput {
                    target: Some(95.0),
                    despite_warning: false,
                },
            )
            .await
            .unwrap();
        assert_eq!(stricter.target, Some(95.0));
        // A target on a reporting rate warns first.
        let warned = p
            .set_target(
                &security,
                reporting.id,
                &TargetInput {
                    target: Some(2.0),
                    despite_warning: false,
                },
            )
            .await;
        assert!(
            matches!(&warned, Err(ServiceError::Validation(e)) if e.of("target").is_some_and(|m| m.contains("discourage reporting"))),
            "{warned:?}"
        );
        assert_eq!(
            p.set_target(
                &security,
                reporting.id,
                &TargetInput {
                    target: Some(2.0),
                    despite_warning: true,
                },
            )
            .await
            .unwrap()
            .target,
            Some(2.0)
        );

        // A baseline with too few periods.
        let mut short = violations("NAT-01");
        short.code = "SWC-SHORT".into();
        short.source = Source::Series {
            numerator: "departures".into(),
            denominator: None,
        };
        short.exposure = None;
        short.alert = AlertMethod::Statistical {
            baseline_periods: 3,
        };
        let refused = p
            .define_indicator(
                &security,
                &IndicatorInput {
                    definition: short,
                    note: String::new(),
                    owner_person_id: None,
                },
            )
            .await;
        assert!(
            matches!(&refused, Err(ServiceError::Validation(e)) if e.of("alert").is_some()),
            "{refused:?}"
        );

        // A negative exposure, a month that is not one, a site of another organisation.
        for (month, value, field) in [("2026-01", -5.0, "value"), ("2026-13", 5.0, "month")] {
            let e = p
                .enter_series_value(
                    &security,
                    swc,
                    &SeriesInput {
                        series: "departures".into(),
                        month: month.into(),
                        value,
                        site_id: None,
                    },
                )
                .await;
            assert!(
                matches!(&e, Err(ServiceError::Validation(v)) if v.of(field).is_some()),
                "{e:?}"
            );
        }
        // Another organisation's series: refused.
        let npt = common::actor(&s, "npt.security").await;
        assert!(p
            .enter_series_value(
                &npt,
                swc,
                &SeriesInput {
                    series: "departures".into(),
                    month: "2026-01".into(),
                    value: 5.0,
                    site_id: None,
                },
            )
            .await
            .is_err());
        // A CSV with bad rows: every one reported, nothing stored.
        let csv = "series,month,value,site\n\
                   departures,2026-01,1200,\n\
                   departures,2026-02,-3,\n\
                   Departures,2026-03,100,\n\
                   departures,2026-04,many,\n\
                   departures,2026-05,10,Nowhere\n\
                   departures,2026-01,1300,\n";
        let report = p.import_series(&security, swc, csv, false).await.unwrap();
        assert!(!report.imported);
        let lines: Vec<usize> = report.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7], "{:?}", report.errors);
        let stored = p
            .series_values(
                &security,
                &sems_storage::performance::series::SeriesFilter {
                    party_id: Some(swc),
                    series: Some("departures".into()),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap();
        assert_eq!(stored.total, 0, "nothing stored");
        // Good rows: a dry run stores nothing, the import stores them.
        let good = "series,month,value\ndepartures,2026-01,1200\ndepartures,2026-02,1100\n";
        let dry = p.import_series(&security, swc, good, true).await.unwrap();
        assert!(dry.errors.is_empty() && !dry.imported);
        let done = p.import_series(&security, swc, good, false).await.unwrap();
        assert!(done.imported && done.rows == 2);

        // The national view is the authority's.
        assert!(matches!(
            p.national_view(&security, None).await,
            Err(ServiceError::NotFound(_))
        ));
        let director = common::actor(&s, "director").await;
        let view = p.national_view(&director, None).await.unwrap();
        assert!(view.indicators.len() >= 12);
    }
}

#[tokio::test]
async fn the_demo_has_an_indicator_in_alert_and_a_silent_organisation() {
    for s in common::services().await {
        let p = s.performance();
        let security = common::actor(&s, "npt.security").await;
        let npt = party_of(&security);
        let dashboard = p.dashboard(&security, npt).await.unwrap();
        let row = dashboard
            .rows
            .iter()
            .find(|r| r.indicator.code == "NPT-ACCESS-VIOL")
            .expect("the airport's own indicator");
        assert_eq!(
            dashboard.rows[0].indicator.code, "NPT-ACCESS-VIOL",
            "in alert: first"
        );
        // Two years of monthly values, the last month closed in alert with its action open.
        assert!(
            row.sparkline.iter().filter(|(_, v)| v.is_some()).count() >= 23,
            "{:?}",
            row.sparkline
        );
        let alert = row.open_alert.expect("in alert");
        let alert = p.alert(&security, alert).await.unwrap();
        assert_eq!(alert.rule, Rule::OneBeyondThird, "{}", alert.sentence);
        let action = s
            .register_action(&security, alert.action_id.expect("its action"))
            .await
            .unwrap();
        assert!(action.action.status.is_open());
        assert!(dashboard.silence.is_none(), "{:?}", dashboard.silence);
        // The home page says it awaits acknowledgement.
        let agenda = s.agenda(&security).await.unwrap();
        let section = agenda
            .iter()
            .find(|a| a.heading == "Performance alerts to acknowledge")
            .expect("on the security manager's home page");
        assert!(section
            .items
            .iter()
            .any(|i| i.link == format!("/performance/alerts/{}", alert.id)));
        // The carrier's reporting fell silent: on its dashboard and on the national view.
        let carrier = common::actor(&s, "sky.security").await;
        let silent = p
            .dashboard(&carrier, party_of(&carrier))
            .await
            .unwrap()
            .silence
            .expect("a silence warning");
        assert!(
            silent.below_own_baseline && silent.occurrences == 0,
            "{silent:?}"
        );
        let director = common::actor(&s, "director").await;
        let national = p.national_view(&director, None).await.unwrap();
        assert!(national
            .rows
            .iter()
            .any(|r| r.party_id == party_of(&carrier) && r.silence.is_some()));
        // Flagged organisations come first.
        let first_plain = national
            .rows
            .iter()
            .position(|r| r.open_alerts == 0 && r.silence.is_none())
            .unwrap_or(national.rows.len());
        assert!(national.rows[..first_plain]
            .iter()
            .all(|r| r.open_alerts > 0 || r.silence.is_some()));
    }
}

#[tokio::test]
async fn the_generator_writes_what_the_job_would_and_the_quartiles_of_five() {
    for s in common::services().await {
        let summary = s
            .generate(sems_services::generate::GenerateParams {
                organisations: 6,
                people_per_org: 5,
                years: 2,
                scenarios: 3,
                activities_per_year: 4,
                reports_per_year: 12,
                personnel_per_org: 20,
                items_per_year: 12,
                seed: 13,
            })
            .await
            .unwrap();
        // Items shared over the two years, written as the sharing job would have left them:
        // nothing to expire or escalate today.
        let sh = summary.sharing;
        assert_eq!(sh.items, 24 + 6 * 4, "{sh:?}");
        assert!(
            sh.distributions > sh.items && sh.reads > 0 && sh.access_log > 0,
            "{sh:?}"
        );
        let run = s
            .sharing()
            .run_sharing_job(sems_domain::util::today())
            .await
            .unwrap();
        assert_eq!((run.expired, run.escalated), (0, 0), "{sh:?}");
        // The register, written as the training job would have: nothing changes by itself
        // today, every lapse has its one withdrawal task.
        let tr = summary.training;
        assert_eq!((tr.personnel, tr.surveys), (120, 12), "{tr:?}");
        assert!(
            tr.records > 120 && tr.standings > 240 && tr.answers > 0,
            "{tr:?}"
        );
        assert_eq!(
            s.training()
                .run_training_job(sems_domain::util::today())
                .await
                .unwrap()
                .people,
            0
        );
        {
            let mut conn = s.store.read().await.unwrap();
            let unclaimed: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM training_standings
                 WHERE currency = 'lapsed' AND kind IN ('recurrent', 'certification', 'background_check')
                   AND withdrawal_action_id IS NULL",
            )
            .fetch_one(&mut *conn)
            .await
            .unwrap();
            assert_eq!(unclaimed, 0);
        }
        let director = common::actor(&s, "director").await;
        let national = s.training().national_compliance(&director).await.unwrap();
        assert!(national.organisations.len() >= 6);
        assert!(
            s.training()
                .national_culture(&director)
                .await
                .unwrap()
                .organisations
                .len()
                >= 6
        );
        let p = summary.performance;
        assert_eq!(p.series_values, 6 * 2 * 25, "{p:?}");
        assert!(p.values > 6 * 24, "{p:?}");
        assert!(
            p.distributions > 0,
            "six organisations give quartiles: {p:?}"
        );
        // The job finds every value already as it would have computed it.
        let before = sems_storage::now_ms();
        let run = s.performance().refresh_performance().await.unwrap();
        if run.values_written != 0 {
            let mut conn = s.store.read().await.unwrap();
            let rows: Vec<(i64, i64, String, f64)> = sqlx::query_as(
                "SELECT indicator_id, owner_party_id, period, value FROM indicator_values WHERE computed_at_ms >= $1",
            )
            .bind(before)
            .fetch_all(&mut *conn)
            .await
            .unwrap();
            panic!("{run:?}: {rows:?}");
        }
        // An organisation's dashboard shows the national quartiles of last month.
        let manager = common::actor(&s, "g13o1p1").await;
        let dashboard = s
            .performance()
            .dashboard(&manager, manager.party_id().unwrap())
            .await
            .unwrap();
        assert!(
            dashboard.rows.iter().any(|r| r.national.is_some()),
            "quartiles of {}",
            dashboard.period
        );
        // The national view lists the generated organisations with their reporting rates.
        let director = common::actor(&s, "director").await;
        let view = s
            .performance()
            .national_view(&director, None)
            .await
            .unwrap();
        let rate = view
            .indicators
            .iter()
            .position(|c| c.code == "NAT-REP-RATE")
            .expect("a column");
        let mut ids = Vec::new();
        {
            let mut conn = s.store.read().await.unwrap();
            for i in 1..=6 {
                let party = sems_storage::parties::by_code(&mut conn, &format!("G13-{i}"))
                    .await
                    .unwrap()
                    .expect("generated");
                ids.push(party.id);
            }
        }
        let generated: Vec<_> = view
            .rows
            .iter()
            .filter(|r| ids.contains(&r.party_id))
            .collect();
        assert_eq!(generated.len(), 6);
        assert!(generated.iter().all(|r| r.values[rate].is_some()));
    }
}
