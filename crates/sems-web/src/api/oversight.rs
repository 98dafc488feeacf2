//! `/api/v1` for oversight: the requirements catalogues.

use super::ApiJson;
use crate::error::ApiError;
use crate::session::ApiAuth;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use sems_services::import::ImportReport;
use sems_services::oversight::requirements::{CatalogueView, RequirementInput};
use serde::{Deserialize, Serialize};

type ApiResult<T> = Result<T, ApiError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/parties/{id}/requirements", get(catalogue).post(add))
        .route("/parties/{id}/requirements/import", post(import))
}

fn bad_query(e: axum::extract::rejection::QueryRejection) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        format!("bad query string: {}", e.body_text()),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueQuery {
    version: Option<i64>,
    q: Option<String>,
}

async fn catalogue(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(party_id): Path<i64>,
    q: Result<Query<CatalogueQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<CatalogueView>> {
    let Query(q) = q.map_err(bad_query)?;
    Ok(Json(
        state
            .services
            .requirement_catalogue(&auth.actor(), party_id, q.version, q.q.as_deref())
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddBody {
    code: String,
    #[serde(default)]
    parent: Option<String>,
    level: String,
    title: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    note: String,
}

#[derive(Serialize)]
struct Published {
    version: i64,
}

async fn add(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(party_id): Path<i64>,
    ApiJson(b): ApiJson<AddBody>,
) -> ApiResult<(StatusCode, Json<Published>)> {
    let input = RequirementInput {
        code: b.code,
        parent: b.parent,
        level: b.level,
        title: b.title,
        text: b.text,
    };
    let version = state
        .services
        .add_requirement(&auth.actor(), party_id, &input, &b.note)
        .await?;
    Ok((StatusCode::CREATED, Json(Published { version })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    note: String,
}

async fn import(
    State(state): State<AppState>,
    auth: ApiAuth,
    Path(party_id): Path<i64>,
    q: Result<Query<ImportQuery>, axum::extract::rejection::QueryRejection>,
    body: String,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    let Query(q) = q.map_err(bad_query)?;
    let report = state
        .services
        .import_requirements(&auth.actor(), party_id, &body, q.dry_run, &q.note)
        .await?;
    let status = if !report.errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if report.imported {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(report)))
}
