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
        with_db(&url, |mut conn| async move {
            sqlx::query(sql).execute(&mut conn).await.unwrap();
        });
    }
}

/// Runs `f` on a connection to the database at `url`.
fn with_db<T, F: std::future::Future<Output = T>>(
    url: &str,
    f: impl FnOnce(sqlx::AnyConnection) -> F,
) -> T {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        sqlx::any::install_default_drivers();
        let conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url)
            .await
            .unwrap();
        f(conn).await
    })
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

/// Writes two attachments under their checksums, as filing does; returns their paths.
fn put_attachments(dir: &Path, contents: &[&[u8]]) -> Vec<PathBuf> {
    contents
        .iter()
        .map(|bytes| {
            let sum = sems_domain::util::sha256_hex(bytes);
            let path = dir.join("attachments").join(&sum[..2]).join(&sum);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect()
}

/// Copies the archive `from` to `to`, passing each entry through `change`.
fn rewrite_archive(from: &Path, to: &Path, change: impl Fn(&str, Vec<u8>) -> Vec<u8>) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&change(&name, bytes)).unwrap();
    }
    out.finish().unwrap();
}

fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    if let Ok(shards) = std::fs::read_dir(dir) {
        for shard in shards.flatten() {
            for f in std::fs::read_dir(shard.path()).unwrap().flatten() {
                out.push((
                    f.path().strip_prefix(dir).unwrap().display().to_string(),
                    std::fs::read(f.path()).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn add_director(t: &Target, username: &str, password: &str) {
    t.ok(
        &[
            "user",
            "add",
            "--party",
            "CASA",
            "--username",
            username,
            "--name",
            username,
            "--role",
            "director",
        ],
        Some(&format!("{password}\n")),
    );
}

fn has_user(t: &Target, username: &str) -> bool {
    t.sems(
        &["user", "reset-password", username],
        Some("another strong passphrase\n"),
    )
    .status
    .success()
}

#[test]
fn backup_and_restore() {
    for t in targets() {
        t.ok(&["migrate"], None);
        add_director(&t, "before.backup", "a strong passphrase one");
        let attachments = t.dir.join("attachments");
        put_attachments(
            &t.dir,
            &[b"%PDF-1.7 a scanned statement", &[0u8, 1, 2, 255, 254]],
        );
        let backed_up = tree(&attachments);
        assert_eq!(backed_up.len(), 2);
        let file = t.dir.join("backup.sems");
        let file_arg = file.display().to_string();
        let said = t.ok(&["backup", &file_arg], None);
        assert!(
            said.contains("Backup written") && said.contains("2 attachment(s)"),
            "{said}"
        );
        assert!(said.contains("identity key is not in it"), "{said}");
        assert!(
            !t.sems(&["backup", &file_arg], None).status.success(),
            "an existing file is not overwritten"
        );
        // The identity key stays apart.
        let names: Vec<String> = zip::ZipArchive::new(std::fs::File::open(&file).unwrap())
            .unwrap()
            .file_names()
            .map(|n| n.unwrap().to_string())
            .collect();
        assert!(names.iter().any(|n| n == "manifest.json"), "{names:?}");
        assert!(!names.iter().any(|n| n.contains("key")), "{names:?}");

        // After the backup: an account, an attachment gone and one added.
        add_director(&t, "after.backup", "a strong passphrase two");
        std::fs::remove_file(attachments.join(&backed_up[0].0)).unwrap();
        put_attachments(&t.dir, &[b"written after the backup"]);
        let said = t.ok(&["restore", &file_arg], None);
        assert!(said.contains("every checksum matched"), "{said}");
        assert!(!has_user(&t, "after.backup"), "the later account is gone");
        assert!(has_user(&t, "before.backup"));
        assert_eq!(tree(&attachments), backed_up, "byte-identical attachments");
        assert!(t.ok(&["audit", "verify"], None).starts_with("OK"));

        // Bad archives change nothing.
        add_director(&t, "after.restore", "a strong passphrase three");
        let now = tree(&attachments);
        let changed_attachment = t.dir.join("changed-attachment.sems");
        rewrite_archive(&file, &changed_attachment, |name, bytes| {
            if name.starts_with("attachments/") {
                b"a changed attachment".to_vec()
            } else {
                bytes
            }
        });
        let wrong_checksum = t.dir.join("wrong-checksum.sems");
        rewrite_archive(&file, &wrong_checksum, |name, bytes| {
            if name == "manifest.json" {
                let mut m: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                m["files"][0]["sha256"] = "0".repeat(64).into();
                serde_json::to_vec(&m).unwrap()
            } else {
                bytes
            }
        });
        let extra_file = t.dir.join("extra-file.sems");
        rewrite_archive(&file, &extra_file, |_, bytes| bytes);
        {
            use std::io::Write;
            let mut zip = zip::ZipWriter::new_append(
                std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(&extra_file)
                    .unwrap(),
            )
            .unwrap();
            zip.start_file(
                "attachments/zz/unlisted",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            zip.write_all(b"smuggled").unwrap();
            zip.finish().unwrap();
        }
        let junk = t.dir.join("junk.bin");
        std::fs::write(&junk, b"not a backup").unwrap();
        for (bad, expected) in [
            (&changed_attachment, "does not match the checksum"),
            (&wrong_checksum, "does not match the checksum"),
            (&extra_file, "which its manifest does not list"),
            (&junk, "is not a sems backup archive"),
        ] {
            let out = t.sems(&["restore", &bad.display().to_string()], None);
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "{}", bad.display());
            assert!(err.contains(expected), "{}: {err}", bad.display());
            assert!(err.contains("nothing was restored"), "{err}");
            assert!(has_user(&t, "after.restore"), "the database is unchanged");
            assert_eq!(tree(&attachments), now, "the attachments are unchanged");
        }
        assert!(t.ok(&["audit", "verify"], None).starts_with("OK"));
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
        if run == 0 {
            // A backup while it runs; a restore onto the running server is refused.
            let t = Target {
                dir: dir.clone(),
                url: None,
            };
            let file = dir.join("while-running.sems").display().to_string();
            t.ok(&["backup", &file], None);
            let out = t.sems(&["restore", &file], None);
            assert!(!out.status.success());
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("a sems server is running"), "{err}");
        }
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

fn spawn_sems(dir: &Path, url: &str, args: &[&str], env: &[(&str, &str)]) -> std::process::Child {
    let mut cmd = Command::new(SEMS);
    cmd.args(args)
        .env("SEMS_DATA_DIR", dir)
        .env("SEMS_DATABASE_URL", url)
        .env("SEMS_DEMO_PASSWORD", "two nodes demo passphrase")
        .env("SEMS_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().expect("cannot run sems")
}

fn stop(child: std::process::Child) -> Output {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    child.wait_with_output().unwrap()
}

fn count(url: &str, sql: &str) -> i64 {
    with_db(url, |mut conn| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&mut conn)
            .await
            .unwrap()
    })
}

/// Two `sems serve` processes on one PostgreSQL: their jobs run at the same moment over the
/// same overdue items and each escalation is recorded and told once; a session opened on one
/// node works on the other; a node of another schema version and a restore under running
/// nodes are refused.
#[test]
fn two_nodes_on_one_postgres_share_sessions_and_run_each_job_once() {
    let Some(pg) = sems_testkit::postgres() else {
        return;
    };
    let url = pg.create_database();
    let dir = sems_testkit::temp_dir("sems-two-nodes");
    let t = Target {
        dir: dir.clone(),
        url: Some(url.clone()),
    };
    // The demo data, loaded by a first run that stops before its jobs' first run.
    let port = sems_testkit::free_port();
    let demo = spawn_sems(
        &dir,
        &url,
        &["demo", "--listen", &format!("127.0.0.1:{port}")],
        &[],
    );
    assert!(
        wait_for_secs(&format!("http://127.0.0.1:{port}/healthz"), 120),
        "demo did not start"
    );
    assert!(stop(demo).status.success());
    assert_eq!(count(&url, "SELECT COUNT(*) FROM sems_nodes"), 0, "left");
    for sql in [
        "UPDATE findings SET due_on = '2001-01-01', cap_due_on = NULL, escalated_on = NULL",
        "UPDATE actions SET due_on = '2001-01-01', escalated_on = NULL",
    ] {
        t.sql(sql);
    }
    let trail = |action: &str| {
        count(
            &url,
            &format!("SELECT COUNT(*) FROM audit_entries WHERE action = '{action}'"),
        )
    };
    let before = [trail("finding.escalate"), trail("action.escalate")];
    let last_note = count(&url, "SELECT COALESCE(MAX(id), 0) FROM notifications");

    // Two nodes, started together, running their jobs every second.
    let (pa, pb) = (sems_testkit::free_port(), sems_testkit::free_port());
    let jobs = [
        ("SEMS_JOB_INTERVAL_SECONDS", "1"),
        ("SEMS_METRICS_TOKEN", "two-nodes-metrics-token"),
    ];
    let a = spawn_sems(
        &dir,
        &url,
        &["serve", "--listen", &format!("127.0.0.1:{pa}")],
        &jobs,
    );
    let b = spawn_sems(
        &dir,
        &url,
        &["serve", "--listen", &format!("127.0.0.1:{pb}")],
        &jobs,
    );
    for p in [pa, pb] {
        assert!(wait_for_secs(&format!("http://127.0.0.1:{p}/healthz"), 60));
    }
    assert_eq!(count(&url, "SELECT COUNT(*) FROM sems_nodes"), 2);

    // A session opened on node A serves a page on node B.
    let signed = ureq::post(&format!("http://127.0.0.1:{pa}/api/v1/session"))
        .set("Origin", &format!("http://127.0.0.1:{pa}"))
        .send_json(ureq::json!({
            "username": "npt.security",
            "password": "two nodes demo passphrase"
        }))
        .expect("sign-in on node A");
    let cookie = signed
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string();
    let page = ureq::get(&format!("http://127.0.0.1:{pb}/risk/scenarios"))
        .set("Cookie", &cookie)
        .call()
        .expect("node B serves the page")
        .into_string()
        .unwrap();
    assert!(page.contains("Risk register"), "{page}");

    // Both nodes' jobs have run several times over the same overdue items.
    std::thread::sleep(std::time::Duration::from_secs(4));
    let findings = count(
        &url,
        "SELECT COUNT(*) FROM findings WHERE escalated_on IS NOT NULL",
    );
    let actions = count(
        &url,
        "SELECT COUNT(*) FROM actions WHERE escalated_on IS NOT NULL",
    );
    assert!(findings > 0 && actions > 0);
    assert_eq!(
        trail("finding.escalate") - before[0],
        findings,
        "each finding once"
    );
    assert_eq!(
        trail("action.escalate") - before[1],
        actions,
        "each action once"
    );
    let per_link = count(
        &url,
        &format!(
            "SELECT COALESCE(MAX(n), 0) FROM (SELECT person_id, link, COUNT(*) AS n FROM notifications
             WHERE id > {last_note} GROUP BY person_id, link) told"
        ),
    );
    assert_eq!(per_link, 1, "nobody told twice of one item");

    // The node's metrics: the page's use case timed, the job runs counted with their outcome.
    let metrics = ureq::get(&format!("http://127.0.0.1:{pb}/metrics"))
        .set("Authorization", "Bearer two-nodes-metrics-token")
        .call()
        .expect("metrics")
        .into_string()
        .unwrap();
    assert!(
        metrics.contains("sems_use_case_duration_seconds_count{use_case=\"risk::"),
        "{metrics}"
    );
    assert!(
        metrics.contains("sems_job_runs_total{job=\"overdue_findings\",outcome=\"ok\"}"),
        "{metrics}"
    );

    // A restore under running nodes is refused, and changes nothing.
    let backup = dir.join("two-nodes.backup");
    t.ok(&["backup", &backup.display().to_string()], None);
    let restore = t.sems(&["restore", &backup.display().to_string()], None);
    assert!(!restore.status.success());
    let err = String::from_utf8_lossy(&restore.stderr);
    assert!(err.contains("a sems server is running"), "{err}");

    // A node of another schema version: the third node is refused with a clear message.
    t.sql(&format!(
        "INSERT INTO sems_nodes (node_id, host, pid, schema_version, started_at_ms, heartbeat_ms)
         VALUES ('old-node', 'old-host', 1, 1, {now}, {now})",
        now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
    ));
    let pc = sems_testkit::free_port();
    let c = t.sems(&["serve", "--listen", &format!("127.0.0.1:{pc}")], None);
    assert!(!c.status.success());
    let err = String::from_utf8_lossy(&c.stderr);
    assert!(
        err.contains("runs schema version 1") && err.contains("old-host"),
        "{err}"
    );
    t.sql("DELETE FROM sems_nodes WHERE node_id = 'old-node'");

    for node in [a, b] {
        let out = stop(node);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(
        count(&url, "SELECT COUNT(*) FROM sems_nodes"),
        0,
        "both left"
    );
}

/// One anonymous filing with a text attachment through the public API, from the source
/// address `from`; `Some(receipt)` when it was answered 201.
async fn file_from(
    from: std::net::IpAddr,
    port: u16,
    n: u32,
) -> Result<Option<(String, Vec<u8>)>, std::io::Error> {
    use base64::Engine as _;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let attachment = format!("crash test statement {n}: seen at gate 12 by the cleaner\n");
    let body = serde_json::json!({
        "category": "suspicious", "occurred_at": "2026-11-30", "mode": "anonymous",
        "location": "Terminal 1, gate 12",
        "what_happened": format!("Crash test filing {n}: an unattended bag near gate 12 was checked."),
        "attachments": [{
            "filename": "statement.txt",
            "content_base64": base64::engine::general_purpose::STANDARD.encode(&attachment),
        }],
    })
    .to_string();
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(std::net::SocketAddr::new(from, 0))?;
    let mut stream = socket
        .connect(std::net::SocketAddr::from(([127, 0, 0, 1], port)))
        .await?;
    let request = format!(
        "POST /api/v1/public/reports/NPT HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let text = String::from_utf8_lossy(&response);
    if text.is_empty() {
        // Killed with the request in flight: never acknowledged.
        return Err(std::io::Error::other("no answer"));
    }
    if !text.starts_with("HTTP/1.1 201") {
        return Ok(None);
    }
    let json = text.split("\r\n\r\n").nth(1).unwrap_or("");
    let receipt = serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|v| v["receipt"].as_str().map(str::to_string));
    Ok(receipt.map(|r| (r, attachment.into_bytes())))
}

/// Files reports from several clients while the server is killed with SIGKILL and restarted,
/// 20 rounds: every filing answered 201 is there afterwards with its attachment and audit
/// entry and its receipt opens it; nothing is half-written; the trail verifies.
#[test]
fn no_acknowledged_filing_is_lost_when_the_server_is_killed() {
    for t in targets() {
        let url = t.url.clone();
        let db_url = url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", t.dir.join("sems.db").display()));
        let spawn = |args: &[&str]| {
            let mut cmd = Command::new(SEMS);
            cmd.args(args)
                .env("SEMS_DATA_DIR", &t.dir)
                .env("SEMS_DEMO_PASSWORD", "crash test demo passphrase")
                .env("SEMS_LOG", "warn")
                .env_remove("SEMS_DATABASE_URL")
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            if let Some(u) = &url {
                cmd.env("SEMS_DATABASE_URL", u);
            }
            cmd.spawn().expect("cannot run sems")
        };
        let port = sems_testkit::free_port();
        let listen = format!("127.0.0.1:{port}");
        let health = format!("http://{listen}/healthz");
        let demo = spawn(&["demo", "--listen", &listen]);
        assert!(wait_for_secs(&health, 120), "demo did not start");
        assert!(stop(demo).status.success());

        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let mut acknowledged: Vec<(String, Vec<u8>)> = Vec::new();
        let mut answered_otherwise = 0;
        for round in 0..20u32 {
            let mut server = spawn(&["serve", "--listen", &listen]);
            assert!(wait_for_secs(&health, 60), "round {round}: no start");
            let kill_after = std::time::Duration::from_millis(100 + u64::from(round % 5) * 120);
            let results = rt.block_on(async {
                let mut clients = Vec::new();
                for c in 0..4u32 {
                    clients.push(tokio::spawn(async move {
                        let mut got = Vec::new();
                        let mut refused = 0;
                        // Filing until the server is killed, from a new source address every
                        // nine filings (127.0.0.0/8 is local), so the public rate limits
                        // (ten per client) never stop the test.
                        for i in 0..5000u32 {
                            let from = std::net::IpAddr::from([
                                127,
                                (round + 1) as u8,
                                (c * 60 + i / 9 / 250) as u8,
                                (i / 9 % 250 + 1) as u8,
                            ]);
                            match file_from(from, port, round * 100_000 + c * 10_000 + i).await {
                                Ok(Some(filed)) => got.push(filed),
                                Ok(None) => refused += 1,
                                Err(_) => break,
                            }
                        }
                        (got, refused)
                    }));
                }
                tokio::time::sleep(kill_after).await;
                server.kill().expect("SIGKILL");
                let mut all = Vec::new();
                for c in clients {
                    all.push(c.await.unwrap());
                }
                all
            });
            let _ = server.wait();
            for (got, limited) in results {
                acknowledged.extend(got);
                answered_otherwise += limited;
            }
        }
        assert!(
            acknowledged.len() >= 20,
            "filings were acknowledged: {}",
            acknowledged.len()
        );

        // Restarted: every acknowledged filing opens with its receipt.
        let server = spawn(&["serve", "--listen", &listen]);
        assert!(wait_for_secs(&health, 60));
        for (receipt, _) in &acknowledged {
            let opened = ureq::post(&format!("http://{listen}/api/v1/public/receipt"))
                .send_json(ureq::json!({ "receipt": receipt }));
            assert!(
                opened.is_ok(),
                "a receipt answered 201 does not open: {opened:?}"
            );
        }
        assert!(stop(server).status.success());

        // Nothing half-written: each report has its filing in the trail, each attachment row
        // its file with its bytes, and no file is left that no row names.
        let orphans = count(
            &db_url,
            "SELECT COUNT(*) FROM security_reports r WHERE NOT EXISTS (SELECT 1 FROM audit_entries a
             WHERE a.record_kind = 'security_report' AND a.record_id = r.id AND a.action = 'security_report.file')",
        );
        assert_eq!(orphans, 0, "reports without their audit entry");
        let rows = count(&db_url, "SELECT COUNT(*) FROM report_attachments")
            + count(&db_url, "SELECT COUNT(*) FROM item_evidence");
        let files = tree(&t.dir.join("attachments"));
        for (_, bytes) in &acknowledged {
            let sum = sems_domain::util::sha256_hex(bytes);
            assert!(
                files
                    .iter()
                    .any(|(name, b)| name.ends_with(&sum) && b == bytes),
                "an acknowledged filing's attachment is missing"
            );
        }
        let distinct = count(
            &db_url,
            "SELECT COUNT(*) FROM (SELECT sha256 FROM report_attachments UNION SELECT sha256 FROM item_evidence) s",
        );
        assert_eq!(
            files.len() as i64,
            distinct,
            "files no row names ({rows} rows)"
        );
        assert!(t.ok(&["audit", "verify"], None).starts_with("OK"));
        if url.is_none() {
            let ok = with_db(&db_url, |mut conn| async move {
                sqlx::query_scalar::<_, String>("PRAGMA integrity_check")
                    .fetch_one(&mut conn)
                    .await
                    .unwrap()
            });
            assert_eq!(ok, "ok");
        }
        eprintln!(
            "crash test on {}: 20 rounds, {} filings acknowledged, 0 lost ({} answered otherwise)",
            if url.is_some() {
                "PostgreSQL"
            } else {
                "SQLite"
            },
            acknowledged.len(),
            answered_otherwise
        );
        assert_eq!(
            answered_otherwise, 0,
            "filings refused while the server ran"
        );
    }
}
