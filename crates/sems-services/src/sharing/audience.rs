//! An audience resolved to persons and groups: parties by kind, parties and roles reach the
//! people holding the roles today whose clearance covers the record; a group or list marked
//! with a highest classification never receives a record above it; a named person without the
//! clearance is refused.

use crate::{Result, ServiceError};
use sems_domain::classification::{clearance_covers, ClassificationScheme};
use sems_domain::role::Role;
use sems_domain::sharing::Audience;
use sems_domain::ValidationError;
use sems_storage::sharing::lists;
use sems_storage::sql::Sql;
use sems_storage::{groups, parties, people, Conn};
use std::collections::BTreeSet;

/// The security readers of an organisation: who a party-wide audience reaches.
pub const READERS: [Role; 6] = [
    Role::AccountableExecutive,
    Role::SecurityManager,
    Role::SecurityAnalyst,
    Role::QualityAuditor,
    Role::TrainingOfficer,
    Role::Viewer,
];

/// Whom an audience reaches.
#[derive(Debug, Default)]
pub struct Resolved {
    pub persons: BTreeSet<i64>,
    pub groups: BTreeSet<i64>,
}

fn refused(message: String) -> ServiceError {
    ValidationError::new("audience", message).into()
}

fn above(
    scheme: &ClassificationScheme,
    what: &str,
    highest: i64,
    classification: i64,
) -> ServiceError {
    refused(format!(
        "{what} receives nothing above {}: this is {}",
        scheme.name(highest),
        scheme.name(classification)
    ))
}

/// Active holders of `roles` in the parties `party` selects (`= $1`, `IN (…)`), cleared for
/// `classification`.
async fn cleared_holders(
    conn: &mut Conn,
    party: &str,
    bind: Option<i64>,
    kind: Option<&str>,
    roles: &[Role],
    classification: i64,
) -> Result<Vec<i64>> {
    let mut sql = Sql::new(party);
    if let Some(b) = bind {
        sql.bind(b);
    }
    if let Some(k) = kind {
        sql.bind(k).push(")");
    }
    // The clearance test of the access rule, in the people query.
    sql.push(" AND pe.clearance >= ").bind(classification);
    Ok(people::ids_with_roles_in(conn, &sql, roles).await?)
}

/// Resolves `audience` for a record of `classification`, issued by `issuer`.
pub async fn resolve(
    conn: &mut Conn,
    scheme: &ClassificationScheme,
    issuer: i64,
    audience: &[Audience],
    classification: i64,
) -> Result<Resolved> {
    let mut out = Resolved::default();
    for a in audience {
        resolve_one(conn, scheme, issuer, a, classification, &mut out, None).await?;
    }
    Ok(out)
}

async fn resolve_one(
    conn: &mut Conn,
    scheme: &ClassificationScheme,
    issuer: i64,
    a: &Audience,
    classification: i64,
    out: &mut Resolved,
    in_list: Option<&str>,
) -> Result<()> {
    match a {
        Audience::PartyKind { party_kind } => {
            out.persons.extend(
                cleared_holders(
                    conn,
                    "IN (SELECT id FROM parties WHERE active = 1 AND kind = ",
                    None,
                    Some(party_kind.as_str()),
                    &READERS,
                    classification,
                )
                .await?,
            );
        }
        Audience::Party { party_id } => {
            if parties::get(conn, *party_id).await?.is_none() {
                return Err(refused(format!("no party {party_id}")));
            }
            out.persons.extend(
                cleared_holders(conn, "= ", Some(*party_id), None, &READERS, classification)
                    .await?,
            );
        }
        Audience::Role {
            party_id: Some(p),
            role,
        } => {
            if parties::get(conn, *p).await?.is_none() {
                return Err(refused(format!("no party {p}")));
            }
            out.persons.extend(
                cleared_holders(conn, "= ", Some(*p), None, &[*role], classification).await?,
            );
        }
        Audience::Role {
            party_id: None,
            role,
        } => {
            out.persons.extend(
                cleared_holders(
                    conn,
                    "IN (SELECT id FROM parties WHERE active = 1)",
                    None,
                    None,
                    &[*role],
                    classification,
                )
                .await?,
            );
        }
        Audience::Group { group_id } => {
            let g = groups::get(conn, *group_id)
                .await?
                .ok_or_else(|| refused(format!("no group {group_id}")))?;
            if let Some(h) = g.highest_classification.filter(|h| *h < classification) {
                return Err(above(
                    scheme,
                    &format!("The group {}", g.name),
                    h,
                    classification,
                ));
            }
            out.groups.insert(*group_id);
        }
        Audience::Person { person_id } => {
            let p = people::get(conn, *person_id)
                .await?
                .filter(|p| p.active)
                .ok_or_else(|| refused(format!("no person {person_id}")))?;
            if !clearance_covers(p.clearance, classification) {
                // A list's member not cleared today is passed over; a person named here is an
                // error the issuer sees.
                if in_list.is_some() {
                    return Ok(());
                }
                return Err(refused(format!(
                    "{}'s clearance does not cover {}",
                    p.display_name,
                    scheme.name(classification)
                )));
            }
            out.persons.insert(*person_id);
        }
        Audience::List { list_id } => {
            let list = lists::get(conn, *list_id)
                .await?
                .filter(|l| l.owner_party_id == issuer)
                .ok_or_else(|| refused(format!("no distribution list {list_id} of yours")))?;
            if let Some(h) = list.highest_classification.filter(|h| *h < classification) {
                return Err(above(
                    scheme,
                    &format!("The list {}", list.name),
                    h,
                    classification,
                ));
            }
            let entries = lists::entries(conn, list.id, Some(sems_domain::util::today())).await?;
            for e in entries {
                Box::pin(resolve_one(
                    conn,
                    scheme,
                    issuer,
                    &e.audience,
                    classification,
                    out,
                    Some(&list.name),
                ))
                .await?;
            }
        }
    }
    Ok(())
}
