//! Confidential security reporting, on SQLite and PostgreSQL: filing in each mode, the
//! receipt, who sees what, identity disclosure, triage feeding the risk module,
//! de-identification and forwarding, closure, statistics.

use sems_domain::report::ReportStatus;
use sems_services::reports::forwarding::{Forwarding, KeptItem};
use sems_services::reports::{
    CloseInput, CorrectiveActionInput, NewAttachment, ReportInput, TriageInput,
};
use sems_services::{Actor, ServiceError, Services};

use crate::common;

async fn services() -> Vec<Services> {
    common::services().await
}

async fn actor(s: &Services, username: &str) -> Actor {
    common::actor(s, username).await
}

fn today() -> String {
    sems_domain::util::format_date(sems_domain::util::today())
}

fn report(mode: &str) -> ReportInput {
    ReportInput {
        category: "access_control".into(),
        occurred_at: format!("{}T07:30", today()),
        location: "Staff door 4".into(),
        what_happened: "The staff door was propped open with a fire extinguisher.".into(),
        mode: mode.into(),
        ..Default::default()
    }
}

const PUBLIC: Actor = Actor::System("public reporting");

async fn count(s: &Services) -> i64 {
    let director = actor(s, "npt.handler").await;
    s.reporting()
        .reports(&director, &Default::default(), Default::default())
        .await
        .unwrap()
        .total
}

#[tokio::test]
async fn filing_in_each_mode_and_following_with_the_receipt() {
    for s in services().await {
        let npt = actor(&s, "npt.staff").await.party_id().unwrap();
        let before = count(&s).await;

        // Bad input and abuse: a clear error, nothing stored.
        let mut bad = report("anonymous");
        bad.reporter_contact = "my name".into();
        let attempts: Vec<(ReportInput, Vec<NewAttachment>)> = vec![
            (bad, vec![]),
            (report("confidential"), vec![]),
            (report("identified"), vec![]),
            (
                ReportInput {
                    what_happened: "short".into(),
                    ..report("anonymous")
                },
                vec![],
            ),
            (
                ReportInput {
                    what_happened: "x".repeat(10_001),
                    ..report("anonymous")
                },
                vec![],
            ),
            (
                ReportInput {
                    category: "weather".into(),
                    ..report("anonymous")
                },
                vec![],
            ),
            (
                ReportInput {
                    occurred_at: "2999-01-01".into(),
                    ..report("anonymous")
                },
                vec![],
            ),
            (
                ReportInput {
                    occurred_at: "yesterday".into(),
                    ..report("anonymous")
                },
                vec![],
            ),
            (
                ReportInput {
                    mode: "loud".into(),
                    ..report("anonymous")
                },
                vec![],
            ),
            (
                report("anonymous"),
                vec![NewAttachment {
                    filename: "run.exe".into(),
                    bytes: b"MZ\x90\x00\x03\x00".to_vec(),
                }],
            ),
            (
                report("anonymous"),
                vec![NewAttachment {
                    filename: "huge.txt".into(),
                    bytes: vec![b'a'; sems_domain::report::MAX_ATTACHMENT_BYTES + 1],
                }],
            ),
            (
                report("anonymous"),
                (0..4)
                    .map(|i| NewAttachment {
                        filename: format!("{i}.txt"),
                        bytes: b"note".to_vec(),
                    })
                    .collect(),
            ),
        ];
        for (input, files) in attempts {
            let refused = s.reporting().file_report(&PUBLIC, npt, &input, files).await;
            assert!(
                matches!(refused, Err(ServiceError::Validation(_))),
                "{refused:?}"
            );
        }
        assert_eq!(count(&s).await, before, "nothing stored by refusals");

        // Anonymous, through the public link, with a photo.
        let photo = [&[0xFF, 0xD8, 0xFF, 0xE0][..], b"pretend jpeg"].concat();
        let filed = s
            .reporting()
            .file_report(
                &PUBLIC,
                npt,
                &report("anonymous"),
                vec![NewAttachment {
                    filename: "../door.jpg".into(),
                    bytes: photo.clone(),
                }],
            )
            .await
            .unwrap();
        assert_eq!(filed.receipt.replace('-', "").len(), 32);
        let view = s
            .reporting()
            .receipt_view(&filed.receipt.to_lowercase())
            .await
            .unwrap();
        assert_eq!(view.status, ReportStatus::New);
        assert!(matches!(
            s.reporting()
                .receipt_view("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-FFFFF-GG")
                .await,
            Err(ServiceError::NotFound(_))
        ));
        let handler = actor(&s, "npt.handler").await;
        let v = s
            .reporting()
            .report_view(&handler, filed.report_id)
            .await
            .unwrap();
        assert_eq!(v.attachments.len(), 1);
        assert_eq!(v.attachments[0].filename, "door.jpg");
        assert_eq!(v.attachments[0].content_type, "image/jpeg");
        let (_, bytes) = s
            .reporting()
            .attachment(&handler, filed.report_id, v.attachments[0].id)
            .await
            .unwrap();
        assert_eq!(bytes, photo);
        assert!(v.report.reporter_name.is_none());

        // Two-way follow-up with the receipt.
        s.reporting()
            .message_reporter(&handler, filed.report_id, "Which door exactly?")
            .await
            .unwrap();
        s.reporting()
            .reply_with_receipt(&filed.receipt, "Door 4, next to the lifts")
            .await
            .unwrap();
        assert!(matches!(
            s.reporting().reply_with_receipt(&filed.receipt, "").await,
            Err(ServiceError::Validation(_))
        ));
        let view = s.reporting().receipt_view(&filed.receipt).await.unwrap();
        assert_eq!(view.messages.len(), 2);
        assert!(view.messages[1].from_reporter);

        // Confidential, signed in: the name is sealed and the audit trail does not name them.
        let staff = actor(&s, "npt.staff").await;
        let sealed = s
            .reporting()
            .file_report(&staff, npt, &report("confidential"), vec![])
            .await
            .unwrap();
        let v = s
            .reporting()
            .report_view(&handler, sealed.report_id)
            .await
            .unwrap();
        assert!(v.report.reporter_name.is_none() && v.report.reporter_person_id.is_none());
        let trail = s
            .audit_entries(
                &actor(&s, "npt.auditor").await,
                &sems_storage::audit::AuditFilter {
                    action_prefix: Some("security_report.file".into()),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap();
        let staff_id = staff.person_id();
        assert!(trail
            .items
            .iter()
            .filter(|e| e.record_id == Some(sealed.report_id))
            .all(|e| e.actor_person_id.is_none() && e.actor_person_id != staff_id));

        // Identified: the name is on it.
        let named = s
            .reporting()
            .file_report(&staff, npt, &report("identified"), vec![])
            .await
            .unwrap();
        let v = s
            .reporting()
            .report_view(&handler, named.report_id)
            .await
            .unwrap();
        assert_eq!(v.report.reporter_person_id, staff_id);
        assert_eq!(count(&s).await, before + 3);
    }
}

#[tokio::test]
async fn each_role_sees_what_it_should() {
    for s in services().await {
        let staff = actor(&s, "npt.staff").await;
        let npt = staff.party_id().unwrap();
        let filed = s
            .reporting()
            .file_report(&staff, npt, &report("anonymous"), vec![])
            .await
            .unwrap();
        for who in ["npt.handler", "npt.security", "npt.custodian"] {
            assert!(
                s.reporting()
                    .report_view(&actor(&s, who).await, filed.report_id)
                    .await
                    .is_ok(),
                "{who} reads"
            );
        }
        for who in [
            "npt.staff",
            "npt.analyst",
            "npt.executive",
            "sky.security",
            "director",
            "inspector",
            "admin",
        ] {
            assert!(
                matches!(
                    s.reporting()
                        .report_view(&actor(&s, who).await, filed.report_id)
                        .await,
                    Err(ServiceError::NotFound(_))
                ),
                "{who} does not read"
            );
        }
        // The handler of another organisation finds nothing, and cannot triage by id.
        let sky = actor(&s, "sky.security").await;
        assert!(s
            .reporting()
            .triage_report(
                &sky,
                filed.report_id,
                &TriageInput {
                    category: "access_control".into(),
                    severity: "low".into(),
                    ..Default::default()
                }
            )
            .await
            .is_err());
        // Statistics: counts for the analyst, not for staff.
        let stats = s
            .reporting()
            .report_statistics(&actor(&s, "npt.analyst").await)
            .await
            .unwrap();
        // The rate divides by the staff headcount series (the demo's latest month), never by
        // the number of sems accounts.
        let staff_count = stats.staff.expect("the airport's headcount is entered");
        assert!(
            stats.reports >= 1 && staff_count >= 1_800.0,
            "{staff_count}"
        );
        assert_eq!(
            stats.rate_per_100_staff,
            Some(stats.reports as f64 * 100.0 / staff_count)
        );
        let cargo = s
            .reporting()
            .report_statistics(&actor(&s, "swc.security").await)
            .await
            .unwrap();
        assert_eq!((cargo.staff, cargo.rate_per_100_staff), (None, None));
        assert!(matches!(
            s.reporting().report_statistics(&staff).await,
            Err(ServiceError::NotFound(_))
        ));
        // The authority sees occurrences only once forwarded, de-identified.
        let director = actor(&s, "director").await;
        let national = s
            .reporting()
            .occurrences(&director, &Default::default(), Default::default())
            .await
            .unwrap();
        assert!(national.items.iter().all(|o| o.id != filed.report_id));
    }
}

async fn app_forwarded(s: &Services, id: i64) -> i64 {
    let mut conn = s.store.read().await.unwrap();
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM security_reports WHERE id = $1 AND forwarded_at_ms IS NOT NULL",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    sqlx::Row::try_get(&row, "n").unwrap()
}

/// An identified report, triaged, whose de-identified version still shows a badge number.
async fn badge_report_ready_to_forward(s: &Services) -> sems_services::reports::Filed {
    let staff = actor(s, "npt.staff").await;
    let npt = staff.party_id().unwrap();
    let handler = actor(s, "npt.handler").await;
    let mut input = report("identified");
    input.what_happened = "Badge AB77123 was found on the apron near stand 12.".into();
    let filed = s
        .reporting()
        .file_report(&staff, npt, &input, vec![])
        .await
        .unwrap();
    s.reporting()
        .triage_report(
            &handler,
            filed.report_id,
            &TriageInput {
                category: "access_control".into(),
                severity: "low".into(),
                mandatory: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    s.reporting()
        .set_deidentified(&handler, filed.report_id, &input.what_happened)
        .await
        .unwrap();
    filed
}

#[tokio::test]
async fn a_kept_identifier_is_forwarded_only_with_its_reason_recorded() {
    for s in services().await {
        let handler = actor(&s, "npt.handler").await;
        let filed = badge_report_ready_to_forward(&s).await;
        let kept = [KeptItem {
            text: "AB77123".into(),
            reason: "the authority revokes the lost badge".into(),
        }];
        s.reporting()
            .forward_report(&handler, filed.report_id, &kept)
            .await
            .unwrap();
        assert_eq!(app_forwarded(&s, filed.report_id).await, 1);
        let mut conn = s.store.read().await.unwrap();
        let row = sqlx::query(
            "SELECT after_json FROM audit_entries WHERE action = 'security_report.forward' AND record_id = $1",
        )
        .bind(filed.report_id)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        let after: String = sqlx::Row::try_get(&row, "after_json").unwrap();
        assert!(
            after.contains("the authority revokes the lost badge") && after.contains("badge"),
            "{after}"
        );
        assert!(
            !after.contains("AB77123"),
            "the item itself is not copied into the trail"
        );
    }
}

/// Where the deployment asks for it, what leaves with identifiers in it is confirmed by a
/// second handler: the first handler's forwarding is a proposal, the same person cannot
/// confirm it, and a second handler forwarding the same items sends it.
#[tokio::test]
async fn a_second_handler_confirms_what_is_forwarded_with_identifiers() {
    for mut s in services().await {
        if let Some(r) = s.reporting.as_mut() {
            r.second_handler_for_kept = true;
        }
        let staff = actor(&s, "npt.staff").await;
        let npt = staff.party_id().unwrap();
        let handler = actor(&s, "npt.handler").await;
        let security = actor(&s, "npt.security").await;
        let filed = badge_report_ready_to_forward(&s).await;
        let kept = [KeptItem {
            text: "AB77123".into(),
            reason: "the authority revokes the lost badge".into(),
        }];
        let first = s
            .reporting()
            .forward_report(&handler, filed.report_id, &kept)
            .await
            .unwrap();
        assert_eq!(first, Forwarding::AwaitsSecondHandler);
        assert_eq!(app_forwarded(&s, filed.report_id).await, 0);
        let again = s
            .reporting()
            .forward_report(&handler, filed.report_id, &kept)
            .await
            .unwrap_err();
        assert!(matches!(again, ServiceError::Conflict(_)), "{again:?}");
        let proposal = s
            .reporting()
            .forward_proposal(&security, filed.report_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(proposal.kept, kept.to_vec());
        // Confirming other items is refused; the same items forward it.
        let other = s
            .reporting()
            .forward_report(&security, filed.report_id, &[])
            .await
            .unwrap_err();
        assert!(matches!(other, ServiceError::Validation(_)), "{other:?}");
        let done = s
            .reporting()
            .forward_report(&security, filed.report_id, &kept)
            .await
            .unwrap();
        assert_eq!(done, Forwarding::Forwarded);
        assert_eq!(app_forwarded(&s, filed.report_id).await, 1);
        assert!(s
            .reporting()
            .forward_proposal(&security, filed.report_id)
            .await
            .unwrap()
            .is_none());
        // Nothing kept: one handler forwards, as before.
        let plain = s
            .reporting()
            .file_report(&staff, npt, &report("identified"), vec![])
            .await
            .unwrap();
        s.reporting()
            .triage_report(
                &handler,
                plain.report_id,
                &TriageInput {
                    category: "access_control".into(),
                    severity: "low".into(),
                    mandatory: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        s.reporting()
            .set_deidentified(
                &handler,
                plain.report_id,
                "A staff door was found propped open.",
            )
            .await
            .unwrap();
        assert_eq!(
            s.reporting()
                .forward_report(&handler, plain.report_id, &[])
                .await
                .unwrap(),
            Forwarding::Forwarded
        );
    }
}

#[tokio::test]
async fn disclosing_a_confidential_identity_is_an_approved_act() {
    for s in services().await {
        let staff = actor(&s, "npt.staff").await;
        let npt = staff.party_id().unwrap();
        let mut input = report("confidential");
        input.reporter_contact = "mobile 07700 900456".into();
        let filed = s
            .reporting()
            .file_report(&staff, npt, &input, vec![])
            .await
            .unwrap();
        let handler = actor(&s, "npt.handler").await;
        let custodian = actor(&s, "npt.custodian").await;
        assert!(matches!(
            s.reporting()
                .disclose_identity(&handler, filed.report_id)
                .await,
            Err(ServiceError::Forbidden(_))
        ));
        assert!(matches!(
            s.reporting()
                .request_identity(&handler, filed.report_id, "why")
                .await,
            Err(ServiceError::Validation(_))
        ));
        let request = s
            .reporting()
            .request_identity(
                &handler,
                filed.report_id,
                "The door was damaged: we need a witness statement",
            )
            .await
            .unwrap();
        assert!(matches!(
            s.reporting()
                .request_identity(
                    &handler,
                    filed.report_id,
                    "The door was damaged: asking twice"
                )
                .await,
            Err(ServiceError::Conflict(_))
        ));
        assert!(s
            .reporting()
            .pending_identity_requests(&custodian)
            .await
            .unwrap()
            .iter()
            .any(|r| r.id == request));
        // Only the custodian decides.
        assert!(s
            .reporting()
            .decide_identity(&handler, filed.report_id, request, true, "fine by me")
            .await
            .is_err());
        assert!(s
            .reporting()
            .decide_identity(
                &actor(&s, "npt.security").await,
                filed.report_id,
                request,
                true,
                "ok"
            )
            .await
            .is_err());
        s.reporting()
            .decide_identity(
                &custodian,
                filed.report_id,
                request,
                true,
                "Needed for the investigation",
            )
            .await
            .unwrap();
        assert!(matches!(
            s.reporting()
                .decide_identity(&custodian, filed.report_id, request, false, "again")
                .await,
            Err(ServiceError::Conflict(_))
        ));
        let identity = s
            .reporting()
            .disclose_identity(&handler, filed.report_id)
            .await
            .unwrap();
        assert!(
            identity.contains("npt.staff") && identity.contains("07700 900456"),
            "{identity}"
        );
        // An approval opens the identity once.
        assert!(
            matches!(
                s.reporting().disclose_identity(&handler, filed.report_id).await,
                Err(ServiceError::Forbidden(m)) if m.contains("once")
            ),
            "a second use is refused"
        );
        // Asked again and approved, but not used in time: lapsed.
        let again = s
            .reporting()
            .request_identity(&handler, filed.report_id, "The first look was not enough")
            .await
            .unwrap();
        s.reporting()
            .decide_identity(&custodian, filed.report_id, again, true, "Once more")
            .await
            .unwrap();
        let v = s
            .reporting()
            .report_view(&handler, filed.report_id)
            .await
            .unwrap();
        let approval = v.identity_requests.iter().find(|r| r.id == again).unwrap();
        let left = approval.valid_until_ms.unwrap() - sems_storage::now_ms();
        assert!(
            (23 * 3_600_000..=24 * 3_600_000).contains(&left),
            "valid for the default 24 hours: {left}"
        );
        let mut conn = s.store.write().await.unwrap();
        sqlx::query("UPDATE identity_requests SET valid_until_ms = 1 WHERE id = $1")
            .bind(again)
            .execute(conn.conn())
            .await
            .unwrap();
        conn.commit().await.unwrap();
        assert!(
            matches!(
                s.reporting().disclose_identity(&handler, filed.report_id).await,
                Err(ServiceError::Forbidden(m)) if m.contains("lapsed")
            ),
            "a lapsed approval is refused"
        );
        // The reporter sees that it happened.
        let view = s.reporting().receipt_view(&filed.receipt).await.unwrap();
        assert!(view
            .disclosures
            .iter()
            .any(|d| d.contains("allowed a report handler")));
        assert!(view
            .messages
            .iter()
            .any(|m| m.body.contains("was disclosed")));
        // The chain records each step, never the identity; the trail's readers are served
        // them only as counts of the day.
        let mut conn = s.store.read().await.unwrap();
        let rows = sqlx::query(
            "SELECT after_json, channel FROM audit_entries WHERE action LIKE 'security_report.identity%'",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        drop(conn);
        assert_eq!(
            rows.len(),
            5,
            "request, approval, disclosure; a second request and approval"
        );
        for r in &rows {
            let after: Option<String> = sqlx::Row::try_get(r, "after_json").unwrap();
            let channel: String = sqlx::Row::try_get(r, "channel").unwrap();
            assert!(!after.unwrap_or_default().contains("07700"));
            assert_eq!(channel, "protected_source");
        }
        let auditor = actor(&s, "npt.auditor").await;
        let trail = s
            .audit_entries(
                &auditor,
                &sems_storage::audit::AuditFilter {
                    action_prefix: Some("security_report.identity".into()),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap();
        assert_eq!(trail.total, 0, "not in the trail as entries");
        let days = s
            .protected_reporting_days(&auditor, None, Default::default())
            .await
            .unwrap();
        for action in [
            "security_report.identity_request",
            "security_report.identity_approve",
            "security_report.identity_disclosed",
        ] {
            assert!(
                days.items
                    .iter()
                    .any(|d| d.action == action && d.count >= 1),
                "{action}: {:?}",
                days.items
            );
        }
        // Another handler, not approved, still cannot open it; an anonymous report has none.
        let anonymous = s
            .reporting()
            .file_report(&staff, npt, &report("anonymous"), vec![])
            .await
            .unwrap();
        assert!(matches!(
            s.reporting()
                .request_identity(
                    &handler,
                    anonymous.report_id,
                    "There is nothing to ask for here"
                )
                .await,
            Err(ServiceError::Conflict(_))
        ));
    }
}

#[tokio::test]
async fn triage_feeds_the_risk_module_and_forwarding_needs_a_deidentified_version() {
    for s in services().await {
        let sm = actor(&s, "npt.security").await;
        let npt = sm.party_id().unwrap();
        let nat05 = common::scenario_id(&s, &sm, "NAT-05").await;
        let assessment = s
            .risk()
            .create_assessment(
                &sm,
                npt,
                &sems_services::risk::AssessmentInput {
                    scenario_id: nat05,
                    likelihood: 3,
                    likelihood_rationale: "National level".into(),
                    consequence_human: 3,
                    consequence_economic: 3,
                    consequence_political: 3,
                    consequence_rationale: "Search of the area".into(),
                    vulnerability: 3,
                    vulnerability_rationale: "Patrols".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let staff = actor(&s, "npt.staff").await;
        let mut input = report("identified");
        input.what_happened =
            "Hana Handler saw Tom Berg (badge AB77123) let a visitor through; call 07700 900789."
                .into();
        input.reporter_thinks_mandatory = true;
        let filed = s
            .reporting()
            .file_report(&staff, npt, &input, vec![])
            .await
            .unwrap();
        let handler = actor(&s, "npt.handler").await;
        assert!(matches!(
            s.reporting()
                .forward_report(&handler, filed.report_id, &[])
                .await,
            Err(ServiceError::Conflict(_))
        ));
        assert!(matches!(
            s.reporting()
                .close_report(
                    &handler,
                    filed.report_id,
                    &CloseInput {
                        outcome: "Done".into(),
                        just_culture: "no_blame".into(),
                        ..Default::default()
                    }
                )
                .await,
            Err(ServiceError::Conflict(_))
        ));
        let triaged = s
            .reporting()
            .triage_report(
                &handler,
                filed.report_id,
                &TriageInput {
                    category: "access_control".into(),
                    severity: "high".into(),
                    mandatory: true,
                    scenario_ids: vec![nat05],
                    note: "Tailgating".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(triaged.status, ReportStatus::Triaged);
        assert!(triaged.forward_due_at_ms.is_some());
        let marked = s.risk().assessment(&sm, assessment.id).await.unwrap();
        assert!(marked.review_required);
        assert!(
            marked.review_reason.contains("Occurrence"),
            "{}",
            marked.review_reason
        );
        let evidence = s.risk().evidence(&sm, npt, nat05).await.unwrap();
        assert!(evidence.iter().any(|e| e.source == "reporting"));
        assert!(matches!(
            s.reporting()
                .triage_report(
                    &handler,
                    filed.report_id,
                    &TriageInput {
                        category: "access_control".into(),
                        severity: "low".into(),
                        ..Default::default()
                    }
                )
                .await,
            Err(ServiceError::Conflict(_))
        ));

        // De-identification: suggestions find the names, badge and phone number.
        let suggestions = s
            .reporting()
            .deidentification_suggestions(&handler, filed.report_id)
            .await
            .unwrap();
        let found: Vec<&str> = suggestions
            .redactions
            .iter()
            .map(|r| r.text.as_str())
            .collect();
        for expected in ["Hana Handler", "AB77123", "07700 900789"] {
            assert!(found.contains(&expected), "{expected} in {found:?}");
        }
        assert!(!suggestions.suggested_text.contains("Hana"));
        assert!(matches!(
            s.reporting()
                .forward_report(&handler, filed.report_id, &[])
                .await,
            Err(ServiceError::Validation(_))
        ));
        // Tom Berg is not in the directory: the handler reads and removes him too, and is
        // told what still looks identifying before saving.
        let remaining = s
            .reporting()
            .set_deidentified(&handler, filed.report_id, &suggestions.suggested_text)
            .await
            .unwrap();
        assert!(remaining.is_empty(), "{remaining:?}");
        let edited = suggestions
            .suggested_text
            .replace("Tom Berg", "a colleague");
        // A badge number left in: refused unless the handler confirms why it stays.
        s.reporting()
            .set_deidentified(
                &handler,
                filed.report_id,
                &format!("{edited} The badge was AB77123."),
            )
            .await
            .unwrap();
        let refused = s
            .reporting()
            .forward_report(&handler, filed.report_id, &[])
            .await;
        assert!(
            matches!(&refused, Err(ServiceError::Validation(v)) if v.first().message.contains("AB77123")),
            "{refused:?}"
        );
        let no_reason = [KeptItem {
            text: "AB77123".into(),
            reason: " ".into(),
        }];
        assert!(s
            .reporting()
            .forward_report(&handler, filed.report_id, &no_reason)
            .await
            .is_err());
        let forwarded = app_forwarded(&s, filed.report_id).await;
        assert_eq!(forwarded, 0, "nothing forwarded yet");
        // Removed again, it goes without a confirmation.
        s.reporting()
            .set_deidentified(&handler, filed.report_id, &edited)
            .await
            .unwrap();
        s.reporting()
            .forward_report(&handler, filed.report_id, &[])
            .await
            .unwrap();
        assert!(matches!(
            s.reporting()
                .forward_report(&handler, filed.report_id, &[])
                .await,
            Err(ServiceError::Conflict(_))
        ));

        // The authority's list holds the de-identified text only; it asks, the airport answers.
        let inspector = actor(&s, "inspector").await;
        let list = s
            .reporting()
            .occurrences(
                &inspector,
                &sems_storage::reports::OccurrenceFilter {
                    search: Some("visitor".into()),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap();
        let o = list.items.iter().find(|o| o.id == filed.report_id).unwrap();
        assert!(
            !o.text.contains("Berg") && !o.text.contains("AB77123"),
            "{}",
            o.text
        );
        s.reporting()
            .occurrence_message(
                &inspector,
                filed.report_id,
                "Was the visitor escorted later?",
            )
            .await
            .unwrap();
        s.reporting()
            .occurrence_message(&handler, filed.report_id, "Yes, by the duty manager.")
            .await
            .unwrap();
        let seen = s
            .reporting()
            .occurrence(&inspector, filed.report_id)
            .await
            .unwrap();
        assert_eq!(seen.messages.len(), 2);
        assert!(
            seen.allowed.update,
            "the inspector asks follow-up questions"
        );
        assert!(s
            .reporting()
            .occurrence_message(&actor(&s, "policy").await, filed.report_id, "Me too")
            .await
            .is_err());
        assert!(matches!(
            s.reporting()
                .occurrence(&actor(&s, "sky.security").await, filed.report_id)
                .await,
            Err(ServiceError::NotFound(_))
        ));

        // Closure with the just-culture decision and corrective actions.
        s.reporting()
            .start_investigation(&handler, filed.report_id)
            .await
            .unwrap();
        assert!(matches!(
            s.reporting()
                .close_report(
                    &handler,
                    filed.report_id,
                    &CloseInput {
                        outcome: "Done".into(),
                        just_culture: "shrug".into(),
                        ..Default::default()
                    }
                )
                .await,
            Err(ServiceError::Validation(_))
        ));
        let closed = s
            .reporting()
            .close_report(
                &handler,
                filed.report_id,
                &CloseInput {
                    outcome: "Door alarm fitted; briefing given".into(),
                    lessons: "Tailgating is easy at door 4".into(),
                    just_culture: "training_need".into(),
                    corrective_actions: vec![CorrectiveActionInput {
                        title: "Fit a door alarm".into(),
                        due_on: today(),
                        responsible_person_id: None,
                    }],
                },
            )
            .await
            .unwrap();
        assert_eq!(closed.status, ReportStatus::Closed);
        let view = s.reporting().receipt_view(&filed.receipt).await.unwrap();
        assert_eq!(view.outcome, "Door alarm fitted; briefing given");
        let stats = s.reporting().report_statistics(&handler).await.unwrap();
        assert!(stats.median_days_to_close.is_some());
        assert!(stats.median_hours_to_triage.is_some());
        let national = s
            .reporting()
            .report_statistics(&actor(&s, "director").await)
            .await
            .unwrap();
        assert!(national.reports >= 1);
    }
}

#[tokio::test]
async fn late_steps_are_flagged_against_the_deadlines_a_report_was_given() {
    for s in services().await {
        let staff = actor(&s, "npt.staff").await;
        let npt = staff.party_id().unwrap();
        let mut input = report("anonymous");
        input.reporter_thinks_mandatory = true;
        let filed = s
            .reporting()
            .file_report(&PUBLIC, npt, &input, vec![])
            .await
            .unwrap();
        let handler = actor(&s, "npt.handler").await;
        let v = s
            .reporting()
            .report_view(&handler, filed.report_id)
            .await
            .unwrap();
        assert!(!v.overdue.triage && !v.overdue.forwarding, "just filed");
        // The deadlines it was given, passed.
        {
            let mut conn = s.store.read().await.unwrap();
            sqlx::query(
                "UPDATE security_reports SET triage_due_at_ms = 1, forward_due_at_ms = 1 WHERE id = $1",
            )
            .bind(filed.report_id)
            .execute(&mut *conn)
            .await
            .unwrap();
        }
        let v = s
            .reporting()
            .report_view(&handler, filed.report_id)
            .await
            .unwrap();
        assert!(v.overdue.triage);
        assert!(v.overdue.forwarding);
        assert!(!v.overdue.closure, "not triaged yet");
    }
}

#[tokio::test]
async fn a_sealed_identity_moved_onto_another_report_does_not_open() {
    for s in services().await {
        let staff = actor(&s, "npt.staff").await;
        let npt = staff.party_id().unwrap();
        let handler = actor(&s, "npt.handler").await;
        let custodian = actor(&s, "npt.custodian").await;
        let mut mine = report("confidential");
        mine.reporter_contact = "ext. 4411".into();
        let first = s
            .reporting()
            .file_report(&staff, npt, &mine, vec![])
            .await
            .unwrap();
        let mut other = report("confidential");
        other.reporter_contact = "a different reporter, ext. 9".into();
        let second = s
            .reporting()
            .file_report(&PUBLIC, npt, &other, vec![])
            .await
            .unwrap();
        // Someone with the database copies the first report's sealed identity onto the second.
        let mut tx = s.store.write().await.unwrap();
        let copied: String = sqlx::Row::try_get(
            &sqlx::query("SELECT reporter_identity_sealed FROM security_reports WHERE id = $1")
                .bind(first.report_id)
                .fetch_one(tx.conn())
                .await
                .unwrap(),
            0,
        )
        .unwrap();
        assert!(copied.starts_with("v2:"), "bound to its report");
        sqlx::query("UPDATE security_reports SET reporter_identity_sealed = $1 WHERE id = $2")
            .bind(&copied)
            .bind(second.report_id)
            .execute(tx.conn())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let request = s
            .reporting()
            .request_identity(&handler, second.report_id, "Needed for the investigation")
            .await
            .unwrap();
        s.reporting()
            .decide_identity(&custodian, second.report_id, request, true, "Approved")
            .await
            .unwrap();
        assert!(
            s.reporting()
                .disclose_identity(&handler, second.report_id)
                .await
                .is_err(),
            "a moved sealed identity fails to open"
        );
        // On its own report it opens.
        let request = s
            .reporting()
            .request_identity(&handler, first.report_id, "Needed for the investigation")
            .await
            .unwrap();
        s.reporting()
            .decide_identity(&custodian, first.report_id, request, true, "Approved")
            .await
            .unwrap();
        let identity = s
            .reporting()
            .disclose_identity(&handler, first.report_id)
            .await
            .unwrap();
        assert!(identity.contains("4411"), "{identity}");
    }
}

/// The trail serves an entry only to who may read its record: the organisation's readers of
/// the trail (quality auditor, accountable executive) do not read reports, so they find no
/// de-identified text or report event in it, even of an identified report.
#[tokio::test]
async fn the_trail_does_not_serve_report_contents_to_who_may_not_read_reports() {
    for s in services().await {
        let staff = actor(&s, "npt.staff").await;
        let npt = staff.party_id().unwrap();
        let handler = actor(&s, "npt.handler").await;
        let filed = s
            .reporting()
            .file_report(&staff, npt, &report("identified"), vec![])
            .await
            .unwrap();
        s.reporting()
            .set_deidentified(
                &handler,
                filed.report_id,
                "A staff door was found propped open.",
            )
            .await
            .unwrap();
        for who in ["npt.auditor", "npt.executive", "director"] {
            let reader = actor(&s, who).await;
            let trail = s
                .audit_entries(&reader, &Default::default(), Default::default())
                .await
                .unwrap();
            assert!(!trail.items.is_empty(), "{who} reads the trail");
            // The authority reads what was forwarded to it (the occurrence), nothing else.
            let served = |e: &sems_storage::audit::AuditView| {
                !e.after.as_deref().unwrap_or("").contains("propped open")
                    && (!e.action.starts_with("security_report.")
                        || (who == "director" && e.action == "security_report.forward"))
            };
            let actions: Vec<&str> = trail.items.iter().map(|e| e.action.as_str()).collect();
            assert!(trail.items.iter().all(served), "{who}: {actions:?}");
        }
    }
}
