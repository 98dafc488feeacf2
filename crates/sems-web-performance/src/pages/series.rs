//! Data series of an organisation: its values, newest month first; a value entered (a month
//! entered again replaces the earlier value); a CSV import with a dry run.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use sems_domain::access::RecordKind;
use sems_domain::performance::definition::STANDARD_SERIES;
use sems_domain::performance::Month;
use sems_services::import::ImportReport;
use sems_services::performance::series::{SeriesInput, SeriesValueView};
use sems_storage::performance::series::SeriesFilter;
use sems_web_kit::form::{field, Form};
use sems_web_kit::pages::{
    after_form_post, notice, render, FormState, Layout, PageQuery, PageResult, Pager,
};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

#[derive(serde::Deserialize, Default)]
pub struct Params {
    page: Option<u32>,
    party: Option<i64>,
    series: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "performance/series.html")]
struct SeriesPage {
    layout: Layout,
    party: i64,
    values: Vec<SeriesValueView>,
    pager: Pager,
    series: String,
    may_enter: bool,
    standard: Vec<(&'static str, &'static str)>,
    state: FormState,
    csv: String,
    report: Option<ImportReport>,
    default_month: String,
}

async fn series_page(
    state: &AppState,
    user: &Signed,
    p: &Params,
    form_state: FormState,
    error: Option<String>,
    csv: String,
    report: Option<ImportReport>,
) -> PageResult {
    let party = p.party.unwrap_or(user.0.subject.party_id);
    let series = p.series.clone().filter(|s| !s.trim().is_empty());
    let page = state
        .services
        .performance()
        .series_values(
            &user.actor(),
            &SeriesFilter {
                party_id: Some(party),
                series: series.clone(),
                ..Default::default()
            },
            sems_domain::page::PageRequest::new(p.page, None),
        )
        .await?;
    let query = [
        ("party", party.to_string()),
        ("series", series.clone().unwrap_or_default()),
    ];
    let may_enter = party == user.0.subject.party_id
        && sems_services::allowed_in_own_party(&user.actor(), RecordKind::DataSeries).create;
    let last = sems_domain::performance::periods::last_closed(
        sems_domain::performance::Period::Month,
        sems_domain::util::today(),
    );
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &SeriesPage {
            layout: Layout::new("Data series", user, "/performance")
                .with_notice(notice(p.notice.as_deref()))
                .with_error(error),
            party,
            pager: Pager::new(&page, "/performance/series", &query),
            values: page.items,
            series: series.unwrap_or_default(),
            may_enter,
            standard: STANDARD_SERIES.to_vec(),
            state: form_state,
            csv,
            report,
            default_month: Month::parse(&last.label)
                .map(|m| m.as_str().to_string())
                .unwrap_or_default(),
        },
    ))
}

pub async fn page(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    series_page(
        &state,
        &user,
        &p,
        FormState::default(),
        None,
        String::new(),
        None,
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    series: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    value: String,
}

pub async fn enter(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, values }: Form<EntryForm>,
) -> Response {
    let party = user.0.subject.party_id;
    let result = match fields.value.trim().replace(',', "").parse::<f64>() {
        Ok(value) => {
            state
                .services
                .performance()
                .enter_series_value(
                    &user.actor(),
                    party,
                    &SeriesInput {
                        series: fields.series.clone(),
                        month: fields.month.clone(),
                        value,
                        site_id: None,
                    },
                )
                .await
        }
        Err(_) => Err(sems_domain::ValidationError::new(
            "value",
            format!("'{}' is not a number", fields.value.trim()),
        )
        .into()),
    };
    after_form_post(
        result,
        values,
        "The value was not entered: see the fields marked.",
        |v| format!("/performance/series?series={}&notice=saved", v.series),
        |message, form_state| async {
            series_page(
                &state,
                &user,
                &Params::default(),
                form_state,
                Some(message),
                String::new(),
                None,
            )
            .await
        },
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    csv: String,
    #[serde(default, deserialize_with = "field::checkbox")]
    dry_run: bool,
}

pub async fn import(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<ImportForm>,
) -> PageResult {
    let party = user.0.subject.party_id;
    let report = state
        .services
        .performance()
        .import_series(&user.actor(), party, &fields.csv, fields.dry_run)
        .await?;
    let keep = if report.imported {
        String::new()
    } else {
        fields.csv
    };
    let mut page = series_page(
        &state,
        &user,
        &Params::default(),
        FormState::default(),
        None,
        keep,
        Some(report.clone()),
    )
    .await?;
    if !report.errors.is_empty() {
        *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(page)
}
