//! The nodes of a deployment: each running `sems serve` registers itself with the schema
//! version it runs and keeps a heartbeat. Other nodes read it to share the public rate limits,
//! an upgrade refuses to migrate under a node of the older version, and a restore refuses to
//! replace the database of a running deployment.

use crate::{now_ms, Conn, Result, Store, StoreError};
use std::path::Path;

/// A node is alive while its heartbeat is younger than this; a node killed without stopping
/// counts as alive until then.
pub const ALIVE_MS: i64 = 45_000;
/// How often a running node beats.
pub const HEARTBEAT_SECONDS: u64 = 15;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Node {
    pub node_id: String,
    pub host: String,
    pub pid: i64,
    pub schema_version: i64,
    pub started_at_ms: i64,
    pub heartbeat_ms: i64,
}

impl Node {
    /// "node 3f2a… on host db-1 (process 4242), seen 12 s ago"
    pub fn describe(&self, now: i64) -> String {
        format!(
            "node {} on {} (process {}), seen {} s ago",
            self.node_id,
            self.host,
            self.pid,
            (now - self.heartbeat_ms).max(0) / 1000
        )
    }

    /// A node of this host whose process is gone (killed without stopping): known dead at
    /// once rather than after `ALIVE_MS`.
    fn known_dead(&self) -> bool {
        self.host == host_name()
            && self.pid != i64::from(std::process::id())
            && Path::new("/proc/self").exists()
            && !Path::new(&format!("/proc/{}", self.pid)).exists()
    }
}

/// This machine's name, as nodes are registered with.
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown host".into())
}

/// The nodes alive at `now`, oldest first. Empty before the nodes' table exists.
pub async fn alive(conn: &mut Conn, now: i64) -> Result<Vec<Node>> {
    if !has_nodes_table(conn).await? {
        return Ok(Vec::new());
    }
    let nodes: Vec<Node> = sqlx::query_as(
        "SELECT node_id, host, pid, schema_version, started_at_ms, heartbeat_ms FROM sems_nodes
         WHERE heartbeat_ms > $1 ORDER BY started_at_ms, node_id",
    )
    .bind(now - ALIVE_MS)
    .fetch_all(&mut *conn)
    .await?;
    Ok(nodes.into_iter().filter(|n| !n.known_dead()).collect())
}

async fn has_nodes_table(conn: &mut Conn) -> Result<bool> {
    // A database restored into may be empty, or older than the nodes' table.
    let sql = if conn.backend_name() == "PostgreSQL" {
        "SELECT COUNT(*) FROM information_schema.tables
         WHERE table_name = 'sems_nodes' AND table_schema = current_schema()"
    } else {
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'sems_nodes'"
    };
    let found: i64 = sqlx::query_scalar(sql).fetch_one(&mut *conn).await?;
    Ok(found > 0)
}

/// Refuses when any node is alive: for work that must not run under a running deployment
/// (a restore).
pub async fn refuse_if_running(store: &Store) -> Result<()> {
    let mut conn = store.read().await?;
    let now = now_ms();
    if let Some(n) = alive(&mut conn, now).await?.first() {
        return Err(StoreError::NodeRunning(n.describe(now)));
    }
    Ok(())
}

/// Refuses when a node alive at `now` runs a schema version other than `version`.
pub async fn refuse_other_versions(conn: &mut Conn, version: i64, now: i64) -> Result<()> {
    if let Some(n) = alive(conn, now)
        .await?
        .into_iter()
        .find(|n| n.schema_version != version)
    {
        return Err(StoreError::NodeOfAnotherVersion {
            node: n.describe(now),
            theirs: n.schema_version,
            ours: version,
        });
    }
    Ok(())
}

/// Registers this node (with `host_name` and its process id), after refusing when a live
/// node runs another schema version.
pub async fn join(store: &Store, node_id: &str, host: &str, pid: i64) -> Result<()> {
    let version = crate::migrate::latest_version();
    let now = now_ms();
    let mut tx = store.write().await?;
    refuse_other_versions(tx.conn(), version, now).await?;
    // Nodes gone for a day are forgotten, so the table stays the size of the deployment.
    sqlx::query("DELETE FROM sems_nodes WHERE heartbeat_ms < $1")
        .bind(now - 86_400_000)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO sems_nodes (node_id, host, pid, schema_version, started_at_ms, heartbeat_ms)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(node_id)
    .bind(host)
    .bind(pid)
    .bind(version)
    .bind(now)
    .execute(tx.conn())
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Keeps this node alive; returns how many nodes are alive now (at least 1).
pub async fn beat(store: &Store, node_id: &str) -> Result<usize> {
    let now = now_ms();
    let mut tx = store.write().await?;
    sqlx::query("UPDATE sems_nodes SET heartbeat_ms = $1 WHERE node_id = $2")
        .bind(now)
        .bind(node_id)
        .execute(tx.conn())
        .await?;
    tx.commit().await?;
    let mut conn = store.read().await?;
    Ok(alive(&mut conn, now).await?.len().max(1))
}

/// Removes this node (at a graceful stop).
pub async fn leave(store: &Store, node_id: &str) -> Result<()> {
    let mut tx = store.write().await?;
    sqlx::query("DELETE FROM sems_nodes WHERE node_id = $1")
        .bind(node_id)
        .execute(tx.conn())
        .await?;
    tx.commit().await?;
    Ok(())
}
