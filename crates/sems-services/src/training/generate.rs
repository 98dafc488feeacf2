//! The training part of the synthetic data set: each generated organisation's personnel
//! register (screeners, access control, aircraft security, cargo, supplies, supervisors, a
//! security manager, instructors, awareness only), their checks and courses over the data
//! set's years — a few renewals missed, so some are due, in grace or lapsed, some screeners
//! short of their image-recognition hours —, their standings computed as the job would, with
//! the withdrawal tasks of the lapses opened, and two culture surveys a year apart, answered
//! by about half of those invited. Written in bulk, ids given, in one transaction.

use super::TrainingServices;
use crate::generate::{GenerateParams, Rng};
use crate::Result;
use sems_domain::access::RecordKind;
use sems_domain::action::ActionStatus;
use sems_domain::training::assess::{assess, CheckDone, Completion, Held};
use sems_domain::training::currency::Currency;
use sems_domain::training::survey::{
    coarse_group, default_question_bank, AnswerScale, MIN_ANSWERS,
};
use sems_domain::training::{CheckLevel, CheckOutcome, Function};
use sems_domain::util::{add_months, format_date, sub_months};
use sems_storage::bulk::{self, BulkSet};
use sems_storage::now_ms;
use sems_storage::sql::Arg;
use std::collections::BTreeMap;
use time::{Date, Duration};

/// What the training part wrote.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct TrainingSummary {
    pub personnel: u64,
    pub records: u64,
    pub checks: u64,
    pub standings: u64,
    pub withdrawal_tasks: u64,
    pub surveys: u64,
    pub answers: u64,
}

impl TrainingSummary {
    /// Every row written.
    pub fn rows(&self) -> u64 {
        self.personnel
            + self.records
            + self.checks
            + self.standings
            + self.withdrawal_tasks
            + self.surveys
            + self.answers
    }
}

const PERSONNEL: usize = 0;
const FUNCTIONS: usize = 1;
const RECORDS: usize = 2;
const CHECKS: usize = 3;
const ACTIONS: usize = 4;
const STANDINGS: usize = 5;
const SURVEYS: usize = 6;
const INVITATIONS: usize = 7;
const ANSWERS: usize = 8;
const ITEMS: usize = 9;
const THEMES: usize = 10;

/// A person invited to a generated survey: their group, whether they answered, their answers
/// (question index, value) and whether they wrote something.
struct Invitee {
    group: String,
    took_part: bool,
    values: Vec<(usize, u8)>,
    text: bool,
}

/// The main course of a function.
fn main_course(f: Function) -> &'static str {
    match f {
        Function::ScreenerPersons => "SCR-PCB",
        Function::ScreenerHold => "SCR-HBS",
        Function::ScreenerCargo => "SCR-CGO",
        Function::AccessControl => "ACC",
        Function::AircraftSecurity => "ACS",
        Function::CargoControls => "CGC",
        Function::Supplies => "SUP",
        Function::Supervisor => "SUPV",
        Function::SecurityManager => "SMGT",
        Function::UnescortedAccess => "URA",
        Function::Instructor => "INST",
        Function::Awareness => "AWARE",
    }
}

/// A person's functions, by the share of staff each category has at an organisation.
fn functions_of(rng: &mut Rng, n: u32) -> Vec<Function> {
    let mut out = vec![Function::Awareness];
    let main = match n {
        0 => Function::SecurityManager,
        1 | 2 => Function::Instructor,
        _ => match rng.below(100) {
            0..=19 => Function::ScreenerPersons,
            20..=29 => Function::ScreenerHold,
            30..=39 => Function::ScreenerCargo,
            40..=54 => Function::AccessControl,
            55..=64 => Function::AircraftSecurity,
            65..=69 => Function::CargoControls,
            70..=74 => Function::Supplies,
            75..=79 => Function::Supervisor,
            _ => Function::Awareness,
        },
    };
    if main != Function::Awareness {
        out.push(main);
    }
    if matches!(main, Function::AccessControl | Function::AircraftSecurity) && rng.below(3) == 0 {
        out.push(Function::UnescortedAccess);
    }
    out
}

/// Completions every `every` months (give or take), from `from` to `today`; the last renewal
/// missed when `miss`.
fn course_days(rng: &mut Rng, from: Date, every: u32, today: Date, miss: bool) -> Vec<Date> {
    let mut out = Vec::new();
    let mut day = from;
    while day <= today {
        out.push(day);
        let next = add_months(day, every.saturating_sub(rng.below(4) as u32))
            - Duration::days(rng.below(20) as i64);
        day = next.max(day + Duration::days(30));
    }
    if miss && out.len() > 1 {
        out.pop();
    }
    out
}

impl TrainingServices<'_> {
    /// The register, records, checks, standings and surveys of `orgs` up to `today`.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn generate_training(
        &self,
        p: &GenerateParams,
        orgs: &[i64],
        today: Date,
    ) -> Result<TrainingSummary> {
        let mut out = TrainingSummary::default();
        if p.personnel_per_org == 0 {
            return Ok(out);
        }
        let mut rng = Rng::new(p.seed ^ 0x7EA1_0000_0000_0006);
        let first = sub_months(today, p.years.saturating_mul(12));
        let now = now_ms();
        let mut tx = self.store.write().await?;
        let (programme, version) = super::national(tx.conn()).await?;
        let bank = default_question_bank();
        let mut personnel_id = bulk::next_id(tx.conn(), "personnel").await?;
        let mut action_id = bulk::next_id(tx.conn(), "actions").await?;
        let mut survey_id = bulk::next_id(tx.conn(), "culture_surveys").await?;
        let mut answer_id = bulk::next_id(tx.conn(), "survey_answers").await?;
        let mut rows = BulkSet::new(&[
            "INSERT INTO personnel (id, owner_party_id, site_id, employee_number, full_name, person_id, started_on, active, created_at_ms, updated_at_ms) VALUES",
            "INSERT INTO personnel_functions (personnel_id, function, since, last_exercised_on) VALUES",
            "INSERT INTO training_records (personnel_id, owner_party_id, person_id, course_code, completed_on, hours, passed, score, instructor_personnel_id, provider, evidence_sha256, programme_version, recorded_by, recorded_at_ms) VALUES",
            "INSERT INTO background_checks (personnel_id, owner_party_id, person_id, level, completed_on, valid_until, outcome, recorded_by, recorded_at_ms) VALUES",
            "INSERT INTO actions (id, owner_party_id, source_kind, source_id, title, responsible_person_id, due_on, status, cost_one_off, cost_annual, classification, need_to_know, created_by, created_at_ms, updated_by, updated_at_ms) VALUES",
            "INSERT INTO training_standings (personnel_id, function, kind, course, owner_party_id, site_id, person_id, currency, severity, due_on, lapses_on, due_key, changes_on, detail, withdrawal_for, withdrawal_action_id, notice_for, computed_on) VALUES",
            "INSERT INTO culture_surveys (id, owner_party_id, site_id, function, title, opens_on, closes_on, closed_early, bank_version, questions, invited, answered, item_count, score_sum, created_by, created_at_ms) VALUES",
            "INSERT INTO survey_invitations (survey_id, personnel_id, token_hash, group_key, used) VALUES",
            "INSERT INTO survey_answers (id, survey_id, group_key, free_text) VALUES",
            "INSERT INTO survey_answer_items (answer_id, survey_id, question_code, theme, value, score) VALUES",
            "INSERT INTO survey_theme_totals (survey_id, theme, item_count, score_sum) VALUES",
        ]);
        let opt_day = |d: Option<Date>| -> Arg { d.map(format_date).into() };
        let questions = serde_json::to_string(&bank)
            .map_err(|e| crate::ServiceError::Internal(format!("question bank: {e}")))?;
        for (o, org) in orgs.iter().enumerate() {
            let sites: Vec<(i64, String)> = sems_storage::sites::of_party(tx.conn(), *org)
                .await?
                .into_iter()
                .map(|s| (s.id, s.name))
                .collect();
            // The organisation's personnel: (id, site, functions).
            let mut members: Vec<(i64, Option<usize>)> = Vec::new();
            for n in 0..p.personnel_per_org {
                let id = personnel_id;
                personnel_id += 1;
                let functions = functions_of(&mut rng, n);
                let site =
                    (!sites.is_empty() && n > 2).then(|| rng.below(sites.len() as u64) as usize);
                let started = first + Duration::days(rng.below(u64::from(p.years) * 330) as i64);
                rows.row(
                    tx.conn(),
                    PERSONNEL,
                    vec![
                        id.into(),
                        (*org).into(),
                        site.map(|s| sites[s].0).into(),
                        format!("E{o}-{n:05}").into(),
                        format!("Person {n} of organisation {}", o + 1).into(),
                        None::<i64>.into(),
                        format_date(started).into(),
                        1i64.into(),
                        now.into(),
                        now.into(),
                    ],
                )
                .await?;
                members.push((id, site));
                for f in &functions {
                    rows.row(
                        tx.conn(),
                        FUNCTIONS,
                        vec![
                            id.into(),
                            f.as_str().into(),
                            format_date(started).into(),
                            None::<String>.into(),
                        ],
                    )
                    .await?;
                }
                // Checks: a month before starting, renewed within five years; one in twenty
                // missed its last renewal.
                let enhanced = functions.iter().any(|f| {
                    f.screens()
                        || matches!(
                            f,
                            Function::Supervisor | Function::SecurityManager | Function::Instructor
                        )
                });
                let mut checks = Vec::new();
                let miss = rng.below(20) == 0;
                for done in course_days(&mut rng, started - Duration::days(30), 58, today, miss) {
                    let check = CheckDone {
                        level: if enhanced {
                            CheckLevel::Enhanced
                        } else {
                            CheckLevel::Standard
                        },
                        completed_on: done,
                        valid_until: add_months(done, 60) - Duration::days(1),
                        outcome: CheckOutcome::Cleared,
                    };
                    rows.row(
                        tx.conn(),
                        CHECKS,
                        vec![
                            id.into(),
                            (*org).into(),
                            None::<i64>.into(),
                            check.level.as_str().into(),
                            format_date(check.completed_on).into(),
                            format_date(check.valid_until).into(),
                            check.outcome.as_str().into(),
                            None::<i64>.into(),
                            now.into(),
                        ],
                    )
                    .await?;
                    checks.push(check);
                }
                // Courses: awareness and each function's main course at the start and again
                // before they fall due (one in sixteen missing the last), screeners'
                // image-recognition training every quarter (one in ten stopping five months
                // ago).
                let mut records: Vec<(String, Date, f64)> = Vec::new();
                for f in &functions {
                    let course = main_course(*f);
                    if records.iter().any(|r| r.0 == course) {
                        continue;
                    }
                    let every = if f.screens() { 34 } else { 56 };
                    let miss = rng.below(16) == 0;
                    for day in
                        course_days(&mut rng, started + Duration::days(3), every, today, miss)
                    {
                        records.push((
                            course.to_string(),
                            day,
                            if course == "AWARE" { 3.0 } else { 16.0 },
                        ));
                    }
                }
                if functions.iter().any(|f| f.screens()) {
                    let stop = if rng.below(10) == 0 {
                        today - Duration::days(150)
                    } else {
                        today
                    };
                    let mut day = started + Duration::days(20);
                    while day <= stop {
                        records.push(("IRT".into(), day, 3.0));
                        day += Duration::days(85 + rng.below(10) as i64);
                    }
                }
                for (course, day, hours) in &records {
                    rows.row(
                        tx.conn(),
                        RECORDS,
                        vec![
                            id.into(),
                            (*org).into(),
                            None::<i64>.into(),
                            course.as_str().into(),
                            format_date(*day).into(),
                            (*hours).into(),
                            1i64.into(),
                            None::<f64>.into(),
                            None::<i64>.into(),
                            "Generated academy".into(),
                            None::<String>.into(),
                            version.into(),
                            None::<i64>.into(),
                            now.into(),
                        ],
                    )
                    .await?;
                }
                out.records += records.len() as u64;
                out.checks += checks.len() as u64;
                // Standings as the job computes them, a lapse's withdrawal task opened.
                let held: Vec<Held> = functions
                    .iter()
                    .map(|f| Held {
                        function: *f,
                        last_exercised_on: None,
                    })
                    .collect();
                let done: Vec<Completion<'_>> = records
                    .iter()
                    .map(|r| Completion {
                        course: &r.0,
                        on: r.1,
                        hours: r.2,
                        passed: true,
                    })
                    .collect();
                for a in assess(&programme, &held, &done, &checks, today) {
                    let s = a.standing;
                    let mut withdrawal: (Option<String>, Option<i64>) = (None, None);
                    if s.currency == Currency::Lapsed && a.kind.withdraws() {
                        if let Some(lapsed) = s.lapses_on {
                            let title = format!(
                                "Withdraw person {n}'s entitlement as {}: {} lapsed on {lapsed}",
                                a.function.label().to_lowercase(),
                                a.kind.label().to_lowercase()
                            );
                            rows.row(
                                tx.conn(),
                                ACTIONS,
                                vec![
                                    action_id.into(),
                                    (*org).into(),
                                    RecordKind::Personnel.as_str().into(),
                                    id.into(),
                                    title.into(),
                                    None::<i64>.into(),
                                    format_date(lapsed + Duration::days(7)).into(),
                                    ActionStatus::Planned.as_str().into(),
                                    0i64.into(),
                                    0i64.into(),
                                    0i64.into(),
                                    0i64.into(),
                                    None::<i64>.into(),
                                    now.into(),
                                    None::<i64>.into(),
                                    now.into(),
                                ],
                            )
                            .await?;
                            withdrawal = (Some(format_date(lapsed)), Some(action_id));
                            action_id += 1;
                            out.withdrawal_tasks += 1;
                        }
                    }
                    let notice = (s.currency == Currency::DueSoon)
                        .then(|| s.due.map(format_date))
                        .flatten();
                    rows.row(
                        tx.conn(),
                        STANDINGS,
                        vec![
                            id.into(),
                            a.function.as_str().into(),
                            a.kind.as_str().into(),
                            a.course.as_str().into(),
                            (*org).into(),
                            site.map(|s| sites[s].0).into(),
                            None::<i64>.into(),
                            s.currency.as_str().into(),
                            s.currency.severity().into(),
                            opt_day(s.due),
                            opt_day(s.lapses_on),
                            s.due.map(format_date).unwrap_or_default().into(),
                            opt_day(a.changes_on),
                            a.detail.as_str().into(),
                            withdrawal.0.into(),
                            withdrawal.1.into(),
                            notice.into(),
                            format_date(today).into(),
                        ],
                    )
                    .await?;
                    out.standings += 1;
                }
            }
            out.personnel += u64::from(p.personnel_per_org);
            // Two culture surveys a year apart, each of up to 200 people, answered by about
            // half; the organisation's culture a little better the second time.
            let invited: Vec<&(i64, Option<usize>)> = members.iter().take(200).collect();
            let mut sizes: BTreeMap<String, usize> = BTreeMap::new();
            let group_of = |m: &(i64, Option<usize>)| {
                m.1.map_or("Whole organisation".to_string(), |s| sites[s].1.clone())
            };
            for m in &invited {
                *sizes.entry(group_of(m)).or_default() += 1;
            }
            let level = 2 + rng.below(2) as u8;
            for (k, months_ago) in [13u32, 2].into_iter().enumerate() {
                if invited.len() < MIN_ANSWERS {
                    break;
                }
                let opens = sub_months(today, months_ago);
                let id = survey_id;
                survey_id += 1;
                // Who answers and what, first: the survey's row (written before the rows that
                // name it) carries the totals.
                let mut answers: Vec<Invitee> = Vec::new();
                for m in &invited {
                    let group =
                        coarse_group(&group_of(m), sizes.get(&group_of(m)).copied().unwrap_or(0));
                    let took_part = rng.below(100) < 52;
                    let values = if took_part {
                        bank.iter()
                            .enumerate()
                            .map(|(i, q)| {
                                let top = q.scale.top();
                                let centre = if q.scale == AnswerScale::Likert5 {
                                    level + k as u8
                                } else {
                                    (level + k as u8) * 2
                                };
                                (
                                    i,
                                    (centre + rng.below(3) as u8)
                                        .saturating_sub(1)
                                        .clamp(1, top),
                                )
                            })
                            .collect()
                    } else {
                        Vec::new()
                    };
                    answers.push(Invitee {
                        group,
                        took_part,
                        values,
                        text: rng.below(10) == 0,
                    });
                }
                let mut themes: BTreeMap<&'static str, (i64, f64)> = BTreeMap::new();
                let (mut items, mut sum, mut answered) = (0i64, 0.0f64, 0i64);
                for a in &answers {
                    if a.took_part {
                        answered += 1;
                    }
                    for (i, v) in &a.values {
                        let score = bank[*i].scale.score(*v);
                        items += 1;
                        sum += score;
                        let t = themes.entry(bank[*i].theme.as_str()).or_default();
                        t.0 += 1;
                        t.1 += score;
                    }
                }
                rows.row(
                    tx.conn(),
                    SURVEYS,
                    vec![
                        id.into(),
                        (*org).into(),
                        None::<i64>.into(),
                        None::<String>.into(),
                        format!("Security culture {}", opens.year()).into(),
                        format_date(opens).into(),
                        format_date(opens + Duration::days(21)).into(),
                        0i64.into(),
                        1i64.into(),
                        questions.as_str().into(),
                        (invited.len() as i64).into(),
                        answered.into(),
                        items.into(),
                        sum.into(),
                        None::<i64>.into(),
                        now.into(),
                    ],
                )
                .await?;
                for (theme, (n, s)) in themes {
                    rows.row(
                        tx.conn(),
                        THEMES,
                        vec![id.into(), theme.into(), n.into(), s.into()],
                    )
                    .await?;
                }
                for (
                    m,
                    Invitee {
                        group,
                        took_part,
                        values,
                        text,
                    },
                ) in invited.iter().zip(answers)
                {
                    rows.row(
                        tx.conn(),
                        INVITATIONS,
                        vec![
                            id.into(),
                            if took_part { None } else { Some(m.0) }.into(),
                            sems_domain::util::hex(&rng.next_u64().to_le_bytes())
                                .repeat(4)
                                .into(),
                            group.as_str().into(),
                            i64::from(took_part).into(),
                        ],
                    )
                    .await?;
                    if !took_part {
                        continue;
                    }
                    rows.row(
                        tx.conn(),
                        ANSWERS,
                        vec![
                            answer_id.into(),
                            id.into(),
                            group.as_str().into(),
                            if text {
                                "More time for the checks at peak hours."
                            } else {
                                ""
                            }
                            .into(),
                        ],
                    )
                    .await?;
                    for (i, v) in values {
                        let q = &bank[i];
                        rows.row(
                            tx.conn(),
                            ITEMS,
                            vec![
                                answer_id.into(),
                                id.into(),
                                q.code.as_str().into(),
                                q.theme.as_str().into(),
                                i64::from(v).into(),
                                q.scale.score(v).into(),
                            ],
                        )
                        .await?;
                    }
                    answer_id += 1;
                }
                out.surveys += 1;
                out.answers += answered as u64;
            }
        }
        rows.flush(tx.conn()).await?;
        for org in orgs {
            sems_storage::training::standings::recount(tx.conn(), *org).await?;
            sems_storage::training::standings::mark_applied(tx.conn(), *org, version).await?;
        }
        tx.commit().await?;
        bulk::reset_sequences(
            &self.store,
            &["personnel", "actions", "culture_surveys", "survey_answers"],
        )
        .await?;
        Ok(out)
    }
}
