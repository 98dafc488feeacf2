//! The dates the training-and-vetting gate reads for each person with an account: written
//! with their standings, read with their clearance (`people::subject`).

use crate::decode::{Flag, OptionalDay};
use crate::{now_ms, Conn, Result};
use sems_domain::training::assess::GateDates;
use sems_domain::util::format_date;

/// The gate of a person as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredGate {
    pub from_classification: i64,
    #[sqlx(try_from = "Flag")]
    pub check_required: bool,
    #[sqlx(try_from = "OptionalDay")]
    pub awareness_until: Option<time::Date>,
    #[sqlx(try_from = "OptionalDay")]
    pub check_until: Option<time::Date>,
}

impl StoredGate {
    pub fn dates(&self) -> GateDates {
        GateDates {
            awareness_until: self.awareness_until,
            check_until: self.check_until,
        }
    }
}

#[tracing::instrument(skip_all)]
pub async fn write(
    conn: &mut Conn,
    person_id: i64,
    from_classification: i64,
    check_required: bool,
    dates: &GateDates,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO access_gates (person_id, from_classification, check_required,
             awareness_until, check_until, computed_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (person_id) DO UPDATE SET from_classification = excluded.from_classification,
             check_required = excluded.check_required, awareness_until = excluded.awareness_until,
             check_until = excluded.check_until, computed_at_ms = excluded.computed_at_ms",
    )
    .bind(person_id)
    .bind(from_classification)
    .bind(i64::from(check_required))
    .bind(dates.awareness_until.map(format_date))
    .bind(dates.check_until.map(format_date))
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The person's gate, when their account is linked to the personnel register.
#[tracing::instrument(skip_all)]
pub async fn of_person(conn: &mut Conn, person_id: i64) -> Result<Option<StoredGate>> {
    Ok(sqlx::query_as(
        "SELECT from_classification, check_required, awareness_until, check_until
         FROM access_gates WHERE person_id = $1",
    )
    .bind(person_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Forgets the gate of an account no longer linked to any personnel record.
#[tracing::instrument(skip_all)]
pub async fn remove(conn: &mut Conn, person_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM access_gates WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
