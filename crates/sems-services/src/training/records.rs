//! Training records and background checks: entered on a person's page, posted through the
//! API, or (records) imported from a learning-management system's completion export. A record
//! counts against the national programme's version in force; its instructor's own
//! qualification is checked; a course that shows non-public security information counts only
//! after a valid background check. A check keeps that it was done, its level, validity and
//! outcome — never its content.

use super::{authority_id, currency, effective, personnel_meta, trail, TrainingServices};
use crate::import::{self, CsvImport, ImportReport};
use crate::reports::NewAttachment;
use crate::{authorize, record_change, About, Actor, Result, ServiceError, NONE};
use sems_domain::access::Action;
use sems_domain::csv::CsvRow;
use sems_domain::training::assess::{self, CheckDone, Completion, Held, RequirementKind};
use sems_domain::training::currency::validate_check;
use sems_domain::training::programme::{TrainingProgramme, MAX_CHECK_MONTHS};
use sems_domain::training::{CheckLevel, CheckOutcome, Function};
use sems_domain::util::{format_date, parse_date, today};
use sems_domain::{Checks, ValidationError};
use sems_storage::training::personnel::{self as register, Personnel};
use sems_storage::training::records::{
    self as store, BackgroundCheck, NewCheck, NewRecord, TrainingRecord,
};
use sems_storage::Conn;
use serde::{Deserialize, Serialize};
use time::Date;

/// A completed course to record.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordInput {
    /// A course of the programme the person is held to (`AWARE`, `SCR-PCB`).
    pub course: String,
    /// YYYY-MM-DD.
    pub completed_on: String,
    /// More than 0, at most 24.
    pub hours: f64,
    /// Whether the person passed; a failed attempt is recorded and counts for nothing.
    #[serde(default = "yes")]
    pub passed: bool,
    /// 0 to 100, when the course is scored.
    #[serde(default)]
    pub score: Option<f64>,
    /// The employee number of the instructor, a person of the same employer holding a valid
    /// instructor qualification on the day.
    #[serde(default)]
    pub instructor: Option<String>,
    /// Who gave the course (an external provider, the in-house academy).
    #[serde(default)]
    pub provider: String,
}

fn yes() -> bool {
    true
}

impl Default for RecordInput {
    /// A passed completion, as a form starts.
    fn default() -> Self {
        Self {
            course: String::new(),
            completed_on: String::new(),
            hours: 0.0,
            passed: true,
            score: None,
            instructor: None,
            provider: String::new(),
        }
    }
}

/// A background check to record.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInput {
    pub level: CheckLevel,
    /// YYYY-MM-DD.
    pub completed_on: String,
    /// YYYY-MM-DD, after the completion and within the programme's renewal.
    pub valid_until: String,
    pub outcome: CheckOutcome,
}

/// A training record as a reader sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecordView {
    pub id: i64,
    pub personnel_id: i64,
    pub course: String,
    pub completed_on: String,
    pub hours: f64,
    pub passed: bool,
    pub score: Option<f64>,
    pub instructor_name: Option<String>,
    pub provider: String,
    pub has_evidence: bool,
    pub programme_version: i64,
}

impl From<TrainingRecord> for RecordView {
    fn from(r: TrainingRecord) -> Self {
        Self {
            id: r.id,
            personnel_id: r.personnel_id,
            course: r.course_code,
            completed_on: format_date(r.completed_on),
            hours: r.hours,
            passed: r.passed,
            score: r.score,
            instructor_name: r.instructor_name,
            provider: r.provider,
            has_evidence: r.evidence_sha256.is_some(),
            programme_version: r.programme_version,
        }
    }
}

/// A background check as a reader sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckView {
    pub id: i64,
    pub personnel_id: i64,
    pub level: CheckLevel,
    pub completed_on: String,
    pub valid_until: String,
    pub outcome: CheckOutcome,
}

impl From<BackgroundCheck> for CheckView {
    fn from(c: BackgroundCheck) -> Self {
        Self {
            id: c.id,
            personnel_id: c.personnel_id,
            level: c.level,
            completed_on: format_date(c.completed_on),
            valid_until: format_date(c.valid_until),
            outcome: c.outcome,
        }
    }
}

/// A record that passed its checks.
pub(crate) struct ValidRecord {
    personnel_id: i64,
    employee_number: String,
    course: String,
    completed_on: Date,
    hours: f64,
    passed: bool,
    score: Option<f64>,
    instructor: Option<i64>,
    provider: String,
}

/// Everything a person's records and checks are checked against, read once.
pub(crate) struct Context {
    pub programme: TrainingProgramme,
    pub version: i64,
}

pub(crate) fn completions(records: &[TrainingRecord]) -> Vec<Completion<'_>> {
    records
        .iter()
        .map(|r| Completion {
            course: &r.course_code,
            on: r.completed_on,
            hours: r.hours,
            passed: r.passed,
        })
        .collect()
}

pub(crate) fn checks_done(checks: &[BackgroundCheck]) -> Vec<CheckDone> {
    checks
        .iter()
        .map(|c| CheckDone {
            level: c.level,
            completed_on: c.completed_on,
            valid_until: c.valid_until,
            outcome: c.outcome,
        })
        .collect()
}

/// Checks a record for `person`: every refusal at once.
async fn check_record(
    conn: &mut Conn,
    ctx: &Context,
    person: &Personnel,
    input: &RecordInput,
) -> Result<ValidRecord> {
    let mut checks = Checks::default();
    let course_code = input.course.trim().to_uppercase();
    let course = ctx.programme.course(&course_code);
    let functions = register::functions(conn, person.id).await?;
    match course {
        None => checks.refuse(ValidationError::new(
            "course",
            format!(
                "no course {course_code} in the programme {} is held to",
                person.full_name
            ),
        )),
        Some(_) => {
            let theirs = functions.iter().any(|f| {
                ctx.programme
                    .courses_of(f.function)
                    .contains(&course_code.as_str())
            });
            let held: Vec<&str> = functions.iter().map(|f| f.function.label()).collect();
            checks.require(
                theirs,
                "course",
                format!(
                    "{course_code} is not a course of {}'s functions ({})",
                    person.full_name,
                    if held.is_empty() {
                        "none".to_string()
                    } else {
                        held.join(", ")
                    }
                ),
            );
        }
    }
    let day = checks.check(parse_date("completed_on", &input.completed_on));
    if let Some(d) = day {
        checks.require(
            d <= today(),
            "completed_on",
            "a course is recorded once completed: not a day in the future",
        );
    }
    checks.check(sems_domain::training::currency::validate_hours(input.hours));
    if let Some(s) = input.score {
        checks.require(
            s.is_finite() && (0.0..=100.0).contains(&s),
            "score",
            "a score is 0 to 100",
        );
    }
    let provider = input.provider.trim().to_string();
    checks.require(
        provider.chars().count() <= 200,
        "provider",
        "a provider's name: at most 200 characters",
    );
    let mut instructor = None;
    if let (Some(number), Some(day)) = (
        input
            .instructor
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty()),
        day,
    ) {
        match register::by_employee_number(conn, person.party_id, number).await? {
            None => checks.refuse(ValidationError::new(
                "instructor",
                format!("no person numbered {number} at the employer"),
            )),
            Some(i) => match instructor_refusal(conn, &ctx.programme, &i, day).await? {
                Some(why) => checks.refuse(ValidationError::new("instructor", why)),
                None => instructor = Some(i.id),
            },
        }
    }
    if let (Some(c), Some(day)) = (course, day) {
        if c.shows_non_public {
            let valid = store::all_checks(conn, person.id).await?.iter().any(|k| {
                k.outcome == CheckOutcome::Cleared && k.completed_on <= day && day < k.valid_until
            });
            checks.require(
                valid,
                "course",
                format!(
                    "{} shows non-public security information: a valid background check of {} must be recorded before it (none valid on {day})",
                    c.code, person.full_name
                ),
            );
        }
    }
    checks.finish()?;
    let completed_on = day.ok_or_else(|| ServiceError::Internal("checked date missing".into()))?;
    Ok(ValidRecord {
        personnel_id: person.id,
        employee_number: person.employee_number.clone(),
        course: course_code,
        completed_on,
        hours: input.hours,
        passed: input.passed,
        score: input.score,
        instructor,
        provider,
    })
}

/// Why `instructor` may not have given a course on `day`, if they may not: they hold the
/// instructor function and their instructor certification entitled them that day.
async fn instructor_refusal(
    conn: &mut Conn,
    programme: &TrainingProgramme,
    instructor: &Personnel,
    day: Date,
) -> Result<Option<String>> {
    let functions = register::functions(conn, instructor.id).await?;
    if !functions.iter().any(|f| f.function == Function::Instructor) {
        return Ok(Some(format!(
            "{} does not hold the instructor function",
            instructor.full_name
        )));
    }
    let records = store::all_records(conn, instructor.id).await?;
    let held = [Held {
        function: Function::Instructor,
        last_exercised_on: None,
    }];
    let standing = assess::assess(programme, &held, &completions(&records), &[], day)
        .into_iter()
        .find(|a| a.kind == RequirementKind::Certification);
    Ok(match standing {
        Some(s) if !s.standing.currency.entitles() => Some(format!(
            "{}'s instructor qualification was not valid on {day} ({})",
            instructor.full_name, s.detail
        )),
        _ => None,
    })
}

/// The longest a check may be valid for a person: the shortest renewal their functions ask.
async fn check_months(
    conn: &mut Conn,
    programme: &TrainingProgramme,
    personnel_id: i64,
) -> Result<u32> {
    let functions = register::functions(conn, personnel_id).await?;
    Ok(functions
        .iter()
        .filter_map(|f| programme.function(f.function)?.background_check.as_ref())
        .map(|c| c.renewal_months)
        .min()
        .unwrap_or(MAX_CHECK_MONTHS))
}

impl TrainingServices<'_> {
    async fn writable_person(conn: &mut Conn, actor: &Actor, id: i64) -> Result<Personnel> {
        let p = register::get(conn, id)
            .await?
            .ok_or(ServiceError::NotFound("person"))?;
        authorize(actor, Action::Update, &personnel_meta(&p), "person")?;
        Ok(p)
    }

    /// Records a completed course of a person, with its evidence file if any; their
    /// standings are computed again at once.
    #[tracing::instrument(skip_all)]
    pub async fn record_training(
        &self,
        actor: &Actor,
        personnel_id: i64,
        input: &RecordInput,
        evidence: Option<NewAttachment>,
    ) -> Result<RecordView> {
        let evidence = match evidence {
            Some(file) => {
                let name = sems_domain::report::clean_filename(&file.filename);
                sems_domain::report::check_attachment(&name, &file.bytes)?;
                Some((sems_domain::util::sha256_hex(&file.bytes), file.bytes))
            }
            None => None,
        };
        let mut tx = self.store.write().await?;
        let person = Self::writable_person(tx.conn(), actor, personnel_id).await?;
        let (programme, version) = effective(tx.conn(), person.party_id).await?;
        let ctx = Context { programme, version };
        let v = check_record(tx.conn(), &ctx, &person, input).await?;
        if store::all_records(tx.conn(), personnel_id)
            .await?
            .iter()
            .any(|r| r.course_code == v.course && r.completed_on == v.completed_on)
        {
            return Err(ValidationError::new(
                "completed_on",
                format!(
                    "{} of {} is recorded already",
                    v.course,
                    format_date(v.completed_on)
                ),
            )
            .into());
        }
        if let Some((sum, bytes)) = &evidence {
            crate::attachments::store_file(&self.reporting_config()?.attachments_dir, sum, bytes)?;
        }
        let id = insert_record(
            tx.conn(),
            actor,
            &ctx,
            &person,
            &v,
            evidence.as_ref().map(|e| e.0.as_str()),
        )
        .await?;
        currency::refresh_in(tx.conn(), personnel_id, today()).await?;
        let stored = store::all_records(tx.conn(), personnel_id)
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or(ServiceError::NotFound("training record"))?;
        tx.commit().await?;
        Ok(stored.into())
    }

    /// A person's training records, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn training_records(
        &self,
        actor: &Actor,
        personnel_id: i64,
    ) -> Result<Vec<RecordView>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        super::readable_person(&mut conn, actor, personnel_id).await?;
        Ok(store::records_of(&mut conn, subject, personnel_id)
            .await?
            .into_iter()
            .map(RecordView::from)
            .collect())
    }

    /// The evidence file of a training record, checked against its checksum.
    #[tracing::instrument(skip_all)]
    pub async fn training_evidence(
        &self,
        actor: &Actor,
        personnel_id: i64,
        record_id: i64,
    ) -> Result<Vec<u8>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        super::readable_person(&mut conn, actor, personnel_id).await?;
        let r = store::records_of(&mut conn, subject, personnel_id)
            .await?
            .into_iter()
            .find(|r| r.id == record_id)
            .ok_or(ServiceError::NotFound("training record"))?;
        let sum = r
            .evidence_sha256
            .ok_or(ServiceError::NotFound("evidence"))?;
        let path = crate::attachments::file_path(&self.reporting_config()?.attachments_dir, &sum);
        let bytes = std::fs::read(&path)
            .map_err(|e| ServiceError::Internal(format!("training evidence {record_id}: {e}")))?;
        if sems_domain::util::sha256_hex(&bytes) != sum {
            return Err(ServiceError::Internal(format!(
                "training evidence {record_id} does not match its checksum"
            )));
        }
        Ok(bytes)
    }

    /// Records a background check of a person: completed on a day not in the future, valid
    /// after it and within the shortest renewal their functions ask.
    #[tracing::instrument(skip_all)]
    pub async fn record_check(
        &self,
        actor: &Actor,
        personnel_id: i64,
        input: &CheckInput,
    ) -> Result<CheckView> {
        let mut tx = self.store.write().await?;
        let person = Self::writable_person(tx.conn(), actor, personnel_id).await?;
        let mut checks = Checks::default();
        let completed = checks.check(parse_date("completed_on", &input.completed_on));
        let until = checks.check(parse_date("valid_until", &input.valid_until));
        checks.finish()?;
        let (Some(completed), Some(until)) = (completed, until) else {
            return Err(ServiceError::Internal("checked dates missing".into()));
        };
        let (programme, _) = effective(tx.conn(), person.party_id).await?;
        let months = check_months(tx.conn(), &programme, personnel_id).await?;
        validate_check(completed, until, months, today())?;
        let id = store::insert_check(
            tx.conn(),
            &NewCheck {
                personnel_id,
                level: input.level,
                completed_on: completed,
                valid_until: until,
                outcome: input.outcome,
            },
            actor.person_id(),
        )
        .await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&personnel_meta(&person), Some(personnel_id)),
                action: trail::CHECK_CREATE,
                record_id: Some(personnel_id),
                before: NONE,
                after: Some(&serde_json::json!({
                    "check": id, "level": input.level, "completed_on": format_date(completed),
                    "valid_until": format_date(until), "outcome": input.outcome,
                })),
            },
        )
        .await?;
        currency::refresh_in(tx.conn(), personnel_id, today()).await?;
        let stored = store::all_checks(tx.conn(), personnel_id)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(ServiceError::NotFound("background check"))?;
        tx.commit().await?;
        Ok(stored.into())
    }

    /// A person's background checks, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn background_checks(
        &self,
        actor: &Actor,
        personnel_id: i64,
    ) -> Result<Vec<CheckView>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        super::readable_person(&mut conn, actor, personnel_id).await?;
        Ok(store::checks_of(&mut conn, subject, personnel_id)
            .await?
            .into_iter()
            .map(CheckView::from)
            .collect())
    }

    /// Imports completions from a learning-management system's export (columns
    /// `employee_number`, `course`, `completed_on`, `hours`, and optionally `passed` — yes or
    /// no —, `score`, `instructor` — an employee number — and `provider`). Each row is checked
    /// as one entered by hand; a completion already recorded (same person, course and day)
    /// is refused, so importing an export twice records nothing twice. All or nothing, with a
    /// dry run.
    #[tracing::instrument(skip_all)]
    pub async fn import_training(
        &self,
        actor: &Actor,
        party_id: i64,
        text: &str,
        dry_run: bool,
    ) -> Result<ImportReport> {
        let mut tx = self.store.write().await?;
        let authority = authority_id(tx.conn()).await?;
        authorize(
            actor,
            Action::Update,
            &super::register_meta(party_id, authority),
            "organisation",
        )?;
        let (programme, version) = effective(tx.conn(), party_id).await?;
        let import = LmsImport {
            actor,
            party_id,
            ctx: Context { programme, version },
        };
        import::run(tx, text, dry_run, import).await
    }
}

async fn insert_record(
    conn: &mut Conn,
    actor: &Actor,
    ctx: &Context,
    person: &Personnel,
    v: &ValidRecord,
    evidence: Option<&str>,
) -> Result<i64> {
    let id = store::insert_record(
        conn,
        &NewRecord {
            personnel_id: v.personnel_id,
            course_code: &v.course,
            completed_on: v.completed_on,
            hours: v.hours,
            passed: v.passed,
            score: v.score,
            instructor_personnel_id: v.instructor,
            provider: &v.provider,
            evidence_sha256: evidence,
            programme_version: ctx.version,
        },
        actor.person_id(),
    )
    .await?;
    record_change(
        conn,
        actor,
        crate::Change {
            about: &About::record(&personnel_meta(person), Some(person.id)),
            action: trail::RECORD_CREATE,
            record_id: Some(person.id),
            before: NONE,
            after: Some(&serde_json::json!({
                "record": id, "course": v.course, "completed_on": format_date(v.completed_on),
                "hours": v.hours, "passed": v.passed, "score": v.score,
                "instructor": v.instructor, "provider": v.provider, "evidence": evidence,
                "programme_version": ctx.version,
            })),
        },
    )
    .await?;
    Ok(id)
}

struct LmsImport<'a> {
    actor: &'a Actor,
    party_id: i64,
    ctx: Context,
}

fn yes_no(field: &str, value: &str) -> std::result::Result<bool, String> {
    match value.trim().to_lowercase().as_str() {
        "" | "yes" | "true" | "1" | "passed" | "pass" | "completed" => Ok(true),
        "no" | "false" | "0" | "failed" | "fail" => Ok(false),
        other => Err(format!("{field}: '{other}' is neither yes nor no")),
    }
}

impl CsvImport for LmsImport<'_> {
    type Row = ValidRecord;
    const COLUMNS: &'static [&'static str] =
        &["employee_number", "course", "completed_on", "hours"];
    const NOUN: &'static str = "completion";

    async fn check(
        &mut self,
        conn: &mut Conn,
        row: &CsvRow,
    ) -> Result<std::result::Result<ValidRecord, Vec<String>>> {
        let number = row.get("employee_number").trim();
        let Some(person) = register::by_employee_number(conn, self.party_id, number).await? else {
            return Ok(Err(vec![format!(
                "employee_number: no person numbered '{number}' in the register"
            )]));
        };
        let mut errors = Vec::new();
        let hours = row.get("hours").trim().replace(',', ".");
        let hours = match hours.parse::<f64>() {
            Ok(h) => h,
            Err(_) => {
                errors.push(format!(
                    "hours: '{}' is not a number",
                    row.get("hours").trim()
                ));
                0.0
            }
        };
        let passed = yes_no("passed", row.get("passed")).unwrap_or_else(|e| {
            errors.push(e);
            true
        });
        let score = row.get("score").trim();
        let score = if score.is_empty() {
            None
        } else {
            match score.parse::<f64>() {
                Ok(s) => Some(s),
                Err(_) => {
                    errors.push(format!("score: '{score}' is not a number"));
                    None
                }
            }
        };
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        let instructor = row.get("instructor").trim();
        let input = RecordInput {
            course: row.get("course").to_string(),
            completed_on: row.get("completed_on").to_string(),
            hours,
            passed,
            score,
            instructor: (!instructor.is_empty()).then(|| instructor.to_string()),
            provider: row.get("provider").to_string(),
        };
        import::row_checked(check_record(conn, &self.ctx, &person, &input).await)
    }

    /// A completion is known by its person, course and day.
    fn code(row: &ValidRecord) -> String {
        format!(
            "{}/{}/{}",
            row.employee_number,
            row.course,
            format_date(row.completed_on)
        )
    }

    async fn exists(&mut self, conn: &mut Conn, row: &ValidRecord) -> Result<bool> {
        Ok(store::all_records(conn, row.personnel_id)
            .await?
            .iter()
            .any(|r| r.course_code == row.course && r.completed_on == row.completed_on))
    }

    async fn store(self, conn: &mut Conn, rows: Vec<ValidRecord>) -> Result<()> {
        for v in &rows {
            let Some(person) = register::get(conn, v.personnel_id).await? else {
                return Err(ServiceError::NotFound("person"));
            };
            insert_record(conn, self.actor, &self.ctx, &person, v, None).await?;
        }
        // The organisation's standings, gates and counts in the import's transaction.
        currency::refresh_party_in(conn, self.party_id, today()).await?;
        Ok(())
    }
}
