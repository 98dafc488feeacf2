//! Mitigation actions on a risk assessment: actions of the one register (`crate::actions`)
//! linked to the assessment with their expected effect on one score.

use crate::actions as register;
use crate::decode::Day;
use crate::{Conn, Result};
use sems_domain::measure::{ActionStatus, Effect};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MitigationAction {
    pub id: i64,
    pub assessment_id: i64,
    #[sqlx(rename = "owner_party_id")]
    pub party_id: i64,
    pub title: String,
    pub responsible_person_id: Option<i64>,
    pub responsible_name: Option<String>,
    #[sqlx(try_from = "Day")]
    pub due_on: time::Date,
    #[sqlx(try_from = "String")]
    pub status: ActionStatus,
    pub cost_one_off: i64,
    pub cost_annual: i64,
    #[sqlx(try_from = "String")]
    pub effect_on: Effect,
    pub expected_reduction: i64,
    pub updated_at_ms: i64,
}

pub struct ActionValues<'a> {
    pub title: &'a str,
    pub responsible_person_id: Option<i64>,
    pub due_on: time::Date,
    pub status: ActionStatus,
    pub cost_one_off: i64,
    pub cost_annual: i64,
    pub effect_on: Effect,
    pub expected_reduction: i64,
}

const ACTION_SELECT: &str = "SELECT ac.id, aa.assessment_id, ac.owner_party_id, ac.title, ac.responsible_person_id,
        pe.display_name AS responsible_name, ac.due_on, ac.status, ac.cost_one_off, ac.cost_annual, aa.effect_on,
        aa.expected_reduction, ac.updated_at_ms
     FROM actions ac JOIN action_assessments aa ON aa.action_id = ac.id
     LEFT JOIN people pe ON pe.id = ac.responsible_person_id";

impl<'a> ActionValues<'a> {
    fn register(&self) -> register::ActionValues<'a> {
        register::ActionValues {
            title: self.title,
            responsible_person_id: self.responsible_person_id,
            due_on: self.due_on,
            status: self.status,
            cost_one_off: self.cost_one_off,
            cost_annual: self.cost_annual,
        }
    }
}

/// Opens a mitigation action of an assessment in the register, linked to the assessment with
/// its expected effect.
#[tracing::instrument(skip_all)]
pub async fn insert_action(
    conn: &mut Conn,
    assessment: &register::Source,
    v: &ActionValues<'_>,
    by: Option<i64>,
) -> Result<i64> {
    let id = register::insert(conn, assessment, &v.register(), by).await?;
    sqlx::query(
        "INSERT INTO action_assessments (action_id, assessment_id, effect_on, expected_reduction)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(assessment.id)
    .bind(v.effect_on.as_str())
    .bind(v.expected_reduction)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

#[tracing::instrument(skip_all)]
pub async fn update_action(
    conn: &mut Conn,
    id: i64,
    v: &ActionValues<'_>,
    by: Option<i64>,
) -> Result<()> {
    register::update(conn, id, &v.register(), by).await?;
    sqlx::query(
        "UPDATE action_assessments SET effect_on = $1, expected_reduction = $2 WHERE action_id = $3",
    )
    .bind(v.effect_on.as_str())
    .bind(v.expected_reduction)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn action(conn: &mut Conn, id: i64) -> Result<Option<MitigationAction>> {
    Ok(sqlx::query_as(&format!("{ACTION_SELECT} WHERE ac.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// The actions affecting an assessment, by due date.
#[tracing::instrument(skip_all)]
pub async fn actions(conn: &mut Conn, assessment_id: i64) -> Result<Vec<MitigationAction>> {
    Ok(sqlx::query_as(&format!(
        "{ACTION_SELECT} WHERE aa.assessment_id = $1 ORDER BY ac.due_on, ac.id"
    ))
    .bind(assessment_id)
    .fetch_all(&mut *conn)
    .await?)
}
