//! Test harness of sems.
//!
//! - [`postgres`]: a throwaway PostgreSQL cluster started with `initdb`/`pg_ctl` in a temp
//!   directory on a free port (as the `postgres` user when the tests run as root), removed when
//!   the test process exits; [`PgCluster::create_database`] gives each test its own database.
//! - [`DatabaseTemplate`]: a database prepared once per test process and copied for each test;
//!   [`demo`]: the demo data set prepared so, with the identity key it was sealed with.
//! - [`Browser`]: a minimal WebDriver client for Debian's headless Chromium and chromedriver.
//!
//! Both are skipped with a message when their programs are missing, unless
//! `SEMS_REQUIRE_POSTGRES=1` / `SEMS_REQUIRE_BROWSER=1` (set by `.ci/run`) make them required.

mod browser;
mod demo;
mod postgres;
mod template;

pub use browser::Browser;
pub use demo::{demo, Demo, DEMO_PASSWORD};
pub use postgres::{postgres, PgCluster};
pub use template::{DatabaseTemplate, TemplateTarget};

/// A free TCP port on the loopback interface.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port on 127.0.0.1")
}

pub(crate) fn required(var: &str) -> bool {
    std::env::var(var)
        .map(|v| v == "1" || v == "true")
        .unwrap_or(false)
}

/// A fresh, empty directory under the system temp dir.
pub fn temp_dir(prefix: &str) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "{prefix}-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).expect("cannot create a temp dir");
    dir
}
