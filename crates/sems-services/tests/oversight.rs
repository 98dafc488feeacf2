//! Oversight services on SQLite and PostgreSQL: the requirements catalogues.

mod common;

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
    for s in common::services("sems-oversight").await {
        s.ensure_oversight_defaults().await.unwrap();
        let policy = common::actor(&s, "policy").await;
        let authority = policy.party_id().unwrap();
        let sm = common::actor(&s, "npt.security").await;
        let npt = sm.party_id().unwrap();

        // The shipped programme, read by an organisation.
        let national = s
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
            .requirement_catalogue(&sm, authority, None, Some("hold baggage screened"))
            .await
            .unwrap();
        assert!(found
            .nodes
            .iter()
            .any(|n| n.requirement.code == "NASP-04.01"));
        assert!(s
            .requirement_catalogue(&common::actor(&s, "npt.staff").await, authority, None, None)
            .await
            .is_err());

        // The authority adds one requirement: the next version, the old one unchanged.
        let v2 = s
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
            .requirement_catalogue(&sm, authority, Some(1), None)
            .await
            .unwrap();
        assert!(!old.nodes.iter().any(|n| n.requirement.code == "NASP-03.05"));
        assert!(matches!(
            s.requirement_catalogue(&sm, authority, Some(99), None)
                .await,
            Err(ServiceError::NotFound(_))
        ));

        // Bad input changes nothing.
        let before = s
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
            let refused = s.add_requirement(&policy, authority, &bad, "").await;
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
            s.add_requirement(
                &sm,
                authority,
                &entry("X-1", Some("NASP-03"), "requirement"),
                ""
            )
            .await,
            Err(ServiceError::Forbidden(_))
        ));
        assert_eq!(
            s.requirement_catalogue(&policy, authority, None, None)
                .await
                .unwrap()
                .versions
                .len(),
            before
        );

        // An organisation keeps its internal requirements; others do not touch them.
        s.add_requirement(&sm, npt, &entry("NPT-QC", None, "programme"), "")
            .await
            .unwrap();
        s.add_requirement(&sm, npt, &entry("NPT-QC-1", Some("NPT-QC"), "chapter"), "")
            .await
            .unwrap();
        s.add_requirement(
            &sm,
            npt,
            &entry("NPT-QC-1.1", Some("NPT-QC-1"), "requirement"),
            "",
        )
        .await
        .unwrap();
        let internal = s.requirement_catalogue(&sm, npt, None, None).await.unwrap();
        assert_eq!(internal.version, Some(3));
        assert_eq!(internal.nodes.len(), 3);
        let sky = common::actor(&s, "sky.security").await;
        assert!(matches!(
            s.requirement_catalogue(&sky, npt, None, None).await,
            Err(ServiceError::NotFound(_))
        ));
        assert!(s
            .add_requirement(&sky, npt, &entry("SKY-1", None, "programme"), "")
            .await
            .is_err());
        assert!(s
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
            .import_requirements(&policy, authority, good, true, "v3")
            .await
            .unwrap();
        assert!(dry.errors.is_empty() && !dry.imported);
        assert_eq!(
            s.requirement_catalogue(&policy, authority, None, None)
                .await
                .unwrap()
                .version,
            Some(2)
        );
        let done = s
            .import_requirements(&policy, authority, good, false, "v3")
            .await
            .unwrap();
        assert!(done.imported);
        let v3 = s
            .requirement_catalogue(&sm, authority, None, None)
            .await
            .unwrap();
        assert_eq!(v3.version, Some(3));
        assert_eq!(v3.nodes.len(), 3);
        assert_eq!(v3.nodes[2].requirement.text, "Written, with a comma");
        assert!(s
            .import_requirements(&sm, authority, good, false, "")
            .await
            .is_err());
    }
}
