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
    /// Whether the rows a reader reaches by name are found by index ([`Reach`]).
    pub reach: Reach,
}

/// How a reader whose every way in names their party or person (owner, raiser, own person,
/// recipient) is answered: by index, `id IN (… UNION …)`, rather than by a condition tested on
/// every row of the table (a national list would be scanned to find one organisation's few
/// hundred rows).
#[derive(Debug, Clone, Copy)]
pub enum Reach {
    /// By the condition on each row: the columns describe another table's record, or the
    /// table is small.
    Scan,
    /// The table's own records: every column above is this table's, and `id` its primary key.
    Own(&'static str),
    /// Rows read as another record (an action as its source): `table`'s rows whose
    /// `kind_column` is the kind, `id` above being the record they are read as; `row_id` is
    /// the row's own primary key.
    Describing {
        table: &'static str,
        row_id: &'static str,
        kind_column: &'static str,
    },
}

/// A condition that is true for the rows `subject` may `action`.
pub fn filter(subject: &Subject, action: Action, cols: &AccessColumns) -> Sql {
    let Some(ways) = ways_in(subject, action, cols) else {
        return Sql::new("(1 = 0)");
    };
    let mut sql = Sql::new("(");
    match &ways.reached {
        Some(ids) => {
            sql.push(row_id(cols)).push(" IN ").append(&union(ids));
            sql.set_by_index(true);
        }
        None => {
            sql.push("(");
            for (i, alt) in ways.alternatives.iter().enumerate() {
                if i > 0 {
                    sql.push(" OR ");
                }
                sql.push("(").append(alt).push(")");
            }
            sql.push(")");
        }
    }
    sql.append(&ways.marking).push(")");
    sql
}

/// How `subject` may reach rows for `action`: each granted way in as a condition on the row
/// and, where every way names the reader and the table allows it, as the row ids it reaches
/// by index; and the marking part (classification, need-to-know) every row must also pass.
/// `None` when no way in is granted.
struct WaysIn {
    alternatives: Vec<Sql>,
    reached: Option<Vec<Sql>>,
    /// ` AND …` conditions, or nothing.
    marking: Sql,
}

fn ways_in(subject: &Subject, action: Action, cols: &AccessColumns) -> Option<WaysIn> {
    if subject.read_only && action.is_write() {
        return None;
    }
    let granted = granted_relations(subject, cols.kind, action);
    let mut alternatives: Vec<Sql> = Vec::new();
    let mut reached: Vec<Option<Sql>> = Vec::new();
    for relation in &granted {
        let mut alt = Sql::default();
        let by_index = match relation {
            Relation::Owner => {
                alt.push(cols.owner_party)
                    .push(" = ")
                    .bind(subject.party_id);
                rows_where(cols, cols.owner_party, subject.party_id)
            }
            Relation::OwnPerson => match cols.person {
                Some(col) => {
                    alt.push(col).push(" = ").bind(subject.person_id);
                    rows_where(cols, col, subject.person_id)
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
                rows_distributed(subject, cols)
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
                    rows_where(cols, col, subject.party_id)
                }
                None => continue,
            },
        };
        alternatives.push(alt);
        reached.push(by_index);
    }
    if alternatives.is_empty() {
        return None;
    }
    let reached: Option<Vec<Sql>> = reached.into_iter().collect();
    Some(WaysIn {
        alternatives,
        reached,
        marking: marking(subject, cols, &distributed(subject, cols, false)),
    })
}

/// ` AND <classification> <= clearance AND (<need-to-know> = 0 OR <distributed>)`, for the
/// columns `cols` has: the marking every row must pass, whatever way it is reached.
fn marking(subject: &Subject, cols: &AccessColumns, distributed: &Sql) -> Sql {
    let mut sql = Sql::default();
    if let Some(col) = cols.classification {
        sql.push(" AND ")
            .push(col)
            .push(" <= ")
            .bind(subject.effective_clearance());
    }
    if let Some(col) = cols.need_to_know {
        sql.push(" AND (")
            .push(col)
            .push(" = 0 OR ")
            .append(distributed)
            .push(")");
    }
    sql
}

/// The column the ids reached by index are of: the row's own primary key.
fn row_id(cols: &AccessColumns) -> &'static str {
    match cols.reach {
        Reach::Describing { row_id, .. } => row_id,
        Reach::Own(_) | Reach::Scan => cols.id,
    }
}

/// `SELECT <row id> FROM <table> WHERE `, and for rows read as records of `cols.kind`
/// `<kind column> = <kind> AND `: the head of a subquery of row ids; `None` where the table is
/// scanned.
fn rows_of(cols: &AccessColumns) -> Option<Sql> {
    match cols.reach {
        Reach::Scan => None,
        Reach::Own(table) => Some(Sql::new(&format!(
            "SELECT {} FROM {table} WHERE ",
            own_column(cols.id)
        ))),
        Reach::Describing {
            table,
            row_id,
            kind_column,
        } => {
            let mut ids = Sql::new(&format!(
                "SELECT {} FROM {table} WHERE {kind_column} = ",
                own_column(row_id)
            ));
            ids.bind(cols.kind.as_str()).push(" AND ");
            Some(ids)
        }
    }
}

/// The ids of the rows whose `col` is `value`, by index.
fn rows_where(cols: &AccessColumns, col: &str, value: i64) -> Option<Sql> {
    let mut ids = rows_of(cols)?;
    ids.push(own_column(col)).push(" = ").bind(value);
    Some(ids)
}

/// The ids of the rows distributed to the subject, their groups and their party, by index.
fn rows_distributed(subject: &Subject, cols: &AccessColumns) -> Option<Sql> {
    let records = distribution_ids(subject, cols.kind, true);
    match cols.reach {
        // The table's own ids are the records distributed.
        Reach::Own(_) => Some(records),
        Reach::Scan | Reach::Describing { .. } => {
            let mut ids = rows_of(cols)?;
            ids.push(&format!("{} IN (", own_column(cols.id)))
                .append(&records)
                .push(")");
            Some(ids)
        }
    }
}

/// `(a UNION b UNION …)`.
fn union(parts: &[Sql]) -> Sql {
    let mut sql = Sql::new("(");
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            sql.push(" UNION ");
        }
        sql.append(part);
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
        .push(" AND ")
        .append(&to_subject(subject, include_party));
    sql
}

/// A distribution `d` names the subject, one of their groups, or (when `include_party`) their
/// party.
pub(crate) fn to_subject(subject: &Subject, include_party: bool) -> Sql {
    // The subject's groups as a list of values (the subject is read for each request), not a
    // subquery: a subquery in one arm of the OR keeps SQLite from seeking each arm by its own
    // index, and a reader's distributions would be found by scanning every one of the kind.
    let mut sql = Sql::new("(d.person_id = ");
    sql.bind(subject.person_id);
    if !subject.groups.is_empty() {
        sql.push(" OR d.group_id IN ").bind_list(&subject.groups);
    }
    if include_party {
        sql.push(" OR d.party_id = ").bind(subject.party_id);
    }
    sql.push(")");
    crate::groups::in_force(&mut sql);
    sql
}

/// The columns every granted kind keeps its marking and record id in, when they are the same.
fn one_marking(granted: &[(AccessColumns, WaysIn)]) -> Option<&AccessColumns> {
    let (first, _) = granted.first()?;
    granted
        .iter()
        .all(|(c, _)| {
            c.classification == first.classification
                && c.need_to_know == first.need_to_know
                && c.id == first.id
        })
        .then_some(first)
}

/// `fi.owner_party_id` → `owner_party_id`: the column inside a subquery on its own table.
fn own_column(col: &str) -> &str {
    col.rsplit_once('.').map_or(col, |(_, c)| c)
}

/// A condition for tables whose rows are read as another record (an audit entry as the record
/// it describes, an action as its source): the row's kind is in `kind_column`, and for each
/// kind the subject may `action` at all, `cols(kind)` says where the row keeps what the rule
/// looks at. Kinds the subject may not `action` are left out of the SQL. Where every kind's
/// every way in names the reader and the table is [`Reach::Describing`], the rows are found by
/// index across kinds, and each kind's marking is tested on those rows only.
pub fn filter_by_kind(
    subject: &Subject,
    action: Action,
    kind_column: &str,
    kinds: &[RecordKind],
    cols: impl Fn(RecordKind) -> AccessColumns,
) -> Sql {
    let granted: Vec<(AccessColumns, WaysIn)> = kinds
        .iter()
        .map(|kind| cols(*kind))
        .filter_map(|c| ways_in(subject, action, &c).map(|ways| (c, ways)))
        .collect();
    let by_index = granted.first().map(|(c, _)| row_id(c)).filter(|_| {
        granted
            .iter()
            .all(|(c, ways)| matches!(c.reach, Reach::Describing { .. }) && ways.reached.is_some())
    });
    if let Some(row_id) = by_index {
        let parts: Vec<Sql> = granted
            .iter()
            .flat_map(|(_, ways)| ways.reached.iter().flatten().cloned())
            .collect();
        let mut sql = Sql::new("(");
        sql.push(row_id).push(" IN ").append(&union(&parts));
        match one_marking(&granted) {
            // The reached rows are of granted kinds only; their marking, in the same columns
            // for every kind, is tested once, against the distributions of those kinds.
            Some(first) => {
                let kinds: Vec<&str> = granted.iter().map(|(c, _)| c.kind.as_str()).collect();
                let mut distributed = Sql::new(&format!(
                    "({kind_column}, {}) IN (SELECT d.record_kind, d.record_id FROM distributions d WHERE d.record_kind IN ",
                    first.id
                ));
                distributed
                    .bind_list(&kinds)
                    .push(" AND ")
                    .append(&to_subject(subject, false))
                    .push(")");
                sql.append(&marking(subject, first, &distributed));
            }
            None => {
                sql.push(" AND (1 = 0");
                for (c, ways) in &granted {
                    sql.push(" OR (")
                        .push(kind_column)
                        .push(" = ")
                        .bind(c.kind.as_str())
                        .append(&ways.marking)
                        .push(")");
                }
                sql.push(")");
            }
        }
        sql.push(")");
        sql.set_plan_once();
        return sql;
    }
    let mut sql = Sql::new("(1 = 0");
    for (c, _) in &granted {
        sql.push(" OR (")
            .push(kind_column)
            .push(" = ")
            .bind(c.kind.as_str())
            .push(" AND ")
            .append(&filter(subject, action, c))
            .push(")");
    }
    // Alternatives OR-ed: a kind reached by index does not make the whole so.
    sql.push(")").set_by_index(false);
    sql
}
