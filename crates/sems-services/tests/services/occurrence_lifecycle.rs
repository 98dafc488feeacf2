//! The reporting rules as the authority's versioned data, and the occurrence lifecycle to its
//! final result (EU 376/2014's pattern), on SQLite and PostgreSQL: who may change the rules,
//! that they apply to what is filed after the change, the three clocks of a forwarded
//! occurrence, de-identified updates, and what the authority sees late.

use sems_domain::report::rules::{Countdown, Deadlines, JustCultureDecision, OccurrenceStep};
use sems_services::reports::lifecycle::FinalResultInput;
use sems_services::reports::{CloseInput, ReportInput, TriageInput};
use sems_services::{Actor, ServiceError, Services};
use sems_storage::reports::OccurrenceFilter;

use crate::common::{actor, services};

const PUBLIC: Actor = Actor::System("public reporting");
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

fn input(category: &str, mandatory: bool) -> ReportInput {
    ReportInput {
        category: category.into(),
        occurred_at: format!(
            "{}T06:40",
            sems_domain::util::format_date(sems_domain::util::today())
        ),
        location: "Hold baggage make-up area".into(),
        what_happened: "A hold bag was loaded without its screening tag being checked.".into(),
        mode: "anonymous".into(),
        reporter_thinks_mandatory: mandatory,
        ..Default::default()
    }
}

async fn file(s: &Services, category: &str, mandatory: bool) -> i64 {
    let npt = actor(s, "npt.staff").await.party_id().unwrap();
    s.reporting()
        .file_report(&PUBLIC, npt, &input(category, mandatory), vec![])
        .await
        .unwrap()
        .report_id
}

/// Files, triages as mandatory and de-identifies a report: ready to forward.
async fn ready_to_forward(s: &Services) -> i64 {
    let handler = actor(s, "npt.handler").await;
    let id = file(s, "hold_baggage", true).await;
    s.reporting()
        .triage_report(
            &handler,
            id,
            &TriageInput {
                category: "hold_baggage".into(),
                severity: "high".into(),
                mandatory: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    s.reporting()
        .set_deidentified(
            &handler,
            id,
            "A hold bag was loaded at the make-up area without its screening tag checked.",
        )
        .await
        .unwrap();
    id
}

async fn set_column(s: &Services, id: i64, column: &str, value: i64) {
    let mut conn = s.store.read().await.unwrap();
    sqlx::query(&format!(
        "UPDATE security_reports SET {column} = $1 WHERE id = $2"
    ))
    .bind(value)
    .bind(id)
    .execute(&mut *conn)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_reporting_rules_are_the_authoritys_data_and_apply_to_what_is_filed_after() {
    for s in services().await {
        let reporting = s.reporting();
        let policy = actor(&s, "policy").await;
        let manager = actor(&s, "npt.security").await;
        let handler = actor(&s, "npt.handler").await;
        let before = reporting.reporting_rules(&manager, None).await.unwrap();
        assert!(
            !before.may_publish,
            "the security manager reads, never changes"
        );
        assert!(
            reporting
                .reporting_rules(&policy, None)
                .await
                .unwrap()
                .may_publish
        );
        let deadlines = before.rules.deadlines("access_control");
        assert_eq!(
            (
                deadlines.forward_hours,
                deadlines.analysis_days,
                deadlines.final_months
            ),
            (72, 30, 3),
            "the shipped defaults"
        );
        let filed_before = file(&s, "access_control", true).await;

        let mut next = before.rules.clone();
        for c in &mut next.categories {
            if c.code == "access_control" {
                c.deadlines = Deadlines {
                    triage_hours: 4,
                    forward_hours: 12,
                    analysis_days: 10,
                    final_months: 1,
                };
            }
            if c.code == "cyber" {
                c.active = false;
            }
        }
        next.categories
            .push(sems_domain::report::rules::CategoryRule {
                code: "drone".into(),
                label: "Drone sighting".into(),
                active: true,
                deadlines: Deadlines::default(),
            });
        next.just_culture.push(JustCultureDecision {
            word: "coaching".into(),
            label: "Coaching".into(),
        });
        // Outside the authority's policy officers and director: refused, nothing changed.
        let refused = reporting.publish_reporting_rules(&manager, &next, "").await;
        // (Refused as not found: the authority's records are not the organisation's to see.)
        assert!(
            matches!(
                refused,
                Err(ServiceError::Forbidden(_) | ServiceError::NotFound(_))
            ),
            "{refused:?}"
        );
        // A category dropped: refused, nothing changed.
        let mut dropped = next.clone();
        dropped.categories.retain(|c| c.code != "perimeter");
        let refused = reporting
            .publish_reporting_rules(&policy, &dropped, "")
            .await;
        assert!(
            matches!(&refused, Err(ServiceError::Validation(e)) if e.to_string().contains("perimeter")),
            "{refused:?}"
        );
        assert_eq!(
            reporting
                .reporting_rules_versions(&policy)
                .await
                .unwrap()
                .len(),
            1
        );

        let published = reporting
            .publish_reporting_rules(&policy, &next, "Access control is reported within 12 h")
            .await
            .unwrap();
        assert_eq!(published.version, before.version + 1);
        assert_eq!(
            reporting
                .reporting_rules_versions(&manager)
                .await
                .unwrap()
                .len(),
            2
        );

        // What was filed before keeps its deadline; what is filed after follows the new one.
        let kept = reporting.report_view(&handler, filed_before).await.unwrap();
        assert_eq!(
            kept.report.forward_due_at_ms.unwrap() - kept.report.filed_at_ms,
            72 * HOUR
        );
        let filed_after = file(&s, "access_control", true).await;
        let after = reporting.report_view(&handler, filed_after).await.unwrap();
        assert_eq!(
            after.report.forward_due_at_ms.unwrap() - after.report.filed_at_ms,
            12 * HOUR
        );
        assert_eq!(
            after.report.triage_due_at_ms.unwrap() - after.report.filed_at_ms,
            4 * HOUR
        );
        // The taxonomy as the report form offers it.
        let offered: Vec<String> = reporting
            .report_categories()
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.code)
            .collect();
        assert!(offered.contains(&"drone".to_string()));
        assert!(!offered.contains(&"cyber".to_string()), "withdrawn");
        let npt = manager.party_id().unwrap();
        let refused = reporting
            .file_report(&PUBLIC, npt, &input("cyber", false), vec![])
            .await;
        assert!(
            matches!(refused, Err(ServiceError::Validation(_))),
            "{refused:?}"
        );
        file(&s, "drone", false).await;

        // The just-culture decisions as data: the new one is recorded, an unknown one refused.
        for (word, ok) in [("shrug", false), ("coaching", true)] {
            let closed = reporting
                .close_report(
                    &handler,
                    filed_after,
                    &CloseInput {
                        outcome: "The door was repaired.".into(),
                        just_culture: word.into(),
                        ..Default::default()
                    },
                )
                .await;
            if !ok {
                let triage = TriageInput {
                    category: "access_control".into(),
                    severity: "low".into(),
                    mandatory: true,
                    ..Default::default()
                };
                assert!(
                    matches!(closed, Err(ServiceError::Validation(_))),
                    "{closed:?}"
                );
                reporting
                    .triage_report(&handler, filed_after, &triage)
                    .await
                    .unwrap();
            } else {
                closed.unwrap();
            }
        }
        let v = reporting.report_view(&handler, filed_after).await.unwrap();
        assert_eq!(v.just_culture_label.as_deref(), Some("Coaching"));
        assert_eq!(
            v.report.closure_due_at_ms.unwrap() - v.report.triaged_at_ms.unwrap(),
            next.closure_days * DAY
        );
    }
}

#[tokio::test]
async fn an_occurrence_runs_three_clocks_to_its_final_result() {
    for s in services().await {
        let reporting = s.reporting();
        let handler = actor(&s, "npt.handler").await;
        let director = actor(&s, "director").await;
        let id = ready_to_forward(&s).await;

        // Before forwarding: the forwarding clock runs, the others wait; an analysis is refused.
        let v = reporting.report_view(&handler, id).await.unwrap();
        let filed = v.report.filed_at_ms;
        assert_eq!(
            v.countdowns.forwarding,
            Countdown::Running {
                due_at_ms: filed + 72 * HOUR
            }
        );
        assert_eq!(v.countdowns.analysis, Countdown::NotDue);
        let refused = reporting
            .send_occurrence_analysis(&handler, id, "The tag check was skipped at a shift change.")
            .await;
        assert!(
            matches!(refused, Err(ServiceError::Conflict(_))),
            "{refused:?}"
        );
        let refused = reporting
            .send_final_result(
                &handler,
                id,
                &FinalResultInput {
                    outcome: "Retraining given.".into(),
                    just_culture: "no_blame".into(),
                    ..Default::default()
                },
            )
            .await;
        assert!(
            matches!(refused, Err(ServiceError::Conflict(_))),
            "{refused:?}"
        );
        let v = reporting.report_view(&handler, id).await.unwrap();
        assert!(v.report.analysis_sent_at_ms.is_none() && v.report.analysis_text.is_empty());

        reporting.forward_report(&handler, id, &[]).await.unwrap();
        let v = reporting.report_view(&handler, id).await.unwrap();
        let forwarded = v.report.forwarded_at_ms.unwrap();
        assert_eq!(
            v.countdowns.forwarding,
            Countdown::Done {
                at_ms: forwarded,
                on_time: true
            }
        );
        assert_eq!(
            v.countdowns.analysis,
            Countdown::Running {
                due_at_ms: forwarded + 30 * DAY
            }
        );
        let Countdown::Running {
            due_at_ms: final_due,
        } = v.countdowns.final_result
        else {
            panic!(
                "the final result's clock runs: {:?}",
                v.countdowns.final_result
            );
        };
        assert!(
            (89 * DAY..=92 * DAY).contains(&(final_due - forwarded)),
            "three calendar months"
        );

        // The analysis: de-identified, or refused naming what identifies.
        let refused = reporting
            .send_occurrence_analysis(
                &handler,
                id,
                "Stan Staff skipped the tag check at the shift change.",
            )
            .await;
        assert!(
            matches!(&refused, Err(ServiceError::Validation(e)) if e.to_string().contains("Stan Staff")),
            "{refused:?}"
        );
        reporting
            .send_occurrence_analysis(
                &handler,
                id,
                "The tag check was skipped at a shift change; the handover list did not name it.",
            )
            .await
            .unwrap();
        let again = reporting
            .send_occurrence_analysis(&handler, id, "A second analysis of the same occurrence.")
            .await;
        assert!(matches!(again, Err(ServiceError::Conflict(_))), "{again:?}");

        // The final result without its de-identified text, or with an e-mail address in it:
        // refused, nothing changed.
        for bad in [
            FinalResultInput {
                outcome: "  ".into(),
                just_culture: "no_blame".into(),
                ..Default::default()
            },
            FinalResultInput {
                outcome: "The handover list now names the tag check.".into(),
                lessons: "Ask s.staff@npt.example for the list.".into(),
                just_culture: "no_blame".into(),
                ..Default::default()
            },
            FinalResultInput {
                outcome: "The handover list now names the tag check.".into(),
                just_culture: "shrug".into(),
                ..Default::default()
            },
        ] {
            let refused = reporting.send_final_result(&handler, id, &bad).await;
            assert!(
                matches!(refused, Err(ServiceError::Validation(_))),
                "{refused:?}"
            );
        }
        let o = reporting.occurrence(&director, id).await.unwrap();
        assert!(o.occurrence.final_sent_at_ms.is_none());
        assert!(matches!(
            o.countdowns.analysis,
            Countdown::Done { on_time: true, .. }
        ));
        assert_eq!(
            o.occurrence.analysis_text,
            "The tag check was skipped at a shift change; the handover list did not name it."
        );
        reporting
            .send_final_result(
                &handler,
                id,
                &FinalResultInput {
                    outcome: "The handover list now names the tag check.".into(),
                    lessons: "Checks that live in people's heads are lost at shift changes.".into(),
                    actions: "Handover list revised; briefing of every shift.".into(),
                    just_culture: "procedure_change".into(),
                },
            )
            .await
            .unwrap();
        let o = reporting.occurrence(&director, id).await.unwrap();
        assert!(matches!(
            o.countdowns.final_result,
            Countdown::Done { on_time: true, .. }
        ));
        assert_eq!(
            o.final_just_culture_label.as_deref(),
            Some("Procedure change")
        );
        assert_eq!(
            o.occurrence.final_actions,
            "Handover list revised; briefing of every shift."
        );
    }
}

#[tokio::test]
async fn the_authority_sees_what_is_late_without_reading_what_was_not_forwarded() {
    for s in services().await {
        let reporting = s.reporting();
        let handler = actor(&s, "npt.handler").await;
        let director = actor(&s, "director").await;
        let before = reporting.late_to_authority(&director).await.unwrap();
        let npt = handler.party_id().unwrap();
        let npt_late = |l: &sems_services::reports::lifecycle::LateToAuthority| {
            l.forwarding
                .iter()
                .find(|f| f.party_id == npt)
                .map_or(0, |f| f.late)
        };
        // A mandatory report past its forwarding deadline: a count, never the report.
        let unforwarded = file(&s, "screening", true).await;
        set_column(&s, unforwarded, "forward_due_at_ms", 1).await;
        // A forwarded occurrence whose analysis and final result are past their deadlines.
        let forwarded = ready_to_forward(&s).await;
        reporting
            .forward_report(&handler, forwarded, &[])
            .await
            .unwrap();
        set_column(&s, forwarded, "analysis_due_at_ms", 1).await;
        set_column(&s, forwarded, "final_due_at_ms", 2).await;

        let late = reporting.late_to_authority(&director).await.unwrap();
        assert_eq!(npt_late(&late), npt_late(&before) + 1);
        assert_eq!(late.forwarding_total, before.forwarding_total + 1);
        assert_eq!(late.analyses_late, before.analyses_late + 1);
        assert_eq!(late.finals_late, before.finals_late + 1);
        assert!(
            matches!(
                reporting.occurrence(&director, unforwarded).await,
                Err(ServiceError::NotFound(_))
            ),
            "not forwarded: not an occurrence the authority reads"
        );
        let listed = reporting
            .occurrences(
                &director,
                &OccurrenceFilter {
                    late: Some(OccurrenceStep::Analysis),
                    ..Default::default()
                },
                sems_domain::page::PageRequest::new(Some(1), Some(50)),
            )
            .await
            .unwrap();
        assert!(listed.items.iter().any(|o| o.id == forwarded));
        assert!(listed.items.iter().all(|o| o.analysis_sent_at_ms.is_none()));
        let v = reporting.report_view(&handler, forwarded).await.unwrap();
        assert!(v.overdue.analysis && v.overdue.final_result);
        // Sending the analysis takes it off the late list.
        reporting
            .send_occurrence_analysis(
                &handler,
                forwarded,
                "The tag check was skipped at a shift change.",
            )
            .await
            .unwrap();
        let late = reporting.late_to_authority(&director).await.unwrap();
        assert_eq!(late.analyses_late, before.analyses_late);
        // Only the authority's readers of national statistics; a late-forwarding filter is
        // refused with the reason.
        for who in ["npt.security", "npt.handler"] {
            let refused = reporting.late_to_authority(&actor(&s, who).await).await;
            assert!(
                matches!(
                    refused,
                    Err(ServiceError::Forbidden(_) | ServiceError::NotFound(_))
                ),
                "{who}: {refused:?}"
            );
        }
        let refused = reporting
            .occurrences(
                &director,
                &OccurrenceFilter {
                    late: Some(OccurrenceStep::Forwarding),
                    ..Default::default()
                },
                sems_domain::page::PageRequest::new(Some(1), Some(50)),
            )
            .await;
        assert!(
            matches!(refused, Err(ServiceError::Validation(_))),
            "{refused:?}"
        );
    }
}

/// Filings arriving together are written together (group commit): each is answered with its
/// own report, has its own audit entry in order and tells the handlers once; the trail holds.
#[tokio::test]
async fn filings_arriving_together_are_each_written_with_their_audit_entry() {
    for s in services().await {
        let before_reports = count(&s, "SELECT COUNT(*) FROM security_reports").await;
        let before_entries = count(
            &s,
            "SELECT COUNT(*) FROM audit_entries WHERE action = 'security_report.file'",
        )
        .await;
        let mut filings = Vec::new();
        for i in 0..40 {
            let s = s.clone();
            filings.push(tokio::spawn(async move {
                let npt = actor(&s, "npt.staff").await.party_id().unwrap();
                let mut report = input("access_control", i % 2 == 0);
                report.what_happened =
                    format!("Concurrent filing {i}: a door was found propped open.");
                s.reporting()
                    .file_report(&PUBLIC, npt, &report, vec![])
                    .await
            }));
        }
        let mut ids = std::collections::HashSet::new();
        for f in filings {
            let filed = f.await.unwrap().unwrap();
            assert!(ids.insert(filed.report_id), "one report each");
        }
        assert_eq!(
            count(&s, "SELECT COUNT(*) FROM security_reports").await - before_reports,
            40
        );
        assert_eq!(
            count(
                &s,
                "SELECT COUNT(*) FROM audit_entries WHERE action = 'security_report.file'"
            )
            .await
                - before_entries,
            40,
            "one entry each"
        );
        for id in &ids {
            let told = count(
                &s,
                &format!("SELECT COUNT(*) FROM notifications WHERE link = '/reports/{id}'"),
            )
            .await;
            assert!(told >= 1, "the handlers are told of report {id}");
        }
        assert!(matches!(
            s.verify_audit_trail().await.unwrap(),
            sems_storage::audit::Verification::Intact { .. }
        ));
    }
}

async fn count(s: &Services, sql: &str) -> i64 {
    let mut conn = s.store.read().await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut *conn).await.unwrap()
}
