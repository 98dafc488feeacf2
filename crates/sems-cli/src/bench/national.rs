//! `sems bench national`: the generated national data set (by default 200 organisations ×
//! 10 years: their risk assessments, 60,000 oversight activities with 1.86 million checklist
//! items, and 100,000 security reports), and on it every authority-wide view — the EI
//! dashboard, the findings list and its counts, the risk register, heat maps and national
//! picture, the occurrence list and the national statistics, the director's overview — as
//! service calls and as pages; then every national list's first page and a page halfway down
//! by cursor, as the authority and as one organisation.

use super::{actor, report, time, time_page, BenchServer, DEMO_PASSWORD};
use sems_domain::page::{Page, PageRequest};
use sems_services::generate::GenerateParams;
use sems_services::{Actor, Services};
use std::future::Future;

const PER_PAGE: u32 = 50;

/// Times one list for one reader: its first page, and the page after a cursor found halfway
/// down `rows` (the reader's share of the table), by page number once.
async fn list<T, F, Fut>(name: &str, runs: u32, rows: i64, mut fetch: F) -> anyhow::Result<()>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = sems_services::Result<Page<T>>>,
{
    let first = || PageRequest::new(Some(1), Some(PER_PAGE));
    let page = match fetch(first()).await {
        Ok(page) => page,
        Err(e) => {
            println!("{name:<46} not readable by this reader: {e}");
            return Ok(());
        }
    };
    let counted = if page.total_exact {
        page.total.to_string()
    } else {
        format!("over {}", page.total)
    };
    report(
        &format!("{name}, first page ({counted} rows)"),
        &time(runs, || fetch(first())).await?,
    );
    let halfway = u32::try_from(rows / 2 / i64::from(PER_PAGE))
        .unwrap_or(u32::MAX)
        .max(2);
    let Some(cursor) = fetch(PageRequest::new(Some(halfway), Some(PER_PAGE)))
        .await?
        .next_cursor
    else {
        println!("{name:<46} (shorter than two pages: no cursor page)");
        return Ok(());
    };
    let after = PageRequest::new(None, Some(PER_PAGE)).after(Some(&cursor))?;
    report(
        &format!("{name}, page {halfway} by cursor"),
        &time(runs, || fetch(after.clone())).await?,
    );
    Ok(())
}

pub async fn national(
    services: &Services,
    params: GenerateParams,
    runs: u32,
) -> anyhow::Result<()> {
    super::national_data_set(services, params).await?;
    let authority = actor(services, "director").await?;
    let organisation = actor(services, &format!("g{}o1p1", params.seed)).await?;
    let organisations = i64::from(params.organisations.max(1));
    let mut conn = services.store.read().await?;
    let mut rows = std::collections::HashMap::new();
    for table in [
        "risk_assessments",
        "findings",
        "actions",
        "audit_entries",
        "people",
    ] {
        rows.insert(
            table,
            sems_storage::bulk::row_count(&mut conn, table).await?,
        );
    }
    drop(conn);
    println!(
        "{} runs each on {}; rows: {:?}",
        runs,
        services.store.engine().as_str(),
        rows
    );
    authority_views(services, &authority, runs).await?;
    for (reader, who, share) in [
        (&authority, "authority", 1),
        (&organisation, "one organisation", organisations),
    ] {
        lists_for(services, reader, who, runs, |table| {
            rows.get(table).copied().unwrap_or(0) / share
        })
        .await?;
    }
    home_pages(services, &authority, &organisation, runs).await
}

/// Every view of the authority over every organisation, as a service call and as a page.
async fn authority_views(services: &Services, authority: &Actor, runs: u32) -> anyhow::Result<()> {
    use sems_storage::oversight::findings::FindingFilter;
    let oversight = services.oversight();
    let reporting = services.reporting();
    let risk = services.risk();
    let first = || PageRequest::new(Some(1), Some(PER_PAGE));
    let state = sems_services::oversight::ei::EiSelection::default();
    report(
        "EI dashboard, authority",
        &time(runs, || {
            oversight.effective_implementation(authority, None, &state)
        })
        .await?,
    );
    for (name, filter) in [
        ("findings, authority, first page", FindingFilter::default()),
        (
            "findings, authority, overdue, first page",
            FindingFilter {
                overdue_on: Some(sems_domain::util::today()),
                ..Default::default()
            },
        ),
        (
            "findings, authority, open level 1, first page",
            FindingFilter {
                level: Some(sems_domain::oversight::FindingLevel::Level1),
                open_only: true,
                ..Default::default()
            },
        ),
    ] {
        report(
            name,
            &time(runs, || oversight.findings(authority, &filter, first())).await?,
        );
    }
    let register = sems_storage::risk::AssessmentFilter::default();
    report(
        "risk register, authority, first page",
        &time(runs, || risk.assessments(authority, &register, first())).await?,
    );
    report(
        "heat maps, authority",
        &time(runs, || risk.heat_maps(authority, &register)).await?,
    );
    report(
        "national picture, authority",
        &time(runs, || risk.national_picture(authority)).await?,
    );
    let occurrences = sems_storage::reports::OccurrenceFilter::default();
    report(
        "occurrence list, authority, first page",
        &time(runs, || {
            reporting.occurrences(authority, &occurrences, first())
        })
        .await?,
    );
    let late = sems_storage::reports::OccurrenceFilter {
        late: Some(sems_domain::report::rules::OccurrenceStep::FinalResult),
        ..Default::default()
    };
    report(
        "occurrence list, authority, late final results",
        &time(runs, || reporting.occurrences(authority, &late, first())).await?,
    );
    report(
        "reporting statistics, national",
        &time(runs, || reporting.report_statistics(authority)).await?,
    );
    report(
        "late to the authority, per organisation",
        &time(runs, || reporting.late_to_authority(authority)).await?,
    );
    report(
        "national overview, director",
        &time(runs, || services.national_overview(authority)).await?,
    );

    // The same views as pages, through HTTP on a local port, templates included.
    let server = BenchServer::start(services, sems_web::WebConfig::default()).await?;
    let addr = server.addr;
    let session = services.sign_in("director", DEMO_PASSWORD).await?;
    for path in [
        "/",
        "/oversight/ei",
        "/oversight/findings",
        "/risk/register",
        "/risk/heat-map",
        "/risk/national",
        "/occurrences",
        "/reports/statistics",
    ] {
        report(
            &format!("page {path}, director"),
            &time_page(runs, addr, path, &session.token).await?,
        );
    }
    server.stop().await?;
    Ok(())
}

/// What the home pages and the header read: the director's national overview, the register
/// filtered to acceptances awaited, the agenda of a security manager and of an inspector, and
/// the header search by word and by number.
async fn home_pages(
    services: &Services,
    authority: &Actor,
    organisation: &Actor,
    runs: u32,
) -> anyhow::Result<()> {
    let risk = services.risk();
    let awaiting = sems_storage::risk::AssessmentFilter {
        acceptance: Some(
            risk.acceptance_filter(sems_domain::risk::AcceptanceState::Awaiting)
                .await?,
        ),
        ..Default::default()
    };
    for (reader, who) in [(authority, "authority"), (organisation, "one organisation")] {
        report(
            &format!("risk register awaiting acceptance, {who}, first page"),
            &time(runs, || {
                risk.assessments(reader, &awaiting, PageRequest::new(Some(1), Some(PER_PAGE)))
            })
            .await?,
        );
        report(
            &format!("home page agenda, {who}"),
            &time(runs, || services.agenda(reader)).await?,
        );
        for q in ["perimeter", "42"] {
            report(
                &format!("header search '{q}', {who}"),
                &time(runs, || services.search(reader, q)).await?,
            );
        }
    }
    let inspector = actor(services, "inspector").await?;
    report(
        "home page agenda, inspector",
        &time(runs, || services.agenda(&inspector)).await?,
    );
    Ok(())
}

async fn lists_for(
    services: &Services,
    reader: &Actor,
    who: &str,
    runs: u32,
    rows: impl Fn(&str) -> i64,
) -> anyhow::Result<()> {
    let risk = services.risk();
    let oversight = services.oversight();
    let register = sems_storage::risk::AssessmentFilter::default();
    list(
        &format!("risk register, {who}"),
        runs,
        rows("risk_assessments"),
        |page| risk.assessments(reader, &register, page),
    )
    .await?;
    let findings = sems_storage::oversight::findings::FindingFilter::default();
    list(
        &format!("findings, {who}"),
        runs,
        rows("findings"),
        |page| oversight.findings(reader, &findings, page),
    )
    .await?;
    let actions = sems_storage::actions::ActionFilter::default();
    list(
        &format!("action register, {who}"),
        runs,
        rows("actions"),
        |page| services.action_register(reader, &actions, page),
    )
    .await?;
    let audit = sems_storage::audit::AuditFilter::default();
    list(
        &format!("audit trail, {who}"),
        runs,
        rows("audit_entries"),
        |page| services.audit_entries(reader, &audit, page),
    )
    .await?;
    let people = sems_storage::people::PeopleFilter::default();
    list(&format!("people, {who}"), runs, rows("people"), |page| {
        services.people(reader, &people, page)
    })
    .await?;
    Ok(())
}
