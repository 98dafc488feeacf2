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
    for _ in 0..100 {
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
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        assert!(
            wait_for(&format!("http://127.0.0.1:{port}/healthz")),
            "demo did not start"
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
        out.contains("Generated 3 organisations × 20 scenarios: 60 assessments"),
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
