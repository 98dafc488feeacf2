//! The access rule as a SQL condition, so lists are filtered in the database by exactly the
//! rule [`sems_domain::access::decide`] applies to one record.
//!
//! The role part of the rule is evaluated in Rust (which relations grant the action to any of
//! the subject's roles); the record part (owner, marking, need-to-know, distribution) becomes
//! SQL. The storage test suite checks, on both engines, that this filter returns exactly the
//! records `decide` allows, for every role, party, marking and action.

use crate::sql::Sql;
use sems_domain::access::{granted_relations, Action, RecordKind, Relation, Subject};

/// How a table stores what the rule looks at.
#[derive(Debug, Clone, Copy)]
pub struct AccessColumns {
    pub kind: RecordKind,
    /// The record's id column, as used by `distributions.record_id`.
    pub id: &'static str,
    pub owner_party: &'static str,
    /// `None` for tables whose records are never marked (OFFICIAL).
    pub classification: Option<&'static str>,
    pub need_to_know: Option<&'static str>,
    /// For the people table: the column that identifies the person (their own record).
    pub person: Option<&'static str>,
    /// `None` for tables whose records are never published to every party.
    pub published: Option<&'static str>,
    /// The column of the party that raised the record (a finding's overseer), if any.
    pub raiser: Option<&'static str>,
}

/// A condition that is true for the rows `subject` may `action`.
pub fn filter(subject: &Subject, action: Action, cols: &AccessColumns) -> Sql {
    let mut sql = Sql::new("(");
    if subject.read_only && action.is_write() {
        sql.push("1 = 0)");
        return sql;
    }
    let granted = granted_relations(subject, cols.kind, action);
    let mut alternatives: Vec<Sql> = Vec::new();
    for relation in &granted {
        let mut alt = Sql::default();
        match relation {
            Relation::Owner => {
                alt.push(cols.owner_party)
                    .push(" = ")
                    .bind(subject.party_id);
            }
            Relation::OwnPerson => match cols.person {
                Some(col) => {
                    alt.push(col).push(" = ").bind(subject.person_id);
                }
                None => continue,
            },
            Relation::Oversight => {
                if !subject.party_is_authority {
                    continue;
                }
                // Oversight reaches the organisations, not the authority's own records.
                alt.push(cols.owner_party)
                    .push(" <> ")
                    .bind(subject.party_id);
            }
            Relation::AssignedOversight => {
                if !subject.party_is_authority || subject.oversees.is_empty() {
                    continue;
                }
                alt.push(cols.owner_party)
                    .push(" <> ")
                    .bind(subject.party_id);
                alt.push(" AND ").push(cols.owner_party).push(" IN (");
                for (i, party) in subject.oversees.iter().enumerate() {
                    if i > 0 {
                        alt.push(", ");
                    }
                    alt.bind(*party);
                }
                alt.push(")");
            }
            Relation::Recipient => {
                alt.append(&distributed(subject, cols, true));
            }
            Relation::Deployment => {
                alt.push("1 = 1");
            }
            Relation::Published => match cols.published {
                Some(col) => {
                    alt.push(col).push(" = 1");
                }
                None => continue,
            },
            Relation::Raiser => match cols.raiser {
                Some(col) => {
                    alt.push(col).push(" = ").bind(subject.party_id);
                }
                None => continue,
            },
        }
        alternatives.push(alt);
    }
    if alternatives.is_empty() {
        sql.push("1 = 0)");
        return sql;
    }
    sql.push("(");
    for (i, alt) in alternatives.iter().enumerate() {
        if i > 0 {
            sql.push(" OR ");
        }
        sql.push("(").append(alt).push(")");
    }
    sql.push(")");
    if let Some(col) = cols.classification {
        sql.push(" AND ")
            .push(col)
            .push(" <= ")
            .bind(subject.clearance);
    }
    if let Some(col) = cols.need_to_know {
        sql.push(" AND (").push(col).push(" = 0 OR ");
        sql.append(&distributed(subject, cols, false));
        sql.push(")");
    }
    sql.push(")");
    sql
}

/// `EXISTS` a distribution of the row to the subject, their groups, and (when
/// `include_party`) their party.
fn distributed(subject: &Subject, cols: &AccessColumns, include_party: bool) -> Sql {
    let mut sql = Sql::new("EXISTS (SELECT 1 FROM distributions d WHERE d.record_kind = ");
    sql.bind(cols.kind.as_str())
        .push(" AND d.record_id = ")
        .push(cols.id)
        .push(" AND (d.person_id = ")
        .bind(subject.person_id)
        .push(" OR d.group_id IN (SELECT gm.group_id FROM group_members gm WHERE gm.person_id = ")
        .bind(subject.person_id)
        .push(")");
    if include_party {
        sql.push(" OR d.party_id = ").bind(subject.party_id);
    }
    sql.push("))");
    sql
}

/// A condition for tables whose rows are read as another record (an audit entry as the record
/// it describes, an action as its source): the row's kind is in `kind_column`, and for each
/// kind the subject may `action` at all, `cols(kind)` says where the row keeps what the rule
/// looks at. Kinds the subject may not `action` are left out of the SQL.
pub fn filter_by_kind(
    subject: &Subject,
    action: Action,
    kind_column: &str,
    kinds: &[RecordKind],
    cols: impl Fn(RecordKind) -> AccessColumns,
) -> Sql {
    let mut sql = Sql::new("(1 = 0");
    for kind in kinds {
        if granted_relations(subject, *kind, action).is_empty() {
            continue;
        }
        sql.push(" OR (")
            .push(kind_column)
            .push(" = ")
            .bind(kind.as_str())
            .push(" AND ")
            .append(&filter(subject, action, &cols(*kind)))
            .push(")");
    }
    sql.push(")");
    sql
}
