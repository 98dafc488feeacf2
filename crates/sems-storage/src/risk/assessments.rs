//! Risk assessments (`ASSESSMENT_ACCESS`) with their change history, the register and its
//! orders, review-required marking, the heat maps' score profile, acceptances and the
//! national picture's counts.

use crate::access_filter::{filter, AccessColumns, Reach};
use crate::decode::{Day, Flag, Lines};
use crate::sql::{fetch_page, Key, Order, Sql};
use crate::{now_ms, Conn, Result};
use sems_domain::access::{Action, RecordKind, Subject};
use sems_domain::page::{Page, PageRequest};
use sems_domain::role::Role;
use sems_domain::scenario::ScenarioCategory;
use sems_domain::util::format_date;

pub const ASSESSMENT_ACCESS: AccessColumns = AccessColumns {
    kind: RecordKind::RiskAssessment,
    id: "ra.id",
    owner_party: "ra.owner_party_id",
    classification: Some("ra.classification"),
    need_to_know: Some("ra.need_to_know"),
    person: None,
    published: None,
    raiser: None,
    reach: Reach::Own("risk_assessments"),
};

/// A risk assessment as stored, with the names a reader needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Assessment {
    pub id: i64,
    #[sqlx(rename = "owner_party_id")]
    pub party_id: i64,
    pub party_name: String,
    pub site_id: Option<i64>,
    pub site_name: Option<String>,
    pub scenario_id: i64,
    pub scenario_code: String,
    pub scenario_title: String,
    pub method_version: i64,
    pub likelihood: i64,
    pub likelihood_rationale: String,
    pub consequence_human: i64,
    pub consequence_economic: i64,
    pub consequence_political: i64,
    pub consequence_rationale: String,
    pub vulnerability: i64,
    pub vulnerability_rationale: String,
    /// The score proposed from objective data when the assessment was made, if any.
    pub likelihood_proposed: Option<i64>,
    /// Why the assessor departed from the proposal (empty when they followed it).
    pub likelihood_override_reason: String,
    pub vulnerability_proposed: Option<i64>,
    pub vulnerability_override_reason: String,
    #[sqlx(try_from = "Lines")]
    pub evidence: Vec<String>,
    pub inherent_score: i64,
    pub inherent_level: String,
    pub residual_score: i64,
    pub residual_level: String,
    #[sqlx(try_from = "Flag")]
    pub review_required: bool,
    /// What marked the assessment "review required".
    pub review_reason: String,
    /// The newest acceptance of the current residual score: by whom, until when (it may have
    /// lapsed: compare with today).
    pub accepted_by_name: Option<String>,
    #[sqlx(try_from = "crate::decode::OptionalDay")]
    pub accepted_until: Option<time::Date>,
    #[sqlx(try_from = "Day")]
    pub next_review_on: time::Date,
    pub classification: i64,
    #[sqlx(try_from = "Flag")]
    pub need_to_know: bool,
    pub updated_at_ms: i64,
}

/// The scored content of an assessment, as written.
#[derive(Debug, Clone)]
pub struct AssessmentValues {
    pub method_version: i64,
    pub likelihood: i64,
    pub likelihood_rationale: String,
    pub consequence_human: i64,
    pub consequence_economic: i64,
    pub consequence_political: i64,
    pub consequence_rationale: String,
    pub vulnerability: i64,
    pub vulnerability_rationale: String,
    pub likelihood_proposed: Option<i64>,
    pub likelihood_override_reason: String,
    pub vulnerability_proposed: Option<i64>,
    pub vulnerability_override_reason: String,
    pub evidence: Vec<String>,
    pub inherent_score: i64,
    pub inherent_level: &'static str,
    pub residual_score: i64,
    pub residual_level: &'static str,
    pub next_review_on: String,
    pub classification: i64,
}

const ASSESSMENT_COLUMNS: &str = "ra.id, ra.owner_party_id, pa.name AS party_name, ra.site_id, si.name AS site_name, \
     ra.scenario_id, ts.code AS scenario_code, ts.title AS scenario_title, ra.method_version, ra.likelihood, \
     ra.likelihood_rationale, ra.consequence_human, ra.consequence_economic, ra.consequence_political, \
     ra.consequence_rationale, ra.vulnerability, ra.vulnerability_rationale, ra.evidence, ra.inherent_score, \
     ra.inherent_level, ra.residual_score, ra.residual_level, ra.review_required, ra.next_review_on, \
     ra.classification, ra.need_to_know, ra.updated_at_ms, ra.likelihood_proposed, ra.likelihood_override_reason, \
     ra.vulnerability_proposed, ra.vulnerability_override_reason, ra.review_reason, \
     (SELECT pe.display_name FROM risk_acceptances ac JOIN people pe ON pe.id = ac.accepted_by \
      WHERE ac.assessment_id = ra.id AND ac.residual_score = ra.residual_score AND ac.method_version = ra.method_version \
      ORDER BY ac.id DESC LIMIT 1) AS accepted_by_name, \
     (SELECT ac.expires_on FROM risk_acceptances ac \
      WHERE ac.assessment_id = ra.id AND ac.residual_score = ra.residual_score AND ac.method_version = ra.method_version \
      ORDER BY ac.id DESC LIMIT 1) AS accepted_until";
const ASSESSMENT_FROM: &str = "risk_assessments ra JOIN parties pa ON pa.id = ra.owner_party_id \
     JOIN threat_scenarios ts ON ts.id = ra.scenario_id LEFT JOIN sites si ON si.id = ra.site_id";

#[tracing::instrument(skip_all)]
pub async fn insert_assessment(
    conn: &mut Conn,
    party_id: i64,
    site_id: Option<i64>,
    scenario_id: i64,
    v: &AssessmentValues,
    by: Option<i64>,
) -> Result<i64> {
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO risk_assessments (owner_party_id, site_id, scenario_id, method_version, likelihood,
             likelihood_rationale, consequence_human, consequence_economic, consequence_political,
             consequence_rationale, vulnerability, vulnerability_rationale, evidence, inherent_score,
             inherent_level, residual_score, residual_level, review_required, next_review_on,
             classification, need_to_know, created_by, created_at_ms, updated_by, updated_at_ms,
             likelihood_proposed, likelihood_override_reason, vulnerability_proposed, vulnerability_override_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 0, $18, $19, 0,
                 $20, $21, $20, $21, $22, $23, $24, $25) RETURNING id",
    )
    .bind(party_id)
    .bind(site_id)
    .bind(scenario_id)
    .bind(v.method_version)
    .bind(v.likelihood)
    .bind(v.likelihood_rationale.as_str())
    .bind(v.consequence_human)
    .bind(v.consequence_economic)
    .bind(v.consequence_political)
    .bind(v.consequence_rationale.as_str())
    .bind(v.vulnerability)
    .bind(v.vulnerability_rationale.as_str())
    .bind(v.evidence.join("\n"))
    .bind(v.inherent_score)
    .bind(v.inherent_level)
    .bind(v.residual_score)
    .bind(v.residual_level)
    .bind(v.next_review_on.as_str())
    .bind(v.classification)
    .bind(by)
    .bind(now)
    .bind(v.likelihood_proposed)
    .bind(v.likelihood_override_reason.as_str())
    .bind(v.vulnerability_proposed)
    .bind(v.vulnerability_override_reason.as_str())
    .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

/// Rewrites the scored content; a new assessment is no longer "review required".
#[tracing::instrument(skip_all)]
pub async fn update_assessment(
    conn: &mut Conn,
    id: i64,
    v: &AssessmentValues,
    by: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "UPDATE risk_assessments SET method_version = $1, likelihood = $2, likelihood_rationale = $3,
             consequence_human = $4, consequence_economic = $5, consequence_political = $6,
             consequence_rationale = $7, vulnerability = $8, vulnerability_rationale = $9, evidence = $10,
             inherent_score = $11, inherent_level = $12, residual_score = $13, residual_level = $14,
             review_required = 0, review_reason = '', next_review_on = $15, classification = $16,
             updated_by = $17, updated_at_ms = $18, likelihood_proposed = $20, likelihood_override_reason = $21,
             vulnerability_proposed = $22, vulnerability_override_reason = $23
         WHERE id = $19",
    )
    .bind(v.method_version)
    .bind(v.likelihood)
    .bind(v.likelihood_rationale.as_str())
    .bind(v.consequence_human)
    .bind(v.consequence_economic)
    .bind(v.consequence_political)
    .bind(v.consequence_rationale.as_str())
    .bind(v.vulnerability)
    .bind(v.vulnerability_rationale.as_str())
    .bind(v.evidence.join("\n"))
    .bind(v.inherent_score)
    .bind(v.inherent_level)
    .bind(v.residual_score)
    .bind(v.residual_level)
    .bind(v.next_review_on.as_str())
    .bind(v.classification)
    .bind(by)
    .bind(now_ms())
    .bind(id)
    .bind(v.likelihood_proposed)
    .bind(v.likelihood_override_reason.as_str())
    .bind(v.vulnerability_proposed)
    .bind(v.vulnerability_override_reason.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Which assessments a change marks "review required".
pub enum ReviewScope {
    /// Every assessment of a scenario in this category (a change of national threat level).
    Category(ScenarioCategory),
    /// One organisation's assessments of one scenario (a failed test, an occurrence).
    PartyScenario { party_id: i64, scenario_id: i64 },
}

/// Marks the assessments in `scope` "review required", saying why; returns their ids.
#[tracing::instrument(skip_all)]
pub async fn mark_review_required(
    conn: &mut Conn,
    scope: &ReviewScope,
    reason: &str,
) -> Result<Vec<i64>> {
    let mut sql = Sql::new("UPDATE risk_assessments SET review_required = 1, review_reason = ");
    sql.bind(reason).push(" WHERE ");
    match scope {
        ReviewScope::Category(c) => {
            sql.push("scenario_id IN (SELECT id FROM threat_scenarios WHERE category = ")
                .bind(c.as_str())
                .push(")");
        }
        ReviewScope::PartyScenario {
            party_id,
            scenario_id,
        } => {
            sql.push("owner_party_id = ")
                .bind(*party_id)
                .push(" AND scenario_id = ")
                .bind(*scenario_id);
        }
    }
    sql.push(" RETURNING id");
    Ok(sql.query_scalar().fetch_all(&mut *conn).await?)
}

/// How many assessments an organisation has made.
#[tracing::instrument(skip_all)]
pub async fn assessment_count(conn: &mut Conn, party_id: i64) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) AS n FROM risk_assessments WHERE owner_party_id = $1")
            .bind(party_id)
            .fetch_one(&mut *conn)
            .await?,
    )
}

#[tracing::instrument(skip_all)]
pub async fn assessment(conn: &mut Conn, id: i64) -> Result<Option<Assessment>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ASSESSMENT_COLUMNS} FROM {ASSESSMENT_FROM} WHERE ra.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// One change of an assessment: who, when, why, old → new.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssessmentChange {
    pub changed_by: Option<i64>,
    pub changed_by_name: Option<String>,
    pub changed_at_ms: i64,
    pub reason: String,
    #[sqlx(rename = "before_json")]
    pub before: Option<String>,
    #[sqlx(rename = "after_json")]
    pub after: String,
}

#[tracing::instrument(skip_all)]
pub async fn record_assessment_change(
    conn: &mut Conn,
    assessment_id: i64,
    by: Option<i64>,
    reason: &str,
    before: Option<String>,
    after: String,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO risk_assessment_history (assessment_id, changed_by, changed_at_ms, reason, before_json, after_json)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(assessment_id)
    .bind(by)
    .bind(now_ms())
    .bind(reason)
    .bind(before)
    .bind(after)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn assessment_history(
    conn: &mut Conn,
    assessment_id: i64,
) -> Result<Vec<AssessmentChange>> {
    Ok(sqlx::query_as(
        "SELECT h.changed_by, pe.display_name AS changed_by_name, h.changed_at_ms, h.reason, h.before_json, h.after_json
         FROM risk_assessment_history h LEFT JOIN people pe ON pe.id = h.changed_by
         WHERE h.assessment_id = $1 ORDER BY h.id DESC",
    )
    .bind(assessment_id)
    .fetch_all(&mut *conn)
        .await?)
}

#[derive(Debug, Clone, Default)]
pub struct AssessmentFilter {
    pub party_id: Option<i64>,
    pub scenario_id: Option<i64>,
    pub residual_level: Option<String>,
    pub review_required: Option<bool>,
    /// Only assessments whose review is due on or before this day, or marked review required.
    pub review_due_by: Option<String>,
    /// Where the assessments stand with acceptance.
    pub acceptance: Option<AcceptanceFilter>,
    pub sort: RegisterSort,
}

/// An acceptance state with what decides it: the levels the method in force has accepted,
/// today and the day until which an acceptance counts as expiring.
#[derive(Debug, Clone)]
pub struct AcceptanceFilter {
    pub state: sems_domain::risk::AcceptanceState,
    pub levels_needing: Vec<String>,
    pub today: time::Date,
    pub expiring_by: time::Date,
}

/// The register's orders, one per sort: each ending in the id. The score and review orders
/// are the table's own columns, behind indexes in the same order (migration 22), so a page is
/// an index range however many assessments the country holds; of equal scores the newest
/// assessment comes first. The organisation and scenario orders are read by walking the
/// parties by name (the scenarios by code) and each one's assessments by index.
const BY_RESIDUAL: Order = &[
    Key::int("ra.residual_score").desc(),
    Key::int("ra.id").desc(),
];
const BY_INHERENT: Order = &[
    Key::int("ra.inherent_score").desc(),
    Key::int("ra.id").desc(),
];
const BY_REVIEW_DATE: Order = &[
    Key::int("ra.review_required").desc(),
    Key::text("ra.next_review_on"),
    Key::int("ra.id"),
];
const BY_ORGANISATION: Order = &[
    Key::text("pa.name"),
    Key::text("ts.code"),
    Key::int("ra.id"),
];
const BY_SCENARIO: Order = &[
    Key::text("ts.code"),
    Key::text("pa.name"),
    Key::int("ra.id"),
];
const BY_UPDATED: Order = &[
    Key::int("ra.updated_at_ms").desc(),
    Key::int("ra.id").desc(),
];

/// The orders the register offers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RegisterSort {
    /// Highest residual risk first (the default).
    #[default]
    Residual,
    /// Highest inherent risk first.
    Inherent,
    /// Soonest review first.
    ReviewDate,
    /// By organisation name.
    Organisation,
    /// By scenario code.
    Scenario,
    /// Most recently changed first.
    Updated,
}

impl RegisterSort {
    pub const ALL: [RegisterSort; 6] = [
        RegisterSort::Residual,
        RegisterSort::Inherent,
        RegisterSort::ReviewDate,
        RegisterSort::Organisation,
        RegisterSort::Scenario,
        RegisterSort::Updated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RegisterSort::Residual => "residual",
            RegisterSort::Inherent => "inherent",
            RegisterSort::ReviewDate => "review",
            RegisterSort::Organisation => "organisation",
            RegisterSort::Scenario => "scenario",
            RegisterSort::Updated => "updated",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RegisterSort::Residual => "Highest residual risk",
            RegisterSort::Inherent => "Highest inherent risk",
            RegisterSort::ReviewDate => "Review due soonest",
            RegisterSort::Organisation => "Organisation",
            RegisterSort::Scenario => "Scenario",
            RegisterSort::Updated => "Recently changed",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == input.trim())
    }

    /// The order: always ending in the id, so pages never overlap.
    fn order(self) -> Order {
        match self {
            RegisterSort::Residual => BY_RESIDUAL,
            RegisterSort::Inherent => BY_INHERENT,
            RegisterSort::ReviewDate => BY_REVIEW_DATE,
            RegisterSort::Organisation => BY_ORGANISATION,
            RegisterSort::Scenario => BY_SCENARIO,
            RegisterSort::Updated => BY_UPDATED,
        }
    }
}

/// The risk register: the assessments `subject` may read, highest residual risk first.
#[tracing::instrument(skip_all)]
pub async fn assessments(
    conn: &mut Conn,
    subject: &Subject,
    f: &AssessmentFilter,
    page: PageRequest,
) -> Result<Page<Assessment>> {
    let mut cond = filter(subject, Action::Read, &ASSESSMENT_ACCESS);
    if let Some(p) = f.party_id {
        cond.push(" AND ra.owner_party_id = ").bind(p);
    }
    if let Some(s) = f.scenario_id {
        cond.push(" AND ra.scenario_id = ").bind(s);
    }
    if let Some(level) = &f.residual_level {
        cond.push(" AND ra.residual_level = ").bind(level.clone());
    }
    if let Some(r) = f.review_required {
        cond.push(" AND ra.review_required = ").bind(i64::from(r));
    }
    if let Some(day) = &f.review_due_by {
        cond.push(" AND (ra.next_review_on <= ")
            .bind(day.clone())
            .push(" OR ra.review_required = 1)");
    }
    if let Some(a) = &f.acceptance {
        use sems_domain::risk::AcceptanceState;
        // An acceptance in force, as sems_domain::risk::acceptance_holds has it: of the
        // current residual score and method version, not expired (the services suite checks
        // the two agree on both engines).
        let in_force = " (SELECT 1 FROM risk_acceptances ac WHERE ac.assessment_id = ra.id \
             AND ac.residual_score = ra.residual_score AND ac.method_version = ra.method_version \
             AND ac.expires_on >= ";
        let today = sems_domain::util::format_date(a.today);
        match a.state {
            AcceptanceState::Awaiting => {
                cond.push(" AND ra.residual_level IN ")
                    .bind_list(&a.levels_needing)
                    .push(" AND NOT EXISTS")
                    .push(in_force)
                    .bind(today)
                    .push(")");
            }
            AcceptanceState::Expiring => {
                cond.push(" AND EXISTS")
                    .push(in_force)
                    .bind(today)
                    .push(" AND ac.expires_on <= ")
                    .bind(sems_domain::util::format_date(a.expiring_by))
                    .push(")");
            }
            AcceptanceState::Accepted => {
                cond.push(" AND EXISTS")
                    .push(in_force)
                    .bind(today)
                    .push(")");
            }
        }
    }
    fetch_page(
        conn,
        "risk_assessments ra",
        &format!("SELECT {ASSESSMENT_COLUMNS} FROM {ASSESSMENT_FROM}"),
        &cond,
        f.sort.order(),
        page,
    )
    .await
}

/// Counts of the assessments `subject` may read, by method version and scores: enough to draw
/// heat maps under each assessment's own method version without reading every row.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct ScoreProfile {
    pub method_version: i64,
    pub likelihood: i64,
    pub consequence_human: i64,
    pub consequence_economic: i64,
    pub consequence_political: i64,
    pub vulnerability: i64,
    #[sqlx(rename = "n")]
    pub count: i64,
}

#[tracing::instrument(skip_all)]
pub async fn score_profile(
    conn: &mut Conn,
    subject: &Subject,
    f: &AssessmentFilter,
) -> Result<Vec<ScoreProfile>> {
    let mut cond = filter(subject, Action::Read, &ASSESSMENT_ACCESS);
    if let Some(p) = f.party_id {
        cond.push(" AND ra.owner_party_id = ").bind(p);
    }
    if let Some(s) = f.scenario_id {
        cond.push(" AND ra.scenario_id = ").bind(s);
    }
    let mut sql = Sql::new(
        "SELECT ra.method_version, ra.likelihood, ra.consequence_human, ra.consequence_economic,
                ra.consequence_political, ra.vulnerability, COUNT(*) AS n
         FROM risk_assessments ra WHERE ",
    );
    sql.append(&cond).push(
        " GROUP BY ra.method_version, ra.likelihood, ra.consequence_human, ra.consequence_economic,
                   ra.consequence_political, ra.vulnerability",
    );
    Ok(sql.query_as().fetch_all(&mut *conn).await?)
}

/// A recorded acceptance of an assessment's residual risk by the accountable executive.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Acceptance {
    pub id: i64,
    pub assessment_id: i64,
    pub accepted_by: i64,
    pub accepted_by_name: String,
    pub accepted_at_ms: i64,
    #[sqlx(try_from = "Day")]
    pub expires_on: time::Date,
    pub method_version: i64,
    pub residual_score: i64,
    pub residual_level: String,
    pub note: String,
}

#[tracing::instrument(skip_all)]
pub async fn insert_acceptance(
    conn: &mut Conn,
    a: &Assessment,
    accepted_by: i64,
    expires_on: time::Date,
    note: &str,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO risk_acceptances (assessment_id, accepted_by, accepted_at_ms, expires_on, method_version,
             residual_score, residual_level, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(a.id)
    .bind(accepted_by)
    .bind(now_ms())
    .bind(format_date(expires_on))
    .bind(a.method_version)
    .bind(a.residual_score)
    .bind(a.residual_level.as_str())
    .bind(note)
    .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

/// The acceptances of an assessment, newest first.
#[tracing::instrument(skip_all)]
pub async fn acceptances(conn: &mut Conn, assessment_id: i64) -> Result<Vec<Acceptance>> {
    Ok(sqlx::query_as(
        "SELECT ac.id, ac.assessment_id, ac.accepted_by, pe.display_name AS accepted_by_name, ac.accepted_at_ms,
                ac.expires_on, ac.method_version, ac.residual_score, ac.residual_level, ac.note
         FROM risk_acceptances ac JOIN people pe ON pe.id = ac.accepted_by
         WHERE ac.assessment_id = $1 ORDER BY ac.id DESC",
    )
    .bind(assessment_id)
    .fetch_all(&mut *conn)
        .await?)
}

/// One cell of the national picture: how many assessments of a scenario, across every
/// organisation, stand at a residual level.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NationalCount {
    pub scenario_id: i64,
    #[sqlx(rename = "code")]
    pub scenario_code: String,
    #[sqlx(rename = "title")]
    pub scenario_title: String,
    pub residual_level: String,
    #[sqlx(rename = "n")]
    pub assessments: i64,
    #[sqlx(rename = "orgs")]
    pub organisations: i64,
}

/// Counts per scenario and residual level over every organisation's assessments. Only counts
/// leave this function: who is behind them is for the access-filtered register to say.
#[tracing::instrument(skip_all)]
pub async fn national_picture(conn: &mut Conn) -> Result<Vec<NationalCount>> {
    Ok(sqlx::query_as(
        "SELECT ra.scenario_id, ts.code, ts.title, ra.residual_level, COUNT(*) AS n,
                COUNT(DISTINCT ra.owner_party_id) AS orgs
         FROM risk_assessments ra JOIN threat_scenarios ts ON ts.id = ra.scenario_id
         GROUP BY ra.scenario_id, ts.code, ts.title, ra.residual_level
         ORDER BY ts.code, ra.scenario_id",
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// How many assessments, across every organisation, stand at each residual level: the
/// national picture's totals alone.
#[tracing::instrument(skip_all)]
pub async fn residual_level_counts(conn: &mut Conn) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT residual_level, COUNT(*) AS n FROM risk_assessments GROUP BY residual_level",
    )
    .fetch_all(&mut *conn)
    .await?)
}

/// The highest residual level among an organisation's assessments.
#[tracing::instrument(skip_all)]
pub async fn highest_residual_level(conn: &mut Conn, party_id: i64) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT residual_level FROM risk_assessments WHERE owner_party_id = $1
         ORDER BY residual_score DESC, id LIMIT 1",
    )
    .bind(party_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Active people holding one of `roles` in every organisation with an assessment of a
/// scenario of `category`: who hears of a change of that category's national threat level.
#[tracing::instrument(skip_all)]
pub async fn people_assessing_category(
    conn: &mut Conn,
    category: ScenarioCategory,
    roles: &[Role],
) -> Result<Vec<i64>> {
    let mut parties = Sql::new(
        "IN (SELECT ra.owner_party_id FROM risk_assessments ra
         WHERE ra.scenario_id IN (SELECT ts.id FROM threat_scenarios ts WHERE ts.category = ",
    );
    parties.bind(category.as_str()).push("))");
    crate::people::ids_with_roles_in(conn, &parties, roles).await
}
