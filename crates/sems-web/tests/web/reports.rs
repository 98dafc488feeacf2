//! Confidential reporting over HTTP: the public form and API without an account, receipts,
//! limits (429 with Retry-After), uploads, the handlers' pages and the authority's list.

use super::support::{apps, spawn};
use serde_json::json;

fn today() -> String {
    sems_domain::util::format_date(sems_domain::util::today())
}

/// A multipart body with text fields and files.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----semsTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    for (filename, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn anonymous(text: &str) -> serde_json::Value {
    json!({ "category": "suspicious", "occurred_at": today(), "mode": "anonymous", "what_happened": text })
}

#[test]
fn the_public_form_files_with_attachments_and_the_receipt_follows_up() {
    let app = spawn(sems_storage::Engine::Sqlite, Default::default());
    let mut c = app.client();
    let form = c.get("/report/NPT");
    assert_eq!(form.status, 200);
    assert!(form.body.contains("What your report is used for"));
    assert!(
        !form.body.contains("value=\"identified\""),
        "no identified mode without an account"
    );
    assert_eq!(c.get("/report/NOSUCH").status, 404);
    assert_eq!(
        c.get("/report/CASA").status,
        404,
        "the authority has no public link"
    );

    let before = app.sql_count("SELECT COUNT(*) FROM security_reports");
    let photo = [
        &[0x89u8, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A][..],
        b"pixels",
    ]
    .concat();
    let (ct, body) = multipart(
        &[
            ("mode", "anonymous"),
            ("category", "perimeter"),
            ("occurred_on", &today()),
            ("occurred_time", "05:10"),
            ("location", "North fence"),
            (
                "what_happened",
                "A hole in the fence <script>alert(1)</script> near the fuel farm.",
            ),
        ],
        &[("fence.png", &photo)],
    );
    let filed = c.post_raw("/report/NPT", &ct, &[], &body);
    assert_eq!(filed.status, 200, "{}", filed.body);
    assert!(filed.body.contains("Your receipt"));
    let start = filed.body.find("id=\"receipt-code\">").unwrap() + "id=\"receipt-code\">".len();
    let receipt: String = filed.body[start..]
        .chars()
        .take_while(|c| *c != '<')
        .collect();
    assert_eq!(receipt.replace('-', "").len(), 32);
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM security_reports"),
        before + 1
    );
    assert_eq!(app.sql_count("SELECT COUNT(*) FROM report_attachments"), 1);

    // A wrong-type attachment: a clear error, nothing stored.
    let (ct, body) = multipart(
        &[
            ("mode", "anonymous"),
            ("category", "perimeter"),
            ("occurred_on", &today()),
            ("what_happened", "Another hole in the fence here."),
        ],
        &[("tool.exe", b"MZ\x90\x00binary")],
    );
    let refused = c.post_raw("/report/NPT", &ct, &[], &body);
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("only photos"), "{}", refused.body);
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM security_reports"),
        before + 1
    );

    // Several answers refused at once: each message beside its answer, in the form's words,
    // and everything typed kept.
    let (ct, body) = multipart(
        &[
            ("mode", "anonymous"),
            ("reporter_contact", "ops desk, ext 4411"),
            ("category", "perimeter"),
            ("occurred_on", "2099-01-01"),
            ("occurred_time", "07:45"),
            ("location", "south fence"),
            ("what_happened", "Too short"),
        ],
        &[],
    );
    let refused = c.post_raw("/report/NPT", &ct, &[], &body);
    assert_eq!(refused.status, 422);
    for field in ["reporter_contact", "occurred_on", "what_happened"] {
        assert!(
            refused.body.contains(&format!(r#"id="{field}-error""#)),
            "{field}"
        );
    }
    assert!(refused.body.contains("3 answers need attention"));
    assert!(refused.body.contains("cannot be in the future"));
    assert!(
        !refused.body.contains("occurred_at"),
        "no internal field name"
    );
    assert!(refused.body.contains(r#"value="ops desk, ext 4411""#));
    assert!(refused.body.contains(r#"value="south fence""#));
    assert!(refused.body.contains(">Too short</textarea>"));
    assert!(refused.body.contains(r#"value="2099-01-01""#));
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM security_reports"),
        before + 1
    );

    // Follow-up with the receipt: the page and the API.
    let shown = c.form("/receipt", &[("receipt", &receipt.to_lowercase())], false);
    assert_eq!(shown.status, 200);
    assert!(shown.body.contains("Status: New"));
    assert!(
        shown.body.contains("&lt;script&gt;"),
        "text is shown escaped"
    );
    assert!(!shown.body.contains("<script>alert"));
    let replied = c.form(
        "/receipt/reply",
        &[("receipt", &receipt), ("body", "It is next to gate N2")],
        false,
    );
    assert!(replied.body.contains("Your answer was sent"));
    let view = c.api(
        "POST",
        "/public/receipt",
        Some(json!({ "receipt": receipt })),
    );
    assert_eq!(view.status, 200);
    assert_eq!(view.json()["messages"][0]["body"], "It is next to gate N2");

    // The handler opens it with its attachment; script stays text.
    let mut handler = app.signed_in("npt.handler");
    let id = app.sql_count("SELECT MAX(id) FROM security_reports");
    let page = handler.get(&format!("/reports/{id}"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.body.contains("fence.png"));
    let attachment = app.sql_count("SELECT MAX(id) FROM report_attachments");
    let file = handler.get(&format!("/reports/{id}/attachments/{attachment}"));
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), Some("image/png"));
    assert!(file
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(
        app.signed_in("npt.staff")
            .get(&format!("/reports/{id}"))
            .status,
        404
    );
}

#[test]
fn guessing_receipts_and_flooding_the_public_link_are_answered_with_429() {
    let app = spawn(sems_storage::Engine::Sqlite, Default::default());
    let mut c = app.client();
    for _ in 0..10 {
        let wrong = c.api(
            "POST",
            "/public/receipt",
            Some(json!({ "receipt": "ABCDE-FGHJK-MNPQR-STVWX-YZ012-34567-89" })),
        );
        assert_eq!(wrong.status, 404);
    }
    let blocked = c.api(
        "POST",
        "/public/receipt",
        Some(json!({ "receipt": "ABCDE-FGHJK-MNPQR-STVWX-YZ012-34567-89" })),
    );
    assert_eq!(blocked.status, 429);
    // A valid receipt from the same address still opens its report (after a short wait).
    let filed = c.api(
        "POST",
        "/public/reports/NPT",
        Some(anonymous(
            "The staff door was left open during the night shift.",
        )),
    );
    assert_eq!(filed.status, 201, "{}", filed.body);
    let valid = filed.json()["receipt"].as_str().unwrap().to_string();
    let started = std::time::Instant::now();
    let opened = c.api("POST", "/public/receipt", Some(json!({ "receipt": valid })));
    assert_eq!(opened.status, 200, "{}", opened.body);
    assert!(
        started.elapsed() >= sems_web::limits::RECEIPT_SLOWDOWN,
        "the guessing client is slowed, not refused"
    );
    assert!(
        blocked
            .header("retry-after")
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > 0
    );
    assert_eq!(
        c.form(
            "/receipt",
            &[("receipt", "whatever-it-is-123456789012")],
            false
        )
        .status,
        429
    );

    // Bad filings through the API: nothing stored.
    let before = app.sql_count("SELECT COUNT(*) FROM security_reports");
    let mut empty = anonymous("");
    assert_eq!(
        c.api("POST", "/public/reports/NPT", Some(empty.clone()))
            .status,
        422
    );
    empty["what_happened"] = json!("x".repeat(10_001));
    assert_eq!(
        c.api("POST", "/public/reports/NPT", Some(empty)).status,
        422
    );
    let mut big = anonymous("A very large photo of the fence");
    let huge = "A".repeat((sems_domain::report::MAX_ATTACHMENT_BYTES + 10) / 3 * 4);
    big["attachments"] = json!([{ "filename": "big.txt", "content_base64": huge }]);
    assert_eq!(c.api("POST", "/public/reports/NPT", Some(big)).status, 422);
    // An enormous body is refused from its announced length, before it is read.
    {
        use std::io::{Read, Write};
        let addr = app.base.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "POST /api/v1/public/reports/NPT HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            sems_web::middleware::UPLOAD_LIMIT + 10
        )
        .unwrap();
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).unwrap();
        assert_eq!(&head, b"HTTP/1.1 413");
    }
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM security_reports"),
        before
    );
    // Flooding: ten attempts from one client in ten minutes (the three refused above count
    // too, and the one filed for the receipt), then 429.
    for i in 0..6 {
        let ok = c.api(
            "POST",
            "/public/reports/NPT",
            Some(anonymous(&format!(
                "Flood test number {i} of the public link"
            ))),
        );
        assert_eq!(ok.status, 201, "{}", ok.body);
    }
    let flood = c.api(
        "POST",
        "/public/reports/NPT",
        Some(anonymous("One filing too many from here")),
    );
    assert_eq!(flood.status, 429);
    assert!(flood.header("retry-after").is_some());
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM security_reports"),
        before + 6
    );
}

#[test]
fn reports_through_the_api_from_filing_to_the_authority() {
    for app in apps() {
        let npt = app.sql_count("SELECT id FROM parties WHERE code = 'NPT'");
        let mut staff = app.signed_in("npt.staff");
        let filed = staff.api(
            "POST",
            &format!("/parties/{npt}/reports"),
            Some(json!({ "category": "insider", "occurred_at": today(), "mode": "confidential",
                "what_happened": "Badge AB99881 was lent to a visitor at door 2.",
                "reporter_contact": "ext. 4411",
                "attachments": [{ "filename": "note.txt", "content_base64": "c2VlbiBhdCAwNzowMA==" }] })),
        );
        assert_eq!(filed.status, 201, "{}", filed.body);
        let id = filed.json()["report_id"].as_i64().unwrap();
        let mut handler = app.signed_in("npt.handler");
        let list = handler
            .api("GET", "/reports?q=visitor%20badge", None)
            .json();
        assert!(
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["id"] == id),
            "search finds it"
        );
        assert_eq!(handler.api("GET", "/reports?status=lost", None).status, 422);
        assert_eq!(
            staff.api("GET", &format!("/reports/{id}"), None).status,
            404
        );
        let view = handler.api("GET", &format!("/reports/{id}"), None).json();
        assert_eq!(view["attachments"][0]["content_type"], "text/plain");
        assert!(view["report"]["reporter_name"].is_null());
        let triaged = handler.api(
            "POST",
            &format!("/reports/{id}/triage"),
            Some(json!({ "category": "insider", "severity": "high", "mandatory": true })),
        );
        assert_eq!(triaged.status, 200, "{}", triaged.body);
        let suggestions = handler
            .api("GET", &format!("/reports/{id}/suggestions"), None)
            .json();
        assert!(suggestions["suggested_text"]
            .as_str()
            .unwrap()
            .contains("[badge or staff number]"));
        assert_eq!(
            handler
                .api("POST", &format!("/reports/{id}/forward"), None)
                .status,
            422
        );
        let saved = handler.api(
            "PUT",
            &format!("/reports/{id}/deidentified"),
            Some(json!({ "text": suggestions["suggested_text"] })),
        );
        assert_eq!(saved.status, 200);
        assert_eq!(
            handler
                .api("POST", &format!("/reports/{id}/forward"), None)
                .status,
            204
        );
        // Identity: asked, decided by the custodian, opened by the handler.
        let asked = handler.api(
            "POST",
            &format!("/reports/{id}/identity-requests"),
            Some(json!({ "reason": "We must interview the witness in person" })),
        );
        assert_eq!(asked.status, 201);
        let request = asked.json()["id"].as_i64().unwrap();
        assert_eq!(
            handler
                .api("POST", &format!("/reports/{id}/identity"), None)
                .status,
            403
        );
        let mut custodian = app.signed_in("npt.custodian");
        assert_eq!(
            custodian
                .api(
                    "POST",
                    &format!("/reports/{id}/identity-requests/{request}/decision"),
                    Some(json!({ "approve": true, "note": "Interview needed" }))
                )
                .status,
            204
        );
        let opened = handler.api("POST", &format!("/reports/{id}/identity"), None);
        assert_eq!(opened.status, 200);
        assert!(opened.json()["identity"]
            .as_str()
            .unwrap()
            .contains("npt.staff"));
        // The authority: the de-identified version only, questions both ways.
        let mut director = app.signed_in("director");
        let list = director.api("GET", "/occurrences", None).json();
        let o = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == id)
            .unwrap()
            .clone();
        assert!(!o["text"].as_str().unwrap().contains("AB99881"));
        assert!(o.get("what_happened").is_none());
        assert_eq!(
            director
                .api(
                    "POST",
                    &format!("/occurrences/{id}/messages"),
                    Some(json!({ "body": "Was the visitor found?" }))
                )
                .status,
            204
        );
        assert_eq!(
            handler
                .api(
                    "POST",
                    &format!("/occurrences/{id}/messages"),
                    Some(json!({ "body": "Yes, at gate 2." }))
                )
                .status,
            204
        );
        let one = director
            .api("GET", &format!("/occurrences/{id}"), None)
            .json();
        assert_eq!(one["messages"].as_array().unwrap().len(), 2);
        assert_eq!(
            app.signed_in("sky.security")
                .api("GET", &format!("/occurrences/{id}"), None)
                .status,
            404
        );
        assert_eq!(
            director
                .api("GET", "/occurrences?from=yesterday", None)
                .status,
            422
        );
        let stats = director.api("GET", "/reports/statistics", None);
        assert_eq!(stats.status, 200);
        assert!(stats.json()["reports"].as_i64().unwrap() >= 1);
    }
}

#[test]
fn handlers_and_the_authority_work_in_the_pages() {
    let app = spawn(sems_storage::Engine::Sqlite, Default::default());
    let mut handler = app.signed_in("npt.handler");
    let list = handler.get("/reports");
    assert_eq!(list.status, 200);
    assert!(
        list.body.contains("photographed the staff entrance"),
        "the demo's anonymous report"
    );
    let id = app.sql_count("SELECT MIN(id) FROM security_reports WHERE mode = 'anonymous'");
    let page = handler.get(&format!("/reports/{id}"));
    assert!(page.body.contains("Triage"));
    let triaged = handler.form(
        &format!("/reports/{id}/triage"),
        &[
            ("category", "suspicious"),
            ("severity", "medium"),
            ("mandatory", "yes"),
            ("note", "Police informed"),
        ],
        true,
    );
    assert_eq!(triaged.status, 303, "{}", triaged.body);
    let page = handler.get(&format!("/reports/{id}"));
    assert!(page.body.contains("To be forwarded to the authority by"));
    let saved = handler.form(
        &format!("/reports/{id}/deidentify"),
        &[(
            "deidentified_text",
            "A man photographed the staff entrance and the fence and left when approached.",
        )],
        true,
    );
    assert_eq!(saved.status, 303);
    assert_eq!(
        handler
            .form(&format!("/reports/{id}/forward"), &[], true)
            .status,
        303
    );
    let mut director = app.signed_in("director");
    let national = director.get("/occurrences?q=photographed");
    assert!(national.body.contains("photographed the staff entrance"));
    let csv = director.get("/occurrences.csv");
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(
        csv.body.lines().count() >= 3,
        "the demo's forwarded one and this one"
    );
    let asked = director.form(
        &format!("/occurrences/{id}/ask"),
        &[("body", "Any vehicle seen?")],
        true,
    );
    assert_eq!(asked.status, 303);
    assert!(handler
        .get(&format!("/reports/{id}"))
        .body
        .contains("Any vehicle seen?"));
    // Another organisation's people find none of it.
    let theirs = app.signed_in("sky.security").get("/occurrences");
    assert!(!theirs.body.contains("photographed"));
    let stats = handler.get("/reports/statistics");
    assert_eq!(stats.status, 200);
    assert!(stats.body.contains("per 100 staff"));
    // The navigation shows reporting to those it concerns.
    assert!(app
        .signed_in("npt.staff")
        .get("/")
        .body
        .contains("File a report"));
    assert!(!app
        .signed_in("npt.staff")
        .get("/")
        .body
        .contains("href=\"/reports\""));
    assert!(director.get("/").body.contains("National occurrences"));

    // Closure opens corrective actions in the one register, with their owner and date.
    let mut sm = app.signed_in("npt.security");
    let page = sm.get(&format!("/reports/{id}"));
    assert!(
        page.body.contains("Owner of these actions"),
        "{}",
        page.body
    );
    let owner = app.sql_count("SELECT id FROM people WHERE username = 'npt.analyst'");
    assert!(page.body.contains(&format!("<option value=\"{owner}\">")));
    let closed = sm.form(
        &format!("/reports/{id}/close"),
        &[
            ("outcome", "Police spoke to the man; fence camera moved"),
            ("just_culture", "no_blame"),
            (
                "corrective_actions",
                "Move the fence camera\nBrief the gate staff",
            ),
            ("actions_owner", &owner.to_string()),
            ("actions_due_on", "2030-01-31"),
        ],
        true,
    );
    assert_eq!(closed.status, 303, "{}", closed.body);
    assert_eq!(
        app.sql_count(&format!(
            "SELECT COUNT(*) FROM actions WHERE source_kind = 'security_report' \
             AND source_id = {id} AND responsible_person_id = {owner} AND due_on = '2030-01-31'"
        )),
        2
    );
    let page = sm.get(&format!("/reports/{id}"));
    assert!(page.body.contains("Move the fence camera"));
    assert!(
        page.body.contains("due 2030-01-31 · Planned"),
        "{}",
        page.body
    );
}

#[test]
fn forwarding_with_an_identifier_left_in_asks_why_it_stays() {
    for app in apps() {
        let npt = app.sql_count("SELECT id FROM parties WHERE code = 'NPT'");
        let mut staff = app.signed_in("npt.staff");
        let filed = staff.api(
            "POST",
            &format!("/parties/{npt}/reports"),
            Some(
                json!({ "category": "insider", "occurred_at": today(), "mode": "confidential",
                "reporter_contact": "ext. 4411",
                "what_happened": "Badge AB99881 was found on the apron near stand 12." }),
            ),
        );
        let id = filed.json()["report_id"].as_i64().unwrap();
        let mut handler = app.signed_in("npt.handler");
        handler.api(
            "POST",
            &format!("/reports/{id}/triage"),
            Some(json!({ "category": "insider", "severity": "low", "mandatory": true })),
        );
        handler.api(
            "PUT",
            &format!("/reports/{id}/deidentified"),
            Some(json!({ "text": "Badge AB99881 was found on the apron near stand 12." })),
        );
        let page = handler.get(&format!("/reports/{id}"));
        assert!(page.body.contains("stays because"), "the form asks why");
        let refused = handler.api("POST", &format!("/reports/{id}/forward"), None);
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.body.contains("AB99881"), "{}", refused.body);
        let without = handler.form(
            &format!("/reports/{id}/forward"),
            &[("kept_text", "AB99881"), ("kept_reason", "")],
            true,
        );
        assert_ne!(without.status, 303, "no reason, no forwarding");
        let done = handler.form(
            &format!("/reports/{id}/forward"),
            &[
                ("kept_text", "AB99881"),
                ("kept_reason", "the authority revokes the badge"),
            ],
            true,
        );
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(
            app.sql_count(&format!(
                "SELECT COUNT(*) FROM security_reports WHERE id = {id} AND forwarded_at_ms IS NOT NULL"
            )),
            1
        );
    }
}

/// With `forward_second_handler` set, the first handler's forwarding is a proposal the page
/// shows to a second handler with the reasons filled in; their forwarding sends it.
#[test]
fn a_second_handler_confirms_a_forwarding_that_keeps_identifiers() {
    for engine in super::support::engines() {
        let app = super::support::spawn_tuned(
            engine,
            Default::default(),
            sems_web::WebConfig::default(),
            |s| {
                if let Some(r) = s.reporting.as_mut() {
                    r.second_handler_for_kept = true;
                }
            },
        );
        let npt = app.sql_count("SELECT id FROM parties WHERE code = 'NPT'");
        let mut staff = app.signed_in("npt.staff");
        let filed = staff.api(
            "POST",
            &format!("/parties/{npt}/reports"),
            Some(
                json!({ "category": "insider", "occurred_at": today(), "mode": "identified",
                "what_happened": "Badge AB99881 was found on the apron near stand 12." }),
            ),
        );
        let id = filed.json()["report_id"].as_i64().unwrap();
        let mut handler = app.signed_in("npt.handler");
        handler.api(
            "POST",
            &format!("/reports/{id}/triage"),
            Some(json!({ "category": "insider", "severity": "low", "mandatory": true })),
        );
        handler.api(
            "PUT",
            &format!("/reports/{id}/deidentified"),
            Some(json!({ "text": "Badge AB99881 was found on the apron near stand 12." })),
        );
        let proposed = handler.form(
            &format!("/reports/{id}/forward"),
            &[
                ("kept_text", "AB99881"),
                ("kept_reason", "the authority revokes the badge"),
            ],
            true,
        );
        assert_eq!(proposed.status, 303, "{}", proposed.body);
        let mine = handler.get(&format!("/reports/{id}?notice=forward-proposed"));
        assert!(
            mine.body.contains("second report handler confirms"),
            "{}",
            mine.body
        );
        assert!(!mine.body.contains("Confirm and forward"));
        let mut security = app.signed_in("npt.security");
        let page = security.get(&format!("/reports/{id}"));
        assert!(page.body.contains("Confirm and forward"), "{}", page.body);
        assert!(page
            .body
            .contains("value=\"the authority revokes the badge\""));
        let confirmed = security.api(
            "POST",
            &format!("/reports/{id}/forward"),
            Some(json!({ "kept": [{ "text": "AB99881", "reason": "the authority revokes the badge" }] })),
        );
        assert_eq!(confirmed.status, 204, "{}", confirmed.body);
        assert_eq!(
            app.sql_count(&format!(
                "SELECT COUNT(*) FROM security_reports WHERE id = {id} AND forwarded_at_ms IS NOT NULL"
            )),
            1
        );
    }
}

#[test]
fn the_reporting_rules_page_and_the_occurrence_lifecycle_in_pages_and_api() {
    let app = spawn(sems_storage::Engine::Sqlite, Default::default());
    // The rules: everyone reads them; only the authority's policy officers publish.
    let mut manager = app.signed_in("npt.security");
    let page = manager.get("/reports/rules");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("72 h after filing"),
        "the shipped forwarding deadline"
    );
    assert!(!page.body.contains("Publish the next version"));
    let mut policy = app.signed_in("policy");
    let page = policy.get("/reports/rules");
    assert!(page.body.contains("Publish the next version"));
    let rules = policy.api("GET", "/reports/rules", None).json();
    let mut categories = String::new();
    for c in rules["rules"]["categories"].as_array().unwrap() {
        let d = &c["deadlines"];
        let hours = if c["code"] == "perimeter" {
            48
        } else {
            d["forward_hours"].as_i64().unwrap()
        };
        categories.push_str(&format!(
            "{} | {} | {} | {hours} | {} | {} | offered\n",
            c["code"].as_str().unwrap(),
            c["label"].as_str().unwrap(),
            d["triage_hours"],
            d["analysis_days"],
            d["final_months"]
        ));
    }
    let decisions = "no_blame | No blame\ntraining_need | Training need\nprocedure_change | Procedure change\nreferred | Referred";
    let refused = manager.form(
        "/reports/rules",
        &[
            ("categories", &categories),
            ("just_culture", decisions),
            ("closure_days", "30"),
        ],
        true,
    );
    assert!(matches!(refused.status, 403 | 404), "{}", refused.status);
    let bad = policy.form(
        "/reports/rules",
        &[
            ("categories", "perimeter | Perimeter | 24"),
            ("just_culture", decisions),
            ("closure_days", "30"),
        ],
        true,
    );
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("line 1 of the categories"),
        "{}",
        bad.body
    );
    let saved = policy.form(
        "/reports/rules",
        &[
            ("categories", &categories),
            ("just_culture", decisions),
            ("closure_days", "30"),
            ("note", "Perimeter breaches within 48 h"),
        ],
        true,
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert!(policy
        .get("/reports/rules")
        .body
        .contains("48 h after filing"));
    assert_eq!(
        policy
            .api("GET", "/reports/rules/versions", None)
            .json()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let api_refused = manager.api(
        "POST",
        "/reports/rules",
        Some(json!({ "rules": rules["rules"], "note": "" })),
    );
    assert!(matches!(api_refused.status, 403 | 404));

    // The lifecycle: the demo's forwarded occurrence has its analysis; its final result is due.
    let mut handler = app.signed_in("npt.handler");
    let id =
        app.sql_count("SELECT MIN(id) FROM security_reports WHERE forwarded_at_ms IS NOT NULL");
    let page = handler.get(&format!("/reports/{id}"));
    assert!(
        page.body.contains("Analysis for the authority: sent on"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Final result for the authority: due by"));
    let refused = handler.form(
        &format!("/reports/{id}/final-result"),
        &[("final_outcome", ""), ("final_just_culture", "no_blame")],
        true,
    );
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("de-identified outcome"),
        "{}",
        refused.body
    );
    let sent = handler.form(
        &format!("/reports/{id}/final-result"),
        &[
            (
                "final_outcome",
                "Change-overs are done with the belt stopped.",
            ),
            ("final_lessons", "A cleared image is not a screened bag."),
            ("final_actions", "Checkpoint procedure revised."),
            ("final_just_culture", "no_blame"),
        ],
        true,
    );
    assert_eq!(sent.status, 303, "{}", sent.body);
    let mut director = app.signed_in("director");
    let occurrence = director.get(&format!("/occurrences/{id}"));
    assert!(occurrence.body.contains("Checkpoint procedure revised."));
    assert!(occurrence.body.contains("No blame"));
    // A report not forwarded: the analysis is refused through the API, nothing changed.
    let other = app.sql_count("SELECT MIN(id) FROM security_reports WHERE forwarded_at_ms IS NULL");
    let refused = handler.api(
        "POST",
        &format!("/reports/{other}/analysis"),
        Some(json!({ "text": "An analysis before forwarding." })),
    );
    assert_eq!(refused.status, 409);
    assert_eq!(
        app.sql_count(&format!(
            "SELECT COUNT(*) FROM security_reports WHERE id = {other} AND analysis_sent_at_ms IS NOT NULL"
        )),
        0
    );

    // What is late to the authority, and the ECCAIRS-compatible export.
    app.sql(&format!(
        "UPDATE security_reports SET mandatory = 1, forward_due_at_ms = 1 WHERE id = {other}"
    ));
    let late = director.get("/occurrences/late");
    assert_eq!(late.status, 200);
    assert!(late.body.contains("Northport"), "{}", late.body);
    let npt_id = app.sql_count("SELECT id FROM parties WHERE code = 'NPT'");
    assert!(late
        .body
        .contains(&format!("href=\"/organisations/{npt_id}\"")));
    assert_eq!(
        director.get(&format!("/organisations/{npt_id}")).status,
        200
    );
    for link in [
        "/occurrences?late=analysis",
        "/occurrences?late=final_result",
    ] {
        assert!(late.body.contains(link));
        assert_eq!(director.get(link).status, 200, "{link}");
    }
    let counts = director.api("GET", "/occurrences/late", None).json();
    assert!(counts["forwarding_total"].as_i64().unwrap() >= 1);
    assert!(matches!(manager.get("/occurrences/late").status, 403 | 404));
    let csv = director.get("/occurrences.csv");
    let header = csv.body.lines().next().unwrap_or_default().to_string();
    assert!(
        header.starts_with("File number,Reporting entity,Location name,Local date"),
        "{header}"
    );
    assert!(csv.body.contains(&format!("SEMS-{id},")));
    let api_csv = director.api("GET", "/occurrences/eccairs.csv", None);
    assert_eq!(api_csv.status, 200);
    assert!(api_csv.body.starts_with("File number,"));
    assert_eq!(
        director
            .api("GET", "/occurrences?late=someday", None)
            .status,
        422
    );
    let home = handler.get("/");
    assert!(
        home.body.contains("Owed to the authority"),
        "the handler's agenda"
    );
}
