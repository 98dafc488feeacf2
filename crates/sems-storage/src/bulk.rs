//! Multi-row inserts for bulk loads (the synthetic data generator, imports).

use crate::sql::{Arg, Sql};
use crate::{Conn, Engine, Result, Store};
use sqlx::Row;

/// Rows per statement: well below PostgreSQL's 65535 bound parameters for wide rows.
pub const BATCH: usize = 500;

/// Rows of one multi-row `INSERT … VALUES`, written every [`BATCH`] rows.
pub struct Bulk {
    head: &'static str,
    sql: Sql,
    rows: usize,
    written: u64,
}

impl Bulk {
    /// `head` is the statement up to and including `VALUES`.
    pub fn new(head: &'static str) -> Self {
        Self {
            head,
            sql: Sql::new(head),
            rows: 0,
            written: 0,
        }
    }

    pub async fn row(&mut self, conn: &mut Conn, values: Vec<Arg>) -> Result<()> {
        self.sql.push(if self.rows == 0 { " (" } else { ", (" });
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.sql.push(", ");
            }
            self.sql.bind(v);
        }
        self.sql.push(")");
        self.rows += 1;
        if self.rows >= BATCH {
            self.flush(conn).await?;
        }
        Ok(())
    }

    pub async fn flush(&mut self, conn: &mut Conn) -> Result<()> {
        if self.rows > 0 {
            self.sql.query().execute(&mut *conn).await?;
            self.written += self.rows as u64;
        }
        self.sql = Sql::new(self.head);
        self.rows = 0;
        Ok(())
    }

    /// Rows waiting to be written.
    pub fn pending(&self) -> usize {
        self.rows
    }

    /// Rows written so far.
    pub fn written(&self) -> u64 {
        self.written
    }
}

/// The next free id of a table whose ids a bulk load assigns itself.
pub async fn next_id(conn: &mut Conn, table: &'static str) -> Result<i64> {
    let row = sqlx::query(&format!("SELECT COALESCE(MAX(id), 0) AS m FROM {table}"))
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get::<i64, _>("m")? + 1)
}

/// After ids were given explicitly, moves PostgreSQL's identity sequences past them (SQLite
/// needs nothing: it continues after the largest rowid).
pub async fn reset_sequences(store: &Store, tables: &[&'static str]) -> Result<()> {
    if store.engine() != Engine::Postgres {
        return Ok(());
    }
    let mut conn = store.read().await?;
    for table in tables {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        ))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
