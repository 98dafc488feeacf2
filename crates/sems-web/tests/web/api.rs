//! The JSON API: authentication, the access rule, bad input, tokens, two-factor, nominations.

use super::support::{apps, Client, PASSWORD};
use serde_json::json;

fn id_of(c: &mut Client, path: &str, pred: impl Fn(&serde_json::Value) -> bool) -> i64 {
    let list = c.api("GET", path, None);
    assert_eq!(list.status, 200, "{}", list.body);
    list.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| pred(v))
        .unwrap_or_else(|| panic!("nothing matches in {path}: {}", list.body))["id"]
        .as_i64()
        .unwrap()
}

#[test]
fn sign_in_refusals_and_lockout_are_clear_and_recorded() {
    for app in apps() {
        let mut c = app.client();
        let wrong = c.sign_in("npt.security", "not the password at all");
        assert_eq!(wrong.status, 401, "{:?}", app.engine);
        assert_eq!(
            wrong.header("content-type"),
            Some("application/problem+json")
        );
        assert!(wrong.json()["detail"]
            .as_str()
            .unwrap()
            .contains("wrong user name or password"));
        let unknown = c.sign_in("nobody.here", "whatever it is");
        assert_eq!(unknown.status, 401);
        assert_eq!(
            unknown.json()["detail"],
            wrong.json()["detail"],
            "unknown and known names look alike"
        );

        // The fifth failure locks the name; even the right password is refused while locked.
        for _ in 0..3 {
            assert_eq!(c.sign_in("npt.analyst", "wrong password here").status, 401);
        }
        let _ = c.sign_in("npt.analyst", "wrong password here");
        let locked = c.sign_in("npt.analyst", "wrong password here");
        assert_eq!(locked.status, 429, "{}", locked.body);
        assert!(locked.header("retry-after").is_some());
        let said = locked.json()["detail"].as_str().unwrap_or("").to_string();
        assert!(
            said.contains("temporarily locked") && said.contains("try again in 15 minute"),
            "{said}"
        );
        assert_eq!(c.sign_in("npt.analyst", PASSWORD).status, 429);
        // An unknown name is locked the same way, and says the same.
        for _ in 0..5 {
            let _ = c.sign_in("nobody.here", "whatever it is");
        }
        let unknown_locked = c.sign_in("nobody.here", "whatever it is");
        assert_eq!(unknown_locked.status, 429);
        assert_eq!(unknown_locked.json()["detail"], locked.json()["detail"]);
        assert!(c.cookie.is_none());

        // Recorded in the security log (the administrator's), never in the trail.
        let mut admin = app.signed_in("admin");
        let log = admin
            .api("GET", "/security-log?action=sign_in.locked", None)
            .json();
        assert!(
            log["total"].as_i64().unwrap() >= 1,
            "lockout recorded: {log}"
        );
        let failed = admin
            .api("GET", "/security-log?action=sign_in.failed", None)
            .json();
        assert!(failed["total"].as_i64().unwrap() >= 6);
        let mut director = app.signed_in("director");
        let trail = director.api("GET", "/audit?action=sign_in", None).json();
        assert_eq!(trail["total"], 0, "not in the trail: {trail}");
        // The locked-out person reads their own events.
        let mut analyst = app.signed_in("npt.security");
        let own = analyst.api("GET", "/security-log", None).json();
        assert!(own["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["action"] != "sign_in.locked"));
    }
}

#[test]
fn sessions_need_csrf_for_writes_and_expire() {
    for app in apps() {
        let mut c = app.signed_in("npt.security");
        let me = c.api("GET", "/me", None).json();
        let party = me["person"]["party_id"].as_i64().unwrap();
        let sites_before = app.sql_count("SELECT COUNT(*) FROM sites");

        let csrf = c.csrf.take();
        let no_token = c.api(
            "POST",
            &format!("/parties/{party}/sites"),
            Some(json!({"name": "Gate A"})),
        );
        assert_eq!(no_token.status, 403, "{}", no_token.body);
        assert!(no_token.body.contains("CSRF"));
        c.csrf = Some("0".repeat(64));
        assert_eq!(
            c.api(
                "POST",
                &format!("/parties/{party}/sites"),
                Some(json!({"name": "Gate A"}))
            )
            .status,
            403
        );
        assert_eq!(
            app.sql_count("SELECT COUNT(*) FROM sites"),
            sites_before,
            "nothing changed"
        );
        c.csrf = csrf;
        let ok = c.api(
            "POST",
            &format!("/parties/{party}/sites"),
            Some(json!({"name": "Gate A", "location": "Pier 1"})),
        );
        assert_eq!(ok.status, 201, "{}", ok.body);

        // A cross-origin form post is refused even with a valid session.
        let cross = ureq::post(&format!("{}/sign-out", app.base))
            .set(
                "Cookie",
                &format!("sems_session={}", c.cookie.clone().unwrap()),
            )
            .set("Origin", "http://evil.example")
            .send_form(&[]);
        assert!(matches!(cross, Err(ureq::Error::Status(403, _))));

        // An expired session is no session.
        app.sql("UPDATE sessions SET expires_at_ms = 0");
        let expired = c.api("GET", "/me", None);
        assert_eq!(expired.status, 401);
        let page = c.get("/people");
        assert_eq!(page.status, 303);
        assert!(page
            .header("location")
            .unwrap()
            .starts_with("/sign-in?next=/people"));
    }
}

#[test]
fn roles_and_parties_bound_what_each_person_reaches() {
    for app in apps() {
        let mut sm = app.signed_in("npt.security");
        let npt = sm.api("GET", "/me", None).json()["person"]["party_id"]
            .as_i64()
            .unwrap();
        let mut sky = app.signed_in("sky.security");
        let sky_site = id_of(&mut sky, "/sites", |_| true);
        let sky_party = sky.api("GET", "/me", None).json()["person"]["party_id"]
            .as_i64()
            .unwrap();

        // Another organisation's record by id: not found, and nothing changes.
        let read = sm.api("GET", &format!("/sites/{sky_site}"), None);
        assert_eq!(read.status, 404, "{}", read.body);
        let write = sm.api(
            "PATCH",
            &format!("/sites/{sky_site}"),
            Some(json!({"name": "Hijacked"})),
        );
        assert_eq!(write.status, 404);
        assert_eq!(
            app.sql_count(&format!(
                "SELECT COUNT(*) FROM sites WHERE name = 'Hijacked' AND id = {sky_site}"
            )),
            0
        );
        assert_eq!(
            sm.api(
                "POST",
                &format!("/parties/{sky_party}/sites"),
                Some(json!({"name": "X"}))
            )
            .status,
            404
        );
        let listed = sm.api("GET", "/sites", None).json();
        assert!(listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["party_id"] == npt));

        // A role without the action: forbidden, nothing changes.
        let mut staff = app.signed_in("npt.staff");
        let denied = staff.api(
            "POST",
            &format!("/parties/{npt}/sites"),
            Some(json!({"name": "Staff site"})),
        );
        assert_eq!(denied.status, 403, "{}", denied.body);
        assert!(denied.json()["detail"]
            .as_str()
            .unwrap()
            .contains("roles do not allow"));
        assert_eq!(
            app.sql_count("SELECT COUNT(*) FROM sites WHERE name = 'Staff site'"),
            0
        );
        let people = staff.api("GET", "/people", None).json();
        assert_eq!(people["total"], 1, "staff see only themselves: {people}");
        let mut viewer = app.signed_in("npt.viewer");
        let new_person = json!({"party_id": npt, "username": "viewer.made", "display_name": "V", "password": "long enough passphrase", "roles": ["staff"]});
        assert_eq!(
            viewer
                .api("POST", "/people", Some(new_person.clone()))
                .status,
            403
        );
        assert_eq!(sm.api("POST", "/people", Some(new_person)).status, 201);

        // The security manager cannot hand out the administrator role or a higher clearance.
        let admin_grab = json!({"party_id": npt, "username": "grab.admin", "display_name": "G", "password": "long enough passphrase", "roles": ["administrator"]});
        assert_eq!(sm.api("POST", "/people", Some(admin_grab)).status, 403);
        let too_high = json!({"party_id": npt, "username": "grab.secret", "display_name": "G", "password": "long enough passphrase", "roles": ["staff"], "clearance": "SECRET"});
        assert_eq!(sm.api("POST", "/people", Some(too_high)).status, 403);

        // The authority reads every organisation, but does not edit its sites.
        let mut inspector = app.signed_in("inspector");
        assert_eq!(
            inspector
                .api("GET", &format!("/sites/{sky_site}"), None)
                .status,
            200
        );
        assert_eq!(
            inspector
                .api(
                    "PATCH",
                    &format!("/sites/{sky_site}"),
                    Some(json!({"name": "Renamed"}))
                )
                .status,
            403
        );

        // The administrator registers organisations; nobody else does.
        let org = json!({"kind": "in_flight_supplies", "name": "Cloud Catering", "code": "CLC"});
        assert_eq!(sm.api("POST", "/parties", Some(org.clone())).status, 403);
        let mut admin = app.signed_in("admin");
        assert_eq!(admin.api("POST", "/parties", Some(org.clone())).status, 201);
        assert_eq!(
            admin.api("POST", "/parties", Some(org)).status,
            409,
            "duplicate code"
        );
    }
}

/// Announces a 2 MiB JSON body and reads the answer before sending it all (the server answers
/// from the announced length, then closes the connection).
fn too_large(c: &Client, path: &str) -> u16 {
    use std::io::{Read, Write};
    let addr = c.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let head = format!(
        "POST /api/v1{path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nCookie: sems_session={}\r\nX-CSRF-Token: {}\r\n\r\n{{\"name\": \"",
        2 * 1024 * 1024,
        c.cookie.clone().unwrap_or_default(),
        c.csrf.clone().unwrap_or_default()
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut answer = [0u8; 12];
    stream.read_exact(&mut answer).unwrap();
    String::from_utf8_lossy(&answer[9..12]).parse().unwrap()
}

#[test]
fn bad_json_gets_a_clear_problem_and_changes_nothing() {
    for app in apps() {
        let mut sm = app.signed_in("npt.security");
        let npt = sm.api("GET", "/me", None).json()["person"]["party_id"]
            .as_i64()
            .unwrap();
        let path = format!("/parties/{npt}/sites");
        let before = app.sql_count("SELECT COUNT(*) FROM sites");
        let entries = app.sql_count("SELECT COUNT(*) FROM audit_entries");

        let malformed = sm.api_raw("POST", &path, "application/json", b"{\"name\": ");
        assert_eq!(malformed.status, 400, "{}", malformed.body);
        assert!(malformed.json()["detail"]
            .as_str()
            .unwrap()
            .contains("malformed JSON"));
        let unknown = sm.api("POST", &path, Some(json!({"name": "T9", "colour": "red"})));
        assert_eq!(unknown.status, 422);
        assert!(
            unknown.json()["detail"]
                .as_str()
                .unwrap()
                .contains("colour"),
            "{}",
            unknown.body
        );
        let missing = sm.api("POST", &path, Some(json!({"location": "nowhere"})));
        assert_eq!(missing.status, 422);
        let wrong_type = sm.api_raw("POST", &path, "text/plain", b"name=T9");
        assert_eq!(wrong_type.status, 415);
        assert_eq!(too_large(&sm, &path), 413);
        let empty_name = sm.api("POST", &path, Some(json!({"name": "   "})));
        assert_eq!(empty_name.status, 422);
        assert_eq!(empty_name.json()["errors"][0]["field"], "name");
        let bad_query = sm.api("GET", "/sites?page=abc", None);
        assert_eq!(bad_query.status, 400);
        let unknown_param = sm.api("GET", "/sites?colour=red", None);
        assert_eq!(unknown_param.status, 400);

        assert_eq!(app.sql_count("SELECT COUNT(*) FROM sites"), before);
        assert_eq!(
            app.sql_count("SELECT COUNT(*) FROM audit_entries"),
            entries,
            "no audit entry for a refused request"
        );
    }
}

#[test]
fn every_write_is_in_the_audit_trail_with_before_and_after() {
    for app in apps() {
        let mut sm = app.signed_in("npt.security");
        let npt = sm.api("GET", "/me", None).json()["person"]["party_id"]
            .as_i64()
            .unwrap();
        let site = sm
            .api(
                "POST",
                &format!("/parties/{npt}/sites"),
                Some(json!({"name": "Fuel farm"})),
            )
            .json();
        let id = site["id"].as_i64().unwrap();
        sm.api(
            "PATCH",
            &format!("/sites/{id}"),
            Some(json!({"location": "East perimeter"})),
        );
        let mut auditor = app.signed_in("npt.auditor");
        let trail = auditor
            .api(
                "GET",
                &format!("/audit?record_kind=site&record_id={id}"),
                None,
            )
            .json();
        let items = trail["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{trail}");
        assert_eq!(items[0]["action"], "site.update");
        assert!(items[0]["before"]
            .as_str()
            .unwrap()
            .contains("\"location\":\"\""));
        assert!(items[0]["after"]
            .as_str()
            .unwrap()
            .contains("East perimeter"));
        assert_eq!(items[1]["action"], "site.create");
        // The auditor of another organisation does not see these entries.
        let mut sky = app.signed_in("sky.security");
        let other = sky
            .api(
                "GET",
                &format!("/audit?record_kind=site&record_id={id}"),
                None,
            )
            .json();
        assert_eq!(other["total"], 0);
        // The inspector oversees the airport and sees them; staff see nothing.
        let mut inspector = app.signed_in("inspector");
        assert_eq!(
            inspector
                .api(
                    "GET",
                    &format!("/audit?record_kind=site&record_id={id}"),
                    None
                )
                .json()["total"],
            2
        );
        let mut staff = app.signed_in("npt.staff");
        assert_eq!(staff.api("GET", "/audit", None).json()["total"], 0);
        assert_eq!(
            app.block(app.services.verify_audit_trail()).unwrap(),
            sems_storage::audit::Verification::Intact {
                entries: app.sql_count("SELECT COUNT(*) FROM audit_entries") as u64
            }
        );
    }
}

#[test]
fn nominations_end_the_previous_one_and_notify_the_authority() {
    for app in apps() {
        let mut exec = app.signed_in("npt.executive");
        let npt = exec.api("GET", "/me", None).json()["person"]["party_id"]
            .as_i64()
            .unwrap();
        let newcomer = exec.api(
            "POST",
            "/people",
            Some(json!({
                "party_id": npt, "username": "npt.newsm", "display_name": "New Manager",
                "password": "a long new passphrase", "roles": ["security_manager"]
            })),
        );
        assert_eq!(newcomer.status, 201, "{}", newcomer.body);
        let newcomer = newcomer.json()["id"].as_i64().unwrap();
        let staff_id = id_of(&mut exec, "/people?role=staff", |_| true);
        let wrong_role = exec.api("POST", &format!("/parties/{npt}/nominations"), Some(json!({"position": "security_manager", "person_id": staff_id, "starts_on": "2026-06-01"})));
        assert_eq!(wrong_role.status, 422, "{}", wrong_role.body);
        let bad_date = exec.api("POST", &format!("/parties/{npt}/nominations"), Some(json!({"position": "security_manager", "person_id": newcomer, "starts_on": "2026-13-01"})));
        assert_eq!(bad_date.status, 422);
        let made = exec.api("POST", &format!("/parties/{npt}/nominations"), Some(json!({"position": "security_manager", "person_id": newcomer, "starts_on": "2026-06-01", "note": "Succession"})));
        assert_eq!(made.status, 201, "{}", made.body);

        let all = exec
            .api("GET", &format!("/nominations?party_id={npt}"), None)
            .json();
        let previous = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["person_name"] == "Sam Security")
            .unwrap()
            .clone();
        assert_eq!(previous["ends_on"], "2026-05-31");
        let current = exec
            .api(
                "GET",
                &format!("/nominations?party_id={npt}&current_on=2026-07-01"),
                None,
            )
            .json();
        assert!(current["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["person_name"] == "New Manager"));

        let mut director = app.signed_in("director");
        let notes = director.api("GET", "/me/notifications", None).json();
        assert!(
            notes
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["message"].as_str().unwrap().contains("New Manager")),
            "{notes}"
        );
        let seen = director.api("GET", "/nominations", None).json();
        assert!(
            seen["total"].as_i64().unwrap() >= 7,
            "the authority sees every organisation's nominations"
        );
        assert_eq!(director.api("POST", &format!("/parties/{npt}/nominations"), Some(json!({"position": "security_manager", "person_id": newcomer, "starts_on": "2026-08-01"}))).status, 403);
        let mut sky = app.signed_in("sky.security");
        assert_eq!(
            sky.api("GET", &format!("/nominations?party_id={npt}"), None)
                .json()["total"],
            0
        );
    }
}

#[test]
fn api_tokens_carry_at_most_the_owners_rights() {
    for app in apps() {
        let mut sm = app.signed_in("npt.security");
        let npt = sm.api("GET", "/me", None).json()["person"]["party_id"]
            .as_i64()
            .unwrap();
        let ro = sm
            .api(
                "POST",
                "/me/tokens",
                Some(json!({"name": "reporting", "read_only": true, "password": PASSWORD})),
            )
            .json();
        let rw = sm
            .api(
                "POST",
                "/me/tokens",
                Some(json!({"name": "sync", "read_only": false, "expires_in_days": 30, "password": PASSWORD})),
            )
            .json();
        let ro_token = ro["token"].as_str().unwrap().to_string();
        let rw_token = rw["token"].as_str().unwrap().to_string();
        assert!(ro_token.starts_with("sems_"));
        assert_eq!(
            app.sql_count(&format!(
                "SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{ro_token}'"
            )),
            0,
            "stored hashed"
        );

        let mut machine = app.client();
        machine.bearer = Some(ro_token.clone());
        assert_eq!(machine.api("GET", "/me", None).status, 200);
        assert_eq!(machine.api("GET", "/sites", None).status, 200);
        let write = machine.api(
            "POST",
            &format!("/parties/{npt}/sites"),
            Some(json!({"name": "By token"})),
        );
        assert_eq!(write.status, 403, "{}", write.body);
        let listed = sm.api("GET", "/me/tokens", None).json();
        assert!(listed
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "reporting" && !t["last_used_ms"].is_null()));
        assert!(
            !listed.to_string().contains(&ro_token),
            "the token is never shown again"
        );

        machine.bearer = Some(rw_token.clone());
        assert_eq!(
            machine
                .api(
                    "POST",
                    &format!("/parties/{npt}/sites"),
                    Some(json!({"name": "By token"}))
                )
                .status,
            201
        );
        // The token has the owner's rights, not more.
        assert_eq!(
            machine
                .api(
                    "POST",
                    "/parties",
                    Some(json!({"kind": "other", "name": "Nope", "code": "NOPE"}))
                )
                .status,
            403
        );

        let id = rw["record"]["id"].as_i64().unwrap();
        assert_eq!(
            sm.api("DELETE", &format!("/me/tokens/{id}"), None).status,
            204
        );
        assert_eq!(machine.api("GET", "/me", None).status, 401);
        machine.bearer = Some("sems_not_a_real_token".into());
        assert_eq!(machine.api("GET", "/me", None).status, 401);
    }
}

#[test]
fn wrong_second_factor_codes_end_the_pending_session_and_lock_the_account() {
    for app in apps() {
        let mut c = app.signed_in("npt.viewer");
        let setup = c.api("POST", "/me/two-factor", None).json();
        let secret = sems_domain::totp::base32_decode(setup["secret"].as_str().unwrap()).unwrap();
        let now = sems_storage::now_ms() / 1000;
        let on = c.api(
            "POST",
            "/me/two-factor/enable",
            Some(json!({"code": sems_domain::totp::code_at(&secret, now), "password": PASSWORD})),
        );
        assert_eq!(on.status, 204);
        c.api("DELETE", "/session", None);
        let right = sems_domain::totp::code_at(&secret, now + 30);
        let wrong = if right == "000000" {
            "111111"
        } else {
            "000000"
        };
        // Four wrong codes, then the password again: the count is not reset.
        let mut a = app.client();
        assert_eq!(
            a.sign_in("npt.viewer", PASSWORD).json()["two_factor_required"],
            true
        );
        for _ in 0..4 {
            let r = a.api("POST", "/session/two-factor", Some(json!({"code": wrong})));
            assert_eq!(r.status, 401, "{}", r.body);
        }
        let mut b = app.client();
        assert_eq!(b.sign_in("npt.viewer", PASSWORD).status, 200);
        // The fifth wrong code locks the account and ends the pending session.
        let fifth = b.api("POST", "/session/two-factor", Some(json!({"code": wrong})));
        assert_eq!(fifth.status, 429, "{}", fifth.body);
        let after = b.api("POST", "/session/two-factor", Some(json!({"code": right})));
        assert_ne!(
            after.status, 200,
            "the right code no longer works: {}",
            after.body
        );
        assert_eq!(b.sign_in("npt.viewer", PASSWORD).status, 429, "locked");
        let mut admin = app.signed_in("admin");
        let log = admin
            .api("GET", "/security-log?action=sign_in.locked", None)
            .json();
        assert!(log["items"].as_array().unwrap().iter().any(|e| e["after"]
            .as_str()
            .unwrap_or("")
            .contains("two-factor codes")));
    }
}

#[test]
fn credentials_die_together_and_need_the_password_again() {
    for app in apps() {
        let mut c = app.signed_in("npt.analyst");
        // A token needs the current password.
        for body in [
            json!({"name": "sync"}),
            json!({"name": "sync", "password": "not my password"}),
        ] {
            let refused = c.api("POST", "/me/tokens", Some(body));
            assert!(
                refused.status == 422 || refused.status == 400,
                "{}",
                refused.body
            );
        }
        assert_eq!(
            app.sql_count("SELECT COUNT(*) FROM api_tokens"),
            0,
            "nothing issued"
        );
        let token = c
            .api(
                "POST",
                "/me/tokens",
                Some(json!({"name": "sync", "password": PASSWORD})),
            )
            .json()["token"]
            .as_str()
            .unwrap()
            .to_string();
        let mut machine = app.client();
        machine.bearer = Some(token);
        assert_eq!(machine.api("GET", "/me", None).status, 200);
        // A password change revokes it.
        let changed = c.api(
            "POST",
            "/me/password",
            Some(
                json!({"current_password": PASSWORD, "new_password": "a brand new passphrase 77"}),
            ),
        );
        assert_eq!(changed.status, 204, "{}", changed.body);
        assert_eq!(
            machine.api("GET", "/me", None).status,
            401,
            "the token died with the old password"
        );
        // Turning two-factor on needs the password too.
        c.api("POST", "/me/two-factor", None);
        let refused = c.api(
            "POST",
            "/me/two-factor/enable",
            Some(json!({"code": "000000", "password": PASSWORD})),
        );
        assert_eq!(
            refused.status, 422,
            "the old password is not the current one"
        );
        assert!(refused.body.contains("password"), "{}", refused.body);
    }
}

#[test]
fn two_factor_sign_in() {
    for app in apps() {
        let mut c = app.signed_in("npt.training");
        let setup = c.api("POST", "/me/two-factor", None).json();
        let secret = sems_domain::totp::base32_decode(setup["secret"].as_str().unwrap()).unwrap();
        assert!(setup["otpauth_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/"));
        let now = sems_storage::now_ms() / 1000;
        assert_eq!(
            c.api(
                "POST",
                "/me/two-factor/enable",
                Some(json!({"code": "000000", "password": PASSWORD}))
            )
            .status,
            422
        );
        assert_eq!(
            c.api(
                "POST",
                "/me/two-factor/enable",
                Some(
                    json!({"code": sems_domain::totp::code_at(&secret, now), "password": PASSWORD})
                )
            )
            .status,
            204
        );
        c.api("DELETE", "/session", None);
        // Stored sealed with the key kept outside the database, never in base32.
        let b32 = setup["secret"].as_str().unwrap().to_string();
        let stored = |clause: &str| {
            app.sql_count(&format!(
                "SELECT COUNT(*) FROM people WHERE username = 'npt.training' AND {clause}"
            ))
        };
        assert_eq!(stored("totp_secret LIKE 'v2:%'"), 1);
        assert_eq!(stored(&format!("totp_secret LIKE '%{b32}%'")), 0);

        let mut again = app.client();
        let first = again.sign_in("npt.training", PASSWORD);
        assert_eq!(first.json()["two_factor_required"], true);
        assert_eq!(
            again.api("GET", "/me", None).status,
            401,
            "no access before the second factor"
        );
        assert_eq!(
            again
                .api(
                    "POST",
                    "/session/two-factor",
                    Some(json!({"code": "123456"}))
                )
                .status,
            401
        );
        // The next step's code (the current one was used to turn two-factor on).
        let code = sems_domain::totp::code_at(&secret, now + 30);
        let done = again.api("POST", "/session/two-factor", Some(json!({"code": code})));
        assert_eq!(done.status, 200, "{}", done.body);
        again.csrf = done.json()["csrf_token"].as_str().map(str::to_string);
        assert_eq!(again.api("GET", "/me", None).status, 200);
        // A secret stored in base32 before secrets were sealed still signs in.
        app.sql(&format!(
            "UPDATE people SET totp_secret = '{b32}', totp_last_step = 0 WHERE username = 'npt.training'"
        ));
        let mut legacy = app.client();
        assert_eq!(
            legacy.sign_in("npt.training", PASSWORD).json()["two_factor_required"],
            true
        );
        let code = sems_domain::totp::code_at(&secret, sems_storage::now_ms() / 1000);
        let done = legacy.api("POST", "/session/two-factor", Some(json!({"code": code})));
        assert_eq!(done.status, 200, "{}", done.body);
        assert_eq!(
            again
                .api(
                    "DELETE",
                    "/me/two-factor",
                    Some(json!({"password": "wrong"}))
                )
                .status,
            422
        );
        assert_eq!(
            again
                .api(
                    "DELETE",
                    "/me/two-factor",
                    Some(json!({"password": PASSWORD}))
                )
                .status,
            204
        );
    }
}

#[test]
fn passwords_follow_the_policy_and_changes_end_other_sessions() {
    for app in apps() {
        let mut a = app.signed_in("npt.viewer");
        let mut b = app.signed_in("npt.viewer");
        let weak = a.api(
            "POST",
            "/me/password",
            Some(json!({"current_password": PASSWORD, "new_password": "short"})),
        );
        assert_eq!(weak.status, 422);
        assert!(weak.json()["detail"]
            .as_str()
            .unwrap()
            .contains("at least 12"));
        let ok = a.api(
            "POST",
            "/me/password",
            Some(json!({"current_password": PASSWORD, "new_password": "another long passphrase"})),
        );
        assert_eq!(ok.status, 204, "{}", ok.body);
        assert_eq!(a.api("GET", "/me", None).status, 200, "this session stays");
        assert_eq!(
            b.api("GET", "/me", None).status,
            401,
            "the other session ended"
        );
        assert_eq!(
            app.client()
                .sign_in("npt.viewer", "another long passphrase")
                .status,
            200
        );
    }
}

/// The generated document is the committed one: a change of the API shows in review as a
/// change of `snapshots/web__web__api__openapi.snap` (accept it with `INSTA_UPDATE=always`).
#[test]
fn openapi_document_is_the_committed_snapshot() {
    insta::assert_json_snapshot!("openapi", sems_web::openapi::document());
}

#[test]
fn openapi_is_served_with_unique_operations_and_resolved_schemas() {
    let app = super::support::spawn(sems_storage::Engine::Sqlite, Default::default());
    let mut c = app.client();
    let served = c.api("GET", "/openapi.json", None).json();
    let doc = sems_web::openapi::document();
    assert_eq!(served, doc);
    assert_eq!(doc["openapi"], "3.1.0");
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("operations") {
            let id = operation["operationId"].as_str().unwrap_or_default();
            assert!(
                ids.insert(id.to_string()),
                "operation id {id} twice ({method} {path})"
            );
            assert!(
                operation["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{method} {path} has no summary"
            );
            assert!(operation["responses"]["422"].is_object(), "{method} {path}");
        }
    }
    assert!(ids.len() >= 120, "only {} operations", ids.len());
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let text = doc.to_string();
    for part in text.split("#/components/schemas/").skip(1) {
        let name: String = part
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        assert!(schemas.contains_key(&name), "missing schema {name}");
    }
}

/// What schemathesis found (`.ci/fuzz-api`), kept fixed: the document and the API agree.
#[test]
fn the_api_accepts_what_its_document_states_and_refuses_the_rest() {
    let app = super::support::spawn(sems_storage::Engine::Sqlite, Default::default());
    let mut sm = app.signed_in("npt.security");
    // Paging outside the documented bounds is refused, not clamped.
    for query in ["per_page=0", "per_page=201", "page=0", "page=2147483648"] {
        let refused = sm.api("GET", &format!("/actions?{query}"), None);
        assert_eq!(refused.status, 400, "{query}: {}", refused.body);
    }
    assert_eq!(sm.api("GET", "/actions?per_page=200", None).status, 200);
    let export = sm.api("GET", "/occurrences/eccairs.csv?per_page=0", None);
    assert_eq!(export.status, 400, "{}", export.body);
    // A day that is not a day is refused by every directory list.
    let bad_day = sm.api("GET", "/sites?current_on=null", None);
    assert_eq!(bad_day.status, 422, "{}", bad_day.body);
    // 5.0 is the integer 5 in JSON.
    let npt = sm.api("GET", "/me", None).json()["person"]["party_id"]
        .as_i64()
        .unwrap();
    let created = sm.api(
        "POST",
        "/oversight/contractors",
        Some(json!({ "party_id": npt as f64 })),
    );
    assert_ne!(created.status, 400, "{}", created.body);
    assert!(
        !created.body.contains("does not fit"),
        "an integral number reads as an integer: {}",
        created.body
    );
    // The public operations say that they need no authentication.
    let doc = sems_web::openapi::document();
    for (path, method) in [
        ("/session", "delete"),
        ("/report-categories", "get"),
        ("/public/receipt", "post"),
        ("/public/receipt/messages", "post"),
    ] {
        assert_eq!(
            doc["paths"][path][method]["security"],
            json!([{}]),
            "{method} {path}"
        );
    }
}

#[test]
fn health_and_metrics() {
    let app = super::support::spawn(sems_storage::Engine::Sqlite, Default::default());
    let mut c = app.client();
    let health = c.get("/healthz");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["database"], "ok");
    c.get("/sign-in");
    // Not public: 401 without the metrics token, and with a wrong one.
    let refused = c.get("/metrics");
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert_eq!(refused.header("www-authenticate"), Some("Bearer"));
    assert!(!refused.body.contains("sems_http_requests_total"));
    let mut wrong = app.client();
    wrong.bearer = Some("sems_not_the_metrics_token".into());
    assert_eq!(wrong.get("/metrics").status, 401);
    let mut scraper = app.client();
    scraper.bearer = Some(super::support::METRICS_TOKEN.into());
    let metrics = scraper.get("/metrics");
    assert_eq!(metrics.status, 200);
    assert!(
        metrics.body.contains(
            "sems_http_requests_total{method=\"GET\",route=\"/sign-in\",status=\"200\"} 1"
        ),
        "{}",
        metrics.body
    );
    assert!(metrics
        .body
        .contains("sems_http_request_duration_seconds_bucket"));
    assert!(metrics.body.contains("sems_db_pool_connections"));
}

#[test]
fn demo_data_loads_twice_without_duplicates() {
    for app in apps() {
        let people = app.sql_count("SELECT COUNT(*) FROM people");
        let entries = app.sql_count("SELECT COUNT(*) FROM audit_entries");
        let summary = app.block(app.services.load_demo(PASSWORD)).unwrap();
        assert_eq!(summary.created, 0);
        assert_eq!(app.sql_count("SELECT COUNT(*) FROM people"), people);
        assert_eq!(app.sql_count("SELECT COUNT(*) FROM audit_entries"), entries);
        assert!(app.sql_count("SELECT COUNT(*) FROM parties") >= 4);
        for role in sems_domain::role::Role::ALL {
            assert!(
                app.sql_count(&format!(
                    "SELECT COUNT(*) FROM person_roles WHERE role = '{}'",
                    role.as_str()
                )) >= 1,
                "a demo person for {role:?}"
            );
        }
    }
}

#[test]
fn role_grants_are_bounded() {
    let app = super::support::spawn(sems_storage::Engine::Sqlite, Default::default());
    let mut sm = app.signed_in("npt.security");
    let me = sm.api("GET", "/me", None).json();
    let my_id = me["person"]["id"].as_i64().unwrap();
    let npt = me["person"]["party_id"].as_i64().unwrap();
    // Nobody changes their own roles or clearance.
    let own = sm.api(
        "PATCH",
        &format!("/people/{my_id}"),
        Some(json!({"roles": ["security_manager", "quality_auditor"]})),
    );
    assert_eq!(own.status, 403, "{}", own.body);
    // Only an accountable executive makes someone an accountable executive.
    let staff_id = id_of(&mut sm, "/people?role=staff", |_| true);
    let promote = sm.api(
        "PATCH",
        &format!("/people/{staff_id}"),
        Some(json!({"roles": ["accountable_executive"]})),
    );
    assert_eq!(promote.status, 403);
    assert_eq!(app.sql_count(&format!("SELECT COUNT(*) FROM person_roles WHERE person_id = {staff_id} AND role = 'accountable_executive'")), 0);
    let mut exec = app.signed_in("npt.executive");
    assert_eq!(
        exec.api(
            "PATCH",
            &format!("/people/{staff_id}"),
            Some(json!({"roles": ["staff", "accountable_executive"]}))
        )
        .status,
        200
    );
    // Editing someone who holds a role the editor cannot grant stays possible.
    let exec_id = id_of(&mut sm, "/people?role=accountable_executive", |p| {
        p["username"] == "npt.executive"
    });
    assert_eq!(
        sm.api(
            "PATCH",
            &format!("/people/{exec_id}"),
            Some(json!({"email": "nora@npt.example"}))
        )
        .status,
        200
    );
    let _ = npt;
}

#[test]
fn small_refusals_are_problem_documents_and_https_is_kept() {
    let app = super::support::spawn(sems_storage::Engine::Sqlite, Default::default());
    let mut c = app.signed_in("npt.security");
    // A path parameter that is not a number: a problem document, not plain text.
    let bad = c.api("GET", "/people/not-a-number", None);
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.header("content-type"),
        Some("application/problem+json"),
        "{}",
        bad.body
    );
    assert!(bad.json()["detail"].as_str().unwrap().contains("path"));
    // The Bearer scheme in any case.
    let token = c
        .api(
            "POST",
            "/me/tokens",
            Some(json!({"name": "case", "password": PASSWORD})),
        )
        .json()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = ureq::get(&format!("{}/api/v1/me", app.base))
        .set("Authorization", &format!("bearer {token}"))
        .call()
        .unwrap();
    assert_eq!(r.status(), 200);
    // A name with a right-to-left override, and a date before 1900, are refused.
    let npt = c.api("GET", "/me", None).json()["person"]["party_id"]
        .as_i64()
        .unwrap();
    let site = c.api(
        "POST",
        &format!("/parties/{npt}/sites"),
        Some(json!({"name": "Gate \u{202E}4"})),
    );
    assert_eq!(site.status, 422, "{}", site.body);
    assert!(site.body.contains("invisible"), "{}", site.body);
    let filed = c.api(
        "POST",
        &format!("/parties/{npt}/reports"),
        Some(
            json!({ "category": "insider", "occurred_at": "1899-12-31", "mode": "anonymous",
            "what_happened": "Something happened long ago at the gate." }),
        ),
    );
    assert_eq!(filed.status, 422, "{}", filed.body);
    let disguised = c.api(
        "POST",
        &format!("/parties/{npt}/reports"),
        Some(json!({ "category": "insider", "occurred_at": sems_domain::util::format_date(sems_domain::util::today()), "mode": "anonymous",
            "what_happened": "A photo of the door left open at night.",
            "attachments": [{ "filename": "photo\u{202E}gpj.exe", "content_base64": "aGVsbG8=" }] })),
    );
    assert_eq!(disguised.status, 422, "{}", disguised.body);
    assert!(disguised.body.contains("invisible"), "{}", disguised.body);
    // No HSTS over plain HTTP; HSTS when sems is reached over HTTPS.
    assert!(c
        .get("/sign-in")
        .header("strict-transport-security")
        .is_none());
    let https = super::support::spawn_with(
        sems_storage::Engine::Sqlite,
        Default::default(),
        sems_web::WebConfig {
            always_secure_cookies: true,
            ..Default::default()
        },
    );
    let page = https.client().get("/sign-in");
    assert!(page
        .header("strict-transport-security")
        .is_some_and(|v| v.contains("max-age=")));
}

#[test]
fn a_list_is_walked_by_cursor_as_by_pages_and_a_foreign_cursor_is_refused() {
    for app in apps() {
        let mut admin = app.signed_in("admin");
        let first = admin.api("GET", "/people?per_page=4", None).json();
        let cursor = first["next_cursor"]
            .as_str()
            .expect("a full page has a cursor")
            .to_string();
        let next = admin
            .api("GET", &format!("/people?per_page=4&cursor={cursor}"), None)
            .json();
        let second = admin.api("GET", "/people?per_page=4&page=2", None).json();
        let ids = |v: &serde_json::Value| -> Vec<i64> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_i64().unwrap())
                .collect()
        };
        assert_eq!(ids(&next), ids(&second), "{:?}", app.engine);
        assert_eq!(ids(&next).len(), 4);
        let refused = admin.api("GET", "/people?cursor=not-a-cursor", None);
        assert_eq!(refused.status, 422);
        assert_eq!(refused.json()["errors"][0]["field"], "cursor");
        // A cursor of the organisations (a number first) is not one of the people (names).
        let parties = admin.api("GET", "/parties?per_page=2", None).json();
        let foreign = parties["next_cursor"].as_str().unwrap().to_string();
        let refused = admin.api("GET", &format!("/people?cursor={foreign}"), None);
        assert_eq!(refused.status, 422, "{}", refused.body);
    }
}
