//! People (accounts), their roles, and the subject the access rule decides for.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::Flag;
use crate::sql::{fetch_page, like_pattern, Key, Order, Sql};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, Gate, RecordKind, Subject};
use sems_domain::page::{Page, PageRequest};
use sems_domain::role::Role;
use sems_domain::training::assess::gate_shut;
use std::collections::HashMap;

/// The order of the list: ending in the id, so pages never overlap.
const ORDER: Order = &[
    Key::text("pa.name"),
    Key::text("pe.display_name"),
    Key::int("pe.id"),
];

pub const ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::Person,
    id: "pe.id",
    owner_party: "pe.owner_party_id",
    classification: None,
    need_to_know: None,
    person: Some("pe.id"),
    published: None,
    raiser: None,
    reach: Reach::Scan,
};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Person {
    pub id: i64,
    #[sqlx(rename = "owner_party_id")]
    pub party_id: i64,
    pub party_name: String,
    #[sqlx(try_from = "Flag")]
    pub party_is_authority: bool,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub clearance: i64,
    #[sqlx(try_from = "Flag")]
    pub active: bool,
    #[sqlx(try_from = "Flag")]
    pub totp_enabled: bool,
    #[sqlx(skip)]
    pub roles: Vec<Role>,
    pub created_at_ms: i64,
}

/// What sign-in needs; never serialised.
#[derive(Clone, sqlx::FromRow)]
pub struct Credentials {
    #[sqlx(rename = "id")]
    pub person_id: i64,
    pub password_hash: String,
    #[sqlx(try_from = "Flag")]
    pub active: bool,
    pub totp_secret: Option<String>,
    #[sqlx(try_from = "Flag")]
    pub totp_enabled: bool,
    pub totp_last_step: i64,
}

const COLUMNS: &str = "pe.id, pe.owner_party_id, pa.name AS party_name, CASE WHEN pa.kind = 'authority' THEN 1 ELSE 0 END AS party_is_authority, \
     pe.username, pe.display_name, pe.email, pe.clearance, pe.active, pe.totp_enabled, pe.created_at_ms";

pub struct NewPerson<'a> {
    pub party_id: i64,
    pub username: &'a str,
    pub display_name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub clearance: i64,
    pub roles: &'a [Role],
}

#[tracing::instrument(skip_all)]
pub async fn insert(conn: &mut Conn, p: &NewPerson<'_>) -> Result<i64> {
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO people (owner_party_id, username, display_name, email, password_hash, clearance,
                             active, totp_enabled, totp_last_step, created_at_ms, updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, 1, 0, 0, $7, $7) RETURNING id",
    )
    .bind(p.party_id)
    .bind(p.username)
    .bind(p.display_name)
    .bind(p.email)
    .bind(p.password_hash)
    .bind(p.clearance)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    set_roles(conn, id, p.roles).await?;
    Ok(id)
}

/// One of a person's roles.
#[derive(sqlx::FromRow)]
struct PersonRole {
    person_id: i64,
    #[sqlx(try_from = "String")]
    role: Role,
}

#[tracing::instrument(skip_all)]
pub async fn set_roles(conn: &mut Conn, person_id: i64, roles: &[Role]) -> Result<()> {
    sqlx::query("DELETE FROM person_roles WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    for role in roles {
        sqlx::query("INSERT INTO person_roles (person_id, role) VALUES ($1, $2)")
            .bind(person_id)
            .bind(role.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn update(
    conn: &mut Conn,
    id: i64,
    display_name: &str,
    email: &str,
    clearance: i64,
    active: bool,
) -> Result<()> {
    sqlx::query(
        "UPDATE people SET display_name = $1, email = $2, clearance = $3, active = $4, updated_at_ms = $5
         WHERE id = $6",
    )
    .bind(display_name)
    .bind(email)
    .bind(clearance)
    .bind(i64::from(active))
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn set_password_hash(conn: &mut Conn, id: i64, hash: &str) -> Result<()> {
    sqlx::query("UPDATE people SET password_hash = $1, updated_at_ms = $2 WHERE id = $3")
        .bind(hash)
        .bind(now_ms())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Stores a TOTP secret (pending until `enabled`), or clears it.
#[tracing::instrument(skip_all)]
pub async fn set_totp(conn: &mut Conn, id: i64, secret: Option<&str>, enabled: bool) -> Result<()> {
    sqlx::query(
        "UPDATE people SET totp_secret = $1, totp_enabled = $2, totp_last_step = 0, updated_at_ms = $3
         WHERE id = $4",
    )
    .bind(secret.map(str::to_string))
    .bind(i64::from(enabled))
    .bind(now_ms())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records the step of the last accepted code, so the same code cannot be used twice.
#[tracing::instrument(skip_all)]
pub async fn set_totp_last_step(conn: &mut Conn, id: i64, step: i64) -> Result<()> {
    sqlx::query("UPDATE people SET totp_last_step = $1 WHERE id = $2")
        .bind(step)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn load_roles(conn: &mut Conn, people: &mut [Person]) -> Result<()> {
    if people.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("SELECT person_id, role FROM person_roles WHERE person_id IN (");
    for (i, p) in people.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(p.id);
    }
    sql.push(") ORDER BY person_id, role");
    let rows: Vec<PersonRole> = sql.query_as().fetch_all(&mut *conn).await?;
    let mut by_person: HashMap<i64, Vec<Role>> = HashMap::new();
    for row in rows {
        by_person.entry(row.person_id).or_default().push(row.role);
    }
    for p in people.iter_mut() {
        let mut roles = by_person.remove(&p.id).unwrap_or_default();
        roles.sort();
        p.roles = roles;
    }
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Person>> {
    let person: Option<Person> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM people pe JOIN parties pa ON pa.id = pe.owner_party_id WHERE pe.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(person) = person else {
        return Ok(None);
    };
    let mut people = vec![person];
    load_roles(conn, &mut people).await?;
    Ok(people.pop())
}

#[tracing::instrument(skip_all)]
pub async fn by_username(conn: &mut Conn, username: &str) -> Result<Option<Person>> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM people WHERE username = $1")
        .bind(username)
        .fetch_optional(&mut *conn)
        .await?;
    match id {
        Some(id) => get(conn, id).await,
        None => Ok(None),
    }
}

#[tracing::instrument(skip_all)]
pub async fn credentials(conn: &mut Conn, person_id: i64) -> Result<Option<Credentials>> {
    Ok(sqlx::query_as(
        "SELECT id, password_hash, active, totp_secret, totp_enabled, totp_last_step FROM people WHERE id = $1",
    )
    .bind(person_id)
    .fetch_optional(&mut *conn)
    .await?)
}

#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    pub party_id: Option<i64>,
    pub search: Option<String>,
    pub role: Option<Role>,
    pub include_inactive: bool,
}

/// The people `subject` may read.
#[tracing::instrument(skip_all)]
pub async fn list(
    conn: &mut Conn,
    subject: &Subject,
    f: &PeopleFilter,
    page: PageRequest,
) -> Result<Page<Person>> {
    let mut cond = filter(subject, Action::Read, &ACCESS);
    if let Some(party) = f.party_id {
        cond.push(" AND pe.owner_party_id = ").bind(party);
    }
    if let Some(search) = f.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let pattern = like_pattern(search);
        cond.push(" AND (LOWER(pe.display_name) LIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\' OR LOWER(pe.username) LIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\' OR LOWER(pe.email) LIKE ")
            .bind(pattern)
            .push(" ESCAPE '\\')");
    }
    if let Some(role) = f.role {
        cond.push(
            " AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = pe.id AND r.role = ",
        )
        .bind(role.as_str())
        .push(")");
    }
    if !f.include_inactive {
        cond.push(" AND pe.active = 1");
    }
    let mut page = fetch_page(
        conn,
        "people pe",
        &format!("SELECT {COLUMNS} FROM people pe JOIN parties pa ON pa.id = pe.owner_party_id"),
        &cond,
        ORDER,
        page,
    )
    .await?;
    load_roles(conn, &mut page.items).await?;
    Ok(page)
}

/// Active people of a party holding one of `roles` (for notifications).
#[tracing::instrument(skip_all)]
pub async fn ids_with_roles(conn: &mut Conn, party_id: i64, roles: &[Role]) -> Result<Vec<i64>> {
    let mut party = Sql::new("= ");
    party.bind(party_id);
    ids_with_roles_in(conn, &party, roles).await
}

/// Active people holding one of `roles` in the parties `party` keeps: a condition on the
/// person's party, written after `pe.owner_party_id` (`= $1`, `IN (SELECT …)`).
#[tracing::instrument(skip_all)]
pub async fn ids_with_roles_in(conn: &mut Conn, party: &Sql, roles: &[Role]) -> Result<Vec<i64>> {
    let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    let mut sql = Sql::new(
        "SELECT DISTINCT pe.id FROM people pe JOIN person_roles r ON r.person_id = pe.id
         WHERE pe.active = 1 AND pe.owner_party_id ",
    );
    sql.append(party)
        .push(" AND r.role IN ")
        .bind_list(&roles)
        .push(" ORDER BY pe.id");
    Ok(sql.query_scalar().fetch_all(&mut *conn).await?)
}

/// The subject the access rule decides for: the person with their party, roles, clearance,
/// need-to-know groups and oversight assignments. `None` for an unknown or inactive person.
#[tracing::instrument(skip_all)]
pub async fn subject(conn: &mut Conn, person_id: i64) -> Result<Option<Subject>> {
    let Some(person) = get(conn, person_id).await? else {
        return Ok(None);
    };
    if !person.active {
        return Ok(None);
    }
    let groups = sqlx::query_scalar(
        "SELECT group_id FROM group_members WHERE person_id = $1 ORDER BY group_id",
    )
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    let oversees = oversight_of(conn, person_id).await?;
    let gate = crate::training::gates::of_person(conn, person_id)
        .await?
        .and_then(|g| {
            let shut = gate_shut(&g.dates(), g.check_required, sems_domain::util::today())?;
            Some(Gate {
                from_classification: g.from_classification,
                shut,
            })
        });
    Ok(Some(Subject {
        person_id,
        party_id: person.party_id,
        party_is_authority: person.party_is_authority,
        roles: person.roles,
        clearance: person.clearance,
        groups,
        oversees,
        read_only: false,
        gate,
    }))
}

#[tracing::instrument(skip_all)]
pub async fn set_oversight(conn: &mut Conn, person_id: i64, party_ids: &[i64]) -> Result<()> {
    sqlx::query("DELETE FROM oversight_assignments WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut *conn)
        .await?;
    for party in party_ids {
        sqlx::query("INSERT INTO oversight_assignments (person_id, party_id) VALUES ($1, $2)")
            .bind(person_id)
            .bind(*party)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn oversight_of(conn: &mut Conn, person_id: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT party_id FROM oversight_assignments WHERE person_id = $1 ORDER BY party_id",
    )
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?)
}

#[tracing::instrument(skip_all)]
pub async fn count(conn: &mut Conn) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) AS n FROM people")
        .fetch_one(&mut *conn)
        .await?)
}

/// The display names of an organisation's people, active or not (the directory that
/// de-identification suggestions look for).
#[tracing::instrument(skip_all)]
pub async fn display_names(conn: &mut Conn, party_id: i64) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT display_name FROM people WHERE owner_party_id = $1")
            .bind(party_id)
            .fetch_all(&mut *conn)
            .await?,
    )
}
