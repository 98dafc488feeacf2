//! What is due, and how compliant an organisation and the country are: the due lists per
//! person, function, site and organisation (and nationally for inspectors assigned to
//! organisations), read from the standings computed ahead; the compliance figures summed from
//! the counts kept per organisation — share current per function and requirement, screeners
//! meeting the image-recognition rule, background checks valid.

use super::{authority_id, TrainingServices};
use crate::{authorize, Actor, Result, ServiceError};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::page::{Page, PageRequest};
use sems_domain::training::assess::RequirementKind;
use sems_domain::training::currency::Currency;
use sems_domain::training::Function;
use sems_domain::util::format_date;
use sems_storage::parties;
use sems_storage::training::standings::{self as store, ComplianceTotal, DueFilter, StandingRow};
use serde::Serialize;
use std::collections::BTreeMap;

/// A person's standing with one requirement, as shown in lists.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StandingView {
    pub personnel_id: i64,
    pub full_name: String,
    pub employee_number: String,
    pub party_id: i64,
    pub party_name: String,
    pub site_name: Option<String>,
    pub function: Function,
    pub function_label: &'static str,
    pub requirement: RequirementKind,
    pub requirement_label: &'static str,
    /// The course that meets it; empty for the background check.
    pub course: String,
    pub currency: Currency,
    pub currency_label: &'static str,
    pub due_on: Option<String>,
    pub lapses_on: Option<String>,
    pub detail: String,
    /// The task to withdraw the entitlement, once it lapsed.
    pub withdrawal_action_id: Option<i64>,
}

impl From<StandingRow> for StandingView {
    fn from(r: StandingRow) -> Self {
        Self {
            personnel_id: r.personnel_id,
            full_name: r.full_name,
            employee_number: r.employee_number,
            party_id: r.owner_party_id,
            party_name: r.party_name,
            site_name: r.site_name,
            function: r.function,
            function_label: r.function.label(),
            requirement: r.kind,
            requirement_label: r.kind.label(),
            course: r.course,
            currency: r.currency,
            currency_label: r.currency.label(),
            due_on: r.due_on.map(format_date),
            lapses_on: r.lapses_on.map(format_date),
            detail: r.detail,
            withdrawal_action_id: r.withdrawal_action_id,
        }
    }
}

/// A share: so many of so many.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Share {
    pub count: i64,
    pub of: i64,
    /// None when there is nobody to count.
    pub percent: Option<f64>,
}

impl Share {
    /// As a page shows it: "87.5 %", or "—" when there is nobody to count.
    pub fn shown(&self) -> String {
        self.percent.map_or("—".into(), |p| format!("{p:.1} %"))
    }

    fn of(count: i64, of: i64) -> Self {
        Self {
            count,
            of,
            percent: (of > 0).then(|| (count as f64) * 100.0 / (of as f64)),
        }
    }
}

/// How many people stand where with one requirement of one function (or of any function).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ComplianceRow {
    /// None: any function, each person counted once at their worst.
    pub function: Option<Function>,
    pub function_label: &'static str,
    pub requirement: RequirementKind,
    pub requirement_label: &'static str,
    pub current: i64,
    pub due_soon: i64,
    pub in_grace: i64,
    pub overdue: i64,
    pub lapsed: i64,
    /// Current or due soon: entitled and not late.
    pub share_current: Share,
}

/// The three figures the SPI library takes, for an organisation or the country.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ComplianceFigures {
    /// Requirements current (or due soon) among every person's requirements, each person
    /// counted once per requirement.
    pub current: Share,
    /// Screeners meeting the image-recognition rule (six hours in every six months).
    pub screeners_compliant: Share,
    /// People whose background check is valid, among those who need one.
    pub checks_valid: Share,
}

/// An organisation's figures on the national view.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrganisationCompliance {
    pub party_id: i64,
    pub party_name: String,
    pub figures: ComplianceFigures,
}

/// The compliance view of an organisation or of the country.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ComplianceView {
    /// None for the national view.
    pub party_id: Option<i64>,
    pub scope: String,
    pub figures: ComplianceFigures,
    /// Per function and requirement; the rows of any function first.
    pub rows: Vec<ComplianceRow>,
    /// The national view's organisations, by name.
    pub organisations: Vec<OrganisationCompliance>,
}

/// Counts per currency of one requirement.
#[derive(Default, Clone, Copy)]
struct Tally([i64; 5]);

impl Tally {
    fn add(&mut self, c: Currency, n: i64) {
        if let Ok(i) = usize::try_from(c.severity()) {
            if let Some(slot) = self.0.get_mut(i) {
                *slot += n;
            }
        }
    }
    fn get(&self, c: Currency) -> i64 {
        usize::try_from(c.severity())
            .ok()
            .and_then(|i| self.0.get(i).copied())
            .unwrap_or(0)
    }
    fn total(&self) -> i64 {
        self.0.iter().sum()
    }
    fn entitled(&self) -> i64 {
        self.get(Currency::Current) + self.get(Currency::DueSoon)
    }
}

fn figures(any_function: &BTreeMap<RequirementKind, Tally>) -> ComplianceFigures {
    let all = any_function.values().fold((0, 0), |(c, t), tally| {
        (c + tally.entitled(), t + tally.total())
    });
    let of = |k| {
        any_function
            .get(&k)
            .map(|t| Share::of(t.entitled(), t.total()))
            .unwrap_or_default()
    };
    ComplianceFigures {
        current: Share::of(all.0, all.1),
        screeners_compliant: of(RequirementKind::ImageTraining),
        checks_valid: of(RequirementKind::BackgroundCheck),
    }
}

fn rows_of(totals: &[ComplianceTotal]) -> (Vec<ComplianceRow>, ComplianceFigures) {
    let mut tallies: BTreeMap<(String, RequirementKind), Tally> = BTreeMap::new();
    for t in totals {
        tallies
            .entry((t.function.clone(), t.kind))
            .or_default()
            .add(t.currency, t.personnel);
    }
    let any: BTreeMap<RequirementKind, Tally> = tallies
        .iter()
        .filter(|((f, _), _)| f.is_empty())
        .map(|((_, k), t)| (*k, *t))
        .collect();
    let rows = tallies
        .into_iter()
        .map(|((f, kind), t)| {
            let function = Function::parse(&f).ok();
            ComplianceRow {
                function,
                function_label: function.map(|f| f.label()).unwrap_or("Any function"),
                requirement: kind,
                requirement_label: kind.label(),
                current: t.get(Currency::Current),
                due_soon: t.get(Currency::DueSoon),
                in_grace: t.get(Currency::InGrace),
                overdue: t.get(Currency::Overdue),
                lapsed: t.get(Currency::Lapsed),
                share_current: Share::of(t.entitled(), t.total()),
            }
        })
        .collect();
    (rows, figures(&any))
}

impl TrainingServices<'_> {
    /// Whether the actor sees the national compliance view (the authority's readers of
    /// organisations' performance).
    pub fn sees_national_compliance(actor: &Actor) -> bool {
        crate::performance::PerformanceServices::sees_national_view(actor)
    }

    /// What is due, overdue, in grace or lapsed, most urgent first, as the actor may read it.
    #[tracing::instrument(skip_all)]
    pub async fn due_list(
        &self,
        actor: &Actor,
        filter: &DueFilter,
        page: PageRequest,
    ) -> Result<Page<StandingView>> {
        let subject = actor.lister()?;
        // Outside the authority a reader reads only their own organisation's standings (as
        // its keeper of the register, or their own): said in the filter, the list is read by
        // the organisation's index rather than filtered out of the country's.
        let mut filter = filter.clone();
        if !subject.party_is_authority {
            filter.party_id.get_or_insert(subject.party_id);
        }
        let mut conn = self.store.read().await?;
        Ok(store::due_list(&mut conn, subject, &filter, page)
            .await?
            .map(StandingView::from))
    }

    /// A person's standing with each requirement of their functions.
    #[tracing::instrument(skip_all)]
    pub async fn standings(&self, actor: &Actor, personnel_id: i64) -> Result<Vec<StandingView>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        super::readable_person(&mut conn, actor, personnel_id).await?;
        Ok(store::of_person(&mut conn, subject, personnel_id)
            .await?
            .into_iter()
            .map(StandingView::from)
            .collect())
    }

    /// An organisation's compliance: its readers of performance (its leaders, analysts,
    /// quality auditor and training officer) and the authority.
    #[tracing::instrument(skip_all)]
    pub async fn compliance(&self, actor: &Actor, party_id: i64) -> Result<ComplianceView> {
        let mut conn = self.store.read().await?;
        let authority = authority_id(&mut conn).await?;
        let party = parties::get(&mut conn, party_id)
            .await?
            .ok_or(ServiceError::NotFound("organisation"))?;
        let meta = RecordMeta::plain(RecordKind::IndicatorValue, party_id, party_id == authority);
        authorize(actor, Action::Read, &meta, "organisation")?;
        let totals = store::compliance_totals(&mut conn, Some(party_id)).await?;
        let (rows, figures) = rows_of(&totals);
        Ok(ComplianceView {
            party_id: Some(party_id),
            scope: party.name,
            figures,
            rows,
            organisations: Vec::new(),
        })
    }

    /// The national compliance view: the country's figures and each organisation's.
    #[tracing::instrument(skip_all)]
    pub async fn national_compliance(&self, actor: &Actor) -> Result<ComplianceView> {
        if !Self::sees_national_compliance(actor) {
            return Err(ServiceError::NotFound("national view"));
        }
        let mut conn = self.store.read().await?;
        let totals = store::compliance_totals(&mut conn, None).await?;
        let (rows, figures_all) = rows_of(&totals);
        let mut by_party: BTreeMap<i64, (String, BTreeMap<RequirementKind, Tally>)> =
            BTreeMap::new();
        for r in store::compliance_by_party(&mut conn).await? {
            by_party
                .entry(r.owner_party_id)
                .or_insert_with(|| (r.party_name.clone(), BTreeMap::new()))
                .1
                .entry(r.kind)
                .or_default()
                .add(r.currency, r.personnel);
        }
        let mut organisations: Vec<OrganisationCompliance> = by_party
            .into_iter()
            .map(|(party_id, (party_name, tallies))| OrganisationCompliance {
                party_id,
                party_name,
                figures: figures(&tallies),
            })
            .collect();
        organisations.sort_by(|a, b| a.party_name.cmp(&b.party_name));
        Ok(ComplianceView {
            party_id: None,
            scope: "National".into(),
            figures: figures_all,
            rows,
            organisations,
        })
    }
}
