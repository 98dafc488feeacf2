//! The demo data set for tests: migrated and loaded once per test process into a
//! [`DatabaseTemplate`], with the identity key its confidential reports were sealed with, so
//! each test opens a copy instead of loading it again.

use crate::{DatabaseTemplate, TemplateTarget};
use sems_services::reports::sealing::ReportingConfig;
use sems_services::{ServiceConfig, Services};
use sems_storage::{DatabaseLocation, Engine, Store};
use std::sync::OnceLock;

/// The password of every demo account in tests.
pub const DEMO_PASSWORD: &str = "test-passphrase-2026";

pub struct Demo {
    template: DatabaseTemplate,
    /// The identity key (and attachments directory) the demo was loaded with.
    pub reporting: ReportingConfig,
}

impl Demo {
    /// A copy of the demo database on `engine`, or `None` for PostgreSQL when it is not
    /// installed.
    pub fn copy(&self, engine: Engine) -> Option<DatabaseLocation> {
        match engine {
            Engine::Sqlite => Some(DatabaseLocation::SqliteFile(self.template.sqlite_copy())),
            Engine::Postgres => {
                let url = self.template.postgres_copy()?;
                DatabaseLocation::parse(Some(&url), &crate::temp_dir("sems-pg")).ok()
            }
        }
    }

    /// Services over a copy of the demo database on `engine`, with the demo's identity key.
    pub async fn services(&self, engine: Engine, config: ServiceConfig) -> Option<Services> {
        let store = Store::open(&self.copy(engine)?, 8).await.ok()?;
        let mut s = Services::new(store, config);
        s.reporting = Some(self.reporting.clone());
        s.load_settings().await.ok()?;
        Some(s)
    }
}

/// The demo, prepared on first use (on a thread of its own, so that no test's runtime is
/// blocked on).
pub fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        std::thread::spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the demo template");
            let reporting = ReportingConfig::ephemeral().expect("an ephemeral identity key");
            let dir = crate::temp_dir("sems-demo");
            let template = DatabaseTemplate::prepare(|target| {
                let location = match target {
                    TemplateTarget::SqliteFile(p) => DatabaseLocation::SqliteFile(p.to_path_buf()),
                    TemplateTarget::PostgresUrl(u) => {
                        DatabaseLocation::parse(Some(u), &dir).expect("the template URL")
                    }
                };
                rt.block_on(async {
                    let store = Store::open(&location, 4).await.expect("the template store");
                    let mut s = Services::new(store.clone(), ServiceConfig::default());
                    s.reporting = Some(reporting.clone());
                    s.load_settings().await.expect("settings");
                    s.load_demo(DEMO_PASSWORD).await.expect("the demo data set");
                    store.close().await;
                });
            });
            Demo {
                template,
                reporting,
            }
        })
        .join()
        .expect("the demo template could not be prepared")
    })
}
