//! Items shared on a need-to-know basis: drafted by an issuer, a security directive (the
//! authority's alone) approved by the director before it is issued with its dates; on issue the
//! audience — parties by kind, parties, roles within parties, groups, persons — is resolved to
//! persons and groups and distributed, a directive delivered to each recipient organisation,
//! and the persons told. Reading a marked item leaves one entry in the access log.

use super::{trail, SharingServices};
use crate::{authorize, record_change, About, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, Allowed, RecordKind, RecordMeta};
use sems_domain::sharing::directive::{validate_dates, DirectiveDates, DirectiveStatus};
use sems_domain::sharing::tlp::Tlp;
use sems_domain::sharing::{check_audience, Audience, ItemKind};
use sems_domain::util::{format_date, parse_date};
use sems_domain::{Checks, ValidationError};
use sems_storage::groups::{self, Recipient};
use sems_storage::sharing::{access_log, items as store};
use sems_storage::{notifications, people, Conn};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// An item to draft.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    pub kind: ItemKind,
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub body: String,
    pub tlp: Tlp,
    /// A level name of the classification scheme (default: the lowest).
    #[serde(default)]
    pub classification: Option<String>,
    pub audience: Vec<Audience>,
    /// Whether recipients see who else received it.
    #[serde(default)]
    pub recipients_visible: bool,
    /// YYYY-MM-DD: a directive's effective date and deadlines, an item's expiry.
    #[serde(default)]
    pub effective_on: Option<String>,
    #[serde(default)]
    pub acknowledge_by: Option<String>,
    #[serde(default)]
    pub implement_by: Option<String>,
    #[serde(default)]
    pub expires_on: Option<String>,
    /// The threat scenarios it concerns.
    #[serde(default)]
    pub scenario_ids: Vec<i64>,
    /// A threat bulletin of the authority may propose a national threat level (1–5) for a
    /// scenario category; the director applies it.
    #[serde(default)]
    pub threat_category: Option<String>,
    #[serde(default)]
    pub proposed_level: Option<i64>,
    /// A lesson learned drawn from a closed report or finding.
    #[serde(default)]
    pub lesson_source: Option<LessonSource>,
    /// An issued item of the same issuer and kind this one replaces when it is issued.
    #[serde(default)]
    pub supersedes_id: Option<i64>,
}

impl ItemInput {
    /// An item with its kind, title, summary, label and audience; everything else empty (the
    /// lowest classification, no dates, nothing linked).
    pub fn new(
        kind: ItemKind,
        title: &str,
        summary: &str,
        tlp: Tlp,
        audience: Vec<Audience>,
    ) -> Self {
        ItemInput {
            kind,
            title: title.into(),
            summary: summary.into(),
            body: String::new(),
            tlp,
            classification: None,
            audience,
            recipients_visible: false,
            effective_on: None,
            acknowledge_by: None,
            implement_by: None,
            expires_on: None,
            scenario_ids: Vec::new(),
            threat_category: None,
            proposed_level: None,
            lesson_source: None,
            supersedes_id: None,
        }
    }
}

/// The closed record a lesson learned was drawn from.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LessonSource {
    /// `security_report` or `finding`.
    pub kind: String,
    pub id: i64,
}

/// A bulletin's proposed national threat level.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ThreatProposal {
    pub category: String,
    pub category_label: &'static str,
    pub level: i64,
    /// When the director applied it (ms since the epoch); none: not yet.
    pub applied_at_ms: Option<i64>,
}

/// An item as a reader sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    pub id: i64,
    pub party_id: i64,
    pub party_name: String,
    pub kind: ItemKind,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub tlp: Tlp,
    /// What the label asks of the reader.
    pub tlp_meaning: &'static str,
    pub classification: String,
    pub status: DirectiveStatus,
    /// When it was issued (ms since the epoch).
    pub issued_at_ms: Option<i64>,
    pub effective_on: Option<String>,
    pub acknowledge_by: Option<String>,
    pub implement_by: Option<String>,
    pub expires_on: Option<String>,
    /// The recipient organisations of a directive and their steps: shown to the issuer, and to
    /// recipients only when the issuer allows it.
    pub recipients: Vec<RecipientView>,
    /// The threat scenarios it concerns (those the reader may read).
    pub scenarios: Vec<crate::views::Named>,
    /// The files it carries.
    pub files: Vec<super::files::ItemFileView>,
    pub threat_proposal: Option<ThreatProposal>,
    pub lesson_source: Option<LessonSource>,
    pub supersedes_id: Option<i64>,
    /// The marking shown at the top and bottom of every page, print and export: the
    /// classification and the TLP label.
    pub marking: String,
    /// The reader's organisation's step on a directive it received.
    pub my_step: Option<sems_domain::sharing::directive::RecipientStep>,
    /// What the reader may do with it: pages and the API show exactly these.
    pub actions: super::item_actions::ItemActions,
    pub allowed: Allowed,
}

/// A recipient organisation of a directive.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecipientView {
    pub party_id: i64,
    pub party_name: String,
    pub step: sems_domain::sharing::directive::RecipientStep,
    /// The decisions the reader (the issuer) may take on this recipient now.
    pub decisions: Vec<sems_domain::sharing::directive::RecipientStep>,
}

fn item_meta(
    i: &store::SharedItem,
    authority: i64,
    distribution: sems_domain::access::Distribution,
) -> RecordMeta {
    let mut m = RecordMeta::plain(
        RecordKind::SharedItem,
        i.owner_party_id,
        i.owner_party_id == authority,
    );
    m.classification = i.classification;
    m.need_to_know = i.need_to_know;
    m.distribution = distribution;
    m
}

fn day(field: &'static str, v: &Option<String>, checks: &mut Checks) -> Option<time::Date> {
    v.as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|s| checks.check(parse_date(field, s)))
}

/// The marking line of an item: its classification and TLP label.
pub fn marking(classification: &str, tlp: Tlp) -> String {
    format!("{} · {}", classification.to_uppercase(), tlp.label())
}

impl SharingServices<'_> {
    /// The issuer's own steps (approve, issue, cancel): a recipient holding Update for its
    /// directive steps takes none of them.
    pub(super) fn issuer_only(actor: &Actor, i: &store::SharedItem) -> Result<()> {
        if actor.party_id() == Some(i.owner_party_id) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden("only its issuer does this".into()))
        }
    }

    pub(super) async fn item_and_meta(
        conn: &mut Conn,
        id: i64,
    ) -> Result<(store::SharedItem, RecordMeta)> {
        let i = store::get(conn, id)
            .await?
            .ok_or(ServiceError::NotFound("item"))?;
        let authority = crate::risk::authority_id(conn).await?;
        let d = groups::distribution_of(conn, RecordKind::SharedItem, id).await?;
        let meta = item_meta(&i, authority, d);
        Ok((i, meta))
    }

    fn view(
        &self,
        actor: &Actor,
        i: store::SharedItem,
        meta: &RecordMeta,
        recipients: Vec<RecipientView>,
    ) -> ItemView {
        let allowed = crate::allowed(actor, meta);
        let issuer = actor.party_id() == Some(i.owner_party_id);
        let my_step = recipients
            .iter()
            .find(|r| Some(r.party_id) == actor.party_id())
            .map(|r| r.step);
        let actions = super::item_actions::item_actions(actor, &i, &allowed, my_step);
        let recipients = recipients
            .into_iter()
            .map(|mut r| {
                r.decisions = super::item_actions::decisions(&i, issuer, &allowed, r.step);
                r
            })
            .collect::<Vec<_>>();
        ItemView {
            id: i.id,
            party_id: i.owner_party_id,
            party_name: i.party_name,
            kind: i.kind,
            title: i.title,
            summary: i.summary,
            body: i.body,
            tlp: i.tlp,
            tlp_meaning: i.tlp.meaning(),
            classification: self.classification.name(i.classification).to_string(),
            status: i.status,
            issued_at_ms: i.issued_at_ms,
            effective_on: i.effective_on.map(format_date),
            acknowledge_by: i.acknowledge_by.map(format_date),
            implement_by: i.implement_by.map(format_date),
            expires_on: i.expires_on.map(format_date),
            recipients: if issuer || i.recipients_visible {
                recipients
            } else {
                Vec::new()
            },
            scenarios: Vec::new(),
            files: Vec::new(),
            threat_proposal: match (&i.threat_category, i.proposed_level) {
                (Some(c), Some(level)) => sems_domain::scenario::ScenarioCategory::parse(c)
                    .ok()
                    .map(|cat| ThreatProposal {
                        category: c.clone(),
                        category_label: cat.label(),
                        level,
                        applied_at_ms: i.proposal_applied_at_ms,
                    }),
                _ => None,
            },
            lesson_source: match (&i.lesson_source_kind, i.lesson_source_id) {
                (Some(k), Some(id)) => Some(LessonSource {
                    kind: k.clone(),
                    id,
                }),
                _ => None,
            },
            supersedes_id: i.supersedes_id,
            my_step,
            actions,
            marking: marking(self.classification.name(i.classification), i.tlp),
            allowed,
        }
    }

    /// Drafts an item of the actor's party (a directive only by the authority).
    #[tracing::instrument(skip_all)]
    pub async fn draft_item(
        &self,
        actor: &Actor,
        party_id: i64,
        input: &ItemInput,
    ) -> Result<ItemView> {
        let mut checks = Checks::default();
        let title = input.title.trim();
        checks.require(
            !title.is_empty() && title.chars().count() <= 200,
            "title",
            "a title of 1 to 200 characters",
        );
        checks.require(!input.summary.trim().is_empty(), "summary", "a summary");
        let classification = match &input.classification {
            Some(c) => checks.check(self.classification.parse(c)).unwrap_or(0),
            None => 0,
        };
        if let Err(e) = check_audience(input.tlp, &input.audience) {
            checks.refuse(e);
        }
        let effective_on = day("effective_on", &input.effective_on, &mut checks);
        let acknowledge_by = day("acknowledge_by", &input.acknowledge_by, &mut checks);
        let implement_by = day("implement_by", &input.implement_by, &mut checks);
        let expires_on = day("expires_on", &input.expires_on, &mut checks);
        let threat_category = match (&input.threat_category, input.proposed_level) {
            (None, None) => None,
            (Some(c), Some(level)) => {
                checks.require(
                    input.kind == ItemKind::ThreatBulletin,
                    "threat_category",
                    "a threat bulletin proposes a threat level",
                );
                checks.require(
                    (1..=5).contains(&level),
                    "proposed_level",
                    "a national threat level from 1 to 5",
                );
                checks
                    .check(sems_domain::scenario::ScenarioCategory::parse(c))
                    .map(|c| c.as_str())
            }
            _ => {
                checks.refuse(ValidationError::new(
                    "proposed_level",
                    "a proposal names the scenario category and the level",
                ));
                None
            }
        };
        if input.lesson_source.is_some() {
            checks.require(
                input.kind == ItemKind::LessonLearned,
                "lesson_source",
                "only a lesson learned is drawn from a report or finding",
            );
        }
        let mut tx = self.store.write().await?;
        let authority = crate::risk::authority_id(tx.conn()).await?;
        let meta = RecordMeta::plain(RecordKind::SharedItem, party_id, party_id == authority);
        authorize(actor, Action::Create, &meta, "organisation")?;
        checks.require(
            input.kind != ItemKind::SecurityDirective || party_id == authority,
            "kind",
            "security directives are the authority's",
        );
        if threat_category.is_some() {
            checks.require(
                party_id == authority,
                "threat_category",
                "national threat levels are the authority's",
            );
        }
        let lesson_source = match &input.lesson_source {
            Some(l) => Some(self.lesson_source(tx.conn(), actor, l.clone()).await?),
            None => None,
        };
        if let Some(old) = input.supersedes_id {
            let replaced = store::get(tx.conn(), old).await?;
            checks.require(
                replaced.is_some_and(|r| {
                    r.owner_party_id == party_id && r.kind == input.kind && r.status.in_force()
                }),
                "supersedes_id",
                "an issued item of the same issuer and kind",
            );
        }
        for s in &input.scenario_ids {
            let readable = match sems_storage::risk::scenario(tx.conn(), *s).await? {
                Some(sc) => {
                    let owner_is_authority = sc.party_id == authority;
                    crate::allowed(actor, &crate::risk::scenario_meta(&sc, owner_is_authority)).read
                }
                None => false,
            };
            checks.require(readable, "scenario_ids", format!("no threat scenario {s}"));
        }
        checks.finish()?;
        let id = store::insert(
            tx.conn(),
            &store::NewItem {
                owner_party_id: party_id,
                kind: input.kind,
                title,
                summary: input.summary.trim(),
                body: input.body.trim(),
                tlp: input.tlp,
                classification,
                // Who reads is the issuer's readers and whom it is distributed to: the
                // distribution is the need-to-know.
                need_to_know: false,
                status: DirectiveStatus::Draft,
                effective_on,
                acknowledge_by,
                implement_by,
                expires_on,
                recipients_visible: input.recipients_visible,
                audience: &input.audience,
                threat_category,
                proposed_level: threat_category.and(input.proposed_level),
                lesson_source,
                supersedes_id: input.supersedes_id,
            },
            actor.person_id(),
        )
        .await?;
        for s in &input.scenario_ids {
            store::link_scenario(tx.conn(), id, *s).await?;
        }
        let (i, meta) = Self::item_and_meta(tx.conn(), id).await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::ITEM_DRAFT,
                record_id: Some(id),
                before: NONE,
                after: Some(&serde_json::json!({ "kind": input.kind, "title": title, "tlp": input.tlp, "classification": classification, "audience": input.audience, "scenarios": input.scenario_ids, "threat_category": threat_category, "proposed_level": input.proposed_level, "lesson_source": input.lesson_source, "supersedes": input.supersedes_id })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(self.view(actor, i, &meta, Vec::new()))
    }

    /// Approves a directive (the director).
    #[tracing::instrument(skip_all)]
    pub async fn approve_directive(&self, actor: &Actor, id: i64) -> Result<ItemView> {
        let mut tx = self.store.write().await?;
        let (i, meta) = Self::item_and_meta(tx.conn(), id).await?;
        authorize(actor, Action::Accept, &meta, "item")?;
        Self::issuer_only(actor, &i)?;
        if i.kind != ItemKind::SecurityDirective || !i.status.may_move_to(DirectiveStatus::Approved)
        {
            return Err(ServiceError::Conflict(
                "only a draft directive is approved".into(),
            ));
        }
        if !store::set_status(
            tx.conn(),
            id,
            i.status,
            DirectiveStatus::Approved,
            actor.person_id(),
        )
        .await?
        {
            return Err(ServiceError::Conflict(
                "the item changed meanwhile: reload".into(),
            ));
        }
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::ITEM_APPROVE,
                record_id: Some(id),
                before: Some(&serde_json::json!({ "status": i.status })),
                after: Some(&serde_json::json!({ "status": DirectiveStatus::Approved })),
            },
        )
        .await?;
        let (i, meta) = Self::item_and_meta(tx.conn(), id).await?;
        tx.commit().await?;
        Ok(self.view(actor, i, &meta, Vec::new()))
    }

    /// Issues an item: a directive only once approved and with its dates; its audience
    /// resolved to persons and groups and distributed, a directive delivered to each recipient
    /// organisation, the persons told.
    #[tracing::instrument(skip_all)]
    pub async fn issue_item(&self, actor: &Actor, id: i64) -> Result<ItemView> {
        let mut tx = self.store.write().await?;
        let (i, meta) = Self::item_and_meta(tx.conn(), id).await?;
        authorize(actor, Action::Update, &meta, "item")?;
        Self::issuer_only(actor, &i)?;
        let today = sems_domain::util::today();
        if i.kind == ItemKind::SecurityDirective {
            if i.status != DirectiveStatus::Approved {
                return Err(ServiceError::Conflict(
                    "a security directive is issued only once the director approved it".into(),
                ));
            }
            let (Some(effective_on), Some(acknowledge_by), Some(implement_by)) =
                (i.effective_on, i.acknowledge_by, i.implement_by)
            else {
                return Err(ValidationError::new("effective_on", "a directive is issued with its effective date, acknowledgement and implementation deadlines").into());
            };
            validate_dates(
                &DirectiveDates {
                    effective_on,
                    acknowledge_by,
                    implement_by,
                    expires_on: i.expires_on,
                },
                today,
            )?;
        } else if i.status != DirectiveStatus::Draft {
            return Err(ServiceError::Conflict("the item is issued already".into()));
        }
        // The audience, resolved: persons and groups.
        let super::audience::Resolved {
            mut persons,
            groups: groups_named,
        } = super::audience::resolve(
            tx.conn(),
            &self.classification,
            i.owner_party_id,
            &i.audience.0,
            i.classification,
        )
        .await?;
        persons.remove(&actor.person_id().unwrap_or(0));
        if persons.is_empty() && groups_named.is_empty() {
            return Err(ValidationError::new("audience", "the audience names nobody today").into());
        }
        let grant = groups::Grant {
            reason: "issued to its audience",
            expires_on: i.expires_on,
            by: actor.person_id(),
        };
        for p in &persons {
            groups::distribute_with(
                tx.conn(),
                RecordKind::SharedItem,
                id,
                Recipient::Person(*p),
                &grant,
            )
            .await?;
        }
        for g in &groups_named {
            groups::distribute_with(
                tx.conn(),
                RecordKind::SharedItem,
                id,
                Recipient::Group(*g),
                &grant,
            )
            .await?;
        }
        if i.kind == ItemKind::SecurityDirective {
            let mut recipient_parties = BTreeSet::new();
            // The organisations of the persons named, and of the members of the groups named.
            let mut members: Vec<i64> = Vec::new();
            for g in &groups_named {
                members.extend(
                    groups::members(tx.conn(), *g)
                        .await?
                        .into_iter()
                        .map(|m| m.id),
                );
            }
            for p in persons.iter().chain(members.iter()) {
                if let Some(person) = people::get(tx.conn(), *p).await? {
                    if person.party_id != i.owner_party_id {
                        recipient_parties.insert(person.party_id);
                    }
                }
            }
            for party in recipient_parties {
                store::deliver(tx.conn(), id, party).await?;
            }
        }
        if !store::set_status(tx.conn(), id, i.status, DirectiveStatus::Issued, None).await? {
            return Err(ServiceError::Conflict(
                "the item changed meanwhile: reload".into(),
            ));
        }
        if let Some(old) = i.supersedes_id {
            // The item it replaces ends as it is issued, in the trail too.
            if store::end(
                tx.conn(),
                old,
                DirectiveStatus::Issued,
                DirectiveStatus::Superseded,
            )
            .await?
            {
                let (_, old_meta) = Self::item_and_meta(tx.conn(), old).await?;
                record_change(
                    tx.conn(),
                    actor,
                    crate::Change {
                        about: &About::record(&old_meta, Some(old)),
                        action: trail::ITEM_END,
                        record_id: Some(old),
                        before: Some(&serde_json::json!({ "status": DirectiveStatus::Issued })),
                        after: Some(
                            &serde_json::json!({ "status": DirectiveStatus::Superseded, "by": id }),
                        ),
                    },
                )
                .await?;
            }
        }
        let told: Vec<i64> = persons.iter().copied().collect();
        notifications::insert(
            tx.conn(),
            &told,
            &format!("{} from {}: {}", i.kind.label(), i.party_name, i.title),
            &format!("/sharing/items/{id}"),
        )
        .await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::ITEM_ISSUE,
                record_id: Some(id),
                before: Some(&serde_json::json!({ "status": i.status })),
                after: Some(&serde_json::json!({ "status": DirectiveStatus::Issued, "persons": persons.len(), "groups": groups_named })),
            },
        )
        .await?;
        let (i, meta) = Self::item_and_meta(tx.conn(), id).await?;
        let recipients = recipient_views(tx.conn(), id).await?;
        tx.commit().await?;
        Ok(self.view(actor, i, &meta, recipients))
    }

    /// An item, read: a marked one (any label but CLEAR, or a classification above the
    /// lowest) leaves one entry in the access log.
    #[tracing::instrument(skip_all)]
    pub async fn item(&self, actor: &Actor, id: i64) -> Result<ItemView> {
        let mut tx = self.store.write().await?;
        let (i, meta) = Self::item_and_meta(tx.conn(), id).await?;
        authorize(actor, Action::Read, &meta, "item")?;
        if let Actor::Person(s) = actor {
            if i.tlp != Tlp::Clear || i.classification > 0 {
                access_log::append(
                    tx.conn(),
                    RecordKind::SharedItem,
                    id,
                    i.owner_party_id,
                    s.person_id,
                    s.party_id,
                    "view",
                )
                .await?;
            }
        }
        if let Some(person) = actor.person_id() {
            sems_storage::sharing::inbox::mark_read(tx.conn(), person, id).await?;
        }
        let recipients = recipient_views(tx.conn(), id).await?;
        let scenarios = self.readable_scenarios(tx.conn(), actor, id).await?;
        let files = Self::file_views(tx.conn(), id).await?;
        tx.commit().await?;
        let mut view = self.view(actor, i, &meta, recipients);
        view.scenarios = scenarios;
        view.files = files;
        Ok(view)
    }

    /// An item read for a print or an export, which log their own entry.
    pub(super) async fn item_unlogged(&self, actor: &Actor, id: i64) -> Result<ItemView> {
        let mut conn = self.store.read().await?;
        let (i, meta) = Self::item_and_meta(&mut conn, id).await?;
        authorize(actor, Action::Read, &meta, "item")?;
        let recipients = recipient_views(&mut conn, id).await?;
        let scenarios = self.readable_scenarios(&mut conn, actor, id).await?;
        let files = Self::file_views(&mut conn, id).await?;
        let mut view = self.view(actor, i, &meta, recipients);
        view.scenarios = scenarios;
        view.files = files;
        Ok(view)
    }

    /// The scenarios an item concerns that the reader may read.
    async fn readable_scenarios(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: i64,
    ) -> Result<Vec<crate::views::Named>> {
        let mut out = Vec::new();
        for n in store::scenarios(conn, id).await? {
            if let Some(f) =
                super::records::record_facts(conn, RecordKind::ThreatScenario, n.id).await?
            {
                if crate::allowed(actor, &f.meta).read {
                    out.push(crate::views::Named::from(&n));
                }
            }
        }
        Ok(out)
    }

    /// The items the actor may read (their issuer's and those sent to them), newest first.
    #[tracing::instrument(skip_all)]
    pub async fn items(
        &self,
        actor: &Actor,
        filter: &store::ItemFilter,
        page: sems_domain::page::PageRequest,
    ) -> Result<sems_domain::page::Page<ItemView>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        let found = store::list(&mut conn, subject, filter, page).await?;
        let authority = crate::risk::authority_id(&mut conn).await?;
        // The page's distributions in one query.
        let records: Vec<(RecordKind, i64)> = found
            .items
            .iter()
            .map(|i| (RecordKind::SharedItem, i.id))
            .collect();
        let mut distributions = groups::distributions_of(&mut conn, &records).await?;
        Ok(found.map(|i| {
            let d = distributions
                .remove(&(RecordKind::SharedItem, i.id))
                .unwrap_or_default();
            let meta = item_meta(&i, authority, d);
            let mut view = self.view(actor, i, &meta, Vec::new());
            // A list shows what each item is; its body is read on its page, where the read
            // is logged.
            view.body = String::new();
            view
        }))
    }

    /// The access log of an item: for its issuer's readers (the quality auditor among them).
    #[tracing::instrument(skip_all)]
    pub async fn item_access_log(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Vec<access_log::AccessEntry>> {
        let mut conn = self.store.read().await?;
        let (i, meta) = Self::item_and_meta(&mut conn, id).await?;
        // The item itself, at its marking, and only on the issuer's side.
        authorize(actor, Action::Read, &meta, "item")?;
        Self::issuer_only(actor, &i)?;
        Ok(access_log::of_record(&mut conn, RecordKind::SharedItem, id, 500).await?)
    }
}

pub(super) async fn recipient_views(conn: &mut Conn, id: i64) -> Result<Vec<RecipientView>> {
    Ok(store::recipients(conn, id)
        .await?
        .into_iter()
        .map(|r| RecipientView {
            party_id: r.party_id,
            party_name: r.party_name,
            step: r.step,
            decisions: Vec::new(),
        })
        .collect())
}
