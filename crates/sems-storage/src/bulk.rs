//! Multi-row inserts for bulk loads (the synthetic data generator, imports).

use crate::sql::{Arg, Sql};
use crate::{Conn, Engine, Result, Store};

/// Rows per statement: well below PostgreSQL's 65535 bound parameters for wide rows.
pub const BATCH: usize = 500;

/// Rows of one multi-row `INSERT … VALUES`.
struct Bulk {
    head: &'static str,
    sql: Sql,
    rows: usize,
    written: u64,
}

impl Bulk {
    fn new(head: &'static str) -> Self {
        Self {
            head,
            sql: Sql::new(head),
            rows: 0,
            written: 0,
        }
    }

    fn push(&mut self, values: Vec<Arg>) {
        self.sql.push(if self.rows == 0 { " (" } else { ", (" });
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.sql.push(", ");
            }
            self.sql.bind(v);
        }
        self.sql.push(")");
        self.rows += 1;
    }

    async fn flush(&mut self, conn: &mut Conn) -> Result<()> {
        if self.rows > 0 {
            self.sql
                .query()
                .execute(&mut *conn)
                .await
                .map_err(|source| crate::StoreError::Bulk {
                    statement: self.head,
                    source,
                })?;
            self.written += self.rows as u64;
        }
        self.sql = Sql::new(self.head);
        self.rows = 0;
        Ok(())
    }
}

/// Multi-row inserts into several tables that reference each other. Tables are given parents
/// first; when any table has [`BATCH`] rows waiting, all are written in that order, so a row
/// never reaches the database before the rows it references.
pub struct BulkSet {
    tables: Vec<Bulk>,
}

impl BulkSet {
    /// `heads`: each statement up to and including `VALUES`, parents first.
    pub fn new(heads: &[&'static str]) -> Self {
        Self {
            tables: heads.iter().map(|h| Bulk::new(h)).collect(),
        }
    }

    /// Adds a row to table `table` (an index into `heads`).
    #[tracing::instrument(skip_all)]
    pub async fn row(&mut self, conn: &mut Conn, table: usize, values: Vec<Arg>) -> Result<()> {
        self.tables[table].push(values);
        if self.tables[table].rows >= BATCH {
            self.flush(conn).await?;
        }
        Ok(())
    }

    /// Writes every waiting row, parents first.
    #[tracing::instrument(skip_all)]
    pub async fn flush(&mut self, conn: &mut Conn) -> Result<()> {
        for t in &mut self.tables {
            t.flush(conn).await?;
        }
        Ok(())
    }

    /// Rows written so far into table `table`.
    pub fn written(&self, table: usize) -> u64 {
        self.tables[table].written
    }
}

/// The next free id of a table whose ids a bulk load assigns itself.
#[tracing::instrument(skip_all)]
pub async fn next_id(conn: &mut Conn, table: &'static str) -> Result<i64> {
    let max: i64 = sqlx::query_scalar(&format!("SELECT COALESCE(MAX(id), 0) AS m FROM {table}"))
        .fetch_one(&mut *conn)
        .await?;
    Ok(max + 1)
}

/// After ids were given explicitly, moves PostgreSQL's identity sequences past them (SQLite
/// needs nothing: it continues after the largest rowid).
#[tracing::instrument(skip_all)]
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

/// After a bulk load, refreshes the planner's statistics so the first queries do not run on
/// plans made for empty tables (PostgreSQL's autovacuum would get there, minutes later).
///
/// On SQLite, a one-column index whose every row holds one value loses its statistics again
/// ([`one_value_everywhere`]): SQLite reads them as "any value matches every row" and scans
/// the whole index instead of seeking (the findings by raiser, where the authority raised nearly every finding: one
/// organisation's findings took 35 ms on 422k findings instead of 1.3 ms). Without them it
/// assumes a seek finds few rows, which is true of every other value. PostgreSQL keeps its
/// statistics: it knows the common values and seeks for the rare ones.
#[tracing::instrument(skip_all)]
pub async fn analyze(store: &Store) -> Result<()> {
    if store.engine() != Engine::Sqlite {
        let mut conn = store.read().await?;
        sqlx::query("ANALYZE").execute(&mut *conn).await?;
        return Ok(());
    }
    // In one transaction, so that other connections reload the statistics once, as left.
    let mut tx = store.write().await?;
    sqlx::query("ANALYZE").execute(tx.conn()).await?;
    let stats: Vec<(String, String)> =
        sqlx::query_as("SELECT idx, stat FROM sqlite_stat1 WHERE idx IS NOT NULL")
            .fetch_all(tx.conn())
            .await?;
    // Samples exist where SQLite is built with them (the bundled one is).
    let samples: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sqlite_stat4'")
            .fetch_one(tx.conn())
            .await?;
    for (index, stat) in stats {
        if one_value_everywhere(&stat) {
            sqlx::query("DELETE FROM sqlite_stat1 WHERE idx = $1")
                .bind(&index)
                .execute(tx.conn())
                .await?;
            if samples > 0 {
                sqlx::query("DELETE FROM sqlite_stat4 WHERE idx = $1")
                    .bind(&index)
                    .execute(tx.conn())
                    .await?;
            }
        }
    }
    // The connection that analysed reads the statistics as left, too.
    sqlx::query("ANALYZE sqlite_schema")
        .execute(tx.conn())
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether an `sqlite_stat1` line (`rows rows-per-value`) says a one-column index holds one
/// value in every row of a table of some size. An index of more columns keeps its statistics:
/// they still tell the planner how selective its later columns are (the actions by source
/// kind and id, where nearly every action comes from a risk assessment; without them SQLite
/// took that index for one organisation's actions and read all of them, 270 ms).
fn one_value_everywhere(stat: &str) -> bool {
    let numbers: Vec<i64> = stat
        .split_whitespace()
        .map_while(|n| n.parse::<i64>().ok())
        .collect();
    matches!(numbers[..], [rows, per_value] if rows >= 1_000 && per_value >= rows)
}

/// How many rows a table holds (a bulk load tops a table up to a size).
#[tracing::instrument(skip_all)]
pub async fn row_count(conn: &mut Conn, table: &'static str) -> Result<i64> {
    Ok(
        sqlx::query_scalar(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .fetch_one(&mut *conn)
            .await?,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_index_of_one_value_is_recognised_by_its_statistics() {
        assert!(super::one_value_everywhere("422146 422146"));
        assert!(!super::one_value_everywhere("422146 433"));
        // An index of more columns keeps its statistics, one value in its first or not.
        assert!(!super::one_value_everywhere("930028 930028 1"));
        assert!(!super::one_value_everywhere("422146 433 78 3"));
        // Small tables are left alone, and so is what is not a statistics line.
        assert!(!super::one_value_everywhere("12 12"));
        assert!(super::one_value_everywhere("422146 422146 unordered"));
        assert!(!super::one_value_everywhere("sz=3"));
    }
}
