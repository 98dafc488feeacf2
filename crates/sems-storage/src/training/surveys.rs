//! Security culture surveys: the authority's question banks (versions as JSON), an
//! organisation's surveys (`SURVEY_ACCESS`, kind `CultureSurvey`), single-use invitations kept
//! by their hash, and answers that keep no link to a person, an invitation or a time. Each
//! answer adds to its survey's totals and its themes', so lists and the national picture read
//! surveys, not answers.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::{Day, Document, Flag, Questions};
use crate::sql::{fetch_page, Key, Order, Sql};
use crate::versions::{self, Versioned};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::page::{Page, PageRequest};
use sems_domain::training::survey::{Question, Theme};
use sems_domain::training::Function;
use sems_domain::util::format_date;
use time::Date;

pub const SURVEY_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::CultureSurvey,
    id: "cs.id",
    owner_party: "cs.owner_party_id",
    classification: None,
    need_to_know: None,
    person: None,
    published: None,
    raiser: None,
    reach: Reach::Own("culture_surveys"),
};

/// Newest last day first, ending in the id.
const ORDER: Order = &[Key::text("cs.closes_on").desc(), Key::int("cs.id").desc()];

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BankVersion {
    pub version: i64,
    pub owner_party_id: i64,
    #[sqlx(rename = "document", try_from = "Document")]
    pub questions: Questions,
    pub note: String,
    #[sqlx(rename = "by_name")]
    pub published_by_name: Option<String>,
    pub published_at_ms: i64,
}

#[tracing::instrument(skip_all)]
pub async fn publish_bank(
    conn: &mut Conn,
    owner_party_id: i64,
    bank: &[Question],
    note: &str,
    by: Option<i64>,
) -> Result<i64> {
    versions::publish(
        conn,
        Versioned::SurveyQuestionBank,
        owner_party_id,
        &bank,
        note,
        by,
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn current_bank(conn: &mut Conn) -> Result<Option<BankVersion>> {
    versions::current(conn, Versioned::SurveyQuestionBank).await
}

#[tracing::instrument(skip_all)]
pub async fn banks(conn: &mut Conn) -> Result<Vec<BankVersion>> {
    versions::versions(conn, Versioned::SurveyQuestionBank).await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Survey {
    pub id: i64,
    pub owner_party_id: i64,
    pub party_name: String,
    pub site_id: Option<i64>,
    pub site_name: Option<String>,
    #[sqlx(try_from = "crate::decode::Word")]
    pub function: Option<Function>,
    pub title: String,
    #[sqlx(try_from = "Day")]
    pub opens_on: Date,
    #[sqlx(try_from = "Day")]
    pub closes_on: Date,
    #[sqlx(try_from = "Flag")]
    pub closed_early: bool,
    pub bank_version: i64,
    #[sqlx(try_from = "Document")]
    pub questions: Questions,
    pub invited: i64,
    pub answered: i64,
    pub item_count: i64,
    pub score_sum: f64,
    pub created_at_ms: i64,
}

impl Survey {
    /// The culture index of every answer: the mean score of their items, 0 to 100.
    pub fn index(&self) -> Option<f64> {
        (self.item_count > 0).then(|| self.score_sum / self.item_count as f64)
    }
}

const SELECT: &str = "SELECT cs.id, cs.owner_party_id, pa.name AS party_name, cs.site_id,
        si.name AS site_name, cs.function, cs.title, cs.opens_on, cs.closes_on, cs.closed_early,
        cs.bank_version, cs.questions, cs.invited, cs.answered, cs.item_count, cs.score_sum,
        cs.created_at_ms
     FROM culture_surveys cs JOIN parties pa ON pa.id = cs.owner_party_id
     LEFT JOIN sites si ON si.id = cs.site_id";

/// A survey to store.
pub struct NewSurvey<'a> {
    pub owner_party_id: i64,
    pub site_id: Option<i64>,
    pub function: Option<Function>,
    pub title: &'a str,
    pub opens_on: Date,
    pub closes_on: Date,
    pub bank_version: i64,
    pub questions: &'a [Question],
    pub invited: i64,
}

#[tracing::instrument(skip_all)]
pub async fn insert(conn: &mut Conn, s: &NewSurvey<'_>, by: Option<i64>) -> Result<i64> {
    let questions = serde_json::to_string(s.questions)
        .map_err(|e| crate::decode::decode_error(format!("survey questions: {e}")))?;
    Ok(sqlx::query_scalar(
        "INSERT INTO culture_surveys (owner_party_id, site_id, function, title, opens_on, closes_on,
             bank_version, questions, invited, created_by, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(s.owner_party_id)
    .bind(s.site_id)
    .bind(s.function.map(|f| f.as_str()))
    .bind(s.title)
    .bind(format_date(s.opens_on))
    .bind(format_date(s.closes_on))
    .bind(s.bank_version)
    .bind(questions)
    .bind(s.invited)
    .bind(by)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?)
}

#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Survey>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE cs.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

#[tracing::instrument(skip_all)]
pub async fn close_early(conn: &mut Conn, id: i64) -> Result<()> {
    sqlx::query("UPDATE culture_surveys SET closed_early = 1 WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct SurveyFilter {
    pub party_id: Option<i64>,
    /// Only those whose last day is before this day (closed by their dates) or closed early.
    pub closed_before: Option<Date>,
}

/// The surveys `subject` may read, newest last day first.
#[tracing::instrument(skip_all)]
pub async fn list(
    conn: &mut Conn,
    subject: &Subject,
    f: &SurveyFilter,
    page: PageRequest,
) -> Result<Page<Survey>> {
    let mut cond = filter(subject, Action::Read, &SURVEY_ACCESS);
    if let Some(p) = f.party_id {
        cond.push(" AND cs.owner_party_id = ").bind(p);
    }
    if let Some(d) = f.closed_before {
        cond.push(" AND (cs.closes_on < ")
            .bind(format_date(d))
            .push(" OR cs.closed_early = 1)");
    }
    fetch_page(conn, "culture_surveys cs", SELECT, &cond, ORDER, page).await
}

/// Every closed survey `subject` may read with at least `min_answers` answers, of every
/// organisation (the national picture), newest last day first.
#[tracing::instrument(skip_all)]
pub async fn closed_with_answers(
    conn: &mut Conn,
    subject: &Subject,
    today: Date,
    min_answers: i64,
) -> Result<Vec<Survey>> {
    let mut sql = Sql::new(SELECT);
    sql.push(" WHERE ")
        .append(&filter(subject, Action::Read, &SURVEY_ACCESS))
        .push(" AND (cs.closes_on < ")
        .bind(format_date(today))
        .push(" OR cs.closed_early = 1) AND cs.answered >= ")
        .bind(min_answers)
        .push(" ORDER BY cs.closes_on DESC, cs.id DESC");
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}

/// Invites a person: the hash of their single-use token and the group their answer will
/// count in.
#[tracing::instrument(skip_all)]
pub async fn invite(
    conn: &mut Conn,
    survey_id: i64,
    personnel_id: i64,
    token_hash: &str,
    group_key: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO survey_invitations (survey_id, personnel_id, token_hash, group_key)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(survey_id)
    .bind(personnel_id)
    .bind(token_hash)
    .bind(group_key)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invitation {
    pub id: i64,
    pub survey_id: i64,
    pub group_key: String,
    #[sqlx(try_from = "Flag")]
    pub used: bool,
}

#[tracing::instrument(skip_all)]
pub async fn invitation(conn: &mut Conn, token_hash: &str) -> Result<Option<Invitation>> {
    Ok(sqlx::query_as(
        "SELECT id, survey_id, group_key, used FROM survey_invitations WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Uses an invitation once, forgetting whom it was for: true for the one call that used it.
#[tracing::instrument(skip_all)]
pub async fn use_invitation(conn: &mut Conn, id: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE survey_invitations SET used = 1, personnel_id = NULL WHERE id = $1 AND used = 0",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An item of an answer: the question, its theme, the answer and its score.
pub struct Item<'a> {
    pub question_code: &'a str,
    pub theme: Theme,
    pub value: u8,
    pub score: f64,
}

/// Stores an answer under a random id, with nothing that points at its author, and adds it to
/// its survey's and themes' totals.
#[tracing::instrument(skip_all)]
pub async fn insert_answer(
    conn: &mut Conn,
    id: i64,
    survey_id: i64,
    group_key: &str,
    free_text: &str,
    items: &[Item<'_>],
) -> Result<()> {
    sqlx::query(
        "INSERT INTO survey_answers (id, survey_id, group_key, free_text) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(survey_id)
    .bind(group_key)
    .bind(free_text)
    .execute(&mut *conn)
    .await?;
    let mut sum = 0.0;
    for i in items {
        sqlx::query(
            "INSERT INTO survey_answer_items (answer_id, survey_id, question_code, theme, value, score)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(survey_id)
        .bind(i.question_code)
        .bind(i.theme.as_str())
        .bind(i64::from(i.value))
        .bind(i.score)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "INSERT INTO survey_theme_totals (survey_id, theme, item_count, score_sum)
             VALUES ($1, $2, 1, $3)
             ON CONFLICT (survey_id, theme) DO UPDATE SET
                 item_count = survey_theme_totals.item_count + 1,
                 score_sum = survey_theme_totals.score_sum + excluded.score_sum",
        )
        .bind(survey_id)
        .bind(i.theme.as_str())
        .bind(i.score)
        .execute(&mut *conn)
        .await?;
        sum += i.score;
    }
    sqlx::query(
        "UPDATE culture_surveys SET answered = answered + 1, item_count = item_count + $1,
             score_sum = score_sum + $2 WHERE id = $3",
    )
    .bind(items.len() as i64)
    .bind(sum)
    .bind(survey_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A theme's totals in a survey.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ThemeTotal {
    pub survey_id: i64,
    #[sqlx(try_from = "String")]
    pub theme: Theme,
    pub item_count: i64,
    pub score_sum: f64,
}

/// The theme totals of some surveys.
#[tracing::instrument(skip_all)]
pub async fn theme_totals(conn: &mut Conn, survey_ids: &[i64]) -> Result<Vec<ThemeTotal>> {
    if survey_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT survey_id, theme, item_count, score_sum FROM survey_theme_totals WHERE survey_id IN ",
    );
    sql.bind_list(survey_ids).push(" ORDER BY survey_id, theme");
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}

/// A group's answers in a survey: how many and their mean score.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupTotal {
    pub group_key: String,
    pub answers: i64,
    pub mean_score: Option<f64>,
}

#[tracing::instrument(skip_all)]
pub async fn group_totals(conn: &mut Conn, survey_id: i64) -> Result<Vec<GroupTotal>> {
    Ok(sqlx::query_as(
        "SELECT a.group_key, COUNT(DISTINCT a.id) AS answers, AVG(i.score) AS mean_score
         FROM survey_answers a JOIN survey_answer_items i ON i.answer_id = a.id
         WHERE a.survey_id = $1 GROUP BY a.group_key ORDER BY a.group_key",
    )
    .bind(survey_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The groups invited to a survey, with how many were invited and how many answered.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupInvited {
    pub group_key: String,
    pub invited: i64,
    pub used: i64,
}

#[tracing::instrument(skip_all)]
pub async fn groups_invited(conn: &mut Conn, survey_id: i64) -> Result<Vec<GroupInvited>> {
    Ok(sqlx::query_as(
        "SELECT group_key, COUNT(*) AS invited, CAST(SUM(used) AS BIGINT) AS used
         FROM survey_invitations WHERE survey_id = $1 GROUP BY group_key ORDER BY group_key",
    )
    .bind(survey_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// A survey's free text, in the order of the text itself (never of its arrival).
#[tracing::instrument(skip_all)]
pub async fn free_texts(conn: &mut Conn, survey_id: i64) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT free_text FROM survey_answers WHERE survey_id = $1 AND free_text <> ''
         ORDER BY free_text",
    )
    .bind(survey_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The invitations of a survey not used yet, with whom they are for (for reminders).
#[tracing::instrument(skip_all)]
pub async fn unused_personnel(conn: &mut Conn, survey_id: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT personnel_id FROM survey_invitations
         WHERE survey_id = $1 AND used = 0 AND personnel_id IS NOT NULL ORDER BY personnel_id",
    )
    .bind(survey_id)
    .fetch_all(&mut *conn)
    .await?)
}
