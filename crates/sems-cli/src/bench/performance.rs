//! `sems bench performance`: on the national data set (by default 200 organisations × 10
//! years, with their monthly data series and every indicator's values), the authority's
//! national view and one organisation's dashboard as service calls and as pages, a control
//! chart, the alert and indicator lists, and one run of the background job that keeps the
//! values up to date.

use super::{actor, report, time, time_page, BenchServer, DEMO_PASSWORD};
use sems_domain::page::PageRequest;
use sems_services::generate::GenerateParams;
use sems_services::Services;
use std::time::Instant;

pub async fn performance(
    services: &Services,
    params: GenerateParams,
    runs: u32,
) -> anyhow::Result<()> {
    super::national_data_set(services, params).await?;
    let director = actor(services, "director").await?;
    let manager = actor(services, &format!("g{}o1p1", params.seed)).await?;
    let party = manager
        .party_id()
        .ok_or_else(|| anyhow::anyhow!("the generated security manager has no organisation"))?;
    let mut conn = services.store.read().await?;
    let values = sems_storage::bulk::row_count(&mut conn, "indicator_values").await?;
    let series = sems_storage::bulk::row_count(&mut conn, "data_series_values").await?;
    let alerts = sems_storage::bulk::row_count(&mut conn, "performance_alerts").await?;
    let rate = sems_storage::performance::indicators::national(&mut conn)
        .await?
        .into_iter()
        .find(|i| i.code == "NAT-REP-RATE")
        .ok_or_else(|| anyhow::anyhow!("the national library is not published"))?
        .id;
    drop(conn);
    println!(
        "{runs} runs each on {}; {values} indicator values, {series} data series values, {alerts} alerts",
        services.store.engine().as_str()
    );
    let p = services.performance();
    report(
        "national view, director",
        &time(runs, || p.national_view(&director, None)).await?,
    );
    report(
        "dashboard, one organisation's security manager",
        &time(runs, || p.dashboard(&manager, party)).await?,
    );
    report(
        "dashboard of one organisation, director",
        &time(runs, || p.dashboard(&director, party)).await?,
    );
    report(
        "control chart (120 months), one organisation",
        &time(runs, || p.chart(&manager, rate, party)).await?,
    );
    let first = || PageRequest::new(Some(1), Some(50));
    let every_alert = sems_storage::performance::alerts::AlertFilter::default();
    let every_indicator = sems_storage::performance::indicators::IndicatorFilter::default();
    report(
        "alerts, authority, first page",
        &time(runs, || p.alerts(&director, &every_alert, first())).await?,
    );
    report(
        "indicators, one organisation, first page",
        &time(runs, || p.indicators(&manager, &every_indicator, first())).await?,
    );

    let server = BenchServer::start(services, sems_web::WebConfig::default()).await?;
    let addr = server.addr;
    let director_session = services.sign_in("director", DEMO_PASSWORD).await?;
    // The generator gives its people one password, from the seed.
    let manager_session = services
        .sign_in(
            &format!("g{}o1p1", params.seed),
            &format!("generated-{}-account", params.seed),
        )
        .await?;
    for (path, who, token) in [
        (
            "/performance/national".to_string(),
            "director",
            &director_session.token,
        ),
        (
            format!("/performance/organisations/{party}"),
            "security manager",
            &manager_session.token,
        ),
        (
            format!("/performance/indicators/{rate}/chart?party={party}"),
            "security manager",
            &manager_session.token,
        ),
    ] {
        report(
            &format!("page {path}, {who}"),
            &time_page(runs, addr, &path, token).await?,
        );
    }
    server.stop().await?;

    // The job, once: every organisation's recent periods checked, nothing changed.
    let started = Instant::now();
    let run = p.refresh_performance().await?;
    println!(
        "background job over {} organisations: {:.2} s, {} values written, {} alerts raised",
        run.organisations,
        started.elapsed().as_secs_f64(),
        run.values_written,
        run.alerts_raised
    );
    Ok(())
}
