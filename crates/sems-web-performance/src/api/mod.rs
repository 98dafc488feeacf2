//! `/api/v1` for security performance: indicators and their versions, the State's expected
//! level and organisations' targets, data series (entered one by one or imported from CSV), an
//! organisation's dashboard, control charts and the records behind a point, alerts and their
//! acknowledgement, and the national view.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sems_domain::page::Page;
use sems_domain::performance::alerts::AlertStatus;
use sems_services::import::ImportReport;
use sems_services::performance::alerts::{AcknowledgeInput, AlertView};
use sems_services::performance::dashboard::{Chart, Dashboard, NationalView, PointRecords};
use sems_services::performance::indicators::{
    ExpectedLevelInput, IndicatorDetail, IndicatorInput, IndicatorView, TargetInput,
};
use sems_services::performance::series::{SeriesInput, SeriesValueView};
use sems_storage::performance::alerts::AlertFilter;
use sems_storage::performance::indicators::IndicatorFilter;
use sems_storage::performance::series::SeriesFilter;
use sems_web_kit::api::{ApiJson, ApiPath, ApiQuery, DryRunQuery};
use sems_web_kit::error::{ApiError, ApiResult};
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(indicators, define))
        .routes(routes!(indicator))
        .routes(routes!(publish))
        .routes(routes!(expected_level))
        .routes(routes!(target))
        .routes(routes!(chart))
        .routes(routes!(point))
        .routes(routes!(dashboard))
        .routes(routes!(national))
        .routes(routes!(alerts))
        .routes(routes!(alert))
        .routes(routes!(acknowledge))
        .routes(routes!(series, enter))
        .routes(routes!(import))
}

fn invalid(e: sems_domain::ValidationError) -> ApiError {
    ApiError::from(sems_services::ServiceError::from(e))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct IndicatorQuery {
    #[param(minimum = 1)]
    page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    cursor: Option<String>,
    /// `true`: the national library only; `false`: organisations' own only.
    national: Option<bool>,
    /// Indicators of one owner.
    party_id: Option<i64>,
    /// Words the code or name contains.
    q: Option<String>,
}

/// The indicators one may read: the national library and one's organisation's own (the
/// authority: every organisation's).
#[utoipa::path(get, path = "/performance/indicators", tag = "Performance", params(IndicatorQuery),
    responses((status = 200, body = Page<IndicatorView>)))]
async fn indicators(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<IndicatorQuery>,
) -> ApiResult<Json<Page<IndicatorView>>> {
    let page = sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?;
    Ok(Json(
        state
            .services
            .performance()
            .indicators(
                &auth.actor(),
                &IndicatorFilter {
                    owner_party_id: q.party_id,
                    national: q.national,
                    search: q.q,
                },
                page,
            )
            .await?,
    ))
}

/// Define an indicator: the authority's goes to the national library, an organisation's is
/// its own. Its series and scenarios must exist; its code is unique in the library.
#[utoipa::path(post, path = "/performance/indicators", tag = "Performance",
    request_body = IndicatorInput, responses((status = 201, body = IndicatorView)))]
async fn define(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(input): ApiJson<IndicatorInput>,
) -> ApiResult<(StatusCode, Json<IndicatorView>)> {
    let v = state
        .services
        .performance()
        .define_indicator(&auth.actor(), &input)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

const ID: &str = "The indicator's id";

/// An indicator with every version of its definition.
#[utoipa::path(get, path = "/performance/indicators/{id}", tag = "Performance",
    params(("id" = i64, Path, description = ID)), responses((status = 200, body = IndicatorDetail)))]
async fn indicator(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<IndicatorDetail>> {
    Ok(Json(
        state
            .services
            .performance()
            .indicator(&auth.actor(), id)
            .await?,
    ))
}

/// Publish the next version of a definition (the code stays; a note says what changed).
#[utoipa::path(post, path = "/performance/indicators/{id}/versions", tag = "Performance",
    params(("id" = i64, Path, description = ID)), request_body = IndicatorInput,
    responses((status = 201, body = IndicatorView)))]
async fn publish(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<IndicatorInput>,
) -> ApiResult<(StatusCode, Json<IndicatorView>)> {
    let v = state
        .services
        .performance()
        .publish_indicator(&auth.actor(), id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// Set or clear the State's expected level of a national indicator (the authority's policy
/// officers and director).
#[utoipa::path(put, path = "/performance/indicators/{id}/expected-level", tag = "Performance",
    params(("id" = i64, Path, description = ID)), request_body = ExpectedLevelInput,
    responses((status = 200, body = IndicatorView)))]
async fn expected_level(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ExpectedLevelInput>,
) -> ApiResult<Json<IndicatorView>> {
    Ok(Json(
        state
            .services
            .performance()
            .set_expected_level(&auth.actor(), id, &input)
            .await?,
    ))
}

/// Set or clear one's organisation's target: never weaker than the State's expected level; on
/// a reporting rate only with `despite_warning`.
#[utoipa::path(put, path = "/performance/indicators/{id}/target", tag = "Performance",
    params(("id" = i64, Path, description = ID)), request_body = TargetInput,
    responses((status = 200, body = IndicatorView)))]
async fn target(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<TargetInput>,
) -> ApiResult<Json<IndicatorView>> {
    Ok(Json(
        state
            .services
            .performance()
            .set_target(&auth.actor(), id, &input)
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PartyQuery {
    /// The organisation.
    party_id: i64,
}

/// The control chart of an indicator at an organisation: every value, the lines of each year,
/// the alerts raised.
#[utoipa::path(get, path = "/performance/indicators/{id}/chart", tag = "Performance",
    params(("id" = i64, Path, description = ID), PartyQuery), responses((status = 200, body = Chart)))]
async fn chart(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PartyQuery>,
) -> ApiResult<Json<Chart>> {
    Ok(Json(
        state
            .services
            .performance()
            .chart(&auth.actor(), id, q.party_id)
            .await?,
    ))
}

/// The records a point counted (tests, findings, reports, assessments, actions), those one may
/// open.
#[utoipa::path(get, path = "/performance/indicators/{id}/points/{period}", tag = "Performance",
    params(("id" = i64, Path, description = ID),
        ("period" = String, Path, description = "The period: 2026-03 or 2026-Q1"), PartyQuery),
    responses((status = 200, body = PointRecords)))]
async fn point(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath((id, period)): ApiPath<(i64, String)>,
    ApiQuery(q): ApiQuery<PartyQuery>,
) -> ApiResult<Json<PointRecords>> {
    Ok(Json(
        state
            .services
            .performance()
            .point_records(&auth.actor(), id, q.party_id, &period)
            .await?,
    ))
}

/// An organisation's dashboard: each indicator's last closed value, interval, sparkline,
/// standing, target, expected level and national quartiles; open alerts; the silence warning.
#[utoipa::path(get, path = "/performance/organisations/{id}/dashboard", tag = "Performance",
    params(("id" = i64, Path, description = "The organisation's id")),
    responses((status = 200, body = Dashboard)))]
async fn dashboard(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Dashboard>> {
    Ok(Json(
        state
            .services
            .performance()
            .dashboard(&auth.actor(), id)
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct NationalQuery {
    /// The month (YYYY-MM); default the last closed one.
    period: Option<String>,
}

/// The authority's national view of a month: every organisation's value of each national
/// indicator, the State's expected levels, the distribution, those in alert or silent first.
#[utoipa::path(get, path = "/performance/national", tag = "Performance", params(NationalQuery),
    responses((status = 200, body = NationalView)))]
async fn national(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<NationalQuery>,
) -> ApiResult<Json<NationalView>> {
    Ok(Json(
        state
            .services
            .performance()
            .national_view(&auth.actor(), q.period.as_deref())
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct AlertQuery {
    #[param(minimum = 1)]
    page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    cursor: Option<String>,
    /// Alerts of one organisation.
    party_id: Option<i64>,
    /// Alerts of one indicator.
    indicator_id: Option<i64>,
    /// `open` or `acknowledged`.
    status: Option<String>,
}

/// The alerts one may read, newest first.
#[utoipa::path(get, path = "/performance/alerts", tag = "Performance", params(AlertQuery),
    responses((status = 200, body = Page<AlertView>)))]
async fn alerts(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<AlertQuery>,
) -> ApiResult<Json<Page<AlertView>>> {
    let page = sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?;
    let filter = AlertFilter {
        party_id: q.party_id,
        indicator_id: q.indicator_id,
        status: q
            .status
            .as_deref()
            .map(AlertStatus::parse)
            .transpose()
            .map_err(invalid)?,
    };
    Ok(Json(
        state
            .services
            .performance()
            .alerts(&auth.actor(), &filter, page)
            .await?,
    ))
}

/// One alert: the rule that fired, its points, its baseline, its sentence, its action.
#[utoipa::path(get, path = "/performance/alerts/{id}", tag = "Performance",
    params(("id" = i64, Path, description = "The alert's id")), responses((status = 200, body = AlertView)))]
async fn alert(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<AlertView>> {
    Ok(Json(
        state
            .services
            .performance()
            .alert(&auth.actor(), id)
            .await?,
    ))
}

/// Acknowledge an open alert with what is being done about it.
#[utoipa::path(post, path = "/performance/alerts/{id}/acknowledge", tag = "Performance",
    params(("id" = i64, Path, description = "The alert's id")), request_body = AcknowledgeInput,
    responses((status = 200, body = AlertView)))]
async fn acknowledge(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<AcknowledgeInput>,
) -> ApiResult<Json<AlertView>> {
    Ok(Json(
        state
            .services
            .performance()
            .acknowledge_alert(&auth.actor(), id, &input)
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct SeriesQuery {
    #[param(minimum = 1)]
    page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    cursor: Option<String>,
    /// One series.
    series: Option<String>,
    /// One site; 0 for the whole organisation.
    site_id: Option<i64>,
    /// From this month (YYYY-MM).
    from: Option<String>,
    /// Until this month (YYYY-MM).
    until: Option<String>,
}

const PARTY: &str = "The organisation's id";

/// An organisation's data series values, newest month first.
#[utoipa::path(get, path = "/parties/{id}/series", tag = "Performance",
    params(("id" = i64, Path, description = PARTY), SeriesQuery),
    responses((status = 200, body = Page<SeriesValueView>)))]
async fn series(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(party_id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<SeriesQuery>,
) -> ApiResult<Json<Page<SeriesValueView>>> {
    let page = sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?;
    let month = |m: Option<&str>| {
        m.map(sems_domain::performance::Month::parse)
            .transpose()
            .map_err(invalid)
    };
    let filter = SeriesFilter {
        party_id: Some(party_id),
        series: q.series,
        site_id: q.site_id,
        from: month(q.from.as_deref())?,
        until: month(q.until.as_deref())?,
    };
    Ok(Json(
        state
            .services
            .performance()
            .series_values(&auth.actor(), &filter, page)
            .await?,
    ))
}

/// Enter a value of a series for a month (a month entered again replaces the earlier value);
/// the organisation's indicators are computed again from that month on.
#[utoipa::path(post, path = "/parties/{id}/series", tag = "Performance",
    params(("id" = i64, Path, description = PARTY)), request_body = SeriesInput,
    responses((status = 201, body = SeriesValueView)))]
async fn enter(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(party_id): ApiPath<i64>,
    ApiJson(input): ApiJson<SeriesInput>,
) -> ApiResult<(StatusCode, Json<SeriesValueView>)> {
    let v = state
        .services
        .performance()
        .enter_series_value(&auth.actor(), party_id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// Import series values from CSV (columns series, month, value and optionally site, a site's
/// name); `?dry_run=true` checks only; 422 with every bad row, and nothing stored, when any
/// row is bad.
#[utoipa::path(post, path = "/parties/{id}/series/import", tag = "Performance",
    params(("id" = i64, Path, description = PARTY), DryRunQuery),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 201, description = "Imported", body = ImportReport),
        (status = 200, description = "A dry run without errors", body = ImportReport),
        (status = 422, description = "Every bad row, by line, or a bad parameter; nothing stored",
            content((ImportReport = "application/json"), (sems_web_kit::error::Problem = "application/problem+json"))),
    ))]
async fn import(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(party_id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DryRunQuery>,
    body: String,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    let report = state
        .services
        .performance()
        .import_series(&auth.actor(), party_id, &body, q.dry_run)
        .await?;
    Ok(sems_web_kit::api::import_reply(report))
}
