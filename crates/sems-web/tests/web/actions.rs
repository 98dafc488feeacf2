//! The corrective-action register over HTTP: the page with its filters and CSV, an action's
//! page with completion and the effectiveness check, and the API, on both engines.

use super::support::apps;
use serde_json::json;

#[test]
fn the_register_lists_completes_and_checks_actions_in_pages_and_the_api() {
    for app in apps() {
        let mut sm = app.signed_in("swc.security");
        let home = sm.get("/");
        assert!(home.body.contains("href=\"/actions\""), "in the navigation");
        let page = sm.get("/actions?overdue=yes");
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("Random screening of staff"),
            "{}",
            page.body
        );
        assert!(page.body.contains("Overdue"));
        let csv = sm.get("/actions.csv");
        assert_eq!(csv.status, 200);
        assert!(
            csv.body.starts_with("id,organisation,source"),
            "{}",
            csv.body
        );
        assert!(csv.body.contains("Risk assessment"));

        let listed = sm.api("GET", "/actions?overdue=true", None).json();
        assert_eq!(listed["total"], 1);
        let id = listed["items"][0]["id"].as_i64().unwrap();
        assert_eq!(listed["items"][0]["source_kind"], "risk_assessment");
        assert_eq!(listed["items"][0]["allowed"]["complete"], true);
        let bad = sm.api("GET", "/actions?source=everything", None);
        assert_eq!(bad.status, 422, "{}", bad.body);

        // The page: a refused completion keeps what was typed.
        let refused = sm.form(
            &format!("/actions/{id}/completion"),
            &[("evidence", "x")],
            true,
        );
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.body.contains(">x</textarea>"), "{}", refused.body);
        let done = sm.form(
            &format!("/actions/{id}/completion"),
            &[("evidence", "Screening rota, signed")],
            true,
        );
        assert_eq!(done.status, 303, "{}", done.body);
        let shown = sm.get(&format!("/actions/{id}"));
        assert!(shown.body.contains("Screening rota, signed"));
        assert!(shown.body.contains("Check its effectiveness"));
        let checked = sm.api(
            "POST",
            &format!("/actions/{id}/effectiveness"),
            Some(json!({ "effective": true })),
        );
        assert_eq!(checked.status, 200, "{}", checked.body);
        assert_eq!(checked.json()["effectiveness"], "effective");
        let again = sm.api(
            "POST",
            &format!("/actions/{id}/effectiveness"),
            Some(json!({ "effective": true })),
        );
        assert_eq!(again.status, 409, "{}", again.body);

        // Another organisation: not found, in the page and the API.
        let mut other = app.signed_in("npt.security");
        assert_eq!(other.get(&format!("/actions/{id}")).status, 404);
        assert_eq!(
            other.api("GET", &format!("/actions/{id}"), None).status,
            404
        );
    }
}
