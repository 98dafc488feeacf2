//! The `sems` binary: migrate, user add / reset-password, audit verify, backup and restore,
//! refusal of unknown database URLs, serve with graceful shutdown. On SQLite and PostgreSQL.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const SEMS: &str = env!("CARGO_BIN_EXE_sems");

struct Target {
    dir: PathBuf,
    url: Option<String>,
}

impl Target {
    fn sems(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(SEMS);
        cmd.args(args)
            .env("SEMS_DATA_DIR", &self.dir)
            .env("SEMS_LOG", "warn")
            .env_remove("SEMS_DATABASE_URL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(url) = &self.url {
            cmd.env("SEMS_DATABASE_URL", url);
        }
        let mut child = cmd.spawn().expect("cannot run sems");
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    }

    fn ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.sems(args, stdin);
        assert!(
            out.status.success(),
            "sems {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    fn sql(&self, sql: &str) {
        let url = match &self.url {
            Some(u) => u.clone(),
            None => format!("sqlite://{}", self.dir.join("sems.db").display()),
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            sqlx::any::install_default_drivers();
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
                .await
                .unwrap();
            sqlx::query(sql).execute(&mut conn).await.unwrap();
        });
    }
}

fn targets() -> Vec<Target> {
    let mut out = vec![Target {
        dir: sems_testkit::temp_dir("sems-cli"),
        url: None,
    }];
    if let Some(pg) = sems_testkit::postgres() {
        out.push(Target {
            dir: sems_testkit::temp_dir("sems-cli"),
            url: Some(pg.create_database()),
        });
    }
    out
}

#[test]
fn users_audit_verify_and_tampering() {
    for t in targets() {
        assert!(t.ok(&["migrate"], None).contains("schema version"));
        t.ok(
            &[
                "user",
                "add",
                "--party",
                "casa",
                "--username",
                "root.admin",
                "--name",
                "Root Admin",
                "--role",
                "administrator",
            ],
            Some("a strong admin passphrase\n"),
        );
        let weak = t.sems(
            &[
                "user",
                "add",
                "--party",
                "CASA",
                "--username",
                "weak",
                "--name",
                "Weak",
                "--role",
                "director",
            ],
            Some("short\n"),
        );
        assert!(!weak.status.success());
        assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 12"));
        let wrong_party = t.sems(
            &[
                "user",
                "add",
                "--party",
                "NOPE",
                "--username",
                "x.y",
                "--name",
                "X",
                "--role",
                "staff",
            ],
            Some("a strong passphrase\n"),
        );
        assert!(String::from_utf8_lossy(&wrong_party.stderr).contains("no party has the code"));
        t.ok(
            &["user", "reset-password", "root.admin"],
            Some("another strong passphrase\n"),
        );
        let verified = t.ok(&["audit", "verify"], None);
        assert!(verified.starts_with("OK"), "{verified}");

        t.sql("UPDATE audit_entries SET after_json = '{}' WHERE seq = 2");
        let broken = t.sems(&["audit", "verify"], None);
        assert_eq!(broken.status.code(), Some(1));
        let text = String::from_utf8_lossy(&broken.stdout);
        assert!(text.contains("BROKEN at entry 2"), "{text}");
    }
}

#[test]
fn backup_and_restore() {
    for t in targets() {
        t.ok(&["migrate"], None);
        t.ok(
            &[
                "user",
                "add",
                "--party",
                "CASA",
                "--username",
                "before.backup",
                "--name",
                "Before",
                "--role",
                "director",
            ],
            Some("a strong passphrase one\n"),
        );
        let file = t.dir.join("backup.bin");
        let file_arg = file.display().to_string();
        assert!(t
            .ok(&["backup", &file_arg], None)
            .contains("Backup written"));
        assert!(
            !t.sems(&["backup", &file_arg], None).status.success(),
            "an existing file is not overwritten"
        );
        t.ok(
            &[
                "user",
                "add",
                "--party",
                "CASA",
                "--username",
                "after.backup",
                "--name",
                "After",
                "--role",
                "director",
            ],
            Some("a strong passphrase two\n"),
        );
        t.ok(&["restore", &file_arg], None);
        // The account added after the backup is gone; the one before it is there.
        let again = t.sems(
            &["user", "reset-password", "after.backup"],
            Some("a strong passphrase three\n"),
        );
        assert!(!again.status.success());
        t.ok(
            &["user", "reset-password", "before.backup"],
            Some("a strong passphrase four\n"),
        );
        assert!(t.ok(&["audit", "verify"], None).starts_with("OK"));
        let junk = t.dir.join("junk.bin");
        std::fs::write(&junk, b"not a backup").unwrap();
        assert!(!t
            .sems(&["restore", &junk.display().to_string()], None)
            .status
            .success());
    }
}

#[test]
fn unknown_database_urls_are_refused() {
    let dir = sems_testkit::temp_dir("sems-cli");
    let out = Command::new(SEMS)
        .args(["migrate", "--data-dir"])
        .arg(&dir)
        .args(["--database-url", "mysql://root:hunter2@db/sems"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unsupported database URL"), "{err}");
    assert!(!err.contains("hunter2"), "the password is not printed");
    assert!(
        std::fs::read_dir(&dir).unwrap().next().is_none(),
        "nothing was created"
    );
}

fn wait_for(url: &str) -> bool {
    wait_for_secs(url, 10)
}

fn wait_for_secs(url: &str, seconds: u64) -> bool {
    for _ in 0..seconds * 10 {
        if ureq::get(url).call().is_ok() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    false
}

#[test]
fn serve_stops_gracefully_on_sigterm_and_demo_is_idempotent() {
    let dir = sems_testkit::temp_dir("sems-cli");
    for run in 0..2 {
        let port = sems_testkit::free_port();
        let child = Command::new(SEMS)
            .args(["demo", "--listen", &format!("127.0.0.1:{port}")])
            .env("SEMS_DATA_DIR", &dir)
            .env("SEMS_DEMO_PASSWORD", "cli demo passphrase")
            .env("SEMS_LOG", "warn")
            .env("SEMS_TIME_ZONE", "Europe/Vienna")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        assert!(
            wait_for(&format!("http://127.0.0.1:{port}/healthz")),
            "demo did not start"
        );
        // Times are shown in the configured zone, and the pages say which.
        let page = ureq::get(&format!("http://127.0.0.1:{port}/sign-in"))
            .call()
            .unwrap()
            .into_string()
            .unwrap();
        assert!(
            page.contains("Times are shown in Europe/Vienna time."),
            "{page}"
        );
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "exit after SIGTERM: {:?} {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("cli demo passphrase") && text.contains("npt.security"),
            "{text}"
        );
        if run == 1 {
            assert!(
                text.contains("sems demo: 0 records created"),
                "second run creates nothing: {text}"
            );
        }
    }
    let t = Target {
        dir: dir.clone(),
        url: None,
    };
    assert!(t.ok(&["audit", "verify"], None).starts_with("OK"));
    let _ = Path::new(&dir);
}

#[test]
fn generate_is_deterministic_and_refuses_a_second_run() {
    let t = Target {
        dir: sems_testkit::temp_dir("sems-cli"),
        url: None,
    };
    let out = t.ok(
        &[
            "generate",
            "--organisations",
            "5",
            "--people-per-org",
            "10",
            "--years",
            "3",
            "--seed",
            "9",
        ],
        None,
    );
    assert!(out.contains("Generated 5 organisations"), "{out}");
    let again = t.sems(
        &[
            "generate",
            "--organisations",
            "5",
            "--people-per-org",
            "10",
            "--years",
            "3",
            "--seed",
            "9",
        ],
        None,
    );
    assert!(!again.status.success());
    let other = Target {
        dir: sems_testkit::temp_dir("sems-cli"),
        url: None,
    };
    let out2 = other.ok(
        &[
            "generate",
            "--organisations",
            "5",
            "--people-per-org",
            "10",
            "--years",
            "3",
            "--seed",
            "9",
        ],
        None,
    );
    let figures = |s: &str| s.split(" in ").next().unwrap_or("").to_string();
    assert_eq!(figures(&out), figures(&out2), "same seed, same data set");
}

#[test]
fn bench_risk_generates_once_and_reports_every_view() {
    let t = Target {
        dir: sems_testkit::temp_dir("sems-cli"),
        url: None,
    };
    let args = [
        "bench",
        "risk",
        "--organisations",
        "3",
        "--scenarios",
        "20",
        "--years",
        "2",
        "--runs",
        "2",
    ];
    let out = t.ok(&args, None);
    assert!(
        out.contains("Generated 3 organisations × 20 scenarios:")
            && out.contains(" 60 assessments"),
        "{out}"
    );
    for view in [
        "register, authority, page 1",
        "register, one organisation's security manager",
        "heat maps, authority",
        "national picture, authority",
    ] {
        assert!(out.contains(view), "{view} missing: {out}");
    }
    let again = t.ok(&args, None);
    assert!(
        again.contains("Using the data set generated earlier"),
        "{again}"
    );
}

/// Reads every file under `dir` (the database, its WAL, keys, attachments).
fn all_bytes(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(all_bytes(&p));
            } else if let Ok(bytes) = std::fs::read(&p) {
                out.extend(bytes);
            }
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn an_anonymous_filing_leaves_no_trace_and_a_confidential_name_is_sealed() {
    let dir = sems_testkit::temp_dir("sems-cli");
    let logs_dir = sems_testkit::temp_dir("sems-cli-logs");
    let (out_path, err_path) = (logs_dir.join("stdout"), logs_dir.join("stderr"));
    let port = sems_testkit::free_port();
    // Debug logging, and the proxy header trusted: if anything logged or kept a client
    // address or user agent, it would be these.
    let child = Command::new(SEMS)
        .args([
            "demo",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--trust-proxy",
            "true",
        ])
        .env("SEMS_DATA_DIR", &dir)
        .env("SEMS_DEMO_PASSWORD", "cli demo passphrase")
        .env("SEMS_LOG", "debug")
        // To files, not pipes: nobody reads a pipe while the server runs, and a full one
        // would stall it.
        .stdout(Stdio::from(std::fs::File::create(&out_path).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(&err_path).unwrap()))
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    // Debug logging of a debug build loading the demo takes a while.
    assert!(
        wait_for_secs(&format!("{base}/healthz"), 60),
        "demo did not start"
    );
    let agent_canary = "CanaryBrowser/7.31 (uniquely-identifying-agent)";
    let ip_canary = "198.51.100.173";
    let today = std::process::Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap();
    let anonymous = ureq::post(&format!("{base}/api/v1/public/reports/NPT"))
        .set("User-Agent", agent_canary)
        .set("X-Forwarded-For", ip_canary)
        .send_json(serde_json::json!({
            "category": "suspicious", "occurred_at": today, "mode": "anonymous",
            "what_happened": "Somebody watched the staff entrance for a long time.",
        }))
        .unwrap();
    assert_eq!(anonymous.status(), 201);
    let receipt = anonymous.into_json::<serde_json::Value>().unwrap()["receipt"]
        .as_str()
        .unwrap()
        .to_string();
    let name_canary = "Zebedee Quillfeather-Ostrowski";
    let confidential = ureq::post(&format!("{base}/api/v1/public/reports/NPT"))
        .set("User-Agent", agent_canary)
        .set("X-Forwarded-For", ip_canary)
        .send_json(serde_json::json!({
            "category": "insider", "occurred_at": today, "mode": "confidential",
            "what_happened": "A colleague shares his badge with visitors at gate 4.",
            "reporter_contact": format!("{name_canary}, night shift"),
        }))
        .unwrap();
    assert_eq!(confidential.status(), 201);
    // Follow-up with the receipt, also anonymous.
    let followed = ureq::post(&format!("{base}/api/v1/public/receipt"))
        .set("User-Agent", agent_canary)
        .set("X-Forwarded-For", ip_canary)
        .send_json(serde_json::json!({ "receipt": receipt }))
        .unwrap();
    assert_eq!(followed.status(), 200);
    // A staff member signs in and files a confidential report from that session.
    let signed = ureq::post(&format!("{base}/api/v1/session"))
        .send_json(
            serde_json::json!({ "username": "npt.staff", "password": "cli demo passphrase" }),
        )
        .unwrap();
    let cookie = signed
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string();
    let csrf = signed.into_json::<serde_json::Value>().unwrap()["csrf_token"]
        .as_str()
        .unwrap()
        .to_string();
    let me = ureq::get(&format!("{base}/api/v1/me"))
        .set("Cookie", &cookie)
        .call()
        .unwrap()
        .into_json::<serde_json::Value>()
        .unwrap();
    let party = me["party_id"]
        .as_i64()
        .or(me["person"]["party_id"].as_i64())
        .unwrap();
    let filed = ureq::post(&format!("{base}/api/v1/parties/{party}/reports"))
        .set("Cookie", &cookie)
        .set("X-CSRF-Token", &csrf)
        .send_json(serde_json::json!({
            "category": "insider", "occurred_at": today, "mode": "confidential",
            "what_happened": "A contractor photographed the screening lanes.",
        }))
        .unwrap();
    assert_eq!(filed.status(), 201);
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut child = child;
    assert!(child.wait().unwrap().success());
    let logs = [
        std::fs::read(&out_path).unwrap(),
        std::fs::read(&err_path).unwrap(),
    ]
    .concat();
    assert!(!logs.is_empty(), "debug logging ran");
    let files = all_bytes(&dir);
    assert!(files.len() > 100_000, "the database is there");
    for (what, canary) in [
        ("user agent", agent_canary),
        ("forwarded address", ip_canary),
    ] {
        assert!(!contains(&logs, canary), "the {what} is in the logs");
        assert!(
            !contains(&files, canary),
            "the {what} is in the data directory"
        );
    }
    assert!(
        !contains(&files, &receipt),
        "the receipt is stored only as a hash"
    );
    assert!(
        !contains(&files, name_canary),
        "the confidential name is sealed"
    );
    assert!(
        !contains(&files, "Quillfeather"),
        "no part of it in plain text"
    );
    assert!(!contains(&logs, name_canary));
    // Nothing in the logs at any level places the signed-in reporter beside the filing: no
    // user name, no name, no statement.
    // (The demo prints its accounts once, before serving; that table is not a log line.)
    for word in ["INSERT INTO", "security_reports"] {
        assert!(!contains(&logs, word), "the logs mention {word}");
    }
    for line in String::from_utf8_lossy(&logs).lines() {
        if line.contains("npt.staff") || line.contains("Stan Staff") {
            assert!(
                line.starts_with("  npt.staff"),
                "a log line names the reporter: {line}"
            );
        }
    }
}

#[test]
fn bench_reports_files_through_the_api_and_compares_with_raw_inserts() {
    let t = Target {
        dir: sems_testkit::temp_dir("sems-cli"),
        url: None,
    };
    let out = t.ok(
        &["bench", "reports", "--filings", "20", "--clients", "2"],
        None,
    );
    assert!(
        out.contains("20 filings through the HTTP API with 2 clients"),
        "{out}"
    );
    assert!(out.contains("ratio API / raw insert"), "{out}");
    assert!(t.ok(&["audit", "verify"], None).starts_with("OK"));
}

#[test]
fn bench_oversight_generates_activities_and_reports_every_view() {
    let t = Target {
        dir: sems_testkit::temp_dir("sems-cli"),
        url: None,
    };
    let out = t.ok(
        &[
            "bench",
            "oversight",
            "--organisations",
            "2",
            "--years",
            "2",
            "--activities-per-year",
            "3",
            "--runs",
            "2",
        ],
        None,
    );
    assert!(
        out.contains("Generated 2 organisations × 2 years: 12 activities"),
        "{out}"
    );
    for view in [
        "EI dashboard, authority",
        "findings list, authority, page 1",
        "page /oversight/ei",
    ] {
        assert!(out.contains(view), "{view} missing: {out}");
    }
    assert!(t.ok(&["audit", "verify"], None).starts_with("OK"));
}
