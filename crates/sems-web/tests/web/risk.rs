//! Threat and risk management over HTTP: the method, threat levels, the scenario library.

use super::support::{apps, PASSWORD};
use serde_json::json;

#[test]
fn the_library_method_and_threat_levels_through_the_api() {
    for app in apps() {
        let mut analyst = app.signed_in("npt.analyst");
        let library = analyst
            .api("GET", "/risk/scenarios?per_page=100", None)
            .json();
        assert_eq!(library["total"], 16, "{:?}", app.engine);
        assert!(library["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["code"] == "NAT-01" && s["published"] == true));
        let explosives = analyst
            .api("GET", "/risk/scenarios?category=explosives", None)
            .json();
        assert!(explosives["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["category"] == "explosives"));
        assert_eq!(
            analyst
                .api("GET", "/risk/scenarios?category=piracy", None)
                .status,
            422
        );
        let method = analyst.api("GET", "/risk/method", None).json();
        assert_eq!(method["version"], 1);
        assert_eq!(method["method"]["bands"][4]["up_to"], 125);
        let mut staff = app.signed_in("npt.staff");
        assert_eq!(staff.api("GET", "/risk/scenarios", None).json()["total"], 0);
        assert_eq!(staff.api("GET", "/risk/method", None).status, 404);

        // Publishing a version: the authority's policy officer, a valid method, nothing else.
        let mut new_method = method["method"].clone();
        new_method["bands"][1]["up_to"] = json!(30);
        let mut sm = app.signed_in("npt.security");
        let refused = sm.api(
            "POST",
            "/risk/methods",
            Some(json!({"method": new_method, "note": "ours"})),
        );
        assert!(
            refused.status == 403 || refused.status == 404,
            "{}",
            refused.body
        );
        let mut policy = app.signed_in("policy");
        let mut broken = new_method.clone();
        broken["bands"][4]["up_to"] = json!(99);
        let invalid = policy.api("POST", "/risk/methods", Some(json!({"method": broken})));
        assert_eq!(invalid.status, 422, "{}", invalid.body);
        let published = policy.api(
            "POST",
            "/risk/methods",
            Some(json!({"method": new_method, "note": "Wider low band"})),
        );
        assert_eq!(published.status, 201, "{}", published.body);
        assert_eq!(
            analyst.api("GET", "/risk/method", None).json()["version"],
            2
        );
        assert_eq!(
            analyst.api("GET", "/risk/method?version=1", None).json()["method"]["bands"][1]
                ["up_to"],
            24
        );
        assert_eq!(
            analyst
                .api("GET", "/risk/methods", None)
                .json()
                .as_array()
                .unwrap()
                .len(),
            2
        );

        // National threat levels.
        let mut intel = app.signed_in("intel");
        assert_eq!(
            intel
                .api(
                    "PUT",
                    "/risk/threat-levels/stand_off",
                    Some(json!({"level": 4, "rationale": "More drone sightings"}))
                )
                .status,
            204
        );
        assert_eq!(
            intel
                .api(
                    "PUT",
                    "/risk/threat-levels/stand_off",
                    Some(json!({"level": 9, "rationale": "x"}))
                )
                .status,
            422
        );
        assert_eq!(
            intel
                .api(
                    "PUT",
                    "/risk/threat-levels/piracy",
                    Some(json!({"level": 2, "rationale": "x"}))
                )
                .status,
            422
        );
        let denied = sm.api(
            "PUT",
            "/risk/threat-levels/stand_off",
            Some(json!({"level": 1, "rationale": "lower"})),
        );
        assert!(denied.status == 403 || denied.status == 404);
        let levels = analyst.api("GET", "/risk/threat-levels", None).json();
        let stand_off = levels
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["category"] == "stand_off")
            .unwrap()
            .clone();
        assert_eq!(stand_off["level"], 4);

        // Own scenarios: in one's own party only.
        let npt = sm.api("GET", "/me", None).json()["person"]["party_id"]
            .as_i64()
            .unwrap();
        let sky = app.sql_count("SELECT id FROM parties WHERE code = 'SKY'");
        let body = json!({"code": "npt-9", "category": "unauthorised_access", "title": "Fence breach at the cargo gate",
            "target": "Cargo apron", "means": "Cutting the perimeter fence", "perpetrator": "external",
            "description": "A person cuts the fence near the cargo gate at night."});
        assert_eq!(
            sm.api(
                "POST",
                &format!("/parties/{sky}/scenarios"),
                Some(body.clone())
            )
            .status,
            404
        );
        let mut with_extra = body.clone();
        with_extra["colour"] = json!("red");
        assert_eq!(
            sm.api(
                "POST",
                &format!("/parties/{npt}/scenarios"),
                Some(with_extra)
            )
            .status,
            422
        );
        let made = sm.api(
            "POST",
            &format!("/parties/{npt}/scenarios"),
            Some(body.clone()),
        );
        assert_eq!(made.status, 201, "{}", made.body);
        assert_eq!(
            sm.api("POST", &format!("/parties/{npt}/scenarios"), Some(body))
                .status,
            409
        );
        let id = made.json()["id"].as_i64().unwrap();
        let mut other = app.signed_in("sky.security");
        assert_eq!(
            other
                .api("GET", &format!("/risk/scenarios/{id}"), None)
                .status,
            404
        );
        assert_eq!(
            analyst
                .api("GET", &format!("/risk/scenarios/{id}"), None)
                .status,
            200
        );
    }
}

#[test]
fn risk_pages() {
    let app = super::support::spawn(sems_storage::Engine::Sqlite, Default::default());
    let mut c = app.client();
    let r = c.form(
        "/sign-in",
        &[
            ("username", "npt.security"),
            ("password", PASSWORD),
            ("next", "/risk/scenarios"),
        ],
        false,
    );
    assert_eq!(r.header("location"), Some("/risk/scenarios"));
    c.csrf = c.api("GET", "/me", None).json()["csrf_token"]
        .as_str()
        .map(str::to_string);
    let page = c.get("/risk/scenarios");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("IED in hold baggage") && page.body.contains("href=\"/risk/scenarios\"")
    );
    let bad = c.form(
        "/risk/scenarios",
        &[
            ("code", "X"),
            ("category", "explosives"),
            ("title", "Short"),
            ("target", "T1"),
            ("means", "M1"),
            ("perpetrator", "insider"),
            ("description", "too short"),
        ],
        true,
    );
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("value=\"Short\""),
        "the form keeps what was typed"
    );
    let made = c.form(
        "/risk/scenarios",
        &[
            ("code", "NPT-2"),
            ("category", "explosives"),
            ("title", "Device left in a washroom"),
            ("target", "Terminal 1 airside"),
            ("means", "Device hidden after screening"),
            ("perpetrator", "insider"),
            (
                "description",
                "A device is left airside for a passenger to collect.",
            ),
            ("classification", "1"),
        ],
        true,
    );
    assert_eq!(made.status, 303, "{}", made.body);
    let shown = c.get(made.header("location").unwrap());
    assert!(shown.body.contains("Device left in a washroom") && shown.body.contains("RESTRICTED"));
    let method = c.get("/risk/method");
    assert!(method.body.contains("81–125") && method.body.contains("Intolerable"));
    let levels = c.get("/risk/threat-levels");
    assert!(
        levels.body.contains("Improvised explosive devices")
            && !levels.body.contains("name=\"rationale\""),
        "no form for a security manager"
    );

    let mut intel = app.client();
    intel.form(
        "/sign-in",
        &[("username", "intel"), ("password", PASSWORD), ("next", "/")],
        false,
    );
    intel.csrf = intel.api("GET", "/me", None).json()["csrf_token"]
        .as_str()
        .map(str::to_string);
    let set = intel.form(
        "/risk/threat-levels/hijack",
        &[("level", "2"), ("rationale", "No current intelligence")],
        true,
    );
    assert_eq!(set.status, 303);
    assert!(intel
        .get("/risk/threat-levels")
        .body
        .contains("No current intelligence"));
}

fn assessment_body(scenario_id: i64) -> serde_json::Value {
    json!({
        "scenario_id": scenario_id,
        "likelihood": 4, "likelihood_rationale": "Recent attempts in the region",
        "likelihood_override_reason": "Recent attempts justify more than the national level",
        "consequence_human": 5, "consequence_economic": 4, "consequence_political": 5,
        "consequence_rationale": "Loss of an aircraft",
        "vulnerability": 2, "vulnerability_rationale": "Screening tests pass",
        "evidence": ["QC report 2026-14"]
    })
}

#[test]
fn assessments_through_the_api() {
    for app in apps() {
        let mut sm = app.signed_in("npt.security");
        let npt = sm.api("GET", "/me", None).json()["person"]["party_id"]
            .as_i64()
            .unwrap();
        let nat01 = sm.api("GET", "/risk/scenarios?q=NAT-01", None).json()["items"][0]["id"]
            .as_i64()
            .unwrap();
        // The demo's high residual risks at the airport, before this test adds one.
        let high_before = sm
            .api("GET", "/risk/assessments?residual_level=high", None)
            .json()["total"]
            .as_i64()
            .unwrap();
        let mut body = assessment_body(nat01);
        body["likelihood"] = json!(0);
        assert_eq!(
            sm.api("POST", &format!("/parties/{npt}/assessments"), Some(body))
                .status,
            422
        );
        let mut body = assessment_body(nat01);
        body["likelihood_rationale"] = json!("");
        let missing = sm.api("POST", &format!("/parties/{npt}/assessments"), Some(body));
        assert_eq!(missing.status, 422);
        assert_eq!(missing.json()["errors"][0]["field"], "likelihood_rationale");
        let made = sm.api(
            "POST",
            &format!("/parties/{npt}/assessments"),
            Some(assessment_body(nat01)),
        );
        assert_eq!(made.status, 201, "{}", made.body);
        let a = made.json();
        assert_eq!(a["residual_level"], "medium");
        assert_eq!(a["inherent_level"], "very_high");
        let id = a["id"].as_i64().unwrap();

        let no_reason = sm.api(
            "PATCH",
            &format!("/risk/assessments/{id}"),
            Some(assessment_body(nat01)),
        );
        assert_eq!(no_reason.status, 422);
        let mut change = assessment_body(nat01);
        change["vulnerability"] = json!(4);
        change["reason"] = json!("Covert test failures");
        let changed = sm.api("PATCH", &format!("/risk/assessments/{id}"), Some(change));
        assert_eq!(changed.json()["residual_level"], "high");
        let history = sm
            .api("GET", &format!("/risk/assessments/{id}/history"), None)
            .json();
        assert_eq!(history.as_array().unwrap().len(), 2);
        assert_eq!(history[0]["reason"], "Covert test failures");

        let register = sm
            .api("GET", "/risk/assessments?residual_level=high", None)
            .json();
        assert_eq!(register["total"], high_before + 1);
        assert_eq!(
            sm.api("GET", "/risk/assessments?residual_level=extreme", None)
                .status,
            422
        );
        let mut sky = app.signed_in("sky.security");
        assert_eq!(
            sky.api("GET", &format!("/risk/assessments/{id}"), None)
                .status,
            404
        );
        assert_eq!(
            sky.api(
                "PATCH",
                &format!("/risk/assessments/{id}"),
                Some(assessment_body(nat01))
            )
            .status,
            404
        );
        assert_eq!(sky.api("GET", "/risk/assessments", None).json()["total"], 0);
        let mut inspector = app.signed_in("inspector");
        // The inspector sees this one besides the demo's regulated agent's three.
        assert_eq!(
            inspector.api("GET", "/risk/assessments", None).json()["total"],
            app.sql_count("SELECT COUNT(*) FROM risk_assessments")
        );
        assert_eq!(
            inspector
                .api("GET", &format!("/risk/assessments?party_id={npt}"), None)
                .json()["total"],
            4,
            "this one and the demo's three at the airport"
        );
    }
}

#[test]
fn a_security_manager_assesses_a_scenario_in_the_ui() {
    let app = super::support::spawn(sems_storage::Engine::Sqlite, Default::default());
    let mut c = app.client();
    c.form(
        "/sign-in",
        &[
            ("username", "npt.security"),
            ("password", PASSWORD),
            ("next", "/"),
        ],
        false,
    );
    c.csrf = c.api("GET", "/me", None).json()["csrf_token"]
        .as_str()
        .map(str::to_string);
    let nat05 = app.sql_count("SELECT id FROM threat_scenarios WHERE code = 'NAT-05'");
    let page = c.get(&format!("/risk/scenarios/{nat05}"));
    assert!(page.body.contains("Assess this scenario"));
    let fields = [
        ("likelihood", "3"),
        ("likelihood_rationale", "Fence intrusions reported nearby"),
        ("consequence_human", "3"),
        ("consequence_economic", "3"),
        ("consequence_political", "4"),
        (
            "consequence_rationale",
            "Operations suspended while the area is searched",
        ),
        ("vulnerability", "3"),
        (
            "vulnerability_rationale",
            "Patrols but no detection on the south fence",
        ),
        ("evidence", "Patrol log 2026-11"),
    ];
    let missing: Vec<(&str, &str)> = fields
        .iter()
        .copied()
        .filter(|(k, _)| *k != "vulnerability_rationale")
        .collect();
    // A score no picker can send is refused by the typed form before any service runs.
    let before = app.sql_count("SELECT COUNT(*) FROM risk_assessments");
    let letters: Vec<(&str, &str)> = fields
        .iter()
        .map(|&(k, v)| {
            if k == "likelihood" {
                (k, "high")
            } else {
                (k, v)
            }
        })
        .collect();
    let junk = c.form(&format!("/risk/scenarios/{nat05}/assess"), &letters, true);
    assert_eq!(junk.status, 400, "{}", junk.body);
    assert!(
        junk.body
            .contains("The form holds a value this page does not accept"),
        "{}",
        junk.body
    );
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM risk_assessments"),
        before
    );
    let refused = c.form(&format!("/risk/scenarios/{nat05}/assess"), &missing, true);
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("rationale"));
    // Refused, the form comes back as it was typed, with the message next to its field.
    assert!(refused
        .body
        .contains(">Fence intrusions reported nearby</textarea>"));
    assert!(refused
        .body
        .contains(">Operations suspended while the area is searched</textarea>"));
    assert!(refused.body.contains(">Patrol log 2026-11</textarea>"));
    assert!(refused
        .body
        .contains(r#"<option value="4" selected>4</option>"#));
    assert!(refused
        .body
        .contains(r#"id="vulnerability_rationale-error""#));
    assert!(refused.body.contains("One answer needs attention"));
    assert!(
        !refused.body.contains("vulnerability_rationale:"),
        "no internal field name"
    );
    // Every refusal at once: two rationales and a score missing give three messages.
    let several: Vec<(&str, &str)> = fields
        .iter()
        .copied()
        .filter(|(k, _)| {
            !matches!(
                *k,
                "vulnerability_rationale" | "likelihood_rationale" | "consequence_human"
            )
        })
        .collect();
    let refused = c.form(&format!("/risk/scenarios/{nat05}/assess"), &several, true);
    assert_eq!(refused.status, 422);
    for field in [
        "likelihood_rationale",
        "vulnerability_rationale",
        "consequence_human",
    ] {
        assert!(
            refused.body.contains(&format!(r#"id="{field}-error""#)),
            "{field}"
        );
    }
    assert!(refused.body.contains("3 answers need attention"));
    assert!(refused
        .body
        .contains(">Operations suspended while the area is searched</textarea>"));
    let made = c.form(&format!("/risk/scenarios/{nat05}/assess"), &fields, true);
    assert_eq!(made.status, 303, "{}", made.body);
    let shown = c.get(made.header("location").unwrap());
    // Residual 3 × 4 × 3 = 36 (medium); inherent 3 × 4 × 5 = 60 (high).
    assert!(
        shown
            .body
            .contains("<p class=\"figure\"><span class=\"tag level-medium\">Medium</span></p>"),
        "residual medium, coloured"
    );
    assert!(
        shown
            .body
            .contains("<p class=\"figure\"><span class=\"tag level-high\">High</span></p>"),
        "inherent high"
    );
    assert!(shown.body.contains("Patrol log 2026-11"));
    // A change refused for its missing reason keeps what was typed, not the stored values.
    let path = made
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let mut change: Vec<(&str, &str)> = fields.to_vec();
    for f in change.iter_mut() {
        if f.0 == "likelihood_rationale" {
            f.1 = "A second intrusion this week";
        }
        if f.0 == "likelihood" {
            f.1 = "5";
        }
    }
    let refused = c.form(&path, &change, true);
    assert_eq!(refused.status, 422);
    assert!(refused
        .body
        .contains(">A second intrusion this week</textarea>"));
    assert!(refused
        .body
        .contains(r#"<option value="5" selected>5</option>"#));
    assert!(refused.body.contains(r#"id="reason-error""#));
    let register = c.get("/risk/register");
    assert!(register.body.contains("NAT-05 Unauthorised access airside"));
    // On the heat maps: inherent at likelihood 3 × consequence 4; residual at the likelihood of
    // success ⌈3 × 3 / 5⌉ = 2.
    // (The demo's airport assessments are at consequence 5: this one is alone at 4.)
    let map = c.get("/risk/heat-map");
    assert_eq!(map.status, 200);
    let (inherent, residual) = map.body.split_once("<h2>Residual risk</h2>").unwrap();
    assert!(inherent.contains("data-likelihood=\"3\" data-consequence=\"4\" data-count=\"1\""));
    assert!(residual.contains("data-likelihood=\"2\" data-consequence=\"4\" data-count=\"1\""));
    let json = c.api("GET", "/risk/heat-map", None).json();
    assert_eq!(json["assessments"], 4, "the demo's three and this one");
    assert_eq!(json["inherent"]["counts"][2][3], 1);

    // The accountable executive accepts the medium residual risk; the security manager cannot.
    let assessment = made
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let refused = c.form(
        &format!("{assessment}/accept"),
        &[("expires_on", "2027-06-30")],
        true,
    );
    assert_eq!(refused.status, 403);
    let mut exec = app.client();
    exec.form(
        "/sign-in",
        &[
            ("username", "npt.executive"),
            ("password", PASSWORD),
            ("next", "/"),
        ],
        false,
    );
    exec.csrf = exec.api("GET", "/me", None).json()["csrf_token"]
        .as_str()
        .map(str::to_string);
    let page = exec.get(&assessment);
    assert!(page.body.contains("Accept this residual risk"));
    let expiry = sems_domain::util::format_date(sems_domain::util::add_months(
        sems_domain::util::today(),
        6,
    ));
    let accepted = exec.form(
        &format!("{assessment}/accept"),
        &[
            ("expires_on", &expiry),
            ("note", "Patrols doubled meanwhile"),
        ],
        true,
    );
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    assert!(exec
        .get(&assessment)
        .body
        .contains("Accepted by Nora Executive"));
}

#[test]
fn overdue_reviews_appear_on_the_home_page_of_those_who_own_them() {
    let app = super::support::spawn(sems_storage::Engine::Sqlite, Default::default());
    let mut sm = app.signed_in("npt.security");
    let npt = sm.api("GET", "/me", None).json()["person"]["party_id"]
        .as_i64()
        .unwrap();
    let nat01 = sm.api("GET", "/risk/scenarios?q=NAT-01", None).json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    let id = sm
        .api(
            "POST",
            &format!("/parties/{npt}/assessments"),
            Some(assessment_body(nat01)),
        )
        .json()["id"]
        .as_i64()
        .unwrap();
    let mut c = app.client();
    c.form(
        "/sign-in",
        &[
            ("username", "npt.security"),
            ("password", PASSWORD),
            ("next", "/"),
        ],
        false,
    );
    assert!(
        !c.get("/").body.contains("NAT-01 IED in hold baggage"),
        "not due yet (the demo's own reviews may be)"
    );
    let demo_due = sm
        .api("GET", "/risk/assessments?review_due_by=2026-01-01", None)
        .json()["total"]
        .as_i64()
        .unwrap();
    app.sql(&format!(
        "UPDATE risk_assessments SET next_review_on = '2020-01-01' WHERE id = {id}"
    ));
    let home = c.get("/");
    assert!(
        home.body.contains("NAT-01 IED in hold baggage") && home.body.contains("due 2020-01-01")
    );
    let due = sm
        .api("GET", "/risk/assessments?review_due_by=2026-01-01", None)
        .json();
    assert_eq!(due["total"], demo_due + 1);
    assert_eq!(
        sm.api("GET", "/risk/assessments?review_due_by=soon", None)
            .status,
        422
    );
    let csv = c.get("/risk/register.csv");
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let mut lines = csv.body.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("organisation,site,scenario_code"));
    // The register's order, highest residual first, puts it among the demo's assessments.
    assert!(csv.body.lines().any(|l| l.starts_with(
        "Northport International Airport,,NAT-01,IED in hold baggage,1,4,3,5,4,5,2,,100,very_high,40,medium,2020-01-01,false"
    )), "{}", csv.body);
    assert_eq!(lines.count(), 4, "the demo's three and this one");
    // Staff do not own risk assessments: no review list.
    let mut staff = app.client();
    staff.form(
        "/sign-in",
        &[
            ("username", "npt.staff"),
            ("password", PASSWORD),
            ("next", "/"),
        ],
        false,
    );
    assert!(!staff.get("/").body.contains("Risk reviews due"));
}

fn party_id(app: &super::support::App, code: &str) -> i64 {
    app.sql_count(&format!("SELECT id FROM parties WHERE code = '{code}'"))
}

#[test]
fn measures_evidence_actions_national_picture_and_imports_through_the_api() {
    for app in apps() {
        let npt = party_id(&app, "NPT");
        let mut sm = app.signed_in("npt.security");
        let register = sm.api("GET", &format!("/parties/{npt}/measure-register"), None);
        assert_eq!(register.status, 200, "{}", register.body);
        let lines = register.json();
        assert_eq!(lines.as_array().unwrap().len(), 12);
        let bl01 = app.sql_count("SELECT id FROM security_measures WHERE code = 'BL-01'");
        let path = format!("/parties/{npt}/measures/{bl01}");
        let body =
            |status: &str| json!({ "status": status, "cost_one_off": 1000, "cost_annual": 200 });
        assert_eq!(sm.api("PUT", &path, Some(body("implemented"))).status, 200);
        let refused = sm.api("PUT", &path, Some(body("not_applicable")));
        assert_eq!(refused.status, 409, "{}", refused.body);
        assert!(refused.body.contains("exemption"));
        assert_eq!(sm.api("DELETE", &path, None).status, 409);
        let asked = sm.api(
            "POST",
            &format!("{path}/exemption"),
            Some(json!({ "reason": "Hold baggage is screened by the carrier's own contractor" })),
        );
        assert_eq!(asked.status, 200, "{}", asked.body);
        assert_eq!(
            sm.api(
                "POST",
                &format!("{path}/exemption/decision"),
                Some(json!({ "approve": true, "note": "self-approval" }))
            )
            .status,
            403
        );
        let mut director = app.signed_in("director");
        assert_eq!(
            director.api("GET", "/risk/exemptions", None).json()[0]["measure_id"],
            bl01
        );
        let decided = director.api(
            "POST",
            &format!("{path}/exemption/decision"),
            Some(json!({ "approve": false, "note": "The operator stays responsible" })),
        );
        assert_eq!(decided.status, 200, "{}", decided.body);
        assert_eq!(decided.json()["exemption"], "refused");

        // Objective data, proposals, actions.
        let nat01 = app.sql_count("SELECT id FROM threat_scenarios WHERE code = 'NAT-01'");
        let today = sems_domain::util::format_date(sems_domain::util::today());
        let test = json!({ "scenario_id": nat01, "kind": "test", "passed": true,
            "occurred_on": today, "summary": "Test piece detected in a hold bag" });
        assert_eq!(
            sm.api("POST", &format!("/parties/{npt}/evidence"), Some(test))
                .status,
            201
        );
        let proposals = sm
            .api(
                "GET",
                &format!("/parties/{npt}/scenarios/{nat01}/proposals"),
                None,
            )
            .json();
        assert_eq!(proposals["vulnerability"]["score"], 1);
        assert_eq!(proposals["likelihood"]["score"], 3);
        let made = sm.api(
            "POST",
            &format!("/parties/{npt}/assessments"),
            Some(assessment_body(nat01)),
        );
        assert_eq!(
            made.status, 422,
            "vulnerability 2 departs from the proposed 1"
        );
        assert_eq!(
            made.json()["errors"][0]["field"],
            "vulnerability_override_reason"
        );
        let mut body = assessment_body(nat01);
        body["vulnerability_override_reason"] = json!("One test is not enough to trust");
        let made = sm.api("POST", &format!("/parties/{npt}/assessments"), Some(body));
        assert_eq!(made.status, 201, "{}", made.body);
        let id = made.json()["id"].as_i64().unwrap();
        let action = json!({ "title": "Upgrade to standard 3 screening", "due_on": "2027-03-01",
            "effect_on": "vulnerability", "expected_reduction": 1, "cost_one_off": 900000 });
        let added = sm.api(
            "POST",
            &format!("/risk/assessments/{id}/actions"),
            Some(action.clone()),
        );
        assert_eq!(added.status, 201, "{}", added.body);
        let action_id = added.json()["id"].as_i64().unwrap();
        let listed = sm
            .api("GET", &format!("/risk/assessments/{id}/actions"), None)
            .json();
        assert_eq!(listed["projection"]["vulnerability"], 1);
        let mut done = action.clone();
        done["status"] = json!("done");
        assert_eq!(
            sm.api("PUT", &format!("/risk/actions/{action_id}"), Some(done))
                .status,
            200
        );
        let mut sky = app.signed_in("sky.security");
        assert_eq!(
            sky.api("GET", &format!("/risk/assessments/{id}/actions"), None)
                .status,
            404
        );
        assert_eq!(
            sky.api("PUT", &format!("/risk/actions/{action_id}"), Some(action))
                .status,
            404
        );

        // The national picture and the register's order.
        let national = director.api("GET", "/risk/national", None);
        assert_eq!(national.status, 200);
        assert_eq!(
            national.json()["assessments"],
            app.sql_count("SELECT COUNT(*) FROM risk_assessments")
        );
        assert_eq!(sm.api("GET", "/risk/national", None).status, 404);
        assert_eq!(
            director
                .api("GET", "/risk/assessments?sort=sideways", None)
                .status,
            422
        );
        let by_scenario = director
            .api("GET", "/risk/assessments?sort=scenario&per_page=200", None)
            .json();
        let codes: Vec<String> = by_scenario["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["scenario_code"].as_str().unwrap().to_string())
            .collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted);

        // Imports: a dry run, every bad row, all or nothing.
        let csv = "code,category,title,target,means,perpetrator,description\n\
                   NPT-X1,cyber,Ransomware on baggage sorting,Baggage system,Ransomware,external,Ransomware stops the baggage sorting system\n\
                   NPT-X2,cyber,,Baggage system,Ransomware,external,A row without a title\n";
        let bad = sm.api_raw(
            "POST",
            &format!("/parties/{npt}/scenarios/import?dry_run=true"),
            "text/csv",
            csv.as_bytes(),
        );
        assert_eq!(bad.status, 422, "{}", bad.body);
        assert_eq!(bad.json()["errors"][0]["line"], 3);
        let good: String = csv.lines().take(2).collect::<Vec<_>>().join("\n");
        let dry = sm.api_raw(
            "POST",
            &format!("/parties/{npt}/scenarios/import?dry_run=true"),
            "text/csv",
            good.as_bytes(),
        );
        assert_eq!(dry.status, 200, "{}", dry.body);
        assert_eq!(
            app.sql_count("SELECT COUNT(*) FROM threat_scenarios WHERE code = 'NPT-X1'"),
            0
        );
        let done = sm.api_raw(
            "POST",
            &format!("/parties/{npt}/scenarios/import"),
            "text/csv",
            good.as_bytes(),
        );
        assert_eq!(done.status, 201, "{}", done.body);
        assert_eq!(
            app.sql_count("SELECT COUNT(*) FROM threat_scenarios WHERE code = 'NPT-X1'"),
            1
        );
    }
}

#[test]
fn the_scenario_page_tells_the_chain_and_the_risk_pages_serve_each_role() {
    let app = super::support::spawn(sems_storage::Engine::Sqlite, Default::default());
    let swc = party_id(&app, "SWC");
    let nat14 = app.sql_count("SELECT id FROM threat_scenarios WHERE code = 'NAT-14'");
    let mut sm = app.signed_in("swc.security");
    let chain = sm.get(&format!("/risk/scenarios/{nat14}"));
    assert_eq!(chain.status, 200);
    for part in [
        "1. Threat",
        "2. Measures",
        "BL-08",
        "3. Tests and occurrences",
        "Tamper-evident seal check missed",
        "Review required",
        "Projected residual risk",
        "Record a test result or an occurrence",
    ] {
        assert!(chain.body.contains(part), "{part} missing");
    }
    // The authority picks the organisation; another organisation sees only the threat.
    let mut director = app.signed_in("director");
    let overview = director.get(&format!("/risk/scenarios/{nat14}"));
    assert!(overview.body.contains("Show the chain"));
    let theirs = director.get(&format!("/risk/scenarios/{nat14}?party={swc}"));
    assert!(theirs.body.contains("Tamper-evident seal check missed"));
    let mut npt = app.signed_in("npt.security");
    let own = npt.get(&format!("/risk/scenarios/{nat14}?party={swc}"));
    assert_eq!(own.status, 200);
    assert!(
        !own.body.contains("Tamper-evident"),
        "the party parameter is the authority's"
    );

    // Recording a failed test from the chain page marks the assessment for review.
    let nat09 = app.sql_count("SELECT id FROM threat_scenarios WHERE code = 'NAT-09'");
    let before = app.sql_count(&format!(
        "SELECT review_required FROM risk_assessments WHERE owner_party_id = {swc} AND scenario_id = {nat09}"
    ));
    assert_eq!(before, 0);
    let swc_text = swc.to_string();
    let today = sems_domain::util::format_date(sems_domain::util::today());
    let recorded = sm.form(
        &format!("/risk/scenarios/{nat09}/evidence"),
        &[
            ("party_id", swc_text.as_str()),
            ("kind", "test"),
            ("outcome", "failed"),
            ("occurred_on", today.as_str()),
            ("summary", "Test piece missed in a consignment"),
        ],
        true,
    );
    assert_eq!(recorded.status, 303, "{}", recorded.body);
    assert_eq!(
        app.sql_count(&format!(
            "SELECT review_required FROM risk_assessments WHERE owner_party_id = {swc} AND scenario_id = {nat09}"
        )),
        1
    );

    // Measures: the register, a baseline measure that cannot be dropped from the page.
    let measures = sm.get("/risk/measures");
    assert!(measures.body.contains("BL-07"));
    assert!(measures.body.contains("Baseline"));
    let bl07 = app.sql_count("SELECT id FROM security_measures WHERE code = 'BL-07'");
    let page = sm.get(&format!("/risk/measures/{bl07}"));
    assert!(page.body.contains("Ask the authority for an exemption"));
    assert!(!page.body.contains("Remove this measure"));
    let refused = sm.form(
        &format!("/risk/measures/{bl07}/implementation"),
        &[
            ("party_id", swc_text.as_str()),
            ("status", "not_applicable"),
            ("cost_one_off", "0"),
            ("cost_annual", "0"),
        ],
        true,
    );
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("exemption the authority approves"));

    // The home page flags the overdue action.
    let home = sm.get("/");
    assert!(home.body.contains("Overdue corrective actions"));

    // The national picture: the authority only.
    let national = director.get("/risk/national");
    assert_eq!(national.status, 200);
    assert!(national.body.contains("NAT-09"));
    assert_eq!(sm.get("/risk/national").status, 404);

    // Register: sorted, filtered, exported as XLSX.
    let register = sm.get("/risk/register?sort=review&review=required");
    assert!(register.body.contains("NAT-14"));
    assert!(
        !register.body.contains("NAT-03 "),
        "only those marked for review"
    );
    let xlsx = sm.get("/risk/register.xlsx?sort=scenario");
    assert_eq!(xlsx.status, 200);
    assert_eq!(
        xlsx.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let mut book = zip::ZipArchive::new(std::io::Cursor::new(&xlsx.bytes)).expect("an XLSX file");
    let mut strings = String::new();
    std::io::Read::read_to_string(
        &mut book.by_name("xl/sharedStrings.xml").expect("its strings"),
        &mut strings,
    )
    .expect("text");
    assert!(strings.contains("NAT-09"), "{strings}");
    assert!(book.by_name("xl/worksheets/sheet1.xml").is_ok());

    // Import: a dry run shows what would be imported and imports nothing.
    let form = sm.get("/risk/import");
    assert!(form.body.contains("Dry run"));
    let csv = "code,title,description,scenarios\nSWC-M1,Sniffer dogs,Dogs search export consignments,NAT-09\n";
    let dry = sm.form(
        "/risk/import",
        &[("kind", "measures"), ("csv", csv), ("dry_run", "on")],
        true,
    );
    assert_eq!(dry.status, 200, "{}", dry.body);
    assert!(dry.body.contains("Dry run: all 1 rows are good"));
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM security_measures WHERE code = 'SWC-M1'"),
        0
    );
    let done = sm.form("/risk/import", &[("kind", "measures"), ("csv", csv)], true);
    assert!(done.body.contains("Imported 1 of 1 rows"), "{}", done.body);
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM security_measures WHERE code = 'SWC-M1'"),
        1
    );
}

#[test]
fn requirements_catalogues_in_the_pages_and_the_api() {
    let app = super::support::spawn(sems_storage::Engine::Sqlite, Default::default());
    let authority = party_id(&app, "CASA");
    let npt = party_id(&app, "NPT");
    let mut inspector = app.signed_in("inspector");
    let page = inspector.get("/oversight/requirements");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("NASP-04.01"));
    assert!(page.body.contains("Screening of hold baggage"));
    assert!(
        !page.body.contains("Import a whole catalogue"),
        "inspectors do not edit it"
    );
    let mut policy = app.signed_in("policy");
    let edit = policy.get("/oversight/requirements");
    assert!(edit.body.contains("Import a whole catalogue"));
    let authority_text = authority.to_string();
    let dry = policy.form(
        "/oversight/requirements/import",
        &[
            ("party_id", authority_text.as_str()),
            ("csv", "code,parent,level,title,text\nP,,programme,Programme,\nP-1,Q,chapter,Bad parent,\n"),
            ("dry_run", "on"),
        ],
        true,
    );
    assert_eq!(dry.status, 422);
    assert!(dry.body.contains("Line 3"));
    let mut sm = app.signed_in("npt.security");
    let added = sm.api(
        "POST",
        &format!("/parties/{npt}/requirements"),
        Some(json!({ "code": "NPT-QC", "level": "programme", "title": "Our quality programme" })),
    );
    assert_eq!(added.status, 201, "{}", added.body);
    let catalogue = sm
        .api("GET", &format!("/parties/{npt}/requirements"), None)
        .json();
    assert_eq!(catalogue["nodes"][0]["code"], "NPT-QC");
    let national = sm
        .api(
            "GET",
            &format!("/parties/{authority}/requirements?q=cargo"),
            None,
        )
        .json();
    assert!(national["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["code"] == "NASP-05"));
    let refused = sm.api(
        "POST",
        &format!("/parties/{authority}/requirements"),
        Some(json!({ "code": "X", "level": "programme", "title": "Not ours" })),
    );
    assert_eq!(refused.status, 403);
    let imported = policy.api_raw(
        "POST",
        &format!("/parties/{authority}/requirements/import?note=second"),
        "text/csv",
        b"code,parent,level,title,text\nP,,programme,Programme,\nP-1,P,chapter,Chapter,\nP-1.1,P-1,requirement,Requirement,Text\n",
    );
    assert_eq!(imported.status, 201, "{}", imported.body);
    assert_eq!(
        sm.api("GET", &format!("/parties/{authority}/requirements"), None)
            .json()["version"],
        2
    );
}

#[test]
fn the_register_filters_and_shows_acceptance() {
    for app in apps() {
        let mut exec = app.signed_in("npt.executive");
        let page = exec.get("/risk/register?acceptance=accepted");
        assert_eq!(page.status, 200);
        assert!(page.body.contains("<th scope=\"col\">Accepted</th>"));
        assert!(page.body.contains("Nora Executive, until"), "{}", page.body);
        assert!(page.body.contains("NAT-04"));
        assert!(!page.body.contains("NAT-07"), "only the accepted one");
        let api = exec
            .api("GET", "/risk/assessments?acceptance=accepted", None)
            .json();
        assert_eq!(api["total"], 1);
        assert_eq!(api["items"][0]["accepted_by_name"], "Nora Executive");
        assert_eq!(
            exec.api("GET", "/risk/assessments?acceptance=soon", None)
                .status,
            422
        );
        let csv = exec.get("/risk/register.csv?acceptance=accepted");
        assert!(csv
            .body
            .lines()
            .next()
            .unwrap()
            .ends_with("accepted_by,accepted_until"));
        assert!(csv.body.contains("Nora Executive"));
    }
}
