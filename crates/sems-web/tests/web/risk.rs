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
        assert_eq!(register["total"], 1);
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
        assert_eq!(
            inspector.api("GET", "/risk/assessments", None).json()["total"],
            1
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
    let refused = c.form(&format!("/risk/scenarios/{nat05}/assess"), &missing, true);
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("rationale"));
    let made = c.form(&format!("/risk/scenarios/{nat05}/assess"), &fields, true);
    assert_eq!(made.status, 303, "{}", made.body);
    let shown = c.get(made.header("location").unwrap());
    // Residual 3 × 4 × 3 = 36 (medium); inherent 3 × 4 × 5 = 60 (high).
    assert!(
        shown.body.contains("<p class=\"figure\">Medium</p>"),
        "residual medium"
    );
    assert!(
        shown.body.contains("<p class=\"figure\">High</p>"),
        "inherent high"
    );
    assert!(shown.body.contains("Patrol log 2026-11"));
    let register = c.get("/risk/register");
    assert!(register.body.contains("NAT-05 Unauthorised access airside"));
    // On the heat maps: inherent at likelihood 3 × consequence 4; residual at the likelihood of
    // success ⌈3 × 3 / 5⌉ = 2.
    let map = c.get("/risk/heat-map");
    assert_eq!(map.status, 200);
    let (inherent, residual) = map.body.split_once("<h2>Residual risk</h2>").unwrap();
    assert!(inherent.contains("data-likelihood=\"3\" data-consequence=\"4\" data-count=\"1\""));
    assert!(residual.contains("data-likelihood=\"2\" data-consequence=\"4\" data-count=\"1\""));
    let json = c.api("GET", "/risk/heat-map", None).json();
    assert_eq!(json["assessments"], 1);
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
    assert!(c.get("/").body.contains("No assessment is due for review"));
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
    assert_eq!(due["total"], 1);
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
    assert!(lines.next().unwrap().starts_with(
        "Northport International Airport,,NAT-01,IED in hold baggage,1,4,5,4,5,2,100,very_high,40,medium,2020-01-01,false"
    ));
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
