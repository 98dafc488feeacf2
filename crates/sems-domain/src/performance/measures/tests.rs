//! Each measure of the national library computed from a known data set, by hand.

use super::*;
use crate::performance::definition::national_library;
use crate::performance::periods::start_ms;
use crate::performance::Period;
use time::macros::date;

fn march() -> Span {
    Span::of(Period::Month, date!(2026 - 03 - 01))
}

fn ms(day: Date) -> i64 {
    start_ms(day)
}

fn spi(code: &str) -> SpiDefinition {
    national_library()
        .into_iter()
        .find(|d| d.code == code)
        .expect("in the library")
}

fn value(code: &str, facts: &Facts) -> Option<Computed> {
    compute(&spi(code), facts, &march())
}

fn finding(id: i64, level: FindingLevel, code: &str, raised: Date, due: Date) -> FindingFact {
    FindingFact {
        id,
        level,
        requirement_code: code.into(),
        raised_at_ms: ms(raised) + 3_600_000,
        due_on: due,
        history: Vec::new(),
    }
}

#[test]
fn test_pass_rates_overt_covert_and_per_area() {
    let t = |id, day, covert, area: &str, passed, failed| TestFact {
        activity_id: id,
        completed_on: day,
        covert,
        area: area.into(),
        passed,
        failed,
    };
    let facts = Facts {
        tests: vec![
            t(1, date!(2026 - 03 - 02), false, "A", 3, 1),
            t(1, date!(2026 - 03 - 02), false, "B", 1, 1),
            t(2, date!(2026 - 03 - 20), true, "A", 0, 2),
            // February: not counted.
            t(3, date!(2026 - 02 - 28), false, "A", 5, 0),
        ],
        ..Facts::default()
    };
    // Overt: 4 passed of 6.
    let overt = value("NAT-TEST-OVERT", &facts).expect("a value");
    assert_eq!((overt.numerator, overt.denominator), (4.0, Some(6.0)));
    assert!((overt.value - 66.666).abs() < 0.01);
    assert_eq!(overt.records, vec![1]);
    let covert = value("NAT-TEST-COVERT", &facts).expect("a value");
    assert_eq!((covert.value, covert.records.clone()), (0.0, vec![2]));
    // Narrowed to area A, overt and covert: 3 of 6.
    let mut area = spi("NAT-TEST-OVERT");
    area.source = Source::Computed {
        measure: Measure::TestPassRate,
        tests: Some(TestKind::Any),
        area: Some("A".into()),
    };
    let a = compute(&area, &facts, &march()).expect("a value");
    assert_eq!(
        (a.numerator, a.denominator, a.value),
        (3.0, Some(6.0), 50.0)
    );
    // No test in April: no value, not 0 %.
    assert_eq!(
        compute(
            &spi("NAT-TEST-OVERT"),
            &facts,
            &Span::of(Period::Month, date!(2026 - 04 - 01))
        ),
        None
    );
}

#[test]
fn effective_implementation_sums_compliant_over_applicable() {
    let r = |id, day, area: &str, compliant, applicable| EiFact {
        activity_id: id,
        completed_on: day,
        area: area.into(),
        compliant,
        applicable,
    };
    let facts = Facts {
        ei: vec![
            r(7, date!(2026 - 03 - 10), "A", 8, 10),
            r(7, date!(2026 - 03 - 10), "B", 1, 2),
            r(8, date!(2026 - 01 - 10), "A", 0, 10),
        ],
        ..Facts::default()
    };
    let ei = value("NAT-EI", &facts).expect("a value");
    assert_eq!((ei.numerator, ei.denominator), (9.0, Some(12.0)));
    assert_eq!(ei.value, 75.0);
    assert_eq!(ei.records, vec![7]);
}

#[test]
fn findings_open_overdue_closed_and_repeated_as_they_stood_at_the_end_of_the_month() {
    use FindingLevel::*;
    use FindingStatus::*;
    // 1: level 1, raised in January, closed on 10 March: open at the end of February, closed
    //    at the end of March, 68 days (1 Jan 01:00 → 10 Mar 00:00 = 67.96 → 67 whole days).
    let mut f1 = finding(
        1,
        Level1,
        "R-1",
        date!(2026 - 01 - 01),
        date!(2026 - 01 - 08),
    );
    f1.history = vec![
        (ms(date!(2026 - 01 - 05)), CapSubmitted),
        (ms(date!(2026 - 01 - 06)), CapAccepted),
        (ms(date!(2026 - 03 - 10)), Closed),
    ];
    // 2: level 1, raised in March, plan due 5 March, still open: overdue.
    let f2 = finding(
        2,
        Level1,
        "R-2",
        date!(2026 - 03 - 01),
        date!(2026 - 03 - 05),
    );
    // 3: level 2 raised in March on R-1, which finding 1 failed in January: a repeat. Its plan
    //    is due in April: awaited, not overdue.
    let f3 = finding(
        3,
        Level2,
        "R-1",
        date!(2026 - 03 - 15),
        date!(2026 - 04 - 15),
    );
    // 4: level 1 raised in April: not there at the end of March.
    let f4 = finding(
        4,
        Level1,
        "R-3",
        date!(2026 - 04 - 02),
        date!(2026 - 04 - 09),
    );
    // 5: raised on R-2 in 2024, more than 12 months before finding 2: no repeat.
    let mut f5 = finding(
        5,
        Observation,
        "R-2",
        date!(2024 - 06 - 01),
        date!(2024 - 09 - 01),
    );
    f5.history = vec![(ms(date!(2024 - 07 - 01)), Closed)];
    // 6: plan submitted, waiting for the overseer: neither awaited nor overdue.
    let mut f6 = finding(
        6,
        Level2,
        "R-4",
        date!(2026 - 02 - 01),
        date!(2026 - 03 - 01),
    );
    f6.history = vec![(ms(date!(2026 - 02 - 20)), CapSubmitted)];
    let facts = Facts {
        findings: vec![f1, f2, f3, f4, f5, f6],
        ..Facts::default()
    };
    let open = value("NAT-FIND-L1", &facts).expect("a value");
    assert_eq!((open.value, open.records.clone()), (1.0, vec![2]));
    let feb = compute(
        &spi("NAT-FIND-L1"),
        &facts,
        &Span::of(Period::Month, date!(2026 - 02 - 01)),
    )
    .expect("a value");
    assert_eq!(feb.records, vec![1]);
    // Awaiting the organisation at the end of March: 2 and 3; overdue: 2. 1 of 2.
    let overdue = value("NAT-CAP-OVERDUE", &facts).expect("a value");
    assert_eq!((overdue.numerator, overdue.denominator), (1.0, Some(2.0)));
    assert_eq!(overdue.records, vec![2]);
    let close = value("NAT-FIND-CLOSE", &facts).expect("a value");
    assert_eq!((close.value, close.records.clone()), (67.0, vec![1]));
    let repeat = value("NAT-FIND-REPEAT", &facts).expect("a value");
    assert_eq!((repeat.value, repeat.records.clone()), (1.0, vec![3]));
}

#[test]
fn the_programme_on_plan_counts_what_was_planned_in_the_month() {
    let a = |id, planned, completed| PlannedActivity {
        id,
        planned_on: planned,
        completed_on: completed,
    };
    let facts = Facts {
        programme: vec![
            a(1, date!(2026 - 03 - 03), Some(date!(2026 - 03 - 05))),
            a(2, date!(2026 - 03 - 20), Some(date!(2026 - 04 - 02))),
            a(3, date!(2026 - 03 - 25), None),
            a(4, date!(2026 - 03 - 26), Some(date!(2026 - 03 - 31))),
            a(5, date!(2026 - 02 - 26), Some(date!(2026 - 03 - 01))),
        ],
        ..Facts::default()
    };
    let on_plan = value("NAT-PROG-PLAN", &facts).expect("a value");
    assert_eq!((on_plan.numerator, on_plan.denominator), (2.0, Some(4.0)));
    assert_eq!(on_plan.value, 50.0);
    assert_eq!(on_plan.records, vec![1, 2, 3, 4]);
}

fn report(id: i64, filed: i64) -> ReportFact {
    ReportFact {
        id,
        filed_at_ms: filed,
        triaged_at_ms: None,
        mandatory: false,
        forward_due_at_ms: None,
        forwarded_at_ms: None,
    }
}

#[test]
fn reports_per_hundred_staff_use_the_headcount_series() {
    let day = ms(date!(2026 - 03 - 04));
    let mut facts = Facts {
        reports: (1..=6).map(|i| report(i, day + i)).collect(),
        ..Facts::default()
    };
    facts.reports.push(report(7, ms(date!(2026 - 04 - 01))));
    // No headcount: no rate (never the number of accounts).
    assert_eq!(value("NAT-REP-RATE", &facts), None);
    facts.series.insert(
        "staff_headcount".into(),
        BTreeMap::from([("2026-01".to_string(), 400.0)]),
    );
    // 6 reports / 400 staff × 100 = 1.5, January's headcount carried forward.
    let rate = value("NAT-REP-RATE", &facts).expect("a value");
    assert_eq!(
        (rate.value, rate.numerator, rate.denominator),
        (1.5, 6.0, Some(400.0))
    );
    assert_eq!(
        rate.note.as_deref(),
        Some("staff_headcount of 2026-01 carried forward")
    );
    assert_eq!(rate.records, (1..=6).collect::<Vec<_>>());
    // A headcount older than a year is not carried forward.
    facts.series.insert(
        "staff_headcount".into(),
        BTreeMap::from([("2025-02".to_string(), 400.0)]),
    );
    assert_eq!(value("NAT-REP-RATE", &facts), None);
}

#[test]
fn mandatory_reports_forwarded_in_time_and_hours_to_triage() {
    let due = ms(date!(2026 - 03 - 10));
    let mandatory = |id, forwarded: Option<i64>| ReportFact {
        mandatory: true,
        forward_due_at_ms: Some(due),
        forwarded_at_ms: forwarded,
        ..report(id, due - 72 * 3_600_000)
    };
    let triaged = |id, hours: i64| ReportFact {
        triaged_at_ms: Some(ms(date!(2026 - 03 - 12)) + hours * 3_600_000),
        ..report(id, ms(date!(2026 - 03 - 12)))
    };
    let facts = Facts {
        reports: vec![
            mandatory(1, Some(due - 1)),
            mandatory(2, Some(due + 1)),
            mandatory(3, None),
            triaged(4, 2),
            triaged(5, 30),
            triaged(6, 5),
            // Triaged in February: not March's.
            ReportFact {
                triaged_at_ms: Some(ms(date!(2026 - 02 - 12))),
                ..report(7, ms(date!(2026 - 02 - 11)))
            },
        ],
        ..Facts::default()
    };
    let forwarded = value("NAT-REP-FORWARD", &facts).expect("a value");
    assert_eq!(
        (forwarded.numerator, forwarded.denominator),
        (1.0, Some(3.0))
    );
    assert_eq!(forwarded.records, vec![1, 2, 3]);
    // Hours 2, 5, 30: the median is 5.
    let triage = value("NAT-REP-TRIAGE", &facts).expect("a value");
    assert_eq!((triage.value, triage.records.clone()), (5.0, vec![4, 5, 6]));
}

#[test]
fn assessments_past_review_as_their_review_dates_stood() {
    let facts = Facts {
        assessments: vec![
            // Due in February, never reviewed since: past review.
            AssessmentFact {
                id: 1,
                created_at_ms: ms(date!(2025 - 02 - 01)),
                next_review_on: date!(2026 - 02 - 01),
                reviews: Vec::new(),
            },
            // Reviewed in April (next review 2027), but on 31 March its review date, set in
            // 2025, was 15 March: past review then.
            AssessmentFact {
                id: 2,
                created_at_ms: ms(date!(2025 - 03 - 01)),
                next_review_on: date!(2027 - 04 - 01),
                reviews: vec![
                    (ms(date!(2025 - 03 - 01)), date!(2026 - 03 - 15)),
                    (ms(date!(2026 - 04 - 01)), date!(2027 - 04 - 01)),
                ],
            },
            // Not due.
            AssessmentFact {
                id: 3,
                created_at_ms: ms(date!(2025 - 06 - 01)),
                next_review_on: date!(2026 - 06 - 01),
                reviews: Vec::new(),
            },
            // Made in April: not there yet.
            AssessmentFact {
                id: 4,
                created_at_ms: ms(date!(2026 - 04 - 02)),
                next_review_on: date!(2026 - 01 - 01),
                reviews: Vec::new(),
            },
        ],
        ..Facts::default()
    };
    let past = value("NAT-RISK-REVIEW", &facts).expect("a value");
    assert_eq!((past.numerator, past.denominator), (2.0, Some(3.0)));
    assert_eq!(past.records, vec![1, 2]);
}

#[test]
fn overdue_actions_at_the_end_of_the_month() {
    let a = |id, due, completed, cancelled| ActionFact {
        id,
        created_at_ms: ms(date!(2026 - 01 - 01)),
        due_on: due,
        completed_on: completed,
        cancelled,
    };
    let facts = Facts {
        actions: vec![
            a(1, date!(2026 - 03 - 15), None, false),
            a(2, date!(2026 - 03 - 15), Some(date!(2026 - 04 - 03)), false),
            a(3, date!(2026 - 03 - 15), Some(date!(2026 - 03 - 20)), false),
            a(4, date!(2026 - 04 - 15), None, false),
            a(5, date!(2026 - 02 - 15), None, true),
        ],
        ..Facts::default()
    };
    let overdue = value("NAT-ACT-OVERDUE", &facts).expect("a value");
    assert_eq!((overdue.value, overdue.records.clone()), (2.0, vec![1, 2]));
}

#[test]
fn directives_acknowledged_and_implemented_by_their_deadlines_in_the_month() {
    let d = |id, ack_by, ack, imp_by, imp| DirectiveFact {
        item_id: id,
        acknowledge_by: ack_by,
        acknowledged_on: ack,
        implement_by: imp_by,
        implemented_on: imp,
    };
    let facts = Facts {
        directives: vec![
            // Acknowledged on the day: on time; implemented in April (not this month's).
            d(
                1,
                date!(2026 - 03 - 10),
                Some(date!(2026 - 03 - 10)),
                date!(2026 - 04 - 30),
                None,
            ),
            // Acknowledged a day late; implemented before its March deadline.
            d(
                2,
                date!(2026 - 03 - 20),
                Some(date!(2026 - 03 - 21)),
                date!(2026 - 03 - 31),
                Some(date!(2026 - 03 - 30)),
            ),
            // Not acknowledged by the deadline; implementation due in March, not done.
            d(3, date!(2026 - 03 - 31), None, date!(2026 - 03 - 31), None),
            // February's deadline: not this month's.
            d(4, date!(2026 - 02 - 28), None, date!(2026 - 02 - 28), None),
        ],
        ..Facts::default()
    };
    let ack = value("NAT-DIR-ACK", &facts).expect("a value");
    assert_eq!(
        (ack.numerator, ack.denominator, ack.records.clone()),
        (1.0, Some(3.0), vec![1, 2, 3])
    );
    let implemented = value("NAT-DIR-IMPL", &facts).expect("a value");
    assert_eq!(
        (
            implemented.numerator,
            implemented.denominator,
            implemented.records
        ),
        (1.0, Some(2.0), vec![2, 3])
    );
}

#[test]
fn series_indicators_divide_and_normalise() {
    let mut d = spi("NAT-ACT-OVERDUE");
    d.source = Source::Series {
        numerator: "access_violations".into(),
        denominator: None,
    };
    d.exposure = Some(Exposure {
        series: "badge_transactions".into(),
        per: 10_000,
    });
    let q = Span::of(Period::Quarter, date!(2026 - 01 - 01));
    let mut facts = Facts::default();
    facts.series.insert(
        "access_violations".into(),
        BTreeMap::from([
            ("2026-01".to_string(), 3.0),
            ("2026-02".to_string(), 1.0),
            ("2026-03".to_string(), 2.0),
        ]),
    );
    facts.series.insert(
        "badge_transactions".into(),
        BTreeMap::from([
            ("2026-01".to_string(), 10_000.0),
            ("2026-02".to_string(), 10_000.0),
            ("2026-03".to_string(), 10_000.0),
        ]),
    );
    // A flow sums over the quarter: 6 violations per 30,000 transactions = 2 per 10,000.
    let c = compute(&d, &facts, &q).expect("a value");
    assert_eq!(
        (c.value, c.numerator, c.denominator),
        (2.0, 6.0, Some(30_000.0))
    );
    // A month missing from a flow: no value rather than a partial sum.
    facts
        .series
        .get_mut("access_violations")
        .map(|m| m.remove("2026-02"));
    assert_eq!(compute(&d, &facts, &q), None);
    // A ratio of two series.
    d.source = Source::Series {
        numerator: "badge_transactions".into(),
        denominator: Some("badge_transactions".into()),
    };
    d.exposure = None;
    assert_eq!(compute(&d, &facts, &march()).map(|c| c.value), Some(1.0));
}

#[test]
fn training_shares_at_the_end_of_the_month_each_requirement_once_per_person() {
    use crate::training::assess::{CheckDone, Held};
    use crate::training::programme::default_programme;
    use crate::training::{CheckLevel, CheckOutcome, Function};
    let screener = |id, irt_hours: f64, check: bool| PersonFact {
        personnel_id: id,
        started_on: date!(2025 - 01 - 01),
        held: vec![Held {
            function: Function::ScreenerPersons,
            last_exercised_on: None,
        }],
        records: vec![
            ("AWARE".into(), date!(2025 - 01 - 10), 3.0, true),
            ("SCR-PCB".into(), date!(2025 - 02 - 01), 24.0, true),
            ("IRT".into(), date!(2026 - 02 - 10), irt_hours, true),
            // After the month: not counted for March.
            ("IRT".into(), date!(2026 - 04 - 02), 6.0, true),
        ],
        checks: if check {
            vec![CheckDone {
                level: CheckLevel::Enhanced,
                completed_on: date!(2024 - 12 - 01),
                valid_until: date!(2029 - 12 - 01),
                outcome: CheckOutcome::Cleared,
            }]
        } else {
            Vec::new()
        },
    };
    let mut late = screener(3, 6.0, true);
    late.started_on = date!(2026 - 04 - 01); // not yet employed in March
    let facts = Facts {
        training: Some(TrainingFacts {
            programme: default_programme(),
            people: vec![screener(1, 6.0, true), screener(2, 2.0, false), late],
        }),
        ..Default::default()
    };
    let irt = value("NAT-TRAIN-IRT", &facts).expect("a value");
    assert_eq!((irt.numerator, irt.denominator), (1.0, Some(2.0)));
    assert_eq!(irt.records, vec![1, 2]);
    let checks = value("NAT-TRAIN-CHECKS", &facts).expect("a value");
    assert_eq!(checks.value, 50.0);
    // Initial, recurrent, refresher-free screener: initial, recurrent, certification, image
    // training, check = 5 requirements each; person 1 all current, person 2 two short.
    let current = value("NAT-TRAIN-CURRENT", &facts).expect("a value");
    assert_eq!((current.numerator, current.denominator), (8.0, Some(10.0)));
    // No register: no value.
    assert!(value("NAT-TRAIN-CURRENT", &Facts::default()).is_none());
}
