//! Mitigation actions on a risk assessment: owner, due date, status, cost and the expected
//! effect on one score.

use crate::parties::decode_error;
use crate::{now_ms, Conn, Result};
use sems_domain::measure::{ActionStatus, Effect};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

#[derive(Debug, Clone, Serialize)]
pub struct MitigationAction {
    pub id: i64,
    pub assessment_id: i64,
    pub party_id: i64,
    pub title: String,
    pub responsible_person_id: Option<i64>,
    pub responsible_name: Option<String>,
    pub due_on: String,
    pub status: ActionStatus,
    pub cost_one_off: i64,
    pub cost_annual: i64,
    pub effect_on: Effect,
    pub expected_reduction: i64,
    pub updated_at_ms: i64,
}

pub struct ActionValues<'a> {
    pub title: &'a str,
    pub responsible_person_id: Option<i64>,
    pub due_on: &'a str,
    pub status: ActionStatus,
    pub cost_one_off: i64,
    pub cost_annual: i64,
    pub effect_on: Effect,
    pub expected_reduction: i64,
}

const ACTION_SELECT: &str = "SELECT ac.id, ac.assessment_id, ac.owner_party_id, ac.title, ac.responsible_person_id,
        pe.display_name AS responsible_name, ac.due_on, ac.status, ac.cost_one_off, ac.cost_annual, ac.effect_on,
        ac.expected_reduction, ac.updated_at_ms
     FROM risk_actions ac LEFT JOIN people pe ON pe.id = ac.responsible_person_id";

fn action_from_row(r: &AnyRow) -> Result<MitigationAction> {
    let status: String = r.try_get("status")?;
    let effect: String = r.try_get("effect_on")?;
    Ok(MitigationAction {
        id: r.try_get("id")?,
        assessment_id: r.try_get("assessment_id")?,
        party_id: r.try_get("owner_party_id")?,
        title: r.try_get("title")?,
        responsible_person_id: r.try_get("responsible_person_id")?,
        responsible_name: r.try_get("responsible_name")?,
        due_on: r.try_get("due_on")?,
        status: ActionStatus::parse(&status).map_err(|e| decode_error(e.to_string()))?,
        cost_one_off: r.try_get("cost_one_off")?,
        cost_annual: r.try_get("cost_annual")?,
        effect_on: Effect::parse(&effect).map_err(|e| decode_error(e.to_string()))?,
        expected_reduction: r.try_get("expected_reduction")?,
        updated_at_ms: r.try_get("updated_at_ms")?,
    })
}

pub async fn insert_action(
    conn: &mut Conn,
    assessment_id: i64,
    party_id: i64,
    v: &ActionValues<'_>,
    by: Option<i64>,
) -> Result<i64> {
    let now = now_ms();
    let row = sqlx::query(
        "INSERT INTO risk_actions (assessment_id, owner_party_id, title, responsible_person_id, due_on, status,
             cost_one_off, cost_annual, effect_on, expected_reduction, created_by, created_at_ms, updated_by,
             updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $12) RETURNING id",
    )
    .bind(assessment_id)
    .bind(party_id)
    .bind(v.title)
    .bind(v.responsible_person_id)
    .bind(v.due_on)
    .bind(v.status.as_str())
    .bind(v.cost_one_off)
    .bind(v.cost_annual)
    .bind(v.effect_on.as_str())
    .bind(v.expected_reduction)
    .bind(by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

pub async fn update_action(
    conn: &mut Conn,
    id: i64,
    v: &ActionValues<'_>,
    by: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "UPDATE risk_actions SET title = $1, responsible_person_id = $2, due_on = $3, status = $4,
             cost_one_off = $5, cost_annual = $6, effect_on = $7, expected_reduction = $8, updated_by = $9,
             updated_at_ms = $10
         WHERE id = $11",
    )
    .bind(v.title)
    .bind(v.responsible_person_id)
    .bind(v.due_on)
    .bind(v.status.as_str())
    .bind(v.cost_one_off)
    .bind(v.cost_annual)
    .bind(v.effect_on.as_str())
    .bind(v.expected_reduction)
    .bind(by)
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn action(conn: &mut Conn, id: i64) -> Result<Option<MitigationAction>> {
    let row = sqlx::query(&format!("{ACTION_SELECT} WHERE ac.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(action_from_row).transpose()
}

/// The actions of an assessment, by due date.
pub async fn actions(conn: &mut Conn, assessment_id: i64) -> Result<Vec<MitigationAction>> {
    let rows = sqlx::query(&format!(
        "{ACTION_SELECT} WHERE ac.assessment_id = $1 ORDER BY ac.due_on, ac.id"
    ))
    .bind(assessment_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(action_from_row).collect()
}

/// The open actions of a party that are past their due date, oldest first.
pub async fn overdue_actions(
    conn: &mut Conn,
    party_id: i64,
    today: &str,
    limit: i64,
) -> Result<Vec<MitigationAction>> {
    let open: Vec<&str> = ActionStatus::OPEN.iter().map(|s| s.as_str()).collect();
    let mut sql = crate::sql::Sql::new(&format!("{ACTION_SELECT} WHERE ac.owner_party_id = "));
    sql.bind(party_id)
        .push(" AND ac.status IN ")
        .bind_list(&open)
        .push(" AND ac.due_on < ")
        .bind(today)
        .push(" ORDER BY ac.due_on, ac.id LIMIT ")
        .bind(limit);
    let rows = sql.query().fetch_all(&mut *conn).await?;
    rows.iter().map(action_from_row).collect()
}
