//! The search in every page's header: records the reader may read, across modules, by
//! number (a report, finding, activity or action), or by code, title or words. Each module's
//! own list answers, through the access rule, so a search shows exactly what its lists would.

use crate::{Actor, Result, ServiceError, Services};
use sems_domain::page::PageRequest;
use sems_domain::util::excerpt;
use serde::Serialize;

/// How many records a group shows; its total and its link give the rest.
const ITEMS: u32 = 5;

/// A record found.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Found {
    pub text: String,
    pub link: String,
}

/// The records of one kind found.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FoundGroup {
    pub heading: String,
    pub total: i64,
    pub items: Vec<Found>,
    /// The kind's list, when it searches the same way (`?q=` gives it the words).
    pub list: Option<String>,
}

fn first() -> PageRequest {
    PageRequest::new(Some(1), Some(ITEMS))
}

/// What a missing or unreadable record is to the search: nothing found. Other failures are
/// errors.
fn found<T>(r: Result<T>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(ServiceError::NotFound(_) | ServiceError::Forbidden(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

fn group<T>(
    heading: &str,
    page: &sems_domain::page::Page<T>,
    list: Option<&str>,
    item: impl Fn(&T) -> Found,
) -> FoundGroup {
    FoundGroup {
        heading: heading.to_string(),
        total: page.total,
        items: page.items.iter().map(item).collect(),
        list: list.map(str::to_string),
    }
}

impl Services {
    /// Searches what the actor may read. A number (`42`, `#42`) finds the report, finding,
    /// activity and action of that number; words find scenarios, reports, findings,
    /// activities, actions and organisations. Fewer than two characters find nothing.
    #[tracing::instrument(skip_all)]
    pub async fn search(&self, actor: &Actor, q: &str) -> Result<Vec<FoundGroup>> {
        let q = q.trim();
        if q.chars().count() < 2 && q.trim_start_matches('#').parse::<i64>().is_err() {
            return Ok(Vec::new());
        }
        let Some(s) = actor.subject() else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();

        // By number: each kind's record of that number, when the reader may read it.
        if let Ok(id) = q.trim_start_matches('#').parse::<i64>() {
            let mut items = Vec::new();
            if let Some(r) = found(self.reporting().report_view(actor, id).await)? {
                items.push(Found {
                    text: format!(
                        "Security report {id} · {} · {}",
                        r.report.category_label,
                        r.report.status.label()
                    ),
                    link: format!("/reports/{id}"),
                });
            }
            if let Some(f) = found(self.oversight().finding(actor, id).await)? {
                items.push(Found {
                    text: format!(
                        "Finding {id} · {} {} · {}",
                        f.finding.level.label(),
                        f.finding.requirement_code,
                        excerpt(&f.finding.description, 80)
                    ),
                    link: format!("/oversight/findings/{id}"),
                });
            }
            if let Some(a) = found(self.oversight().activity(actor, id).await)? {
                items.push(Found {
                    text: format!(
                        "Activity {id} · {} · {} of {}",
                        a.activity.title, a.activity.kind_label, a.activity.overseen_party_name
                    ),
                    link: format!("/oversight/activities/{id}"),
                });
            }
            if let Some(a) = found(self.register_action(actor, id).await)? {
                items.push(Found {
                    text: format!("Action {id} · {} · due {}", a.action.title, a.action.due_on),
                    link: format!("/actions/{id}"),
                });
            }
            if !items.is_empty() {
                out.push(FoundGroup {
                    heading: format!("Number {id}"),
                    total: items.len() as i64,
                    items,
                    list: None,
                });
            }
            return Ok(out);
        }

        let words = Some(q.to_string());
        if let Some(page) = found(
            self.risk()
                .scenarios(
                    actor,
                    &sems_storage::risk::ScenarioFilter {
                        search: words.clone(),
                        ..Default::default()
                    },
                    first(),
                )
                .await,
        )? {
            out.push(group(
                "Threat scenarios",
                &page,
                Some("/risk/scenarios"),
                |x| Found {
                    text: format!("{} {}", x.code, x.title),
                    link: format!("/risk/scenarios/{}", x.id),
                },
            ));
        }
        if !s.party_is_authority
            && crate::allowed_in_own_party(actor, sems_domain::access::RecordKind::SecurityReport)
                .read
        {
            let page = self
                .reporting()
                .reports(
                    actor,
                    &sems_storage::reports::ReportFilter {
                        search: words.clone(),
                        ..Default::default()
                    },
                    first(),
                )
                .await?;
            out.push(group("Security reports", &page, Some("/reports"), |r| {
                Found {
                    text: format!(
                        "Report {} · {} · {}",
                        r.id,
                        r.category_label,
                        excerpt(&r.what_happened, 80)
                    ),
                    link: format!("/reports/{}", r.id),
                }
            }));
        }
        if let Some(page) = found(
            self.oversight()
                .findings(
                    actor,
                    &sems_storage::oversight::findings::FindingFilter {
                        search: words.clone(),
                        ..Default::default()
                    },
                    first(),
                )
                .await,
        )? {
            out.push(group("Findings", &page, None, |f| Found {
                text: format!(
                    "{} · {} {} · {}",
                    f.party_name,
                    f.level.label(),
                    f.requirement_code,
                    excerpt(&f.description, 80)
                ),
                link: format!("/oversight/findings/{}", f.id),
            }));
        }
        if let Some(page) = found(
            self.oversight()
                .activities(
                    actor,
                    &sems_storage::oversight::activities::ActivityFilter {
                        search: words.clone(),
                        ..Default::default()
                    },
                    first(),
                )
                .await,
        )? {
            out.push(group("Oversight activities", &page, None, |a| Found {
                text: format!(
                    "{} · {} of {} · planned {}",
                    a.title, a.kind_label, a.overseen_party_name, a.planned_on
                ),
                link: format!("/oversight/activities/{}", a.id),
            }));
        }
        if let Some(page) = found(
            self.action_register(
                actor,
                &sems_storage::actions::ActionFilter {
                    search: words.clone(),
                    ..Default::default()
                },
                first(),
            )
            .await,
        )? {
            out.push(group("Corrective actions", &page, None, |v| Found {
                text: format!(
                    "{} · {} · due {}",
                    v.action.title, v.source_label, v.action.due_on
                ),
                link: format!("/actions/{}", v.action.id),
            }));
        }
        if let Some(page) = found(
            self.parties(
                actor,
                &sems_storage::parties::PartyFilter {
                    search: words.clone(),
                    ..Default::default()
                },
                first(),
            )
            .await,
        )? {
            out.push(group("Organisations", &page, Some("/organisations"), |p| {
                Found {
                    text: format!("{} · {}", p.name, p.kind.label()),
                    link: format!("/organisations/{}", p.id),
                }
            }));
        }
        out.retain(|g| g.total > 0);
        Ok(out)
    }
}
