//! Risk assessments: scored under the current method version against the proposals from
//! objective data (a departure needs a reason), changed with a reason kept in the history,
//! re-assessed under a new version; heat maps; acceptance of residual risk by the
//! accountable executive.

use super::RiskServices;
use super::{evidence, scenario_meta, views};
use crate::About;
use crate::{authorize, record_change, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::page::{Page, PageRequest};
use sems_domain::util::bounded_text;
use sems_domain::{Checks, ValidationError};
use sems_storage::parties;
use sems_storage::risk::{self, MethodVersion};
use serde::Deserialize;

/// What an assessor submits: the three scores, each with its rationale, and evidence links.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInput {
    pub scenario_id: i64,
    #[serde(default)]
    pub site_id: Option<i64>,
    #[schema(minimum = 1, maximum = 5)]
    pub likelihood: i64,
    pub likelihood_rationale: String,
    #[schema(minimum = 1, maximum = 5)]
    pub consequence_human: i64,
    #[schema(minimum = 1, maximum = 5)]
    pub consequence_economic: i64,
    #[schema(minimum = 1, maximum = 5)]
    pub consequence_political: i64,
    pub consequence_rationale: String,
    #[schema(minimum = 1, maximum = 5)]
    pub vulnerability: i64,
    pub vulnerability_rationale: String,
    /// Required when the likelihood departs from the one proposed from objective data.
    #[serde(default)]
    pub likelihood_override_reason: String,
    /// Required when the vulnerability departs from the one proposed from objective data.
    #[serde(default)]
    pub vulnerability_override_reason: String,
    /// Links to the evidence behind the scores (at most 20).
    #[serde(default)]
    pub evidence: Vec<String>,
    /// A level name of the classification scheme (default: the lowest).
    #[serde(default)]
    pub classification: Option<String>,
    /// Why the assessment changes (required for a change, not for the first assessment).
    #[serde(default)]
    pub reason: String,
    /// Re-assess an assessment made under an earlier method version under the current one.
    #[serde(default)]
    pub reassess: bool,
}

pub(crate) fn assessment_meta(a: &risk::Assessment) -> RecordMeta {
    let mut m = RecordMeta::plain(RecordKind::RiskAssessment, a.party_id, false);
    m.classification = a.classification;
    m.need_to_know = a.need_to_know;
    m
}

/// Tells the organisation's accountable executive when an assessment's residual risk needs
/// their acceptance (tolerable with review under the method, no acceptance of this score in
/// force), linking to it.
async fn tell_who_accepts(
    conn: &mut sems_storage::Conn,
    method: &MethodVersion,
    a: &risk::Assessment,
) -> Result<()> {
    let needs = method
        .method
        .levels_needing_acceptance()
        .iter()
        .any(|l| l.as_str() == a.residual_level);
    let in_force = a
        .accepted_until
        .is_some_and(|d| d >= sems_domain::util::today());
    if needs && !in_force {
        let executives = sems_storage::people::ids_with_roles(
            conn,
            a.party_id,
            &[sems_domain::role::Role::AccountableExecutive],
        )
        .await?;
        sems_storage::notifications::insert(
            conn,
            &executives,
            &format!(
                "The residual risk of {} {} ({}) needs your acceptance",
                a.scenario_code,
                a.scenario_title,
                sems_domain::risk::RiskLevel::parse(&a.residual_level)
                    .map_or(a.residual_level.clone(), |l| l.label().to_lowercase())
            ),
            &format!("/risk/assessments/{}", a.id),
        )
        .await?;
    }
    Ok(())
}

/// An assessor may depart from a score proposed from objective data only with a recorded
/// reason; following the proposal (or having none) needs none, and keeps none.
fn override_reason(
    field: &'static str,
    proposal: Option<&sems_domain::measure::Proposal>,
    chosen: sems_domain::risk::Score,
    reason: &str,
) -> Result<String, ValidationError> {
    match proposal {
        Some(p) if p.score != chosen => bounded_text(field, reason, 3, 2000).map_err(|_| {
            ValidationError::new(
                field,
                format!(
                    "the data propose {} ({}); say why you score {} instead",
                    p.score.get(),
                    p.basis,
                    chosen.get()
                ),
            )
        }),
        _ => Ok(String::new()),
    }
}

fn rationale(field: &'static str, text: &str) -> Result<String, ValidationError> {
    bounded_text(field, text, 3, 5000).map_err(|_| {
        ValidationError::new(
            field,
            "a rationale of 3 to 5000 characters is required for every score",
        )
    })
}

impl RiskServices<'_> {
    /// Parses an input into the values to store, scored under `method`. `checks` holds what
    /// the caller refused already (a change's reason): every refusal is answered at once.
    fn score(
        &self,
        input: &AssessmentInput,
        method: &MethodVersion,
        proposals: &evidence::ScoreProposals,
        mut checks: Checks,
    ) -> Result<risk::AssessmentValues> {
        use sems_domain::risk::{Consequence, Score};
        let likelihood = checks.check(Score::new("likelihood", input.likelihood));
        let human = checks.check(Score::new("consequence_human", input.consequence_human));
        let economic = checks.check(Score::new(
            "consequence_economic",
            input.consequence_economic,
        ));
        let political = checks.check(Score::new(
            "consequence_political",
            input.consequence_political,
        ));
        let vulnerability = checks.check(Score::new("vulnerability", input.vulnerability));
        let likelihood_rationale = checks.check(rationale(
            "likelihood_rationale",
            &input.likelihood_rationale,
        ));
        let consequence_rationale = checks.check(rationale(
            "consequence_rationale",
            &input.consequence_rationale,
        ));
        let vulnerability_rationale = checks.check(rationale(
            "vulnerability_rationale",
            &input.vulnerability_rationale,
        ));
        let likelihood_override_reason = likelihood.and_then(|l| {
            checks.check(override_reason(
                "likelihood_override_reason",
                proposals.likelihood.as_ref(),
                l,
                &input.likelihood_override_reason,
            ))
        });
        let vulnerability_override_reason = vulnerability.and_then(|v| {
            checks.check(override_reason(
                "vulnerability_override_reason",
                proposals.vulnerability.as_ref(),
                v,
                &input.vulnerability_override_reason,
            ))
        });
        let evidence = if input.evidence.len() > 20 {
            checks.refuse(ValidationError::new(
                "evidence",
                "at most 20 evidence links",
            ));
            None
        } else {
            checks.check(
                input
                    .evidence
                    .iter()
                    .filter(|e| !e.trim().is_empty())
                    .map(|e| bounded_text("evidence", e, 1, 500))
                    .collect::<Result<Vec<_>, _>>(),
            )
        };
        let classification = match input
            .classification
            .as_deref()
            .filter(|c| !c.trim().is_empty())
        {
            Some(c) => checks.check(self.classification.parse(c)),
            None => Some(0),
        };
        checks.finish()?;
        let (
            Some(likelihood),
            Some(human),
            Some(economic),
            Some(political),
            Some(vulnerability),
            Some(likelihood_rationale),
            Some(consequence_rationale),
            Some(vulnerability_rationale),
            Some(likelihood_override_reason),
            Some(vulnerability_override_reason),
            Some(evidence),
            Some(classification),
        ) = (
            likelihood,
            human,
            economic,
            political,
            vulnerability,
            likelihood_rationale,
            consequence_rationale,
            vulnerability_rationale,
            likelihood_override_reason,
            vulnerability_override_reason,
            evidence,
            classification,
        )
        else {
            return Err(ServiceError::Internal(
                "an assessment passed its checks without every value".into(),
            ));
        };
        let consequence = Consequence {
            human,
            economic,
            political,
        };
        let inherent = method.method.inherent(likelihood, consequence);
        let residual = method
            .method
            .residual(likelihood, consequence, vulnerability);
        let months = method.method.review_months(residual.level);
        Ok(risk::AssessmentValues {
            likelihood_proposed: proposals.likelihood.as_ref().map(|p| i64::from(p.score)),
            likelihood_override_reason,
            vulnerability_proposed: proposals.vulnerability.as_ref().map(|p| i64::from(p.score)),
            vulnerability_override_reason,
            method_version: method.version,
            likelihood: i64::from(likelihood),
            likelihood_rationale,
            consequence_human: i64::from(consequence.human),
            consequence_economic: i64::from(consequence.economic),
            consequence_political: i64::from(consequence.political),
            consequence_rationale,
            vulnerability: i64::from(vulnerability),
            vulnerability_rationale,
            evidence,
            inherent_score: i64::from(inherent.score),
            inherent_level: inherent.level.as_str(),
            residual_score: i64::from(residual.score),
            residual_level: residual.level.as_str(),
            next_review_on: sems_domain::util::format_date(sems_domain::util::add_months(
                sems_domain::util::today(),
                months,
            )),
            classification,
        })
    }

    /// Assesses a scenario for an organisation (or one of its sites) under the current method.
    #[tracing::instrument(skip_all)]
    pub async fn create_assessment(
        &self,
        actor: &Actor,
        party_id: i64,
        input: &AssessmentInput,
    ) -> Result<risk::Assessment> {
        let mut tx = self.store.write().await?;
        let party = parties::get(tx.conn(), party_id)
            .await?
            .ok_or(ServiceError::NotFound("party"))?;
        if party.kind.is_authority() {
            return Err(
                ValidationError::new("party_id", "risk is assessed by organisations").into(),
            );
        }
        authorize(
            actor,
            Action::Create,
            &RecordMeta::plain(RecordKind::RiskAssessment, party.id, false),
            "party",
        )?;
        let scenario = risk::scenario(tx.conn(), input.scenario_id)
            .await?
            .ok_or_else(|| ValidationError::new("scenario_id", "no such scenario"))?;
        let owner_is_authority = parties::get(tx.conn(), scenario.party_id)
            .await?
            .is_some_and(|p| p.kind.is_authority());
        authorize(
            actor,
            Action::Read,
            &scenario_meta(&scenario, owner_is_authority),
            "threat scenario",
        )?;
        if !scenario.published && scenario.party_id != party.id {
            return Err(ValidationError::new(
                "scenario_id",
                "choose a national scenario or one of this organisation's own",
            )
            .into());
        }
        if let Some(site) = input.site_id {
            let site = sems_storage::sites::get(tx.conn(), site).await?;
            if site.is_none_or(|s| s.party_id != party.id) {
                return Err(
                    ValidationError::new("site_id", "choose a site of this organisation").into(),
                );
            }
        }
        let method = risk::current_method(tx.conn())
            .await?
            .ok_or(ServiceError::NotFound("risk method"))?;
        let proposals = evidence::proposals_from(
            evidence::objective_data(tx.conn(), party.id, &scenario).await?,
        );
        let values = self.score(input, &method, &proposals, Checks::default())?;
        let id = risk::insert_assessment(tx.conn(), party.id, input.site_id, scenario.id, &values, actor.person_id())
            .await
            .map_err(|e| ServiceError::conflict_on_unique(e, "this scenario is already assessed for this organisation and site; change that assessment"))?;
        let stored = risk::assessment(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("risk assessment"))?;
        let after = serde_json::to_string(&views::RiskAssessment::from(&stored))?;
        risk::record_assessment_change(
            tx.conn(),
            id,
            actor.person_id(),
            "First assessment",
            None,
            after,
        )
        .await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&assessment_meta(&stored), Some(id)),
                action: crate::risk::trail::RISK_ASSESSMENT_CREATE,
                record_id: Some(id),
                before: NONE,
                after: Some(&views::RiskAssessment::from(&stored)),
            },
        )
        .await?;
        tell_who_accepts(tx.conn(), &method, &stored).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// Changes an assessment, with a reason. An assessment made under an earlier method
    /// version is not edited under it: it is re-assessed (`reassess`) under the current one.
    #[tracing::instrument(skip_all)]
    pub async fn update_assessment(
        &self,
        actor: &Actor,
        id: i64,
        input: &AssessmentInput,
    ) -> Result<risk::Assessment> {
        let mut tx = self.store.write().await?;
        let before = risk::assessment(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("risk assessment"))?;
        authorize(
            actor,
            Action::Update,
            &assessment_meta(&before),
            "risk assessment",
        )?;
        let mut checks = Checks::default();
        let reason = checks
            .check(bounded_text("reason", &input.reason, 3, 2000).map_err(|_| {
                ValidationError::new(
                    "reason",
                    "say why the assessment changes (3 to 2000 characters)",
                )
            }))
            .unwrap_or_default();
        if input.scenario_id != before.scenario_id || input.site_id != before.site_id {
            return Err(ValidationError::new("scenario_id", "the scenario and site of an assessment cannot change; assess the other one separately").into());
        }
        let current = risk::current_method(tx.conn())
            .await?
            .ok_or(ServiceError::NotFound("risk method"))?;
        if before.method_version != current.version && !input.reassess {
            return Err(ServiceError::Conflict(format!(
                "this assessment was made under method version {}; re-assess it under the current version {}",
                before.method_version, current.version
            )));
        }
        let scenario = risk::scenario(tx.conn(), before.scenario_id)
            .await?
            .ok_or(ServiceError::NotFound("threat scenario"))?;
        let proposals = evidence::proposals_from(
            evidence::objective_data(tx.conn(), before.party_id, &scenario).await?,
        );
        let values = self.score(input, &current, &proposals, checks)?;
        risk::update_assessment(tx.conn(), id, &values, actor.person_id()).await?;
        let after = risk::assessment(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("risk assessment"))?;
        risk::record_assessment_change(
            tx.conn(),
            id,
            actor.person_id(),
            &reason,
            Some(serde_json::to_string(&views::RiskAssessment::from(
                &before,
            ))?),
            serde_json::to_string(&views::RiskAssessment::from(&after))?,
        )
        .await?;
        // The assessment's actions in the register follow its marking.
        sems_storage::actions::remark(
            tx.conn(),
            RecordKind::RiskAssessment,
            id,
            after.classification,
            after.need_to_know,
        )
        .await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&assessment_meta(&after), Some(id)),
                action: crate::risk::trail::RISK_ASSESSMENT_UPDATE,
                record_id: Some(id),
                before: Some(&views::RiskAssessment::from(&before)),
                after: Some(&views::RiskAssessment::from(&after)),
            },
        )
        .await?;
        // Told once per residual score: a change that keeps it needs no new acceptance.
        if after.residual_score != before.residual_score {
            tell_who_accepts(tx.conn(), &current, &after).await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    #[tracing::instrument(skip_all)]
    pub async fn assessment(&self, actor: &Actor, id: i64) -> Result<risk::Assessment> {
        Ok(self.assessment_view(actor, id).await?.record)
    }

    /// An assessment with what the reader may do (`update`: re-score; `accept`: accept the
    /// residual risk).
    #[tracing::instrument(skip_all)]
    pub async fn assessment_view(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<crate::Viewed<risk::Assessment>> {
        let mut conn = self.store.read().await?;
        let a = risk::assessment(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound("risk assessment"))?;
        let mut meta = assessment_meta(&a);
        // Distributed from its page to persons and groups of other parties, who read it too.
        meta.distribution = sems_storage::groups::distribution_of(
            &mut conn,
            sems_domain::access::RecordKind::RiskAssessment,
            a.id,
        )
        .await?;
        authorize(actor, Action::Read, &meta, "risk assessment")?;
        Ok(crate::Viewed {
            allowed: crate::allowed(actor, &meta),
            record: a,
        })
    }

    #[tracing::instrument(skip_all)]
    pub async fn assessment_history(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Vec<risk::AssessmentChange>> {
        self.assessment(actor, id).await?;
        let mut conn = self.store.read().await?;
        Ok(risk::assessment_history(&mut conn, id).await?)
    }

    /// The risk register the actor may read.
    #[tracing::instrument(skip_all)]
    pub async fn assessments(
        &self,
        actor: &Actor,
        filter: &risk::AssessmentFilter,
        page: PageRequest,
    ) -> Result<Page<risk::Assessment>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        Ok(risk::assessments(&mut conn, subject, filter, page).await?)
    }

    /// The register's filter of an acceptance state as the method in force decides it: the
    /// levels it has accepted, today, and the end of the expiring window.
    #[tracing::instrument(skip_all)]
    pub async fn acceptance_filter(
        &self,
        state: sems_domain::risk::AcceptanceState,
    ) -> Result<risk::AcceptanceFilter> {
        let mut conn = self.store.read().await?;
        let method = risk::current_method(&mut conn)
            .await?
            .ok_or(ServiceError::NotFound("risk method"))?;
        let day = sems_domain::util::today();
        Ok(risk::AcceptanceFilter {
            state,
            levels_needing: method
                .method
                .levels_needing_acceptance()
                .iter()
                .map(|l| l.as_str().to_string())
                .collect(),
            today: day,
            expiring_by: day + time::Duration::days(sems_domain::risk::EXPIRING_DAYS),
        })
    }
}

/// The inherent and residual 5×5 heat maps of the assessments one may read.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct HeatMaps {
    /// Counts by likelihood and consequence (`counts[likelihood - 1][consequence - 1]`),
    /// with the level of each cell under the current method.
    pub inherent: sems_domain::risk::HeatMap,
    /// As `inherent`, by the likelihood of a successful attempt (likelihood × vulnerability
    /// on the 1–5 scale).
    pub residual: sems_domain::risk::HeatMap,
    pub assessments: i64,
}

impl RiskServices<'_> {
    /// Draws the heat maps: each assessment is placed under the method version it was made
    /// with; the cells are coloured by the current version.
    #[tracing::instrument(skip_all)]
    pub async fn heat_maps(
        &self,
        actor: &Actor,
        filter: &risk::AssessmentFilter,
    ) -> Result<HeatMaps> {
        use sems_domain::risk::{residual_likelihood, Consequence, HeatMap, Score};
        let subject = actor
            .subject()
            .ok_or(ServiceError::Forbidden("maps need a person".into()))?;
        let mut conn = self.store.read().await?;
        let current = risk::current_method(&mut conn)
            .await?
            .ok_or(ServiceError::NotFound("risk method"))?;
        let mut inherent = HeatMap::new(&current.method);
        let mut residual = HeatMap::new(&current.method);
        let mut methods = std::collections::HashMap::new();
        let mut total = 0;
        for p in risk::score_profile(&mut conn, subject, filter).await? {
            let method = match methods.entry(p.method_version) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let m = risk::method(&mut conn, p.method_version)
                        .await?
                        .ok_or(ServiceError::NotFound("risk method"))?;
                    e.insert(m.method)
                }
            };
            let likelihood = Score::new("likelihood", p.likelihood)?;
            let consequence = method.consequence(Consequence {
                human: Score::new("consequence_human", p.consequence_human)?,
                economic: Score::new("consequence_economic", p.consequence_economic)?,
                political: Score::new("consequence_political", p.consequence_political)?,
            });
            let vulnerability = Score::new("vulnerability", p.vulnerability)?;
            inherent.add(likelihood, consequence, p.count);
            residual.add(
                residual_likelihood(likelihood, vulnerability),
                consequence,
                p.count,
            );
            total += p.count;
        }
        Ok(HeatMaps {
            inherent,
            residual,
            assessments: total,
        })
    }
}

/// The accountable executive's acceptance of a residual risk.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptanceInput {
    /// The last day the acceptance holds (YYYY-MM-DD), at most three years ahead.
    #[schema(format = Date)]
    pub expires_on: String,
    #[serde(default)]
    pub note: String,
}

impl RiskServices<'_> {
    /// The accountable executive accepts an assessment's residual risk until a date. Only a
    /// risk tolerable with review is accepted: an acceptable one needs no sign-off, an
    /// intolerable one can only be mitigated.
    #[tracing::instrument(skip_all)]
    pub async fn accept_risk(
        &self,
        actor: &Actor,
        id: i64,
        input: &AcceptanceInput,
    ) -> Result<risk::Acceptance> {
        use sems_domain::risk::RiskLevel;
        let expires = sems_domain::util::parse_date("expires_on", &input.expires_on)?;
        sems_domain::risk::check_acceptance_expiry(expires, sems_domain::util::today())?;
        let note = bounded_text("note", &input.note, 0, 2000)?;
        let mut tx = self.store.write().await?;
        let a = risk::assessment(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("risk assessment"))?;
        authorize(
            actor,
            Action::Accept,
            &assessment_meta(&a),
            "risk assessment",
        )?;
        let person = actor
            .person_id()
            .ok_or(ServiceError::Forbidden("only a person accepts risk".into()))?;
        let method = risk::method(tx.conn(), a.method_version)
            .await?
            .ok_or(ServiceError::NotFound("risk method"))?;
        let level = RiskLevel::ALL
            .into_iter()
            .find(|l| l.as_str() == a.residual_level)
            .ok_or_else(|| ServiceError::Internal(format!("unknown level {}", a.residual_level)))?;
        method
            .method
            .band(a.residual_score as u32)
            .tolerability
            .may_be_accepted(level)
            .map_err(ServiceError::Conflict)?;
        let acceptance_id = risk::insert_acceptance(tx.conn(), &a, person, expires, &note).await?;
        let stored = risk::acceptances(tx.conn(), id)
            .await?
            .into_iter()
            .find(|x| x.id == acceptance_id)
            .ok_or(ServiceError::NotFound("acceptance"))?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&assessment_meta(&a), Some(id)),
                action: crate::risk::trail::RISK_ASSESSMENT_ACCEPT,
                record_id: Some(id),
                before: NONE,
                after: Some(&views::Acceptance::from(&stored)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// The acceptances of an assessment, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn acceptances(&self, actor: &Actor, id: i64) -> Result<Vec<risk::Acceptance>> {
        self.assessment(actor, id).await?;
        let mut conn = self.store.read().await?;
        Ok(risk::acceptances(&mut conn, id).await?)
    }
}

/// Whether the newest acceptance still covers the assessment as it stands: not expired, and
/// made for the same residual score under the same method version.
pub fn acceptance_in_force(
    a: &risk::Assessment,
    acceptances: &[risk::Acceptance],
) -> Option<risk::Acceptance> {
    let today = sems_domain::util::today();
    acceptances
        .first()
        .filter(|x| {
            sems_domain::risk::acceptance_holds(
                x.expires_on,
                (x.residual_score, x.method_version),
                (a.residual_score, a.method_version),
                today,
            )
        })
        .cloned()
}
