//! The personnel register: a record per person the training programme applies to (most
//! screeners have no sems account), kept by the employer's training officer and security
//! manager, entered on a page, posted through the API or imported from an HR export (CSV,
//! all or nothing, with a dry run). Personal data: read through the access rule only.

use super::{authority_id, currency, personnel_meta, register_meta, trail, TrainingServices};
use crate::import::{self, CsvImport, ImportReport};
use crate::{allowed, authorize, record_change, About, Actor, Result, ServiceError};
use sems_domain::access::{Action, Allowed};
use sems_domain::csv::CsvRow;
use sems_domain::page::{Page, PageRequest};
use sems_domain::training::Function;
use sems_domain::util::{format_date, parse_date, today};
use sems_domain::{Checks, ValidationError};
use sems_storage::training::personnel::{
    self as store, HeldFunction, Personnel, PersonnelFilter, PersonnelValues,
};
use sems_storage::{people, sites, Conn};
use serde::{Deserialize, Serialize};

/// A function to hold.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FunctionInput {
    pub function: Function,
    /// YYYY-MM-DD; the start date when left out.
    #[serde(default)]
    pub since: Option<String>,
    /// YYYY-MM-DD: the last day the person exercised it, when they stopped (a refresher is
    /// due before returning after more than the programme's months).
    #[serde(default)]
    pub last_exercised_on: Option<String>,
}

/// A person to register, or the new values of one.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonnelInput {
    pub employee_number: String,
    pub full_name: String,
    /// A site of the employer.
    #[serde(default)]
    pub site_id: Option<i64>,
    /// The user name of the person's sems account, when they have one (an account of the
    /// employer).
    #[serde(default)]
    pub account: Option<String>,
    /// YYYY-MM-DD.
    pub started_on: String,
    pub functions: Vec<FunctionInput>,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// A function a person holds, as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HeldFunctionView {
    pub function: Function,
    pub label: &'static str,
    pub since: String,
    pub last_exercised_on: Option<String>,
}

/// A person of the register as a reader sees them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonnelView {
    pub id: i64,
    pub party_id: i64,
    pub party_name: String,
    pub site_id: Option<i64>,
    pub site_name: Option<String>,
    pub employee_number: String,
    pub full_name: String,
    /// The linked sems account.
    pub person_id: Option<i64>,
    pub started_on: String,
    pub active: bool,
    pub functions: Vec<HeldFunctionView>,
    pub allowed: Allowed,
}

pub(crate) fn view(actor: &Actor, p: Personnel, functions: Vec<HeldFunction>) -> PersonnelView {
    let allowed = allowed(actor, &personnel_meta(&p));
    PersonnelView {
        id: p.id,
        party_id: p.party_id,
        party_name: p.party_name,
        site_id: p.site_id,
        site_name: p.site_name,
        employee_number: p.employee_number,
        full_name: p.full_name,
        person_id: p.person_id,
        started_on: format_date(p.started_on),
        active: p.active,
        functions: functions
            .into_iter()
            .map(|f| HeldFunctionView {
                function: f.function,
                label: f.function.label(),
                since: format_date(f.since),
                last_exercised_on: f.last_exercised_on.map(format_date),
            })
            .collect(),
        allowed,
    }
}

/// A person's values that passed their checks.
pub(crate) struct ValidPerson {
    employee_number: String,
    full_name: String,
    site_id: Option<i64>,
    person_id: Option<i64>,
    started_on: time::Date,
    functions: Vec<HeldFunction>,
    active: bool,
}

impl ValidPerson {
    fn values(&self) -> PersonnelValues<'_> {
        PersonnelValues {
            site_id: self.site_id,
            employee_number: &self.employee_number,
            full_name: &self.full_name,
            person_id: self.person_id,
            started_on: self.started_on,
            active: self.active,
        }
    }
}

fn text(checks: &mut Checks, field: &'static str, value: &str, most: usize, what: &str) -> String {
    let v = value.trim();
    checks.require(
        !v.is_empty() && v.chars().count() <= most && !v.chars().any(char::is_control),
        field,
        format!("{what}: 1 to {most} characters"),
    );
    v.to_string()
}

/// Checks a person's values for `party_id`: every refusal at once.
async fn check(
    conn: &mut Conn,
    actor: &Actor,
    party_id: i64,
    input: &PersonnelInput,
    before: Option<&Personnel>,
) -> Result<ValidPerson> {
    let mut checks = Checks::default();
    let today = today();
    let employee_number = text(
        &mut checks,
        "employee_number",
        &input.employee_number,
        40,
        "an employee number",
    );
    let full_name = text(&mut checks, "full_name", &input.full_name, 200, "a name");
    let started_on = checks.check(parse_date("started_on", &input.started_on));
    if let Some(s) = started_on {
        checks.require(
            s <= today,
            "started_on",
            "the start date is not in the future",
        );
    }
    if let Some(s) = input.site_id {
        let site = sites::get(conn, s).await?;
        checks.require(
            site.is_some_and(|s| s.party_id == party_id),
            "site_id",
            "the site is one of the employer's",
        );
    }
    let mut person_id = None;
    if let Some(name) = input
        .account
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        match people::by_username(conn, name).await? {
            Some(p) if p.party_id == party_id => {
                // One record of the register per account: the gate reads one.
                let other = store::linked_to(conn, p.id).await?;
                if other.is_some_and(|o| Some(o) != before.map(|b| b.id)) {
                    checks.refuse(ValidationError::new(
                        "account",
                        format!("the account '{name}' is linked to another person of the register"),
                    ));
                }
                person_id = Some(p.id);
            }
            _ => checks.refuse(ValidationError::new(
                "account",
                format!("no account '{name}' of the employer"),
            )),
        }
    }
    // A keeper does not unlink (or relink) their own account: their training and vetting
    // decide what they read.
    if let Some(b) = before {
        checks.require(
            b.person_id.is_none() || b.person_id != actor.person_id() || person_id == b.person_id,
            "account",
            "the link of your own account is changed by another keeper of the register",
        );
    }
    checks.require(
        !input.functions.is_empty(),
        "functions",
        "a person holds at least one function (general security awareness at least)",
    );
    let mut functions: Vec<HeldFunction> = Vec::new();
    for f in &input.functions {
        if functions.iter().any(|h| h.function == f.function) {
            checks.refuse(ValidationError::new(
                "functions",
                format!("{} is listed twice", f.function.label()),
            ));
            continue;
        }
        let since = match f.since.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => checks.check(parse_date("functions", s)),
            None => started_on,
        };
        let last = match f
            .last_exercised_on
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        {
            Some(s) => checks.check(parse_date("functions", s)).map(Some),
            None => Some(None),
        };
        if let (Some(since), Some(last)) = (since, last) {
            checks.require(
                since <= today && last.is_none_or(|l| since <= l && l <= today),
                "functions",
                format!(
                    "{}: held since a day not in the future, last exercised between then and today",
                    f.function.label()
                ),
            );
            functions.push(HeldFunction {
                function: f.function,
                since,
                last_exercised_on: last,
            });
        }
    }
    checks.finish()?;
    let started_on =
        started_on.ok_or_else(|| ServiceError::Internal("checked date missing".into()))?;
    Ok(ValidPerson {
        employee_number,
        full_name,
        site_id: input.site_id,
        person_id,
        started_on,
        functions,
        active: input.active,
    })
}

impl TrainingServices<'_> {
    /// Registers a person with the employer `party_id`; their standings are computed at once.
    #[tracing::instrument(skip_all)]
    pub async fn register_person(
        &self,
        actor: &Actor,
        party_id: i64,
        input: &PersonnelInput,
    ) -> Result<PersonnelView> {
        let mut tx = self.store.write().await?;
        let authority = authority_id(tx.conn()).await?;
        authorize(
            actor,
            Action::Create,
            &register_meta(party_id, authority),
            "organisation",
        )?;
        let v = check(tx.conn(), actor, party_id, input, None).await?;
        if store::by_employee_number(tx.conn(), party_id, &v.employee_number)
            .await?
            .is_some()
        {
            return Err(ValidationError::new(
                "employee_number",
                format!("the employer has a person numbered {}", v.employee_number),
            )
            .into());
        }
        let id = store::insert(tx.conn(), party_id, &v.values()).await?;
        store::set_functions(tx.conn(), id, &v.functions).await?;
        audit(tx.conn(), actor, id, trail::PERSONNEL_CREATE, None, &v).await?;
        currency::refresh_in(tx.conn(), id, today()).await?;
        tx.commit().await?;
        self.person(actor, id).await
    }

    /// Changes a person of the register; their standings are computed again.
    #[tracing::instrument(skip_all)]
    pub async fn update_person(
        &self,
        actor: &Actor,
        id: i64,
        input: &PersonnelInput,
    ) -> Result<PersonnelView> {
        let mut tx = self.store.write().await?;
        let before = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("person"))?;
        authorize(actor, Action::Update, &personnel_meta(&before), "person")?;
        let v = check(tx.conn(), actor, before.party_id, input, Some(&before)).await?;
        if let Some(other) =
            store::by_employee_number(tx.conn(), before.party_id, &v.employee_number).await?
        {
            if other.id != id {
                return Err(ValidationError::new(
                    "employee_number",
                    format!(
                        "the employer has another person numbered {}",
                        v.employee_number
                    ),
                )
                .into());
            }
        }
        store::update(tx.conn(), id, &v.values()).await?;
        store::set_functions(tx.conn(), id, &v.functions).await?;
        audit(
            tx.conn(),
            actor,
            id,
            trail::PERSONNEL_UPDATE,
            Some(&before),
            &v,
        )
        .await?;
        currency::unlink_gate(tx.conn(), before.person_id, v.person_id).await?;
        currency::refresh_in(tx.conn(), id, today()).await?;
        tx.commit().await?;
        self.person(actor, id).await
    }

    /// A person of the register, with their functions.
    #[tracing::instrument(skip_all)]
    pub async fn person(&self, actor: &Actor, id: i64) -> Result<PersonnelView> {
        let mut conn = self.store.read().await?;
        let p = super::readable_person(&mut conn, actor, id).await?;
        let functions = store::functions(&mut conn, id).await?;
        Ok(view(actor, p, functions))
    }

    /// The register as the actor may read it, by name.
    #[tracing::instrument(skip_all)]
    pub async fn personnel(
        &self,
        actor: &Actor,
        filter: &PersonnelFilter,
        page: PageRequest,
    ) -> Result<Page<PersonnelView>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        let found = store::list(&mut conn, subject, filter, page).await?;
        let ids: Vec<i64> = found.items.iter().map(|p| p.id).collect();
        let mut functions = store::functions_of(&mut conn, &ids).await?;
        Ok(found.map(|p| {
            let held = functions.remove(&p.id).unwrap_or_default();
            view(actor, p, held)
        }))
    }

    /// Imports the register from an HR export (columns `employee_number`, `full_name`,
    /// `started_on`, `functions` — words separated by `;` — and optionally `site`, a site's
    /// name, `account`, a user name, and `active`, yes or no): a person already registered
    /// under the employee number is updated (keeping when they took up functions they still
    /// hold). Every row checked, every bad row reported by its line, nothing stored unless
    /// all are good and it is not a dry run.
    #[tracing::instrument(skip_all)]
    pub async fn import_personnel(
        &self,
        actor: &Actor,
        party_id: i64,
        text: &str,
        dry_run: bool,
    ) -> Result<ImportReport> {
        let mut tx = self.store.write().await?;
        let authority = authority_id(tx.conn()).await?;
        authorize(
            actor,
            Action::Create,
            &register_meta(party_id, authority),
            "organisation",
        )?;
        let sites = sites::of_party(tx.conn(), party_id).await?;
        let import = HrImport {
            actor,
            party_id,
            sites: sites
                .into_iter()
                .map(|s| (s.name.to_lowercase(), s.id))
                .collect(),
        };
        import::run(tx, text, dry_run, import).await
    }
}

/// Records a change of the register in the trail (as the person's record: only who may read
/// the person reads the entry).
async fn audit(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    action: sems_domain::audit::AuditAction,
    before: Option<&Personnel>,
    v: &ValidPerson,
) -> Result<()> {
    let Some(p) = store::get(conn, id).await? else {
        return Err(ServiceError::NotFound("person"));
    };
    let before = before.map(|b| {
        serde_json::json!({
            "employee_number": b.employee_number, "full_name": b.full_name, "site_id": b.site_id,
            "person_id": b.person_id, "active": b.active,
        })
    });
    record_change(
        conn,
        actor,
        crate::Change {
            about: &About::record(&personnel_meta(&p), Some(id)),
            action,
            record_id: Some(id),
            before: before.as_ref(),
            after: Some(&serde_json::json!({
                "employee_number": v.employee_number,
                "full_name": v.full_name,
                "site_id": v.site_id,
                "person_id": v.person_id,
                "started_on": format_date(v.started_on),
                "active": v.active,
                "functions": v.functions.iter().map(|f| f.function).collect::<Vec<_>>(),
            })),
        },
    )
    .await?;
    Ok(())
}

struct HrImport<'a> {
    actor: &'a Actor,
    party_id: i64,
    sites: Vec<(String, i64)>,
}

/// The input a row of the HR export stands for.
fn row_input(
    row: &CsvRow,
    sites: &[(String, i64)],
) -> std::result::Result<PersonnelInput, Vec<String>> {
    let mut errors = Vec::new();
    let mut functions = Vec::new();
    for word in row
        .get("functions")
        .split([';', '|'])
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        match Function::parse(word) {
            Ok(f) => functions.push(FunctionInput {
                function: f,
                since: None,
                last_exercised_on: None,
            }),
            Err(_) => errors.push(format!(
                "functions: '{word}' is not a function ({})",
                Function::ALL
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
    let site_id = import::site_named(sites, row.get("site")).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let active = match row.get("active").trim().to_lowercase().as_str() {
        "" | "yes" | "true" | "1" => true,
        "no" | "false" | "0" => false,
        other => {
            errors.push(format!("active: '{other}' is neither yes nor no"));
            true
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let account = row.get("account").trim();
    Ok(PersonnelInput {
        employee_number: row.get("employee_number").to_string(),
        full_name: row.get("full_name").to_string(),
        site_id,
        account: (!account.is_empty()).then(|| account.to_string()),
        started_on: row.get("started_on").to_string(),
        functions,
        active,
    })
}

impl CsvImport for HrImport<'_> {
    type Row = ValidPerson;
    const COLUMNS: &'static [&'static str] =
        &["employee_number", "full_name", "started_on", "functions"];
    const NOUN: &'static str = "person";

    async fn check(
        &mut self,
        conn: &mut Conn,
        row: &CsvRow,
    ) -> Result<std::result::Result<ValidPerson, Vec<String>>> {
        let input = match row_input(row, &self.sites) {
            Ok(i) => i,
            Err(e) => return Ok(Err(e)),
        };
        let existing =
            store::by_employee_number(conn, self.party_id, input.employee_number.trim()).await?;
        import::row_checked(check(conn, self.actor, self.party_id, &input, existing.as_ref()).await)
    }

    /// A person is known by their employee number: twice in a file is a mistake.
    fn code(row: &ValidPerson) -> String {
        row.employee_number.clone()
    }

    /// A person registered already is updated, never refused.
    async fn exists(&mut self, _: &mut Conn, _: &ValidPerson) -> Result<bool> {
        Ok(false)
    }

    async fn store(self, conn: &mut Conn, rows: Vec<ValidPerson>) -> Result<()> {
        for mut v in rows {
            let existing =
                store::by_employee_number(conn, self.party_id, &v.employee_number).await?;
            let (id, action) = match &existing {
                Some(p) => {
                    // A function still held keeps the day it was taken up and its absence.
                    let held = store::functions(conn, p.id).await?;
                    for f in v.functions.iter_mut() {
                        if let Some(h) = held.iter().find(|h| h.function == f.function) {
                            f.since = h.since;
                            f.last_exercised_on = h.last_exercised_on;
                        }
                    }
                    store::update(conn, p.id, &v.values()).await?;
                    currency::unlink_gate(conn, p.person_id, v.person_id).await?;
                    (p.id, trail::PERSONNEL_UPDATE)
                }
                None => (
                    store::insert(conn, self.party_id, &v.values()).await?,
                    trail::PERSONNEL_CREATE,
                ),
            };
            store::set_functions(conn, id, &v.functions).await?;
            audit(conn, self.actor, id, action, existing.as_ref(), &v).await?;
        }
        // The organisation's standings, gates and counts in the import's transaction.
        currency::refresh_party_in(conn, self.party_id, today()).await?;
        Ok(())
    }
}
