//! Security performance over HTTP: the dashboard, the control chart and the records behind a
//! point, the national view and its exports, alerts and their acknowledgement, data series
//! entered and imported; the pages and the API, with what each role may not do.

use super::support::apps;
use serde_json::json;

fn party(app: &super::support::App, code: &str) -> i64 {
    app.sql_count(&format!("SELECT id FROM parties WHERE code = '{code}'"))
}

fn indicator(app: &super::support::App, code: &str) -> i64 {
    app.sql_count(&format!(
        "SELECT id FROM performance_indicators WHERE code = '{code}'"
    ))
}

#[test]
fn a_security_manager_follows_the_alert_from_the_dashboard_to_the_records() {
    for app in apps() {
        let npt = party(&app, "NPT");
        let spi = indicator(&app, "NPT-ACCESS-VIOL");
        let mut manager = app.signed_in("npt.security");
        // /performance is one's organisation's dashboard.
        let home = manager.get("/performance");
        assert_eq!(home.status, 200, "{}", home.body);
        assert!(home.body.contains("data-code=\"NPT-ACCESS-VIOL\""));
        let page = manager.get(&format!("/performance/organisations/{npt}"));
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("data-code=\"NPT-ACCESS-VIOL\""));
        assert!(page.body.contains("id=\"open-alerts\""));
        assert!(page.body.contains("class=\"sparkline\""));
        // The control chart: SVG drawn on the server, each point a link to its records.
        let chart = manager.get(&format!("/performance/indicators/{spi}/chart?party={npt}"));
        assert_eq!(chart.status, 200);
        assert!(chart.body.contains("class=\"control-chart\""));
        assert!(chart.body.contains("class=\"alert-mark\""));
        let point = chart
            .body
            .split("<a href=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap_or(""))
            .find(|href| href.contains("/points/"))
            .expect("a point links to its records")
            .replace("&amp;", "&");
        let behind = manager.get(&point);
        assert_eq!(behind.status, 200, "{point}");
        assert!(behind.body.contains("access_violations"), "{}", behind.body);
        // Exports.
        let csv = manager.get(&format!("/performance/organisations/{npt}/values.csv"));
        assert_eq!(csv.status, 200);
        assert!(csv.body.starts_with("organisation,code,indicator"));
        assert!(csv.body.contains("NPT-ACCESS-VIOL"));
        let xlsx = manager.get(&format!("/performance/organisations/{npt}/values.xlsx"));
        assert_eq!(xlsx.status, 200);
        assert!(xlsx.bytes.starts_with(b"PK"));
        // Staff read none of it; another organisation's dashboard is not found.
        let mut staff = app.signed_in("npt.staff");
        assert_eq!(
            staff
                .get(&format!("/performance/organisations/{npt}"))
                .status,
            404
        );
        let sky = party(&app, "SKY");
        assert_eq!(
            manager
                .get(&format!("/performance/organisations/{sky}"))
                .status,
            404
        );
        // The alert is acknowledged on its page, once.
        let alert = app.sql_count(&format!(
            "SELECT id FROM performance_alerts WHERE indicator_id = {spi}"
        ));
        let page = manager.get(&format!("/performance/alerts/{alert}"));
        assert!(page.body.contains("id=\"alert-sentence\""));
        let empty = manager.form(
            &format!("/performance/alerts/{alert}/acknowledge"),
            &[("note", "")],
            true,
        );
        assert_eq!(empty.status, 422);
        let done = manager.form(
            &format!("/performance/alerts/{alert}/acknowledge"),
            &[("note", "Door 12's reader was faulty and has been replaced")],
            true,
        );
        assert_eq!(done.status, 303, "{}", done.body);
        let again = manager.api(
            "POST",
            &format!("/performance/alerts/{alert}/acknowledge"),
            Some(json!({ "note": "again" })),
        );
        assert_eq!(again.status, 409, "{}", again.body);
    }
}

#[test]
fn the_national_view_is_the_authoritys_with_the_silent_carrier_first() {
    for app in apps() {
        let mut director = app.signed_in("director");
        let home = director.get("/performance");
        assert!(home.body.contains("national view"), "{}", home.body);
        let page = director.get("/performance/national");
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Silence is not safety"));
        let flagged = page.body.find("class=\"flagged\"").expect("flagged rows");
        let plain = page.body.find("<tr>\n        <th scope=\"row\">");
        assert!(plain.is_none_or(|p| flagged < p));
        let csv = director.get("/performance/national.csv");
        assert!(csv.body.starts_with("period,organisation,kind,code"));
        let api = director.api("GET", "/performance/national", None);
        assert_eq!(api.status, 200);
        assert!(api.json()["indicators"].as_array().unwrap().len() >= 12);
        // Organisations do not see it.
        let mut manager = app.signed_in("npt.security");
        assert_eq!(manager.get("/performance/national").status, 404);
        assert_eq!(
            manager.api("GET", "/performance/national", None).status,
            404
        );
    }
}

#[test]
fn series_indicators_and_targets_through_the_api_refuse_bad_input() {
    for app in apps() {
        let swc = party(&app, "SWC");
        let mut manager = app.signed_in("swc.security");
        let entered = manager.api(
            "POST",
            &format!("/parties/{swc}/series"),
            Some(json!({ "series": "staff_headcount", "month": "2026-01", "value": 120 })),
        );
        assert_eq!(entered.status, 201, "{}", entered.body);
        for bad in [
            json!({ "series": "staff_headcount", "month": "2026-01", "value": -1 }),
            json!({ "series": "Staff Headcount", "month": "2026-01", "value": 1 }),
            json!({ "series": "staff_headcount", "month": "January", "value": 1 }),
        ] {
            let r = manager.api("POST", &format!("/parties/{swc}/series"), Some(bad.clone()));
            assert_eq!(r.status, 422, "{bad}: {}", r.body);
        }
        let csv = "series,month,value\nstaff_headcount,2026-02,121\nstaff_headcount,2026-03,x\n";
        let r = manager.api_raw(
            "POST",
            &format!("/parties/{swc}/series/import"),
            "text/csv",
            csv.as_bytes(),
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.json()["errors"][0]["line"], 3);
        let listed = manager
            .api(
                "GET",
                &format!("/parties/{swc}/series?series=staff_headcount"),
                None,
            )
            .json();
        assert_eq!(listed["total"], 1, "nothing of the bad file stored");
        // Another organisation's series cannot be entered.
        let npt = party(&app, "NPT");
        let other = manager.api(
            "POST",
            &format!("/parties/{npt}/series"),
            Some(json!({ "series": "departures", "month": "2026-01", "value": 1 })),
        );
        assert!(matches!(other.status, 403 | 404), "{}", other.body);
        // A national indicator is not the organisation's to edit; a target weaker than the
        // State expects is refused with the level.
        let overt = indicator(&app, "NAT-TEST-OVERT");
        let definition = manager
            .api("GET", &format!("/performance/indicators/{overt}"), None)
            .json()["indicator"]["definition"]
            .clone();
        let edit = manager.api(
            "POST",
            &format!("/performance/indicators/{overt}/versions"),
            Some(json!({ "definition": definition, "note": "ours" })),
        );
        assert_eq!(edit.status, 403, "{}", edit.body);
        let weaker = manager.api(
            "PUT",
            &format!("/performance/indicators/{overt}/target"),
            Some(json!({ "target": 50 })),
        );
        assert_eq!(weaker.status, 422, "{}", weaker.body);
        assert!(weaker.body.contains("90"), "{}", weaker.body);
        let level = manager.api(
            "PUT",
            &format!("/performance/indicators/{overt}/expected-level"),
            Some(json!({ "expected_level": 50 })),
        );
        assert_eq!(level.status, 403, "{}", level.body);
        // An unknown measure is refused by the document's own vocabulary.
        let mut unknown = definition.clone();
        unknown["code"] = json!("SWC-X");
        unknown["source"] = json!({ "kind": "computed", "measure": "happiness" });
        let r = manager.api(
            "POST",
            "/performance/indicators",
            Some(json!({ "definition": unknown })),
        );
        assert!(matches!(r.status, 400 | 422), "{}", r.body);
        // The indicator pages: the library and the form.
        assert_eq!(manager.get("/performance/indicators").status, 200);
        assert_eq!(manager.get("/performance/indicators/new").status, 200);
        let page = manager.get(&format!("/performance/indicators/{overt}"));
        assert!(page.body.contains("Your organisation's target"));
        assert!(!page.body.contains("Publish a new version"));
        let series = manager.get("/performance/series");
        assert_eq!(series.status, 200);
        assert!(series.body.contains("staff_headcount"));
    }
}
