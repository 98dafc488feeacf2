//! Confidential security reporting on the web: public filing and receipts, the handlers'
//! workflow, identity disclosure, de-identification and forwarding, statistics and the
//! authority's national occurrences; with their part of `/api/v1`.

#![recursion_limit = "512"]

pub mod api;
pub mod pages;

/// The occurrences `filter` selects as a CSV download in the ECCAIRS-compatible column layout
/// (`docs/eccairs.md`): for the page and the API alike.
pub(crate) async fn eccairs_csv(
    state: &sems_web_kit::AppState,
    actor: &sems_services::Actor,
    filter: &sems_storage::reports::OccurrenceFilter,
) -> sems_services::Result<axum::response::Response> {
    use sems_services::reports::eccairs;
    let reporting = state.services.reporting();
    let rules = reporting.reporting_rules(actor, None).await?.rules;
    let occurrences =
        sems_web_kit::export::all_pages(|page| reporting.occurrences(actor, filter, page)).await?;
    Ok(sems_web_kit::export::csv_download(
        "occurrences-eccairs.csv",
        &eccairs::COLUMNS,
        occurrences.iter().map(|o| {
            eccairs::row(
                o,
                o.final_just_culture
                    .as_deref()
                    .map_or("", |w| rules.decision_label(w)),
            )
        }),
    ))
}
