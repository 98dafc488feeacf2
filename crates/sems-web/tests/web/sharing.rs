//! Need-to-know sharing over HTTP: a directive drafted, approved on its page, issued through
//! the API, read in the inbox with its marking at top and bottom, acknowledged and its method
//! stated on the page, implemented with evidence through the API; the issuer's view and the
//! tracker; prints and exports watermarked, each read one entry of the access log; STIX out
//! and in; lists and sharing a record from its page; every bad input refused, nothing changed.

use super::support::apps;
use serde_json::json;

fn day(offset: i64) -> String {
    sems_domain::util::format_date(sems_domain::util::today() + time::Duration::days(offset))
}

fn directive(tlp: &str, audience: serde_json::Value) -> serde_json::Value {
    json!({
        "kind": "security_directive",
        "title": "Vehicle checks at airside gates",
        "summary": "Every vehicle entering airside is searched.",
        "tlp": tlp,
        "classification": "RESTRICTED",
        "audience": audience,
        "effective_on": day(1),
        "acknowledge_by": day(3),
        "implement_by": day(20),
    })
}

#[test]
fn a_directive_is_issued_read_acknowledged_and_implemented_over_http() {
    for app in apps() {
        let mut intel = app.signed_in("intel");
        let items = || app.sql_count("SELECT COUNT(*) FROM shared_items");
        // Bad input, nothing stored: RED to a kind of party, an unknown kind of audience.
        let before = items();
        let red = intel.api(
            "POST",
            "/sharing/items",
            Some(directive(
                "red",
                json!([{"audience": "party_kind", "party_kind": "airport_operator"}]),
            )),
        );
        assert_eq!(red.status, 422, "{}", red.body);
        let odd = intel.api(
            "POST",
            "/sharing/items",
            Some(directive("amber", json!([{"audience": "everyone"}]))),
        );
        assert_eq!(odd.status, 422, "{}", odd.body);
        assert_eq!(items(), before);
        let d = intel.api(
            "POST",
            "/sharing/items",
            Some(directive(
                "amber",
                json!([{"audience": "party_kind", "party_kind": "airport_operator"}]),
            )),
        );
        assert_eq!(d.status, 201, "{}", d.body);
        let id = d.json()["id"].as_i64().unwrap();
        assert_eq!(
            d.json()["actions"]["issue"],
            false,
            "not before the director's approval"
        );
        // A file attached before the issue.
        let attached = intel.api(
            "POST",
            &format!("/sharing/items/{id}/files"),
            Some(json!({"filename": "annex.txt", "content_base64": "QW5uZXg="})),
        );
        assert_eq!(attached.status, 201, "{}", attached.body);
        let file = attached.json()["files"][0]["id"].as_i64().unwrap();
        // Not issued without the director's approval.
        assert_eq!(
            intel
                .api("POST", &format!("/sharing/items/{id}/issue"), None)
                .status,
            409
        );
        let mut director = app.signed_in("director");
        let page = director.get(&format!("/sharing/items/{id}"));
        assert!(page.body.contains("Approve the directive"), "{}", page.body);
        assert_eq!(
            director
                .form(&format!("/sharing/items/{id}/approve"), &[], true)
                .status,
            303
        );
        let issued = intel.api("POST", &format!("/sharing/items/{id}/issue"), None);
        assert_eq!(issued.status, 200, "{}", issued.body);

        // The airport's security manager: the inbox, the item with its marking at top and
        // bottom, the acknowledgement on the page.
        let mut manager = app.signed_in("npt.security");
        let inbox = manager.get("/sharing?show=to_acknowledge");
        assert_eq!(inbox.status, 200);
        assert!(inbox.body.contains("Vehicle checks at airside gates"));
        let logged = || {
            app.sql_count(&format!("SELECT COUNT(*) FROM access_log WHERE record_id = {id} AND record_kind = 'shared_item'"))
        };
        let reads = logged();
        let item = manager.get(&format!("/sharing/items/{id}"));
        assert_eq!(item.status, 200);
        assert_eq!(
            item.body.matches("class=\"marking\"").count(),
            2,
            "top and bottom"
        );
        assert!(item.body.contains("TLP:AMBER"));
        assert_eq!(logged(), reads + 1, "one read, one entry");
        let annex = manager.api("GET", &format!("/sharing/items/{id}/files/{file}"), None);
        assert_eq!((annex.status, annex.body.as_str()), (200, "Annex"));
        assert_eq!(logged(), reads + 2, "the download logged too");
        // The analyst may read it but not acknowledge: 403 with why.
        let mut analyst = app.signed_in("npt.analyst");
        let refused = analyst.api(
            "POST",
            &format!("/sharing/items/{id}/steps"),
            Some(json!({"step": "acknowledged"})),
        );
        assert_eq!(refused.status, 403, "{}", refused.body);
        let ack = manager.post_raw(
            &format!("/sharing/items/{id}/steps?csrf_token={}", manager.csrf.clone().unwrap_or_default()),
            "multipart/form-data; boundary=XyZ",
            &[],
            b"--XyZ\r\nContent-Disposition: form-data; name=\"step\"\r\n\r\nacknowledged\r\n--XyZ--\r\n",
        );
        assert_eq!(ack.status, 303, "{}", ack.body);
        let method = manager.api(
            "POST",
            &format!("/sharing/items/{id}/steps"),
            Some(json!({"step": "method_stated", "text": "Search lane at gate 4"})),
        );
        assert_eq!(method.status, 200, "{}", method.body);
        // An implementation without evidence: 422, the step unchanged.
        let bare = manager.api(
            "POST",
            &format!("/sharing/items/{id}/steps"),
            Some(json!({"step": "implemented"})),
        );
        assert_eq!(bare.status, 422, "{}", bare.body);
        let npt = app.sql_count("SELECT id FROM parties WHERE code = 'NPT'");
        assert_eq!(app.sql_count(&format!("SELECT COUNT(*) FROM directive_recipients WHERE item_id = {id} AND party_id = {npt} AND step = 'method_stated'")), 1);
        let done = manager.api(
            "POST",
            &format!("/sharing/items/{id}/steps"),
            Some(json!({"step": "implemented", "evidence": {"filename": "lane.txt", "content_base64": "U2VhcmNoIGxhbmUgb3Blbg=="}})),
        );
        assert_eq!(done.status, 200, "{}", done.body);

        // Outside the audience: a 404, as if it did not exist; the recipients are not shown.
        let mut outsider = app.signed_in("sky.staff");
        assert_eq!(outsider.get(&format!("/sharing/items/{id}")).status, 404);
        assert_eq!(
            outsider
                .api("GET", &format!("/sharing/items/{id}"), None)
                .status,
            404
        );
        let seen = manager.api("GET", &format!("/sharing/items/{id}"), None);
        assert_eq!(
            seen.json()["recipients"],
            json!([]),
            "recipients hidden from each other"
        );
        // Passing on beyond the label: refused with the rule.
        let beyond = manager.form(
            &format!("/sharing/items/{id}/forward"),
            &[("username", "sky.security"), ("reason", "They asked")],
            true,
        );
        assert_eq!(beyond.status, 403, "{}", beyond.body);
        assert!(beyond.body.contains("TLP:AMBER"));

        // The issuer's view: recipients with their steps, the verify decision, the access log.
        let view = intel.get(&format!("/sharing/items/{id}"));
        assert!(view.body.contains("id=\"recipients\"") && view.body.contains("id=\"access-log\""));
        assert!(view.body.contains("Verify the implementation"));
        let tracker = intel.get(&format!("/sharing/tracker?item={id}"));
        assert!(tracker.body.contains("Northport"), "{}", tracker.body);
        let api_tracker = intel.api(
            "GET",
            &format!("/sharing/tracker?item_id={id}&late=acknowledgement"),
            None,
        );
        assert_eq!(api_tracker.status, 200, "{}", api_tracker.body);

        let proof = intel.get(&format!("/sharing/items/{id}/evidence/{npt}"));
        assert_eq!(
            (proof.status, proof.body.as_str()),
            (200, "Search lane open")
        );
        assert_eq!(
            outsider
                .get(&format!("/sharing/items/{id}/evidence/{npt}"))
                .status,
            404
        );
        // The print and the exports: each one log entry, the watermark naming the reader.
        let reads = logged();
        let print = manager.get(&format!("/sharing/items/{id}/print"));
        assert!(print.body.contains("id=\"watermark\"") && print.body.contains("Sam Security"));
        let text = manager.get(&format!("/sharing/items/{id}/export.txt"));
        assert!(text.body.starts_with("RESTRICTED · TLP:AMBER"));
        let stix = manager.api("GET", &format!("/sharing/items/{id}/stix"), None);
        assert_eq!(stix.status, 200);
        assert!(stix
            .header("content-type")
            .unwrap_or("")
            .starts_with("application/stix+json"));
        assert_eq!(logged(), reads + 3);
        // STIX in: malformed refused; the bundle back as a draft bulletin.
        let audience = json!([{"audience": "party_kind", "party_kind": "air_carrier"}]);
        let bad = intel.api(
            "POST",
            "/sharing/stix",
            Some(json!({"bundle": "not json", "audience": audience})),
        );
        assert_eq!(bad.status, 422, "{}", bad.body);
        let back = intel.api(
            "POST",
            "/sharing/stix",
            Some(json!({"bundle": stix.body, "audience": audience})),
        );
        assert_eq!(back.status, 201, "{}", back.body);
        assert_eq!(back.json()["kind"], "threat_bulletin");
    }
}

#[test]
fn lists_and_any_record_shared_from_its_page() {
    for app in apps() {
        let mut intel = app.signed_in("intel");
        let created = intel.form(
            "/sharing/lists",
            &[
                ("name", "Cargo agents"),
                ("highest_classification", "RESTRICTED"),
            ],
            true,
        );
        assert_eq!(created.status, 303, "{}", created.body);
        let list = app.sql_count("SELECT id FROM distribution_lists WHERE name = 'Cargo agents'");
        // One audience per entry; two at once are refused.
        let two = intel.form(
            &format!("/sharing/lists/{list}/entries"),
            &[
                ("party_kind", "regulated_agent"),
                ("party_kind", "air_carrier"),
                ("reason", "Cargo"),
            ],
            true,
        );
        assert_eq!(two.status, 422, "{}", two.body);
        let one = intel.form(
            &format!("/sharing/lists/{list}/entries"),
            &[
                ("party_kind", "regulated_agent"),
                ("reason", "They screen cargo"),
            ],
            true,
        );
        assert_eq!(one.status, 303, "{}", one.body);
        let page = intel.get(&format!("/sharing/lists/{list}"));
        assert!(page.body.contains("They screen cargo"));
        let api = intel.api("GET", "/sharing/lists?review_due=false", None);
        assert_eq!(api.status, 200, "{}", api.body);
        // An assessment of the airport shared from its page with the carrier's manager.
        let mut manager = app.signed_in("npt.security");
        let assessment = app.sql_count("SELECT MIN(a.id) FROM risk_assessments a JOIN parties p ON p.id = a.owner_party_id WHERE p.code = 'NPT'");
        let form = manager.get(&format!("/sharing/share/risk_assessment/{assessment}"));
        assert_eq!(form.status, 200);
        let granted = || {
            app.sql_count(&format!("SELECT COUNT(*) FROM distributions WHERE record_kind = 'risk_assessment' AND record_id = {assessment}"))
        };
        let before = granted();
        let no_reason = manager.form(
            &format!("/sharing/share/risk_assessment/{assessment}"),
            &[("persons", "sky.security"), ("reason", "")],
            true,
        );
        assert_eq!(no_reason.status, 422, "{}", no_reason.body);
        assert_eq!(granted(), before);
        let shared = manager.form(
            &format!("/sharing/share/risk_assessment/{assessment}"),
            &[
                ("persons", "sky.security"),
                ("reason", "Shared apron"),
                ("expires_on", &day(30)),
            ],
            true,
        );
        assert_eq!(shared.status, 303, "{}", shared.body);
        assert_eq!(granted(), before + 1);
        let mut carrier = app.signed_in("sky.security");
        assert_eq!(
            carrier
                .get(&format!("/risk/assessments/{assessment}"))
                .status,
            200
        );
        // The API: an unknown kind is a 404; someone who may not change it: 403.
        let odd = manager.api(
            "POST",
            &format!("/records/security_report/{assessment}/distributions"),
            Some(json!({"audience": [], "reason": "x"})),
        );
        assert_eq!(odd.status, 404, "{}", odd.body);
        let mut viewer = app.signed_in("npt.viewer");
        let refused = viewer.api(
            "POST",
            &format!("/records/risk_assessment/{assessment}/distributions"),
            Some(json!({"audience": [{"audience": "person", "person_id": 1}], "reason": "x"})),
        );
        assert_eq!(refused.status, 403, "{}", refused.body);
    }
}
