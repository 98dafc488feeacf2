//! A directive's steps: each recipient organisation acknowledges, states its method or proposes
//! alternatives, implements with evidence; the issuer decides on alternatives and verifies.

use super::items::{recipient_views, RecipientView};
use super::{trail, SharingServices};
use crate::{authorize, record_change, About, Actor, Result, ServiceError};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::sharing::ItemKind;
use sems_domain::ValidationError;
use sems_storage::sharing::items as store;
use serde::Deserialize;

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
        // Recipients see each other only when the issuer allows it: a recipient's answer holds
        // its own organisation's line.
        let issuer = actor.party_id() == Some(i.owner_party_id);
        let out = recipient_views(tx.conn(), id)
            .await?
            .into_iter()
            .filter(|r| issuer || i.recipients_visible || r.party_id == party)
            .collect();
        tx.commit().await?;
        Ok(out)
    }
}
