//! `sems bench sharing`: on its own national data set (by default 200 organisations × 10
//! years of the authority's items, 150 a year, and each organisation's circulars, with their
//! distributions, reads, access log and directive recipients), a recipient's inbox (every
//! item, to acknowledge, overdue) and its counts, an item read, the authority's directive
//! tracker (first page, late only, one organisation), as service calls and as pages; one run
//! of the sharing job.

use super::{actor, report, time, time_page, BenchServer, DEMO_PASSWORD};
use sems_domain::page::PageRequest;
use sems_domain::sharing::directive::Late;
use sems_services::generate::GenerateParams;
use sems_services::Services;
use sems_storage::sharing::inbox::{InboxShow, TrackerFilter};
use std::time::Instant;

pub async fn sharing(services: &Services, params: GenerateParams, runs: u32) -> anyhow::Result<()> {
    super::national_data_set(services, params).await?;
    let intel = actor(services, "intel").await?;
    let username = format!("g{}o1p1", params.seed);
    let manager = actor(services, &username).await?;
    let party = manager
        .party_id()
        .ok_or_else(|| anyhow::anyhow!("the generated security manager has no organisation"))?;
    let mut conn = services.store.read().await?;
    let items = sems_storage::bulk::row_count(&mut conn, "shared_items").await?;
    let distributions = sems_storage::bulk::row_count(&mut conn, "distributions").await?;
    let recipients = sems_storage::bulk::row_count(&mut conn, "directive_recipients").await?;
    let reads = sems_storage::bulk::row_count(&mut conn, "shared_item_reads").await?;
    let log = sems_storage::bulk::row_count(&mut conn, "access_log").await?;
    drop(conn);
    println!(
        "{runs} runs each on {}; {items} items, {distributions} distributions, {recipients} directive recipients, {reads} reads, {log} access-log entries",
        services.store.engine().as_str()
    );
    let sh = services.sharing();
    let first = || PageRequest::new(Some(1), Some(25));
    report(
        "inbox, a security manager, first page",
        &time(runs, || sh.inbox(&manager, InboxShow::All, first())).await?,
    );
    report(
        "inbox, to acknowledge",
        &time(runs, || {
            sh.inbox(&manager, InboxShow::ToAcknowledge, first())
        })
        .await?,
    );
    report(
        "inbox, overdue",
        &time(runs, || sh.inbox(&manager, InboxShow::Overdue, first())).await?,
    );
    report(
        "inbox counts",
        &time(runs, || sh.inbox_counts(&manager)).await?,
    );
    let newest = sh.inbox(&manager, InboxShow::All, first()).await?;
    if let Some(item) = newest.items.first() {
        let id = item.id;
        report(
            "an item read (logged)",
            &time(runs, || sh.item(&manager, id)).await?,
        );
    }
    let every = TrackerFilter::default();
    report(
        "directive tracker, authority, first page",
        &time(runs, || sh.directive_tracker(&intel, &every, first())).await?,
    );
    let late = TrackerFilter {
        late: Some(Late::Implementation),
        ..Default::default()
    };
    report(
        "directive tracker, implementation late",
        &time(runs, || sh.directive_tracker(&intel, &late, first())).await?,
    );
    let one = TrackerFilter {
        party_id: Some(party),
        ..Default::default()
    };
    report(
        "directive tracker, one organisation",
        &time(runs, || sh.directive_tracker(&intel, &one, first())).await?,
    );

    let server = BenchServer::start(services, sems_web::WebConfig::default()).await?;
    let addr = server.addr;
    let intel_session = services.sign_in("intel", DEMO_PASSWORD).await?;
    let manager_session = services
        .sign_in(&username, &format!("generated-{}-account", params.seed))
        .await?;
    for (path, who, token) in [
        ("/sharing", "security manager", &manager_session.token),
        (
            "/sharing?show=overdue",
            "security manager",
            &manager_session.token,
        ),
        (
            "/sharing/tracker",
            "intelligence analyst",
            &intel_session.token,
        ),
        (
            "/sharing/tracker?late=implementation",
            "intelligence analyst",
            &intel_session.token,
        ),
    ] {
        report(
            &format!("page {path}, {who}"),
            &time_page(runs, addr, path, token).await?,
        );
    }
    server.stop().await?;

    let started = Instant::now();
    let run = sh.run_sharing_job(sems_domain::util::today()).await?;
    println!(
        "sharing job: {:.2} s, {} expired, {} escalated",
        started.elapsed().as_secs_f64(),
        run.expired,
        run.escalated
    );
    Ok(())
}
