//! Sharing pages: the inbox, the items list and the directive tracker (`inbox.rs`), an item's
//! page with its steps, decisions, passing on, disclosure reports, prints and exports
//! (`item.rs`), drafting an item and importing STIX (`new.rs`), the distribution lists
//! (`lists.rs`), and sharing any record from its page (`share.rs`). The audience form is one
//! partial (`sharing/audience.html`) read by [`audience_of`].

mod inbox;
mod item;
mod lists;
mod new;
mod share;

use axum::routing::{get, post};
use axum::Router;
use sems_domain::party::PartyKind;
use sems_domain::role::Role;
use sems_domain::sharing::Audience;
use sems_domain::ValidationError;
use sems_services::ServiceError;
use sems_web_kit::pages::Choice;
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sharing", get(inbox::inbox))
        .route("/sharing/items", get(inbox::items).post(new::create))
        .route("/sharing/items/new", get(new::form))
        .route("/sharing/import", get(new::import_form).post(new::import))
        .route("/sharing/tracker", get(inbox::tracker))
        .route("/sharing/items/{id}", get(item::page))
        .route("/sharing/items/{id}/approve", post(item::approve))
        .route("/sharing/items/{id}/issue", post(item::issue))
        .route("/sharing/items/{id}/cancel", post(item::cancel))
        .route("/sharing/items/{id}/steps", post(item::step))
        .route("/sharing/items/{id}/forward", post(item::forward))
        .route("/sharing/items/{id}/disclosure", post(item::disclosure))
        .route(
            "/sharing/items/{id}/apply-threat-level",
            post(item::apply_threat_level),
        )
        .route("/sharing/items/{id}/print", get(item::print))
        .route("/sharing/items/{id}/files", post(item::attach))
        .route("/sharing/items/{id}/files/{file}", get(item::file))
        .route("/sharing/items/{id}/evidence/{party}", get(item::evidence))
        .route("/sharing/items/{id}/export.txt", get(item::export_text))
        .route("/sharing/items/{id}/stix.json", get(item::export_stix))
        .route("/sharing/disclosures/{id}", get(item::disclosure_page))
        .route("/sharing/lists", get(lists::list).post(lists::create))
        .route("/sharing/lists/{id}", get(lists::page))
        .route("/sharing/lists/{id}/entries", post(lists::add_entry))
        .route(
            "/sharing/lists/{id}/entries/{entry}/remove",
            post(lists::remove_entry),
        )
        .route("/sharing/lists/{id}/review", post(lists::review))
        .route(
            "/sharing/share/{kind}/{id}",
            get(share::form).post(share::share),
        )
}

/// The audience fields of a form (`sharing/audience.html`): every kind of party ticked,
/// parties, a role (within a party or everywhere), groups, persons by user name, the issuer's
/// lists. Read from the submitted pairs, as the names repeat.
#[derive(Debug, Default)]
pub struct AudienceFields {
    pub party_kind: Vec<String>,
    pub party: Vec<String>,
    pub role: String,
    pub role_party: String,
    pub group: Vec<String>,
    pub persons: String,
    pub list: Vec<String>,
}

impl AudienceFields {
    pub fn of(values: &sems_web_kit::form::FormData) -> Self {
        let all = |name: &str| -> Vec<String> {
            values
                .0
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .collect()
        };
        AudienceFields {
            party_kind: all("party_kind"),
            party: all("party"),
            role: values.get("role").to_string(),
            role_party: values.get("role_party").to_string(),
            group: all("group"),
            persons: values.get("persons").to_string(),
            list: all("list"),
        }
    }
}

fn ids(field: &'static str, values: &[String]) -> Result<Vec<i64>, ServiceError> {
    values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| ValidationError::new(field, format!("'{v}' is not an id")).into())
        })
        .collect()
}

/// The audience the fields name (user names looked up).
pub async fn audience_of(
    state: &AppState,
    f: &AudienceFields,
) -> Result<Vec<Audience>, ServiceError> {
    let mut out = Vec::new();
    for k in f.party_kind.iter().filter(|k| !k.is_empty()) {
        out.push(Audience::PartyKind {
            party_kind: PartyKind::parse(k)?,
        });
    }
    for id in ids("party", &f.party)? {
        out.push(Audience::Party { party_id: id });
    }
    if !f.role.trim().is_empty() {
        let party = ids("role_party", std::slice::from_ref(&f.role_party))?;
        out.push(Audience::Role {
            party_id: party.first().copied(),
            role: Role::parse(f.role.trim())?,
        });
    }
    for id in ids("group", &f.group)? {
        out.push(Audience::Group { group_id: id });
    }
    for name in f
        .persons
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
    {
        let username = name.trim().to_lowercase();
        match state.services.find_person_by_username(&username).await {
            Ok(id) => out.push(Audience::Person { person_id: id }),
            Err(ServiceError::NotFound(_)) => {
                return Err(ValidationError::new(
                    "persons",
                    format!("no person with the user name {username}"),
                )
                .into())
            }
            Err(e) => return Err(e),
        }
    }
    for id in ids("list", &f.list)? {
        out.push(Audience::List { list_id: id });
    }
    Ok(out)
}

/// The choices of the audience form.
pub struct AudienceChoices {
    pub party_kinds: Vec<Choice>,
    pub parties: Vec<Choice>,
    pub roles: Vec<Choice>,
    pub groups: Vec<Choice>,
    pub lists: Vec<Choice>,
}

pub async fn audience_choices(state: &AppState, user: &Signed) -> AudienceChoices {
    let actor = user.actor();
    let parties = sems_web_kit::pages::visible_parties(state, user).await;
    let groups = state
        .services
        .groups(
            &actor,
            sems_domain::page::PageRequest::new(Some(1), Some(sems_domain::page::MAX_PER_PAGE)),
        )
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let lists = state
        .services
        .sharing()
        .distribution_lists(
            &actor,
            false,
            sems_domain::page::PageRequest::new(Some(1), Some(sems_domain::page::MAX_PER_PAGE)),
        )
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    AudienceChoices {
        party_kinds: Choice::list(
            PartyKind::ALL
                .iter()
                .filter(|k| !k.is_authority())
                .map(|k| (k.as_str(), k.label())),
            "",
        ),
        parties: Choice::list(parties.into_iter().map(|p| (p.id, p.name)), ""),
        roles: Choice::list(
            Role::ALL
                .iter()
                .filter(|r| **r != Role::Administrator)
                .map(|r| (r.as_str(), r.label())),
            "",
        ),
        groups: Choice::list(groups.into_iter().map(|g| (g.id, g.name)), ""),
        lists: Choice::list(lists.into_iter().map(|l| (l.id, l.name)), ""),
    }
}

/// The classification scheme's levels as choices.
pub fn levels(state: &AppState, current: &str) -> Vec<Choice> {
    Choice::list(
        state
            .services
            .classification
            .levels()
            .iter()
            .map(|l| (l.clone(), l.clone())),
        current,
    )
}
