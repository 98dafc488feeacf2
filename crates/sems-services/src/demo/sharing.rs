//! The demo's need-to-know sharing: an AMBER threat bulletin of the authority to every airport
//! operator, linked to the national insider scenarios and proposing a higher threat level the
//! director has not applied yet; a security directive approved by the director and issued to
//! airports and air carriers, acknowledged by the airport (its method stated) but not yet by
//! the air carrier; reads of both in their access logs; and the authority's distribution list
//! of airport security managers, with its reason and yearly review.

use super::demo_actor;
use crate::sharing::inbox::{ListEntryInput, ListInput};
use crate::sharing::items::ItemInput;
use crate::sharing::steps::StepInput;
use crate::{Result, ServiceError, Services};
use sems_domain::party::PartyKind;
use sems_domain::sharing::directive::RecipientStep;
use sems_domain::sharing::tlp::Tlp;
use sems_domain::sharing::{Audience, ItemKind};
use sems_domain::util::{format_date, today};
use time::Duration;

/// The bulletin's title: the demo is loaded once.
const BULLETIN: &str = "Insider recruitment attempts at regional airports";

fn item(
    kind: ItemKind,
    title: &str,
    summary: &str,
    body: &str,
    audience: Vec<Audience>,
) -> ItemInput {
    ItemInput {
        body: body.into(),
        classification: Some("RESTRICTED".into()),
        ..ItemInput::new(kind, title, summary, Tlp::Amber, audience)
    }
}

impl Services {
    pub(super) async fn load_sharing_demo(&self, authority: i64) -> Result<usize> {
        let sharing = self.sharing();
        let intel = demo_actor(self, "intel")
            .await?
            .ok_or(ServiceError::NotFound("demo account"))?;
        let director = demo_actor(self, "director")
            .await?
            .ok_or(ServiceError::NotFound("demo account"))?;
        let (insider_pass, insider_systems) = {
            let mut conn = self.store.read().await?;
            let existing = sems_storage::sharing::items::list(
                &mut conn,
                intel.lister()?,
                &sems_storage::sharing::items::ItemFilter {
                    owner_party_id: Some(authority),
                    kind: Some(ItemKind::ThreatBulletin),
                },
                sems_domain::page::PageRequest::new(None, None),
            )
            .await?;
            if existing.items.iter().any(|i| i.title == BULLETIN) {
                return Ok(0);
            }
            let a = sems_storage::risk::scenario_by_code(&mut conn, authority, "NAT-03")
                .await?
                .map(|s| s.id);
            let b = sems_storage::risk::scenario_by_code(&mut conn, authority, "NAT-16")
                .await?
                .map(|s| s.id);
            (a, b)
        };
        let mut created = 0;
        // The bulletin: AMBER, to every airport operator, on the insider scenarios, proposing
        // a higher level for prohibited items (the director decides).
        let mut bulletin = item(
            ItemKind::ThreatBulletin,
            BULLETIN,
            "Staff at two regional airports were approached on social media and offered money to carry packages airside. Treat unsolicited approaches as reportable; brief staff with airside passes.",
            "Assessment: the approaches follow one pattern (a recruiter posing as a logistics firm, a first small favour, then a package). No package is known to have passed.\n\nWhat to do: remind staff to report approaches through the confidential channel; check that staff screening at staff entrances is applied to every person and item; review who holds airside passes without a current need.",
            vec![Audience::PartyKind { party_kind: PartyKind::AirportOperator }],
        );
        bulletin.scenario_ids = insider_pass.into_iter().chain(insider_systems).collect();
        bulletin.threat_category = Some("prohibited_items".into());
        bulletin.proposed_level = Some(4);
        let b = sharing.draft_item(&intel, authority, &bulletin).await?;
        sharing.issue_item(&intel, b.id).await?;
        created += 1;
        // The directive: approved by the director, issued to airports and air carriers.
        let t = today();
        let mut directive = item(
            ItemKind::SecurityDirective,
            "Screening of all staff and items at staff entrances",
            "From its effective date every person and item entering the security restricted area through a staff entrance is screened, without exception.",
            "Each airport operator and air carrier with its own staff access states how it implements this directive and records the evidence once it is in place. Alternative measures of equal effect may be proposed; the authority decides on them.",
            vec![
                Audience::PartyKind { party_kind: PartyKind::AirportOperator },
                Audience::PartyKind { party_kind: PartyKind::AirCarrier },
            ],
        );
        directive.effective_on = Some(format_date(t + Duration::days(7)));
        directive.acknowledge_by = Some(format_date(t + Duration::days(5)));
        directive.implement_by = Some(format_date(t + Duration::days(45)));
        directive.scenario_ids = insider_pass.into_iter().collect();
        let d = sharing.draft_item(&intel, authority, &directive).await?;
        sharing.approve_directive(&director, d.id).await?;
        sharing.issue_item(&intel, d.id).await?;
        created += 1;
        // The airport reads both, acknowledges and states its method; the air carrier has
        // not acknowledged yet.
        if let Some(manager) = demo_actor(self, "npt.security").await? {
            sharing.item(&manager, b.id).await?;
            sharing.item(&manager, d.id).await?;
            for (step, text) in [
                (RecipientStep::Acknowledged, ""),
                (RecipientStep::MethodStated, "Staff entrances 1 and 2 get a screening lane each from the effective date; entrance 3 closes until its lane is installed."),
            ] {
                sharing
                    .directive_step(&manager, d.id, &StepInput { step, party_id: None, text: text.into() }, None)
                    .await?;
            }
        }
        if let Some(executive) = demo_actor(self, "npt.executive").await? {
            sharing.item(&executive, b.id).await?;
        }
        // The authority's predefined list of airport security managers.
        let list = sharing
            .create_distribution_list(
                &intel,
                &ListInput {
                    name: "Airport security managers".into(),
                    highest_classification: Some("CONFIDENTIAL".into()),
                },
            )
            .await?;
        sharing
            .add_list_entry(
                &intel,
                list.id,
                &ListEntryInput {
                    audience: Audience::PartyKind { party_kind: PartyKind::AirportOperator },
                    reason: "Airport operators implement the national measures against threats to airside areas".into(),
                    expires_on: None,
                },
            )
            .await?;
        created += 1;
        Ok(created)
    }
}
