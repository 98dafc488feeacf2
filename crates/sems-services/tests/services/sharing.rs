//! Information sharing on SQLite and PostgreSQL (issue 15, begun): a directive drafted by the
//! authority's intelligence analyst, approved by the director, issued to every airport
//! operator's security readers; read by the airport, each read logged; recipients hidden from
//! each other; what is refused.

use crate::common;
use sems_domain::party::PartyKind;
use sems_domain::sharing::directive::{DirectiveStatus, RecipientStep};
use sems_domain::sharing::tlp::Tlp;
use sems_domain::sharing::{Audience, ItemKind};
use sems_domain::util::{format_date, today};
use sems_services::sharing::items::ItemInput;
use sems_services::ServiceError;
use time::Duration;

fn directive(tlp: Tlp, audience: Vec<Audience>) -> ItemInput {
    let t = today();
    ItemInput {
        classification: Some("RESTRICTED".into()),
        effective_on: Some(format_date(t + Duration::days(7))),
        acknowledge_by: Some(format_date(t + Duration::days(3))),
        implement_by: Some(format_date(t + Duration::days(30))),
        ..ItemInput::new(
            ItemKind::SecurityDirective,
            "Screen all staff at staff entrances",
            "Every person entering the security restricted area through a staff entrance is screened.",
            tlp,
            audience,
        )
    }
}

#[tokio::test]
async fn a_directive_is_approved_issued_read_and_each_read_logged() {
    for s in common::services().await {
        let intel = common::actor(&s, "intel").await;
        let director = common::actor(&s, "director").await;
        let authority = intel.party_id().unwrap();
        let sh = s.sharing();
        let airports = vec![Audience::PartyKind {
            party_kind: PartyKind::AirportOperator,
        }];
        // TLP:RED to a kind of party: refused.
        let red = sh
            .draft_item(&intel, authority, &directive(Tlp::Red, airports.clone()))
            .await;
        assert!(matches!(red, Err(ServiceError::Validation(_))), "{red:?}");
        // A directive is the authority's.
        let manager = common::actor(&s, "npt.security").await;
        let own = sh
            .draft_item(
                &manager,
                manager.party_id().unwrap(),
                &directive(Tlp::Amber, airports.clone()),
            )
            .await;
        assert!(matches!(own, Err(ServiceError::Validation(_))), "{own:?}");
        let d = sh
            .draft_item(&intel, authority, &directive(Tlp::Amber, airports))
            .await
            .unwrap();
        assert_eq!(d.status, DirectiveStatus::Draft);
        // Not issued without the director's approval, which the analyst cannot give.
        let early = sh.issue_item(&intel, d.id).await;
        assert!(matches!(early, Err(ServiceError::Conflict(_))), "{early:?}");
        assert!(sh.approve_directive(&intel, d.id).await.is_err());
        // Nobody of the airport reads a draft.
        assert!(matches!(
            sh.item(&manager, d.id).await,
            Err(ServiceError::NotFound(_))
        ));
        sh.approve_directive(&director, d.id).await.unwrap();
        let issued = sh.issue_item(&intel, d.id).await.unwrap();
        assert_eq!(issued.status, DirectiveStatus::Issued);
        let npt = manager.party_id().unwrap();
        assert!(issued
            .recipients
            .iter()
            .any(|r| r.party_id == npt && r.step == RecipientStep::Delivered));
        // The airport reads it; the recipients are not shown to it.
        let read = sh.item(&manager, d.id).await.unwrap();
        assert!(read.recipients.is_empty());
        assert_eq!(read.tlp_meaning, Tlp::Amber.meaning());
        sh.item(&manager, d.id).await.unwrap();
        let inbox = sh
            .items(&manager, &Default::default(), Default::default())
            .await
            .unwrap();
        assert!(inbox.items.iter().any(|i| i.id == d.id));
        // Each read is one entry of the access log, shown to the issuer.
        let log = sh.item_access_log(&intel, d.id).await.unwrap();
        assert_eq!(
            log.iter()
                .filter(|e| e.person_name == "Sam Security")
                .count(),
            2
        );
        assert!(sh.item_access_log(&manager, d.id).await.is_err());
        // The air carrier was not in the audience: it does not know the item exists.
        let carrier = common::actor(&s, "sky.security").await;
        assert!(matches!(
            sh.item(&carrier, d.id).await,
            Err(ServiceError::NotFound(_))
        ));
        // Staff of the airport were not resolved into the audience either.
        let staff = common::actor(&s, "npt.staff").await;
        assert!(matches!(
            sh.item(&staff, d.id).await,
            Err(ServiceError::NotFound(_))
        ));
        // The airport's steps: acknowledged by its security manager (not its analyst), the
        // method stated, implemented with evidence, verified by the authority.
        use sems_services::sharing::steps::StepInput;
        let step = |step, text: &str| StepInput {
            step,
            party_id: None,
            text: text.into(),
        };
        let analyst = common::actor(&s, "npt.analyst").await;
        let refused = sh
            .directive_step(&analyst, d.id, &step(RecipientStep::Acknowledged, ""), None)
            .await;
        assert!(
            matches!(refused, Err(ServiceError::Forbidden(_))),
            "{refused:?}"
        );
        assert!(matches!(
            sh.directive_step(&manager, d.id, &step(RecipientStep::Implemented, ""), None)
                .await,
            Err(ServiceError::Conflict(_))
        ));
        let answer = sh
            .directive_step(&manager, d.id, &step(RecipientStep::Acknowledged, ""), None)
            .await
            .unwrap();
        assert!(
            answer.iter().all(|r| r.party_id == npt),
            "a recipient's answer holds its own line only"
        );
        assert!(matches!(
            sh.directive_step(&manager, d.id, &step(RecipientStep::Acknowledged, ""), None)
                .await,
            Err(ServiceError::Conflict(_))
        ));
        assert!(matches!(
            sh.directive_step(
                &manager,
                d.id,
                &step(RecipientStep::MethodStated, " "),
                None
            )
            .await,
            Err(ServiceError::Validation(_))
        ));
        sh.directive_step(
            &manager,
            d.id,
            &step(
                RecipientStep::MethodStated,
                "Walk-through screening at gates 3 and 7",
            ),
            None,
        )
        .await
        .unwrap();
        assert!(matches!(
            sh.directive_step(&manager, d.id, &step(RecipientStep::Implemented, ""), None)
                .await,
            Err(ServiceError::Validation(_))
        ));
        let evidence = sems_services::reports::NewAttachment {
            filename: "rota.txt".into(),
            bytes: b"Screening rota from 1 January".to_vec(),
        };
        sh.directive_step(
            &manager,
            d.id,
            &step(RecipientStep::Implemented, ""),
            Some(evidence),
        )
        .await
        .unwrap();
        // The evidence: for the issuer and the airport, nobody else.
        assert_eq!(
            sh.directive_evidence(&intel, d.id, npt)
                .await
                .unwrap()
                .bytes,
            b"Screening rota from 1 January"
        );
        assert!(sh.directive_evidence(&manager, d.id, npt).await.is_ok());
        assert!(sh.directive_evidence(&carrier, d.id, npt).await.is_err());
        // The airport cannot verify itself; the authority does.
        assert!(sh
            .directive_step(
                &manager,
                d.id,
                &StepInput {
                    step: RecipientStep::Verified,
                    party_id: Some(npt),
                    text: String::new()
                },
                None
            )
            .await
            .is_err());
        let after = sh
            .directive_step(
                &intel,
                d.id,
                &StepInput {
                    step: RecipientStep::Verified,
                    party_id: Some(npt),
                    text: String::new(),
                },
                None,
            )
            .await
            .unwrap();
        assert!(after
            .iter()
            .any(|r| r.party_id == npt && r.step == RecipientStep::Verified));
        // Passed on as far as TLP:AMBER allows: within the airport, not to the air carrier.
        use sems_services::sharing::forward::ForwardInput;
        let to = |who: i64| ForwardInput {
            person_id: Some(who),
            group_id: None,
            reason: "Runs the staff entrance rota".into(),
        };
        let staff_id = staff.person_id().unwrap();
        assert!(matches!(
            sh.forward_item(
                &manager,
                d.id,
                &ForwardInput {
                    reason: " ".into(),
                    ..to(staff_id)
                }
            )
            .await,
            Err(ServiceError::Validation(_))
        ));
        // Staff's clearance does not cover RESTRICTED: not passed on to them.
        assert!(matches!(
            sh.forward_item(&manager, d.id, &to(staff_id)).await,
            Err(ServiceError::Validation(_))
        ));
        let handler = common::actor(&s, "npt.handler").await;
        assert!(matches!(
            sh.item(&handler, d.id).await,
            Err(ServiceError::NotFound(_))
        ));
        sh.forward_item(&manager, d.id, &to(handler.person_id().unwrap()))
            .await
            .unwrap();
        assert!(
            sh.item(&handler, d.id).await.is_ok(),
            "passed on within the airport"
        );
        let beyond = sh
            .forward_item(&manager, d.id, &to(carrier.person_id().unwrap()))
            .await;
        match beyond {
            Err(ServiceError::Forbidden(why)) => assert!(why.starts_with("TLP:AMBER"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            sh.item(&carrier, d.id).await,
            Err(ServiceError::NotFound(_))
        ));
    }
}
