//! The home page: what matters to this person, by role.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use sems_domain::access::{granted_relations, Action, RecordKind};
use sems_domain::page::PageRequest;
use sems_domain::role::Role;
use sems_storage::nominations::NominationFilter;
use sems_storage::parties::PartyFilter;
use sems_storage::people::PeopleFilter;
use sems_storage::sites::SiteFilter;
use sems_web_kit::pages::{notice, render, service_error, when, Layout, ListQuery, PageQuery};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/notifications/read", post(mark_read))
}

pub struct NoteView {
    pub message: String,
    pub link: String,
    pub when: String,
    pub unread: bool,
}

pub struct NominationLine {
    pub position: String,
    pub person: String,
    pub since: time::Date,
}

pub struct AuditLine {
    pub when: String,
    pub actor: String,
    pub action: String,
    pub party: String,
}

#[derive(Template)]
#[template(path = "platform/home.html")]
struct HomePage {
    layout: Layout,
    roles: String,
    party_id: i64,
    party_kind: String,
    /// The authority's people file no reports with it.
    is_authority: bool,
    is_admin: bool,
    two_factor_on: bool,
    notes: Vec<NoteView>,
    nominations: Option<Vec<NominationLine>>,
    sites: Option<i64>,
    people: Option<i64>,
    organisations: Option<i64>,
    overseen: Vec<(i64, String)>,
    audit: Option<Vec<AuditLine>>,
    /// What awaits the person across modules, the sections with late items first.
    agenda: Vec<sems_services::agenda::AgendaSection>,
    /// The national overview, for those who oversee every organisation.
    overview: Option<Overview>,
    /// Exemption requests from baseline measures awaiting one's decision (the authority).
    exemptions: Vec<ExemptionLine>,
}

async fn home(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(q): PageQuery<ListQuery>,
) -> Response {
    match build(&state, &user).await {
        Ok(mut page) => {
            page.layout = page.layout.with_notice(notice(q.notice.as_deref()));
            render(StatusCode::OK, &page)
        }
        Err(e) => service_error(e),
    }
}

async fn build(state: &AppState, user: &Signed) -> Result<HomePage, sems_services::ServiceError> {
    let s = &user.0.subject;
    let svc = &state.services;
    let actor = user.actor();
    let can = |kind| !granted_relations(s, kind, Action::Read).is_empty();
    let today = sems_domain::util::today();
    let notes = svc
        .notifications(s.person_id, 10)
        .await?
        .into_iter()
        .map(|n| NoteView {
            message: n.message,
            link: n.link,
            when: when(n.created_at_ms),
            unread: !n.read,
        })
        .collect::<Vec<_>>();
    let party = svc.party(&actor, s.party_id).await.ok();
    let nominations = if can(RecordKind::Nomination) && !s.party_is_authority {
        let page = svc
            .nominations(
                &actor,
                &NominationFilter {
                    party_id: Some(s.party_id),
                    current_on: Some(today),
                },
                PageRequest::default(),
            )
            .await?;
        Some(
            page.items
                .into_iter()
                .map(|n| NominationLine {
                    position: n.position.label().into(),
                    person: n.person_name,
                    since: n.starts_on,
                })
                .collect(),
        )
    } else {
        None
    };
    let sites = if can(RecordKind::Site) && !s.party_is_authority {
        Some(
            svc.sites(
                &actor,
                &SiteFilter {
                    party_id: Some(s.party_id),
                    ..Default::default()
                },
                PageRequest::new(Some(1), Some(1)),
            )
            .await?
            .total,
        )
    } else {
        None
    };
    let people = if granted_relations(s, RecordKind::Person, Action::Read)
        .iter()
        .any(|r| *r != sems_domain::access::Relation::OwnPerson)
    {
        Some(
            svc.people(
                &actor,
                &PeopleFilter {
                    party_id: Some(s.party_id),
                    ..Default::default()
                },
                PageRequest::new(Some(1), Some(1)),
            )
            .await?
            .total,
        )
    } else {
        None
    };
    let organisations = if s.party_is_authority && can(RecordKind::Party) {
        Some(
            svc.parties(
                &actor,
                &PartyFilter::default(),
                PageRequest::new(Some(1), Some(1)),
            )
            .await?
            .total
                - 1,
        )
    } else {
        None
    };
    let mut overseen = Vec::new();
    for id in &s.oversees {
        if let Ok(p) = svc.party(&actor, *id).await {
            overseen.push((p.id, p.name));
        }
    }
    let audit = if can(RecordKind::AuditEntry) {
        let page = svc
            // One's own party's changes: the authority's home shows the authority's work,
            // not the organisations' internal events (read in their trails where allowed).
            .audit_entries(
                &actor,
                &sems_storage::audit::AuditFilter {
                    party_id: Some(s.party_id),
                    ..Default::default()
                },
                PageRequest::new(Some(1), Some(5)),
            )
            .await?;
        Some(
            page.items
                .into_iter()
                .map(|a| AuditLine {
                    when: when(a.at_ms),
                    actor: a.actor_name.unwrap_or_else(|| "system".into()),
                    action: a.action,
                    party: a.owner_party_name,
                })
                .collect(),
        )
    } else {
        None
    };
    let agenda = svc.agenda(&actor).await?;
    let overview = svc.national_overview(&actor).await?.map(Overview::from);
    let exemptions = svc
        .risk()
        .pending_exemptions(&actor)
        .await?
        .into_iter()
        .map(|p| ExemptionLine {
            party_id: p.party_id,
            measure_id: p.measure_id,
            text: format!("{}: {}", p.party_name, p.measure_name),
        })
        .collect();
    let unread = notes.iter().filter(|n| n.unread).count() as i64;
    let mut layout = Layout::new("Home", user, "/");
    layout.unread = unread;
    Ok(HomePage {
        layout,
        roles: s
            .roles
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join(", "),
        party_id: s.party_id,
        party_kind: party
            .as_ref()
            .map(|p| p.kind.label().to_string())
            .unwrap_or_default(),
        is_authority: s.party_is_authority,
        is_admin: s.has_role(Role::Administrator),
        two_factor_on: user.0.person.totp_enabled,
        notes,
        nominations,
        sites,
        people,
        organisations,
        overseen,
        audit,
        agenda,
        overview,
        exemptions,
    })
}

/// The national overview with its charts drawn.
pub struct Overview {
    pub ei_svg: String,
    pub organisations_with_ei: usize,
    pub shown: usize,
    pub open_level_1_findings: i64,
    pub overdue_plans: i64,
    pub occurrences_svg: String,
    pub occurrences: i64,
    pub risk_svg: String,
    pub assessments: i64,
}

impl From<sems_services::overview::NationalOverview> for Overview {
    fn from(o: sems_services::overview::NationalOverview) -> Self {
        use sems_web_kit::charts::{bars_svg, Bar};
        let ei: Vec<Bar> = o
            .lowest_ei
            .iter()
            .map(|r| {
                let pct = r.ei.unwrap_or(0.0);
                Bar {
                    label: r.label.clone(),
                    value: pct,
                    shown: format!("{pct:.1} %"),
                }
            })
            .collect();
        let months: Vec<Bar> = o
            .occurrences_by_month
            .iter()
            .map(|(month, n)| Bar {
                label: month.clone(),
                value: *n as f64,
                shown: n.to_string(),
            })
            .collect();
        let levels: Vec<Bar> = sems_domain::risk::RiskLevel::ALL
            .iter()
            .zip(o.risk_totals)
            .map(|(level, n)| Bar {
                label: level.label().to_string(),
                value: n as f64,
                shown: n.to_string(),
            })
            .collect();
        Self {
            ei_svg: bars_svg(
                &ei,
                100.0,
                "Lowest effective implementation",
                "bars overview-ei",
            ),
            organisations_with_ei: o.organisations_with_ei,
            shown: o.lowest_ei.len(),
            open_level_1_findings: o.open_level_1_findings,
            overdue_plans: o.overdue_plans,
            occurrences: o.occurrences_by_month.iter().map(|(_, n)| n).sum(),
            occurrences_svg: bars_svg(
                &months,
                1.0,
                "Occurrences by month",
                "bars overview-occurrences",
            ),
            risk_svg: bars_svg(
                &levels,
                1.0,
                "Residual risk across the country",
                "bars overview-risk",
            ),
            assessments: o.assessments,
        }
    }
}

pub struct ExemptionLine {
    pub party_id: i64,
    pub measure_id: i64,
    pub text: String,
}

async fn mark_read(State(state): State<AppState>, user: Signed) -> Response {
    match state
        .services
        .mark_notifications_read(user.0.person.id)
        .await
    {
        Ok(_) => Redirect::to("/?notice=read").into_response(),
        Err(e) => service_error(e),
    }
}
