//! `sems bench sign-ins`: a flood of sign-in attempts through the API (unknown names, so no
//! lockout stops the hashing), from `clients` concurrent clients, while one signed-in reader
//! loads the risk register: the process's memory before and at its peak, the answers (401, or
//! 429 when the hashing gate is full), and the page's latency during the flood.

use super::{get_page, report, BenchServer, DEMO_PASSWORD};
use anyhow::Context;
use sems_services::Services;
use std::time::{Duration, Instant};

/// `VmRSS` and `VmHWM` (the peak) of this process, in MB.
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (kb("VmRSS:"), kb("VmHWM:"))
}

/// One sign-in attempt over a fresh connection; its status code.
async fn attempt(addr: std::net::SocketAddr, username: &str) -> anyhow::Result<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body =
        serde_json::json!({ "username": username, "password": "not the password" }).to_string();
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!(
        "POST /api/v1/session HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let status = String::from_utf8_lossy(&response[..response.len().min(12)])
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("an HTTP status line")?;
    Ok(status)
}

pub async fn sign_ins(services: &Services, attempts: u32, clients: u32) -> anyhow::Result<()> {
    services
        .load_demo(DEMO_PASSWORD)
        .await
        .context("loading the demo data")?;
    let server = BenchServer::start(services, sems_web::WebConfig::default()).await?;
    let addr = server.addr;
    let session = services.sign_in("npt.security", DEMO_PASSWORD).await?;
    let mut before = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        get_page(addr, "/risk/register", &session.token).await?;
        before.push(started.elapsed());
    }
    let (rss_before, peak_before) = memory();
    let started = Instant::now();
    let per_client = attempts.div_ceil(clients);
    let mut flood = Vec::new();
    for c in 0..clients {
        flood.push(tokio::spawn(async move {
            let mut statuses = std::collections::BTreeMap::<u16, u32>::new();
            for i in 0..per_client {
                *statuses
                    .entry(attempt(addr, &format!("flood-{c}-{i}")).await?)
                    .or_default() += 1;
            }
            anyhow::Ok(statuses)
        }));
    }
    let mut during: Vec<Duration> = Vec::new();
    while flood.iter().any(|t| !t.is_finished()) {
        let at = Instant::now();
        get_page(addr, "/risk/register", &session.token).await?;
        during.push(at.elapsed());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut statuses = std::collections::BTreeMap::<u16, u32>::new();
    for t in flood {
        for (status, n) in t.await?? {
            *statuses.entry(status).or_default() += n;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (rss_after, peak_after) = memory();
    server.stop().await?;
    println!(
        "{} sign-in attempts from {clients} clients in {elapsed:.1} s on {}: answers {statuses:?}",
        per_client * clients,
        services.store.engine().as_str()
    );
    println!(
        "memory: {rss_before:.0} MB resident before the flood (peak {peak_before:.0} MB, the demo load included), {rss_after:.0} MB after (peak {peak_after:.0} MB)"
    );
    before.sort();
    during.sort();
    report("page /risk/register before the flood", &before);
    report("page /risk/register during the flood", &during);
    Ok(())
}
