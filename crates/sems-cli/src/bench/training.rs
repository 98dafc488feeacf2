//! `sems bench training`: on its own national data set (by default 200 organisations × 500
//! personnel × 10 years of courses, checks and two culture surveys each), the authority's
//! national compliance view and one organisation's due list and compliance as service calls
//! and as pages, the national culture picture, and one run of the training job.

use super::{actor, report, time, time_page, BenchServer, DEMO_PASSWORD};
use sems_domain::page::PageRequest;
use sems_domain::training::currency::Currency;
use sems_services::generate::GenerateParams;
use sems_services::Services;
use sems_storage::training::standings::DueFilter;
use std::time::Instant;

pub async fn training(
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
    let personnel = sems_storage::bulk::row_count(&mut conn, "personnel").await?;
    let records = sems_storage::bulk::row_count(&mut conn, "training_records").await?;
    let standings = sems_storage::bulk::row_count(&mut conn, "training_standings").await?;
    let answers = sems_storage::bulk::row_count(&mut conn, "survey_answers").await?;
    drop(conn);
    println!(
        "{runs} runs each on {}; {personnel} personnel, {records} training records, {standings} standings, {answers} survey answers",
        services.store.engine().as_str()
    );
    let t = services.training();
    report(
        "national compliance view, director",
        &time(runs, || t.national_compliance(&director)).await?,
    );
    let first = || PageRequest::new(Some(1), Some(50));
    let own = DueFilter {
        party_id: Some(party),
        ..Default::default()
    };
    report(
        "due list, one organisation, first page",
        &time(runs, || t.due_list(&manager, &own, first())).await?,
    );
    let lapsed = DueFilter {
        party_id: Some(party),
        currency: Some(Currency::Lapsed),
        ..Default::default()
    };
    report(
        "due list, one organisation, lapsed only",
        &time(runs, || t.due_list(&manager, &lapsed, first())).await?,
    );
    report(
        "compliance, one organisation",
        &time(runs, || t.compliance(&manager, party)).await?,
    );
    let everyone = sems_storage::training::personnel::PersonnelFilter::default();
    report(
        "personnel, one organisation, first page",
        &time(runs, || t.personnel(&manager, &everyone, first())).await?,
    );
    report(
        "national culture picture, director",
        &time(runs, || t.national_culture(&director)).await?,
    );

    let server = BenchServer::start(services, sems_web::WebConfig::default()).await?;
    let addr = server.addr;
    let director_session = services.sign_in("director", DEMO_PASSWORD).await?;
    let manager_session = services
        .sign_in(
            &format!("g{}o1p1", params.seed),
            &format!("generated-{}-account", params.seed),
        )
        .await?;
    for (path, who, token) in [
        ("/training/national", "director", &director_session.token),
        ("/training", "security manager", &manager_session.token),
        (
            "/training/due?currency=lapsed",
            "security manager",
            &manager_session.token,
        ),
    ] {
        report(
            &format!("page {path}, {who}"),
            &time_page(runs, addr, path, token).await?,
        );
    }
    server.stop().await?;

    // The job, once: nothing changes by itself today.
    let started = Instant::now();
    let run = t.run_training_job(sems_domain::util::today()).await?;
    println!(
        "training job: {:.2} s, {} people computed again",
        started.elapsed().as_secs_f64(),
        run.people
    );
    Ok(())
}
