//! The personnel register: a record per person the training programme applies to, with or
//! without a sems account, employed by an organisation (or its contractor), at a site, with
//! their functions. Personal data, read through the access rule (`PERSONNEL_ACCESS`: the
//! employer's training officer and security manager, the person, assigned inspectors).

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::{Day, Flag, OptionalDay};
use crate::sql::{all_words_like, fetch_page, Key, Order};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::page::{Page, PageRequest};
use sems_domain::training::Function;
use sems_domain::util::format_date;

/// By name within the employer, ending in the id.
const ORDER: Order = &[Key::text("pn.full_name"), Key::int("pn.id")];

pub const PERSONNEL_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::Personnel,
    id: "pn.id",
    owner_party: "pn.owner_party_id",
    classification: None,
    need_to_know: None,
    person: Some("pn.person_id"),
    published: None,
    raiser: None,
    reach: Reach::Own("personnel"),
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Personnel {
    pub id: i64,
    #[sqlx(rename = "owner_party_id")]
    pub party_id: i64,
    pub party_name: String,
    pub site_id: Option<i64>,
    pub site_name: Option<String>,
    pub employee_number: String,
    pub full_name: String,
    pub person_id: Option<i64>,
    #[sqlx(try_from = "Day")]
    pub started_on: time::Date,
    #[sqlx(try_from = "Flag")]
    pub active: bool,
    pub updated_at_ms: i64,
}

const SELECT: &str = "SELECT pn.id, pn.owner_party_id, pa.name AS party_name, pn.site_id,
        si.name AS site_name, pn.employee_number, pn.full_name, pn.person_id, pn.started_on,
        pn.active, pn.updated_at_ms
     FROM personnel pn JOIN parties pa ON pa.id = pn.owner_party_id
     LEFT JOIN sites si ON si.id = pn.site_id";

/// A person to register or the new values of one.
pub struct PersonnelValues<'a> {
    pub site_id: Option<i64>,
    pub employee_number: &'a str,
    pub full_name: &'a str,
    pub person_id: Option<i64>,
    pub started_on: time::Date,
    pub active: bool,
}

#[tracing::instrument(skip_all)]
pub async fn insert(conn: &mut Conn, party_id: i64, v: &PersonnelValues<'_>) -> Result<i64> {
    let now = now_ms();
    Ok(sqlx::query_scalar(
        "INSERT INTO personnel (owner_party_id, site_id, employee_number, full_name, person_id, started_on,
             active, created_at_ms, updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(party_id)
    .bind(v.site_id)
    .bind(v.employee_number)
    .bind(v.full_name)
    .bind(v.person_id)
    .bind(format_date(v.started_on))
    .bind(i64::from(v.active))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

#[tracing::instrument(skip_all)]
pub async fn update(conn: &mut Conn, id: i64, v: &PersonnelValues<'_>) -> Result<()> {
    sqlx::query(
        "UPDATE personnel SET site_id = $1, employee_number = $2, full_name = $3, person_id = $4,
             started_on = $5, active = $6, updated_at_ms = $7 WHERE id = $8",
    )
    .bind(v.site_id)
    .bind(v.employee_number)
    .bind(v.full_name)
    .bind(v.person_id)
    .bind(format_date(v.started_on))
    .bind(i64::from(v.active))
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    // The rows that copy the person's account follow it, so the access rule reads them as the
    // person's now linked, and no longer as the one unlinked.
    for table in [
        "training_records",
        "background_checks",
        "training_standings",
    ] {
        sqlx::query(&format!(
            "UPDATE {table} SET person_id = $1 WHERE personnel_id = $2"
        ))
        .bind(v.person_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The record of the register an account is linked to, if any.
#[tracing::instrument(skip_all)]
pub async fn linked_to(conn: &mut Conn, person_id: i64) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM personnel WHERE person_id = $1 ORDER BY id LIMIT 1")
            .bind(person_id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Personnel>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE pn.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// The record of an employee number at an employer (imports update by it).
#[tracing::instrument(skip_all)]
pub async fn by_employee_number(
    conn: &mut Conn,
    party_id: i64,
    employee_number: &str,
) -> Result<Option<Personnel>> {
    Ok(sqlx::query_as(&format!(
        "{SELECT} WHERE pn.owner_party_id = $1 AND pn.employee_number = $2"
    ))
    .bind(party_id)
    .bind(employee_number)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A function a person holds, since when, and when they last exercised it if they stopped.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct HeldFunction {
    #[sqlx(try_from = "String")]
    pub function: Function,
    #[sqlx(try_from = "Day")]
    pub since: time::Date,
    #[sqlx(try_from = "OptionalDay")]
    pub last_exercised_on: Option<time::Date>,
}

/// Replaces a person's functions.
#[tracing::instrument(skip_all)]
pub async fn set_functions(conn: &mut Conn, id: i64, functions: &[HeldFunction]) -> Result<()> {
    sqlx::query("DELETE FROM personnel_functions WHERE personnel_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for f in functions {
        sqlx::query(
            "INSERT INTO personnel_functions (personnel_id, function, since, last_exercised_on)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(f.function.as_str())
        .bind(format_date(f.since))
        .bind(f.last_exercised_on.map(format_date))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn functions(conn: &mut Conn, id: i64) -> Result<Vec<HeldFunction>> {
    Ok(sqlx::query_as(
        "SELECT function, since, last_exercised_on FROM personnel_functions
         WHERE personnel_id = $1 ORDER BY function",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?)
}

#[derive(Debug, Clone, Default)]
pub struct PersonnelFilter {
    pub party_id: Option<i64>,
    pub site_id: Option<i64>,
    pub function: Option<Function>,
    /// Words the name or employee number contains.
    pub search: Option<String>,
    pub include_inactive: bool,
}

/// The personnel `subject` may read.
#[tracing::instrument(skip_all)]
pub async fn list(
    conn: &mut Conn,
    subject: &Subject,
    f: &PersonnelFilter,
    page: PageRequest,
) -> Result<Page<Personnel>> {
    let mut cond = filter(subject, Action::Read, &PERSONNEL_ACCESS);
    if let Some(p) = f.party_id {
        cond.push(" AND pn.owner_party_id = ").bind(p);
    }
    if let Some(s) = f.site_id {
        cond.push(" AND pn.site_id = ").bind(s);
    }
    if let Some(func) = f.function {
        cond.push(" AND pn.id IN (SELECT pf.personnel_id FROM personnel_functions pf WHERE pf.function = ")
            .bind(func.as_str())
            .push(")");
    }
    if let Some(q) = &f.search {
        all_words_like(&mut cond, q, &["pn.full_name", "pn.employee_number"]);
    }
    if !f.include_inactive {
        cond.push(" AND pn.active = 1");
    }
    fetch_page(conn, "personnel pn", SELECT, &cond, ORDER, page).await
}

/// The ids of an employer's personnel.
#[tracing::instrument(skip_all)]
pub async fn ids_of_party(conn: &mut Conn, party_id: i64) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM personnel WHERE owner_party_id = $1 ORDER BY id")
            .bind(party_id)
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// The parties that employ personnel of the register.
#[tracing::instrument(skip_all)]
pub async fn employers(conn: &mut Conn) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT DISTINCT owner_party_id FROM personnel ORDER BY owner_party_id")
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// A person a survey may invite.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Member {
    pub id: i64,
    pub full_name: String,
    pub employee_number: String,
    pub site_name: Option<String>,
    pub person_id: Option<i64>,
}

/// The active personnel of an employer, of a site and holding a function when given: a
/// survey's target population.
#[tracing::instrument(skip_all)]
pub async fn population(
    conn: &mut Conn,
    party_id: i64,
    site_id: Option<i64>,
    function: Option<Function>,
) -> Result<Vec<Member>> {
    let mut sql = crate::sql::Sql::new(
        "SELECT pn.id, pn.full_name, pn.employee_number, si.name AS site_name, pn.person_id
         FROM personnel pn LEFT JOIN sites si ON si.id = pn.site_id
         WHERE pn.active = 1 AND pn.owner_party_id = ",
    );
    sql.bind(party_id);
    if let Some(s) = site_id {
        sql.push(" AND pn.site_id = ").bind(s);
    }
    if let Some(f) = function {
        sql.push(" AND pn.id IN (SELECT pf.personnel_id FROM personnel_functions pf WHERE pf.function = ")
            .bind(f.as_str())
            .push(")");
    }
    sql.push(" ORDER BY pn.full_name, pn.id");
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}

#[derive(sqlx::FromRow)]
struct HeldBy {
    personnel_id: i64,
    #[sqlx(flatten)]
    held: HeldFunction,
}

/// The functions of several people in one query (a page of the register), by person.
#[tracing::instrument(skip_all)]
pub async fn functions_of(
    conn: &mut Conn,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<HeldFunction>>> {
    let mut out: std::collections::HashMap<i64, Vec<HeldFunction>> = Default::default();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut sql = crate::sql::Sql::new(
        "SELECT personnel_id, function, since, last_exercised_on FROM personnel_functions
         WHERE personnel_id IN ",
    );
    sql.bind_list(ids).push(" ORDER BY personnel_id, function");
    let rows: Vec<HeldBy> = sql.query_as().fetch_all(&mut *conn).await?;
    for r in rows {
        out.entry(r.personnel_id).or_default().push(r.held);
    }
    Ok(out)
}
