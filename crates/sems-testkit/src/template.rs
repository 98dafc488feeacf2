//! A database prepared once per test process and copied for each test: the demo data set is
//! migrated and loaded once, then each test gets its own copy (a file copy on SQLite,
//! `createdb --template` on PostgreSQL), so a test costs a copy instead of a load.

use std::path::{Path, PathBuf};

/// Where a template is prepared.
pub enum TemplateTarget<'a> {
    SqliteFile(&'a Path),
    PostgresUrl(&'a str),
}

/// The prepared databases: one SQLite file and, when PostgreSQL is available, one database
/// of the throwaway cluster. `prepare` must close its connections before it returns (a
/// PostgreSQL template may have no session while it is copied; a SQLite file is copied whole).
pub struct DatabaseTemplate {
    sqlite: PathBuf,
    postgres: Option<String>,
}

impl DatabaseTemplate {
    pub fn prepare(prepare: impl Fn(TemplateTarget<'_>)) -> Self {
        let dir = crate::temp_dir("sems-template");
        let sqlite = dir.join("template.db");
        prepare(TemplateTarget::SqliteFile(&sqlite));
        let postgres = crate::postgres().map(|pg| {
            let url = pg.create_database();
            prepare(TemplateTarget::PostgresUrl(&url));
            url
        });
        Self { sqlite, postgres }
    }

    /// A copy of the SQLite template as `sems.db` in a fresh directory.
    pub fn sqlite_copy(&self) -> PathBuf {
        let dir = crate::temp_dir("sems-copy");
        let path = dir.join("sems.db");
        std::fs::copy(&self.sqlite, &path).expect("cannot copy the SQLite template");
        // Whatever the write-ahead log still holds belongs to the copy too.
        let wal = self.sqlite.with_extension("db-wal");
        if wal.exists() {
            std::fs::copy(&wal, path.with_extension("db-wal"))
                .expect("cannot copy the template's WAL");
        }
        path
    }

    /// A copy of the PostgreSQL template (its URL), when PostgreSQL is available.
    pub fn postgres_copy(&self) -> Option<String> {
        let template = self.postgres.as_deref()?;
        let pg = crate::postgres()?;
        let name = template.rsplit('/').next().unwrap_or(template);
        Some(pg.create_database_from(name))
    }
}
