//! What awaits a person, across modules, for the home page: each section a kind of work the
//! person may do (the access rule decides: a section appears only to who may act on its
//! records), each item a record to open, the sections with something late first. A module
//! adds its sections here, read through its own services (so every list is its own paged,
//! filtered, access-checked query).

use crate::{Actor, Result, Services};
use sems_domain::access::{granted_relations, Action, RecordKind};
use sems_domain::oversight::FindingStatus;
use sems_domain::page::PageRequest;
use sems_domain::report::ReportStatus;
use sems_domain::util::{format_timestamp, today};
use serde::Serialize;

/// How many records a section lists; its total and its link give the rest.
const ITEMS: u32 = 5;

/// One record awaiting the person.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgendaItem {
    pub text: String,
    pub link: String,
    pub late: bool,
}

/// A kind of work awaiting the person: how many, the first of them, and the list of all.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgendaSection {
    pub heading: String,
    pub total: i64,
    pub items: Vec<AgendaItem>,
    pub more_link: String,
}

impl AgendaSection {
    fn late(&self) -> usize {
        self.items.iter().filter(|i| i.late).count()
    }
}

fn first() -> PageRequest {
    PageRequest::new(Some(1), Some(ITEMS))
}

/// A section of the first page of a list, each record made an item.
fn section<T>(
    heading: &str,
    page: &sems_domain::page::Page<T>,
    more_link: String,
    item: impl Fn(&T) -> AgendaItem,
) -> AgendaSection {
    AgendaSection {
        heading: heading.to_string(),
        total: page.total,
        items: page.items.iter().map(item).collect(),
        more_link,
    }
}

impl Services {
    /// What awaits the actor, the sections with the most late items first; empty sections
    /// are left out.
    #[tracing::instrument(skip_all)]
    pub async fn agenda(&self, actor: &Actor) -> Result<Vec<AgendaSection>> {
        let Some(s) = actor.subject() else {
            return Ok(Vec::new());
        };
        let may = |kind, action| !granted_relations(s, kind, action).is_empty();
        let own_update = |kind| crate::allowed_in_own_party(actor, kind).update;
        let day = today();
        let mut out = Vec::new();

        // Reporting: reports to triage, for who handles the organisation's reports.
        if !s.party_is_authority && own_update(RecordKind::SecurityReport) {
            let page = self
                .reporting()
                .reports(
                    actor,
                    &sems_storage::reports::ReportFilter {
                        party_id: Some(s.party_id),
                        status: Some(ReportStatus::New),
                        ..Default::default()
                    },
                    first(),
                )
                .await?;
            out.push(section(
                "Reports to triage",
                &page,
                "/reports?status=new".to_string(),
                |r| AgendaItem {
                    text: format!(
                        "Report {} · {} · filed {}",
                        r.id,
                        r.category_label,
                        format_timestamp(r.filed_at_ms)
                    ),
                    link: format!("/reports/{}", r.id),
                    late: self.reporting().overdue(r).triage,
                },
            ));
        }

        // Reporting: what the organisation owes the authority (forwarding, analysis, final
        // result), against each report's deadlines.
        if !s.party_is_authority && own_update(RecordKind::SecurityReport) {
            let page = self
                .reporting()
                .reports(
                    actor,
                    &sems_storage::reports::ReportFilter {
                        party_id: Some(s.party_id),
                        owed_to_authority: true,
                        ..Default::default()
                    },
                    first(),
                )
                .await?;
            let now = sems_storage::now_ms();
            out.push(section(
                "Owed to the authority",
                &page,
                "/reports?owed=1".to_string(),
                |r| {
                    let c = crate::reports::lifecycle::countdowns_of_report(r, now);
                    let (step, clock) = if r.forwarded_at_ms.is_none() {
                        ("forwarding", c.forwarding)
                    } else if matches!(
                        c.analysis,
                        sems_domain::report::rules::Countdown::Running { .. }
                            | sems_domain::report::rules::Countdown::Overdue { .. }
                    ) {
                        ("analysis", c.analysis)
                    } else {
                        ("final result", c.final_result)
                    };
                    let due = match clock {
                        sems_domain::report::rules::Countdown::Running { due_at_ms }
                        | sems_domain::report::rules::Countdown::Overdue { due_at_ms } => {
                            format!(" due {}", format_timestamp(due_at_ms))
                        }
                        _ => String::new(),
                    };
                    AgendaItem {
                        text: format!("Report {} · {} · {step}{due}", r.id, r.category_label),
                        link: format!("/reports/{}", r.id),
                        late: clock.is_overdue(),
                    }
                },
            ));
        }

        // Reporting, the authority's side: what organisations owe it, late.
        if s.party_is_authority && may(RecordKind::ReportStatistics, Action::Read) {
            if let Ok(late) = self.reporting().late_to_authority(actor).await {
                let mut items: Vec<AgendaItem> = late
                    .forwarding
                    .iter()
                    .take(ITEMS as usize)
                    .map(|f| AgendaItem {
                        text: format!(
                            "{}: {} mandatory report{} not forwarded in time",
                            f.party_name,
                            f.late,
                            if f.late == 1 { "" } else { "s" }
                        ),
                        link: "/occurrences/late".to_string(),
                        late: true,
                    })
                    .collect();
                for (n, what, step) in [
                    (late.analyses_late, "analyses", "analysis"),
                    (late.finals_late, "final results", "final_result"),
                ] {
                    if n > 0 {
                        items.push(AgendaItem {
                            text: format!("{n} {what} overdue"),
                            link: format!("/occurrences?late={step}"),
                            late: true,
                        });
                    }
                }
                out.push(AgendaSection {
                    heading: "Late to the authority".to_string(),
                    total: late.forwarding_total + late.analyses_late + late.finals_late,
                    items,
                    more_link: "/occurrences/late".to_string(),
                });
            }
        }

        // Oversight, the organisation's side: findings awaiting its plan or completion.
        if !s.party_is_authority && own_update(RecordKind::Finding) {
            let page = self
                .oversight()
                .findings(
                    actor,
                    &sems_storage::oversight::findings::FindingFilter {
                        party_id: Some(s.party_id),
                        awaiting_organisation: true,
                        ..Default::default()
                    },
                    first(),
                )
                .await?;
            out.push(section(
                "Findings awaiting your plan or completion",
                &page,
                "/oversight/findings".to_string(),
                |f| {
                    let due = f.cap_due_on.unwrap_or(f.due_on);
                    AgendaItem {
                        text: format!(
                            "{} {} · {} · {} by {due}",
                            f.level.label(),
                            f.requirement_code,
                            f.description,
                            if f.status == FindingStatus::CapAccepted {
                                "complete"
                            } else if f.status == FindingStatus::CapReturned {
                                "plan returned: revise"
                            } else {
                                "plan"
                            }
                        ),
                        link: format!("/oversight/findings/{}", f.id),
                        late: due < day,
                    }
                },
            ));
        }

        // Oversight, the overseer's side: plans to review and completions to verify on the
        // findings the actor's party raised.
        if may(RecordKind::Finding, Action::Accept) {
            for (status, heading, verb) in [
                (
                    FindingStatus::CapSubmitted,
                    "Plans to review",
                    "plan submitted",
                ),
                (
                    FindingStatus::Completed,
                    "Completions to verify",
                    "completed",
                ),
            ] {
                let page = self
                    .oversight()
                    .findings(
                        actor,
                        &sems_storage::oversight::findings::FindingFilter {
                            status: Some(status),
                            raised_by_party_id: Some(s.party_id),
                            ..Default::default()
                        },
                        first(),
                    )
                    .await?;
                out.push(section(
                    heading,
                    &page,
                    format!("/oversight/findings?status={}", status.as_str()),
                    |f| AgendaItem {
                        text: format!(
                            "{} · {} {} · {verb}",
                            f.party_name,
                            f.level.label(),
                            f.requirement_code
                        ),
                        link: format!("/oversight/findings/{}", f.id),
                        late: false,
                    },
                ));
            }
        }

        // Activities the actor is on the team of, planned within the fortnight or overdue.
        if own_update(RecordKind::OversightActivity) {
            let page = self
                .oversight()
                .activities(
                    actor,
                    &sems_storage::oversight::activities::ActivityFilter {
                        team_member: Some(s.person_id),
                        open_due_by: Some(day + time::Duration::days(14)),
                        ..Default::default()
                    },
                    first(),
                )
                .await?;
            out.push(section(
                "Activities due",
                &page,
                "/oversight/activities".to_string(),
                |a| AgendaItem {
                    text: format!(
                        "{} · {} of {} · planned {}",
                        a.title, a.kind_label, a.overseen_party_name, a.planned_on
                    ),
                    link: format!("/oversight/activities/{}", a.id),
                    late: a.planned_on < day,
                },
            ));
        }

        // Risk: assessments due for review or marked for it, for who scores them.
        if !s.party_is_authority && own_update(RecordKind::RiskAssessment) {
            let page = self
                .risk()
                .assessments(
                    actor,
                    &sems_storage::risk::AssessmentFilter {
                        party_id: Some(s.party_id),
                        review_due_by: Some(sems_domain::util::format_date(day)),
                        ..Default::default()
                    },
                    first(),
                )
                .await?;
            out.push(section(
                "Risk reviews due",
                &page,
                "/risk/register?review=required".to_string(),
                |a| AgendaItem {
                    text: format!(
                        "{} {} · {}",
                        a.scenario_code,
                        a.scenario_title,
                        if a.review_required {
                            format!("review required: {}", a.review_reason)
                        } else {
                            format!("due {}", a.next_review_on)
                        }
                    ),
                    link: format!("/risk/assessments/{}", a.id),
                    late: a.review_required || a.next_review_on < day,
                },
            ));
        }

        // Risk acceptance: what awaits the accountable executive's decision, and acceptances
        // ending soon (for whoever decides or re-scores them).
        let on_risk = crate::allowed_in_own_party(actor, RecordKind::RiskAssessment);
        if !s.party_is_authority && (on_risk.accept || on_risk.update) {
            use sems_domain::risk::AcceptanceState;
            let states: &[(AcceptanceState, &str)] = if on_risk.accept {
                &[
                    (AcceptanceState::Awaiting, "Risks awaiting your acceptance"),
                    (AcceptanceState::Expiring, "Acceptances expiring"),
                ]
            } else {
                &[(AcceptanceState::Expiring, "Acceptances expiring")]
            };
            for (state, heading) in states {
                let filter = sems_storage::risk::AssessmentFilter {
                    party_id: Some(s.party_id),
                    acceptance: Some(self.risk().acceptance_filter(*state).await?),
                    ..Default::default()
                };
                let page = self.risk().assessments(actor, &filter, first()).await?;
                out.push(section(
                    heading,
                    &page,
                    format!("/risk/register?acceptance={}", state.as_str()),
                    |a| AgendaItem {
                        text: format!(
                            "{} {} · residual {}{}",
                            a.scenario_code,
                            a.scenario_title,
                            sems_domain::risk::RiskLevel::parse(&a.residual_level)
                                .map_or(a.residual_level.as_str(), |l| l.label())
                                .to_lowercase(),
                            a.accepted_until
                                .map(|d| format!(" · accepted until {d}"))
                                .unwrap_or_default()
                        ),
                        link: format!("/risk/assessments/{}", a.id),
                        late: false,
                    },
                ));
            }
        }

        // Security performance: the organisation's open alerts, for who acknowledges them (the
        // accountable executive too, once one is escalated to them); escalated ones are late.
        if !s.party_is_authority && own_update(RecordKind::PerformanceAlert) {
            let page = self
                .performance()
                .alerts(
                    actor,
                    &sems_storage::performance::alerts::AlertFilter {
                        party_id: Some(s.party_id),
                        status: Some(sems_domain::performance::alerts::AlertStatus::Open),
                        indicator_id: None,
                    },
                    first(),
                )
                .await?;
            out.push(section(
                "Performance alerts to acknowledge",
                &page,
                "/performance/alerts?status=open".to_string(),
                |a| AgendaItem {
                    text: format!(
                        "{} {} · {} · {}",
                        a.indicator_code,
                        a.indicator_name,
                        a.period,
                        a.rule.label()
                    ),
                    link: format!("/performance/alerts/{}", a.id),
                    late: a.escalated_on.is_some(),
                },
            ));
        }

        // Training and vetting: what is not current among the organisation's personnel, for
        // who keeps the register; lapsed and overdue ones are late.
        if !s.party_is_authority && own_update(RecordKind::Personnel) {
            let page = self
                .training()
                .due_list(
                    actor,
                    &sems_storage::training::standings::DueFilter {
                        party_id: Some(s.party_id),
                        ..Default::default()
                    },
                    first(),
                )
                .await?;
            out.push(section(
                "Training and vetting due",
                &page,
                "/training".to_string(),
                |r| AgendaItem {
                    text: format!(
                        "{} · {}{} · {}",
                        r.full_name,
                        r.requirement_label,
                        if r.course.is_empty() {
                            String::new()
                        } else {
                            format!(" {}", r.course)
                        },
                        r.currency_label
                    ),
                    link: format!("/training/personnel/{}", r.personnel_id),
                    late: r.currency.severity() >= 3,
                },
            ));
        }

        // Escalations: what stayed overdue long enough to be escalated to the accountable
        // executive (who accepts the organisation's risk), findings and corrective actions.
        if !s.party_is_authority && on_risk.accept {
            let page = self
                .oversight()
                .findings(
                    actor,
                    &sems_storage::oversight::findings::FindingFilter {
                        party_id: Some(s.party_id),
                        awaiting_organisation: true,
                        escalated: true,
                        ..Default::default()
                    },
                    first(),
                )
                .await?;
            out.push(section(
                "Findings escalated to you",
                &page,
                "/oversight/findings?overdue=escalated".to_string(),
                |f| AgendaItem {
                    text: format!(
                        "{} {} · {} · due {}",
                        f.level.label(),
                        f.requirement_code,
                        f.description,
                        f.cap_due_on.unwrap_or(f.due_on)
                    ),
                    link: format!("/oversight/findings/{}", f.id),
                    late: true,
                },
            ));
            let page = self
                .action_register(
                    actor,
                    &sems_storage::actions::ActionFilter {
                        party_id: Some(s.party_id),
                        open: true,
                        escalated: true,
                        ..Default::default()
                    },
                    first(),
                )
                .await?;
            out.push(section(
                "Corrective actions escalated to you",
                &page,
                "/actions?overdue=escalated".to_string(),
                |a| AgendaItem {
                    text: format!(
                        "{} · {} · due {}",
                        a.action.title,
                        a.action.responsible_name.as_deref().unwrap_or("no owner"),
                        a.action.due_on
                    ),
                    link: format!("/actions/{}", a.action.id),
                    late: true,
                },
            ));
        }

        // Every module's corrective actions past their date, from the one register.
        if !s.party_is_authority {
            let page = self
                .action_register(
                    actor,
                    &sems_storage::actions::ActionFilter {
                        party_id: Some(s.party_id),
                        overdue_on: Some(day),
                        ..Default::default()
                    },
                    first(),
                )
                .await?;
            out.push(section(
                "Overdue corrective actions",
                &page,
                "/actions?overdue=yes".to_string(),
                |v| AgendaItem {
                    text: format!(
                        "{} · {} · due {}{}",
                        v.action.title,
                        v.source_label,
                        v.action.due_on,
                        v.action
                            .responsible_name
                            .as_ref()
                            .map(|n| format!(" · {n}"))
                            .unwrap_or_default()
                    ),
                    link: format!("/actions/{}", v.action.id),
                    late: true,
                },
            ));
        }

        out.retain(|section| section.total > 0);
        // The sections with the most late items first; otherwise in the order above.
        out.sort_by_key(|section| std::cmp::Reverse(section.late()));
        Ok(out)
    }
}
