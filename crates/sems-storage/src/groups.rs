//! Need-to-know groups and the distribution of records to parties, groups and people.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::sql::{fetch_page, Key, Order, Sql};
use crate::{now_ms, Conn, Named, Result};
use sems_domain::access::{Action, Distribution, RecordKind, Subject};
use sems_domain::page::{Page, PageRequest};
use std::collections::HashMap;

/// The order of the list: ending in the id, so pages never overlap.
const ORDER: Order = &[Key::text("g.name"), Key::int("g.id")];

pub const ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::NeedToKnowGroup,
    id: "g.id",
    owner_party: "g.owner_party_id",
    classification: None,
    need_to_know: None,
    person: None,
    published: None,
    raiser: None,
    reach: Reach::Scan,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NeedToKnowGroup {
    pub id: i64,
    #[sqlx(rename = "owner_party_id")]
    pub party_id: i64,
    pub name: String,
    pub description: String,
    /// The highest classification (rank) its members may receive; none: no limit.
    pub highest_classification: Option<i64>,
    pub members: i64,
}

#[tracing::instrument(skip_all)]
pub async fn insert(
    conn: &mut Conn,
    party_id: i64,
    name: &str,
    description: &str,
    highest_classification: Option<i64>,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO need_to_know_groups (owner_party_id, name, description, highest_classification, created_at_ms)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(party_id)
    .bind(name)
    .bind(description)
    .bind(highest_classification)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

const SELECT: &str = "SELECT g.id, g.owner_party_id, g.name, g.description, g.highest_classification, \
     (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id) AS members FROM need_to_know_groups g";

#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<NeedToKnowGroup>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE g.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

#[tracing::instrument(skip_all)]
pub async fn list(
    conn: &mut Conn,
    subject: &Subject,
    page: PageRequest,
) -> Result<Page<NeedToKnowGroup>> {
    let cond = filter(subject, Action::Read, &ACCESS);
    fetch_page(conn, "need_to_know_groups g", SELECT, &cond, ORDER, page).await
}

#[tracing::instrument(skip_all)]
pub async fn members(conn: &mut Conn, group_id: i64) -> Result<Vec<Named>> {
    Ok(sqlx::query_as(
        "SELECT pe.id, pe.display_name AS name FROM group_members m JOIN people pe ON pe.id = m.person_id
         WHERE m.group_id = $1 ORDER BY pe.display_name, pe.id",
    )
    .bind(group_id)
    .fetch_all(&mut *conn)
    .await?)
}

#[tracing::instrument(skip_all)]
pub async fn add_member(conn: &mut Conn, group_id: i64, person_id: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO group_members (group_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(group_id)
    .bind(person_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn remove_member(conn: &mut Conn, group_id: i64, person_id: i64) -> Result<bool> {
    let r = sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND person_id = $2")
        .bind(group_id)
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// To whom a record is distributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    Party(i64),
    Group(i64),
    Person(i64),
}

/// Why and until when a record is distributed, and by whom: every need-to-know grant records
/// its reason and may expire (read as not distributed from the day after).
#[derive(Debug, Clone, Copy, Default)]
pub struct Grant<'a> {
    pub reason: &'a str,
    pub expires_on: Option<time::Date>,
    pub by: Option<i64>,
}

#[tracing::instrument(skip_all)]
pub async fn distribute(
    conn: &mut Conn,
    kind: RecordKind,
    record_id: i64,
    to: Recipient,
) -> Result<i64> {
    distribute_with(conn, kind, record_id, to, &Grant::default()).await
}

/// Distributes a record with the grant's reason, expiry and author.
#[tracing::instrument(skip_all)]
pub async fn distribute_with(
    conn: &mut Conn,
    kind: RecordKind,
    record_id: i64,
    to: Recipient,
    grant: &Grant<'_>,
) -> Result<i64> {
    let (party, group, person) = match to {
        Recipient::Party(id) => (Some(id), None, None),
        Recipient::Group(id) => (None, Some(id), None),
        Recipient::Person(id) => (None, None, Some(id)),
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO distributions (record_kind, record_id, party_id, group_id, person_id, reason,
             expires_on, distributed_by, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(kind.as_str())
    .bind(record_id)
    .bind(party)
    .bind(group)
    .bind(person)
    .bind(grant.reason)
    .bind(grant.expires_on.map(sems_domain::util::format_date))
    .bind(grant.by)
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?;
    // An activity's audience is one of the dimensions its EI totals are kept by.
    if kind == RecordKind::OversightActivity {
        crate::oversight::ei_totals::refresh_for_activity(conn, record_id).await?;
    }
    Ok(id)
}

/// One line of a record's distribution: to a party, a group or a person.
#[derive(sqlx::FromRow)]
struct DistributionRow {
    record_kind: String,
    record_id: i64,
    party_id: Option<i64>,
    group_id: Option<i64>,
    person_id: Option<i64>,
}

impl DistributionRow {
    fn add_to(&self, d: &mut Distribution) {
        d.parties.extend(self.party_id);
        d.groups.extend(self.group_id);
        d.persons.extend(self.person_id);
    }
}

const DISTRIBUTION_SELECT: &str =
    "SELECT record_kind, record_id, party_id, group_id, person_id FROM distributions d";

/// A distribution still in force: not expired (`d` the distribution's alias). The access
/// filter adds the same condition, so a grant ends for every reading path on the same day.
pub fn in_force(sql: &mut Sql) {
    sql.push(" AND (d.expires_on IS NULL OR d.expires_on >= ")
        .bind(sems_domain::util::format_date(sems_domain::util::today()))
        .push(")");
}

/// The distribution of one record, for [`sems_domain::access::decide`].
#[tracing::instrument(skip_all)]
pub async fn distribution_of(
    conn: &mut Conn,
    kind: RecordKind,
    record_id: i64,
) -> Result<Distribution> {
    let mut sql = Sql::new(&format!("{DISTRIBUTION_SELECT} WHERE record_kind = "));
    sql.bind(kind.as_str())
        .push(" AND record_id = ")
        .bind(record_id);
    in_force(&mut sql);
    let rows: Vec<DistributionRow> = sql.query_as().fetch_all(&mut *conn).await?;
    let mut d = Distribution::default();
    for row in &rows {
        row.add_to(&mut d);
    }
    Ok(d)
}

/// The distributions of the records of `kind` whose ids `among` selects (a subquery), or of
/// every record of the kind: by record id; a record distributed to nobody is absent. Every
/// distribution, expired or not: for kinds distributed without expiry (oversight activities).
#[tracing::instrument(skip_all)]
pub async fn distributions_of_kind(
    conn: &mut Conn,
    kind: RecordKind,
    among: Option<&Sql>,
) -> Result<HashMap<i64, Distribution>> {
    let mut sql = Sql::new(&format!("{DISTRIBUTION_SELECT} WHERE record_kind = "));
    sql.bind(kind.as_str());
    if let Some(ids) = among {
        sql.push(" AND record_id IN (").append(ids).push(")");
    }
    // Without the expiry test: this reads the audiences of oversight activities for the EI
    // totals (also from migration 29, before distributions had an expiry), and an activity is
    // never distributed with one.
    let rows: Vec<DistributionRow> = sql.query_as().fetch_all(&mut *conn).await?;
    let mut out: HashMap<i64, Distribution> = HashMap::new();
    for row in &rows {
        row.add_to(out.entry(row.record_id).or_default());
    }
    Ok(out)
}

/// The distributions of several records in one query (a page of a list whose rows come from
/// several kinds, such as the action register); a record distributed to nobody is absent.
#[tracing::instrument(skip_all)]
pub async fn distributions_of(
    conn: &mut Conn,
    records: &[(RecordKind, i64)],
) -> Result<HashMap<(RecordKind, i64), Distribution>> {
    let mut out: HashMap<(RecordKind, i64), Distribution> = HashMap::new();
    if records.is_empty() {
        return Ok(out);
    }
    let mut kinds: Vec<&str> = records.iter().map(|(k, _)| k.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut ids: Vec<i64> = records.iter().map(|(_, id)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut sql = Sql::new(&format!("{DISTRIBUTION_SELECT} WHERE record_kind IN "));
    sql.bind_list(&kinds)
        .push(" AND record_id IN ")
        .bind_list(&ids);
    in_force(&mut sql);
    let rows: Vec<DistributionRow> = sql.query_as().fetch_all(&mut *conn).await?;
    for row in &rows {
        // The two lists cross: keep only the pairs asked for.
        let Some(kind) = RecordKind::parse(&row.record_kind) else {
            continue;
        };
        if records.contains(&(kind, row.record_id)) {
            row.add_to(out.entry((kind, row.record_id)).or_default());
        }
    }
    Ok(out)
}
