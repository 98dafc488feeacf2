//! The risk part of the synthetic data set: national scenarios up to the requested number,
//! and for every generated organisation an assessment of each with a history of changes,
//! baseline measures recorded, test results, mitigation actions and acceptances.

use super::RiskServices;
use crate::generate::{GenerateParams, Rng};
use crate::{Result, ServiceError};
use sems_domain::access::RecordKind;
use sems_domain::measure::DEFAULT_BASELINE;
use sems_domain::risk::{Consequence, Score, Tolerability};
use sems_domain::scenario::{ScenarioCategory, DEFAULT_LIBRARY};
use sems_domain::util::{add_months, date_of, format_date, today};
use sems_storage::bulk::{self, BulkSet};
use sems_storage::{now_ms, risk, Conn};

/// A generated organisation with the people who score and accept its risk.
pub(crate) struct GeneratedOrg {
    pub party_id: i64,
    pub executive: i64,
    pub security_manager: i64,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct RiskSummary {
    pub scenarios: u64,
    pub assessments: u64,
    pub history: u64,
    pub evidence: u64,
    pub actions: u64,
    pub acceptances: u64,
    pub implementations: u64,
}

fn score(rng: &mut Rng, low: u64, high: u64) -> i64 {
    (low + rng.below(high - low + 1)) as i64
}

impl RiskServices<'_> {
    #[tracing::instrument(skip_all)]
    pub(crate) async fn generate_risk(
        &self,
        conn: &mut Conn,
        p: &GenerateParams,
        authority: i64,
        orgs: &[GeneratedOrg],
    ) -> Result<RiskSummary> {
        let mut rng = Rng::new(p.seed ^ 0x5EC5_0000_0000_0001);
        let method = risk::current_method(conn)
            .await?
            .ok_or(ServiceError::NotFound("risk method"))?;
        let now = now_ms();
        let span_ms = i64::from(p.years) * 365 * 86_400_000;
        let mut scenario_ids: Vec<i64> = Vec::new();
        for s in DEFAULT_LIBRARY {
            if let Some(found) = risk::scenario_by_code(conn, authority, s.code).await? {
                scenario_ids.push(found.id);
            }
        }
        let mut baseline_ids: Vec<i64> = Vec::new();
        for m in DEFAULT_BASELINE {
            if let Some(found) = risk::measures::measure_by_code(conn, authority, m.code).await? {
                baseline_ids.push(found.id);
            }
        }
        const SCENARIOS: usize = 0;
        const ASSESSMENTS: usize = 1;
        const HISTORY: usize = 2;
        const EVIDENCE: usize = 3;
        const ACTIONS: usize = 4;
        const ACCEPTANCES: usize = 5;
        const IMPLEMENTATIONS: usize = 6;
        const ACTION_LINKS: usize = 7;
        let mut rows = BulkSet::new(&[
            "INSERT INTO threat_scenarios (id, owner_party_id, code, category, title, target, means, perpetrator, description, published, classification, need_to_know, active, created_at_ms, updated_at_ms) VALUES",
            "INSERT INTO risk_assessments (id, owner_party_id, site_id, scenario_id, method_version, likelihood, likelihood_rationale, consequence_human, consequence_economic, consequence_political, consequence_rationale, vulnerability, vulnerability_rationale, evidence, inherent_score, inherent_level, residual_score, residual_level, review_required, next_review_on, classification, need_to_know, created_by, created_at_ms, updated_by, updated_at_ms, likelihood_proposed, likelihood_override_reason, vulnerability_proposed, vulnerability_override_reason, review_reason) VALUES",
            "INSERT INTO risk_assessment_history (assessment_id, changed_by, changed_at_ms, reason, before_json, after_json) VALUES",
            "INSERT INTO risk_evidence (owner_party_id, scenario_id, kind, passed, occurred_on, summary, source, source_ref, classification, need_to_know, recorded_by, recorded_at_ms) VALUES",
            "INSERT INTO actions (id, owner_party_id, source_kind, source_id, title, responsible_person_id, due_on, status, cost_one_off, cost_annual, classification, need_to_know, created_by, created_at_ms, updated_by, updated_at_ms) VALUES",
            "INSERT INTO risk_acceptances (assessment_id, accepted_by, accepted_at_ms, expires_on, method_version, residual_score, residual_level, note) VALUES",
            "INSERT INTO measure_implementations (owner_party_id, measure_id, responsible_person_id, status, cost_one_off, cost_annual, note, exemption, exemption_reason, exemption_decision_note, classification, need_to_know, updated_by, updated_at_ms) VALUES",
            "INSERT INTO action_assessments (action_id, assessment_id, effect_on, expected_reduction) VALUES",
        ]);
        let mut action_id = bulk::next_id(conn, "actions").await?;
        // National scenarios beyond the shipped library, up to the number asked for.
        let mut scenario_id = bulk::next_id(conn, "threat_scenarios").await?;
        let wanted = p.scenarios as usize;
        let mut n = 0;
        while scenario_ids.len() < wanted {
            n += 1;
            let category = *rng.pick(&ScenarioCategory::ALL);
            let template = rng.pick(&DEFAULT_LIBRARY);
            rows.row(
                conn,
                SCENARIOS,
                vec![
                    scenario_id.into(),
                    authority.into(),
                    format!("G{}-S{n}", p.seed).into(),
                    category.as_str().into(),
                    format!("{} (variant {n})", template.title).into(),
                    template.target.into(),
                    template.means.into(),
                    template.perpetrator.as_str().into(),
                    template.description.into(),
                    1i64.into(),
                    0i64.into(),
                    0i64.into(),
                    1i64.into(),
                    now.into(),
                    now.into(),
                ],
            )
            .await?;
            scenario_ids.push(scenario_id);
            scenario_id += 1;
        }
        scenario_ids.truncate(wanted);
        let mut assessment_id = bulk::next_id(conn, "risk_assessments").await?;
        for org in orgs {
            for measure in &baseline_ids {
                let status = match rng.below(10) {
                    0 => "planned",
                    1 => "suspended",
                    _ => "implemented",
                };
                rows.row(
                    conn,
                    IMPLEMENTATIONS,
                    vec![
                        org.party_id.into(),
                        (*measure).into(),
                        org.security_manager.into(),
                        status.into(),
                        (rng.below(200) as i64 * 1000).into(),
                        (rng.below(100) as i64 * 1000).into(),
                        "".into(),
                        "none".into(),
                        "".into(),
                        "".into(),
                        0i64.into(),
                        0i64.into(),
                        org.security_manager.into(),
                        now.into(),
                    ],
                )
                .await?;
            }
            for scenario in &scenario_ids {
                let created = now - rng.below(span_ms as u64) as i64;
                let changes = 1 + rng.below(u64::from(p.years).max(1));
                let mut at = created;
                let mut before: Option<String> = None;
                let mut history = Vec::new();
                let mut last = None;
                for change in 0..changes {
                    let likelihood = score(&mut rng, 1, 5);
                    let c = Consequence {
                        human: Score::new("h", score(&mut rng, 2, 5))?,
                        economic: Score::new("e", score(&mut rng, 1, 5))?,
                        political: Score::new("p", score(&mut rng, 1, 5))?,
                    };
                    let vulnerability = score(&mut rng, 1, 5);
                    let l = Score::new("l", likelihood)?;
                    let v = Score::new("v", vulnerability)?;
                    let inherent = method.method.inherent(l, c);
                    let residual = method.method.residual(l, c, v);
                    let after = serde_json::json!({
                        "likelihood": likelihood, "consequence_human": c.human.get(),
                        "consequence_economic": c.economic.get(), "consequence_political": c.political.get(),
                        "vulnerability": vulnerability, "residual_score": residual.score,
                        "residual_level": residual.level.as_str(),
                    })
                    .to_string();
                    // Kept until the assessment row is queued: a flush must never write a
                    // change before the assessment it belongs to.
                    history.push(vec![
                        assessment_id.into(),
                        org.security_manager.into(),
                        at.into(),
                        if change == 0 {
                            "First assessment".into()
                        } else {
                            "Periodic review".into()
                        },
                        before.clone().into(),
                        after.clone().into(),
                    ]);
                    before = Some(after);
                    last = Some((likelihood, c, vulnerability, inherent, residual));
                    let step = (now - at) / (changes - change) as i64;
                    at += step.max(1) * (rng.below(2) as i64 + 1) / 2;
                }
                let Some((likelihood, c, vulnerability, inherent, residual)) = last else {
                    continue;
                };
                let months = method.method.review_months(residual.level);
                let next_review = if rng.below(8) == 0 {
                    date_of(now - 86_400_000 * rng.below(90) as i64)
                } else {
                    format_date(add_months(today(), rng.below(u64::from(months)) as u32 + 1))
                };
                rows.row(
                    conn,
                    ASSESSMENTS,
                    vec![
                        assessment_id.into(),
                        org.party_id.into(),
                        sems_storage::sql::Arg::NullInt,
                        (*scenario).into(),
                        method.version.into(),
                        likelihood.into(),
                        "Generated: national threat level and local intelligence".into(),
                        i64::from(c.human.get()).into(),
                        i64::from(c.economic.get()).into(),
                        i64::from(c.political.get()).into(),
                        "Generated: reasonable worst case".into(),
                        vulnerability.into(),
                        "Generated: measures in place and test results".into(),
                        "".into(),
                        i64::from(inherent.score).into(),
                        inherent.level.as_str().into(),
                        i64::from(residual.score).into(),
                        residual.level.as_str().into(),
                        i64::from(rng.below(20) == 0).into(),
                        next_review.into(),
                        0i64.into(),
                        0i64.into(),
                        org.security_manager.into(),
                        created.into(),
                        org.security_manager.into(),
                        at.min(now).into(),
                        sems_storage::sql::Arg::NullInt,
                        "".into(),
                        sems_storage::sql::Arg::NullInt,
                        "".into(),
                        "".into(),
                    ],
                )
                .await?;
                for change in history {
                    rows.row(conn, HISTORY, change).await?;
                }
                for _ in 0..rng.below(4) {
                    let when = now - rng.below(span_ms as u64) as i64;
                    rows.row(
                        conn,
                        EVIDENCE,
                        vec![
                            org.party_id.into(),
                            (*scenario).into(),
                            "test".into(),
                            i64::from(rng.below(5) != 0).into(),
                            date_of(when).into(),
                            "Generated security test".into(),
                            "generate".into(),
                            "".into(),
                            0i64.into(),
                            0i64.into(),
                            org.security_manager.into(),
                            when.into(),
                        ],
                    )
                    .await?;
                }
                if residual.score > 20 {
                    for k in 0..1 + rng.below(2) {
                        let due = now + (rng.below(360) as i64 - 60) * 86_400_000;
                        rows.row(
                            conn,
                            ACTIONS,
                            vec![
                                action_id.into(),
                                org.party_id.into(),
                                RecordKind::RiskAssessment.as_str().into(),
                                assessment_id.into(),
                                format!("Generated mitigation action {}", k + 1).into(),
                                org.security_manager.into(),
                                date_of(due).into(),
                                (*rng.pick(&["planned", "in_progress", "done"])).into(),
                                (rng.below(100) as i64 * 1000).into(),
                                (rng.below(50) as i64 * 1000).into(),
                                0i64.into(),
                                0i64.into(),
                                org.security_manager.into(),
                                now.into(),
                                org.security_manager.into(),
                                now.into(),
                            ],
                        )
                        .await?;
                        rows.row(
                            conn,
                            ACTION_LINKS,
                            vec![
                                action_id.into(),
                                assessment_id.into(),
                                (*rng.pick(&["likelihood", "vulnerability"])).into(),
                                (1 + rng.below(2) as i64).into(),
                            ],
                        )
                        .await?;
                        action_id += 1;
                    }
                }
                if residual.tolerability == Tolerability::TolerableWithReview && rng.below(2) == 0 {
                    rows.row(
                        conn,
                        ACCEPTANCES,
                        vec![
                            assessment_id.into(),
                            org.executive.into(),
                            now.into(),
                            format_date(add_months(today(), 12)).into(),
                            method.version.into(),
                            i64::from(residual.score).into(),
                            residual.level.as_str().into(),
                            "".into(),
                        ],
                    )
                    .await?;
                }
                assessment_id += 1;
            }
        }
        rows.flush(conn).await?;
        Ok(RiskSummary {
            scenarios: rows.written(SCENARIOS),
            assessments: rows.written(ASSESSMENTS),
            history: rows.written(HISTORY),
            evidence: rows.written(EVIDENCE),
            actions: rows.written(ACTIONS),
            acceptances: rows.written(ACCEPTANCES),
            implementations: rows.written(IMPLEMENTATIONS),
        })
    }
}
