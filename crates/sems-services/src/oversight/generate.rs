//! The oversight part of the synthetic data set: for every generated organisation and year,
//! activities by the authority over the whole programme, their answered checklists, and
//! findings at every stage of their plans.

use super::OversightServices;
use crate::generate::{GenerateParams, Rng};
use crate::{Result, ServiceError};
use sems_domain::oversight::{Compliance, FindingLevel, Performer, RequirementLevel};
use sems_storage::bulk::{self, BulkSet};
use sems_storage::oversight::requirements;
use sems_storage::{now_ms, Conn};

#[derive(Debug, Default, Clone, Copy)]
pub struct OversightSummary {
    pub activities: u64,
    pub items: u64,
    pub findings: u64,
}

impl OversightServices<'_> {
    /// `per_year` activities per organisation and year, each over the whole programme.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn generate_oversight(
        &self,
        conn: &mut Conn,
        p: &GenerateParams,
        authority: i64,
        inspector: Option<i64>,
        orgs: &[i64],
    ) -> Result<OversightSummary> {
        let mut rng = Rng::new(p.seed ^ 0x0E5E_0000_0000_0002);
        let national = requirements::catalogue_by_code(
            conn,
            authority,
            super::requirements::NATIONAL_PROGRAMME,
        )
        .await?
        .ok_or(ServiceError::NotFound("national programme"))?;
        let version = national
            .current_version
            .ok_or(ServiceError::NotFound("national programme"))?;
        let method = super::method::current_method(conn).await?;
        let plan_days = &method.method;
        let nodes: Vec<(String, String, String)> = requirements::nodes(conn, national.id, version)
            .await?
            .into_iter()
            .filter(|n| n.level == RequirementLevel::Requirement)
            .map(|n| (n.code, n.title, n.parent_code.unwrap_or_default()))
            .collect();
        const ACTIVITIES: usize = 0;
        const TEAM: usize = 1;
        const ITEMS: usize = 2;
        const FINDINGS: usize = 3;
        const RESULTS: usize = 4;
        const DISTRIBUTIONS: usize = 5;
        let mut rows = BulkSet::new(&[
            "INSERT INTO oversight_activities (id, owner_party_id, overseen_party_id, kind, title, catalogue_party_id, catalogue_version, announced, covert, released, status, planned_on, started_on, completed_on, classification, need_to_know, created_by, created_at_ms, updated_at_ms, performer, catalogue_id, method_version, scale, kind_label) VALUES",
            "INSERT INTO activity_team (activity_id, person_id) VALUES",
            "INSERT INTO checklist_items (id, activity_id, position, requirement_code, requirement_title, area_code, answer, notes, test_passed, test_method, answered_by, answered_at_ms) VALUES",
            "INSERT INTO findings (owner_party_id, raised_by_party_id, activity_id, item_id, requirement_code, level, description, status, due_on, root_cause, cap_actions, compensatory_measures, overseer_comment, completion_evidence, classification, need_to_know, created_at_ms, updated_at_ms) VALUES",
            "INSERT INTO activity_results (activity_id, area_code, compliant, applicable, items) VALUES",
            "INSERT INTO distributions (record_kind, record_id, party_id, created_at_ms) VALUES",
        ]);
        let mut activity_id = bulk::next_id(conn, "oversight_activities").await?;
        let mut item_id = bulk::next_id(conn, "checklist_items").await?;
        let now = now_ms();
        let this_year: i64 = sems_domain::util::date_of(now)[..4].parse().unwrap_or(2026);
        let kinds = [
            "audit_full",
            "inspection",
            "inspection",
            "test_overt",
            "audit_partial",
        ];
        let statuses = [
            "open",
            "cap_submitted",
            "cap_returned",
            "cap_accepted",
            "completed",
            "closed",
            "closed",
            "closed",
        ];
        for org in orgs {
            // Each organisation has its own level of effective implementation.
            let quality = 70 + rng.below(28);
            for y in 0..i64::from(p.years) {
                let year = this_year - i64::from(p.years) + 1 + y;
                for a in 0..p.activities_per_year {
                    let month = 1 + (a * 12 / p.activities_per_year.max(1)) % 12;
                    let day = format!("{year}-{month:02}-{:02}", 1 + rng.below(27));
                    let completed = day < sems_domain::util::date_of(now);
                    let kind = *rng.pick(&kinds);
                    let at = now - (this_year - year) * 365 * 86_400_000;
                    // One activity in five is the organisation's own quality control (a
                    // self-evaluation against the national programme), the rest the State's.
                    let own = a % 5 == 4;
                    let (performer, by_party, by_person) = if own {
                        (Performer::SelfEvaluation, *org, None)
                    } else {
                        (Performer::Authority, authority, inspector)
                    };
                    rows.row(
                        conn,
                        ACTIVITIES,
                        vec![
                            activity_id.into(),
                            by_party.into(),
                            (*org).into(),
                            kind.into(),
                            format!("Generated {kind} {year}-{a}").into(),
                            authority.into(),
                            version.into(),
                            1i64.into(),
                            0i64.into(),
                            0i64.into(),
                            (if completed { "completed" } else { "planned" }).into(),
                            day.clone().into(),
                            sems_storage::sql::Arg::from(completed.then(|| day.clone())),
                            sems_storage::sql::Arg::from(completed.then(|| day.clone())),
                            0i64.into(),
                            0i64.into(),
                            by_person.into(),
                            at.into(),
                            at.into(),
                            performer.as_str().into(),
                            national.id.into(),
                            method.version.into(),
                            national.scale.clone().into(),
                            method.method.kind_label(kind).to_string().into(),
                        ],
                    )
                    .await?;
                    if let Some(person) = by_person {
                        rows.row(conn, TEAM, vec![activity_id.into(), person.into()])
                            .await?;
                    }
                    // As planning does: the State's activity is distributed to the
                    // organisation it oversees.
                    if !own {
                        rows.row(
                            conn,
                            DISTRIBUTIONS,
                            vec![
                                sems_domain::access::RecordKind::OversightActivity
                                    .as_str()
                                    .into(),
                                activity_id.into(),
                                (*org).into(),
                                at.into(),
                            ],
                        )
                        .await?;
                    }
                    let mut per_area: std::collections::BTreeMap<&str, (i64, i64, i64)> =
                        Default::default();
                    for (position, (code, title, area)) in nodes.iter().enumerate() {
                        let answer = if !completed {
                            None
                        } else {
                            let roll = rng.below(100);
                            Some(if roll < quality * 8 / 10 {
                                Compliance::Compliant
                            } else if roll < quality {
                                Compliance::CompliantWithObservations
                            } else if roll < 95 {
                                Compliance::NotCompliant
                            } else if roll < 97 {
                                Compliance::NotCompliantSerious
                            } else if roll < 99 {
                                Compliance::NotApplicable
                            } else {
                                Compliance::NotConfirmed
                            })
                        };
                        rows.row(
                            conn,
                            ITEMS,
                            vec![
                                item_id.into(),
                                activity_id.into(),
                                (position as i64).into(),
                                code.clone().into(),
                                title.clone().into(),
                                area.clone().into(),
                                sems_storage::sql::Arg::from(
                                    answer.map(|a| a.as_str().to_string()),
                                ),
                                "".into(),
                                sems_storage::sql::Arg::NullInt,
                                "".into(),
                                by_person.into(),
                                sems_storage::sql::Arg::from(answer.map(|_| at)),
                            ],
                        )
                        .await?;
                        if let Some(a) = answer {
                            let e = per_area.entry(area.as_str()).or_default();
                            e.2 += 1;
                            if a.is_applicable() {
                                e.1 += 1;
                                if a.is_compliant() {
                                    e.0 += 1;
                                }
                            }
                        }
                        if matches!(
                            answer,
                            Some(Compliance::NotCompliant | Compliance::NotCompliantSerious)
                        ) {
                            let level = if answer == Some(Compliance::NotCompliantSerious) {
                                FindingLevel::Level1
                            } else if rng.below(3) == 0 {
                                FindingLevel::Observation
                            } else {
                                FindingLevel::Level2
                            };
                            let status = if year < this_year {
                                "closed"
                            } else {
                                *rng.pick(&statuses)
                            };
                            rows.row(
                                conn,
                                FINDINGS,
                                vec![
                                    (*org).into(),
                                    by_party.into(),
                                    activity_id.into(),
                                    item_id.into(),
                                    code.clone().into(),
                                    level.as_str().into(),
                                    format!("Generated finding on {code}").into(),
                                    status.into(),
                                    sems_domain::util::format_date(
                                        sems_domain::util::parse_date("d", &day)
                                            .map_err(ServiceError::from)?
                                            + time::Duration::days(plan_days.plan_days(level)),
                                    )
                                    .into(),
                                    "".into(),
                                    "".into(),
                                    "".into(),
                                    "".into(),
                                    "".into(),
                                    0i64.into(),
                                    0i64.into(),
                                    at.into(),
                                    at.into(),
                                ],
                            )
                            .await?;
                        }
                        item_id += 1;
                    }
                    for (area, (compliant, applicable, n)) in per_area {
                        rows.row(
                            conn,
                            RESULTS,
                            vec![
                                activity_id.into(),
                                area.into(),
                                compliant.into(),
                                applicable.into(),
                                n.into(),
                            ],
                        )
                        .await?;
                    }
                    activity_id += 1;
                }
            }
        }
        rows.flush(conn).await?;
        sems_storage::oversight::ei_totals::refresh(conn, None).await?;
        Ok(OversightSummary {
            activities: rows.written(ACTIVITIES),
            items: rows.written(ITEMS),
            findings: rows.written(FINDINGS),
        })
    }
}
