//! The issuer's predefined distribution lists: named audiences (parties by kind, parties,
//! roles, groups, persons), each entry with the reason its members need to know and an expiry,
//! the highest classification the list may carry, and the day its next review is due.

use crate::decode::{Day, OptionalDay};
use crate::sql::{fetch_page, Key, Order, Sql};
use crate::{now_ms, Conn, Result};
use sems_domain::page::{Page, PageRequest};
use sems_domain::sharing::Audience;
use sems_domain::util::format_date;
use time::Date;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DistributionList {
    pub id: i64,
    pub owner_party_id: i64,
    pub name: String,
    pub highest_classification: Option<i64>,
    #[sqlx(try_from = "Day")]
    pub review_due_on: Date,
    pub entries: i64,
}

const SELECT: &str = "SELECT l.id, l.owner_party_id, l.name, l.highest_classification,
        l.review_due_on,
        (SELECT COUNT(*) FROM distribution_list_entries e WHERE e.list_id = l.id) AS entries
     FROM distribution_lists l";

const ORDER: Order = &[Key::text("l.name"), Key::int("l.id")];

#[tracing::instrument(skip_all)]
pub async fn insert(
    conn: &mut Conn,
    owner: i64,
    name: &str,
    highest_classification: Option<i64>,
    review_due_on: Date,
) -> Result<i64> {
    let now = now_ms();
    Ok(sqlx::query_scalar(
        "INSERT INTO distribution_lists (owner_party_id, name, highest_classification,
             review_due_on, created_at_ms, updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(owner)
    .bind(name)
    .bind(highest_classification)
    .bind(format_date(review_due_on))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<DistributionList>> {
    Ok(sqlx::query_as(&format!("{SELECT} WHERE l.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// An issuer's lists by name; `review_due_by`: only those whose review is due by that day.
#[tracing::instrument(skip_all)]
pub async fn list(
    conn: &mut Conn,
    owner: i64,
    review_due_by: Option<Date>,
    page: PageRequest,
) -> Result<Page<DistributionList>> {
    let mut cond = Sql::new("l.owner_party_id = ");
    cond.bind(owner);
    if let Some(day) = review_due_by {
        cond.push(" AND l.review_due_on <= ").bind(format_date(day));
    }
    fetch_page(conn, "distribution_lists l", SELECT, &cond, ORDER, page).await
}

/// Records a review: the next one due on `next`.
#[tracing::instrument(skip_all)]
pub async fn reviewed(conn: &mut Conn, id: i64, next: Date) -> Result<()> {
    sqlx::query(
        "UPDATE distribution_lists SET review_due_on = $1, updated_at_ms = $2 WHERE id = $3",
    )
    .bind(format_date(next))
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct EntryRow {
    id: i64,
    audience: String,
    party_kind: Option<String>,
    party_id: Option<i64>,
    role: Option<String>,
    group_id: Option<i64>,
    person_id: Option<i64>,
    reason: String,
    #[sqlx(try_from = "OptionalDay")]
    expires_on: Option<Date>,
    /// Who the entry names, in words.
    named: Option<String>,
}

/// An entry of a list.
#[derive(Debug, Clone)]
pub struct ListEntry {
    pub id: i64,
    pub audience: Audience,
    /// Whom it names: the party, group or person's name, or the kind or role.
    pub named: String,
    pub reason: String,
    pub expires_on: Option<Date>,
}

impl EntryRow {
    fn entry(self) -> Option<ListEntry> {
        use sems_domain::party::PartyKind;
        use sems_domain::role::Role;
        let audience = match self.audience.as_str() {
            "party_kind" => Audience::PartyKind {
                party_kind: PartyKind::parse(self.party_kind.as_deref()?).ok()?,
            },
            "party" => Audience::Party {
                party_id: self.party_id?,
            },
            "role" => Audience::Role {
                party_id: self.party_id,
                role: Role::parse(self.role.as_deref()?).ok()?,
            },
            "group" => Audience::Group {
                group_id: self.group_id?,
            },
            "person" => Audience::Person {
                person_id: self.person_id?,
            },
            _ => return None,
        };
        let named = match &audience {
            Audience::PartyKind { party_kind } => {
                format!("Every {}", party_kind.label().to_lowercase())
            }
            Audience::Role { role, .. } => match &self.named {
                Some(p) => format!("{} of {p}", role.label()),
                None => format!("Every {}", role.label().to_lowercase()),
            },
            _ => self.named.clone().unwrap_or_default(),
        };
        Some(ListEntry {
            id: self.id,
            audience,
            named,
            reason: self.reason,
            expires_on: self.expires_on,
        })
    }
}

/// A list's entries; with `in_force_on`, only those not expired on that day.
#[tracing::instrument(skip_all)]
pub async fn entries(
    conn: &mut Conn,
    list_id: i64,
    in_force_on: Option<Date>,
) -> Result<Vec<ListEntry>> {
    let mut sql = Sql::new(
        "SELECT e.id, e.audience, e.party_kind, e.party_id, e.role, e.group_id, e.person_id,
                e.reason, e.expires_on,
                COALESCE(pa.name, g.name, pe.display_name) AS named
         FROM distribution_list_entries e
         LEFT JOIN parties pa ON pa.id = e.party_id
         LEFT JOIN need_to_know_groups g ON g.id = e.group_id
         LEFT JOIN people pe ON pe.id = e.person_id
         WHERE e.list_id = ",
    );
    sql.bind(list_id);
    if let Some(day) = in_force_on {
        sql.push(" AND (e.expires_on IS NULL OR e.expires_on >= ")
            .bind(format_date(day))
            .push(")");
    }
    sql.push(" ORDER BY e.id");
    let rows: Vec<EntryRow> = sql.query_as().fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().filter_map(EntryRow::entry).collect())
}

#[tracing::instrument(skip_all)]
pub async fn add_entry(
    conn: &mut Conn,
    list_id: i64,
    audience: &Audience,
    reason: &str,
    expires_on: Option<Date>,
) -> Result<i64> {
    let (kind, party_kind, party_id, role, group_id, person_id) = match audience {
        Audience::PartyKind { party_kind } => (
            "party_kind",
            Some(party_kind.as_str()),
            None,
            None,
            None,
            None,
        ),
        Audience::Party { party_id } => ("party", None, Some(*party_id), None, None, None),
        Audience::Role { party_id, role } => {
            ("role", None, *party_id, Some(role.as_str()), None, None)
        }
        Audience::Group { group_id } => ("group", None, None, None, Some(*group_id), None),
        Audience::Person { person_id } => ("person", None, None, None, None, Some(*person_id)),
        Audience::List { .. } => {
            return Err(
                crate::decode::decode_error("a list does not hold another list".into()).into(),
            );
        }
    };
    Ok(sqlx::query_scalar(
        "INSERT INTO distribution_list_entries (list_id, audience, party_kind, party_id, role,
             group_id, person_id, reason, expires_on, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(list_id)
    .bind(kind)
    .bind(party_kind)
    .bind(party_id)
    .bind(role)
    .bind(group_id)
    .bind(person_id)
    .bind(reason)
    .bind(expires_on.map(format_date))
    .bind(now_ms())
    .fetch_one(&mut *conn)
    .await?)
}

#[tracing::instrument(skip_all)]
pub async fn remove_entry(conn: &mut Conn, list_id: i64, entry_id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM distribution_list_entries WHERE list_id = $1 AND id = $2")
        .bind(list_id)
        .bind(entry_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
