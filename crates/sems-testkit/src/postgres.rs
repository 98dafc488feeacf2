use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// A running throwaway cluster.
pub struct PgCluster {
    bin_dir: PathBuf,
    root: PathBuf,
    port: u16,
    as_postgres_user: bool,
    counter: AtomicU64,
}

static CLUSTER: OnceLock<Option<PgCluster>> = OnceLock::new();
static CLEANUP: Mutex<Option<(PathBuf, PathBuf, bool)>> = Mutex::new(None);

extern "C" {
    fn atexit(cb: extern "C" fn()) -> i32;
}

extern "C" fn stop_cluster() {
    let Ok(mut guard) = CLEANUP.lock() else {
        return;
    };
    if let Some((bin_dir, root, as_postgres)) = guard.take() {
        let data = root.join("data");
        let _ = command(&bin_dir, "pg_ctl", as_postgres)
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "-w", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&root);
    }
}

fn command(bin_dir: &Path, program: &str, as_postgres: bool) -> Command {
    let path = bin_dir.join(program);
    if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(path);
        c
    } else {
        Command::new(path)
    }
}

fn find_bin_dir() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("initdb"))
        .find(|p| p.is_file())
        .and_then(|p| std::fs::canonicalize(p).ok())
        .and_then(|p| p.parent().map(Path::to_path_buf))
}

/// The shared cluster of this test process, started on first use. `None` (with a message)
/// when PostgreSQL is not installed, unless `SEMS_REQUIRE_POSTGRES=1`, which turns that into a
/// failure.
pub fn postgres() -> Option<&'static PgCluster> {
    CLUSTER
        .get_or_init(|| match start() {
            Ok(c) => Some(c),
            Err(e) if !crate::required("SEMS_REQUIRE_POSTGRES") => {
                eprintln!("skipping the PostgreSQL half of this test: {e}");
                None
            }
            Err(e) => panic!("PostgreSQL tests are required (SEMS_REQUIRE_POSTGRES=1): {e}"),
        })
        .as_ref()
}

fn start() -> Result<PgCluster, String> {
    let bin_dir = find_bin_dir().ok_or("initdb is not on the PATH")?;
    let as_postgres = std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false);
    let root = crate::temp_dir("sems-pg");
    let data = root.join("data");
    if as_postgres {
        // initdb refuses to run as root: the cluster belongs to the postgres user.
        let status = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&root)
            .status()
            .map_err(|e| format!("chown: {e}"))?;
        if !status.success() {
            return Err("cannot hand the temp dir to the postgres user".into());
        }
    }
    let out = command(&bin_dir, "initdb", as_postgres)
        .arg("-D")
        .arg(&data)
        .args([
            "-U",
            "sems",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--no-instructions",
        ])
        .output()
        .map_err(|e| format!("initdb: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let port = crate::free_port();
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
        root.display()
    );
    let out = command(&bin_dir, "pg_ctl", as_postgres)
        .arg("-D")
        .arg(&data)
        .arg("-o")
        .arg(options)
        .arg("-l")
        .arg(root.join("log"))
        .args(["-w", "start"])
        .output()
        .map_err(|e| format!("pg_ctl: {e}"))?;
    if !out.status.success() {
        let log = std::fs::read_to_string(root.join("log")).unwrap_or_default();
        return Err(format!("pg_ctl start failed: {log}"));
    }
    if let Ok(mut guard) = CLEANUP.lock() {
        *guard = Some((bin_dir.clone(), root.clone(), as_postgres));
    }
    // SAFETY: registering a plain extern "C" function with no captured state.
    unsafe {
        atexit(stop_cluster);
    }
    Ok(PgCluster {
        bin_dir,
        root,
        port,
        as_postgres_user: as_postgres,
        counter: AtomicU64::new(0),
    })
}

impl PgCluster {
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Creates a fresh database and returns its URL.
    pub fn create_database(&self) -> String {
        self.createdb(None)
    }

    /// Creates a database as a copy of `template` (a database of this cluster with no open
    /// session) and returns its URL.
    pub fn create_database_from(&self, template: &str) -> String {
        self.createdb(Some(template))
    }

    fn createdb(&self, template: Option<&str>) -> String {
        let name = format!(
            "t_{}_{}",
            std::process::id(),
            self.counter.fetch_add(1, Ordering::SeqCst)
        );
        let mut cmd = command(&self.bin_dir, "createdb", self.as_postgres_user);
        cmd.args(["-h", "127.0.0.1", "-U", "sems", "-p"])
            .arg(self.port.to_string());
        if let Some(t) = template {
            cmd.args(["--template", t]);
        }
        let out = cmd.arg(&name).output().expect("cannot run createdb");
        assert!(
            out.status.success(),
            "createdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        format!("postgres://sems@127.0.0.1:{}/{name}", self.port)
    }

    /// Where the cluster lives (removed when the process exits).
    pub fn root(&self) -> &Path {
        &self.root
    }
}
