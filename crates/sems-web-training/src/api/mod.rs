//! `/api/v1` for training and vetting: the national programme and its versions, an
//! organisation's additions, the personnel register (one by one or imported from an HR
//! export), training records (posted with their evidence, or imported from an LMS export),
//! background checks, a person's standings, due lists, and the compliance figures of an
//! organisation and of the country.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sems_domain::page::Page;
use sems_domain::training::assess::RequirementKind;
use sems_domain::training::currency::Currency;
use sems_domain::training::survey::{Question, Theme};
use sems_domain::training::Function;
use sems_services::import::ImportReport;
use sems_services::training::compliance::{ComplianceView, StandingView};
use sems_services::training::personnel::{PersonnelInput, PersonnelView};
use sems_services::training::programme::{
    AdditionsView, ProgrammeView, PublishAdditions, PublishProgramme,
};
use sems_services::training::records::{CheckInput, CheckView, RecordInput, RecordView};
use sems_services::training::surveys::{
    AnswerInput, GroupResult, Launched, NationalCulture, PublicSurvey, SurveyInput, SurveyResults,
    SurveyView, TrendPoint,
};
use sems_storage::training::personnel::PersonnelFilter;
use sems_storage::training::standings::DueFilter;
use sems_storage::training::surveys::SurveyFilter;
use sems_web_kit::api::{import_reply, ApiJson, ApiPath, ApiQuery, DryRunQuery, FileBody};
use sems_web_kit::error::ApiResult;
use sems_web_kit::session::ApiAuth;
use sems_web_kit::AppState;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(training_programme, publish_training_programme))
        .routes(routes!(training_programme_versions))
        .routes(routes!(training_additions, publish_training_additions))
        .routes(routes!(training_personnel))
        .routes(routes!(register_person))
        .routes(routes!(import_training_personnel))
        .routes(routes!(training_person, update_training_person))
        .routes(routes!(training_standings))
        .routes(routes!(training_records, record_training))
        .routes(routes!(import_training_records))
        .routes(routes!(background_checks, record_background_check))
        .routes(routes!(training_due))
        .routes(routes!(training_compliance))
        .routes(routes!(national_training_compliance))
        .routes(routes!(question_bank, publish_question_bank))
        .routes(routes!(culture_surveys, launch_culture_survey))
        .routes(routes!(culture_survey_results))
        .routes(routes!(culture_survey_group))
        .routes(routes!(close_culture_survey))
        .routes(routes!(culture_survey_action))
        .routes(routes!(culture_trend))
        .routes(routes!(national_culture))
        .routes(routes!(public_culture_survey))
        .routes(routes!(answer_culture_survey))
}

const PARTY: &str = "The organisation's id (the employer)";
const PERSON: &str = "The id of a person of the register";

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct VersionQuery {
    /// A version; the one in force when left out.
    version: Option<i64>,
}

/// The national training programme in force, or a version of it.
#[utoipa::path(get, path = "/training/programme", tag = "Training", params(VersionQuery),
    responses((status = 200, body = ProgrammeView)))]
async fn training_programme(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<VersionQuery>,
) -> ApiResult<Json<ProgrammeView>> {
    Ok(Json(
        state
            .services
            .training()
            .programme(&auth.actor(), q.version)
            .await?,
    ))
}

/// Publish the next version of the national programme (the authority's policy officers and
/// director): checked whole, every refusal at once.
#[utoipa::path(post, path = "/training/programme", tag = "Training",
    request_body = PublishProgramme, responses((status = 201, body = ProgrammeView)))]
async fn publish_training_programme(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(input): ApiJson<PublishProgramme>,
) -> ApiResult<(StatusCode, Json<ProgrammeView>)> {
    let v = state
        .services
        .training()
        .publish_programme(&auth.actor(), &input)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// Every version of the national programme, newest first.
#[utoipa::path(get, path = "/training/programme/versions", tag = "Training",
    responses((status = 200, body = Vec<ProgrammeView>)))]
async fn training_programme_versions(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<Vec<ProgrammeView>>> {
    Ok(Json(
        state
            .services
            .training()
            .programme_versions(&auth.actor())
            .await?,
    ))
}

/// An organisation's additions to the programme and the programme they make.
#[utoipa::path(get, path = "/parties/{id}/training/additions", tag = "Training",
    params(("id" = i64, Path, description = PARTY)), responses((status = 200, body = AdditionsView)))]
async fn training_additions(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(party_id): ApiPath<i64>,
) -> ApiResult<Json<AdditionsView>> {
    Ok(Json(
        state
            .services
            .training()
            .additions(&auth.actor(), party_id)
            .await?,
    ))
}

/// Publish an organisation's next additions: own courses and stricter requirements; a weaker
/// one is refused with the national requirement in the message.
#[utoipa::path(post, path = "/parties/{id}/training/additions", tag = "Training",
    params(("id" = i64, Path, description = PARTY)), request_body = PublishAdditions,
    responses((status = 201, body = AdditionsView)))]
async fn publish_training_additions(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(party_id): ApiPath<i64>,
    ApiJson(input): ApiJson<PublishAdditions>,
) -> ApiResult<(StatusCode, Json<AdditionsView>)> {
    let v = state
        .services
        .training()
        .publish_additions(&auth.actor(), party_id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PersonnelQuery {
    #[param(minimum = 1)]
    page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    cursor: Option<String>,
    /// People of one employer.
    party_id: Option<i64>,
    site_id: Option<i64>,
    function: Option<Function>,
    /// Words the name or employee number contains.
    q: Option<String>,
    /// Include those who left.
    #[serde(default)]
    include_inactive: bool,
}

/// The personnel register as the reader may read it (personal data: the employer's training
/// officer and security manager, the person, the inspectors assigned to the organisation).
#[utoipa::path(get, path = "/training/personnel", tag = "Training", params(PersonnelQuery),
    responses((status = 200, body = Page<PersonnelView>)))]
async fn training_personnel(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<PersonnelQuery>,
) -> ApiResult<Json<Page<PersonnelView>>> {
    let page = sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?;
    Ok(Json(
        state
            .services
            .training()
            .personnel(
                &auth.actor(),
                &PersonnelFilter {
                    party_id: q.party_id,
                    site_id: q.site_id,
                    function: q.function,
                    search: q.q,
                    include_inactive: q.include_inactive,
                },
                page,
            )
            .await?,
    ))
}

/// Register a person with an employer; their standings are computed at once.
#[utoipa::path(post, path = "/parties/{id}/personnel", tag = "Training",
    params(("id" = i64, Path, description = PARTY)), request_body = PersonnelInput,
    responses((status = 201, body = PersonnelView)))]
async fn register_person(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(party_id): ApiPath<i64>,
    ApiJson(input): ApiJson<PersonnelInput>,
) -> ApiResult<(StatusCode, Json<PersonnelView>)> {
    let v = state
        .services
        .training()
        .register_person(&auth.actor(), party_id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// Import the register from an HR export (columns employee_number, full_name, started_on,
/// functions — words separated by `;` — and optionally site, account, active); a person
/// registered under the number is updated. `?dry_run=true` checks only; 422 with every bad
/// row, and nothing stored, when any row is bad.
#[utoipa::path(post, path = "/parties/{id}/personnel/import", tag = "Training",
    params(("id" = i64, Path, description = PARTY), DryRunQuery),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 201, description = "Imported", body = ImportReport),
        (status = 200, description = "A dry run without errors", body = ImportReport),
        (status = 422, description = "Every bad row, by line, or a bad parameter; nothing stored",
            content((ImportReport = "application/json"), (sems_web_kit::error::Problem = "application/problem+json"))),
    ))]
async fn import_training_personnel(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(party_id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DryRunQuery>,
    body: String,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    let report = state
        .services
        .training()
        .import_personnel(&auth.actor(), party_id, &body, q.dry_run)
        .await?;
    Ok(import_reply(report))
}

/// A person of the register.
#[utoipa::path(get, path = "/training/personnel/{id}", tag = "Training",
    params(("id" = i64, Path, description = PERSON)), responses((status = 200, body = PersonnelView)))]
async fn training_person(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<PersonnelView>> {
    Ok(Json(
        state.services.training().person(&auth.actor(), id).await?,
    ))
}

/// Change a person of the register (their functions replaced by those given).
#[utoipa::path(put, path = "/training/personnel/{id}", tag = "Training",
    params(("id" = i64, Path, description = PERSON)), request_body = PersonnelInput,
    responses((status = 200, body = PersonnelView)))]
async fn update_training_person(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PersonnelInput>,
) -> ApiResult<Json<PersonnelView>> {
    Ok(Json(
        state
            .services
            .training()
            .update_person(&auth.actor(), id, &input)
            .await?,
    ))
}

/// A person's standing with each requirement of their functions.
#[utoipa::path(get, path = "/training/personnel/{id}/standings", tag = "Training",
    params(("id" = i64, Path, description = PERSON)), responses((status = 200, body = Vec<StandingView>)))]
async fn training_standings(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<StandingView>>> {
    Ok(Json(
        state
            .services
            .training()
            .standings(&auth.actor(), id)
            .await?,
    ))
}

/// A person's training records, newest first.
#[utoipa::path(get, path = "/training/personnel/{id}/records", tag = "Training",
    params(("id" = i64, Path, description = PERSON)), responses((status = 200, body = Vec<RecordView>)))]
async fn training_records(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<RecordView>>> {
    Ok(Json(
        state
            .services
            .training()
            .training_records(&auth.actor(), id)
            .await?,
    ))
}

/// A completed course to record, with its evidence file if any.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RecordBody {
    #[serde(flatten)]
    record: RecordInput,
    #[serde(default)]
    evidence: Option<FileBody>,
}

/// Record a completed course of a person: a course of their functions, hours within a day, an
/// instructor qualified on the day, a course showing non-public information only after a
/// valid background check.
#[utoipa::path(post, path = "/training/personnel/{id}/records", tag = "Training",
    params(("id" = i64, Path, description = PERSON)), request_body = RecordBody,
    responses((status = 201, body = RecordView)))]
async fn record_training(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RecordBody>,
) -> ApiResult<(StatusCode, Json<RecordView>)> {
    let evidence = match body.evidence {
        Some(f) => Some(f.decode()?),
        None => None,
    };
    let v = state
        .services
        .training()
        .record_training(&auth.actor(), id, &body.record, evidence)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// Import completions from a learning-management system's export (columns employee_number,
/// course, completed_on, hours, and optionally passed, score, instructor, provider); a
/// completion already recorded is refused. `?dry_run=true` checks only; 422 with every bad
/// row, and nothing stored, when any row is bad.
#[utoipa::path(post, path = "/parties/{id}/training/records/import", tag = "Training",
    params(("id" = i64, Path, description = PARTY), DryRunQuery),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 201, description = "Imported", body = ImportReport),
        (status = 200, description = "A dry run without errors", body = ImportReport),
        (status = 422, description = "Every bad row, by line, or a bad parameter; nothing stored",
            content((ImportReport = "application/json"), (sems_web_kit::error::Problem = "application/problem+json"))),
    ))]
async fn import_training_records(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(party_id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DryRunQuery>,
    body: String,
) -> ApiResult<(StatusCode, Json<ImportReport>)> {
    let report = state
        .services
        .training()
        .import_training(&auth.actor(), party_id, &body, q.dry_run)
        .await?;
    Ok(import_reply(report))
}

/// A person's background checks, newest first (that a check was done and its validity,
/// never its content).
#[utoipa::path(get, path = "/training/personnel/{id}/checks", tag = "Training",
    params(("id" = i64, Path, description = PERSON)), responses((status = 200, body = Vec<CheckView>)))]
async fn background_checks(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<CheckView>>> {
    Ok(Json(
        state
            .services
            .training()
            .background_checks(&auth.actor(), id)
            .await?,
    ))
}

/// Record a background check of a person.
#[utoipa::path(post, path = "/training/personnel/{id}/checks", tag = "Training",
    params(("id" = i64, Path, description = PERSON)), request_body = CheckInput,
    responses((status = 201, body = CheckView)))]
async fn record_background_check(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CheckInput>,
) -> ApiResult<(StatusCode, Json<CheckView>)> {
    let v = state
        .services
        .training()
        .record_check(&auth.actor(), id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct DueQuery {
    #[param(minimum = 1)]
    page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    cursor: Option<String>,
    party_id: Option<i64>,
    site_id: Option<i64>,
    personnel_id: Option<i64>,
    function: Option<Function>,
    requirement: Option<RequirementKind>,
    /// Only this standing; otherwise every one not current.
    currency: Option<Currency>,
}

/// What is due, overdue, in grace or lapsed, most urgent first, as the reader may read it.
#[utoipa::path(get, path = "/training/due", tag = "Training", params(DueQuery),
    responses((status = 200, body = Page<StandingView>)))]
async fn training_due(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiQuery(q): ApiQuery<DueQuery>,
) -> ApiResult<Json<Page<StandingView>>> {
    let page = sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?;
    Ok(Json(
        state
            .services
            .training()
            .due_list(
                &auth.actor(),
                &DueFilter {
                    party_id: q.party_id,
                    site_id: q.site_id,
                    personnel_id: q.personnel_id,
                    function: q.function,
                    kind: q.requirement,
                    currency: q.currency,
                },
                page,
            )
            .await?,
    ))
}

/// An organisation's compliance: per function and requirement, with the three figures the
/// SPI library takes.
#[utoipa::path(get, path = "/parties/{id}/training/compliance", tag = "Training",
    params(("id" = i64, Path, description = PARTY)), responses((status = 200, body = ComplianceView)))]
async fn training_compliance(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(party_id): ApiPath<i64>,
) -> ApiResult<Json<ComplianceView>> {
    Ok(Json(
        state
            .services
            .training()
            .compliance(&auth.actor(), party_id)
            .await?,
    ))
}

/// The national compliance view: the country's figures and each organisation's (the
/// authority).
#[utoipa::path(get, path = "/training/national", tag = "Training",
    responses((status = 200, body = ComplianceView)))]
async fn national_training_compliance(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<ComplianceView>> {
    Ok(Json(
        state
            .services
            .training()
            .national_compliance(&auth.actor())
            .await?,
    ))
}

/// The question bank in force.
#[utoipa::path(get, path = "/training/question-bank", tag = "Training",
    responses((status = 200, body = Vec<Question>)))]
async fn question_bank(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<Vec<Question>>> {
    Ok(Json(
        state
            .services
            .training()
            .question_bank(&auth.actor())
            .await?,
    ))
}

/// A question bank to publish.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct BankInput {
    questions: Vec<Question>,
    note: String,
}

/// The version published.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct QuestionBankPublished {
    version: i64,
}

/// Publish the next question bank (the authority's policy officers and director).
#[utoipa::path(post, path = "/training/question-bank", tag = "Training",
    request_body = BankInput, responses((status = 201, body = QuestionBankPublished)))]
async fn publish_question_bank(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiJson(input): ApiJson<BankInput>,
) -> ApiResult<(StatusCode, Json<QuestionBankPublished>)> {
    let version = state
        .services
        .training()
        .publish_question_bank(&auth.actor(), &input.questions, &input.note)
        .await?;
    Ok((StatusCode::CREATED, Json(QuestionBankPublished { version })))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct SurveyQuery {
    #[param(minimum = 1)]
    page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
    cursor: Option<String>,
}

/// An organisation's culture surveys, newest first.
#[utoipa::path(get, path = "/parties/{id}/surveys", tag = "Training",
    params(("id" = i64, Path, description = PARTY), SurveyQuery),
    responses((status = 200, body = Page<SurveyView>)))]
async fn culture_surveys(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(party_id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<SurveyQuery>,
) -> ApiResult<Json<Page<SurveyView>>> {
    let page = sems_web_kit::api::page_request(q.page, q.per_page, q.cursor.as_deref())?;
    Ok(Json(
        state
            .services
            .training()
            .surveys(
                &auth.actor(),
                &SurveyFilter {
                    party_id: Some(party_id),
                    ..Default::default()
                },
                page,
            )
            .await?,
    ))
}

/// Launch a culture survey of an organisation's personnel (at least five people invited): the
/// answer carries every single-use link, returned only here.
#[utoipa::path(post, path = "/parties/{id}/surveys", tag = "Training",
    params(("id" = i64, Path, description = PARTY)), request_body = SurveyInput,
    responses((status = 201, body = Launched)))]
async fn launch_culture_survey(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(party_id): ApiPath<i64>,
    ApiJson(input): ApiJson<SurveyInput>,
) -> ApiResult<(StatusCode, Json<Launched>)> {
    let v = state
        .services
        .training()
        .launch_survey(&auth.actor(), party_id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

const SURVEY: &str = "The survey's id";

/// A survey's results: shown from five answers, groups with complementary suppression, free
/// text from ten.
#[utoipa::path(get, path = "/training/surveys/{id}/results", tag = "Training",
    params(("id" = i64, Path, description = SURVEY)), responses((status = 200, body = SurveyResults)))]
async fn culture_survey_results(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SurveyResults>> {
    Ok(Json(
        state
            .services
            .training()
            .survey_results(&auth.actor(), id)
            .await?,
    ))
}

/// One group's results; 422 while the group is hidden.
#[utoipa::path(get, path = "/training/surveys/{id}/groups/{group}", tag = "Training",
    params(("id" = i64, Path, description = SURVEY), ("group" = String, Path, description = "The group's name")),
    responses((status = 200, body = GroupResult)))]
async fn culture_survey_group(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath((id, group)): ApiPath<(i64, String)>,
) -> ApiResult<Json<GroupResult>> {
    Ok(Json(
        state
            .services
            .training()
            .survey_group(&auth.actor(), id, &group)
            .await?,
    ))
}

/// Close a survey before its last day.
#[utoipa::path(post, path = "/training/surveys/{id}/close", tag = "Training",
    params(("id" = i64, Path, description = SURVEY)), responses((status = 200, body = SurveyView)))]
async fn close_culture_survey(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SurveyView>> {
    Ok(Json(
        state
            .services
            .training()
            .close_survey(&auth.actor(), id)
            .await?,
    ))
}

/// A theme to act on.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ThemeInput {
    theme: Theme,
}

/// The action opened.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct ThemeActionOpened {
    action_id: i64,
}

/// Open an improvement action in the register for one of a survey's themes.
#[utoipa::path(post, path = "/training/surveys/{id}/actions", tag = "Training",
    params(("id" = i64, Path, description = SURVEY)), request_body = ThemeInput,
    responses((status = 201, body = ThemeActionOpened)))]
async fn culture_survey_action(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ThemeInput>,
) -> ApiResult<(StatusCode, Json<ThemeActionOpened>)> {
    let action_id = state
        .services
        .training()
        .open_theme_action(&auth.actor(), id, input.theme)
        .await?;
    Ok((StatusCode::CREATED, Json(ThemeActionOpened { action_id })))
}

/// An organisation's culture index over its closed surveys with enough answers, oldest first.
#[utoipa::path(get, path = "/parties/{id}/culture-trend", tag = "Training",
    params(("id" = i64, Path, description = PARTY)), responses((status = 200, body = Vec<TrendPoint>)))]
async fn culture_trend(
    State(state): State<AppState>,
    auth: ApiAuth,
    ApiPath(party_id): ApiPath<i64>,
) -> ApiResult<Json<Vec<TrendPoint>>> {
    Ok(Json(
        state
            .services
            .training()
            .culture_trend(&auth.actor(), party_id)
            .await?,
    ))
}

/// The national picture of security culture (the authority).
#[utoipa::path(get, path = "/training/culture/national", tag = "Training",
    responses((status = 200, body = NationalCulture)))]
async fn national_culture(
    State(state): State<AppState>,
    auth: ApiAuth,
) -> ApiResult<Json<NationalCulture>> {
    Ok(Json(
        state
            .services
            .training()
            .national_culture(&auth.actor())
            .await?,
    ))
}

const TOKEN: &str = "The single-use token of the person's link";

/// The survey a single-use link invites to (no account needed).
#[utoipa::path(get, path = "/public/surveys/{token}", tag = "Training", security(()),
    params(("token" = String, Path, description = TOKEN)), responses((status = 200, body = PublicSurvey)))]
async fn public_culture_survey(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> ApiResult<Json<PublicSurvey>> {
    Ok(Json(state.services.training().public_survey(&token).await?))
}

/// Answer a survey by a single-use link, once (no account needed): 409 once the link was used
/// or the survey closed.
#[utoipa::path(post, path = "/public/surveys/{token}", tag = "Training", security(()),
    params(("token" = String, Path, description = TOKEN)), request_body = AnswerInput,
    responses((status = 204, description = "Recorded, with nothing that points at its author")))]
async fn answer_culture_survey(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
    ApiJson(input): ApiJson<AnswerInput>,
) -> ApiResult<StatusCode> {
    state
        .services
        .training()
        .answer_survey(&token, &input)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
