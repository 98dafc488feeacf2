//! Oversight over HTTP: requirements, activities and their checklists, findings and plans
//! across the boundary, EI; the pages and the API.

use super::support::{apps, spawn};
use serde_json::json;

fn party(app: &super::support::App, code: &str) -> i64 {
    app.sql_count(&format!("SELECT id FROM parties WHERE code = '{code}'"))
}

fn in_a_week() -> String {
    sems_domain::util::format_date(sems_domain::util::today() + time::Duration::days(7))
}

#[test]
fn the_cross_boundary_flow_through_the_api() {
    for app in apps() {
        let npt = party(&app, "NPT");
        let mut inspector = app.signed_in("inspector");
        let demo_ei = inspector
            .api("GET", &format!("/oversight/ei?party_id={npt}"), None)
            .json();
        let planned = inspector.api(
            "POST",
            "/oversight/activities",
            Some(
                json!({ "overseen_party_id": npt, "kind": "audit_partial", "title": "Cargo audit",
                "planned_on": in_a_week(), "scope": ["NASP-05"] }),
            ),
        );
        assert_eq!(planned.status, 201, "{}", planned.body);
        let id = planned.json()["id"].as_i64().unwrap();
        let view = inspector
            .api("GET", &format!("/oversight/activities/{id}"), None)
            .json();
        let items: Vec<i64> = view["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect();
        assert_eq!(items.len(), 3);
        let bad = inspector.api(
            "POST",
            &format!("/oversight/activities/{id}/answers"),
            Some(json!([{ "item_id": items[0], "answer": "sort of" }])),
        );
        assert_eq!(bad.status, 422);
        let answers: Vec<serde_json::Value> = items
            .iter()
            .enumerate()
            .map(|(i, item)| json!({ "item_id": item, "answer": if i == 0 { "not_compliant" } else { "compliant" } }))
            .collect();
        assert_eq!(
            inspector
                .api(
                    "POST",
                    &format!("/oversight/activities/{id}/answers"),
                    Some(json!(answers))
                )
                .status,
            200
        );
        assert_eq!(
            inspector
                .api(
                    "POST",
                    &format!("/oversight/activities/{id}/complete"),
                    None
                )
                .status,
            200
        );
        let raised = inspector.api(
            "POST",
            &format!("/oversight/activities/{id}/findings"),
            Some(json!({ "item_id": items[0], "level": "level_2", "description": "Screening records are incomplete" })),
        );
        assert_eq!(raised.status, 201, "{}", raised.body);
        let finding = raised.json()["id"].as_i64().unwrap();
        let mut sm = app.signed_in("npt.security");
        let mut sky = app.signed_in("sky.security");
        assert_eq!(
            sky.api("GET", &format!("/oversight/findings/{finding}"), None)
                .status,
            404
        );
        let cap = json!({ "root_cause": "No register at the cargo gate", "actions": "Introduce a register", "due_on": in_a_week() });
        assert_eq!(
            sky.api(
                "POST",
                &format!("/oversight/findings/{finding}/cap"),
                Some(cap.clone())
            )
            .status,
            404
        );
        assert_eq!(
            inspector
                .api(
                    "POST",
                    &format!("/oversight/findings/{finding}/cap"),
                    Some(cap.clone())
                )
                .status,
            403
        );
        assert_eq!(
            sm.api(
                "POST",
                &format!("/oversight/findings/{finding}/cap"),
                Some(cap.clone())
            )
            .status,
            200
        );
        assert_eq!(
            sm.api(
                "POST",
                &format!("/oversight/findings/{finding}/review"),
                Some(json!({ "accept": true }))
            )
            .status,
            403,
            "the organisation cannot accept its own plan"
        );
        let returned = inspector.api(
            "POST",
            &format!("/oversight/findings/{finding}/review"),
            Some(json!({ "accept": false, "comment": "Name the owner of the register" })),
        );
        assert_eq!(returned.json()["status"], "cap_returned");
        assert_eq!(
            sm.api(
                "POST",
                &format!("/oversight/findings/{finding}/cap"),
                Some(cap)
            )
            .status,
            200
        );
        assert_eq!(
            inspector
                .api(
                    "POST",
                    &format!("/oversight/findings/{finding}/review"),
                    Some(json!({ "accept": true }))
                )
                .json()["status"],
            "cap_accepted"
        );
        assert_eq!(
            sm.api(
                "POST",
                &format!("/oversight/findings/{finding}/completion"),
                Some(json!({ "evidence": "Register in use since Monday" }))
            )
            .status,
            200
        );
        // Sent back once, with a follow-up inspection of the requirement planned.
        let back = inspector.api(
            "POST",
            &format!("/oversight/findings/{finding}/verification"),
            Some(json!({ "close": false, "comment": "The register is not kept at night", "follow_up_on": in_a_week() })),
        );
        assert_eq!(back.json()["status"], "cap_accepted", "{}", back.body);
        let planned = inspector.api("GET", "/oversight/activities", None).json();
        assert!(planned["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["title"]
                .as_str()
                .unwrap()
                .starts_with(&format!("Follow-up of finding {finding}"))));
        assert_eq!(
            sm.api(
                "POST",
                &format!("/oversight/findings/{finding}/completion"),
                Some(json!({ "evidence": "Night shift keeps it too" }))
            )
            .status,
            200
        );
        let closed = inspector.api(
            "POST",
            &format!("/oversight/findings/{finding}/verification"),
            Some(json!({ "close": true, "comment": "Seen" })),
        );
        assert_eq!(closed.json()["status"], "closed");
        let ei = inspector
            .api("GET", &format!("/oversight/ei?party_id={npt}"), None)
            .json();
        // Two of three applicable here, beside the demo's inspection of the airport.
        assert_eq!(
            ei["cell"]["compliant"],
            demo_ei["cell"]["compliant"].as_i64().unwrap() + 2
        );
        assert_eq!(
            ei["cell"]["applicable"],
            demo_ei["cell"]["applicable"].as_i64().unwrap() + 3
        );
        assert_eq!(ei["label"], "State oversight");
        assert_eq!(ei["blended"], false);
        assert_eq!(ei["by_performer"][0]["key"], "authority");
        assert_eq!(
            sky.api("GET", &format!("/oversight/ei?party_id={npt}"), None)
                .json()["items"],
            0
        );
        // Performers are added up only when asked, and then the answer says so.
        let unasked = inspector.api(
            "GET",
            "/oversight/ei?performer=authority,self_evaluation",
            None,
        );
        assert_eq!(unasked.status, 422, "{}", unasked.body);
        assert!(unasked.body.contains("blend"), "{}", unasked.body);
        assert_eq!(
            inspector
                .api("GET", "/oversight/ei?performer=auditor", None)
                .status,
            422
        );
        let blended = inspector
            .api(
                "GET",
                "/oversight/ei?performer=authority,self_evaluation&blend=true",
                None,
            )
            .json();
        assert_eq!(
            blended["label"],
            "Blended: State oversight + Self-evaluation"
        );
        assert_eq!(blended["blended"], true);
        let list = sm
            .api("GET", "/oversight/findings?status=closed", None)
            .json();
        assert_eq!(
            list["total"], 2,
            "this one and the demo's closed observation"
        );
        assert_eq!(
            sm.api("GET", "/oversight/findings?level=grave", None)
                .status,
            422
        );
    }
}

#[test]
fn findings_and_plans_in_the_pages() {
    let app = spawn(sems_storage::Engine::Sqlite, Default::default());
    let npt = party(&app, "NPT").to_string();
    let mut inspector = app.signed_in("inspector");
    let list = inspector.get("/oversight/activities");
    assert!(list.body.contains("Plan an activity"));
    let proposed = inspector.get(&format!("/oversight/activities?party={npt}"));
    assert!(
        proposed.body.contains("no full audit on record"),
        "{}",
        proposed.body
    );
    let api = inspector
        .api("GET", &format!("/oversight/proposals/{npt}"), None)
        .json();
    assert_eq!(api[0]["kind"], "audit_full");
    assert_eq!(
        app.signed_in("sky.security")
            .api("GET", &format!("/oversight/proposals/{npt}"), None)
            .status,
        404
    );
    let planned = inspector.form(
        "/oversight/activities",
        &[
            ("overseen_party_id", npt.as_str()),
            ("kind", "inspection"),
            ("title", "Perimeter inspection"),
            ("planned_on", &in_a_week()),
            ("announced", "yes"),
            ("scope", "NASP-01"),
        ],
        true,
    );
    assert_eq!(planned.status, 303, "{}", planned.body);
    let location = planned.header("location").unwrap().to_string();
    let id: i64 = location
        .trim_start_matches("/oversight/activities/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let page = inspector.get(&format!("/oversight/activities/{id}"));
    assert!(page.body.contains("NASP-01.04"));
    assert!(page.body.contains("data-autosave"));
    let items: Vec<i64> = (0..4)
        .map(|i| {
            app.sql_count(&format!(
                "SELECT id FROM checklist_items WHERE activity_id = {id} ORDER BY position LIMIT 1 OFFSET {i}"
            ))
        })
        .collect();
    let mut fields: Vec<(String, String)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        fields.push(("item".into(), item.to_string()));
        fields.push((
            format!("answer_{item}"),
            if i == 3 {
                "not_compliant".into()
            } else {
                "compliant".into()
            },
        ));
        fields.push((format!("notes_{item}"), format!("Checked item {i}")));
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = inspector.form(&format!("/oversight/activities/{id}"), &pairs, true);
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = inspector.get(&format!("/oversight/activities/{id}"));
    assert!(page.body.contains("75.0 %"), "EI of the answered items");
    assert!(page.body.contains("Raise a finding on NASP-01.04"));
    // Evidence on an item: a photo is kept, a program refused.
    let boundary = "----semsEvidenceBoundary";
    let body = |name: &str, bytes: &[u8]| {
        let mut b = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        b.extend_from_slice(bytes);
        b.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        b
    };
    let csrf = inspector.csrf.clone().unwrap();
    let ct = format!("multipart/form-data; boundary={boundary}");
    let photo = [&[0xFFu8, 0xD8, 0xFF, 0xE0][..], b"fence photo"].concat();
    let upload = format!(
        "/oversight/activities/{id}/items/{}/evidence?csrf_token={csrf}",
        items[3]
    );
    let kept = inspector.post_raw(&upload, &ct, &[], &body("fence.jpg", &photo));
    assert_eq!(kept.status, 303, "{}", kept.body);
    let refused = inspector.post_raw(&upload, &ct, &[], &body("tool.exe", b"MZ\x90\x00binary"));
    assert_eq!(refused.status, 422);
    assert_eq!(app.sql_count("SELECT COUNT(*) FROM item_evidence"), 1);
    let evidence = app.sql_count("SELECT MAX(id) FROM item_evidence");
    let file = app
        .signed_in("npt.security")
        .get(&format!("/oversight/activities/{id}/evidence/{evidence}"));
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), Some("image/jpeg"));
    assert_eq!(
        app.signed_in("sky.security")
            .get(&format!("/oversight/activities/{id}/evidence/{evidence}"))
            .status,
        404
    );
    let item = items[3].to_string();
    let raised = inspector.form(
        &format!("/oversight/activities/{id}/findings"),
        &[
            ("item_id", item.as_str()),
            ("level", "level_1"),
            ("description", "A hole in the north fence"),
        ],
        true,
    );
    assert_eq!(raised.status, 303, "{}", raised.body);
    let finding = app.sql_count("SELECT MAX(id) FROM findings");
    let mut sm = app.signed_in("npt.security");
    let page = sm.get(&format!("/oversight/findings/{finding}"));
    assert!(page.body.contains("Submit the corrective action plan"));
    let refused = sm.form(
        &format!("/oversight/findings/{finding}/cap"),
        &[
            ("root_cause", "Storm damage"),
            ("actions", "Repair"),
            ("due_on", &in_a_week()),
        ],
        true,
    );
    assert_eq!(refused.status, 422, "a level 1 needs compensatory measures");
    let submitted = sm.form(
        &format!("/oversight/findings/{finding}/cap"),
        &[
            ("root_cause", "Storm damage"),
            ("actions", "Repair the fence"),
            ("due_on", &in_a_week()),
            ("compensatory_measures", "A patrol every hour"),
        ],
        true,
    );
    assert_eq!(submitted.status, 303);
    assert!(!sm
        .get(&format!("/oversight/findings/{finding}"))
        .body
        .contains("Review the plan"));
    assert!(inspector
        .get(&format!("/oversight/findings/{finding}"))
        .body
        .contains("Review the plan"));
    let findings = sm.get("/oversight/findings");
    assert!(findings.body.contains("A hole in the north fence"));
    let csv = sm.get("/oversight/findings.csv");
    assert!(csv.body.contains("NASP-01.04"));
    let completed = inspector.form(&format!("/oversight/activities/{id}/complete"), &[], true);
    assert_eq!(completed.status, 303);
    let issued = inspector.form(
        &format!("/oversight/activities/{id}/report"),
        &[("summary", "The perimeter needs repair at the north fence")],
        true,
    );
    assert_eq!(issued.status, 303, "{}", issued.body);
    let printable = inspector.get(issued.header("location").unwrap());
    assert!(printable.body.contains("Report version 1"));
    assert!(printable.body.contains("A hole in the north fence"));
    assert!(
        sm.get(&format!("/oversight/activities/{id}/reports/1"))
            .status
            == 200
    );
    // Overdue plans escalate once to the accountable executive and to the overseer.
    app.sql(&format!(
        "UPDATE findings SET due_on = '2020-01-01', cap_due_on = NULL, status = 'open' WHERE id = {finding}"
    ));
    assert_eq!(
        app.block(app.services.oversight().escalate_overdue_findings())
            .unwrap(),
        1
    );
    assert_eq!(
        app.block(app.services.oversight().escalate_overdue_findings())
            .unwrap(),
        0,
        "once"
    );
    let executive = app.signed_in("npt.executive").get("/");
    assert!(
        executive
            .body
            .contains("Overdue: the level 1 finding on NASP-01.04"),
        "{}",
        executive.body
    );
    assert!(inspector
        .get("/")
        .body
        .contains("Overdue: the level 1 finding"));
    assert!(sm
        .get("/oversight/findings?overdue=yes")
        .body
        .contains("A hole in the north fence"));
    let ei = inspector.get("/oversight/ei");
    assert_eq!(ei.status, 200);
    assert!(ei.body.contains("75.0 %"));
    assert!(ei.body.contains("<svg class=\"ei-bars\""));
    assert!(ei
        .body
        .contains("Effective implementation: State oversight"));
    assert!(ei.body.contains("All performers, blended") || !ei.body.contains("Self-evaluation:"));
    let unasked = inspector.get("/oversight/ei?performer=authority,client");
    assert_eq!(unasked.status, 422, "{}", unasked.body);
    let blended = inspector.get("/oversight/ei?performer=authority,client&blend=yes");
    assert_eq!(blended.status, 200);
    assert!(blended.body.contains("as you asked"), "{}", blended.body);
    assert!(
        app.signed_in("sky.security")
            .get(&format!("/oversight/activities/{id}"))
            .status
            == 404
    );
}

#[test]
fn an_organisation_names_a_contractor_and_plans_its_audit() {
    let app = spawn(sems_storage::Engine::Sqlite, Default::default());
    let mut sm = app.signed_in("npt.security");
    let page = sm.get("/oversight/activities");
    assert!(page.body.contains("Name a contractor you oversee"));
    assert_eq!(
        sm.form("/oversight/contractors", &[("code", "NOPE")], true)
            .status,
        422
    );
    assert_eq!(
        sm.form("/oversight/contractors", &[("code", "SWC")], true)
            .status,
        303
    );
    let listed = sm.api("GET", "/oversight/contractors", None).json();
    assert_eq!(listed[0]["name"], "Swift Cargo Handling");
    let swc = party(&app, "SWC");
    let planned = sm.api(
        "POST",
        "/oversight/activities",
        Some(json!({ "overseen_party_id": swc, "kind": "inspection", "title": "Handler inspection", "planned_on": in_a_week(), "scope": ["NASP-05"] })),
    );
    assert_eq!(planned.status, 201, "{}", planned.body);
    assert!(!app
        .signed_in("inspector")
        .get("/oversight/activities")
        .body
        .contains("Name a contractor"));
}

/// The demo person `username`, as an actor of the services.
fn actor(app: &super::support::App, username: &str) -> sems_services::Actor {
    let store = app.services.store.clone();
    let username = username.to_string();
    app.block(async move {
        let mut conn = store.read().await.unwrap();
        let p = sems_storage::people::by_username(&mut conn, &username)
            .await
            .unwrap()
            .unwrap();
        sems_services::Actor::Person(
            sems_storage::people::subject(&mut conn, p.id)
                .await
                .unwrap()
                .unwrap(),
        )
    })
}

#[test]
fn a_client_that_raised_a_finding_on_its_contractor_sees_the_review_form() {
    use sems_services::oversight::activities::{AnswerInput, PlanInput};
    use sems_services::oversight::findings::{CapInput, RaiseInput};
    for app in apps() {
        let sm = actor(&app, "npt.security");
        let auditor = actor(&app, "npt.auditor");
        let contractor = actor(&app, "swc.security");
        let swc = contractor.party_id().unwrap();
        let s = app.services.clone();
        let due =
            sems_domain::util::format_date(sems_domain::util::today() + time::Duration::days(30));
        let finding = app.block(async {
            s.oversight().add_contractor(&sm, swc).await.unwrap();
            let activity = s
                .oversight()
                .plan_activity(
                    &sm,
                    &PlanInput {
                        overseen_party_id: swc,
                        kind: "audit_partial".into(),
                        title: "Cargo screening at our handler".into(),
                        planned_on: due.clone(),
                        announced: true,
                        team: vec![auditor.person_id().unwrap()],
                        scope: vec!["NASP-05".into()],
                        catalogue_id: None,
                    },
                )
                .await
                .unwrap();
            let item = s
                .oversight()
                .activity(&sm, activity.id)
                .await
                .unwrap()
                .items[0]
                .id;
            s.oversight()
                .answer_checklist(
                    &sm,
                    activity.id,
                    &[AnswerInput {
                        item_id: item,
                        answer: "not_compliant".into(),
                        ..Default::default()
                    }],
                )
                .await
                .unwrap();
            let f = s
                .oversight()
                .raise_finding(
                    &sm,
                    activity.id,
                    &RaiseInput {
                        item_id: item,
                        level: "level_2".into(),
                        description: "Consignments left unattended".into(),
                    },
                )
                .await
                .unwrap();
            s.oversight()
                .submit_cap(
                    &contractor,
                    f.id,
                    &CapInput {
                        root_cause: "No guard at night".into(),
                        actions: "A guard at night".into(),
                        owner_person_id: None,
                        due_on: due.clone(),
                        compensatory_measures: String::new(),
                    },
                )
                .await
                .unwrap();
            f
        });
        let page = format!("/oversight/findings/{}", finding.id);
        let as_client = app.signed_in("npt.auditor").get(&page);
        assert_eq!(as_client.status, 200);
        assert!(
            as_client.body.contains("Return with comments"),
            "{:?}: the client that raised it reviews the plan",
            app.engine
        );
        let as_contractor = app.signed_in("swc.security").get(&page);
        assert!(!as_contractor.body.contains("Return with comments"));
    }
}

#[test]
fn catalogues_and_the_oversight_method_in_the_api_and_the_pages() {
    for app in apps() {
        let caa = app.sql_count("SELECT id FROM parties WHERE kind = 'authority'");
        let sky = party(&app, "SKY");
        let mut policy = app.signed_in("policy");
        let mut inspector = app.signed_in("inspector");
        // A sector catalogue on the IOSA scale, imported whole.
        let opened = policy.api(
            "POST",
            &format!("/parties/{caa}/catalogues"),
            Some(
                json!({ "code": "IOSA-SEC", "title": "IOSA security standards",
                "sector": "air_carrier", "scale": "iosa" }),
            ),
        );
        assert_eq!(opened.status, 201, "{}", opened.body);
        let catalogue = opened.json()["id"].as_i64().unwrap();
        assert_eq!(
            inspector
                .api(
                    "POST",
                    &format!("/parties/{caa}/catalogues"),
                    Some(json!({ "code": "MINE", "title": "Mine" })),
                )
                .status,
            403
        );
        let csv = "code,parent,level,title,text\nSEC,,programme,IOSA Security,\nSEC-1,SEC,chapter,Management,\nSEC-1.1.1,SEC-1,requirement,Commitment,\n";
        let imported = policy.api_raw(
            "POST",
            &format!("/parties/{caa}/requirements/import?catalogue=IOSA-SEC&note=First"),
            "text/csv",
            csv.as_bytes(),
        );
        assert_eq!(imported.status, 201, "{}", imported.body);
        let listed = inspector.api("GET", "/oversight/catalogues", None).json();
        let codes: Vec<&str> = listed
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["code"].as_str())
            .collect();
        assert_eq!(codes, ["IOSA-SEC", "NASP"]);
        // An audit of the carrier on it: an answer outside the IOSA scale is refused.
        let planned = inspector.api(
            "POST",
            "/oversight/activities",
            Some(
                json!({ "overseen_party_id": sky, "kind": "audit_full", "title": "IOSA audit",
                "planned_on": in_a_week(), "catalogue_id": catalogue }),
            ),
        );
        assert_eq!(planned.status, 201, "{}", planned.body);
        assert_eq!(planned.json()["scale"], "iosa");
        let id = planned.json()["id"].as_i64().unwrap();
        let item = app.sql_count(&format!(
            "SELECT id FROM checklist_items WHERE activity_id = {id}"
        ));
        let outside = inspector.api(
            "POST",
            &format!("/oversight/activities/{id}/answers"),
            Some(json!([{ "item_id": item, "answer": "compliant" }])),
        );
        assert_eq!(outside.status, 422, "{}", outside.body);
        assert!(
            outside.body.contains("documented_implemented"),
            "{}",
            outside.body
        );
        let page = inspector.get(&format!("/oversight/activities/{id}"));
        assert!(
            page.body.contains("Documented, not implemented"),
            "the scale's answers"
        );
        let npt = party(&app, "NPT");
        let not_for_airports = inspector.api(
            "POST",
            "/oversight/activities",
            Some(
                json!({ "overseen_party_id": npt, "kind": "audit_full", "title": "IOSA audit",
                "planned_on": in_a_week(), "catalogue_id": catalogue }),
            ),
        );
        assert_eq!(not_for_airports.status, 422, "{}", not_for_airports.body);

        // The method: read by everyone who audits, published by the policy officer only.
        let method = inspector.api("GET", "/oversight/method", None).json();
        assert_eq!(method["may_publish"], false);
        assert_eq!(method["method"]["plan_deadlines"]["level_2_days"], 30);
        let mut next = method["method"].clone();
        next["plan_deadlines"]["level_2_days"] = json!(21);
        assert_eq!(
            inspector
                .api("POST", "/oversight/method", Some(json!({ "method": next })))
                .status,
            403
        );
        let mut broken = next.clone();
        broken["ei_thresholds"]["low_percent"] = json!(95.0);
        assert_eq!(
            policy
                .api(
                    "POST",
                    "/oversight/method",
                    Some(json!({ "method": broken }))
                )
                .status,
            422
        );
        let published = policy.api(
            "POST",
            "/oversight/method",
            Some(json!({ "method": next, "note": "Three weeks" })),
        );
        assert_eq!(published.status, 201, "{}", published.body);
        let version = published.json()["version"].as_i64().unwrap();
        assert_eq!(
            inspector
                .api("GET", "/oversight/method/versions", None)
                .json()[0]["version"],
            version
        );

        // The page shows it; the policy officer's form publishes, a bad line is refused.
        let shown = inspector.get("/oversight/method");
        assert_eq!(shown.status, 200);
        assert!(shown.body.contains("IOSA audit scale"));
        assert!(shown.body.contains("level 2: 21 days"));
        assert!(!shown.body.contains("Publish the next version"));
        let form_page = policy.get("/oversight/method");
        assert!(form_page.body.contains("Publish the next version"));
        let national = "compliant | Compliant | compliant\nnot_compliant | Not compliant | not compliant\nnot_applicable | Not applicable | not applicable";
        let iosa = "documented_implemented | Documented and implemented | compliant\ndocumented_not_implemented | Documented, not implemented | not compliant\nnot_applicable | Not applicable | not applicable";
        let fields = |answers: &'static str| {
            vec![
                ("scale_code", "national"),
                ("scale_title", "National compliance scale"),
                ("scale_answers", answers),
                ("scale_code", "iosa"),
                ("scale_title", "IOSA audit scale"),
                ("scale_answers", iosa),
                (
                    "kinds",
                    "audit_full | Audit (full) | full audit\ninspection | Inspection\ntest_covert | Test (covert) | test, covert\nexercise_tabletop | Exercise (tabletop) | exercise",
                ),
                ("level_1_days", "7"),
                ("level_2_days", "21"),
                ("observation_days", "60"),
                ("ei_low", "75"),
                ("ei_high", "90"),
                ("inspection_months", "12"),
                ("full_audit_months", "48"),
                ("note", "Observations in 60 days"),
            ]
        };
        let refused = policy.form("/oversight/method", &fields("compliant | Compliant"), true);
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.body.contains("line 1"), "{}", refused.body);
        let done = policy.form("/oversight/method", &fields(national), true);
        assert_eq!(done.status, 303, "{}", done.body);
        let after = policy.get("/oversight/method").body;
        assert!(after.contains("observation: 60 days"));
        assert!(after.contains("Exercise (tabletop)"));
        // An exercise may be planned now, a kind no longer in the method may not.
        let kinds = inspector.get("/oversight/activities").body;
        assert!(kinds.contains("value=\"exercise_tabletop\""), "{kinds}");
        assert!(!kinds.contains("value=\"survey\""));
        // The requirements page moves between catalogues and shows the scale.
        let req = inspector.get(&format!("/oversight/requirements?party={caa}:IOSA-SEC"));
        assert_eq!(req.status, 200);
        assert!(req.body.contains("IOSA security standards"), "{}", req.body);
        assert!(req.body.contains("answered on the iosa scale"));
        let opened = policy.form(
            "/oversight/catalogues",
            &[
                ("party_id", &caa.to_string()),
                ("code", "CAP1223"),
                ("title", "CAP 1223 SeMS elements"),
                ("sector", ""),
                ("scale", "national"),
            ],
            true,
        );
        assert_eq!(opened.status, 303, "{}", opened.body);
    }
}
