//! Training and vetting over HTTP: the HR and LMS imports on their page, the register, a
//! person's page and its forms, the due list and compliance with their exports, the national
//! view, the programme; the API for each, and every bad input refused with nothing changed.

use super::support::apps;
use serde_json::json;

fn party(app: &super::support::App, code: &str) -> i64 {
    app.sql_count(&format!("SELECT id FROM parties WHERE code = '{code}'"))
}

#[test]
fn a_training_officer_imports_registers_and_records_and_outsiders_see_nothing() {
    for app in apps() {
        let npt = party(&app, "NPT");
        let mut officer = app.signed_in("npt.training");
        let home = officer.get("/training");
        assert_eq!(home.status, 200, "{}", home.body);
        assert!(home.body.contains("id=\"due-list\""));
        // The HR export on the import page: a bad row is reported by its line, nothing stored.
        let before = app.sql_count("SELECT COUNT(*) FROM personnel");
        let bad = officer.form(
            "/training/import/personnel",
            &[
                ("csv", "employee_number,full_name,started_on,functions\nW-1,Wes Web,2024-01-01,screener_persons\nW-2,Will Web,2024-02-30,awareness\n"),
                ("dry_run", ""),
            ],
            true,
        );
        assert_eq!(bad.status, 422, "{}", bad.body);
        assert!(bad.body.contains("Line 3"), "{}", bad.body);
        assert_eq!(app.sql_count("SELECT COUNT(*) FROM personnel"), before);
        let good = officer.form(
            "/training/import/personnel",
            &[("csv", "employee_number,full_name,started_on,functions\nW-1,Wes Web,2024-01-01,screener_persons;awareness\n")],
            true,
        );
        assert_eq!(good.status, 200, "{}", good.body);
        assert!(good.body.contains("Imported 1 rows"), "{}", good.body);
        let wes = app.sql_count("SELECT id FROM personnel WHERE employee_number = 'W-1'");
        let list = officer.get("/training/personnel?q=W-1");
        assert!(list.body.contains("Wes Web"));
        let page = officer.get(&format!("/training/personnel/{wes}"));
        assert_eq!(page.status, 200);
        assert!(page.body.contains("id=\"standings\""));
        assert!(page.body.contains("Record a completed course"));
        // A check recorded on the page; one valid before it was completed is refused.
        let refused = officer.form(
            &format!("/training/personnel/{wes}/checks"),
            &[
                ("level", "enhanced"),
                ("completed_on", "2025-01-10"),
                ("valid_until", "2025-01-01"),
                ("outcome", "cleared"),
            ],
            true,
        );
        assert_eq!(refused.status, 422, "{}", refused.body);
        let recorded = officer.form(
            &format!("/training/personnel/{wes}/checks"),
            &[
                ("level", "enhanced"),
                ("completed_on", "2025-01-10"),
                ("valid_until", "2030-01-09"),
                ("outcome", "cleared"),
            ],
            true,
        );
        assert_eq!(recorded.status, 303, "{}", recorded.body);

        // The API: a record refused for hours over a day and for a course of no function of
        // the person; then one recorded with its evidence.
        for bad in [
            json!({ "course": "IRT", "completed_on": "2026-11-02", "hours": 25 }),
            json!({ "course": "SCR-HBS", "completed_on": "2026-11-02", "hours": 3 }),
            json!({ "course": "IRT", "completed_on": "2026-11-02", "hours": -1 }),
        ] {
            let r = officer.api(
                "POST",
                &format!("/training/personnel/{wes}/records"),
                Some(bad.clone()),
            );
            assert_eq!(r.status, 422, "{bad}: {}", r.body);
        }
        assert_eq!(
            app.sql_count(&format!(
                "SELECT COUNT(*) FROM training_records WHERE personnel_id = {wes}"
            )),
            0
        );
        let posted = officer.api(
            "POST",
            &format!("/training/personnel/{wes}/records"),
            Some(json!({
                "course": "IRT", "completed_on": "2026-11-02", "hours": 2.5, "provider": "Academy",
                "evidence": { "filename": "certificate.txt", "content_base64": "Q2VydGlmaWNhdGU=" }
            })),
        );
        assert_eq!(posted.status, 201, "{}", posted.body);
        let record = posted.json()["id"].as_i64().unwrap();
        let evidence = officer.get(&format!(
            "/training/personnel/{wes}/records/{record}/evidence"
        ));
        assert_eq!(evidence.status, 200);
        assert_eq!(evidence.body, "Certificate");
        let standings = officer.api("GET", &format!("/training/personnel/{wes}/standings"), None);
        assert_eq!(standings.status, 200);
        assert!(standings
            .body
            .contains("\"requirement\":\"image_training\""));
        // The LMS import through the API: a bad row is a 422 with its line.
        let lms = officer.api_raw(
            "POST",
            &format!("/parties/{npt}/training/records/import?dry_run=true"),
            "text/csv",
            b"employee_number,course,completed_on,hours\nW-1,AWARE,2026-10-01,2\nW-9,AWARE,2026-10-01,2\n",
        );
        assert_eq!(lms.status, 422, "{}", lms.body);
        assert_eq!(lms.json()["errors"][0]["line"], 3);

        // The due list and compliance, with their exports.
        let due = officer.get("/training/due?function=screener_persons");
        assert!(due.body.contains("Wes Web"), "{}", due.body);
        let csv = officer.get("/training/due.csv");
        assert!(csv.body.starts_with("Employee number,Name"));
        let compliance = officer.get("/training/compliance");
        assert_eq!(compliance.status, 200);
        assert!(compliance.body.contains("class=\"compliance-chart\""));
        let xlsx = officer.get(&format!(
            "/training/compliance/organisations/{npt}/compliance.xlsx"
        ));
        assert!(xlsx.bytes.starts_with(b"PK"));

        // Personal data: another organisation, staff and the director read nothing of it.
        for outsider in ["sky.security", "npt.staff", "director"] {
            let mut c = app.signed_in(outsider);
            assert_eq!(
                c.get(&format!("/training/personnel/{wes}")).status,
                404,
                "{outsider}"
            );
            assert_eq!(
                c.api("GET", &format!("/training/personnel/{wes}"), None)
                    .status,
                404,
                "{outsider}"
            );
            let changed = c.api(
                "POST",
                &format!("/training/personnel/{wes}/checks"),
                Some(json!({ "level": "standard", "completed_on": "2026-01-01", "valid_until": "2027-01-01", "outcome": "cleared" })),
            );
            assert_eq!(changed.status, 404, "{outsider}");
        }
        // The national view is the authority's.
        let mut director = app.signed_in("director");
        let national = director.get("/training/national");
        assert_eq!(national.status, 200, "{}", national.body);
        assert!(national.body.contains("id=\"organisations\""));
        assert_eq!(officer.get("/training/national").status, 404);
        assert!(director
            .get("/training/national.csv")
            .body
            .starts_with("Organisation,"));
        // The programme is everyone's to read; a weaker addition is refused.
        assert_eq!(officer.get("/training/programme").status, 200);
        let programme = officer.api("GET", "/training/programme", None).json();
        let mut weaker = programme["programme"]["functions"][0].clone();
        weaker["certification"]["renewal_months"] = json!(48);
        let refused = officer.api(
            "POST",
            &format!("/parties/{npt}/training/additions"),
            Some(json!({ "additions": { "functions": [weaker] }, "note": "Longer" })),
        );
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.body.contains("every 36 months"), "{}", refused.body);
        let policy = app
            .signed_in("policy")
            .api("GET", "/training/programme", None);
        assert_eq!(policy.json()["may_publish"], true);
    }
}

#[test]
fn a_survey_is_launched_on_its_page_and_answered_on_a_phone_without_an_account() {
    for app in apps() {
        let npt = party(&app, "NPT");
        let mut officer = app.signed_in("npt.training");
        let mut hr = String::from("employee_number,full_name,started_on,functions\n");
        for n in 0..6 {
            hr.push_str(&format!("V-{n},Voter {n},2023-01-01,awareness\n"));
        }
        let imported = officer.api_raw(
            "POST",
            &format!("/parties/{npt}/personnel/import"),
            "text/csv",
            hr.as_bytes(),
        );
        assert_eq!(imported.status, 201, "{}", imported.body);
        let today = sems_domain::util::today();
        let later = today + time::Duration::days(10);
        let bad = officer.form(
            "/training/surveys",
            &[
                ("title", "Culture"),
                ("opens_on", &today.to_string()),
                ("closes_on", &(today - time::Duration::days(1)).to_string()),
            ],
            true,
        );
        assert_eq!(bad.status, 422, "{}", bad.body);
        let launched = officer.form(
            "/training/surveys",
            &[
                ("title", "Culture at Northport"),
                ("opens_on", &today.to_string()),
                ("closes_on", &later.to_string()),
                ("question", "Q01"),
                ("question", "Q13"),
            ],
            true,
        );
        assert_eq!(launched.status, 201, "{}", launched.body);
        let links: Vec<String> = launched
            .body
            .split("<code>")
            .skip(1)
            .filter_map(|s| s.split("</code>").next())
            .filter(|l| l.starts_with("/survey/"))
            .map(str::to_string)
            .collect();
        assert!(links.len() >= 6, "{}", launched.body);
        // The person invited, on a phone, without an account.
        let mut phone = app.client();
        let form = phone.get(&links[0]);
        assert_eq!(form.status, 200, "{}", form.body);
        assert!(form.body.contains("name=\"Q13\" value=\"10\""));
        let missing = phone.form(&links[0], &[("Q01", "4")], false);
        assert_eq!(missing.status, 422, "{}", missing.body);
        let sent = phone.form(
            &links[0],
            &[("Q01", "4"), ("Q13", "8"), ("free_text", "Good briefings")],
            false,
        );
        assert_eq!(sent.status, 200, "{}", sent.body);
        assert!(sent.body.contains("Thank you"));
        let again = phone.form(&links[0], &[("Q01", "1"), ("Q13", "1")], false);
        assert_eq!(again.status, 409, "{}", again.body);
        let token = links[1].trim_start_matches("/survey/");
        let api = phone.api("POST", &format!("/public/surveys/{token}"), Some(json!({ "answers": [{ "code": "Q01", "value": 9 }, { "code": "Q13", "value": 3 }] })));
        assert_eq!(api.status, 422, "{}", api.body);
        let api = phone.api("POST", &format!("/public/surveys/{token}"), Some(json!({ "answers": [{ "code": "Q01", "value": 2 }, { "code": "Q13", "value": 3 }] })));
        assert_eq!(api.status, 204, "{}", api.body);
        // Two answers: nothing shown yet; a group asked for is refused.
        let id = app.sql_count("SELECT MAX(id) FROM culture_surveys");
        let results = officer.api("GET", &format!("/training/surveys/{id}/results"), None);
        assert_eq!(results.status, 200);
        assert_eq!(results.json()["shown"], false);
        let page = officer.get(&format!("/training/surveys/{id}"));
        assert!(page
            .body
            .contains("Results are shown once the survey is closed"));
        let group = officer.api(
            "GET",
            &format!("/training/surveys/{id}/groups/Whole%20organisation"),
            None,
        );
        assert_eq!(group.status, 422, "{}", group.body);
        // Another organisation sees none of it.
        let mut sky = app.signed_in("sky.security");
        assert_eq!(sky.get(&format!("/training/surveys/{id}")).status, 404);
    }
}
