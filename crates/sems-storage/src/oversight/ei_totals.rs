//! Effective implementation kept as totals, so the authority's dashboard over every
//! organisation sums a few thousand rows instead of grouping every completed activity's
//! results.
//!
//! A row of `ei_totals` adds up the per-area results (`activity_results`) of the completed
//! activities of one organisation and performer, in one year or in one requirement area (the
//! dashboard's dimensions: an organisation's figure is the sum of its years), that the access
//! rule cannot tell apart: the same owner, the same marking (classification, need-to-know) and the same
//! audience (the parties, groups and persons the activity is distributed to). The rule reads
//! nothing else of an activity, so it decides for every activity of a row as it decides for
//! any one of them: the row keeps one, `representative_id`, and the one access filter
//! (`filter(subject, Read, &TOTALS_ACCESS)`) reads its distribution. A reader therefore counts
//! exactly the activities they may read; the storage access matrix checks the totals against
//! counting the rows, for every reader, on both engines.
//!
//! The totals of an organisation are computed again from its activities' results
//! ([`refresh`]) in the transaction of every write that changes what they count: an activity's
//! results ([`super::activities::store_results`]), its marking ([`super::activities::release`])
//! and its distribution ([`crate::groups::distribute`]).

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::bulk::BulkSet;
use crate::sql::Sql;
use crate::{Conn, Result};
use sems_domain::access::{Action, Distribution, RecordKind, Subject};
use sems_domain::oversight::{ActivityStatus, EiTally, Performer};
use std::collections::BTreeMap;

/// What the access rule reads of a row of totals: the columns of the activities it counts.
pub const TOTALS_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::OversightActivity,
    id: "t.representative_id",
    owner_party: "t.owner_party_id",
    classification: Some("t.classification"),
    need_to_know: Some("t.need_to_know"),
    person: None,
    published: None,
    raiser: None,
    reach: Reach::Scan,
};

/// A completed activity's result in one area, with what the access rule reads of it.
#[derive(sqlx::FromRow)]
struct MemberRow {
    id: i64,
    overseen_party_id: i64,
    performer: String,
    year: String,
    area_code: String,
    owner_party_id: i64,
    classification: i64,
    need_to_know: i64,
    compliant: i64,
    applicable: i64,
    items: i64,
}

/// A row's key: the organisation, performer, dimension and the year or area it is shown by,
/// and the owner, marking and audience the access rule reads.
type Key = (i64, String, &'static str, String, i64, i64, i64, String);

#[derive(Default)]
struct Total {
    /// The smallest id of the activities counted; 0 before the first.
    representative_id: i64,
    tally: EiTally,
}

/// An activity's audience: its distribution as one word, the same for the same set
/// (`p12,g3,u44`, sorted); '' for an activity distributed to nobody.
fn audience(d: &Distribution) -> String {
    let mut words: Vec<String> = d
        .parties
        .iter()
        .map(|p| format!("p{p}"))
        .chain(d.groups.iter().map(|g| format!("g{g}")))
        .chain(d.persons.iter().map(|u| format!("u{u}")))
        .collect();
    words.sort_unstable();
    words.dedup();
    words.join(",")
}

/// The stored dimensions' words.
const YEAR: &str = "year";
const AREA: &str = "area";

/// Computes again the totals of one organisation's activities, or of every organisation's
/// (`None`: after a bulk load, or when the table is created).
#[tracing::instrument(skip_all)]
pub async fn refresh(conn: &mut Conn, overseen_party_id: Option<i64>) -> Result<()> {
    let mut members = Sql::new(
        "SELECT oa.id, oa.overseen_party_id, oa.performer, SUBSTR(oa.completed_on, 1, 4) AS year,
                r.area_code, oa.owner_party_id, oa.classification, oa.need_to_know,
                r.compliant, r.applicable, r.items
         FROM activity_results r JOIN oversight_activities oa ON oa.id = r.activity_id
         WHERE oa.status = ",
    );
    members.bind(ActivityStatus::Completed.as_str());
    let mut activities = None;
    let mut delete = Sql::new("DELETE FROM ei_totals");
    if let Some(party) = overseen_party_id {
        // One refresh of an organisation at a time: on PostgreSQL a second transaction waits
        // here for the first to commit, then reads its results too, rather than computing from
        // what it saw before and writing rows the first one wrote. (SQLite has one writer.)
        sqlx::query("UPDATE parties SET updated_at_ms = updated_at_ms WHERE id = $1")
            .bind(party)
            .execute(&mut *conn)
            .await?;
        members.push(" AND oa.overseen_party_id = ").bind(party);
        let mut ids = Sql::new("SELECT id FROM oversight_activities WHERE overseen_party_id = ");
        ids.bind(party);
        activities = Some(ids);
        delete.push(" WHERE overseen_party_id = ").bind(party);
    }
    let members: Vec<MemberRow> = members.query_as().fetch_all(&mut *conn).await?;
    let distributions = crate::groups::distributions_of_kind(
        conn,
        RecordKind::OversightActivity,
        activities.as_ref(),
    )
    .await?;
    let mut totals: BTreeMap<Key, Total> = BTreeMap::new();
    for m in members {
        let audience = distributions.get(&m.id).map(audience).unwrap_or_default();
        let tally = EiTally {
            compliant: m.compliant,
            applicable: m.applicable,
            items: m.items,
        };
        for (dimension, value) in [(YEAR, &m.year), (AREA, &m.area_code)] {
            let total = totals
                .entry((
                    m.overseen_party_id,
                    m.performer.clone(),
                    dimension,
                    value.clone(),
                    m.owner_party_id,
                    m.classification,
                    m.need_to_know,
                    audience.clone(),
                ))
                .or_default();
            if total.representative_id == 0 || m.id < total.representative_id {
                total.representative_id = m.id;
            }
            total.tally.add(&tally);
        }
    }
    delete.query().execute(&mut *conn).await?;
    let mut rows = BulkSet::new(&[
        "INSERT INTO ei_totals (overseen_party_id, performer, dimension, dimension_value,
             owner_party_id, classification, need_to_know, audience, representative_id, compliant,
             applicable, items) VALUES",
    ]);
    for (key, total) in totals {
        let (overseen, performer, dimension, value, owner, classification, ntk, audience) = key;
        rows.row(
            conn,
            0,
            vec![
                overseen.into(),
                performer.into(),
                dimension.into(),
                value.into(),
                owner.into(),
                classification.into(),
                ntk.into(),
                audience.into(),
                total.representative_id.into(),
                total.tally.compliant.into(),
                total.tally.applicable.into(),
                total.tally.items.into(),
            ],
        )
        .await?;
    }
    rows.flush(conn).await?;
    Ok(())
}

/// Computes again the totals of the organisation an activity is of, once it is completed
/// (before, it counts nowhere: its completion computes them).
#[tracing::instrument(skip_all)]
pub async fn refresh_for_activity(conn: &mut Conn, activity_id: i64) -> Result<()> {
    let overseen: Option<i64> = sqlx::query_scalar(
        "SELECT overseen_party_id FROM oversight_activities WHERE id = $1 AND status = $2",
    )
    .bind(activity_id)
    .bind(ActivityStatus::Completed.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    match overseen {
        Some(party) => refresh(conn, Some(party)).await,
        None => Ok(()),
    }
}

/// What the dashboard shows a sum by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Organisation,
    Area,
    Year,
}

impl Dimension {
    pub const ALL: [Dimension; 3] = [Dimension::Organisation, Dimension::Area, Dimension::Year];
}

/// A sum of the results `subject` may read, of one performer, by one dimension.
#[derive(Debug, Clone)]
pub struct EiSum {
    pub dimension: Dimension,
    pub performer: Performer,
    /// The organisation's id, for sums by organisation.
    pub party_id: Option<i64>,
    /// The organisation's name, the area's code or the year.
    pub key: String,
    pub tally: EiTally,
}

#[derive(sqlx::FromRow)]
struct EiSumRow {
    dimension: String,
    #[sqlx(try_from = "String")]
    performer: Performer,
    party_id: Option<i64>,
    dimension_value: String,
    compliant: i64,
    applicable: i64,
    items: i64,
}

/// The results of the completed activities `subject` may read, of one organisation when
/// asked, summed per performer by each of `dimensions`. Every performer is summed: the
/// service decides which the reader asked for and never adds them up unasked.
#[tracing::instrument(skip_all)]
pub async fn sums(
    conn: &mut Conn,
    subject: &Subject,
    overseen_party_id: Option<i64>,
    dimensions: &[Dimension],
) -> Result<Vec<EiSum>> {
    let mut cond = filter(subject, Action::Read, &TOTALS_ACCESS);
    if let Some(p) = overseen_party_id {
        cond.push(" AND t.overseen_party_id = ").bind(p);
    }
    const SUMS: &str = "CAST(SUM(t.compliant) AS BIGINT) AS compliant,
        CAST(SUM(t.applicable) AS BIGINT) AS applicable, CAST(SUM(t.items) AS BIGINT) AS items";
    if dimensions.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::default();
    for (i, dimension) in dimensions.iter().enumerate() {
        if i > 0 {
            sql.push(" UNION ALL ");
        }
        match dimension {
            // An organisation's sum is the sum of its years.
            Dimension::Organisation => {
                sql.push(&format!(
                    "SELECT 'organisation' AS dimension, t.performer, t.overseen_party_id AS party_id,
                            MAX(p.name) AS dimension_value, {SUMS}
                     FROM ei_totals t JOIN parties p ON p.id = t.overseen_party_id WHERE t.dimension = "
                ))
                .bind(YEAR)
                .push(" AND ")
                .append(&cond)
                .push(" GROUP BY t.performer, t.overseen_party_id");
            }
            Dimension::Area | Dimension::Year => {
                let kept = if *dimension == Dimension::Area {
                    AREA
                } else {
                    YEAR
                };
                sql.push(&format!(
                    "SELECT t.dimension, t.performer, CAST(NULL AS BIGINT) AS party_id,
                            t.dimension_value, {SUMS} FROM ei_totals t WHERE t.dimension = "
                ))
                .bind(kept)
                .push(" AND ")
                .append(&cond)
                .push(" GROUP BY t.dimension, t.performer, t.dimension_value");
            }
        }
    }
    let rows: Vec<EiSumRow> = sql.query_as().fetch_all(&mut *conn).await?;
    Ok(rows
        .into_iter()
        .map(|r| EiSum {
            dimension: match r.dimension.as_str() {
                YEAR => Dimension::Year,
                AREA => Dimension::Area,
                _ => Dimension::Organisation,
            },
            performer: r.performer,
            party_id: r.party_id,
            key: r.dimension_value,
            tally: EiTally {
                compliant: r.compliant,
                applicable: r.applicable,
                items: r.items,
            },
        })
        .collect())
}
