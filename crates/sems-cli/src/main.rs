//! `sems`: one binary for the web UI, the JSON API, background jobs and administration.

mod bench;
mod config;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use config::{CommonArgs, Config, ServeArgs};
use sems_services::{Actor, Services};
use sems_storage::audit::Verification;
use sems_storage::Store;
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "sems",
    version,
    about = "sems — aviation Security Management System"
)]
struct Cli {
    #[command(flatten)]
    common: CommonArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (migrates the database first).
    Serve(ServeArgs),
    /// Load the demo data set, print the sign-ins, and run the server.
    Demo(ServeArgs),
    /// Apply the database migrations and exit.
    Migrate,
    /// Manage accounts from the command line.
    #[command(subcommand)]
    User(UserCommand),
    /// Write one archive with the database, the attachments and a manifest of their
    /// checksums to FILE (the server may keep running; the identity key is not included).
    Backup { file: PathBuf },
    /// Replace the database and the attachments with the archive in FILE, once every checksum
    /// matches (stop every node first).
    Restore { file: PathBuf },
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Generate a national-scale synthetic data set (deterministic from the seed).
    Generate {
        #[arg(long, default_value_t = 200)]
        organisations: u32,
        #[arg(long, default_value_t = 50)]
        people_per_org: u32,
        #[arg(long, default_value_t = 10)]
        years: u32,
        /// National scenarios each organisation assesses (0: no risk records).
        #[arg(long, default_value_t = 40)]
        scenarios: u32,
        /// Oversight activities per organisation and year, over the whole programme.
        #[arg(long, default_value_t = 0)]
        activities_per_year: i64,
        /// Security reports per organisation and year.
        #[arg(long, default_value_t = 0)]
        reports_per_year: u32,
        /// People of each organisation's personnel register, with their training records,
        /// background checks and culture surveys.
        #[arg(long, default_value_t = 0)]
        personnel_per_org: u32,
        /// Items the authority shares per year, with each organisation's own circulars.
        #[arg(long, default_value_t = 0)]
        items_per_year: u32,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Benchmarks on a generated national data set (use a release build and a fresh data
    /// directory; the data set is generated on the first run).
    #[command(subcommand)]
    Bench(bench::command::BenchCommand),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add {
        /// The code of the person's party (see the organisations page).
        #[arg(long)]
        party: String,
        #[arg(long)]
        username: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// A role (repeat for several), e.g. administrator, security_manager, inspector.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        #[arg(long, default_value = "")]
        email: String,
        /// Clearance level name, e.g. RESTRICTED.
        #[arg(long)]
        clearance: Option<String>,
    },
    /// Set a new password (read from standard input); ends the person's sessions and lifts a lockout.
    ResetPassword { username: String },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain of the whole trail; exits non-zero at the first broken entry.
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let serve_args = match &cli.command {
        Command::Serve(a) | Command::Demo(a) => Some(a),
        _ => None,
    };
    let config = match Config::load(&cli.common, serve_args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    init_logging(&config.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The log (filtered by `log`) and, beside it with its own filter, the timing of use cases
/// for `/metrics` and the slow-use-case warnings.
fn init_logging(filter: &str) {
    use sems_web::observe::UseCaseLayer;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_filter(filter),
        )
        .with(UseCaseLayer.with_filter(UseCaseLayer::filter()))
        .init();
}

async fn open(config: &Config) -> anyhow::Result<Services> {
    let location = config.location()?;
    let store = Store::open(&location, config.max_connections)
        .await
        .with_context(|| format!("cannot open the database ({})", location.describe()))?;
    let mut services = Services::new(store, config.services.clone());
    services.load_settings().await?;
    // The identity key comes from the environment only, never a flag or the TOML file, so
    // it cannot end up in a shell history or a configuration repository.
    let key = std::env::var("SEMS_IDENTITY_KEY").ok();
    let mut reporting = sems_services::reports::sealing::ReportingConfig::load(
        &config.data_dir,
        key.as_deref(),
        config.identity_key_file.as_deref(),
    )
    .context("cannot load the identity key")?;
    reporting.targets = config.report_targets;
    reporting.second_handler_for_kept = config.forward_second_handler;
    services.reporting = Some(reporting);
    Ok(services)
}

async fn run(command: Command, config: Config) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve(_) => {
            let services = open(&config).await?;
            services
                .ensure_authority("Civil Aviation Security Authority", "CASA")
                .await?;
            services.risk().ensure_risk_defaults().await?;
            services.reporting().ensure_reporting_defaults().await?;
            services.oversight().ensure_oversight_defaults().await?;
            services.performance().ensure_performance_defaults().await?;
            services.training().ensure_training_defaults().await?;
            serve(services, &config).await?;
        }
        Command::Demo(_) => {
            let services = open(&config).await?;
            let password = std::env::var("SEMS_DEMO_PASSWORD")
                .ok()
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| sems_services::demo::DEFAULT_PASSWORD.to_string());
            let summary = services
                .load_demo(&password)
                .await
                .context("cannot load the demo data")?;
            let url = format!("http://{}/", config.listen);
            println!(
                "sems demo: {} records created, {} already there.",
                summary.created, summary.already_there
            );
            println!("Open {url} and sign in with one of these user names; every demo account's password is: {password}");
            for a in sems_services::demo::ACCOUNTS {
                println!("  {:<15} {:<20} {}", a.username, a.name, a.roles.join(", "));
            }
            serve(services, &config).await?;
        }
        Command::Migrate => {
            let location = config.location()?;
            let store = Store::connect(&location, 1).await?;
            let applied = sems_storage::migrate::run(&store).await?;
            println!(
                "{} migration(s) applied; schema version {}.",
                applied,
                sems_storage::migrate::latest_version()
            );
        }
        Command::User(UserCommand::Add {
            party,
            username,
            name,
            roles,
            email,
            clearance,
        }) => {
            let services = open(&config).await?;
            services
                .ensure_authority("Civil Aviation Security Authority", "CASA")
                .await?;
            let mut conn = services.store.read().await?;
            let Some(p) =
                sems_storage::parties::by_code(&mut conn, &party.trim().to_uppercase()).await?
            else {
                bail!("no party has the code '{party}'");
            };
            drop(conn);
            let password = read_password("Password for the new account: ")?;
            let person = services
                .create_person(
                    &Actor::System("sems user add"),
                    &sems_services::people::NewPersonInput {
                        party_id: p.id,
                        username,
                        display_name: name,
                        email,
                        password,
                        roles,
                        clearance,
                    },
                )
                .await?;
            println!(
                "Created {} ({}) in {}.",
                person.username, person.display_name, person.party_name
            );
        }
        Command::User(UserCommand::ResetPassword { username }) => {
            let services = open(&config).await?;
            let password = read_password("New password: ")?;
            services.reset_password(&username, &password).await?;
            println!("The password of {username} was changed; their sessions were ended.");
        }
        Command::Backup { file } => {
            let location = config.location()?;
            let store = Store::connect(&location, 1).await?;
            let attachments = sems_services::reports::sealing::attachments_dir(&config.data_dir);
            let summary =
                sems_storage::backup::backup(&store, &location, &attachments, &file).await?;
            println!(
                "Backup written to {}: the database and {} attachment(s), {} bytes, with their checksums. The identity key is not in it: keep it apart.",
                file.display(),
                summary.attachments,
                summary.bytes
            );
        }
        Command::Restore { file } => {
            let location = config.location()?;
            let attachments = sems_services::reports::sealing::attachments_dir(&config.data_dir);
            let summary = sems_storage::backup::restore(&location, &attachments, &file).await?;
            println!(
                "Restored {} into {}: every checksum matched; the database and {} attachment(s). Run `sems audit verify` to check the audit trail.",
                file.display(),
                location.describe(),
                summary.attachments
            );
        }
        Command::Audit(AuditCommand::Verify) => {
            let services = open(&config).await?;
            match services.verify_audit_trail().await? {
                Verification::Intact { entries } => {
                    println!("OK: the audit trail is intact ({entries} entries).")
                }
                Verification::Broken(b) => {
                    println!("BROKEN at entry {}: {}", b.seq, b.reason);
                    return Ok(ExitCode::from(1));
                }
            }
        }
        Command::Generate {
            organisations,
            people_per_org,
            years,
            scenarios,
            activities_per_year,
            reports_per_year,
            personnel_per_org,
            items_per_year,
            seed,
        } => {
            let services = open(&config).await?;
            let started = std::time::Instant::now();
            let s = services
                .generate(sems_services::generate::GenerateParams {
                    organisations,
                    people_per_org,
                    years,
                    scenarios,
                    activities_per_year,
                    reports_per_year,
                    personnel_per_org,
                    items_per_year,
                    seed,
                })
                .await?;
            let seconds = started.elapsed().as_secs_f64();
            let r = s.risk;
            let rows = s.organisations
                + s.sites
                + s.people * 2
                + s.nominations
                + r.scenarios
                + r.assessments
                + r.history
                + r.evidence
                + r.actions
                + r.acceptances
                + r.implementations
                + s.oversight.activities
                + s.oversight.items
                + s.oversight.findings
                + s.reports
                + s.performance.series_values
                + s.performance.values
                + s.training.rows()
                + s.sharing.rows();
            println!(
                "Generated {} organisations, {} sites, {} people, {} nominations; {} risk assessments ({} history entries, {} test results, {} actions, {} acceptances); {} oversight activities ({} checklist items, {} findings); {} security reports; {} data series values, {} indicator values, {} alerts; {} personnel, {} training records, {} checks, {} survey answers; {} shared items ({} distributions, {} directive recipients, {} reads) in {:.1} s ({:.0} rows/s) on {}.",
                s.organisations, s.sites, s.people, s.nominations, r.assessments, r.history,
                r.evidence, r.actions, r.acceptances, s.oversight.activities, s.oversight.items,
                s.oversight.findings, s.reports, s.performance.series_values,
                s.performance.values, s.performance.alerts, s.training.personnel,
                s.training.records, s.training.checks, s.training.answers, s.sharing.items,
                s.sharing.distributions, s.sharing.recipients, s.sharing.reads, seconds,
                rows as f64 / seconds.max(0.001),
                services.store.engine().as_str()
            );
        }
        Command::Bench(command) => {
            let services = open(&config).await?;
            bench::command::run(command, &services).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a password: without echo from a terminal, or the first line of piped input.
fn read_password(prompt: &str) -> anyhow::Result<String> {
    let password = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt).context("cannot read the password")?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\n', '\r']).to_string()
    };
    if password.is_empty() {
        bail!("no password given on standard input");
    }
    Ok(password)
}

async fn serve(services: Services, config: &Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let web = sems_web::WebConfig {
        trust_proxy: config.trust_proxy,
        always_secure_cookies: config.secure_cookies,
        max_body_bytes: config.max_body_bytes,
        public_rate_limits: true,
        metrics_token: config.metrics_token.clone(),
        public_url: config.public_url.clone(),
    };
    tracing::info!(
        listen = %config.listen,
        database = %config.location()?.describe(),
        "sems is listening on http://{}/",
        listener.local_addr().map(|a| a.to_string()).unwrap_or_else(|_| config.listen.clone())
    );
    // This node joins the deployment: refused when a live node runs another schema version.
    let node_id = sems_domain::util::hex(&sems_services::secrets::random_bytes(8)?);
    sems_storage::nodes::join(
        &services.store,
        &node_id,
        &sems_storage::nodes::host_name(),
        i64::from(std::process::id()),
    )
    .await
    .context("cannot join the deployment")?;
    // Files a crash left between an attachment's write and its row's commit: all of them when
    // this is the only node (nothing is being filed), else only those old enough.
    let alone = sems_storage::nodes::beat(&services.store, &node_id).await? == 1;
    let age = if alone {
        std::time::Duration::ZERO
    } else {
        sems_services::attachments::SWEEP_AGE
    };
    match services.sweep_unreferenced_attachments(age).await {
        Ok(n) if n > 0 => tracing::info!(files = n, "removed attachment files no row names"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not sweep unnamed attachment files"),
    }
    let store = services.store.clone();
    let jobs = std::time::Duration::from_secs(config.job_interval_seconds);
    spawn_background_jobs(services.clone(), jobs);
    let state = sems_web::AppState::new(services, web);
    spawn_heartbeat(store.clone(), node_id.clone(), state.limits.clone());
    sems_web::serve(listener, state, shutdown_signal()).await?;
    if let Err(e) = sems_storage::nodes::leave(&store, &node_id).await {
        tracing::warn!(error = %e, "could not leave the deployment's list of nodes");
    }
    store.close().await;
    tracing::info!("sems stopped");
    Ok(())
}

/// Keeps this node alive in the database and its share of the public rate limits in step with
/// the number of live nodes.
fn spawn_heartbeat(
    store: Store,
    node_id: String,
    limits: std::sync::Arc<sems_web::limits::RateLimits>,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(
            sems_storage::nodes::HEARTBEAT_SECONDS,
        ));
        loop {
            tick.tick().await;
            match sems_storage::nodes::beat(&store, &node_id).await {
                Ok(nodes) => limits.set_nodes(nodes),
                Err(e) => tracing::warn!(error = %e, "could not record this node's heartbeat"),
            }
        }
    });
}

/// The background jobs, on every node: each due item is claimed in the database before it is
/// handled, so however many nodes run them at the same moment, it is handled once. Each run is
/// counted in `/metrics` with its outcome.
fn spawn_background_jobs(services: Services, every: std::time::Duration) {
    tokio::spawn(async move {
        // The first run one interval after start: a node restarted in a loop does not rerun
        // the jobs each time.
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            tick.tick().await;
            let oversight = services.oversight();
            run_job(
                "session_purge",
                "removed expired sessions",
                services.purge_expired_sessions(),
            )
            .await;
            run_job(
                "overdue_findings",
                "escalated overdue findings",
                oversight.escalate_overdue_findings(),
            )
            .await;
            run_job(
                "overdue_actions",
                "escalated overdue actions",
                services.escalate_overdue_actions(),
            )
            .await;
            run_job(
                "security_performance",
                "computed indicators' values, raised and escalated alerts",
                async {
                    services
                        .performance()
                        .refresh_performance()
                        .await
                        .map(|r| r.values_written + r.alerts_raised + r.alerts_escalated)
                },
            )
            .await;
            run_job(
                "training_currency",
                "computed training standings whose day came, opened withdrawal tasks, sent notices",
                async {
                    services
                        .training()
                        .run_training_job(sems_domain::util::today())
                        .await
                        .map(|r| r.people)
                },
            )
            .await;
            run_job(
                "sharing_clocks",
                "expired items past their day, escalated late directive steps",
                async {
                    services
                        .sharing()
                        .run_sharing_job(sems_domain::util::today())
                        .await
                        .map(|r| r.expired + r.escalated)
                },
            )
            .await;
            run_job(
                "attachment_sweep",
                "removed attachment files no row names",
                services.sweep_unreferenced_attachments(sems_services::attachments::SWEEP_AGE),
            )
            .await;
        }
    });
}

/// Runs one job, logs what it did and records the run for `/metrics`.
async fn run_job<N: TryInto<u64>>(
    job: &'static str,
    done: &'static str,
    run: impl std::future::Future<Output = sems_services::Result<N>>,
) {
    let started = std::time::Instant::now();
    let outcome = run.await.map(|n| n.try_into().unwrap_or(u64::MAX));
    match &outcome {
        Ok(n) if *n > 0 => tracing::info!(job, items = n, "{done}"),
        Ok(_) => {}
        Err(e) => tracing::warn!(job, error = %e, "the job failed"),
    }
    sems_web::observe::record_job(job, outcome.map_err(|_| ()), started.elapsed());
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
