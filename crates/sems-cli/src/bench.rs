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

pub async fn risk(services: &Services, params: GenerateParams, runs: u32) -> anyhow::Result<()> {
    services
        .load_demo("bench-demo-passphrase-2026")
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
    Ok(())
}
