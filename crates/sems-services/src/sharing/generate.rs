//! The sharing part of the synthetic data set: the authority's items over the data set's
//! years — threat bulletins, information circulars, security directives, lessons learned —
//! each to every organisation of one or two kinds (their accountable executive, security
//! manager, analyst, quality auditor and training officer), a directive's recipient
//! organisations through their steps (most on time, some late and escalated as the job would,
//! the recent ones still open), bulletins expiring after a year; each organisation's own
//! circulars to its readers; most items read, each read of a marked one in the access log.
//! Written in bulk, ids given, in one transaction.

use super::SharingServices;
use crate::generate::{GenerateParams, Rng};
use crate::risk::generate::GeneratedOrg;
use crate::Result;
use sems_domain::party::PartyKind;
use sems_domain::sharing::directive::{DirectiveStatus, RecipientStep};
use sems_domain::sharing::tlp::Tlp;
use sems_domain::sharing::{Audience, ItemKind};
use sems_domain::util::format_date;
use sems_storage::bulk::{self, BulkSet};
use sems_storage::sql::Arg;
use time::{Date, Duration};

/// What the sharing part wrote.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct SharingSummary {
    pub items: u64,
    pub distributions: u64,
    pub recipients: u64,
    pub reads: u64,
    pub access_log: u64,
}

impl SharingSummary {
    pub fn rows(&self) -> u64 {
        self.items + self.distributions + self.recipients + self.reads + self.access_log
    }
}

const ITEMS: usize = 0;
const DISTRIBUTIONS: usize = 1;
const RECIPIENTS: usize = 2;
const READS: usize = 3;
const LOG: usize = 4;

fn ms(day: Date) -> i64 {
    sems_domain::performance::periods::start_ms(day) + 9 * 3_600_000
}

/// An organisation and its five security readers.
type Readers = (i64, [i64; 5]);

/// An item to write: its facts and who receives it.
struct Generated<'a> {
    owner: i64,
    kind: ItemKind,
    tlp: Tlp,
    classification: i64,
    issued: Date,
    audience: &'a [Audience],
    /// The persons it is distributed to, with their party.
    persons: Vec<(i64, i64)>,
}

impl SharingServices<'_> {
    /// Items and their recipients' states over `p.years` up to `today`.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn generate_sharing(
        &self,
        p: &GenerateParams,
        authority: i64,
        orgs: &[GeneratedOrg],
        today: Date,
    ) -> Result<SharingSummary> {
        let mut out = SharingSummary::default();
        if p.items_per_year == 0 || orgs.is_empty() {
            return Ok(out);
        }
        let mut rng = Rng::new(p.seed ^ 0x5A4E_0000_0000_0007);
        let first = today - Duration::days(i64::from(p.years) * 365);
        let mut tx = self.store.write().await?;
        let mut item_id = bulk::next_id(tx.conn(), "shared_items").await?;
        // Each organisation's kind and its five security readers (the generator's first five
        // people: executive, security manager, analyst, quality auditor, training officer).
        let mut by_kind: Vec<(PartyKind, Vec<Readers>)> = Vec::new();
        for o in orgs {
            let Some(party) = sems_storage::parties::get(tx.conn(), o.party_id).await? else {
                continue;
            };
            let readers = [
                o.executive,
                o.security_manager,
                o.security_manager + 1,
                o.security_manager + 2,
                o.security_manager + 3,
            ];
            match by_kind.iter_mut().find(|(k, _)| *k == party.kind) {
                Some((_, list)) => list.push((o.party_id, readers)),
                None => by_kind.push((party.kind, vec![(o.party_id, readers)])),
            }
        }
        let mut rows = BulkSet::new(&[
            "INSERT INTO shared_items (id, owner_party_id, kind, title, summary, body, tlp, classification, need_to_know, status, effective_on, acknowledge_by, implement_by, expires_on, recipients_visible, audience, issued_at_ms, created_at_ms, updated_at_ms) VALUES",
            "INSERT INTO distributions (record_kind, record_id, person_id, reason, created_at_ms) VALUES",
            "INSERT INTO directive_recipients (item_id, party_id, step, acknowledged_on, method, evidence_sha256, implemented_on, verified_on, acknowledgement_escalated, implementation_escalated, updated_at_ms) VALUES",
            "INSERT INTO shared_item_reads (person_id, item_id, first_read_at_ms) VALUES",
            "INSERT INTO access_log (record_kind, record_id, owner_party_id, person_id, party_id, action, at_ms) VALUES",
        ]);
        let per_year = u64::from(p.items_per_year);
        let total = per_year * u64::from(p.years);
        for n in 0..total {
            let kind = match rng.below(10) {
                0..=3 => ItemKind::ThreatBulletin,
                4..=6 => ItemKind::InformationCircular,
                7..=8 => ItemKind::SecurityDirective,
                _ => ItemKind::LessonLearned,
            };
            let issued = first + Duration::days(rng.below(u64::from(p.years) * 365) as i64);
            let kinds: Vec<usize> = if kind == ItemKind::SecurityDirective && by_kind.len() > 1 {
                let a = rng.below(by_kind.len() as u64) as usize;
                vec![a, (a + 1) % by_kind.len()]
            } else {
                vec![rng.below(by_kind.len() as u64) as usize]
            };
            let audience: Vec<Audience> = kinds
                .iter()
                .map(|k| Audience::PartyKind {
                    party_kind: by_kind[*k].0,
                })
                .collect();
            let persons: Vec<(i64, i64)> = kinds
                .iter()
                .flat_map(|k| {
                    by_kind[*k]
                        .1
                        .iter()
                        .flat_map(|(party, readers)| readers.iter().map(move |r| (*r, *party)))
                })
                .collect();
            let tlp = match (kind, rng.below(10)) {
                (ItemKind::SecurityDirective, _) | (_, 0..=4) => Tlp::Amber,
                (_, 5..=7) => Tlp::Green,
                (_, 8) => Tlp::AmberStrict,
                _ => Tlp::Clear,
            };
            let g = Generated {
                owner: authority,
                kind,
                tlp,
                classification: i64::from(rng.below(2) == 0),
                issued,
                audience: &audience,
                persons,
            };
            self.write_item(&mut tx, &mut rows, &mut rng, item_id, n, &g, today)
                .await?;
            item_id += 1;
        }
        // Each organisation's own circulars to its readers, two a year.
        for (o, org) in orgs.iter().enumerate() {
            let readers = [
                org.executive,
                org.security_manager,
                org.security_manager + 1,
                org.security_manager + 2,
                org.security_manager + 3,
            ];
            let audience = vec![Audience::Party {
                party_id: org.party_id,
            }];
            for n in 0..(2 * p.years) {
                let issued = first + Duration::days(rng.below(u64::from(p.years) * 365) as i64);
                let g = Generated {
                    owner: org.party_id,
                    kind: ItemKind::InformationCircular,
                    tlp: Tlp::Green,
                    classification: 0,
                    issued,
                    audience: &audience,
                    // The issuer is not its own recipient.
                    persons: readers.iter().skip(1).map(|r| (*r, org.party_id)).collect(),
                };
                self.write_item(
                    &mut tx,
                    &mut rows,
                    &mut rng,
                    item_id,
                    (o as u64) << 16 | u64::from(n),
                    &g,
                    today,
                )
                .await?;
                item_id += 1;
            }
        }
        rows.flush(tx.conn()).await?;
        out.items = rows.written(ITEMS);
        out.distributions = rows.written(DISTRIBUTIONS);
        out.recipients = rows.written(RECIPIENTS);
        out.reads = rows.written(READS);
        out.access_log = rows.written(LOG);
        tx.commit().await?;
        bulk::reset_sequences(&self.store, &["shared_items"]).await?;
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    async fn write_item(
        &self,
        tx: &mut sems_storage::WriteTx,
        rows: &mut BulkSet,
        rng: &mut Rng,
        id: i64,
        n: u64,
        g: &Generated<'_>,
        today: Date,
    ) -> Result<()> {
        let directive = g.kind == ItemKind::SecurityDirective;
        let at = ms(g.issued);
        let (effective, ack_by, impl_by) = if directive {
            (
                Some(g.issued + Duration::days(7)),
                Some(g.issued + Duration::days(14)),
                Some(g.issued + Duration::days(90)),
            )
        } else {
            (None, None, None)
        };
        let expires = (g.kind == ItemKind::ThreatBulletin).then(|| g.issued + Duration::days(365));
        let status = if expires.is_some_and(|e| e < today) {
            DirectiveStatus::Expired
        } else {
            DirectiveStatus::Issued
        };
        let day = |d: Option<Date>| -> Arg { d.map(format_date).into() };
        let audience = serde_json::to_string(g.audience)
            .map_err(|e| crate::ServiceError::Internal(e.to_string()))?;
        rows.row(
            tx.conn(),
            ITEMS,
            vec![
                id.into(),
                g.owner.into(),
                g.kind.as_str().into(),
                format!("{} {n}", g.kind.label()).into(),
                "Generated for the national data set.".into(),
                "".into(),
                g.tlp.as_str().into(),
                g.classification.into(),
                0i64.into(),
                status.as_str().into(),
                day(effective),
                day(ack_by),
                day(impl_by),
                day(expires),
                0i64.into(),
                audience.into(),
                at.into(),
                at.into(),
                at.into(),
            ],
        )
        .await?;
        let marked = g.tlp != Tlp::Clear || g.classification > 0;
        let age = (today - g.issued).whole_days();
        let mut parties: Vec<i64> = Vec::new();
        for (person, party) in &g.persons {
            rows.row(
                tx.conn(),
                DISTRIBUTIONS,
                vec![
                    "shared_item".into(),
                    id.into(),
                    (*person).into(),
                    "".into(),
                    at.into(),
                ],
            )
            .await?;
            if !parties.contains(party) {
                parties.push(*party);
            }
            let read = rng.below(10) < if age > 30 { 8 } else { 4 };
            if read {
                let when = at + rng.below(5 * 86_400_000) as i64;
                rows.row(
                    tx.conn(),
                    READS,
                    vec![(*person).into(), id.into(), when.into()],
                )
                .await?;
                if marked {
                    rows.row(
                        tx.conn(),
                        LOG,
                        vec![
                            "shared_item".into(),
                            id.into(),
                            g.owner.into(),
                            (*person).into(),
                            (*party).into(),
                            "view".into(),
                            when.into(),
                        ],
                    )
                    .await?;
                }
            }
        }
        if let (true, Some(ack_by), Some(impl_by)) = (directive, ack_by, impl_by) {
            for party in parties {
                // Acknowledged on time nine times in ten, a few days late otherwise.
                let ack_on = g.issued
                    + Duration::days(if rng.below(10) < 9 {
                        rng.below(14) as i64
                    } else {
                        15 + rng.below(10) as i64
                    });
                let acknowledged = (ack_on <= today).then_some(ack_on);
                let impl_on = g.issued
                    + Duration::days(if rng.below(10) < 8 {
                        20 + rng.below(70) as i64
                    } else {
                        91 + rng.below(60) as i64
                    });
                let implemented = (acknowledged.is_some() && impl_on <= today && rng.below(20) > 0)
                    .then_some(impl_on);
                let verified = implemented
                    .map(|d| d + Duration::days(10))
                    .filter(|d| *d <= today);
                let step = match (acknowledged, implemented, verified) {
                    (_, _, Some(_)) => RecipientStep::Verified,
                    (_, Some(_), None) => RecipientStep::Implemented,
                    (Some(a), None, None) if (today - a).whole_days() > 3 => {
                        RecipientStep::MethodStated
                    }
                    (Some(_), None, None) => RecipientStep::Acknowledged,
                    _ => RecipientStep::Delivered,
                };
                // Late steps were escalated as the job would have.
                let ack_late = acknowledged.is_none_or(|a| a > ack_by) && today > ack_by;
                let impl_late = implemented.is_none_or(|d| d > impl_by) && today > impl_by;
                rows.row(
                    tx.conn(),
                    RECIPIENTS,
                    vec![
                        id.into(),
                        party.into(),
                        step.as_str().into(),
                        day(acknowledged),
                        if step.acknowledged() && step != RecipientStep::Acknowledged {
                            "As directed".into()
                        } else {
                            "".into()
                        },
                        implemented.map(|_| "0".repeat(64)).into(),
                        day(implemented),
                        day(verified),
                        i64::from(ack_late).into(),
                        i64::from(impl_late).into(),
                        at.into(),
                    ],
                )
                .await?;
            }
        }
        Ok(())
    }
}
