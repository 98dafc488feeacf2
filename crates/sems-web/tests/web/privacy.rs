//! A confidential reporter cannot be re-identified from anything sems serves, on SQLite and
//! PostgreSQL: a staff member signs in and files a confidential and an anonymous report from
//! the same session; then every demo account fetches every trail, page, list, notification,
//! metric and log it can see, and nothing ties the filings to the person.

use super::support::{apps, App};
use serde_json::{json, Value};

fn today() -> String {
    sems_domain::util::format_date(sems_domain::util::today())
}

const DAY_MS: i64 = 86_400_000;

/// Every item of every page of an API list.
fn all_items(c: &mut super::support::Client, path: &str) -> Option<Vec<Value>> {
    let mut out = Vec::new();
    let sep = if path.contains('?') { '&' } else { '?' };
    for page in 1..=50 {
        let reply = c.api("GET", &format!("{path}{sep}per_page=100&page={page}"), None);
        if reply.status != 200 {
            return None;
        }
        let body = reply.json();
        let items = body["items"].as_array().cloned().unwrap_or_default();
        let done = items.len() < 100;
        out.extend(items);
        if done {
            break;
        }
    }
    Some(out)
}

fn file(app: &App, staff: &mut super::support::Client, mode: &str, text: &str) -> i64 {
    let npt = app.sql_count("SELECT id FROM parties WHERE code = 'NPT'");
    let mut body = json!({ "category": "insider", "occurred_at": today(), "mode": mode,
        "what_happened": text });
    if mode == "confidential" {
        body["reporter_contact"] = json!("ext. 4411");
    }
    let filed = staff.api("POST", &format!("/parties/{npt}/reports"), Some(body));
    assert_eq!(filed.status, 201, "{}", filed.body);
    filed.json()["report_id"].as_i64().unwrap()
}

#[test]
fn nothing_served_ties_a_confidential_or_anonymous_filing_to_its_reporter() {
    for app in apps() {
        let staff_id = app.sql_count("SELECT id FROM people WHERE username = 'npt.staff'");
        let staff_name = "Stan Staff";
        // The reporter signs in, does something visible, and files twice from one session.
        let mut staff = app.signed_in("npt.staff");
        assert_eq!(staff.get("/profile").status, 200);
        let confidential = file(
            &app,
            &mut staff,
            "confidential",
            "Badge AB99881 was lent to a visitor at door 2.",
        );
        let anonymous = file(
            &app,
            &mut staff,
            "anonymous",
            "The airside gate 7 was left unlocked overnight.",
        );
        let ids = [confidential, anonymous];
        // The handler works on one: these follow-on events are protected too.
        let mut handler = app.signed_in("npt.handler");
        let reply = handler.api(
            "POST",
            &format!("/reports/{confidential}/messages"),
            Some(json!({ "body": "Which door exactly?" })),
        );
        assert!(reply.status < 300, "{}", reply.body);

        // The reporter's own security log has the sign-in; nobody else's does.
        let own = all_items(&mut staff, "/security-log").unwrap();
        assert!(own.iter().any(|e| e["action"] == "sign_in.succeeded"));
        assert!(own.iter().all(|e| e["record_id"] == staff_id));

        for account in sems_services::demo::ACCOUNTS {
            let who = account.username;
            let mut c = app.signed_in(who);
            let me = c.api("GET", "/me", None).json();
            let my_id = me["id"].as_i64().or(me["person"]["id"].as_i64());

            // 1. The trail as served: no security event, no protected filing or what follows,
            //    nothing of the reporter on the day.
            if let Some(trail) = all_items(&mut c, "/audit") {
                for e in &trail {
                    let action = e["action"].as_str().unwrap_or_default();
                    assert!(
                        !action.starts_with("sign_in") && action != "sign_out",
                        "{:?}: {who} reads a security event in the trail: {e}",
                        app.engine
                    );
                    assert!(
                        !(e["record_kind"] == "security_report"
                            && ids.iter().any(|id| e["record_id"] == *id)),
                        "{:?}: {who} reads a protected filing's entry: {e}",
                        app.engine
                    );
                    let about: Option<i64> = e["after"]
                        .as_str()
                        .and_then(|a| serde_json::from_str::<Value>(a).ok())
                        .and_then(|a| a["report_id"].as_i64());
                    assert!(
                        about.is_none_or(|r| !ids.contains(&r)),
                        "{:?}: {who} reads an event of a protected filing: {e}",
                        app.engine
                    );
                    assert_ne!(
                        e["actor_person_id"], staff_id,
                        "{:?}: {who} sees the reporter act in the trail: {e}",
                        app.engine
                    );
                    if e["record_kind"] == "person" && e["record_id"] == staff_id {
                        assert!(
                            !action.starts_with("sign_in")
                                && !action.starts_with("api_token")
                                && !action.contains("password")
                                && !action.contains("two_factor"),
                            "{:?}: {who} sees an account event of the reporter: {e}",
                            app.engine
                        );
                    }
                }
            }
            if let Some(days) = all_items(&mut c, "/audit/protected-reporting") {
                for d in &days {
                    let keys: Vec<&str> =
                        d.as_object().unwrap().keys().map(String::as_str).collect();
                    assert_eq!(
                        keys,
                        [
                            "action",
                            "count",
                            "day",
                            "owner_party_id",
                            "owner_party_name"
                        ],
                        "{who}: only counts per day: {d}"
                    );
                }
                if matches!(who, "director" | "npt.executive" | "npt.auditor") {
                    assert!(
                        days.iter().any(|d| d["action"] == "security_report.file"
                            && d["day"] == today()
                            && d["count"].as_i64().unwrap_or(0) >= 2),
                        "{who} sees today's filings as a count: {days:?}"
                    );
                }
            }
            // 2. The security log: only one's own events, unless the administrator.
            let log = all_items(&mut c, "/security-log").unwrap();
            if who != "admin" {
                assert!(
                    log.iter().all(|e| e["record_id"].as_i64() == my_id),
                    "{who} reads someone else's security events"
                );
            }
            // 3. Reports as served: only the handlers see a protected report's exact times.
            for id in ids {
                let reply = c.api("GET", &format!("/reports/{id}"), None);
                if reply.status != 200 {
                    assert_eq!(reply.status, 404, "{who}: {}", reply.body);
                    continue;
                }
                let v = reply.json();
                assert!(v["report"]["reporter_name"].is_null());
                assert!(!reply.body.contains(staff_name), "{who}: {}", reply.body);
                if who != "npt.handler" {
                    assert_eq!(v["report"]["times_to_the_day"], true, "{who}");
                    let filed = v["report"]["filed_at_ms"].as_i64().unwrap();
                    assert_eq!(filed % DAY_MS, 0, "{who} sees the filing time");
                    for m in v["messages"].as_array().unwrap() {
                        assert_eq!(m["created_at_ms"].as_i64().unwrap() % DAY_MS, 0, "{who}");
                    }
                }
            }
            if let Some(list) = all_items(&mut c, "/reports") {
                for r in list.iter().filter(|r| ids.iter().any(|id| r["id"] == *id)) {
                    if who != "npt.handler" {
                        assert_eq!(r["filed_at_ms"].as_i64().unwrap() % DAY_MS, 0, "{who}");
                    }
                }
            }
            // 4. Notifications: none names the reporter.
            let notes = c.api("GET", "/me/notifications", None);
            assert!(!notes.body.contains(staff_name), "{who}: {}", notes.body);
            // 5. Pages: the trail, its protected view, the home page.
            for page in [
                "/",
                "/audit",
                "/audit/confidential-reporting",
                "/security-log",
            ] {
                let reply = c.get(page);
                if page == "/audit/confidential-reporting" && who != "npt.staff" {
                    assert!(!reply.body.contains(staff_name), "{who} on {page}");
                }
                if page != "/security-log" {
                    assert!(
                        !reply.body.contains("sign_in."),
                        "{:?}: {who} sees sign-ins on {page}",
                        app.engine
                    );
                }
                for id in ids {
                    assert!(
                        !reply.body.contains(&format!("security_report {id}")),
                        "{who} sees the protected report on {page}"
                    );
                }
            }
        }
        // 6. Metrics: reporting routes are not counted at all.
        let mut scraper = app.client();
        scraper.bearer = Some(super::support::METRICS_TOKEN.into());
        let metrics = scraper.get("/metrics");
        assert!(metrics.body.contains("route=\"/api/v1/audit\""));
        for route in [
            "route=\"/api/v1/parties/{id}/reports\"",
            "route=\"/api/v1/reports",
            "route=\"/reports",
            "route=\"/receipt",
        ] {
            assert!(!metrics.body.contains(route), "{route}: {}", metrics.body);
        }
        // The chain still holds every entry.
        let verified = app.block(app.services.verify_audit_trail()).unwrap();
        assert!(
            matches!(verified, sems_storage::audit::Verification::Intact { .. }),
            "{verified:?}"
        );
    }
}

#[test]
fn the_accountable_executive_appoints_the_custodian_on_the_organisation_page() {
    for app in apps() {
        let npt = app.sql_count("SELECT id FROM parties WHERE code = 'NPT'");
        let staff = app.sql_count("SELECT id FROM people WHERE username = 'npt.staff'");
        let page = format!("/organisations/{npt}");
        // The security manager sees who the custodian is, but no form to change it.
        let mut security = app.signed_in("npt.security");
        let seen = security.get(&page);
        assert_eq!(seen.status, 200);
        assert!(seen.body.contains("Identity custodian") && seen.body.contains("Cyril Custodian"));
        assert!(!seen.body.contains("Appoint an identity custodian"));
        let staff_id = staff.to_string();
        let refused = security.form(
            &format!("/organisations/{npt}/appointments"),
            &[("person_id", staff_id.as_str()), ("note", "")],
            true,
        );
        assert_eq!(refused.status, 403, "{}", refused.body);
        // The accountable executive appoints; report handlers are not offered.
        let mut executive = app.signed_in("npt.executive");
        let form = executive.get(&page);
        assert!(form.body.contains("Appoint an identity custodian"));
        let handler = app.sql_count("SELECT id FROM people WHERE username = 'npt.handler'");
        assert!(!form.body.contains(&format!("<option value=\"{handler}\">")));
        let done = executive.form(
            &format!("/organisations/{npt}/appointments"),
            &[("person_id", staff_id.as_str()), ("note", "deputy")],
            true,
        );
        assert_eq!(done.status, 303, "{}", done.body);
        let after = executive.get(&page);
        assert!(after.body.contains("Stan Staff") && after.body.contains("in force"));
        assert_eq!(
            app.sql_count(&format!(
                "SELECT COUNT(*) FROM person_roles WHERE person_id = {staff} AND role = 'identity_custodian'"
            )),
            1
        );
        // Through the API: the security manager is refused, with the reason.
        let api = security.api(
            "POST",
            &format!("/people/{staff}/appointments"),
            Some(json!({ "duty": "identity_custodian" })),
        );
        assert_eq!(api.status, 403, "{}", api.body);
        assert!(api.body.contains("accountable executive"), "{}", api.body);
        let list = security
            .api("GET", &format!("/parties/{npt}/appointments"), None)
            .json();
        assert!(list["total"].as_i64().unwrap() >= 2);
    }
}

/// The administrator's grant of an authority role and a clearance waits for the director: on
/// the person page, in the director's list, and through the API; the director's decision
/// takes effect.
#[test]
fn an_authority_role_waits_for_the_directors_confirmation() {
    for app in apps() {
        let policy = app.sql_count("SELECT id FROM people WHERE username = 'policy'");
        let mut admin = app.signed_in("admin");
        let saved = admin.form(
            &format!("/people/{policy}"),
            &[
                ("display_name", "Paula Policy"),
                ("email", ""),
                ("roles", "policy_officer"),
                ("roles", "director"),
                ("clearance", "3"),
                ("active", "on"),
            ],
            true,
        );
        assert_eq!(saved.status, 303, "{}", saved.body);
        let page = admin.get(&format!("/people/{policy}?notice=held"));
        assert!(page.body.contains("Awaiting confirmation"), "{}", page.body);
        assert!(page.body.contains("waits for a director"));
        assert!(
            !page.body.contains("value=\"confirm\""),
            "the one who asked does not confirm"
        );
        assert_eq!(
            app.sql_count(&format!(
                "SELECT COUNT(*) FROM person_roles WHERE person_id = {policy} AND role = 'director'"
            )),
            0
        );
        // The director finds it in the list and confirms it through the API.
        let mut director = app.signed_in("director");
        let list = director.get("/people/grants");
        assert_eq!(list.status, 200);
        assert!(list.body.contains("Paula Policy") && list.body.contains("value=\"confirm\""));
        let grants = director.api("GET", "/grants", None).json();
        assert_eq!(grants["total"], 1);
        let id = grants["items"][0]["id"].as_i64().unwrap();
        assert_eq!(grants["items"][0]["clearance_name"], "SECRET");
        let refused = admin.api(
            "POST",
            &format!("/grants/{id}"),
            Some(json!({ "decision": "confirm" })),
        );
        assert_eq!(refused.status, 403, "{}", refused.body);
        let bad = director.api(
            "POST",
            &format!("/grants/{id}"),
            Some(json!({ "decision": "maybe" })),
        );
        assert_eq!(bad.status, 422, "{}", bad.body);
        let done = director.api(
            "POST",
            &format!("/grants/{id}"),
            Some(json!({ "decision": "confirm", "note": "Acting director during leave" })),
        );
        assert_eq!(done.status, 200, "{}", done.body);
        assert_eq!(done.json()["status"], "confirmed");
        assert_eq!(
            app.sql_count(&format!(
                "SELECT COUNT(*) FROM person_roles WHERE person_id = {policy} AND role = 'director'"
            )),
            1
        );
        assert_eq!(
            app.sql_count(&format!("SELECT clearance FROM people WHERE id = {policy}")),
            3
        );
    }
}
