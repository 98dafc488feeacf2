//! `sems bench risk`: times the risk register, the heat map and the national picture on a
//! generated national data set. Run it on a release build against a fresh data directory:
//! `cargo run --release --bin sems -- --data-dir /tmp/sems-bench bench risk`.

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

pub async fn risk(services: &Services, params: GenerateParams, runs: u32) -> anyhow::Result<()> {
    services
        .load_demo(DEMO_PASSWORD)
        .await
        .context("loading the demo accounts")?;
    let started = Instant::now();
    match services.generate(params).await {
        Ok(s) => println!(
            "Generated {} organisations × {} scenarios: {} assessments, {} history entries, {} test results, {} actions, {} acceptances in {:.1} s.",
            s.organisations,
            params.scenarios,
            s.risk.assessments,
            s.risk.history,
            s.risk.evidence,
            s.risk.actions,
            s.risk.acceptances,
            started.elapsed().as_secs_f64()
        ),
        Err(sems_services::ServiceError::Conflict(_)) => {
            println!("Using the data set generated earlier with seed {}.", params.seed)
        }
        Err(e) => return Err(e.into()),
    }
    let director = actor(services, "director").await?;
    let manager = actor(services, &format!("g{}o1p1", params.seed)).await?;
    let page = || PageRequest::new(Some(1), Some(50));
    println!(
        "{} runs each on {}:",
        runs,
        services.store.engine().as_str()
    );
    let all = AssessmentFilter::default();
    report(
        "register, authority, page 1 (residual first)",
        &time(runs, || services.assessments(&director, &all, page())).await?,
    );
    let by_review = AssessmentFilter {
        sort: RegisterSort::ReviewDate,
        ..Default::default()
    };
    report(
        "register, authority, page 1 (review due first)",
        &time(runs, || services.assessments(&director, &by_review, page())).await?,
    );
    let high = AssessmentFilter {
        residual_level: Some("high".into()),
        ..Default::default()
    };
    report(
        "register, authority, high residual only",
        &time(runs, || services.assessments(&director, &high, page())).await?,
    );
    report(
        "register, one organisation's security manager",
        &time(runs, || services.assessments(&manager, &all, page())).await?,
    );
    report(
        "heat maps, authority (every assessment)",
        &time(runs, || services.heat_maps(&director, &all)).await?,
    );
    report(
        "heat maps, one organisation",
        &time(runs, || services.heat_maps(&manager, &all)).await?,
    );
    report(
        "national picture, authority",
        &time(runs, || services.national_picture(&director)).await?,
    );

    // The same views as pages, through HTTP on a local port.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let state = sems_web::AppState::new(services.clone(), sems_web::WebConfig::default());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(sems_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let session = services.sign_in("director", DEMO_PASSWORD).await?;
    for (name, path) in [
        ("page /risk/register (authority)", "/risk/register"),
        ("page /risk/heat-map (authority)", "/risk/heat-map"),
        ("page /risk/national (authority)", "/risk/national"),
    ] {
        report(name, &time_page(runs, addr, path, &session.token).await?);
    }
    let _ = stop.send(());
    server.await??;
    Ok(())
}
