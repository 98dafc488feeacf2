//! The risk register (filters, sort, CSV and XLSX exports) and the inherent and residual
//! heat maps.

use super::level_label;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sems_services::ServiceError;
use sems_storage::risk::{Assessment, AssessmentFilter, RegisterSort};
use sems_web_kit::pages::PageResult;
use sems_web_kit::pages::{render, service_error, Choice, Layout, ListQuery, PageQuery, Pager};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub struct RegisterRow {
    pub id: i64,
    pub party: String,
    pub scope: String,
    pub scenario: String,
    pub scores: String,
    pub inherent: String,
    pub inherent_level: String,
    pub residual: String,
    pub residual_level: String,
    pub next_review: time::Date,
    pub review_required: bool,
    /// Who accepted the current residual risk and until when ("" when nobody has); lapsed
    /// when the date is past.
    pub accepted: String,
    pub acceptance_lapsed: bool,
}

/// The register's filters and order, shared by the page and its exports.
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct RegisterParams {
    page: Option<u32>,
    /// A residual level.
    kind: Option<String>,
    sort: Option<String>,
    party: Option<String>,
    scenario: Option<String>,
    review: Option<String>,
    /// An acceptance state (awaiting, expiring, accepted).
    acceptance: Option<String>,
}

impl RegisterParams {
    /// The filter, with the acceptance state as the method in force decides it (a word that
    /// is not one is left out, like the other filters).
    async fn filter(
        &self,
        state: &AppState,
    ) -> Result<AssessmentFilter, sems_services::ServiceError> {
        let acceptance = match self
            .acceptance
            .as_deref()
            .and_then(|w| sems_domain::risk::AcceptanceState::parse(w).ok())
        {
            Some(s) => Some(state.services.risk().acceptance_filter(s).await?),
            None => None,
        };
        Ok(AssessmentFilter {
            acceptance,
            residual_level: self.kind.clone().filter(|l| {
                sems_domain::risk::RiskLevel::ALL
                    .iter()
                    .any(|x| x.as_str() == l)
            }),
            party_id: ListQuery::id(&self.party),
            scenario_id: ListQuery::id(&self.scenario),
            review_required: (self.review.as_deref() == Some("required")).then_some(true),
            sort: self
                .sort
                .as_deref()
                .and_then(RegisterSort::parse)
                .unwrap_or_default(),
            ..Default::default()
        })
    }

    /// The query string that reproduces these filters (for the pager and the exports).
    fn query(&self) -> Vec<(&'static str, String)> {
        vec![
            ("kind", ListQuery::text(&self.kind)),
            ("sort", ListQuery::text(&self.sort)),
            ("party", ListQuery::text(&self.party)),
            ("scenario", ListQuery::text(&self.scenario)),
            ("review", ListQuery::text(&self.review)),
            ("acceptance", ListQuery::text(&self.acceptance)),
        ]
    }
}

#[derive(Template)]
#[template(path = "risk/risk_register.html")]
struct RegisterPage {
    layout: Layout,
    rows: Vec<RegisterRow>,
    pager: Pager,
    levels: Vec<Choice>,
    sorts: Vec<Choice>,
    parties: Vec<Choice>,
    review_required: bool,
    scenario: String,
    export_query: String,
    acceptances: Vec<Choice>,
}

pub(super) async fn register(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<RegisterParams>,
) -> PageResult {
    let filter = q.filter(&state).await?;
    let page = state
        .services
        .risk()
        .assessments(
            &user.actor(),
            &filter,
            sems_domain::page::PageRequest::new(q.page, None),
        )
        .await?;
    let query = q.query();
    let pager = Pager::new(&page, "/risk/register", &query);
    let export_query = sems_web_kit::pages::query_string(&query);
    let rows = page
        .items
        .into_iter()
        .map(|a| RegisterRow {
            id: a.id,
            party: a.party_name,
            scope: a.site_name.unwrap_or_else(|| "Whole organisation".into()),
            scenario: format!("{} {}", a.scenario_code, a.scenario_title),
            scores: format!(
                "L{} C{}/{}/{} V{}",
                a.likelihood,
                a.consequence_human,
                a.consequence_economic,
                a.consequence_political,
                a.vulnerability
            ),
            inherent: format!("{} ({})", level_label(&a.inherent_level), a.inherent_score),
            residual: format!("{} ({})", level_label(&a.residual_level), a.residual_score),
            residual_level: a.residual_level,
            inherent_level: a.inherent_level,
            next_review: a.next_review_on,
            review_required: a.review_required,
            acceptance_lapsed: a
                .accepted_until
                .is_some_and(|d| d < sems_domain::util::today()),
            accepted: match (&a.accepted_by_name, a.accepted_until) {
                (Some(who), Some(until)) => format!("{who}, until {until}"),
                _ => String::new(),
            },
        })
        .collect();
    let parties = Choice::list(
        sems_web_kit::pages::visible_parties(&state, &user)
            .await
            .into_iter()
            .filter(|p| !p.kind.is_authority())
            .map(|p| (p.id, p.name)),
        &ListQuery::text(&q.party),
    );
    Ok(render(
        StatusCode::OK,
        &RegisterPage {
            layout: Layout::new("Risk register", &user, "/risk/scenarios"),
            rows,
            pager,
            levels: Choice::list(
                sems_domain::risk::RiskLevel::ALL
                    .iter()
                    .map(|l| (l.as_str(), l.label())),
                &ListQuery::text(&q.kind),
            ),
            sorts: Choice::list(
                RegisterSort::ALL.iter().map(|s| (s.as_str(), s.label())),
                filter.sort.as_str(),
            ),
            parties,
            review_required: filter.review_required == Some(true),
            acceptances: Choice::list(
                sems_domain::risk::AcceptanceState::ALL
                    .iter()
                    .map(|a| (a.as_str(), a.label())),
                &ListQuery::text(&q.acceptance),
            ),
            scenario: ListQuery::text(&q.scenario),
            export_query,
        },
    ))
}

#[derive(Template)]
#[template(path = "risk/risk_heat_map.html")]
struct HeatMapPage {
    layout: Layout,
    inherent: String,
    residual: String,
    assessments: i64,
}

pub(super) async fn heat_map(State(state): State<AppState>, user: Signed) -> Response {
    match state
        .services
        .risk()
        .heat_maps(&user.actor(), &AssessmentFilter::default())
        .await
    {
        Ok(maps) => render(
            StatusCode::OK,
            &HeatMapPage {
                layout: Layout::new("Risk heat map", &user, "/risk/scenarios"),
                inherent: sems_web_kit::charts::heat_map_svg(
                    &maps.inherent,
                    "Inherent risk: likelihood of attempt by consequence",
                    "Likelihood of attempt",
                ),
                residual: sems_web_kit::charts::heat_map_svg(
                    &maps.residual,
                    "Residual risk: likelihood of a successful attempt by consequence",
                    "Likelihood of success",
                ),
                assessments: maps.assessments,
            },
        ),
        Err(e) => service_error(e),
    }
}

/// The whole register the person may read, as CSV (read page by page from the database).
const REGISTER_COLUMNS: [&str; 23] = [
    "organisation",
    "site",
    "scenario_code",
    "scenario",
    "method_version",
    "likelihood",
    "likelihood_proposed",
    "consequence_human",
    "consequence_economic",
    "consequence_political",
    "vulnerability",
    "vulnerability_proposed",
    "inherent_score",
    "inherent_level",
    "residual_score",
    "residual_level",
    "next_review_on",
    "review_required",
    "likelihood_override_reason",
    "vulnerability_override_reason",
    "review_reason",
    "accepted_by",
    "accepted_until",
];

/// Every assessment of the register under `filter` (at most 200,000: the export's cap).
async fn register_rows(
    state: &AppState,
    user: &Signed,
    filter: &AssessmentFilter,
) -> Result<Vec<Assessment>, ServiceError> {
    let actor = user.actor();
    let risk = state.services.risk();
    sems_web_kit::export::all_pages(|page| risk.assessments(&actor, filter, page)).await
}

/// One register row as export cells: numbers stay numbers.
fn register_cells(a: Assessment) -> Vec<sems_web_kit::xlsx::Cell> {
    use sems_web_kit::xlsx::Cell;
    let optional = |v: Option<i64>| v.map_or(Cell::Text(String::new()), Cell::from);
    vec![
        a.party_name.into(),
        a.site_name.unwrap_or_default().into(),
        a.scenario_code.into(),
        a.scenario_title.into(),
        a.method_version.into(),
        a.likelihood.into(),
        optional(a.likelihood_proposed),
        a.consequence_human.into(),
        a.consequence_economic.into(),
        a.consequence_political.into(),
        a.vulnerability.into(),
        optional(a.vulnerability_proposed),
        a.inherent_score.into(),
        a.inherent_level.into(),
        a.residual_score.into(),
        a.residual_level.into(),
        a.next_review_on.into(),
        a.review_required.to_string().into(),
        a.likelihood_override_reason.into(),
        a.vulnerability_override_reason.into(),
        a.review_reason.into(),
        a.accepted_by_name.unwrap_or_default().into(),
        a.accepted_until
            .map_or(Cell::Text(String::new()), Cell::from),
    ]
}

fn attachment(content_type: &'static str, filename: &'static str, body: Vec<u8>) -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (axum::http::header::CONTENT_DISPOSITION, filename),
        ],
        body,
    )
        .into_response()
}

pub(super) async fn register_csv(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<RegisterParams>,
) -> PageResult {
    let rows = register_rows(&state, &user, &q.filter(&state).await?).await?;
    let body = sems_web_kit::export::csv(
        &REGISTER_COLUMNS,
        rows.into_iter().map(|a| {
            register_cells(a)
                .into_iter()
                .map(|c| match c {
                    sems_web_kit::xlsx::Cell::Text(t) => t,
                    sems_web_kit::xlsx::Cell::Number(n) => n.to_string(),
                })
                .collect()
        }),
    );
    Ok(attachment(
        "text/csv; charset=utf-8",
        "attachment; filename=\"risk-register.csv\"",
        body.into_bytes(),
    ))
}

pub(super) async fn register_xlsx(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<RegisterParams>,
) -> PageResult {
    let rows = register_rows(&state, &user, &q.filter(&state).await?).await?;
    let cells: Vec<Vec<sems_web_kit::xlsx::Cell>> = rows.into_iter().map(register_cells).collect();
    Ok(sems_web_kit::export::xlsx_download(
        "Risk register",
        "risk-register.xlsx",
        &REGISTER_COLUMNS,
        &cells,
    ))
}
