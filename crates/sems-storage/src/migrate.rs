//! Migrations: one SQL script per engine and version, with the same meaning on both.
//! Applied in order at start, each in its own transaction, recorded in `sems_migrations`.

use crate::{now_ms, Engine, Result, Store, StoreError};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
    /// What the scripts cannot say in SQL both engines share (totals computed from the rows),
    /// run after the script in the same transaction.
    pub then: Option<Step>,
}

/// A migration's step in Rust.
pub type Step =
    for<'c> fn(
        &'c mut crate::Conn,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'c>>;

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "platform",
        sqlite: include_str!("../migrations/sqlite/0001_platform.sql"),
        postgres: include_str!("../migrations/postgres/0001_platform.sql"),
        then: None,
    },
    Migration {
        version: 2,
        name: "risk",
        sqlite: include_str!("../migrations/sqlite/0002_risk.sql"),
        postgres: include_str!("../migrations/postgres/0002_risk.sql"),
        then: None,
    },
    Migration {
        version: 3,
        name: "risk assessments",
        sqlite: include_str!("../migrations/sqlite/0003_risk_assessments.sql"),
        postgres: include_str!("../migrations/postgres/0003_risk_assessments.sql"),
        then: None,
    },
    Migration {
        version: 4,
        name: "risk acceptance",
        sqlite: include_str!("../migrations/sqlite/0004_risk_acceptance.sql"),
        postgres: include_str!("../migrations/postgres/0004_risk_acceptance.sql"),
        then: None,
    },
    Migration {
        version: 5,
        name: "risk measures, evidence and actions",
        sqlite: include_str!("../migrations/sqlite/0005_risk_measures.sql"),
        postgres: include_str!("../migrations/postgres/0005_risk_measures.sql"),
        then: None,
    },
    Migration {
        version: 6,
        name: "confidential reporting",
        sqlite: include_str!("../migrations/sqlite/0006_reports.sql"),
        postgres: include_str!("../migrations/postgres/0006_reports.sql"),
        then: None,
    },
    Migration {
        version: 7,
        name: "requirements",
        sqlite: include_str!("../migrations/sqlite/0007_requirements.sql"),
        postgres: include_str!("../migrations/postgres/0007_requirements.sql"),
        then: None,
    },
    Migration {
        version: 8,
        name: "oversight activities and findings",
        sqlite: include_str!("../migrations/sqlite/0008_oversight.sql"),
        postgres: include_str!("../migrations/postgres/0008_oversight.sql"),
        then: None,
    },
    Migration {
        version: 9,
        name: "activity reports",
        sqlite: include_str!("../migrations/sqlite/0009_activity_reports.sql"),
        postgres: include_str!("../migrations/postgres/0009_activity_reports.sql"),
        then: None,
    },
    Migration {
        version: 10,
        name: "activity results",
        sqlite: include_str!("../migrations/sqlite/0010_activity_results.sql"),
        postgres: include_str!("../migrations/postgres/0010_activity_results.sql"),
        then: None,
    },
    Migration {
        version: 11,
        name: "finding escalation",
        sqlite: include_str!("../migrations/sqlite/0011_finding_escalation.sql"),
        postgres: include_str!("../migrations/postgres/0011_finding_escalation.sql"),
        then: None,
    },
    Migration {
        version: 12,
        name: "checklist evidence",
        sqlite: include_str!("../migrations/sqlite/0012_item_evidence.sql"),
        postgres: include_str!("../migrations/postgres/0012_item_evidence.sql"),
        then: None,
    },
    Migration {
        version: 13,
        name: "contractors",
        sqlite: include_str!("../migrations/sqlite/0013_contractors.sql"),
        postgres: include_str!("../migrations/postgres/0013_contractors.sql"),
        then: None,
    },
    Migration {
        version: 14,
        name: "privacy of reporters and separated duties",
        sqlite: include_str!("../migrations/sqlite/0014_privacy.sql"),
        postgres: include_str!("../migrations/postgres/0014_privacy.sql"),
        then: None,
    },
    Migration {
        version: 15,
        name: "disclosure once",
        sqlite: include_str!("../migrations/sqlite/0015_disclosure_once.sql"),
        postgres: include_str!("../migrations/postgres/0015_disclosure_once.sql"),
        then: None,
    },
    Migration {
        version: 16,
        name: "audit entries carry the marking of their record",
        sqlite: include_str!("../migrations/sqlite/0016_audit_markings.sql"),
        postgres: include_str!("../migrations/postgres/0016_audit_markings.sql"),
        then: None,
    },
    Migration {
        version: 17,
        name: "grants confirmed by a second person",
        sqlite: include_str!("../migrations/sqlite/0017_pending_grants.sql"),
        postgres: include_str!("../migrations/postgres/0017_pending_grants.sql"),
        then: None,
    },
    Migration {
        version: 18,
        name: "a second handler confirms kept identifiers",
        sqlite: include_str!("../migrations/sqlite/0018_forward_second_handler.sql"),
        postgres: include_str!("../migrations/postgres/0018_forward_second_handler.sql"),
        then: None,
    },
    Migration {
        version: 19,
        name: "one corrective-action register",
        sqlite: include_str!("../migrations/sqlite/0019_action_register.sql"),
        postgres: include_str!("../migrations/postgres/0019_action_register.sql"),
        then: None,
    },
    Migration {
        version: 20,
        name: "indexes in the order of the report lists",
        sqlite: include_str!("../migrations/sqlite/0020_list_orders.sql"),
        postgres: include_str!("../migrations/postgres/0020_list_orders.sql"),
        then: None,
    },
    Migration {
        version: 21,
        name: "indexes of the ways a reader reaches records by name",
        sqlite: include_str!("../migrations/sqlite/0021_reader_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0021_reader_indexes.sql"),
        then: None,
    },
    Migration {
        version: 22,
        name: "indexes in the order of the risk and action registers",
        sqlite: include_str!("../migrations/sqlite/0022_register_orders.sql"),
        postgres: include_str!("../migrations/postgres/0022_register_orders.sql"),
        then: None,
    },
    Migration {
        version: 23,
        name: "who performed an oversight activity",
        sqlite: include_str!("../migrations/sqlite/0023_activity_performer.sql"),
        postgres: include_str!("../migrations/postgres/0023_activity_performer.sql"),
        then: None,
    },
    Migration {
        version: 24,
        name: "catalogues, their scales and the oversight method",
        sqlite: include_str!("../migrations/sqlite/0024_catalogues_and_method.sql"),
        postgres: include_str!("../migrations/postgres/0024_catalogues_and_method.sql"),
        then: None,
    },
    Migration {
        version: 25,
        name: "an activity keeps the label of its kind",
        sqlite: include_str!("../migrations/sqlite/0025_activity_kind_label.sql"),
        postgres: include_str!("../migrations/postgres/0025_activity_kind_label.sql"),
        then: None,
    },
    Migration {
        version: 26,
        name: "indexes of what awaits a person",
        sqlite: include_str!("../migrations/sqlite/0026_agenda_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0026_agenda_indexes.sql"),
        then: None,
    },
    Migration {
        version: 27,
        name: "reporting rules as versioned data, and the occurrence lifecycle",
        sqlite: include_str!("../migrations/sqlite/0027_reporting_rules.sql"),
        postgres: include_str!("../migrations/postgres/0027_reporting_rules.sql"),
        then: None,
    },
    Migration {
        version: 28,
        name: "the nodes of a deployment, and sign-in failures counted per client",
        sqlite: include_str!("../migrations/sqlite/0028_nodes_and_client_throttle.sql"),
        postgres: include_str!("../migrations/postgres/0028_nodes_and_client_throttle.sql"),
        then: None,
    },
    Migration {
        version: 29,
        name: "authority-wide views: EI totals by the access rule's dimensions, open and late records by index",
        sqlite: include_str!("../migrations/sqlite/0029_authority_views.sql"),
        postgres: include_str!("../migrations/postgres/0029_authority_views.sql"),
        then: Some(|conn| Box::pin(crate::oversight::ei_totals::refresh(conn, None))),
    },
    Migration {
        version: 30,
        name: "security performance indicators and data series",
        sqlite: include_str!("../migrations/sqlite/0030_performance_indicators.sql"),
        postgres: include_str!("../migrations/postgres/0030_performance_indicators.sql"),
        then: None,
    },
    Migration {
        version: 31,
        name: "security performance: expected levels, targets, computed values and alerts",
        sqlite: include_str!("../migrations/sqlite/0031_performance_values_and_alerts.sql"),
        postgres: include_str!("../migrations/postgres/0031_performance_values_and_alerts.sql"),
        then: None,
    },
    Migration {
        version: 32,
        name: "training: the national programme's versions, personnel, training records and background checks",
        sqlite: include_str!("../migrations/sqlite/0032_training_and_personnel.sql"),
        postgres: include_str!("../migrations/postgres/0032_training_and_personnel.sql"),
        then: None,
    },
    Migration {
        version: 33,
        name: "training: standings computed ahead, compliance counts, the access gate's dates, organisations' additions",
        sqlite: include_str!("../migrations/sqlite/0033_training_standings.sql"),
        postgres: include_str!("../migrations/postgres/0033_training_standings.sql"),
        then: None,
    },
    Migration {
        version: 34,
        name: "culture surveys: question banks, surveys, single-use invitations, untraceable answers",
        sqlite: include_str!("../migrations/sqlite/0034_culture_surveys.sql"),
        postgres: include_str!("../migrations/postgres/0034_culture_surveys.sql"),
        then: None,
    },
    Migration {
        version: 35,
        name: "sharing: shared items, directive recipients, distribution lists, the access log",
        sqlite: include_str!("../migrations/sqlite/0035_shared_items.sql"),
        postgres: include_str!("../migrations/postgres/0035_shared_items.sql"),
        then: None,
    },
    Migration {
        version: 36,
        name: "sharing completed: grants with reason and expiry, a group's highest marking, reads, threat proposals, lessons' sources, disclosures",
        sqlite: include_str!("../migrations/sqlite/0036_sharing_completed.sql"),
        postgres: include_str!("../migrations/postgres/0036_sharing_completed.sql"),
        then: None,
    },
];

/// The newest schema version this binary knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

/// Applies the migrations not yet applied; returns how many were applied.
pub async fn run(store: &Store) -> Result<usize> {
    let mut conn = store.read().await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS sems_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at_ms BIGINT NOT NULL
        )",
    )
    .execute(&mut *conn)
    .await?;
    drop(conn);
    let current = current_version(store).await?;
    if current > latest_version() {
        return Err(StoreError::SchemaTooNew {
            found: current,
            known: latest_version(),
        });
    }
    if current < latest_version() {
        // Migrating under a running node of the older version would change its tables
        // beneath it.
        let mut conn = store.read().await?;
        crate::nodes::refuse_other_versions(&mut conn, latest_version(), now_ms()).await?;
    }
    let mut applied = 0;
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        let script = match store.engine() {
            Engine::Sqlite => m.sqlite,
            Engine::Postgres => m.postgres,
        };
        let mut tx = store.write().await?;
        let fail = |source| StoreError::Migration {
            version: m.version,
            name: m.name,
            source,
        };
        sqlx::raw_sql(script)
            .execute(tx.conn())
            .await
            .map_err(fail)?;
        if let Some(step) = m.then {
            step(tx.conn()).await?;
        }
        sqlx::query(
            "INSERT INTO sems_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(now_ms())
        .execute(tx.conn())
        .await
        .map_err(fail)?;
        tx.commit().await?;
        applied += 1;
        tracing::info!(version = m.version, name = m.name, "applied migration");
    }
    Ok(applied)
}

pub async fn current_version(store: &Store) -> Result<i64> {
    let mut conn = store.read().await?;
    Ok(
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) AS v FROM sems_migrations")
            .fetch_one(&mut *conn)
            .await?,
    )
}
