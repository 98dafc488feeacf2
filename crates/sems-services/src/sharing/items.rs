//! Items shared on a need-to-know basis: drafted by an issuer, a security directive (the
//! authority's alone) approved by the director before it is issued with its dates; on issue the
//! audience — parties by kind, parties, roles within parties, groups, persons — is resolved to
//! persons and groups and distributed, a directive delivered to each recipient organisation,
//! and the persons told. Reading a marked item leaves one entry in the access log.

use super::{trail, SharingServices};
use crate::{authorize, record_change, About, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, Allowed, RecordKind, RecordMeta};
use sems_domain::role::Role;
use sems_domain::sharing::directive::{validate_dates, DirectiveDates, DirectiveStatus};
use sems_domain::sharing::tlp::Tlp;
use sems_domain::sharing::{check_audience, Audience, ItemKind};
use sems_domain::util::{format_date, parse_date};
use sems_domain::{Checks, ValidationError};
use sems_storage::groups::{self, Recipient};
use sems_storage::sharing::{access_log, items as store};
use sems_storage::sql::Sql;
use sems_storage::{notifications, parties, people, Conn};
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
    pub effective_on: Option<String>,
    pub acknowledge_by: Option<String>,
    pub implement_by: Option<String>,
    pub expires_on: Option<String>,
    /// The recipient organisations of a directive and their steps: shown to the issuer, and to
    /// recipients only when the issuer allows it.
    pub recipients: Vec<RecipientView>,
    pub allowed: Allowed,
}

/// A recipient organisation of a directive.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecipientView {
    pub party_id: i64,
    pub party_name: String,
    pub step: sems_domain::sharing::directive::RecipientStep,
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

/// The security readers of an organisation: who a party-wide audience reaches.
const READERS: [Role; 6] = [
    Role::AccountableExecutive,
    Role::SecurityManager,
    Role::SecurityAnalyst,
    Role::QualityAuditor,
    Role::TrainingOfficer,
    Role::Viewer,
];

impl SharingServices<'_> {
    async fn item_and_meta(conn: &mut Conn, id: i64) -> Result<(store::SharedItem, RecordMeta)> {
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
            effective_on: i.effective_on.map(format_date),
            acknowledge_by: i.acknowledge_by.map(format_date),
            implement_by: i.implement_by.map(format_date),
            expires_on: i.expires_on.map(format_date),
            recipients: if issuer || i.recipients_visible {
                recipients
            } else {
                Vec::new()
            },
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
        let mut tx = self.store.write().await?;
        let authority = crate::risk::authority_id(tx.conn()).await?;
        let meta = RecordMeta::plain(RecordKind::SharedItem, party_id, party_id == authority);
        authorize(actor, Action::Create, &meta, "organisation")?;
        checks.require(
            input.kind != ItemKind::SecurityDirective || party_id == authority,
            "kind",
            "security directives are the authority's",
        );
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
            },
            actor.person_id(),
        )
        .await?;
        let (i, meta) = Self::item_and_meta(tx.conn(), id).await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::ITEM_DRAFT,
                record_id: Some(id),
                before: NONE,
                after: Some(&serde_json::json!({ "kind": input.kind, "title": title, "tlp": input.tlp, "classification": classification, "audience": input.audience })),
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
        if i.kind != ItemKind::SecurityDirective || !i.status.may_move_to(DirectiveStatus::Approved)
        {
            return Err(ServiceError::Conflict(
                "only a draft directive is approved".into(),
            ));
        }
        store::set_status(tx.conn(), id, DirectiveStatus::Approved, actor.person_id()).await?;
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
        let mut persons: BTreeSet<i64> = BTreeSet::new();
        let mut groups_named: BTreeSet<i64> = BTreeSet::new();
        for a in &i.audience.0 {
            match a {
                Audience::PartyKind { party_kind } => {
                    let mut party =
                        Sql::new("IN (SELECT id FROM parties WHERE active = 1 AND kind = ");
                    party.bind(party_kind.as_str()).push(")");
                    persons.extend(people::ids_with_roles_in(tx.conn(), &party, &READERS).await?);
                }
                Audience::Party { party_id } => {
                    if parties::get(tx.conn(), *party_id).await?.is_none() {
                        return Err(ValidationError::new(
                            "audience",
                            format!("no party {party_id}"),
                        )
                        .into());
                    }
                    persons.extend(people::ids_with_roles(tx.conn(), *party_id, &READERS).await?);
                }
                Audience::Role {
                    party_id: Some(p),
                    role,
                } => {
                    persons.extend(people::ids_with_roles(tx.conn(), *p, &[*role]).await?);
                }
                Audience::Role {
                    party_id: None,
                    role,
                } => {
                    let every = Sql::new("IN (SELECT id FROM parties WHERE active = 1)");
                    persons.extend(people::ids_with_roles_in(tx.conn(), &every, &[*role]).await?);
                }
                Audience::Group { group_id } => {
                    if groups::get(tx.conn(), *group_id).await?.is_none() {
                        return Err(ValidationError::new(
                            "audience",
                            format!("no group {group_id}"),
                        )
                        .into());
                    }
                    groups_named.insert(*group_id);
                }
                Audience::Person { person_id } => {
                    if people::get(tx.conn(), *person_id).await?.is_none() {
                        return Err(ValidationError::new(
                            "audience",
                            format!("no person {person_id}"),
                        )
                        .into());
                    }
                    persons.insert(*person_id);
                }
            }
        }
        persons.remove(&actor.person_id().unwrap_or(0));
        if persons.is_empty() && groups_named.is_empty() {
            return Err(ValidationError::new("audience", "the audience names nobody today").into());
        }
        for p in &persons {
            groups::distribute(tx.conn(), RecordKind::SharedItem, id, Recipient::Person(*p))
                .await?;
        }
        for g in &groups_named {
            groups::distribute(tx.conn(), RecordKind::SharedItem, id, Recipient::Group(*g)).await?;
        }
        if i.kind == ItemKind::SecurityDirective {
            let mut recipient_parties = BTreeSet::new();
            for p in &persons {
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
        store::set_status(tx.conn(), id, DirectiveStatus::Issued, None).await?;
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
        let recipients = recipient_views(tx.conn(), id).await?;
        tx.commit().await?;
        Ok(self.view(actor, i, &meta, recipients))
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
        let mut out = Vec::with_capacity(found.items.len());
        for i in &found.items {
            let d = groups::distribution_of(&mut conn, RecordKind::SharedItem, i.id).await?;
            out.push(item_meta(i, authority, d));
        }
        let mut metas = out.into_iter();
        Ok(found.map(|i| {
            let meta = metas
                .next()
                .unwrap_or_else(|| item_meta(&i, authority, Default::default()));
            self.view(actor, i, &meta, Vec::new())
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
        let (i, _) = Self::item_and_meta(&mut conn, id).await?;
        let owner = RecordMeta::plain(RecordKind::SharedItem, i.owner_party_id, false);
        authorize(actor, Action::Read, &owner, "item")?;
        Ok(access_log::of_record(&mut conn, RecordKind::SharedItem, id, 500).await?)
    }
}

async fn recipient_views(conn: &mut Conn, id: i64) -> Result<Vec<RecipientView>> {
    Ok(store::recipients(conn, id)
        .await?
        .into_iter()
        .map(|r| RecipientView {
            party_id: r.party_id,
            party_name: r.party_name,
            step: r.step,
        })
        .collect())
}

/// A step of a recipient organisation on a directive.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepInput {
    pub step: sems_domain::sharing::directive::RecipientStep,
    /// The recipient organisation, for the authority's steps (deciding on alternatives,
    /// verifying); a recipient's own steps are its own organisation's.
    #[serde(default)]
    pub party_id: Option<i64>,
    /// The implementation method, the alternative measures, or the authority's decision.
    #[serde(default)]
    pub text: String,
}

impl SharingServices<'_> {
    /// Takes a step on a directive: a recipient organisation's accountable executive or
    /// security manager acknowledges, states the method or proposes alternatives, implements
    /// with evidence; the issuer decides on alternatives and verifies. Each step only from the
    /// one before it.
    #[tracing::instrument(skip_all)]
    pub async fn directive_step(
        &self,
        actor: &Actor,
        id: i64,
        input: &StepInput,
        evidence: Option<crate::reports::NewAttachment>,
    ) -> Result<Vec<RecipientView>> {
        use sems_domain::sharing::directive::RecipientStep as S;
        let evidence = match evidence {
            Some(f) => {
                let name = sems_domain::report::clean_filename(&f.filename);
                sems_domain::report::check_attachment(&name, &f.bytes)?;
                Some((sems_domain::util::sha256_hex(&f.bytes), f.bytes))
            }
            None => None,
        };
        let mut tx = self.store.write().await?;
        let (i, meta) = Self::item_and_meta(tx.conn(), id).await?;
        authorize(actor, Action::Read, &meta, "item")?;
        if i.kind != ItemKind::SecurityDirective || !i.status.in_force() {
            return Err(ServiceError::Conflict(
                "steps are taken on an issued directive".into(),
            ));
        }
        let party = if input.step.by_authority() {
            // The issuer's side decides: its people who may change the item.
            let owner = RecordMeta::plain(RecordKind::SharedItem, i.owner_party_id, true);
            authorize(actor, Action::Update, &owner, "item")?;
            input.party_id.ok_or_else(|| {
                ServiceError::from(ValidationError::new(
                    "party_id",
                    "the recipient organisation the decision is about",
                ))
            })?
        } else {
            // The recipient's accountable executive or security manager: the rule grants them
            // Update as recipients (the issuer's own people are no recipient organisation).
            authorize(actor, Action::Update, &meta, "item").map_err(|_| {
                ServiceError::Forbidden(
                    "a directive's steps are taken by the recipient's accountable executive or security manager".into(),
                )
            })?;
            actor.party_id().unwrap_or(0)
        };
        let current = store::recipients(tx.conn(), id)
            .await?
            .into_iter()
            .find(|r| r.party_id == party)
            .ok_or(ServiceError::NotFound("recipient"))?;
        if !current.step.may_move_to(input.step) {
            return Err(ServiceError::Conflict(format!(
                "{} cannot follow {}",
                input.step.label(),
                current.step.label().to_lowercase()
            )));
        }
        let text = input.text.trim();
        let needs_text = matches!(
            input.step,
            S::MethodStated
                | S::AlternativeProposed
                | S::AlternativeAccepted
                | S::AlternativeRefused
        );
        if needs_text && text.is_empty() {
            return Err(ValidationError::new(
                "text",
                "say how: the method, the alternative measures, or the reason for the decision",
            )
            .into());
        }
        if input.step == S::Implemented && evidence.is_none() {
            return Err(ValidationError::new(
                "evidence",
                "an implementation is recorded with its evidence",
            )
            .into());
        }
        if let Some((sum, bytes)) = &evidence {
            crate::attachments::store_file(&self.reporting_config()?.attachments_dir, sum, bytes)?;
        }
        let patch = store::StepPatch {
            acknowledged_by: (input.step == S::Acknowledged)
                .then(|| actor.person_id())
                .flatten(),
            method: (input.step == S::MethodStated).then_some(text),
            alternative: (input.step == S::AlternativeProposed).then_some(text),
            decision_note: matches!(input.step, S::AlternativeAccepted | S::AlternativeRefused)
                .then_some(text),
            evidence_sha256: evidence.as_ref().map(|e| e.0.as_str()),
        };
        if !store::advance(
            tx.conn(),
            id,
            party,
            current.step,
            input.step,
            &patch,
            sems_domain::util::today(),
        )
        .await?
        {
            return Err(ServiceError::Conflict(
                "the step was taken meanwhile: reload".into(),
            ));
        }
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::DIRECTIVE_STEP,
                record_id: Some(id),
                before: Some(&serde_json::json!({ "party": party, "step": current.step })),
                after: Some(&serde_json::json!({ "party": party, "step": input.step, "text": text, "evidence": evidence.as_ref().map(|e| &e.0) })),
            },
        )
        .await?;
        let out = recipient_views(tx.conn(), id).await?;
        tx.commit().await?;
        Ok(out)
    }
}

/// Whom a reader passes an item on to, and why.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardInput {
    #[serde(default)]
    pub person_id: Option<i64>,
    #[serde(default)]
    pub group_id: Option<i64>,
    /// Why they need to know: kept in the trail.
    pub reason: String,
}

impl SharingServices<'_> {
    /// How far `party` is from the reader's party `from`, as the TLP rule counts it.
    async fn onward(
        conn: &mut Conn,
        from: i64,
        party: i64,
    ) -> Result<sems_domain::sharing::tlp::Onward> {
        use sems_domain::sharing::tlp::Onward;
        if party == from {
            return Ok(Onward::OwnOrganisation);
        }
        let mine = sems_storage::oversight::activities::contractors(conn, from).await?;
        let theirs = sems_storage::oversight::activities::contractors(conn, party).await?;
        if mine.iter().any(|c| c.id == party) || theirs.iter().any(|c| c.id == from) {
            Ok(Onward::ClientOrContractor)
        } else {
            Ok(Onward::Community)
        }
    }

    /// Passes an item on to a person or a group, as far as its TLP label allows (RED never,
    /// AMBER+STRICT within the reader's organisation, AMBER also to its clients and
    /// contractors, GREEN within the deployment), with the reason they need to know.
    #[tracing::instrument(skip_all)]
    pub async fn forward_item(&self, actor: &Actor, id: i64, input: &ForwardInput) -> Result<()> {
        let reason = input.reason.trim();
        if reason.is_empty() {
            return Err(ValidationError::new("reason", "say why they need to know").into());
        }
        let mut tx = self.store.write().await?;
        let (i, meta) = Self::item_and_meta(tx.conn(), id).await?;
        authorize(actor, Action::Read, &meta, "item")?;
        if !i.status.in_force() {
            return Err(ServiceError::Conflict(
                "only an issued item is passed on".into(),
            ));
        }
        let from = actor.party_id().unwrap_or(0);
        let (to, parties): (Recipient, Vec<i64>) = match (input.person_id, input.group_id) {
            (Some(p), None) => {
                let person = people::get(tx.conn(), p)
                    .await?
                    .filter(|p| p.active)
                    .ok_or_else(|| {
                        ServiceError::from(ValidationError::new("person_id", "no such person"))
                    })?;
                if person.clearance < i.classification {
                    return Err(ValidationError::new(
                        "person_id",
                        format!(
                            "{}'s clearance does not cover {}",
                            person.display_name,
                            self.classification.name(i.classification)
                        ),
                    )
                    .into());
                }
                (Recipient::Person(p), vec![person.party_id])
            }
            (None, Some(g)) => {
                if groups::get(tx.conn(), g).await?.is_none() {
                    return Err(ValidationError::new("group_id", "no such group").into());
                }
                let mut parties = Vec::new();
                for m in groups::members(tx.conn(), g).await? {
                    if let Some(p) = people::get(tx.conn(), m.id).await? {
                        parties.push(p.party_id);
                    }
                }
                (Recipient::Group(g), parties)
            }
            _ => {
                return Err(ValidationError::new("person_id", "one person or one group").into());
            }
        };
        for party in parties {
            let onward = Self::onward(tx.conn(), from, party).await?;
            sems_domain::sharing::tlp::may_forward(i.tlp, onward)
                .map_err(ServiceError::Forbidden)?;
        }
        groups::distribute(tx.conn(), RecordKind::SharedItem, id, to).await?;
        if let Recipient::Person(p) = to {
            notifications::insert(
                tx.conn(),
                &[p],
                &format!("Passed on to you: {}", i.title),
                &format!("/sharing/items/{id}"),
            )
            .await?;
        }
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::ITEM_FORWARD,
                record_id: Some(id),
                before: NONE,
                after: Some(&serde_json::json!({ "person": input.person_id, "group": input.group_id, "reason": reason })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
