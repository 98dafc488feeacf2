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
    /// The table whose primary key `id` is, when every column above is that table's own:
    /// then a reader whose every way in names their party or person (owner, raiser, own
    /// person, recipient) is answered by index, `id IN (… UNION …)`, instead of by a condition
    /// tested on every row of the table (a national list would be scanned to find one
    /// organisation's few hundred rows). `None` where the columns describe another record.
    pub table: Option<&'static str>,
}

/// A condition that is true for the rows `subject` may `action`.
pub fn filter(subject: &Subject, action: Action, cols: &AccessColumns) -> Sql {
    let mut sql = Sql::new("(");
    if subject.read_only && action.is_write() {
        sql.push("1 = 0)");
        return sql;
    }
    let granted = granted_relations(subject, cols.kind, action);
    // Each way in as a condition on the row and, where it names the reader, as the ids it
    // reaches by index.
    let mut alternatives: Vec<Sql> = Vec::new();
    let mut reached: Vec<Option<Sql>> = Vec::new();
    let ids_where = |col: &str| {
        cols.table.map(|table| {
            Sql::new(&format!(
                "SELECT {} FROM {table} WHERE {} = ",
                own_column(cols.id),
                own_column(col)
            ))
        })
    };
    for relation in &granted {
        let mut alt = Sql::default();
        let by_index = match relation {
            Relation::Owner => {
                alt.push(cols.owner_party)
                    .push(" = ")
                    .bind(subject.party_id);
                ids_where(cols.owner_party).map(|mut ids| {
                    ids.bind(subject.party_id);
                    ids
                })
            }
            Relation::OwnPerson => match cols.person {
                Some(col) => {
                    alt.push(col).push(" = ").bind(subject.person_id);
                    ids_where(col).map(|mut ids| {
                        ids.bind(subject.person_id);
                        ids
                    })
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
                None
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
                None
            }
            Relation::Recipient => {
                alt.append(&distributed(subject, cols, true));
                Some(distribution_ids(subject, cols.kind, true))
            }
            Relation::Deployment => {
                alt.push("1 = 1");
                None
            }
            Relation::Published => match cols.published {
                Some(col) => {
                    alt.push(col).push(" = 1");
                    None
                }
                None => continue,
            },
            Relation::Raiser => match cols.raiser {
                Some(col) => {
                    alt.push(col).push(" = ").bind(subject.party_id);
                    ids_where(col).map(|mut ids| {
                        ids.bind(subject.party_id);
                        ids
                    })
                }
                None => continue,
            },
        };
        alternatives.push(alt);
        reached.push(by_index);
    }
    if alternatives.is_empty() {
        sql.push("1 = 0)");
        return sql;
    }
    let by_index: Option<Vec<Sql>> = if cols.table.is_some() {
        reached.into_iter().collect()
    } else {
        None
    };
    match by_index {
        Some(ids) => {
            sql.push("(").push(cols.id).push(" IN (");
            for (i, part) in ids.iter().enumerate() {
                if i > 0 {
                    sql.push(" UNION ");
                }
                sql.append(part);
            }
            sql.push("))");
        }
        None => {
            sql.push("(");
            for (i, alt) in alternatives.iter().enumerate() {
                if i > 0 {
                    sql.push(" OR ");
                }
                sql.push("(").append(alt).push(")");
            }
            sql.push(")");
        }
    }
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

/// The row is distributed to the subject, their groups, and (when `include_party`) their
/// party.
fn distributed(subject: &Subject, cols: &AccessColumns, include_party: bool) -> Sql {
    let mut sql = Sql::new(cols.id);
    sql.push(" IN (")
        .append(&distribution_ids(subject, cols.kind, include_party))
        .push(")");
    sql
}

/// The ids of the records of `kind` distributed to the subject, their groups, and (when
/// `include_party`) their party.
fn distribution_ids(subject: &Subject, kind: RecordKind, include_party: bool) -> Sql {
    let mut sql = Sql::new("SELECT d.record_id FROM distributions d WHERE d.record_kind = ");
    sql.bind(kind.as_str())
        .push(" AND (d.person_id = ")
        .bind(subject.person_id)
        .push(" OR d.group_id IN (SELECT gm.group_id FROM group_members gm WHERE gm.person_id = ")
        .bind(subject.person_id)
        .push(")");
    if include_party {
        sql.push(" OR d.party_id = ").bind(subject.party_id);
    }
    sql.push(")");
    sql
}

/// `fi.owner_party_id` → `owner_party_id`: the column inside a subquery on its own table.
fn own_column(col: &str) -> &str {
    col.rsplit_once('.').map_or(col, |(_, c)| c)
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
