//! What a reader may do with an item, decided once here from the access rule's answer and
//! the item's state: pages and the API show exactly these.

use sems_domain::access::Allowed;
use sems_domain::sharing::directive::{DirectiveStatus, RecipientStep};
use sems_domain::sharing::tlp::Tlp;
use sems_domain::sharing::ItemKind;
use sems_storage::sharing::items::SharedItem;
use serde::Serialize;

/// What the reader may do with an item.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ItemActions {
    /// Approve a draft directive (the issuer's director).
    pub approve: bool,
    /// Issue it to its audience.
    pub issue: bool,
    pub cancel: bool,
    /// Pass it on to a person or group, as far as the label allows.
    pub forward: bool,
    /// Distribute it to a further audience (its issuer).
    pub share: bool,
    /// Apply the bulletin's proposed national threat level (the director).
    pub apply_threat_level: bool,
    /// Report a suspected unauthorised disclosure (a recipient).
    pub report_disclosure: bool,
    /// Read its access log (the issuer's readers).
    pub access_log: bool,
    /// Print it or export it (marked, watermarked, logged).
    pub export: bool,
    /// Attach a file (its issuer, before it is issued).
    pub attach: bool,
    /// The steps the reader's organisation may take now on a directive it received.
    pub steps: Vec<RecipientStep>,
}

pub(super) fn item_actions(
    actor: &crate::Actor,
    i: &SharedItem,
    allowed: &Allowed,
    my_step: Option<RecipientStep>,
) -> ItemActions {
    let issuer = actor.party_id() == Some(i.owner_party_id);
    let directive = i.kind == ItemKind::SecurityDirective;
    let in_force = i.status.in_force();
    ItemActions {
        approve: issuer
            && allowed.accept
            && directive
            && i.status.may_move_to(DirectiveStatus::Approved),
        issue: issuer
            && allowed.update
            && if directive {
                i.status == DirectiveStatus::Approved
            } else {
                i.status == DirectiveStatus::Draft
            },
        cancel: issuer && allowed.update && i.status.may_move_to(DirectiveStatus::Cancelled),
        forward: allowed.read && in_force && i.tlp != Tlp::Red,
        share: issuer && allowed.update && in_force,
        apply_threat_level: issuer
            && allowed.accept
            && in_force
            && i.proposed_level.is_some()
            && i.proposal_applied_at_ms.is_none(),
        report_disclosure: !issuer && allowed.read && actor.person_id().is_some(),
        access_log: issuer && allowed.read,
        export: allowed.read && actor.person_id().is_some(),
        attach: issuer
            && allowed.update
            && !in_force
            && i.status.may_move_to(DirectiveStatus::Cancelled),
        steps: match my_step {
            Some(step) if !issuer && allowed.update && in_force && directive => RecipientStep::ALL
                .iter()
                .copied()
                .filter(|s| !s.by_authority() && step.may_move_to(*s))
                .collect(),
            _ => Vec::new(),
        },
    }
}

/// The decisions the issuer may take on a recipient at `step`.
pub(super) fn decisions(
    i: &SharedItem,
    issuer: bool,
    allowed: &Allowed,
    step: RecipientStep,
) -> Vec<RecipientStep> {
    if !(issuer && allowed.update && i.status.in_force()) {
        return Vec::new();
    }
    RecipientStep::ALL
        .iter()
        .copied()
        .filter(|s| s.by_authority() && step.may_move_to(*s))
        .collect()
}
