//! Each person's standing with every requirement of their functions, computed ahead by the
//! domain (`sems_domain::training::assess`) and stored with the day it next changes; the due
//! lists read them by index, and per organisation the counts the compliance views sum.
//! A standing is its person's record to the access rule (`STANDING_ACCESS`, kind `Personnel`).

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::OptionalDay;
use crate::sql::{fetch_page, Key, Order, Sql};
use crate::{Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::page::{Page, PageRequest};
use sems_domain::training::assess::{Assessed, RequirementKind};
use sems_domain::training::currency::Currency;
use sems_domain::training::Function;
use sems_domain::util::format_date;
use time::Date;

pub const STANDING_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::Personnel,
    id: "ts.personnel_id",
    owner_party: "ts.owner_party_id",
    classification: None,
    need_to_know: None,
    person: Some("ts.person_id"),
    published: None,
    raiser: None,
    reach: Reach::Scan,
};

/// Most urgent first: never done, then by the day due; ending in the id.
const DUE_ORDER: Order = &[Key::text("ts.due_key"), Key::int("ts.id")];

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StandingRow {
    pub id: i64,
    pub personnel_id: i64,
    pub full_name: String,
    pub employee_number: String,
    pub owner_party_id: i64,
    pub party_name: String,
    pub site_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub function: Function,
    #[sqlx(try_from = "String")]
    pub kind: RequirementKind,
    pub course: String,
    #[sqlx(try_from = "String")]
    pub currency: Currency,
    #[sqlx(try_from = "OptionalDay")]
    pub due_on: Option<Date>,
    #[sqlx(try_from = "OptionalDay")]
    pub lapses_on: Option<Date>,
    pub detail: String,
    pub withdrawal_action_id: Option<i64>,
}

const SELECT: &str = "SELECT ts.id, ts.personnel_id, pn.full_name, pn.employee_number,
        ts.owner_party_id, pa.name AS party_name, si.name AS site_name, ts.function, ts.kind,
        ts.course, ts.currency, ts.due_on, ts.lapses_on, ts.detail, ts.withdrawal_action_id
     FROM training_standings ts JOIN personnel pn ON pn.id = ts.personnel_id
     JOIN parties pa ON pa.id = ts.owner_party_id LEFT JOIN sites si ON si.id = ts.site_id";

/// Stores a person's standings as computed on `today`: each requirement's row updated in
/// place (keeping the withdrawal and notice claimed for it), new ones added, those the person
/// no longer has removed.
#[tracing::instrument(skip_all)]
pub async fn write(
    conn: &mut Conn,
    personnel_id: i64,
    assessed: &[Assessed],
    today: Date,
) -> Result<()> {
    let mut keep = Sql::new("DELETE FROM training_standings WHERE personnel_id = ");
    keep.bind(personnel_id);
    for a in assessed {
        let mut sql = Sql::new(
            "INSERT INTO training_standings (personnel_id, function, kind, course, owner_party_id,
                 site_id, person_id, currency, severity, due_on, lapses_on, due_key, changes_on,
                 detail, computed_on)
             SELECT pn.id, ",
        );
        let s = &a.standing;
        sql.bind(a.function.as_str())
            .push(", ")
            .bind(a.kind.as_str())
            .push(", ")
            .bind(a.course.as_str())
            .push(", pn.owner_party_id, pn.site_id, pn.person_id, ")
            .bind(s.currency.as_str())
            .push(", ")
            .bind(s.currency.severity())
            .push(", ")
            .bind(s.due.map(format_date))
            .push(", ")
            .bind(s.lapses_on.map(format_date))
            .push(", ")
            .bind(s.due.map(format_date).unwrap_or_default())
            .push(", ")
            .bind(a.changes_on.map(format_date))
            .push(", ")
            .bind(a.detail.as_str())
            .push(", ")
            .bind(format_date(today))
            .push(" FROM personnel pn WHERE pn.id = ")
            .bind(personnel_id)
            .push(
                " ON CONFLICT (personnel_id, function, kind, course) DO UPDATE SET
                   owner_party_id = excluded.owner_party_id, site_id = excluded.site_id,
                   person_id = excluded.person_id, currency = excluded.currency,
                   severity = excluded.severity, due_on = excluded.due_on,
                   lapses_on = excluded.lapses_on, due_key = excluded.due_key,
                   changes_on = excluded.changes_on, detail = excluded.detail,
                   computed_on = excluded.computed_on",
            );
        sql.query().execute(&mut *conn).await?;
        keep.push(" AND NOT (function = ")
            .bind(a.function.as_str())
            .push(" AND kind = ")
            .bind(a.kind.as_str())
            .push(" AND course = ")
            .bind(a.course.as_str())
            .push(")");
    }
    keep.query().execute(&mut *conn).await?;
    Ok(())
}

/// The people with a standing whose day to change has come by `today`, at most `limit`.
#[tracing::instrument(skip_all)]
pub async fn changing_by(conn: &mut Conn, today: Date, limit: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT personnel_id FROM training_standings
         WHERE changes_on IS NOT NULL AND changes_on <= $1 ORDER BY personnel_id LIMIT $2",
    )
    .bind(format_date(today))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}

/// A lapse that withdraws an entitlement and has no withdrawal task yet.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Lapse {
    pub id: i64,
    pub personnel_id: i64,
    #[sqlx(try_from = "String")]
    pub function: Function,
    #[sqlx(try_from = "String")]
    pub kind: RequirementKind,
    pub course: String,
    pub lapses_on: String,
    pub detail: String,
}

/// A person's lapsed standings that withdraw an entitlement and were not yet claimed for
/// their lapse.
#[tracing::instrument(skip_all)]
pub async fn unclaimed_lapses(conn: &mut Conn, personnel_id: i64) -> Result<Vec<Lapse>> {
    let withdrawing: Vec<&str> = RequirementKind::ALL
        .iter()
        .filter(|k| k.withdraws())
        .map(|k| k.as_str())
        .collect();
    let mut sql = Sql::new(
        "SELECT id, personnel_id, function, kind, course, lapses_on, detail
         FROM training_standings WHERE personnel_id = ",
    );
    sql.bind(personnel_id)
        .push(" AND currency = ")
        .bind(Currency::Lapsed.as_str())
        .push(" AND kind IN ")
        .bind_list(&withdrawing)
        .push(" AND lapses_on IS NOT NULL AND (withdrawal_for IS NULL OR withdrawal_for <> lapses_on)")
        .push(" ORDER BY id");
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}

/// Claims a lapse for its withdrawal task: true for the one transaction that marks it (a
/// second node's waits for it on PostgreSQL, then finds it marked).
pub async fn claim_withdrawal(conn: &mut Conn, id: i64, lapses_on: &str) -> Result<bool> {
    claim(conn, "withdrawal_for", id, lapses_on).await
}

/// Marks a standing's `column` with `day` unless already marked with it; true when this
/// call marked it.
#[tracing::instrument(skip(conn))]
async fn claim(conn: &mut Conn, column: &'static str, id: i64, day: &str) -> Result<bool> {
    let done = sqlx::query(&format!(
        "UPDATE training_standings SET {column} = $1
         WHERE id = $2 AND ({column} IS NULL OR {column} <> $1)"
    ))
    .bind(day)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[tracing::instrument(skip_all)]
pub async fn set_withdrawal_action(conn: &mut Conn, id: i64, action_id: i64) -> Result<()> {
    sqlx::query("UPDATE training_standings SET withdrawal_action_id = $1 WHERE id = $2")
        .bind(action_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A standing due soon whose notice ahead of expiry was not sent for its due day.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Notice {
    pub id: i64,
    pub personnel_id: i64,
    #[sqlx(try_from = "String")]
    pub function: Function,
    #[sqlx(try_from = "String")]
    pub kind: RequirementKind,
    pub course: String,
    pub due_on: String,
}

#[tracing::instrument(skip_all)]
pub async fn unsent_notices(conn: &mut Conn, personnel_id: i64) -> Result<Vec<Notice>> {
    Ok(sqlx::query_as(
        "SELECT id, personnel_id, function, kind, course, due_on FROM training_standings
         WHERE personnel_id = $1 AND currency = $2 AND due_on IS NOT NULL
           AND (notice_for IS NULL OR notice_for <> due_on)
         ORDER BY id",
    )
    .bind(personnel_id)
    .bind(Currency::DueSoon.as_str())
    .fetch_all(&mut *conn)
    .await?)
}

/// Claims the notice of a due day, once across nodes as `claim_withdrawal`.
pub async fn claim_notice(conn: &mut Conn, id: i64, due_on: &str) -> Result<bool> {
    claim(conn, "notice_for", id, due_on).await
}

/// A person's standings `subject` may read, by function and requirement.
#[tracing::instrument(skip_all)]
pub async fn of_person(
    conn: &mut Conn,
    subject: &Subject,
    personnel_id: i64,
) -> Result<Vec<StandingRow>> {
    let mut sql = Sql::new(SELECT);
    sql.push(" WHERE ts.personnel_id = ")
        .bind(personnel_id)
        .push(" AND ")
        .append(&filter(subject, Action::Read, &STANDING_ACCESS))
        .push(" ORDER BY ts.function, ts.kind, ts.course");
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}

/// Which standings a due list shows.
#[derive(Debug, Clone, Default)]
pub struct DueFilter {
    pub party_id: Option<i64>,
    pub site_id: Option<i64>,
    pub personnel_id: Option<i64>,
    pub function: Option<Function>,
    pub kind: Option<RequirementKind>,
    /// Only this currency; otherwise every one not current.
    pub currency: Option<Currency>,
}

/// What is due, overdue, in grace or lapsed, most urgent first, as `subject` may read it.
#[tracing::instrument(skip_all)]
pub async fn due_list(
    conn: &mut Conn,
    subject: &Subject,
    f: &DueFilter,
    page: PageRequest,
) -> Result<Page<StandingRow>> {
    let mut cond = filter(subject, Action::Read, &STANDING_ACCESS);
    if let Some(p) = f.party_id {
        cond.push(" AND ts.owner_party_id = ").bind(p);
    }
    if let Some(s) = f.site_id {
        cond.push(" AND ts.site_id = ").bind(s);
    }
    if let Some(p) = f.personnel_id {
        cond.push(" AND ts.personnel_id = ").bind(p);
    }
    if let Some(func) = f.function {
        cond.push(" AND ts.function = ").bind(func.as_str());
    }
    if let Some(k) = f.kind {
        cond.push(" AND ts.kind = ").bind(k.as_str());
    }
    match f.currency {
        Some(c) => cond.push(" AND ts.severity = ").bind(c.severity()),
        None => cond.push(" AND ts.severity > 0"),
    };
    fetch_page(
        conn,
        "training_standings ts",
        SELECT,
        &cond,
        DUE_ORDER,
        page,
    )
    .await
}

/// Counts an organisation's standings again: per function, requirement and currency, and per
/// requirement each person once at their worst across functions (function '').
#[tracing::instrument(skip_all)]
pub async fn recount(conn: &mut Conn, party_id: i64) -> Result<()> {
    // One recount of an organisation at a time: the party's row is updated first, which a
    // second transaction waits for on PostgreSQL (SQLite has one writer), so two never delete
    // and insert the same counts at once.
    sqlx::query("UPDATE parties SET updated_at_ms = updated_at_ms WHERE id = $1")
        .bind(party_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM training_compliance WHERE owner_party_id = $1")
        .bind(party_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO training_compliance (owner_party_id, function, kind, currency, personnel)
         SELECT owner_party_id, function, kind, currency, COUNT(*) FROM training_standings
         WHERE owner_party_id = $1 GROUP BY owner_party_id, function, kind, currency",
    )
    .bind(party_id)
    .execute(&mut *conn)
    .await?;
    // The worst per person and requirement, counted per severity; the word is written from
    // the domain's list so no SQL restates it.
    let worst: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT kind, worst, COUNT(*) FROM (
             SELECT personnel_id, kind, MAX(severity) AS worst FROM training_standings
             WHERE owner_party_id = $1 GROUP BY personnel_id, kind) w
         GROUP BY kind, worst",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?;
    for (kind, severity, count) in worst {
        let Some(currency) = Currency::of_severity(severity) else {
            continue;
        };
        sqlx::query(
            "INSERT INTO training_compliance (owner_party_id, function, kind, currency, personnel)
             VALUES ($1, '', $2, $3, $4)",
        )
        .bind(party_id)
        .bind(kind)
        .bind(currency.as_str())
        .bind(count)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// How many people stand where with a requirement of a function ('' : any function, each
/// person once at their worst), summed over one organisation or all.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ComplianceTotal {
    pub function: String,
    #[sqlx(try_from = "String")]
    pub kind: RequirementKind,
    #[sqlx(try_from = "String")]
    pub currency: Currency,
    pub personnel: i64,
}

/// The totals of one organisation, or of every one.
#[tracing::instrument(skip_all)]
pub async fn compliance_totals(
    conn: &mut Conn,
    party_id: Option<i64>,
) -> Result<Vec<ComplianceTotal>> {
    let mut sql = Sql::new(
        "SELECT function, kind, currency, CAST(SUM(personnel) AS BIGINT) AS personnel
         FROM training_compliance",
    );
    if let Some(p) = party_id {
        sql.push(" WHERE owner_party_id = ").bind(p);
    }
    sql.push(" GROUP BY function, kind, currency ORDER BY function, kind, currency");
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}

/// Each person once at their worst, per organisation and requirement: the national view's
/// rows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PartyCompliance {
    pub owner_party_id: i64,
    pub party_name: String,
    #[sqlx(try_from = "String")]
    pub kind: RequirementKind,
    #[sqlx(try_from = "String")]
    pub currency: Currency,
    pub personnel: i64,
}

#[tracing::instrument(skip_all)]
pub async fn compliance_by_party(conn: &mut Conn) -> Result<Vec<PartyCompliance>> {
    Ok(sqlx::query_as(
        "SELECT c.owner_party_id, pa.name AS party_name, c.kind, c.currency, c.personnel
         FROM training_compliance c JOIN parties pa ON pa.id = c.owner_party_id
         WHERE c.function = '' ORDER BY pa.name, c.owner_party_id, c.kind, c.currency",
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// Notes that an organisation's standings were computed under national version `version`.
#[tracing::instrument(skip_all)]
pub async fn mark_applied(conn: &mut Conn, party_id: i64, version: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO training_applied (owner_party_id, programme_version, computed_at_ms)
         VALUES ($1, $2, $3)
         ON CONFLICT (owner_party_id) DO UPDATE SET programme_version = excluded.programme_version,
             computed_at_ms = excluded.computed_at_ms",
    )
    .bind(party_id)
    .bind(version)
    .bind(crate::now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The organisations with personnel whose standings were computed under a national version
/// older than `version` (or never noted), at most `limit`.
#[tracing::instrument(skip_all)]
pub async fn behind(conn: &mut Conn, version: i64, limit: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT pn.owner_party_id FROM personnel pn
         LEFT JOIN training_applied ta ON ta.owner_party_id = pn.owner_party_id
         WHERE ta.programme_version IS NULL OR ta.programme_version < $1
         ORDER BY pn.owner_party_id LIMIT $2",
    )
    .bind(version)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}
