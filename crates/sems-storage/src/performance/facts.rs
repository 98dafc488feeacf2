//! What sems holds of one organisation that its indicators are computed from
//! (`sems_domain::performance::measures::Facts`): compact rows of each module, read by the
//! organisation's indexes. The formulas are the domain's.

use std::collections::BTreeMap;

use crate::decode::{Day, Flag, OptionalDay, OptionalFlag};
use crate::{Conn, Result};
use sems_domain::action::ActionStatus;
use sems_domain::oversight::{FindingLevel, FindingStatus, Performer};
use sems_domain::performance::measures::{
    ActionFact, AssessmentFact, EiFact, Facts, FindingFact, PlannedActivity, ReportFact, TestFact,
};

#[derive(sqlx::FromRow)]
struct TestRow {
    activity_id: i64,
    #[sqlx(try_from = "Day")]
    completed_on: time::Date,
    #[sqlx(try_from = "Flag")]
    covert: bool,
    area_code: String,
    passed: i64,
    failed: i64,
}

#[derive(sqlx::FromRow)]
struct EiRow {
    activity_id: i64,
    #[sqlx(try_from = "Day")]
    completed_on: time::Date,
    area_code: String,
    compliant: i64,
    applicable: i64,
}

#[derive(sqlx::FromRow)]
struct FindingRow {
    id: i64,
    #[sqlx(try_from = "String")]
    level: FindingLevel,
    requirement_code: String,
    created_at_ms: i64,
    #[sqlx(try_from = "Day")]
    due_on: time::Date,
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    finding_id: i64,
    at_ms: i64,
    #[sqlx(try_from = "String")]
    status: FindingStatus,
}

#[derive(sqlx::FromRow)]
struct PlannedRow {
    id: i64,
    #[sqlx(try_from = "Day")]
    planned_on: time::Date,
    #[sqlx(try_from = "OptionalDay")]
    completed_on: Option<time::Date>,
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: i64,
    filed_at_ms: i64,
    triaged_at_ms: Option<i64>,
    #[sqlx(try_from = "OptionalFlag")]
    mandatory: Option<bool>,
    forward_due_at_ms: Option<i64>,
    forwarded_at_ms: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct AssessmentRow {
    id: i64,
    created_at_ms: i64,
    #[sqlx(try_from = "Day")]
    next_review_on: time::Date,
}

#[derive(sqlx::FromRow)]
struct ReviewRow {
    assessment_id: i64,
    changed_at_ms: i64,
    after_json: String,
}

#[derive(sqlx::FromRow)]
struct ActionRow {
    id: i64,
    created_at_ms: i64,
    #[sqlx(try_from = "Day")]
    due_on: time::Date,
    #[sqlx(try_from = "OptionalDay")]
    completed_on: Option<time::Date>,
    #[sqlx(try_from = "String")]
    status: ActionStatus,
}

#[derive(sqlx::FromRow)]
struct SeriesRow {
    series: String,
    month: String,
    site_id: i64,
    value: f64,
}

/// The review date a change of an assessment set, from the change's JSON.
fn review_date(after_json: &str) -> Option<time::Date> {
    let v: serde_json::Value = serde_json::from_str(after_json).ok()?;
    let day = v.get("next_review_on")?.as_str()?;
    sems_domain::util::parse_date("next_review_on", day).ok()
}

/// The facts of organisation `party_id`: what the organisation may know of. A covert test,
/// its results and its findings count only once released to it, as the access rule has them.
#[tracing::instrument(skip_all)]
pub async fn of_organisation(conn: &mut Conn, party_id: i64) -> Result<Facts> {
    // Tests: every completed activity's tested items, a covert test's once released.
    let tests: Vec<TestRow> = sqlx::query_as(
        "SELECT a.id AS activity_id, a.completed_on, a.covert, ci.area_code,
                SUM(CASE WHEN ci.test_passed = 1 THEN 1 ELSE 0 END) AS passed,
                SUM(CASE WHEN ci.test_passed = 0 THEN 1 ELSE 0 END) AS failed
         FROM oversight_activities a JOIN checklist_items ci ON ci.activity_id = a.id
         WHERE a.overseen_party_id = $1 AND a.status = 'completed' AND a.completed_on IS NOT NULL
           AND (a.covert = 0 OR a.released = 1) AND ci.test_passed IS NOT NULL
         GROUP BY a.id, a.completed_on, a.covert, ci.area_code",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?;
    // EI: the State's completed activities, from their results per area.
    let ei: Vec<EiRow> = sqlx::query_as(
        "SELECT a.id AS activity_id, a.completed_on, r.area_code, r.compliant, r.applicable
         FROM oversight_activities a JOIN activity_results r ON r.activity_id = a.id
         WHERE a.overseen_party_id = $1 AND a.status = 'completed' AND a.completed_on IS NOT NULL
           AND a.performer = $2 AND (a.covert = 0 OR a.released = 1)",
    )
    .bind(party_id)
    .bind(Performer::Authority.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let findings: Vec<FindingRow> = sqlx::query_as(
        "SELECT f.id, f.level, f.requirement_code, f.created_at_ms,
                COALESCE(f.cap_due_on, f.due_on) AS due_on
         FROM findings f WHERE f.owner_party_id = $1 AND NOT EXISTS (SELECT 1 FROM oversight_activities a
             WHERE a.id = f.activity_id AND a.covert = 1 AND a.released = 0)
         ORDER BY f.id",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?;
    let history: Vec<HistoryRow> = sqlx::query_as(
        "SELECT fh.finding_id, fh.at_ms, fh.status
         FROM finding_history fh JOIN findings f ON f.id = fh.finding_id
         WHERE f.owner_party_id = $1 AND NOT EXISTS (SELECT 1 FROM oversight_activities a
             WHERE a.id = f.activity_id AND a.covert = 1 AND a.released = 0)
         ORDER BY fh.finding_id, fh.at_ms, fh.id",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?;
    let programme: Vec<PlannedRow> = sqlx::query_as(
        "SELECT id, planned_on, completed_on FROM oversight_activities
         WHERE overseen_party_id = $1 AND performer = $2 AND (covert = 0 OR released = 1)",
    )
    .bind(party_id)
    .bind(Performer::Authority.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let reports: Vec<ReportRow> = sqlx::query_as(
        "SELECT id, filed_at_ms, triaged_at_ms, mandatory, forward_due_at_ms, forwarded_at_ms
         FROM security_reports WHERE owner_party_id = $1",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?;
    let assessments: Vec<AssessmentRow> = sqlx::query_as(
        "SELECT id, created_at_ms, next_review_on FROM risk_assessments WHERE owner_party_id = $1",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?;
    let reviews: Vec<ReviewRow> = sqlx::query_as(
        "SELECT h.assessment_id, h.changed_at_ms, h.after_json
         FROM risk_assessment_history h JOIN risk_assessments ra ON ra.id = h.assessment_id
         WHERE ra.owner_party_id = $1 ORDER BY h.assessment_id, h.changed_at_ms, h.id",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?;
    let actions: Vec<ActionRow> = sqlx::query_as(
        "SELECT id, created_at_ms, due_on, completed_on, status FROM actions WHERE owner_party_id = $1",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?;
    let series: Vec<SeriesRow> = sqlx::query_as(
        "SELECT series, month, site_id, value FROM data_series_values WHERE owner_party_id = $1",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?;

    let mut by_finding: BTreeMap<i64, Vec<(i64, FindingStatus)>> = BTreeMap::new();
    for h in history {
        by_finding
            .entry(h.finding_id)
            .or_default()
            .push((h.at_ms, h.status));
    }
    let mut by_assessment: BTreeMap<i64, Vec<(i64, time::Date)>> = BTreeMap::new();
    for r in reviews {
        if let Some(day) = review_date(&r.after_json) {
            by_assessment
                .entry(r.assessment_id)
                .or_default()
                .push((r.changed_at_ms, day));
        }
    }
    Ok(Facts {
        tests: tests
            .into_iter()
            .map(|t| TestFact {
                activity_id: t.activity_id,
                completed_on: t.completed_on,
                covert: t.covert,
                area: t.area_code,
                passed: t.passed.max(0) as u64,
                failed: t.failed.max(0) as u64,
            })
            .collect(),
        ei: ei
            .into_iter()
            .map(|r| EiFact {
                activity_id: r.activity_id,
                completed_on: r.completed_on,
                area: r.area_code,
                compliant: r.compliant.max(0) as u64,
                applicable: r.applicable.max(0) as u64,
            })
            .collect(),
        findings: findings
            .into_iter()
            .map(|f| FindingFact {
                history: by_finding.remove(&f.id).unwrap_or_default(),
                id: f.id,
                level: f.level,
                requirement_code: f.requirement_code,
                raised_at_ms: f.created_at_ms,
                due_on: f.due_on,
            })
            .collect(),
        programme: programme
            .into_iter()
            .map(|a| PlannedActivity {
                id: a.id,
                planned_on: a.planned_on,
                completed_on: a.completed_on,
            })
            .collect(),
        reports: reports
            .into_iter()
            .map(|r| ReportFact {
                id: r.id,
                filed_at_ms: r.filed_at_ms,
                triaged_at_ms: r.triaged_at_ms,
                mandatory: r.mandatory.unwrap_or(false),
                forward_due_at_ms: r.forward_due_at_ms,
                forwarded_at_ms: r.forwarded_at_ms,
            })
            .collect(),
        assessments: assessments
            .into_iter()
            .map(|a| AssessmentFact {
                reviews: by_assessment.remove(&a.id).unwrap_or_default(),
                id: a.id,
                created_at_ms: a.created_at_ms,
                next_review_on: a.next_review_on,
            })
            .collect(),
        actions: actions
            .into_iter()
            .map(|a| ActionFact {
                id: a.id,
                created_at_ms: a.created_at_ms,
                due_on: a.due_on,
                completed_on: a.completed_on,
                cancelled: a.status == ActionStatus::Cancelled,
            })
            .collect(),
        series: organisation_series(series),
        training: training_facts(conn, party_id).await?,
        directives: directive_facts(conn, party_id).await?,
    })
}

#[derive(sqlx::FromRow)]
struct DirectiveRow {
    item_id: i64,
    #[sqlx(try_from = "Day")]
    acknowledge_by: time::Date,
    #[sqlx(try_from = "OptionalDay")]
    acknowledged_on: Option<time::Date>,
    #[sqlx(try_from = "Day")]
    implement_by: time::Date,
    #[sqlx(try_from = "OptionalDay")]
    implemented_on: Option<time::Date>,
}

/// The security directives the organisation received, with their deadlines and its steps.
async fn directive_facts(
    conn: &mut Conn,
    party_id: i64,
) -> Result<Vec<sems_domain::performance::measures::DirectiveFact>> {
    let binding: Vec<&str> = sems_domain::sharing::directive::DirectiveStatus::ALL
        .iter()
        .filter(|s| s.binds_recipients())
        .map(|s| s.as_str())
        .collect();
    let mut sql = crate::sql::Sql::new(
        "SELECT dr.item_id, si.acknowledge_by, dr.acknowledged_on, si.implement_by, dr.implemented_on
         FROM directive_recipients dr JOIN shared_items si ON si.id = dr.item_id
         WHERE si.acknowledge_by IS NOT NULL AND si.implement_by IS NOT NULL AND dr.party_id = ",
    );
    sql.bind(party_id)
        .push(" AND si.status IN ")
        .bind_list(&binding)
        .push(" ORDER BY dr.item_id");
    let rows: Vec<DirectiveRow> = sql.query_as().fetch_all(&mut *conn).await?;
    Ok(rows
        .into_iter()
        .map(|r| sems_domain::performance::measures::DirectiveFact {
            item_id: r.item_id,
            acknowledge_by: r.acknowledge_by,
            acknowledged_on: r.acknowledged_on,
            implement_by: r.implement_by,
            implemented_on: r.implemented_on,
        })
        .collect())
}

/// Series values of the whole organisation by month: its own value (site 0) where entered,
/// else the sum of its sites'.
fn organisation_series(rows: Vec<SeriesRow>) -> BTreeMap<String, BTreeMap<String, f64>> {
    let mut whole: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    let mut sites: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for r in rows {
        let target = if r.site_id == 0 {
            &mut whole
        } else {
            &mut sites
        };
        *target
            .entry(r.series)
            .or_default()
            .entry(r.month)
            .or_default() += r.value;
    }
    for (series, months) in sites {
        let entry = whole.entry(series).or_default();
        for (month, v) in months {
            entry.entry(month).or_insert(v);
        }
    }
    whole
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: i64,
    #[sqlx(try_from = "Day")]
    started_on: time::Date,
}

#[derive(sqlx::FromRow)]
struct HeldRow {
    personnel_id: i64,
    #[sqlx(try_from = "String")]
    function: sems_domain::training::Function,
    #[sqlx(try_from = "OptionalDay")]
    last_exercised_on: Option<time::Date>,
}

#[derive(sqlx::FromRow)]
struct RecordRow {
    personnel_id: i64,
    course_code: String,
    #[sqlx(try_from = "Day")]
    completed_on: time::Date,
    hours: f64,
    #[sqlx(try_from = "Flag")]
    passed: bool,
}

#[derive(sqlx::FromRow)]
struct CheckRow {
    personnel_id: i64,
    #[sqlx(try_from = "String")]
    level: sems_domain::training::CheckLevel,
    #[sqlx(try_from = "Day")]
    completed_on: time::Date,
    #[sqlx(try_from = "Day")]
    valid_until: time::Date,
    #[sqlx(try_from = "String")]
    outcome: sems_domain::training::CheckOutcome,
}

/// The organisation's active personnel with their functions, records and checks, under the
/// programme they are held to; none while nobody is registered.
async fn training_facts(
    conn: &mut Conn,
    party_id: i64,
) -> Result<Option<sems_domain::performance::measures::TrainingFacts>> {
    use sems_domain::performance::measures::{PersonFact, TrainingFacts};
    use sems_domain::training::assess::{CheckDone, Held};
    let people: Vec<PersonRow> = sqlx::query_as(
        "SELECT id, started_on FROM personnel WHERE owner_party_id = $1 AND active = 1 ORDER BY id",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?;
    if people.is_empty() {
        return Ok(None);
    }
    let Some(national) = crate::training::programme::current(conn).await? else {
        return Ok(None);
    };
    let programme = match crate::training::additions::current(conn, party_id).await? {
        Some(a) => national.programme.with_additions(&a.additions),
        None => national.programme,
    };
    let held: Vec<HeldRow> = sqlx::query_as(
        "SELECT pf.personnel_id, pf.function, pf.last_exercised_on FROM personnel_functions pf
         JOIN personnel pn ON pn.id = pf.personnel_id WHERE pn.owner_party_id = $1",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?;
    let records: Vec<RecordRow> = sqlx::query_as(
        "SELECT personnel_id, course_code, completed_on, hours, passed FROM training_records
         WHERE owner_party_id = $1",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?;
    let checks: Vec<CheckRow> = sqlx::query_as(
        "SELECT personnel_id, level, completed_on, valid_until, outcome FROM background_checks
         WHERE owner_party_id = $1",
    )
    .bind(party_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_id: BTreeMap<i64, PersonFact> = people
        .into_iter()
        .map(|p| {
            (
                p.id,
                PersonFact {
                    personnel_id: p.id,
                    started_on: p.started_on,
                    held: Vec::new(),
                    records: Vec::new(),
                    checks: Vec::new(),
                },
            )
        })
        .collect();
    for h in held {
        if let Some(p) = by_id.get_mut(&h.personnel_id) {
            p.held.push(Held {
                function: h.function,
                last_exercised_on: h.last_exercised_on,
            });
        }
    }
    for r in records {
        if let Some(p) = by_id.get_mut(&r.personnel_id) {
            p.records
                .push((r.course_code, r.completed_on, r.hours, r.passed));
        }
    }
    for c in checks {
        if let Some(p) = by_id.get_mut(&c.personnel_id) {
            p.checks.push(CheckDone {
                level: c.level,
                completed_on: c.completed_on,
                valid_until: c.valid_until,
                outcome: c.outcome,
            });
        }
    }
    Ok(Some(TrainingFacts {
        programme,
        people: by_id.into_values().collect(),
    }))
}
