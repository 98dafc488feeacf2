//! Objective data first: test results and occurrences on a scenario at an organisation, the
//! score proposals drawn from them and from the national threat level, and the "review
//! required" mark they put on the affected assessments.
//!
//! This is the interface the oversight and reporting modules feed: they call
//! [`Services::record_evidence`] with their own `source`, inside the rules of the access
//! rule and the audit trail like any other write.

use super::RiskServices;
use crate::About;
use crate::{authorize, record_change, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::measure::{
    propose_likelihood, propose_vulnerability, EvidenceKind, ObjectiveData, Proposal,
    OCCURRENCE_WINDOW_MONTHS, TEST_WINDOW_MONTHS,
};
use sems_domain::util::{bounded_text, format_date, parse_date, sub_months, today};
use sems_domain::ValidationError;
use sems_storage::risk::evidence::{self, Evidence, NewEvidence};
use sems_storage::risk::{self, ReviewScope};
use sems_storage::{parties, Conn};
use serde::{Deserialize, Serialize};

/// What the system proposes for an organisation's assessment of a scenario.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScoreProposals {
    /// The objective data the proposals are drawn from.
    pub data: ObjectiveData,
    /// The likelihood proposed from the national threat level, if any.
    pub likelihood: Option<Proposal>,
    /// The vulnerability proposed from test pass rates and occurrences, if any.
    pub vulnerability: Option<Proposal>,
}

/// A test result or an occurrence to record.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceInput {
    pub scenario_id: i64,
    /// `test` or `occurrence`.
    pub kind: String,
    /// For a test: whether it passed.
    #[serde(default)]
    pub passed: Option<bool>,
    /// The day of the test or occurrence (YYYY-MM-DD).
    #[schema(format = Date)]
    pub occurred_on: String,
    pub summary: String,
    /// A reference in the source (a test or report number).
    #[serde(default)]
    pub source_ref: String,
}

/// What recording a piece of evidence did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvidenceRecorded {
    pub evidence_id: i64,
    /// The assessments now marked "review required".
    pub marked_for_review: Vec<i64>,
}

/// A count as the scores use it.
fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The objective data of one scenario at one organisation, over the proposal windows.
pub(super) async fn objective_data(
    conn: &mut Conn,
    party_id: i64,
    scenario: &risk::ThreatScenario,
) -> Result<ObjectiveData> {
    let now = today();
    let counts = evidence::counts(
        conn,
        party_id,
        scenario.id,
        &format_date(sub_months(now, TEST_WINDOW_MONTHS)),
        &format_date(sub_months(now, OCCURRENCE_WINDOW_MONTHS)),
    )
    .await?;
    let threat_level = risk::threat_levels(conn)
        .await?
        .into_iter()
        .find(|l| l.category == scenario.category)
        .map(|l| l.level);
    Ok(ObjectiveData {
        threat_level,
        tests_passed: count(counts.passed),
        tests_failed: count(counts.failed),
        occurrences: count(counts.occurrences),
    })
}

pub(super) fn proposals_from(data: ObjectiveData) -> ScoreProposals {
    ScoreProposals {
        likelihood: propose_likelihood(&data),
        vulnerability: propose_vulnerability(&data),
        data,
    }
}

fn evidence_meta(party_id: i64) -> RecordMeta {
    RecordMeta::plain(RecordKind::RiskEvidence, party_id, false)
}

/// What the actor may do with an organisation's objective data (`create`: record a test
/// result or an occurrence), as `record_evidence` checks it.
pub fn evidence_allowed(actor: &Actor, party_id: i64) -> sems_domain::access::Allowed {
    crate::allowed(actor, &evidence_meta(party_id))
}

impl RiskServices<'_> {
    /// The scores the system proposes for an organisation's assessment of a scenario.
    #[tracing::instrument(skip_all)]
    pub async fn score_proposals(
        &self,
        actor: &Actor,
        party_id: i64,
        scenario_id: i64,
    ) -> Result<ScoreProposals> {
        let mut conn = self.store.read().await?;
        authorize(
            actor,
            Action::Read,
            &RecordMeta::plain(RecordKind::RiskAssessment, party_id, false),
            "party",
        )?;
        let scenario = risk::scenario(&mut conn, scenario_id)
            .await?
            .ok_or(ServiceError::NotFound("threat scenario"))?;
        Ok(proposals_from(
            objective_data(&mut conn, party_id, &scenario).await?,
        ))
    }

    /// Records a test result or an occurrence on a scenario at an organisation. A failed
    /// test or an occurrence marks that organisation's assessments of the scenario "review
    /// required". `source` names the module that recorded it ("manual" from the risk pages).
    #[tracing::instrument(skip_all)]
    pub async fn record_evidence(
        &self,
        actor: &Actor,
        party_id: i64,
        input: &EvidenceInput,
        source: &str,
    ) -> Result<EvidenceRecorded> {
        let kind = EvidenceKind::parse(&input.kind)?;
        let passed = match (kind, input.passed) {
            (EvidenceKind::Test, None) => {
                return Err(ValidationError::new("passed", "say whether the test passed").into())
            }
            (EvidenceKind::Test, p) => p,
            (EvidenceKind::Occurrence, _) => None,
        };
        let day = parse_date("occurred_on", &input.occurred_on)?;
        if day > today() {
            return Err(ValidationError::new("occurred_on", "cannot be in the future").into());
        }
        let summary = bounded_text("summary", &input.summary, 3, 2000)?;
        let source_ref = bounded_text("source_ref", &input.source_ref, 0, 200)?;
        let mut tx = self.store.write().await?;
        let party = parties::get(tx.conn(), party_id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        if party.kind.is_authority() {
            return Err(
                ValidationError::new("party_id", "evidence is about an organisation").into(),
            );
        }
        authorize(actor, Action::Create, &evidence_meta(party.id), "party")?;
        let scenario = risk::scenario(tx.conn(), input.scenario_id)
            .await?
            .filter(|s| s.published || s.party_id == party.id)
            .ok_or_else(|| {
                ValidationError::new("scenario_id", "no such scenario for this organisation")
            })?;
        let recorded = store_evidence(
            tx.conn(),
            actor,
            party.id,
            &scenario,
            &NewFact {
                kind,
                passed,
                occurred_on: day,
                summary: &summary,
                source,
                source_ref: &source_ref,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(recorded)
    }

    /// The newest evidence on a scenario at an organisation.
    #[tracing::instrument(skip_all)]
    pub async fn evidence(
        &self,
        actor: &Actor,
        party_id: i64,
        scenario_id: i64,
    ) -> Result<Vec<Evidence>> {
        let mut conn = self.store.read().await?;
        authorize(actor, Action::Read, &evidence_meta(party_id), "party")?;
        Ok(evidence::evidence(&mut conn, party_id, scenario_id, 100).await?)
    }
}

/// A test result or occurrence checked and ready to store.
pub(crate) struct NewFact<'a> {
    pub kind: EvidenceKind,
    pub passed: Option<bool>,
    pub occurred_on: time::Date,
    pub summary: &'a str,
    pub source: &'a str,
    pub source_ref: &'a str,
}

/// Stores a piece of evidence in the caller's transaction, with its audit entry, and marks
/// the organisation's assessments of the scenario for review when it is bad news. Other
/// modules (reporting, oversight) call this inside their own writes.
#[tracing::instrument(skip_all)]
pub(crate) async fn store_evidence(
    conn: &mut Conn,
    actor: &Actor,
    party_id: i64,
    scenario: &risk::ThreatScenario,
    fact: &NewFact<'_>,
) -> Result<EvidenceRecorded> {
    let NewFact {
        kind,
        passed,
        occurred_on,
        summary,
        source,
        source_ref,
    } = *fact;
    let id = evidence::insert_evidence(
        conn,
        &NewEvidence {
            party_id,
            scenario_id: scenario.id,
            kind,
            passed,
            occurred_on,
            summary,
            source,
            source_ref,
        },
        actor.person_id(),
    )
    .await?;
    let detail = serde_json::json!({
        "scenario": scenario.code, "kind": kind.as_str(), "passed": passed,
        "occurred_on": occurred_on, "summary": summary, "source": source, "source_ref": source_ref,
    });
    record_change(
        conn,
        actor,
        crate::Change {
            about: &About::plain(RecordKind::RiskEvidence, party_id, Some(id)),
            action: crate::risk::trail::RISK_EVIDENCE_CREATE,
            record_id: Some(id),
            before: NONE,
            after: Some(&detail),
        },
    )
    .await?;
    let marked = if passed == Some(true) {
        Vec::new()
    } else {
        let reason = match kind {
            EvidenceKind::Test => format!("Failed test on {occurred_on}: {summary}"),
            EvidenceKind::Occurrence => format!("Occurrence on {occurred_on}: {summary}"),
        };
        mark_for_review(
            conn,
            actor,
            party_id,
            &ReviewScope::PartyScenario {
                party_id,
                scenario_id: scenario.id,
            },
            &reason,
        )
        .await?
    };
    Ok(EvidenceRecorded {
        evidence_id: id,
        marked_for_review: marked,
    })
}

/// Marks the assessments in `scope` "review required" and records it in the audit trail.
#[tracing::instrument(skip_all)]
pub(crate) async fn mark_for_review(
    conn: &mut Conn,
    actor: &Actor,
    audit_party_id: i64,
    scope: &ReviewScope,
    reason: &str,
) -> Result<Vec<i64>> {
    let marked = risk::mark_review_required(conn, scope, reason).await?;
    if !marked.is_empty() {
        let detail = serde_json::json!({ "assessments": marked, "reason": reason });
        record_change(
            conn,
            actor,
            crate::Change {
                about: &About::plain(RecordKind::RiskAssessment, audit_party_id, None),
                action: crate::risk::trail::RISK_ASSESSMENT_REVIEW_REQUIRED,
                record_id: None,
                before: NONE,
                after: Some(&detail),
            },
        )
        .await?;
    }
    Ok(marked)
}
