//! CSV import of threat scenarios and security measures, through the one import pipeline
//! (`crate::import::run`).

use super::measures::{validate_measure, MeasureInput, ValidMeasure};
use super::RiskServices;
use super::{ScenarioInput, ValidScenario};
pub use crate::import::ImportReport;
use crate::import::{self, CsvImport};
use crate::{authorize, Actor, Result, ServiceError, Services};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::csv::CsvRow;
use sems_storage::risk::measures as measure_store;
use sems_storage::{parties, risk, Conn};

pub const SCENARIO_COLUMNS: [&str; 7] = [
    "code",
    "category",
    "title",
    "target",
    "means",
    "perpetrator",
    "description",
];
pub const MEASURE_COLUMNS: [&str; 4] = ["code", "title", "description", "scenarios"];

impl RiskServices<'_> {
    /// Loads the party and checks the actor may create `kind` records for it.
    async fn import_party(
        conn: &mut Conn,
        actor: &Actor,
        party_id: i64,
        kind: RecordKind,
    ) -> Result<parties::Party> {
        let party = parties::get(conn, party_id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        authorize(
            actor,
            Action::Create,
            &RecordMeta::plain(kind, party.id, party.kind.is_authority()),
            "party",
        )?;
        Ok(party)
    }

    /// Imports scenarios for a party (the national library when it is the authority).
    #[tracing::instrument(skip_all)]
    pub async fn import_scenarios(
        &self,
        actor: &Actor,
        party_id: i64,
        text: &str,
        dry_run: bool,
    ) -> Result<ImportReport> {
        let mut tx = self.store.write().await?;
        let party =
            Self::import_party(tx.conn(), actor, party_id, RecordKind::ThreatScenario).await?;
        let import = ScenarioImport {
            services: self,
            actor,
            party,
        };
        import::run(tx, text, dry_run, import).await
    }

    /// Imports measures for a party (baseline measures when it is the authority). The
    /// `scenarios` column lists scenario codes separated by `;`: the party's own or national.
    #[tracing::instrument(skip_all)]
    pub async fn import_measures(
        &self,
        actor: &Actor,
        party_id: i64,
        text: &str,
        dry_run: bool,
    ) -> Result<ImportReport> {
        let mut tx = self.store.write().await?;
        let party =
            Self::import_party(tx.conn(), actor, party_id, RecordKind::SecurityMeasure).await?;
        let authority = super::authority_id(tx.conn()).await?;
        let import = MeasureImport {
            services: self,
            actor,
            party,
            authority,
        };
        import::run(tx, text, dry_run, import).await
    }
}

/// Scenarios into a party's library.
struct ScenarioImport<'a> {
    services: &'a Services,
    actor: &'a Actor,
    party: parties::Party,
}

impl CsvImport for ScenarioImport<'_> {
    type Row = ValidScenario;
    const COLUMNS: &'static [&'static str] = &SCENARIO_COLUMNS;
    const NOUN: &'static str = "scenario";

    async fn check(
        &mut self,
        _: &mut Conn,
        row: &CsvRow,
    ) -> Result<std::result::Result<ValidScenario, Vec<String>>> {
        let input = ScenarioInput {
            code: row.get("code").to_string(),
            category: row.get("category").to_string(),
            title: row.get("title").to_string(),
            target: row.get("target").to_string(),
            means: row.get("means").to_string(),
            perpetrator: row.get("perpetrator").to_string(),
            description: row.get("description").to_string(),
            classification: Some(row.get("classification").to_string()),
        };
        Ok(self
            .services
            .risk()
            .validate_scenario(&input)
            .map_err(|e| vec![e.to_string()]))
    }

    fn code(row: &ValidScenario) -> String {
        row.code.clone()
    }

    async fn exists(&mut self, conn: &mut Conn, row: &ValidScenario) -> Result<bool> {
        Ok(risk::scenario_by_code(conn, self.party.id, &row.code)
            .await?
            .is_some())
    }

    async fn store(self, conn: &mut Conn, rows: Vec<ValidScenario>) -> Result<()> {
        for v in &rows {
            crate::risk::RiskServices::insert_valid_scenario(conn, self.actor, &self.party, v)
                .await?;
        }
        Ok(())
    }
}

/// Measures into a party's catalogue (the baseline for the authority).
struct MeasureImport<'a> {
    services: &'a Services,
    actor: &'a Actor,
    party: parties::Party,
    authority: i64,
}

impl CsvImport for MeasureImport<'_> {
    type Row = ValidMeasure;
    const COLUMNS: &'static [&'static str] = &MEASURE_COLUMNS;
    const NOUN: &'static str = "measure";

    async fn check(
        &mut self,
        conn: &mut Conn,
        row: &CsvRow,
    ) -> Result<std::result::Result<ValidMeasure, Vec<String>>> {
        let mut scenario_ids = Vec::new();
        let mut unknown = Vec::new();
        for code in row
            .get("scenarios")
            .split(';')
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let code = code.to_uppercase();
            let own = risk::scenario_by_code(conn, self.party.id, &code).await?;
            let found = match own {
                Some(s) => Some(s),
                None => risk::scenario_by_code(conn, self.authority, &code).await?,
            };
            match found {
                Some(s) => scenario_ids.push(s.id),
                None => unknown.push(format!("scenarios: no scenario with code {code}")),
            }
        }
        if !unknown.is_empty() {
            return Ok(Err(unknown));
        }
        let input = MeasureInput {
            code: row.get("code").to_string(),
            title: row.get("title").to_string(),
            description: row.get("description").to_string(),
            scenario_ids,
        };
        Ok(validate_measure(&input).map_err(|e| vec![e.to_string()]))
    }

    fn code(row: &ValidMeasure) -> String {
        row.code.clone()
    }

    async fn exists(&mut self, conn: &mut Conn, row: &ValidMeasure) -> Result<bool> {
        Ok(
            measure_store::measure_by_code(conn, self.party.id, &row.code)
                .await?
                .is_some(),
        )
    }

    async fn store(self, conn: &mut Conn, rows: Vec<ValidMeasure>) -> Result<()> {
        for v in &rows {
            self.services
                .risk()
                .insert_measure(conn, self.actor, &self.party, v)
                .await?;
        }
        Ok(())
    }
}
