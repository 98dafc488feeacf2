//! The pages: sign-in, CSRF on forms, escaping, security headers, navigation by role.

use super::support::{apps, spawn, Client, PASSWORD};

fn form_sign_in(c: &mut Client, username: &str) {
    let r = c.form(
        "/sign-in",
        &[
            ("username", username),
            ("password", PASSWORD),
            ("next", "/people"),
        ],
        false,
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/people"));
    let cookie = r.header("set-cookie").unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let me = c.api("GET", "/me", None).json();
    c.csrf = me["csrf_token"].as_str().map(str::to_string);
}

#[test]
fn sign_in_page_and_security_headers() {
    let app = spawn(sems_storage::Engine::Sqlite, Default::default());
    let mut c = app.client();
    let page = c.get("/sign-in");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<label for=\"username\">"));
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"));
    assert!(!page.body.contains("<script>"), "no inline script");
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert!(page.header("referrer-policy").is_some());

    let wrong = c.form(
        "/sign-in",
        &[
            ("username", "npt.staff"),
            ("password", "wrong wrong wrong"),
            ("next", "/"),
        ],
        false,
    );
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("wrong user name or password"));
    assert!(
        wrong.body.contains("value=\"npt.staff\""),
        "the user name is kept"
    );

    // An open redirect through `next` is refused.
    let r = c.form(
        "/sign-in",
        &[
            ("username", "npt.staff"),
            ("password", PASSWORD),
            ("next", "//evil.example/"),
        ],
        false,
    );
    assert_eq!(r.header("location"), Some("/"));
    let css = c.get("/assets/sems.css");
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert_eq!(c.get("/nowhere").status, 404);

    // A sign-in refused during a lockout says so, and when to try again.
    let attempt = |c: &mut Client| {
        c.form(
            "/sign-in",
            &[
                ("username", "npt.viewer"),
                ("password", "not the password"),
                ("next", "/"),
            ],
            false,
        )
    };
    let mut c = app.client();
    for _ in 0..5 {
        attempt(&mut c);
    }
    let locked = attempt(&mut c);
    assert_eq!(locked.status, 429);
    assert!(
        locked.body.contains("temporarily locked")
            && locked.body.contains("try again in 15 minute"),
        "{}",
        locked.body
    );
    let after = sems_domain::util::format_timestamp(sems_storage::now_ms() + 15 * 60_000);
    assert!(
        locked.body.contains(&format!("(after {}", &after[..13])),
        "{}",
        locked.body
    );
}

#[test]
fn forms_need_the_csrf_token_and_text_is_escaped() {
    for app in apps() {
        let mut c = app.client();
        form_sign_in(&mut c, "npt.security");
        let party = c.api("GET", "/me", None).json()["person"]["party_id"]
            .as_i64()
            .unwrap()
            .to_string();
        let before = app.sql_count("SELECT COUNT(*) FROM sites");
        let refused = c.form(
            "/sites",
            &[("party_id", &party), ("name", "No token")],
            false,
        );
        assert_eq!(refused.status, 403);
        assert!(refused.body.contains("CSRF"));
        assert_eq!(app.sql_count("SELECT COUNT(*) FROM sites"), before);

        let made = c.form(
            "/sites",
            &[
                ("party_id", &party),
                ("name", "<script>alert(1)</script>"),
                ("location", "Gate \"B\""),
            ],
            true,
        );
        assert_eq!(made.status, 303, "{}", made.body);
        let location = made.header("location").unwrap().to_string();
        let page = c.get(&location);
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "escaped"
        );
        assert!(!page.body.contains("<script>alert(1)"));
        let invalid = c.form("/sites", &[("party_id", &party), ("name", "")], true);
        assert_eq!(invalid.status, 422);
        assert!(invalid.body.contains("must not be empty"));
    }
}

#[test]
fn navigation_and_pages_follow_the_roles() {
    for app in apps() {
        let mut staff = app.client();
        form_sign_in(&mut staff, "npt.staff");
        let home = staff.get("/");
        assert_eq!(home.status, 200);
        assert!(home.body.contains("Welcome, Stan Staff"));
        assert!(
            !home.body.contains("href=\"/audit\""),
            "staff have no audit trail link"
        );
        assert!(!home.body.contains("href=\"/people\""));
        assert_eq!(staff.get("/organisations/new").status, 403);

        let mut auditor = app.client();
        form_sign_in(&mut auditor, "npt.auditor");
        let home = auditor.get("/");
        assert!(home.body.contains("href=\"/audit\""));
        // The trail is long (every module's demo story): filtered to one action.
        let trail = auditor.get("/audit?action=site.create");
        assert_eq!(trail.status, 200);
        assert!(trail.body.contains("site.create"));

        // The security manager runs the organisation's SeMS and reads its trail.
        let mut manager = app.client();
        form_sign_in(&mut manager, "npt.security");
        assert!(manager.get("/").body.contains("href=\"/audit\""));
        let trail = manager.get("/audit?action=site.create");
        assert_eq!(trail.status, 200);
        assert!(trail.body.contains("site.create"));

        let mut director = app.client();
        form_sign_in(&mut director, "director");
        let orgs = director.get("/organisations?q=north");
        assert!(orgs.body.contains("Northport International Airport"));
        assert!(!orgs.body.contains("Skyline Airways"));
        let sky_id = app.sql_count("SELECT id FROM parties WHERE code = 'SKY'");
        let sky = director.get(&format!("/organisations/{sky_id}"));
        assert!(
            sky.body.contains("Kai Executive") && sky.body.contains("Sky Security"),
            "nominations shown"
        );

        let mut admin = app.client();
        form_sign_in(&mut admin, "admin");
        let made = admin.form(
            "/organisations",
            &[
                ("kind", "security_service_provider"),
                ("name", "Guardian Screening"),
                ("code", "GSP"),
            ],
            true,
        );
        assert_eq!(made.status, 303, "{}", made.body);
        let dup = admin.form(
            "/organisations",
            &[
                ("kind", "security_service_provider"),
                ("name", "Guardian Again"),
                ("code", "GSP"),
            ],
            true,
        );
        assert_eq!(dup.status, 409);
        assert!(dup.body.contains("already has this code"));

        // Pages of another organisation's records: not found.
        let mut sm = app.client();
        form_sign_in(&mut sm, "npt.security");
        let sky_site = app.sql_count(&format!(
            "SELECT MIN(id) FROM sites WHERE owner_party_id = {sky_id}"
        ));
        assert_eq!(sm.get(&format!("/sites/{sky_site}")).status, 404);
        let sky_person = app.sql_count(&format!(
            "SELECT MIN(id) FROM people WHERE owner_party_id = {sky_id}"
        ));
        assert_eq!(sm.get(&format!("/people/{sky_person}")).status, 404);
        let r = sm.form(
            &format!("/people/{sky_person}"),
            &[("display_name", "Hacked"), ("roles", "staff")],
            true,
        );
        assert_eq!(r.status, 404);
        assert_eq!(
            app.sql_count("SELECT COUNT(*) FROM people WHERE display_name = 'Hacked'"),
            0
        );

        // Profile: a token is shown once.
        let token = sm.form(
            "/profile/tokens",
            &[
                ("name", "laptop"),
                ("read_only", "on"),
                ("password", PASSWORD),
            ],
            true,
        );
        assert_eq!(token.status, 200);
        assert!(token.body.contains("shown this once"));
        let again = sm.get("/profile");
        assert!(again.body.contains("laptop") && !again.body.contains("shown this once"));

        let out = sm.form("/sign-out", &[], true);
        assert_eq!(out.status, 303);
        assert_eq!(sm.get("/").status, 303);
    }
}

#[test]
fn people_list_is_paginated_and_filtered_in_the_database() {
    let app = spawn(sems_storage::Engine::Sqlite, Default::default());
    let done = app
        .block(
            app.services
                .generate(sems_services::generate::GenerateParams {
                    organisations: 3,
                    people_per_org: 60,
                    years: 2,
                    scenarios: 0,
                    activities_per_year: 0,
                    reports_per_year: 0,
                    personnel_per_org: 0,
                    items_per_year: 0,
                    seed: 7,
                }),
        )
        .unwrap();
    assert_eq!(done.organisations, 3);
    let mut admin = app.signed_in("admin");
    let page1 = admin.api("GET", "/people?per_page=25", None).json();
    assert_eq!(page1["items"].as_array().unwrap().len(), 25);
    assert!(page1["total"].as_i64().unwrap() > 180);
    let page2 = admin.api("GET", "/people?per_page=25&page=2", None).json();
    assert_ne!(page1["items"][0]["id"], page2["items"][0]["id"]);
    let managers = admin
        .api("GET", "/people?role=security_manager&per_page=200", None)
        .json();
    assert!(managers["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "security_manager")));
    let html = admin.get("/people?role=security_manager");
    assert!(html.body.contains("Next page") || managers["total"].as_i64().unwrap() <= 50);
}

#[test]
fn two_factor_setup_shows_a_scannable_code_and_turns_on() {
    let app = spawn(sems_storage::Engine::Sqlite, Default::default());
    let mut c = app.client();
    form_sign_in(&mut c, "npt.training");
    assert_eq!(c.form("/profile/two-factor", &[], true).status, 303);
    let page = c.get("/profile");
    assert!(
        page.body.contains("<svg") && page.body.contains("aria-label=\"QR code"),
        "QR code shown"
    );
    let secret_b32 = page
        .body
        .split("id=\"totp-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .trim()
        .to_string();
    let secret = sems_domain::totp::base32_decode(&secret_b32).unwrap();
    let wrong = c.form(
        "/profile/two-factor/enable",
        &[("code", "000000"), ("password", PASSWORD)],
        true,
    );
    assert_eq!(wrong.status, 422);
    let code = sems_domain::totp::code_at(&secret, sems_storage::now_ms() / 1000);
    let ok = c.form(
        "/profile/two-factor/enable",
        &[("code", &code), ("password", PASSWORD)],
        true,
    );
    assert_eq!(ok.status, 303);
    assert!(c
        .get("/profile")
        .body
        .contains("Each sign-in asks for a code"));
}

#[test]
fn sign_in_never_redirects_through_control_characters() {
    let app = spawn(sems_storage::Engine::Sqlite, Default::default());
    for next in ["/\t/other-host/", "/\n/x", "/\r\nSet-Cookie: a=b"] {
        let mut c = app.client();
        let r = c.form(
            "/sign-in",
            &[
                ("username", "npt.staff"),
                ("password", PASSWORD),
                ("next", next),
            ],
            false,
        );
        assert_eq!(r.status, 303, "{next:?}: {}", r.body);
        assert_eq!(r.header("location"), Some("/"), "{next:?}");
    }
}

#[test]
fn sign_in_cannot_be_forged_from_another_site() {
    let app = spawn(sems_storage::Engine::Sqlite, Default::default());
    let body = format!(
        "username=npt.staff&password={}&next=%2F",
        PASSWORD.replace(' ', "+")
    );
    // Without the pre-session token (a form on another site cannot read it, and its post
    // arrives without the SameSite cookie): refused, and no session.
    let mut c = app.client();
    let forged = c.post_raw(
        "/sign-in",
        "application/x-www-form-urlencoded",
        &[],
        body.as_bytes(),
    );
    assert_eq!(forged.status, 403, "{}", forged.body);
    assert!(c.cookie.is_none());
    // With the token but from a foreign or a null origin: refused.
    for origin in ["null", "http://evil.example"] {
        let mut c = app.client();
        let page = c.get("/sign-in");
        let token = page
            .body
            .split("name=\"csrf_token\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .to_string();
        let signed = c.post_raw(
            "/sign-in",
            "application/x-www-form-urlencoded",
            &[("Origin", origin)],
            format!("{body}&csrf_token={token}").as_bytes(),
        );
        assert_eq!(signed.status, 403, "{origin}: {}", signed.body);
        assert!(c.cookie.is_none(), "{origin}");
    }
    // The page's own form signs in.
    let mut c = app.client();
    let ok = c.form(
        "/sign-in",
        &[
            ("username", "npt.staff"),
            ("password", PASSWORD),
            ("next", "/"),
        ],
        false,
    );
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert!(c.cookie.is_some());
}

#[test]
fn a_page_asked_for_with_a_bad_query_string_explains_it_on_a_page() {
    for app in apps() {
        let mut sm = app.signed_in("npt.security");
        let bad = sm.get("/risk/register?page=first");
        assert_eq!(bad.status, 400);
        assert!(bad
            .header("content-type")
            .unwrap_or("")
            .starts_with("text/html"));
        assert!(bad.body.contains("does not know"), "{}", bad.body);
        assert!(bad.body.contains("page"), "names the parameter");
    }
}

/// The links of the home page's "What needs you" card, in order.
fn agenda_links(body: &str) -> Vec<String> {
    let Some((_, card)) = body.split_once("id=\"agenda-h\"") else {
        return Vec::new();
    };
    let card = card.split("</section>").next().unwrap_or("");
    card.split("<li><a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_string))
        .collect()
}

#[test]
fn each_home_page_says_what_awaits_that_person_and_every_line_opens_its_record() {
    let app = spawn(sems_storage::Engine::Sqlite, Default::default());
    // The security manager of the demo airport: reports to triage, findings awaiting a plan,
    // risk reviews and an overdue action, each a record it may open.
    let mut sm = app.client();
    form_sign_in(&mut sm, "npt.security");
    let home = sm.get("/").body;
    for heading in [
        "What needs you",
        "Reports to triage",
        "Findings awaiting your plan or completion",
        "Overdue corrective actions",
    ] {
        assert!(home.contains(heading), "{heading}: {home}");
    }
    let links = agenda_links(&home);
    assert!(links.len() >= 4, "{links:?}");
    assert!(links.iter().any(|l| l.starts_with("/reports/")));
    assert!(links.iter().any(|l| l.starts_with("/oversight/findings/")));
    assert!(links.iter().any(|l| l.starts_with("/actions/")));
    for link in &links {
        assert_eq!(sm.get(link).status, 200, "{link}");
    }
    // The late ones first: the overdue action's section comes before the reports to triage.
    let late = home.find("Overdue corrective actions").unwrap();
    assert!(late < home.find("Reports to triage").unwrap());

    // The inspector: the plan submitted on the demo's level 1 finding is accepted already, so
    // a submitted one shows once the airport submits its plan for the level 2.
    let mut inspector = app.client();
    form_sign_in(&mut inspector, "inspector");
    assert!(!inspector.get("/").body.contains("Plans to review"));
    let level_2 = app.sql_count(
        "SELECT id FROM findings WHERE level = 'level_2' AND status = 'open' \
         AND owner_party_id = (SELECT id FROM parties WHERE code = 'NPT')",
    );
    let submitted = sm.api(
        "POST",
        &format!("/oversight/findings/{level_2}/cap"),
        Some(serde_json::json!({
            "root_cause": "No permit list at the vehicle gate",
            "actions": "The permit list on a tablet at the gate",
            "due_on": "2030-01-01"
        })),
    );
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    let home = inspector.get("/").body;
    assert!(home.contains("Plans to review"), "{home}");
    let links = agenda_links(&home);
    assert!(
        links.contains(&format!("/oversight/findings/{level_2}")),
        "{links:?}"
    );
    for link in &links {
        assert_eq!(inspector.get(link).status, 200, "{link}");
    }

    // Staff: nothing to manage.
    let mut staff = app.client();
    form_sign_in(&mut staff, "npt.staff");
    let home = staff.get("/").body;
    assert!(agenda_links(&home).is_empty());
    assert!(home.contains("Nothing awaits you today."));
    // Their reports: filed and followed with their receipts, which the device may keep.
    assert!(home.contains("Follow a report with its receipt"));
    assert!(home.contains("data-kept-receipts=\"home-receipt\""));
    let mut director = app.client();
    form_sign_in(&mut director, "director");
    assert!(!director.get("/").body.contains("Your reports"));
}

#[test]
fn the_directors_home_is_a_national_overview_whose_charts_open_their_lists() {
    let app = spawn(sems_storage::Engine::Sqlite, Default::default());
    let mut director = app.client();
    form_sign_in(&mut director, "director");
    let home = director.get("/").body;
    assert!(home.contains("National overview"), "{home}");
    for chart in ["overview-ei", "overview-occurrences", "overview-risk"] {
        assert!(
            home.contains(&format!("<svg class=\"bars {chart}\"")),
            "{chart}"
        );
    }
    let (_, card) = home.split_once("id=\"overview-h\"").unwrap();
    let card = card.split("id=\"agenda-h\"").next().unwrap();
    let links: Vec<&str> = card
        .split("<a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(links.len(), 5, "{links:?}");
    for link in links {
        assert_eq!(
            director.get(&link.replace("&amp;", "&")).status,
            200,
            "{link}"
        );
    }
    let mut sm = app.client();
    form_sign_in(&mut sm, "npt.security");
    assert!(!sm.get("/").body.contains("National overview"));
}

#[test]
fn the_header_search_finds_records_across_modules() {
    let app = spawn(sems_storage::Engine::Sqlite, Default::default());
    let mut sm = app.client();
    form_sign_in(&mut sm, "npt.security");
    let home = sm.get("/").body;
    assert!(
        home.contains("action=\"/search\""),
        "a search in the header"
    );
    let page = sm.get("/search?q=NAT-07");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Threat scenarios"), "{}", page.body);
    assert!(
        page.body.contains("value=\"NAT-07\""),
        "the words stay in the box"
    );
    let links: Vec<String> = page
        .body
        .split("<li><a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_string))
        .collect();
    assert!(!links.is_empty());
    for link in &links {
        assert_eq!(sm.get(link).status, 200, "{link}");
    }
    assert!(sm
        .get("/search?q=zyxwvu")
        .body
        .contains("Nothing you may read matches"));
    let api = sm.api("GET", "/search?q=staff%20door", None);
    assert_eq!(api.status, 200);
    assert!(api.body.contains("Findings"), "{}", api.body);
}
