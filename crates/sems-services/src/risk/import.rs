//! CSV import of threat scenarios and security measures. Every row is checked first; a dry
//! run reports every bad row; an import stores nothing unless every row is good, and then
//! stores every row in one transaction.

use super::measures::{validate_measure, MeasureInput, ValidMeasure};
use super::{ScenarioInput, ValidScenario};
pub use crate::import::ImportReport;
use crate::import::{duplicate, file_error, report, RowError};
use crate::{authorize, Actor, Result, ServiceError, Services};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::csv;
use sems_storage::risk::measures as measure_store;
use sems_storage::{parties, risk, Conn};
use std::collections::HashSet;

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

impl Services {
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
    pub async fn import_scenarios(
        &self,
        actor: &Actor,
        party_id: i64,
        text: &str,
        dry_run: bool,
    ) -> Result<ImportReport> {
        let table = match csv::table(text, &SCENARIO_COLUMNS) {
            Ok(t) => t,
            Err(e) => return Ok(file_error(e)),
        };
        let mut tx = self.store.write().await?;
        let party =
            Self::import_party(tx.conn(), actor, party_id, RecordKind::ThreatScenario).await?;
        let mut valid: Vec<ValidScenario> = Vec::new();
        let mut errors = Vec::new();
        let mut seen = HashSet::new();
        for row in &table.rows {
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
            match self.validate_scenario(&input) {
                Ok(v) => {
                    duplicate(&mut seen, &v.code, row.line, &mut errors);
                    if risk::scenario_by_code(tx.conn(), party.id, &v.code)
                        .await?
                        .is_some()
                    {
                        errors.push(RowError {
                            line: row.line,
                            message: format!("a scenario with code {} exists", v.code),
                        });
                    }
                    valid.push(v);
                }
                Err(e) => errors.push(RowError {
                    line: row.line,
                    message: e.to_string(),
                }),
            }
        }
        let codes: Vec<String> = valid.iter().map(|v| v.code.clone()).collect();
        if dry_run || !errors.is_empty() {
            return Ok(report(dry_run, table.rows.len(), codes, errors));
        }
        for v in &valid {
            Self::insert_valid_scenario(tx.conn(), actor, &party, v).await?;
        }
        tx.commit().await?;
        Ok(report(false, table.rows.len(), codes, errors))
    }

    /// Imports measures for a party (baseline measures when it is the authority). The
    /// `scenarios` column lists scenario codes separated by `;`: the party's own or national.
    pub async fn import_measures(
        &self,
        actor: &Actor,
        party_id: i64,
        text: &str,
        dry_run: bool,
    ) -> Result<ImportReport> {
        let table = match csv::table(text, &MEASURE_COLUMNS) {
            Ok(t) => t,
            Err(e) => return Ok(file_error(e)),
        };
        let mut tx = self.store.write().await?;
        let party =
            Self::import_party(tx.conn(), actor, party_id, RecordKind::SecurityMeasure).await?;
        let authority = super::authority_id(tx.conn()).await?;
        let mut valid: Vec<ValidMeasure> = Vec::new();
        let mut errors = Vec::new();
        let mut seen = HashSet::new();
        for row in &table.rows {
            let mut scenario_ids = Vec::new();
            let mut row_ok = true;
            for code in row
                .get("scenarios")
                .split(';')
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                let code = code.to_uppercase();
                let own = risk::scenario_by_code(tx.conn(), party.id, &code).await?;
                let found = match own {
                    Some(s) => Some(s),
                    None => risk::scenario_by_code(tx.conn(), authority, &code).await?,
                };
                match found {
                    Some(s) => scenario_ids.push(s.id),
                    None => {
                        row_ok = false;
                        errors.push(RowError {
                            line: row.line,
                            message: format!("scenarios: no scenario with code {code}"),
                        });
                    }
                }
            }
            if !row_ok {
                continue;
            }
            let input = MeasureInput {
                code: row.get("code").to_string(),
                title: row.get("title").to_string(),
                description: row.get("description").to_string(),
                scenario_ids,
            };
            match validate_measure(&input) {
                Ok(v) => {
                    duplicate(&mut seen, &v.code, row.line, &mut errors);
                    if measure_store::measure_by_code(tx.conn(), party.id, &v.code)
                        .await?
                        .is_some()
                    {
                        errors.push(RowError {
                            line: row.line,
                            message: format!("a measure with code {} exists", v.code),
                        });
                    }
                    valid.push(v);
                }
                Err(e) => errors.push(RowError {
                    line: row.line,
                    message: e.to_string(),
                }),
            }
        }
        let codes: Vec<String> = valid.iter().map(|v| v.code.clone()).collect();
        if dry_run || !errors.is_empty() {
            return Ok(report(dry_run, table.rows.len(), codes, errors));
        }
        for v in &valid {
            self.insert_measure(tx.conn(), actor, &party, v).await?;
        }
        tx.commit().await?;
        Ok(report(false, table.rows.len(), codes, errors))
    }
}
