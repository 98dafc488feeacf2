//! Storage of sems on SQLite and PostgreSQL through one code path.
//!
//! Every query is written once, in the SQL both engines share, and runs through sqlx's `Any`
//! driver; only the migrations exist once per engine, with the same meaning. See
//! `docs/adr/0001-storage.md` for why.
//!
//! Functions here take a connection (`&mut AnyConnection`), so services compose several of
//! them in one transaction, together with the audit-trail append.

pub mod access_filter;
pub mod actions;
pub mod appointments;
pub mod audit;
pub mod backup;
pub mod bulk;
pub mod decode;
pub mod files;
pub mod groups;
pub mod migrate;
pub mod nodes;
pub mod nominations;
pub mod notifications;
pub mod oversight;
pub mod parties;
pub mod pending_grants;
pub mod people;
pub mod performance;
pub mod reports;
pub mod risk;
pub mod sessions;
pub mod sharing;
pub mod sites;
pub mod sql;
pub mod tokens;
pub mod training;
pub mod versions;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;
use tokio::sync::{Mutex, OwnedMutexGuard};

pub use sqlx::Any;

/// A record's id and name, for pickers and short lists (an organisation's sites and
/// contractors, a group's members, an activity's team).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Named {
    pub id: i64,
    pub name: String,
}
pub type Conn = AnyConnection;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("unsupported database URL '{0}': use a postgres:// URL, or none for the embedded SQLite database in the data directory")]
    UnsupportedUrl(String),
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: i64,
        name: &'static str,
        source: sqlx::Error,
    },
    #[error("the database was written by a newer sems (schema version {found}, this binary knows {known}); upgrade sems")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("{0}")]
    Backup(String),
    #[error("a sems server is running on this database ({0}); stop every node first (a node killed without stopping counts as running for 45 seconds)")]
    NodeRunning(String),
    #[error("{node} runs schema version {theirs} and this sems runs {ours}: every node of a deployment runs the same version; stop the other nodes before upgrading, then start them all with the new version")]
    NodeOfAnotherVersion {
        node: String,
        theirs: i64,
        ours: i64,
    },
    /// A cursor that is not a position of the list it was sent to.
    #[error("cursor: is not a position this list gave")]
    Cursor,
    #[error("bulk insert failed ({statement} …): {source}")]
    Bulk {
        statement: &'static str,
        source: sqlx::Error,
    },
}

impl StoreError {
    /// Whether the error is a unique-constraint violation (a duplicate name, code, username).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgresql",
        }
    }
}

/// Where the database is. Parsed from the configuration before anything is opened, so that an
/// unknown URL is refused instead of silently creating an empty database somewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    SqliteFile(std::path::PathBuf),
    Postgres(String),
}

impl DatabaseLocation {
    /// `url`: empty for the SQLite file in `data_dir`, `postgres://` / `postgresql://`, or
    /// `sqlite://PATH` for an explicit SQLite file. Anything else is refused.
    pub fn parse(url: Option<&str>, data_dir: &Path) -> Result<Self> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Ok(Self::SqliteFile(data_dir.join("sems.db"))),
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                Ok(Self::Postgres(u.to_string()))
            }
            Some(u) if u.starts_with("sqlite://") => {
                let path = u.trim_start_matches("sqlite://");
                let path = path.split('?').next().unwrap_or(path);
                if path.is_empty() || path == ":memory:" {
                    return Err(StoreError::UnsupportedUrl(redact_url(u)));
                }
                Ok(Self::SqliteFile(path.into()))
            }
            Some(u) => Err(StoreError::UnsupportedUrl(redact_url(u))),
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Self::SqliteFile(_) => Engine::Sqlite,
            Self::Postgres(_) => Engine::Postgres,
        }
    }

    /// A description safe to print or log: passwords are never shown.
    pub fn describe(&self) -> String {
        match self {
            Self::SqliteFile(p) => format!("SQLite file {}", p.display()),
            Self::Postgres(u) => format!("PostgreSQL {}", redact_url(u)),
        }
    }
}

/// Replaces the password of a URL (`scheme://user:password@host`) with `***`.
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((userinfo, host)) = rest.split_once('@') {
            if let Some((user, _)) = userinfo.split_once(':') {
                return format!("{scheme}://{user}:***@{host}");
            }
        }
    }
    url.to_string()
}

/// The database: a pool, its engine, and on SQLite the lock that serialises writers.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    /// SQLite allows one writer at a time; taking this lock before `BEGIN` avoids the
    /// "database is locked" failure of a read transaction that upgrades to a write.
    write_lock: Arc<Mutex<()>>,
}

/// A write transaction. On SQLite it holds the writer lock until it commits or drops.
pub struct WriteTx {
    pub tx: Transaction<'static, Any>,
    _guard: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// Opens (creating a SQLite file if needed) and migrates.
    pub async fn open(location: &DatabaseLocation, max_connections: u32) -> Result<Self> {
        let store = Self::connect(location, max_connections).await?;
        migrate::run(&store).await?;
        Ok(store)
    }

    /// Opens without migrating.
    pub async fn connect(location: &DatabaseLocation, max_connections: u32) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let engine = location.engine();
        let url = match location {
            DatabaseLocation::SqliteFile(path) => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        StoreError::Backup(format!(
                            "cannot create the data directory {}: {e}",
                            parent.display()
                        ))
                    })?;
                }
                format!("sqlite://{}?mode=rwc", path.display())
            }
            DatabaseLocation::Postgres(url) => url.clone(),
        };
        // No statement logs at any level: the order and timing of statements (a session read,
        // then a report insert) would place people beside confidential filings in the logs.
        let options =
            sqlx::ConnectOptions::disable_statement_logging(AnyConnectOptions::from_str(&url)?);
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        // WAL lets readers work while one writer writes; the busy timeout makes
                        // a second process wait instead of failing; foreign keys are off in
                        // SQLite unless asked for. `synchronous = FULL`: a commit is on disk
                        // before it is acknowledged, so not even a power loss takes back an
                        // answered write (NORMAL survives a crash of sems, not of the machine);
                        // filings are committed together, which keeps it affordable.
                        for pragma in [
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA busy_timeout = 5000",
                            "PRAGMA foreign_keys = ON",
                            "PRAGMA synchronous = FULL",
                        ] {
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                    } else {
                        // Every statement is planned for its own values. Lists are prepared
                        // statements whose best plan depends on who reads (the authority's
                        // national scan against an organisation's few hundred rows, reached
                        // by index): after five runs PostgreSQL may settle on one generic
                        // plan for all values, and one organisation's register page went from
                        // 5 ms to 120 ms (sems bench national); planning each time costs far
                        // less than that.
                        sqlx::query("SET plan_cache_mode = force_custom_plan")
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self {
            pool,
            engine,
            write_lock: Arc::new(Mutex::new(())),
        })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A connection for reads.
    pub async fn read(&self) -> Result<sqlx::pool::PoolConnection<Any>> {
        Ok(self.pool.acquire().await?)
    }

    /// Begins a write transaction.
    pub async fn write(&self) -> Result<WriteTx> {
        let guard = match self.engine {
            Engine::Sqlite => Some(self.write_lock.clone().lock_owned().await),
            Engine::Postgres => None,
        };
        // SQLite: take the write lock when the transaction begins. A deferred transaction
        // that reads first and writes later fails at once with "database is locked" when
        // another connection (another process on the file, a job) wrote in between; an
        // immediate one waits for the busy timeout instead.
        let tx = match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx { tx, _guard: guard })
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Pool figures for `/metrics`: (open connections, idle connections).
    pub fn pool_state(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_are_parsed_or_refused() {
        let dir = Path::new("/data");
        assert_eq!(
            DatabaseLocation::parse(None, dir).unwrap(),
            DatabaseLocation::SqliteFile("/data/sems.db".into())
        );
        assert_eq!(
            DatabaseLocation::parse(Some(""), dir).unwrap().engine(),
            Engine::Sqlite
        );
        assert_eq!(
            DatabaseLocation::parse(Some("postgres://u:p@h/db"), dir)
                .unwrap()
                .engine(),
            Engine::Postgres
        );
        let err = DatabaseLocation::parse(Some("mysql://u:secret@h/db"), dir).unwrap_err();
        assert!(err.to_string().contains("unsupported database URL"));
        assert!(!err.to_string().contains("secret"));
        assert!(DatabaseLocation::parse(Some("sqlite://:memory:"), dir).is_err());
        assert!(DatabaseLocation::parse(Some("/tmp/x.db"), dir).is_err());
    }

    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:pw@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://h/db"), "postgres://h/db");
    }
}
