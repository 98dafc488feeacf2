//! Any record shared the same way as an item: a risk assessment, a threat scenario, a finding
//! or an item distributed from its page to an audience, with the reason its recipients need
//! to know and an expiry; recorded in the audit trail. The access rule reads the
//! distribution, so the recipients read the record until the grant expires.

use super::audience::{resolve, Resolved};
use super::items::LessonSource;
use super::{trail, SharingServices};
use crate::{authorize, record_change, About, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::sharing::Audience;
use sems_domain::util::{parse_date, today};
use sems_domain::ValidationError;
use sems_storage::groups::{self, Grant, Recipient};
use sems_storage::{notifications, Conn};
use serde::{Deserialize, Serialize};

/// The kinds of record distributed from their page.
pub const SHAREABLE: [RecordKind; 4] = [
    RecordKind::RiskAssessment,
    RecordKind::ThreatScenario,
    RecordKind::Finding,
    RecordKind::SharedItem,
];

/// To whom a record is distributed, why and until when.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareInput {
    pub audience: Vec<Audience>,
    /// Why they need to know: kept with each grant and in the trail.
    pub reason: String,
    /// YYYY-MM-DD: the last day the grant holds; none: until withdrawn.
    #[serde(default)]
    pub expires_on: Option<String>,
}

/// What a distribution reached.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Shared {
    pub persons: usize,
    pub groups: usize,
}

/// A record's facts for sharing: its access facts, title and page.
pub(crate) struct RecordFacts {
    pub meta: RecordMeta,
    pub title: String,
    pub link: String,
    /// Closed (a report or finding a lesson is drawn from).
    pub closed: bool,
}

/// The facts of a record of a shareable kind (or a closed report); `None` when there is none.
pub(crate) async fn record_facts(
    conn: &mut Conn,
    kind: RecordKind,
    id: i64,
) -> Result<Option<RecordFacts>> {
    let authority = crate::risk::authority_id(conn).await?;
    let distribution = groups::distribution_of(conn, kind, id).await?;
    let mut facts = match kind {
        RecordKind::RiskAssessment => {
            sems_storage::risk::assessment(conn, id)
                .await?
                .map(|a| RecordFacts {
                    meta: crate::risk::assessments::assessment_meta(&a),
                    title: format!("Risk assessment {}", a.id),
                    link: format!("/risk/assessments/{}", a.id),
                    closed: false,
                })
        }
        RecordKind::ThreatScenario => {
            sems_storage::risk::scenario(conn, id)
                .await?
                .map(|s| RecordFacts {
                    meta: crate::risk::scenario_meta(&s, s.party_id == authority),
                    title: format!("{} {}", s.code, s.title),
                    link: format!("/risk/scenarios/{}", s.id),
                    closed: false,
                })
        }
        RecordKind::Finding => match sems_storage::oversight::findings::get(conn, id).await? {
            Some(f) => Some(RecordFacts {
                meta: crate::oversight::findings::finding_meta(conn, &f).await?,
                title: format!(
                    "Finding {} ({}) of {}",
                    f.id, f.requirement_code, f.party_name
                ),
                link: format!("/oversight/findings/{}", f.id),
                closed: f.status == sems_domain::oversight::FindingStatus::Closed,
            }),
            None => None,
        },
        RecordKind::SecurityReport => {
            sems_storage::reports::report(conn, id)
                .await?
                .map(|r| RecordFacts {
                    meta: crate::reports::report_meta(&r),
                    title: format!("Report {}: {}", r.id, r.category_label),
                    link: format!("/reports/{}", r.id),
                    closed: r.status == sems_domain::report::ReportStatus::Closed,
                })
        }
        RecordKind::SharedItem => sems_storage::sharing::items::get(conn, id).await?.map(|i| {
            let mut m = RecordMeta::plain(
                RecordKind::SharedItem,
                i.owner_party_id,
                i.owner_party_id == authority,
            );
            m.classification = i.classification;
            m.need_to_know = i.need_to_know;
            RecordFacts {
                meta: m,
                title: i.title,
                link: format!("/sharing/items/{}", i.id),
                closed: false,
            }
        }),
        _ => None,
    };
    if let Some(f) = facts.as_mut() {
        f.meta.distribution = distribution;
    }
    Ok(facts)
}

impl SharingServices<'_> {
    /// Checks the closed report or finding a lesson learned is drawn from: one the actor reads.
    pub(super) async fn lesson_source(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        l: LessonSource,
    ) -> Result<(RecordKind, i64)> {
        let kind = match l.kind.as_str() {
            "security_report" => RecordKind::SecurityReport,
            "finding" => RecordKind::Finding,
            _ => {
                return Err(ValidationError::new(
                    "lesson_source",
                    "a lesson learned is drawn from a security_report or a finding",
                )
                .into())
            }
        };
        let facts = record_facts(conn, kind, l.id)
            .await?
            .filter(|f| crate::allowed(actor, &f.meta).read)
            .ok_or_else(|| {
                ServiceError::from(ValidationError::new(
                    "lesson_source",
                    format!("no {} {}", l.kind, l.id),
                ))
            })?;
        if !facts.closed {
            return Err(ValidationError::new(
                "lesson_source",
                format!(
                    "{} is not closed: lessons are drawn from closed reports and findings",
                    facts.title
                ),
            )
            .into());
        }
        Ok((kind, l.id))
    }

    /// Distributes a record to an audience: by those who may change it, with the reason and
    /// an expiry; the persons told.
    #[tracing::instrument(skip_all)]
    pub async fn share_record(
        &self,
        actor: &Actor,
        kind: RecordKind,
        id: i64,
        input: &ShareInput,
    ) -> Result<Shared> {
        let reason = input.reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(ValidationError::new(
                "reason",
                "say why they need to know (up to 500 characters)",
            )
            .into());
        }
        if input.audience.is_empty() {
            return Err(ValidationError::new(
                "audience",
                "name whom it is for: parties, roles, groups, persons or a list",
            )
            .into());
        }
        let expires_on = match input
            .expires_on
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(d) => {
                let d = parse_date("expires_on", d)?;
                if d < today() {
                    return Err(ValidationError::new(
                        "expires_on",
                        "a grant expires today or later",
                    )
                    .into());
                }
                Some(d)
            }
            None => None,
        };
        if !SHAREABLE.contains(&kind) {
            return Err(ServiceError::NotFound("record"));
        }
        let mut tx = self.store.write().await?;
        let facts = record_facts(tx.conn(), kind, id)
            .await?
            .ok_or(ServiceError::NotFound("record"))?;
        authorize(actor, Action::Read, &facts.meta, "record")?;
        authorize(actor, Action::Update, &facts.meta, "record").map_err(|_| {
            ServiceError::Forbidden("a record is distributed by those who may change it".into())
        })?;
        if kind == RecordKind::SharedItem {
            // An item is distributed further by its issuer, once issued (a recipient passes it
            // on as far as its label allows instead, and a draft waits for its issue).
            let item = sems_storage::sharing::items::get(tx.conn(), id)
                .await?
                .ok_or(ServiceError::NotFound("record"))?;
            if actor.party_id() != Some(item.owner_party_id) {
                return Err(ServiceError::Forbidden(
                    "an item is distributed by its issuer; pass it on as far as its label allows"
                        .into(),
                ));
            }
            if !item.status.in_force() {
                return Err(ServiceError::Conflict(
                    "only an issued item is distributed further".into(),
                ));
            }
            sems_domain::sharing::check_audience(item.tlp, &input.audience)?;
        }
        let Resolved {
            mut persons,
            groups: named_groups,
        } = resolve(
            tx.conn(),
            &self.classification,
            facts.meta.owner_party_id,
            &input.audience,
            facts.meta.classification,
        )
        .await?;
        persons.remove(&actor.person_id().unwrap_or(0));
        if persons.is_empty() && named_groups.is_empty() {
            return Err(ValidationError::new(
                "audience",
                "the audience names nobody cleared for it today",
            )
            .into());
        }
        let grant = Grant {
            reason,
            expires_on,
            by: actor.person_id(),
        };
        for p in &persons {
            groups::distribute_with(tx.conn(), kind, id, Recipient::Person(*p), &grant).await?;
        }
        for g in &named_groups {
            groups::distribute_with(tx.conn(), kind, id, Recipient::Group(*g), &grant).await?;
        }
        let told: Vec<i64> = persons.iter().copied().collect();
        notifications::insert(
            tx.conn(),
            &told,
            &format!("Shared with you: {} — {reason}", facts.title),
            &facts.link,
        )
        .await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&facts.meta, Some(id)),
                action: trail::distribute(kind),
                record_id: Some(id),
                before: NONE,
                after: Some(&serde_json::json!({
                    "audience": input.audience,
                    "persons": told,
                    "groups": named_groups,
                    "reason": reason,
                    "expires_on": input.expires_on,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Shared {
            persons: persons.len(),
            groups: named_groups.len(),
        })
    }
}
