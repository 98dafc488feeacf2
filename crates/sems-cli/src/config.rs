//! Configuration, layered: built-in defaults, then an optional TOML file (`--config` /
//! `SEMS_CONFIG`), then `SEMS_*` environment variables, then command-line flags (clap reads
//! a flag before its variable). Secrets (the database URL's password) are never printed.

use anyhow::{bail, Context};
use clap::Args;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// A TOML configuration file.
    #[arg(long, env = "SEMS_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Where sems keeps its files (the SQLite database by default).
    #[arg(long, env = "SEMS_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// `postgres://…` for PostgreSQL; empty for the SQLite file in the data directory.
    #[arg(long, env = "SEMS_DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Database connections per node.
    #[arg(long, env = "SEMS_MAX_CONNECTIONS", global = true)]
    pub max_connections: Option<u32>,
    /// Log filter, e.g. `info` or `sems_web=debug`.
    #[arg(long, env = "SEMS_LOG", global = true)]
    pub log: Option<String>,
}

/// Options of the commands that serve HTTP.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SEMS_LISTEN")]
    pub listen: Option<String>,
    /// Trust `X-Forwarded-Proto` from a reverse proxy (marks cookies Secure behind HTTPS).
    #[arg(long, env = "SEMS_TRUST_PROXY")]
    pub trust_proxy: Option<bool>,
    /// Always mark cookies Secure.
    #[arg(long, env = "SEMS_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,
    /// Minutes without a request after which a session ends.
    #[arg(long, env = "SEMS_SESSION_IDLE_MINUTES")]
    pub session_idle_minutes: Option<i64>,
    /// Hours after sign-in after which a session ends.
    #[arg(long, env = "SEMS_SESSION_ABSOLUTE_HOURS")]
    pub session_absolute_hours: Option<i64>,
    /// Failed sign-ins before a user name is locked for a while.
    #[arg(long, env = "SEMS_LOCKOUT_THRESHOLD")]
    pub lockout_threshold: Option<i64>,
    /// Minutes a user name stays locked.
    #[arg(long, env = "SEMS_LOCKOUT_MINUTES")]
    pub lockout_minutes: Option<i64>,
    /// The bearer token a metrics scraper sends for `/metrics` (none: `/metrics` answers 401).
    #[arg(long, env = "SEMS_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// The address people reach sems at, e.g. `https://sems.example.org`: forms and API
    /// writes must come from exactly this origin.
    #[arg(long, env = "SEMS_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The time zone times are shown in (an IANA name, `Europe/London`; default UTC).
    #[arg(long, env = "SEMS_TIME_ZONE")]
    pub time_zone: Option<String>,
    /// Seconds between runs of the background jobs (session purge, overdue escalations);
    /// default 600. Every node runs them; each due item is handled once across nodes.
    #[arg(long, env = "SEMS_JOB_INTERVAL_SECONDS")]
    pub job_interval_seconds: Option<u64>,
}

/// The TOML file: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub max_connections: Option<u32>,
    pub log: Option<String>,
    pub trust_proxy: Option<bool>,
    pub secure_cookies: Option<bool>,
    pub session_idle_minutes: Option<i64>,
    pub session_absolute_hours: Option<i64>,
    pub lockout_threshold: Option<i64>,
    pub lockout_window_minutes: Option<i64>,
    pub lockout_minutes: Option<i64>,
    pub max_body_bytes: Option<usize>,
    /// The bearer token of the metrics scraper (`SEMS_METRICS_TOKEN` overrides it).
    pub metrics_token: Option<String>,
    /// The address people reach sems at (`SEMS_PUBLIC_URL`).
    pub public_url: Option<String>,
    /// The time zone times are shown in (`SEMS_TIME_ZONE`).
    pub time_zone: Option<String>,
    /// Seconds between runs of the background jobs (`SEMS_JOB_INTERVAL_SECONDS`).
    pub job_interval_seconds: Option<u64>,
    /// The file holding the key that seals confidential reporters' identities (default:
    /// `identity.key` in the data directory; `SEMS_IDENTITY_KEY` overrides both).
    pub identity_key_file: Option<PathBuf>,
    /// Hours from filing to triage of a security report.
    pub report_triage_hours: Option<i64>,
    /// Days from triage to closure.
    pub report_closure_days: Option<i64>,
    /// Hours from filing within which a mandatory report reaches the authority.
    pub report_forward_hours: Option<i64>,
    /// Hours within which an approved disclosure opens the identity, once.
    pub disclosure_hours: Option<i64>,
    /// A forwarding that keeps identifiers waits for a second handler's confirmation.
    pub forward_second_handler: Option<bool>,
    /// A full audit of every organisation at least this often (months).
    pub full_audit_interval_months: Option<u32>,
    /// The usual time between inspections (months), shortened where results or risk call for it.
    pub inspection_interval_months: Option<u32>,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: String,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub max_connections: u32,
    pub log: String,
    pub trust_proxy: bool,
    pub secure_cookies: bool,
    pub services: sems_services::ServiceConfig,
    pub max_body_bytes: usize,
    pub metrics_token: Option<String>,
    pub public_url: Option<String>,
    pub identity_key_file: Option<PathBuf>,
    pub report_targets: sems_domain::report::ReportTargets,
    pub forward_second_handler: bool,
    /// The IANA time zone times are shown in, stated on every page.
    pub time_zone: String,
    pub job_interval_seconds: u64,
}

impl Config {
    pub fn load(common: &CommonArgs, serve: Option<&ServeArgs>) -> anyhow::Result<Self> {
        let file = match &common.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let defaults = sems_services::ServiceConfig::default();
        let s = serve.cloned();
        let pick =
            |flag: Option<i64>, file: Option<i64>, default: i64| flag.or(file).unwrap_or(default);
        let services = sems_services::ServiceConfig {
            session_idle_minutes: pick(
                s.as_ref().and_then(|s| s.session_idle_minutes),
                file.session_idle_minutes,
                defaults.session_idle_minutes,
            ),
            session_absolute_hours: pick(
                s.as_ref().and_then(|s| s.session_absolute_hours),
                file.session_absolute_hours,
                defaults.session_absolute_hours,
            ),
            lockout_threshold: pick(
                s.as_ref().and_then(|s| s.lockout_threshold),
                file.lockout_threshold,
                defaults.lockout_threshold,
            ),
            lockout_window_minutes: file
                .lockout_window_minutes
                .unwrap_or(defaults.lockout_window_minutes),
            lockout_minutes: pick(
                s.as_ref().and_then(|s| s.lockout_minutes),
                file.lockout_minutes,
                defaults.lockout_minutes,
            ),
            totp_issuer: defaults.totp_issuer,
            oversight_intervals: sems_domain::oversight::OversightIntervals {
                full_audit_months: file
                    .full_audit_interval_months
                    .unwrap_or(defaults.oversight_intervals.full_audit_months),
                inspection_months: file
                    .inspection_interval_months
                    .unwrap_or(defaults.oversight_intervals.inspection_months),
            },
        };
        for (name, v) in [
            ("session_idle_minutes", services.session_idle_minutes),
            ("session_absolute_hours", services.session_absolute_hours),
            ("lockout_threshold", services.lockout_threshold),
            ("lockout_window_minutes", services.lockout_window_minutes),
            ("lockout_minutes", services.lockout_minutes),
            ("report_triage_hours", file.report_triage_hours.unwrap_or(1)),
            ("report_closure_days", file.report_closure_days.unwrap_or(1)),
            (
                "report_forward_hours",
                file.report_forward_hours.unwrap_or(1),
            ),
        ] {
            if v < 1 {
                bail!("{name} must be at least 1 (got {v})");
            }
        }
        let config = Self {
            listen: s
                .as_ref()
                .and_then(|s| s.listen.clone())
                .or(file.listen)
                .unwrap_or_else(|| "127.0.0.1:8080".into()),
            data_dir: common
                .data_dir
                .clone()
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from("./sems-data")),
            database_url: common
                .database_url
                .clone()
                .or(file.database_url)
                .filter(|u| !u.trim().is_empty()),
            max_connections: common
                .max_connections
                .or(file.max_connections)
                .unwrap_or(10),
            log: common
                .log
                .clone()
                .or(file.log)
                .unwrap_or_else(|| "info".into()),
            trust_proxy: s
                .as_ref()
                .and_then(|s| s.trust_proxy)
                .or(file.trust_proxy)
                .unwrap_or(false),
            secure_cookies: s
                .as_ref()
                .and_then(|s| s.secure_cookies)
                .or(file.secure_cookies)
                .unwrap_or(false),
            services,
            max_body_bytes: file.max_body_bytes.unwrap_or(1024 * 1024),
            metrics_token: s
                .as_ref()
                .and_then(|s| s.metrics_token.clone())
                .or(file.metrics_token.clone())
                .filter(|t| !t.trim().is_empty()),
            public_url: s
                .as_ref()
                .and_then(|s| s.public_url.clone())
                .or(file.public_url.clone())
                .filter(|u| !u.trim().is_empty()),
            identity_key_file: file.identity_key_file.clone(),
            report_targets: {
                let d = sems_domain::report::ReportTargets::default();
                sems_domain::report::ReportTargets {
                    triage_hours: file.report_triage_hours.unwrap_or(d.triage_hours),
                    closure_days: file.report_closure_days.unwrap_or(d.closure_days),
                    forward_hours: file.report_forward_hours.unwrap_or(d.forward_hours),
                    disclosure_hours: file.disclosure_hours.unwrap_or(d.disclosure_hours),
                }
            },
            forward_second_handler: file.forward_second_handler.unwrap_or(false),
            time_zone: s
                .as_ref()
                .and_then(|s| s.time_zone.clone())
                .or(file.time_zone.clone())
                .filter(|z| !z.trim().is_empty())
                .unwrap_or_else(|| "UTC".to_string()),
            job_interval_seconds: s
                .as_ref()
                .and_then(|s| s.job_interval_seconds)
                .or(file.job_interval_seconds)
                .unwrap_or(600),
        };
        if config.job_interval_seconds == 0 {
            bail!("job_interval_seconds must be at least 1");
        }
        if config.max_connections == 0 {
            bail!("max_connections must be at least 1");
        }
        // Applied at start: every time people read is shown in it.
        sems_domain::util::set_time_zone(&config.time_zone)
            .map_err(|e| anyhow::anyhow!("time_zone: {e}"))?;
        Ok(config)
    }

    pub fn location(&self) -> anyhow::Result<sems_storage::DatabaseLocation> {
        Ok(sems_storage::DatabaseLocation::parse(
            self.database_url.as_deref(),
            &self.data_dir,
        )?)
    }
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
    toml::from_str(&text)
        .with_context(|| format!("the configuration file {} is not valid", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn common() -> CommonArgs {
        CommonArgs {
            config: None,
            data_dir: None,
            database_url: None,
            max_connections: None,
            log: None,
        }
    }

    #[test]
    fn defaults() {
        let c = Config::load(&common(), None).unwrap();
        assert_eq!(c.listen, "127.0.0.1:8080");
        assert_eq!(c.data_dir, PathBuf::from("./sems-data"));
        assert!(c.database_url.is_none());
    }

    #[test]
    fn file_is_overridden_by_flags() {
        let dir = std::env::temp_dir().join(format!("sems-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("sems.toml");
        std::fs::write(
            &path,
            "listen = \"0.0.0.0:9000\"\ndata_dir = \"/srv/sems\"\nsession_idle_minutes = 10\n",
        )
        .unwrap();
        let mut args = common();
        args.config = Some(path.clone());
        let c = Config::load(&args, None).unwrap();
        assert_eq!(c.listen, "0.0.0.0:9000");
        assert_eq!(c.services.session_idle_minutes, 10);
        args.data_dir = Some("/flag".into());
        let serve = ServeArgs {
            listen: Some("127.0.0.1:1".into()),
            trust_proxy: None,
            secure_cookies: None,
            session_idle_minutes: None,
            session_absolute_hours: None,
            lockout_threshold: None,
            lockout_minutes: None,
            metrics_token: None,
            public_url: None,
            time_zone: None,
            job_interval_seconds: None,
        };
        let c = Config::load(&args, Some(&serve)).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("/flag"));
        assert_eq!(c.listen, "127.0.0.1:1");
        assert_eq!(c.time_zone, "UTC");
        let elsewhere = ServeArgs {
            time_zone: Some("Mars/Olympus".into()),
            ..serve.clone()
        };
        let refused = Config::load(&args, Some(&elsewhere))
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("time_zone") && refused.contains("IANA"),
            "{refused}"
        );
        std::fs::write(&path, "colour = \"blue\"\n").unwrap();
        assert!(Config::load(&args, None).is_err());
        std::fs::remove_dir_all(dir).ok();
    }
}
