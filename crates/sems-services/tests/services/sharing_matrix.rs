//! The sharing matrix on SQLite and PostgreSQL: every TLP label × every kind of audience ×
//! readers of several roles and organisations × read, export and passing on (within the
//! reader's organisation and to another one). The expectation is written from the issue's
//! rules: an audience of organisations reaches their security readers, a role its holders, a
//! group its members, a person themselves; export goes with read; RED is never passed on,
//! AMBER+STRICT and AMBER stay within the organisation (the two have no client or contractor
//! between them here), GREEN and CLEAR reach the community.

use crate::common;
use sems_domain::party::PartyKind;
use sems_domain::role::Role;
use sems_domain::sharing::tlp::Tlp;
use sems_domain::sharing::{Audience, ItemKind};
use sems_services::sharing::export::ExportFormat;
use sems_services::sharing::forward::ForwardInput;
use sems_services::sharing::items::ItemInput;
use sems_services::ServiceError;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Reach {
    EveryOfAKind,
    Party,
    Role,
    Group,
    Person,
}

#[tokio::test]
async fn tlp_label_by_audience_by_role_by_action() {
    for s in common::services().await {
        let sh = s.sharing();
        let intel = common::actor(&s, "intel").await;
        let admin = common::actor(&s, "admin").await;
        let authority = intel.party_id().unwrap();
        let npt = common::actor(&s, "npt.security").await.party_id().unwrap();
        // A group holding the airport's analyst alone.
        let group = s
            .create_group(
                &admin,
                authority,
                &sems_services::groups::GroupInput {
                    name: "Matrix cell".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let analyst = common::actor(&s, "npt.analyst").await;
        s.change_group_member(&admin, group.id, analyst.person_id().unwrap(), true)
            .await
            .unwrap();
        let manager = common::actor(&s, "npt.security").await;
        // (user name, reached by: party kind / party, role security manager, group, person)
        // The outsider first: the readers after it pass items on to them.
        let readers = [
            ("sky.security", [false, false, false, false]),
            ("npt.security", [true, true, false, true]),
            ("npt.analyst", [true, false, true, false]),
            ("npt.viewer", [true, false, false, false]),
            ("npt.staff", [false, false, false, false]),
        ];
        let inside = common::actor(&s, "npt.executive")
            .await
            .person_id()
            .unwrap();
        let outside = common::actor(&s, "sky.security").await.person_id().unwrap();
        let mut checked = 0;
        for tlp in Tlp::ALL {
            for kind in [
                Reach::EveryOfAKind,
                Reach::Party,
                Reach::Role,
                Reach::Group,
                Reach::Person,
            ] {
                let audience = match kind {
                    Reach::EveryOfAKind => Audience::PartyKind {
                        party_kind: PartyKind::AirportOperator,
                    },
                    Reach::Party => Audience::Party { party_id: npt },
                    Reach::Role => Audience::Role {
                        party_id: Some(npt),
                        role: Role::SecurityManager,
                    },
                    Reach::Group => Audience::Group { group_id: group.id },
                    Reach::Person => Audience::Person {
                        person_id: manager.person_id().unwrap(),
                    },
                };
                let input = ItemInput::new(
                    ItemKind::InformationCircular,
                    &format!("{} to {kind:?}", tlp.label()),
                    "Matrix",
                    *tlp,
                    vec![audience],
                );
                let drafted = sh.draft_item(&intel, authority, &input).await;
                if *tlp == Tlp::Red && kind != Reach::Person {
                    assert!(
                        matches!(drafted, Err(ServiceError::Validation(_))),
                        "RED to {kind:?}"
                    );
                    continue;
                }
                let id = drafted.unwrap().id;
                sh.issue_item(&intel, id).await.unwrap();
                for (username, reached) in readers {
                    let reader = common::actor(&s, username).await;
                    let expected = match kind {
                        Reach::EveryOfAKind | Reach::Party => reached[0],
                        Reach::Role => reached[1],
                        Reach::Group => reached[2],
                        Reach::Person => reached[3],
                    };
                    let read = sh.item(&reader, id).await;
                    assert_eq!(read.is_ok(), expected, "read {tlp:?} {kind:?} {username}");
                    if !expected {
                        assert!(
                            matches!(read, Err(ServiceError::NotFound(_))),
                            "a 404 for {username}"
                        );
                    }
                    let export = sh.export_item(&reader, id, ExportFormat::Text).await;
                    assert_eq!(
                        export.is_ok(),
                        expected,
                        "export {tlp:?} {kind:?} {username}"
                    );
                    let forward = |to: i64| ForwardInput {
                        person_id: Some(to),
                        group_id: None,
                        reason: "Needs it for the matrix".into(),
                    };
                    let within = sh.forward_item(&reader, id, &forward(inside)).await;
                    assert_eq!(
                        within.is_ok(),
                        expected && *tlp != Tlp::Red,
                        "forward within {tlp:?} {kind:?} {username}: {within:?}"
                    );
                    let beyond = sh.forward_item(&reader, id, &forward(outside)).await;
                    let community = matches!(tlp, Tlp::Green | Tlp::Clear);
                    if username != "sky.security" {
                        assert_eq!(
                            beyond.is_ok(),
                            expected && community,
                            "forward beyond {tlp:?} {kind:?} {username}: {beyond:?}"
                        );
                    }
                    checked += 4;
                }
            }
        }
        assert!(checked >= 400, "{checked}");
    }
}
