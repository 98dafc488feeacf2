//! `sems bench risk`: times the risk register, the heat map and the national picture on a
//! generated national data set. Run it on a release build against a fresh data directory:
//! `cargo run --release --bin sems -- --data-dir /tmp/sems-bench bench risk`.

pub mod command;
mod national;
mod performance;
mod sharing;
mod sign_in;
mod training;
pub use sign_in::sign_ins;

pub use national::national;
pub use performance::performance;
pub use sharing::sharing;
pub use training::training;

use anyhow::Context;
use sems_domain::page::PageRequest;
use sems_services::generate::GenerateParams;
use sems_services::{Actor, Services};
use sems_storage::people;
use sems_storage::risk::{AssessmentFilter, RegisterSort};
use std::time::{Duration, Instant};

/// Times `runs` calls of `f` and returns them sorted.
async fn time<F, Fut, T>(runs: u32, mut f: F) -> anyhow::Result<Vec<Duration>>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = sems_services::Result<T>>,
{
    // One call first, so caches are warm as they are on a running server.
    f().await?;
    let mut out = Vec::with_capacity(runs as usize);
    for _ in 0..runs {
        let started = Instant::now();
        f().await?;
        out.push(started.elapsed());
    }
    out.sort();
    Ok(out)
}

fn report(name: &str, times: &[Duration]) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name:<46} median {:>8.2} ms   p95 {:>8.2} ms   min {:>8.2} ms",
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(0.0))
    );
}

async fn actor(services: &Services, username: &str) -> anyhow::Result<Actor> {
    let mut conn = services.store.read().await?;
    let person = people::by_username(&mut conn, username)
        .await?
        .with_context(|| format!("no account {username}"))?;
    let subject = people::subject(&mut conn, person.id)
        .await?
        .with_context(|| format!("no subject for {username}"))?;
    Ok(Actor::Person(subject))
}

const DEMO_PASSWORD: &str = "bench-demo-passphrase-2026";

/// A GET over a fresh connection with the session cookie, read to the end: what a browser's
/// page load costs the server, template rendering included.
async fn get_page(addr: std::net::SocketAddr, path: &str, cookie: &str) -> anyhow::Result<usize> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {}={cookie}\r\nConnection: close\r\n\r\n",
        sems_web::session::COOKIE
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    anyhow::ensure!(
        response.starts_with(b"HTTP/1.1 200"),
        "GET {path} answered {}",
        String::from_utf8_lossy(&response[..response.len().min(40)])
    );
    Ok(response.len())
}

/// sems served on a free local port, for the figures of pages as a browser loads them.
struct BenchServer {
    addr: std::net::SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl BenchServer {
    async fn start(services: &Services, web: sems_web::WebConfig) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = sems_web::AppState::new(services.clone(), web);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(sems_web::serve(listener, state, async {
            let _ = stopped.await;
        }));
        Ok(Self { addr, stop, server })
    }

    async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        self.server.await??;
        Ok(())
    }
}

/// Times `runs` loads of a page.
async fn time_page(
    runs: u32,
    addr: std::net::SocketAddr,
    path: &str,
    cookie: &str,
) -> anyhow::Result<Vec<Duration>> {
    get_page(addr, path, cookie).await?;
    let mut out = Vec::with_capacity(runs as usize);
    for _ in 0..runs {
        let started = Instant::now();
        get_page(addr, path, cookie).await?;
        out.push(started.elapsed());
    }
    out.sort();
    Ok(out)
}

/// Loads the demo accounts and generates the national data set of `params`, or says it uses
/// the one generated earlier with the same seed.
pub async fn national_data_set(services: &Services, params: GenerateParams) -> anyhow::Result<()> {
    services
        .load_demo(DEMO_PASSWORD)
        .await
        .context("loading the demo accounts")?;
    let started = Instant::now();
    match services.generate(params).await {
        Ok(s) => println!(
            "Generated {} organisations × {} scenarios: {} people, {} assessments, {} history entries, {} test results, {} actions, {} acceptances, {} activities ({} checklist items), {} findings, {} security reports, {} data series values, {} indicator values, {} alerts in {:.1} s.",
            s.organisations,
            params.scenarios,
            s.people,
            s.risk.assessments,
            s.risk.history,
            s.risk.evidence,
            s.risk.actions,
            s.risk.acceptances,
            s.oversight.activities,
            s.oversight.items,
            s.oversight.findings,
            s.reports,
            s.performance.series_values,
            s.performance.values,
            s.performance.alerts,
            started.elapsed().as_secs_f64()
        ),
        Err(sems_services::ServiceError::Conflict(_)) => {
            println!("Using the data set generated earlier with seed {}.", params.seed)
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

pub async fn risk(services: &Services, params: GenerateParams, runs: u32) -> anyhow::Result<()> {
    national_data_set(services, params).await?;
    let director = actor(services, "director").await?;
    let manager = actor(services, &format!("g{}o1p1", params.seed)).await?;
    let page = || PageRequest::new(Some(1), Some(50));
    println!(
        "{} runs each on {}:",
        runs,
        services.store.engine().as_str()
    );
    let risk = services.risk();
    let all = AssessmentFilter::default();
    report(
        "register, authority, page 1 (residual first)",
        &time(runs, || risk.assessments(&director, &all, page())).await?,
    );
    let by_review = AssessmentFilter {
        sort: RegisterSort::ReviewDate,
        ..Default::default()
    };
    report(
        "register, authority, page 1 (review due first)",
        &time(runs, || risk.assessments(&director, &by_review, page())).await?,
    );
    let high = AssessmentFilter {
        residual_level: Some("high".into()),
        ..Default::default()
    };
    report(
        "register, authority, high residual only",
        &time(runs, || risk.assessments(&director, &high, page())).await?,
    );
    report(
        "register, one organisation's security manager",
        &time(runs, || risk.assessments(&manager, &all, page())).await?,
    );
    report(
        "heat maps, authority (every assessment)",
        &time(runs, || risk.heat_maps(&director, &all)).await?,
    );
    report(
        "heat maps, one organisation",
        &time(runs, || risk.heat_maps(&manager, &all)).await?,
    );
    report(
        "national picture, authority",
        &time(runs, || risk.national_picture(&director)).await?,
    );

    // The same views as pages, through HTTP on a local port.
    let server = BenchServer::start(services, sems_web::WebConfig::default()).await?;
    let addr = server.addr;
    let session = services.sign_in("director", DEMO_PASSWORD).await?;
    for (name, path) in [
        ("page /risk/register (authority)", "/risk/register"),
        ("page /risk/heat-map (authority)", "/risk/heat-map"),
        ("page /risk/national (authority)", "/risk/national"),
    ] {
        report(name, &time_page(runs, addr, path, &session.token).await?);
    }
    server.stop().await?;
    Ok(())
}

/// A client of the public API keeping its connection open between filings, as a reporting
/// app or a form posting through a browser does.
struct FilingClient {
    addr: std::net::SocketAddr,
    stream: Option<tokio::io::BufReader<tokio::net::TcpStream>>,
}

impl FilingClient {
    fn new(addr: std::net::SocketAddr) -> Self {
        Self { addr, stream: None }
    }

    /// One filing; an error unless it was answered 201.
    async fn file(&mut self, body: &str) -> anyhow::Result<()> {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
        let addr = self.addr;
        let stream = match &mut self.stream {
            Some(s) => s,
            None => self.stream.insert(tokio::io::BufReader::new(
                tokio::net::TcpStream::connect(addr).await?,
            )),
        };
        let request = format!(
            "POST /api/v1/public/reports/NPT HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.get_mut().write_all(request.as_bytes()).await?;
        let mut status = String::new();
        stream.read_line(&mut status).await?;
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            stream.read_line(&mut line).await?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse()?;
                }
            }
        }
        let mut answer = vec![0u8; length];
        stream.read_exact(&mut answer).await?;
        anyhow::ensure!(
            status.starts_with("HTTP/1.1 201"),
            "filing answered {} {}",
            status.trim_end(),
            String::from_utf8_lossy(&answer[..answer.len().min(200)])
        );
        Ok(())
    }
}

/// `sems bench reports`: sustained anonymous filings per second through the HTTP API (with
/// `clients` concurrent clients, the public rate limits off), next to the raw insert rate of
/// the same rows into the same database, one transaction each.
pub async fn reports(services: &Services, filings: u32, clients: u32) -> anyhow::Result<()> {
    services
        .load_demo(DEMO_PASSWORD)
        .await
        .context("loading the demo data")?;
    let web = sems_web::WebConfig {
        public_rate_limits: false,
        ..Default::default()
    };
    let server = BenchServer::start(services, web).await?;
    let addr = server.addr;
    let day = sems_domain::util::format_date(sems_domain::util::today());
    let body = |i: u32| {
        serde_json::json!({
            "category": "suspicious", "occurred_at": day, "mode": "anonymous",
            "location": "Terminal 1, gate 12",
            "what_happened": format!("Benchmark filing {i}: an unattended bag near gate 12 was reported and checked."),
        })
        .to_string()
    };
    // Warm up, then measure.
    FilingClient::new(addr).file(&body(0)).await?;
    let started = Instant::now();
    let per_client = filings.div_ceil(clients);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let bodies: Vec<String> = (0..per_client)
            .map(|i| body(c * per_client + i + 1))
            .collect();
        tasks.push(tokio::spawn(async move {
            let mut client = FilingClient::new(addr);
            for b in bodies {
                client.file(&b).await?;
            }
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let api_seconds = started.elapsed().as_secs_f64();
    let sent = per_client * clients;
    let api_rate = f64::from(sent) / api_seconds;
    server.stop().await?;

    // The same rows, inserted directly, one transaction each.
    let party = sems_storage::parties::by_code(&mut *services.store.read().await?, "NPT")
        .await?
        .context("the demo airport is missing")?;
    let text = "Benchmark filing: an unattended bag near gate 12 was reported and checked.";
    let started = Instant::now();
    for i in 0..sent {
        let mut tx = services.store.write().await?;
        sems_storage::reports::insert_report(
            tx.conn(),
            &sems_storage::reports::NewReport {
                party_id: party.id,
                site_id: None,
                category_code: "suspicious",
                occurred_at: &day,
                location: "Terminal 1, gate 12",
                what_happened: text,
                reporter_thinks_mandatory: false,
                mode: sems_domain::report::ReportMode::Anonymous,
                reporter_person_id: None,
                reporter_identity_sealed: None,
                receipt_hash: &format!("bench-raw-{}-{i}", std::process::id()),
                forward_due_at_ms: None,
                triage_due_at_ms: None,
                rules_version: None,
                filed_at_ms: sems_storage::now_ms(),
            },
        )
        .await?;
        tx.commit().await?;
    }
    let raw_seconds = started.elapsed().as_secs_f64();
    let raw_rate = f64::from(sent) / raw_seconds;
    println!(
        "{} filings through the HTTP API with {clients} clients on {}: {:.0} filings/s ({:.2} s)",
        sent,
        services.store.engine().as_str(),
        api_rate,
        api_seconds
    );
    println!(
        "the same rows inserted directly, one transaction each: {:.0} rows/s ({:.2} s)",
        raw_rate, raw_seconds
    );
    println!(
        "ratio API / raw insert: {:.2} (the API also checks, hashes the receipt, writes the audit entry and notifies handlers; filings arriving together are committed together)",
        api_rate / raw_rate
    );
    Ok(())
}

/// `sems bench oversight`: the EI dashboard and the findings list, as service calls and as
/// pages, on a generated data set (by default 200 organisations × 10 years × 30 activities
/// over the whole programme: about two million checklist items).
pub async fn oversight(
    services: &Services,
    params: GenerateParams,
    runs: u32,
) -> anyhow::Result<()> {
    services
        .load_demo(DEMO_PASSWORD)
        .await
        .context("loading the demo accounts")?;
    let started = Instant::now();
    match services.generate(params).await {
        Ok(s) => println!(
            "Generated {} organisations × {} years: {} activities, {} checklist items, {} findings in {:.1} s.",
            s.organisations,
            params.years,
            s.oversight.activities,
            s.oversight.items,
            s.oversight.findings,
            started.elapsed().as_secs_f64()
        ),
        Err(sems_services::ServiceError::Conflict(_)) => {
            println!("Using the data set generated earlier with seed {}.", params.seed)
        }
        Err(e) => return Err(e.into()),
    }
    let inspector = actor(services, "inspector").await?;
    let org = sems_storage::parties::by_code(
        &mut *services.store.read().await?,
        &format!("G{}-1", params.seed),
    )
    .await?
    .context("the first generated organisation is missing")?;
    let page = || PageRequest::new(Some(1), Some(50));
    println!(
        "{} runs each on {}:",
        runs,
        services.store.engine().as_str()
    );
    let oversight = services.oversight();
    let state_oversight = sems_services::oversight::ei::EiSelection::default();
    report(
        "EI dashboard, authority (every organisation)",
        &time(runs, || {
            oversight.effective_implementation(&inspector, None, &state_oversight)
        })
        .await?,
    );
    report(
        "EI, one organisation",
        &time(runs, || {
            oversight.effective_implementation(&inspector, Some(org.id), &state_oversight)
        })
        .await?,
    );
    let all = sems_storage::oversight::findings::FindingFilter::default();
    report(
        "findings list, authority, page 1",
        &time(runs, || oversight.findings(&inspector, &all, page())).await?,
    );
    let overdue = sems_storage::oversight::findings::FindingFilter {
        overdue_on: Some(sems_domain::util::today()),
        ..Default::default()
    };
    report(
        "findings list, authority, overdue only",
        &time(runs, || oversight.findings(&inspector, &overdue, page())).await?,
    );
    let server = BenchServer::start(services, sems_web::WebConfig::default()).await?;
    let addr = server.addr;
    let session = services.sign_in("inspector", DEMO_PASSWORD).await?;
    for (name, path) in [
        ("page /oversight/ei (authority)", "/oversight/ei"),
        (
            "page /oversight/findings (authority)",
            "/oversight/findings",
        ),
    ] {
        report(name, &time_page(runs, addr, path, &session.token).await?);
    }
    server.stop().await?;
    Ok(())
}

/// Lists at scale: the national occurrence list (the authority) and an organisation's report
/// list (its handler), with `rows` security reports, each read at its first page, deep in
/// the list by cursor, and at the same depth by page number for comparison.
pub async fn lists(services: &Services, rows: u64, runs: u32) -> anyhow::Result<()> {
    use sems_domain::page::PageRequest;
    use sems_domain::report::rules::OccurrenceStep;
    use sems_storage::sql::Arg;
    services
        .load_demo(DEMO_PASSWORD)
        .await
        .context("loading the demo accounts")?;
    let director = actor(services, "director").await?;
    let handler = actor(services, "npt.handler").await?;
    let npt = handler
        .party_id()
        .context("the demo's report handler has an organisation")?;
    let started = Instant::now();
    let mut tx = services.store.write().await?;
    let have = sems_storage::bulk::row_count(tx.conn(), "security_reports").await?;
    let missing = rows.saturating_sub(u64::try_from(have).unwrap_or(0));
    let mut next = sems_storage::bulk::next_id(tx.conn(), "security_reports").await?;
    let mut bulk = sems_storage::bulk::BulkSet::new(&[
        "INSERT INTO security_reports (id, owner_party_id, category_code, occurred_at, what_happened,
             mode, receipt_hash, status, deidentified_text, filed_at_ms, forwarded_at_ms, updated_at_ms,
             mandatory, forward_due_at_ms, analysis_due_at_ms, analysis_sent_at_ms, final_due_at_ms,
             final_sent_at_ms) VALUES",
    ]);
    // Ten years of filings, newest last, every one forwarded (the national list holds them
    // all) and each organisation's own list holds a tenth.
    let now = sems_storage::now_ms();
    let span = 10 * 365 * 24 * 3_600_000_i64;
    let day_ms = 86_400_000_i64;
    let parties = sems_storage::parties::organisation_ids(tx.conn(), 10).await?;
    for i in 0..missing {
        let at = now - span + (span / rows.max(1) as i64) * i as i64;
        let owner = match parties.get((i as usize) % parties.len().max(1)) {
            Some(p) if i % 10 != 0 => *p,
            _ => npt,
        };
        bulk.row(
            tx.conn(),
            0,
            vec![
                Arg::Int(next),
                Arg::Int(owner),
                Arg::Text("perimeter".into()),
                Arg::Text(sems_domain::util::date_of(at)),
                Arg::Text(
                    "Benchmark report: a gap in the perimeter fence was found and closed.".into(),
                ),
                Arg::Text("confidential".into()),
                Arg::Text(format!("bench-{next}")),
                Arg::Text("closed".into()),
                Arg::Text("A gap in the perimeter fence was found and closed.".into()),
                Arg::Int(at),
                Arg::Int(at + 3_600_000),
                Arg::Int(at),
                Arg::Int(1),
                Arg::Int(at + 72 * 3_600_000),
                Arg::Int(at + 30 * day_ms),
                // One in 50 never sent its analysis, one in 20 its final result: the late
                // lists hold 2 % and 5 % of the rows.
                if i % 50 == 7 {
                    Arg::NullInt
                } else {
                    Arg::Int(at + 20 * day_ms)
                },
                Arg::Int(at + 90 * day_ms),
                if i % 20 == 3 {
                    Arg::NullInt
                } else {
                    Arg::Int(at + 60 * day_ms)
                },
            ],
        )
        .await?;
        next += 1;
    }
    bulk.flush(tx.conn()).await?;
    tx.commit().await?;
    println!(
        "{} security reports ({} added in {:.1} s) on {}; {} runs each:",
        rows.max(u64::try_from(have).unwrap_or(0)),
        missing,
        started.elapsed().as_secs_f64(),
        services.store.engine().as_str(),
        runs
    );
    let reporting = services.reporting();
    let national = sems_storage::reports::OccurrenceFilter::default();
    let own = sems_storage::reports::ReportFilter {
        party_id: Some(npt),
        ..Default::default()
    };
    let first = || PageRequest::new(Some(1), Some(50));
    // A position halfway down each list, found once by page number.
    let deep_page = |total: u64| u32::try_from((total / 2 / 50).max(2)).unwrap_or(u32::MAX);
    let national_total = rows;
    let own_total = rows / 10;
    let national_deep = PageRequest::new(Some(deep_page(national_total)), Some(50));
    let own_deep = PageRequest::new(Some(deep_page(own_total)), Some(50));
    let national_cursor = reporting
        .occurrences(&director, &national, national_deep.clone())
        .await?
        .next_cursor
        .context("a full page has a cursor")?;
    let own_cursor = reporting
        .reports(&handler, &own, own_deep.clone())
        .await?
        .next_cursor
        .context("a full page has a cursor")?;
    let after = |c: &str| PageRequest::new(None, Some(50)).after(Some(c));
    let national_after = after(&national_cursor)?;
    let own_after = after(&own_cursor)?;
    report(
        "occurrences, authority, first page",
        &time(runs, || {
            reporting.occurrences(&director, &national, first())
        })
        .await?,
    );
    report(
        "occurrences, authority, halfway by cursor",
        &time(runs, || {
            reporting.occurrences(&director, &national, national_after.clone())
        })
        .await?,
    );
    report(
        "occurrences, authority, halfway by page number",
        &time(runs, || {
            reporting.occurrences(&director, &national, national_deep.clone())
        })
        .await?,
    );
    report(
        "reports, one organisation's handler, first page",
        &time(runs, || reporting.reports(&handler, &own, first())).await?,
    );
    report(
        "reports, one organisation's handler, halfway by cursor",
        &time(runs, || {
            reporting.reports(&handler, &own, own_after.clone())
        })
        .await?,
    );
    report(
        "reports, one organisation's handler, halfway by page number",
        &time(runs, || reporting.reports(&handler, &own, own_deep.clone())).await?,
    );
    for (step, name) in [
        (OccurrenceStep::Analysis, "analyses"),
        (OccurrenceStep::FinalResult, "final results"),
    ] {
        let late = sems_storage::reports::OccurrenceFilter {
            late: Some(step),
            ..Default::default()
        };
        report(
            &format!("occurrences, authority, late {name}, first page"),
            &time(runs, || reporting.occurrences(&director, &late, first())).await?,
        );
    }
    report(
        "late to the authority (counts per organisation)",
        &time(runs, || reporting.late_to_authority(&director)).await?,
    );
    Ok(())
}
