//! Information sharing beyond a directive's steps, on SQLite and PostgreSQL: lists and groups
//! with their highest markings, any record shared with a reason and an expiry, the inbox and
//! the tracker, the sharing job (escalation once, expiry), disclosure reports, a bulletin's
//! threat level applied by the director, prints and exports (one log entry each, the
//! watermark naming the reader), STIX round trip, supersession and cancellation.

use crate::common;
use sems_domain::access::RecordKind;
use sems_domain::party::PartyKind;
use sems_domain::sharing::directive::{DirectiveStatus, Late, RecipientStep};
use sems_domain::sharing::tlp::Tlp;
use sems_domain::sharing::{Audience, ItemKind};
use sems_domain::util::{format_date, today};
use sems_services::sharing::export::{ExportFormat, StixImport};
use sems_services::sharing::inbox::{ListEntryInput, ListInput};
use sems_services::sharing::items::ItemInput;
use sems_services::sharing::records::ShareInput;
use sems_services::{ServiceError, Services};
use sems_storage::sharing::inbox::{InboxShow, TrackerFilter};
use time::Duration;

fn bulletin(title: &str, classification: &str, audience: Vec<Audience>) -> ItemInput {
    ItemInput {
        classification: Some(classification.into()),
        ..ItemInput::new(
            ItemKind::ThreatBulletin,
            title,
            "What the intelligence says",
            Tlp::Amber,
            audience,
        )
    }
}

async fn sql(s: &Services, statement: &str) {
    let mut tx = s.store.write().await.unwrap();
    sqlx::query(statement).execute(tx.conn()).await.unwrap();
    tx.commit().await.unwrap();
}

async fn demo_item(s: &Services, kind: ItemKind) -> i64 {
    let intel = common::actor(s, "intel").await;
    s.sharing()
        .items(
            &intel,
            &sems_storage::sharing::items::ItemFilter {
                owner_party_id: intel.party_id(),
                kind: Some(kind),
            },
            Default::default(),
        )
        .await
        .unwrap()
        .items[0]
        .id
}

#[tokio::test]
async fn lists_groups_and_grants_keep_to_their_markings_and_expiry() {
    for s in common::services().await {
        let sh = s.sharing();
        let intel = common::actor(&s, "intel").await;
        let authority = intel.party_id().unwrap();
        let manager = common::actor(&s, "npt.security").await;
        // A group that receives nothing above OFFICIAL refuses a RESTRICTED item.
        let admin = common::actor(&s, "admin").await;
        let group = s
            .create_group(
                &admin,
                authority,
                &sems_services::groups::GroupInput {
                    name: "Open briefing".into(),
                    description: String::new(),
                    highest_classification: Some("OFFICIAL".into()),
                },
            )
            .await
            .unwrap();
        let d = sh
            .draft_item(
                &intel,
                authority,
                &bulletin(
                    "Restricted note",
                    "RESTRICTED",
                    vec![Audience::Group { group_id: group.id }],
                ),
            )
            .await
            .unwrap();
        match sh.issue_item(&intel, d.id).await {
            Err(ServiceError::Validation(v)) => assert!(
                v.to_string().contains("receives nothing above OFFICIAL"),
                "{v}"
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            sh.item(&intel, d.id).await.unwrap().status,
            DirectiveStatus::Draft,
            "nothing changed"
        );
        // A list: its entries reach their members; one past its expiry reaches nobody; a list
        // marked below the item is refused.
        let list = sh
            .create_distribution_list(
                &intel,
                &ListInput {
                    name: "Carriers".into(),
                    highest_classification: Some("RESTRICTED".into()),
                },
            )
            .await
            .unwrap();
        assert!(!list.review_due);
        sh.add_list_entry(
            &intel,
            list.id,
            &ListEntryInput {
                audience: Audience::PartyKind {
                    party_kind: PartyKind::AirCarrier,
                },
                reason: "Carriers screen their crews".into(),
                expires_on: None,
            },
        )
        .await
        .unwrap();
        let expired = sh
            .add_list_entry(
                &intel,
                list.id,
                &ListEntryInput {
                    audience: Audience::PartyKind {
                        party_kind: PartyKind::RegulatedAgent,
                    },
                    reason: "Cargo season".into(),
                    expires_on: Some(format_date(today() + Duration::days(1))),
                },
            )
            .await
            .unwrap();
        // An entry in the past is refused; one that expires meanwhile reaches nobody.
        assert!(matches!(
            sh.add_list_entry(
                &intel,
                list.id,
                &ListEntryInput {
                    audience: Audience::PartyKind {
                        party_kind: PartyKind::RegulatedAgent
                    },
                    reason: "Too late".into(),
                    expires_on: Some(format_date(today() - Duration::days(1)))
                }
            )
            .await,
            Err(ServiceError::Validation(_))
        ));
        let lapsing = expired
            .entries
            .iter()
            .find(|e| e.reason == "Cargo season")
            .unwrap()
            .id;
        sql(&s, &format!("UPDATE distribution_list_entries SET expires_on = '2020-01-01' WHERE id = {lapsing}")).await;
        assert!(sh
            .distribution_list(&intel, list.id)
            .await
            .unwrap()
            .entries
            .iter()
            .any(|e| e.expired));
        assert!(matches!(
            sh.add_list_entry(
                &intel,
                list.id,
                &ListEntryInput {
                    audience: Audience::List { list_id: list.id },
                    reason: "x".into(),
                    expires_on: None
                }
            )
            .await,
            Err(ServiceError::Validation(_))
        ));
        // An entry naming an organisation that does not exist: refused, nothing stored.
        let nowhere = ListEntryInput {
            audience: Audience::Role {
                party_id: Some(-7),
                role: sems_domain::role::Role::SecurityManager,
            },
            reason: "x".into(),
            expires_on: None,
        };
        assert!(matches!(
            sh.add_list_entry(&intel, list.id, &nowhere).await,
            Err(ServiceError::Validation(_))
        ));
        let n = sh
            .draft_item(
                &intel,
                authority,
                &bulletin(
                    "Crew note",
                    "RESTRICTED",
                    vec![Audience::List { list_id: list.id }],
                ),
            )
            .await
            .unwrap();
        sh.issue_item(&intel, n.id).await.unwrap();
        let carrier = common::actor(&s, "sky.security").await;
        let cargo = common::actor(&s, "swc.security").await;
        assert!(sh.item(&carrier, n.id).await.is_ok());
        assert!(
            matches!(sh.item(&cargo, n.id).await, Err(ServiceError::NotFound(_))),
            "the expired entry reached nobody"
        );
        let secret = sh
            .draft_item(
                &intel,
                authority,
                &bulletin(
                    "Secret note",
                    "CONFIDENTIAL",
                    vec![Audience::List { list_id: list.id }],
                ),
            )
            .await
            .unwrap();
        assert!(matches!(
            sh.issue_item(&intel, secret.id).await,
            Err(ServiceError::Validation(_))
        ));
        // Lists past their review: the due list shows them; a review moves the day a year on.
        sql(
            &s,
            &format!(
                "UPDATE distribution_lists SET review_due_on = '2020-01-01' WHERE id = {}",
                list.id
            ),
        )
        .await;
        let due = sh
            .distribution_lists(&intel, true, Default::default())
            .await
            .unwrap();
        assert!(due.items.iter().any(|l| l.id == list.id && l.review_due));
        let reviewed = sh.review_distribution_list(&intel, list.id).await.unwrap();
        assert!(!reviewed.review_due);
        assert!(sh
            .distribution_lists(&intel, true, Default::default())
            .await
            .unwrap()
            .items
            .iter()
            .all(|l| l.id != list.id));
        // Another organisation's people do not see the authority's lists.
        assert!(sh.distribution_list(&manager, list.id).await.is_err());
        // Any record shared the same way: the airport's risk assessment, to the carrier's
        // security manager by name, with a reason and an expiry.
        let assessment = s
            .risk()
            .assessments(&manager, &Default::default(), Default::default())
            .await
            .unwrap()
            .items[0]
            .id;
        assert!(matches!(
            s.risk().assessment_view(&carrier, assessment).await,
            Err(ServiceError::NotFound(_))
        ));
        let share = ShareInput {
            audience: vec![Audience::Person {
                person_id: carrier.person_id().unwrap(),
            }],
            reason: "Shared apron: the carrier's crews use the staff entrance".into(),
            expires_on: Some(format_date(today() + Duration::days(30))),
        };
        let viewer = common::actor(&s, "npt.viewer").await;
        assert!(matches!(
            sh.share_record(&viewer, RecordKind::RiskAssessment, assessment, &share)
                .await,
            Err(ServiceError::Forbidden(_))
        ));
        assert!(matches!(
            sh.share_record(
                &manager,
                RecordKind::RiskAssessment,
                assessment,
                &ShareInput {
                    reason: " ".into(),
                    ..share.clone()
                }
            )
            .await,
            Err(ServiceError::Validation(_))
        ));
        let done = sh
            .share_record(&manager, RecordKind::RiskAssessment, assessment, &share)
            .await
            .unwrap();
        assert_eq!(done.persons, 1);
        assert!(
            s.risk().assessment_view(&carrier, assessment).await.is_ok(),
            "shared: read"
        );
        // The grant ends on its day: yesterday's expiry reads as not distributed.
        sql(&s, &format!("UPDATE distributions SET expires_on = '2020-01-01' WHERE record_kind = 'risk_assessment' AND record_id = {assessment}")).await;
        assert!(matches!(
            s.risk().assessment_view(&carrier, assessment).await,
            Err(ServiceError::NotFound(_))
        ));
        // A named person whose clearance does not cover the marking is refused by name.
        let staff = common::actor(&s, "sky.staff").await;
        let restricted = sh
            .draft_item(
                &intel,
                authority,
                &bulletin(
                    "To staff",
                    "CONFIDENTIAL",
                    vec![Audience::Person {
                        person_id: staff.person_id().unwrap(),
                    }],
                ),
            )
            .await
            .unwrap();
        match sh.issue_item(&intel, restricted.id).await {
            Err(ServiceError::Validation(v)) => {
                assert!(v.to_string().contains("clearance does not cover"), "{v}")
            }
            other => panic!("{other:?}"),
        }
        // A recipient distributes nothing further: it passes an item on as its label allows.
        let item_share = ShareInput {
            audience: vec![Audience::PartyKind {
                party_kind: PartyKind::RegulatedAgent,
            }],
            reason: "Everyone should know".into(),
            expires_on: None,
        };
        assert!(matches!(
            sh.share_record(&carrier, RecordKind::SharedItem, n.id, &item_share)
                .await,
            Err(ServiceError::Forbidden(_))
        ));
        assert!(matches!(
            sh.issue_item(&carrier, secret.id).await,
            Err(ServiceError::NotFound(_) | ServiceError::Forbidden(_))
        ));
        // TLP:RED is passed on to no group, and not to an empty one whatever the label.
        let empty = s
            .create_group(
                &admin,
                authority,
                &sems_services::groups::GroupInput {
                    name: "Nobody yet".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let mut red = bulletin(
            "Red note",
            "OFFICIAL",
            vec![Audience::Person {
                person_id: carrier.person_id().unwrap(),
            }],
        );
        red.tlp = Tlp::Red;
        let red = sh.draft_item(&intel, authority, &red).await.unwrap();
        sh.issue_item(&intel, red.id).await.unwrap();
        let to_group = |g: i64| sems_services::sharing::forward::ForwardInput {
            person_id: None,
            group_id: Some(g),
            reason: "Team".into(),
        };
        assert!(sh
            .forward_item(&carrier, red.id, &to_group(empty.id))
            .await
            .is_err());
        assert!(matches!(
            sh.forward_item(&carrier, n.id, &to_group(empty.id)).await,
            Err(ServiceError::Validation(_))
        ));
        // Files: attached by the issuer before the issue, never after; each download of a
        // marked item's file logged once; a reader outside the audience gets nothing.
        let with_file = sh
            .draft_item(
                &intel,
                authority,
                &bulletin(
                    "With a file",
                    "RESTRICTED",
                    vec![Audience::PartyKind {
                        party_kind: PartyKind::AirCarrier,
                    }],
                ),
            )
            .await
            .unwrap();
        let file = |name: &str| sems_services::reports::NewAttachment {
            filename: name.into(),
            bytes: b"Annex: the indicators".to_vec(),
        };
        assert!(sh
            .attach_file(&carrier, with_file.id, file("x.txt"))
            .await
            .is_err());
        let attached = sh
            .attach_file(&intel, with_file.id, file("annex.txt"))
            .await
            .unwrap();
        assert_eq!(attached.files.len(), 1);
        sh.issue_item(&intel, with_file.id).await.unwrap();
        assert!(matches!(
            sh.attach_file(&intel, with_file.id, file("late.txt")).await,
            Err(ServiceError::Conflict(_))
        ));
        let logged = sh
            .item_access_log(&intel, with_file.id)
            .await
            .unwrap()
            .len();
        let got = sh
            .item_file(&carrier, with_file.id, attached.files[0].id)
            .await
            .unwrap();
        assert_eq!(got.bytes, b"Annex: the indicators");
        let log = sh.item_access_log(&intel, with_file.id).await.unwrap();
        assert_eq!(log.len(), logged + 1);
        assert_eq!(log[0].action, "download");
        assert!(matches!(
            sh.item_file(&manager, with_file.id, attached.files[0].id)
                .await,
            Err(ServiceError::NotFound(_))
        ));
        // The issuer may let recipients see each other.
        let mut open = bulletin(
            "Open list",
            "OFFICIAL",
            vec![Audience::PartyKind {
                party_kind: PartyKind::AirCarrier,
            }],
        );
        open.kind = ItemKind::SecurityDirective;
        open.recipients_visible = true;
        open.effective_on = Some(format_date(today()));
        open.acknowledge_by = Some(format_date(today() + Duration::days(2)));
        open.implement_by = Some(format_date(today() + Duration::days(9)));
        let o = sh.draft_item(&intel, authority, &open).await.unwrap();
        sh.approve_directive(&common::actor(&s, "director").await, o.id)
            .await
            .unwrap();
        sh.issue_item(&intel, o.id).await.unwrap();
        assert!(!sh.item(&carrier, o.id).await.unwrap().recipients.is_empty());
    }
}

#[tokio::test]
async fn the_inbox_the_tracker_the_job_disclosures_threat_levels_and_exports() {
    for s in common::services().await {
        let sh = s.sharing();
        let intel = common::actor(&s, "intel").await;
        let director = common::actor(&s, "director").await;
        let manager = common::actor(&s, "npt.security").await;
        let carrier = common::actor(&s, "sky.security").await;
        let directive = demo_item(&s, ItemKind::SecurityDirective).await;
        let bulletin_id = demo_item(&s, ItemKind::ThreatBulletin).await;
        // The demo's story in the inbox: the airport stated its method, the carrier has to
        // acknowledge.
        let counts = sh.inbox_counts(&carrier).await.unwrap();
        assert_eq!(counts.to_acknowledge, 1);
        assert_eq!(sh.inbox_counts(&manager).await.unwrap().to_implement, 1);
        let mine = sh
            .inbox(&carrier, InboxShow::ToAcknowledge, Default::default())
            .await
            .unwrap();
        assert_eq!(mine.items[0].id, directive);
        assert_eq!(mine.items[0].step, Some(RecipientStep::Delivered));
        // Unread until opened.
        let unread = sh
            .inbox(&carrier, InboxShow::Unread, Default::default())
            .await
            .unwrap();
        assert!(unread.items.iter().any(|i| i.id == directive));
        sh.item(&carrier, directive).await.unwrap();
        let unread = sh
            .inbox(&carrier, InboxShow::Unread, Default::default())
            .await
            .unwrap();
        assert!(unread.items.iter().all(|i| i.id != directive));
        // The tracker: the authority's, a line per organisation; not the airport's.
        let lines = sh
            .directive_tracker(
                &intel,
                &TrackerFilter {
                    item_id: Some(directive),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap();
        assert_eq!(lines.items.len(), 2);
        // Paged one line at a time, each line once.
        let one = |n| sems_domain::page::PageRequest::new(Some(n), Some(1));
        let filter = TrackerFilter {
            item_id: Some(directive),
            ..Default::default()
        };
        let first = sh.directive_tracker(&intel, &filter, one(1)).await.unwrap();
        let second = sh.directive_tracker(&intel, &filter, one(2)).await.unwrap();
        assert_eq!((first.items.len(), second.items.len()), (1, 1));
        assert_ne!(first.items[0].party_id, second.items[0].party_id);
        assert!(sh
            .directive_tracker(&manager, &TrackerFilter::default(), Default::default())
            .await
            .unwrap()
            .items
            .is_empty());
        // Late: the acknowledgement deadline passed; the job escalates once, to the carrier's
        // accountable executive and the issuer.
        sql(
            &s,
            &format!(
                "UPDATE shared_items SET acknowledge_by = '{}' WHERE id = {directive}",
                format_date(today() - Duration::days(1))
            ),
        )
        .await;
        let late = sh
            .directive_tracker(
                &intel,
                &TrackerFilter {
                    late: Some(Late::Acknowledgement),
                    ..Default::default()
                },
                Default::default(),
            )
            .await
            .unwrap();
        assert!(late
            .items
            .iter()
            .any(|l| l.item_id == directive && l.party_name == "Skyline Airways"));
        assert!(late
            .items
            .iter()
            .all(|l| l.step == RecipientStep::Delivered));
        assert_eq!(sh.inbox_counts(&carrier).await.unwrap().overdue, 1);
        let run = sh.run_sharing_job(today()).await.unwrap();
        assert!(run.escalated >= 1, "{run:?}");
        assert_eq!(
            sh.run_sharing_job(today()).await.unwrap().escalated,
            0,
            "once"
        );
        let executive = common::actor(&s, "sky.executive").await;
        let told = s
            .notifications(executive.person_id().unwrap(), 20)
            .await
            .unwrap();
        assert!(
            told.iter()
                .any(|n| n.message.starts_with("Acknowledgement overdue")),
            "{told:?}"
        );
        // A recipient reports a suspected disclosure: an action of the register, the issuer told.
        assert!(matches!(
            sh.report_disclosure(&carrier, directive, " ").await,
            Err(ServiceError::Validation(_))
        ));
        let action = sh
            .report_disclosure(&carrier, directive, "A copy was posted in a crew forum")
            .await
            .unwrap();
        let seen = s.register_action(&intel, action).await.unwrap();
        assert!(seen.action.title.contains("unauthorised disclosure"));
        // Its investigation is the issuer's: the other recipients, among whom the leak may be,
        // neither read it nor see it in their register.
        assert!(s.register_action(&manager, action).await.is_err());
        let theirs = s
            .action_register(&manager, &Default::default(), Default::default())
            .await
            .unwrap();
        assert!(theirs.items.iter().all(|a| a.action.id != action));
        assert_eq!(
            sh.disclosure_item(&intel, seen.action.source_id)
                .await
                .unwrap(),
            directive
        );
        assert!(sh
            .disclosure_item(&manager, seen.action.source_id)
            .await
            .is_err());
        // The bulletin's proposed threat level: the analyst may not apply it; the director does,
        // once; the category's assessments are marked for review.
        assert!(matches!(
            sh.apply_threat_proposal(&intel, bulletin_id).await,
            Err(ServiceError::Forbidden(_))
        ));
        sh.apply_threat_proposal(&director, bulletin_id)
            .await
            .unwrap();
        assert!(matches!(
            sh.apply_threat_proposal(&director, bulletin_id).await,
            Err(ServiceError::Conflict(_))
        ));
        let levels = s.risk().threat_levels(&director).await.unwrap();
        assert!(levels
            .iter()
            .any(|l| l.category.as_str() == "prohibited_items" && l.level == 4));
        // Each read, print and export leaves exactly one entry; the watermark names the reader.
        let before = sh.item_access_log(&intel, bulletin_id).await.unwrap().len();
        let (_, mark) = sh.print_item(&manager, bulletin_id).await.unwrap();
        assert!(
            mark.contains("Sam Security") && mark.contains("Northport"),
            "{mark}"
        );
        let text = sh
            .export_item(&manager, bulletin_id, ExportFormat::Text)
            .await
            .unwrap();
        assert!(
            text.body.starts_with("RESTRICTED · TLP:AMBER")
                && text.body.trim_end().ends_with("RESTRICTED · TLP:AMBER"),
            "{}",
            text.body
        );
        assert!(text.body.contains("Sam Security"));
        let stix = sh
            .export_item(&manager, bulletin_id, ExportFormat::Stix)
            .await
            .unwrap();
        assert!(
            stix.body
                .contains("marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"),
            "the published TLP:AMBER id"
        );
        assert!(stix.body.contains("x_sems_watermark"));
        let log = sh.item_access_log(&intel, bulletin_id).await.unwrap();
        assert_eq!(log.len(), before + 3);
        assert_eq!(
            log.iter()
                .take(3)
                .map(|e| e.action.as_str())
                .collect::<Vec<_>>(),
            ["export", "export", "print"]
        );
        // The STIX bundle comes back as a draft bulletin; a malformed one is refused.
        let audience = vec![Audience::PartyKind {
            party_kind: PartyKind::AirCarrier,
        }];
        assert!(matches!(
            sh.import_stix(
                &intel,
                &StixImport {
                    bundle: "{\"type\":\"report\"}".into(),
                    audience: audience.clone()
                }
            )
            .await,
            Err(ServiceError::Validation(_))
        ));
        let imported = sh
            .import_stix(
                &intel,
                &StixImport {
                    bundle: stix.body,
                    audience,
                },
            )
            .await
            .unwrap();
        assert_eq!(imported.status, DirectiveStatus::Draft);
        assert_eq!(imported.tlp, Tlp::Amber);
        // A new directive supersedes the demo's when it is issued; cancelling is the issuer's.
        let mut next = bulletin(
            "Screening at staff entrances, revised",
            "RESTRICTED",
            vec![Audience::PartyKind {
                party_kind: PartyKind::AirportOperator,
            }],
        );
        next.kind = ItemKind::SecurityDirective;
        next.supersedes_id = Some(directive);
        next.effective_on = Some(format_date(today()));
        next.acknowledge_by = Some(format_date(today() + Duration::days(2)));
        next.implement_by = Some(format_date(today() + Duration::days(9)));
        let authority = intel.party_id().unwrap();
        let r = sh.draft_item(&intel, authority, &next).await.unwrap();
        assert!(matches!(
            sh.cancel_item(&manager, r.id, "no").await,
            Err(ServiceError::NotFound(_) | ServiceError::Forbidden(_))
        ));
        sh.approve_directive(&director, r.id).await.unwrap();
        sh.issue_item(&intel, r.id).await.unwrap();
        assert_eq!(
            sh.item(&intel, directive).await.unwrap().status,
            DirectiveStatus::Superseded
        );
        sh.cancel_item(&intel, r.id, "Replaced by the national programme")
            .await
            .unwrap();
        assert_eq!(
            sh.item(&intel, r.id).await.unwrap().status,
            DirectiveStatus::Cancelled
        );
        // An item past its expiry is expired by the job.
        sql(
            &s,
            &format!("UPDATE shared_items SET expires_on = '2020-01-01' WHERE id = {bulletin_id}"),
        )
        .await;
        assert!(sh.run_sharing_job(today()).await.unwrap().expired >= 1);
        assert_eq!(
            sh.item(&intel, bulletin_id).await.unwrap().status,
            DirectiveStatus::Expired
        );
    }
}
