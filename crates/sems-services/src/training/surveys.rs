//! Security culture surveys. The authority keeps the question bank (shipped as version 1);
//! an organisation's security manager, training officer or quality auditor launches a survey
//! of its personnel (or a site's, or a function's) between two days: each person invited gets
//! a single-use link, shown once to whoever launched it to hand out and sent to those with an
//! account. The answer, given on a phone without an account, keeps no link to its author, its
//! link or its time. Results show only for at least five answers (free text ten), with
//! complementary suppression between groups; a survey's weakest themes open actions in the
//! register; the culture index per survey makes the trend, and the authority's national
//! picture takes every organisation's latest survey that reached the threshold (the results,
//! trend and national picture in `survey_results.rs`).

use super::{authority_id, trail, TrainingServices};
use crate::{allowed, authorize, record_change, About, Actor, Result, ServiceError, NONE};
use sems_domain::access::{Action, Allowed, RecordKind, RecordMeta};
use sems_domain::action::ActionStatus;
use sems_domain::page::{Page, PageRequest};
use sems_domain::training::survey::{
    self, check_answer, coarse_group, default_question_bank, validate_bank, validate_dates,
    Question, SurveyStatus, Theme, MIN_ANSWERS,
};
use sems_domain::training::Function;
use sems_domain::util::{format_date, parse_date, sha256_hex, today};
use sems_domain::{Checks, ValidationError};
use sems_storage::training::personnel as register;
use sems_storage::training::surveys::{self as store, Item, NewSurvey, Survey, SurveyFilter};
use sems_storage::{actions, notifications, sites, Conn};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Days an action from a weak theme is given.
pub const THEME_ACTION_DAYS: i64 = 90;

/// A survey to launch.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyInput {
    pub title: String,
    /// Only the personnel of this site.
    #[serde(default)]
    pub site_id: Option<i64>,
    /// Only the personnel holding this function.
    #[serde(default)]
    pub function: Option<Function>,
    /// YYYY-MM-DD, today or later.
    pub opens_on: String,
    /// YYYY-MM-DD, within three months of the first day.
    pub closes_on: String,
    /// The codes of the bank's questions to ask; every question when left out.
    #[serde(default)]
    pub questions: Option<Vec<String>>,
}

/// A survey as a reader sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SurveyView {
    pub id: i64,
    pub party_id: i64,
    pub party_name: String,
    pub site_name: Option<String>,
    pub function: Option<Function>,
    pub title: String,
    pub opens_on: String,
    pub closes_on: String,
    pub status: SurveyStatus,
    pub invited: i64,
    pub answered: i64,
    /// Answers per person invited, in percent.
    pub response_rate: Option<f64>,
    /// The culture index (0 to 100) once at least five answers are in.
    pub index: Option<f64>,
    pub questions: Vec<Question>,
    pub allowed: Allowed,
}

fn survey_meta(s: &Survey, authority: i64) -> RecordMeta {
    RecordMeta::plain(
        RecordKind::CultureSurvey,
        s.owner_party_id,
        s.owner_party_id == authority,
    )
}

/// Whether a survey's results may be shown: once it is closed (while it is open, results read
/// before and after one answer would give that answer away) and with at least five answers.
pub(super) fn results_shown(s: &Survey) -> bool {
    survey::status(s.opens_on, s.closes_on, s.closed_early, today()) == SurveyStatus::Closed
        && s.answered >= MIN_ANSWERS as i64
}

pub(super) fn view(actor: &Actor, s: Survey, authority: i64) -> SurveyView {
    let allowed = allowed(actor, &survey_meta(&s, authority));
    let shown = results_shown(&s);
    SurveyView {
        id: s.id,
        party_id: s.owner_party_id,
        party_name: s.party_name.clone(),
        site_name: s.site_name.clone(),
        function: s.function,
        title: s.title.clone(),
        opens_on: format_date(s.opens_on),
        closes_on: format_date(s.closes_on),
        status: survey::status(s.opens_on, s.closes_on, s.closed_early, today()),
        invited: s.invited,
        answered: s.answered,
        response_rate: (s.invited > 0).then(|| s.answered as f64 * 100.0 / s.invited as f64),
        index: s.index().filter(|_| shown),
        questions: s.questions.0.clone(),
        allowed,
    }
}

/// A person invited, with their link: shown once, to whoever launched the survey, to hand out.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Invited {
    pub full_name: String,
    pub employee_number: String,
    pub site_name: Option<String>,
    /// The path of the person's single-use link (`/survey/…`).
    pub link: String,
    /// Whether the link was also sent to the person's sems account.
    pub sent: bool,
}

/// A survey just launched, with every invitation's link (never shown again).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Launched {
    pub survey: SurveyView,
    pub invitations: Vec<Invited>,
}

/// A theme's index.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ThemeResult {
    pub theme: Theme,
    pub label: &'static str,
    pub index: f64,
}

/// A group's results: hidden under five answers, and beside a hidden group when subtracting
/// would reveal it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GroupResult {
    pub group: String,
    pub invited: i64,
    /// None while hidden.
    pub answered: Option<i64>,
    pub index: Option<f64>,
    pub suppressed: bool,
}

/// A survey's results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SurveyResults {
    pub survey: SurveyView,
    /// Whether there are enough answers (five) for any result.
    pub shown: bool,
    pub themes: Vec<ThemeResult>,
    /// The weakest themes, weakest first: those an action may be opened for.
    pub weakest: Vec<ThemeResult>,
    pub groups: Vec<GroupResult>,
    /// Free text, once at least ten answers are in.
    pub free_text: Option<Vec<String>>,
    /// Actions opened from this survey's themes.
    pub actions: Vec<i64>,
}

/// A survey as the person invited sees it on their phone.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicSurvey {
    pub title: String,
    pub organisation: String,
    pub closes_on: String,
    pub questions: Vec<Question>,
}

/// An answer to a question.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    pub code: String,
    pub value: u8,
}

/// An answer to a survey.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    pub answers: Vec<ItemInput>,
    #[serde(default)]
    pub free_text: String,
}

/// An organisation's culture index over its surveys.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrendPoint {
    pub survey_id: i64,
    pub title: String,
    pub closes_on: String,
    pub answered: i64,
    pub response_rate: Option<f64>,
    pub index: f64,
}

/// An organisation on the national picture: its latest closed survey with enough answers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NationalCultureRow {
    pub party_id: i64,
    pub party_name: String,
    pub survey_id: i64,
    pub closes_on: String,
    pub answered: i64,
    pub response_rate: Option<f64>,
    pub index: f64,
}

/// The national picture of security culture.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NationalCulture {
    /// The mean of the organisations' indices.
    pub index: Option<f64>,
    pub themes: Vec<ThemeResult>,
    pub organisations: Vec<NationalCultureRow>,
}

fn token_hash(token: &str) -> String {
    sha256_hex(token.trim().as_bytes())
}

impl TrainingServices<'_> {
    /// Publishes the shipped question bank as version 1 when none is published.
    pub(crate) async fn ensure_bank(conn: &mut Conn) -> Result<()> {
        if store::current_bank(conn).await?.is_none() {
            let authority = authority_id(conn).await?;
            store::publish_bank(
                conn,
                authority,
                &default_question_bank(),
                "The question bank shipped with sems",
                None,
            )
            .await?;
        }
        Ok(())
    }

    /// The question bank in force.
    #[tracing::instrument(skip_all)]
    pub async fn question_bank(&self, actor: &Actor) -> Result<Vec<Question>> {
        actor.lister()?;
        let mut conn = self.store.read().await?;
        Ok(store::current_bank(&mut conn)
            .await?
            .map(|b| b.questions.0)
            .unwrap_or_else(default_question_bank))
    }

    /// Publishes the next question bank (the authority's policy officers and director, as
    /// for the training programme).
    #[tracing::instrument(skip_all)]
    pub async fn publish_question_bank(
        &self,
        actor: &Actor,
        bank: &[Question],
        note: &str,
    ) -> Result<i64> {
        validate_bank(bank)?;
        let note = note.trim();
        if note.is_empty() {
            return Err(ValidationError::new("note", "say what changed and why").into());
        }
        let mut tx = self.store.write().await?;
        let authority = authority_id(tx.conn()).await?;
        let meta = RecordMeta::plain(RecordKind::TrainingProgramme, authority, true);
        authorize(actor, Action::Create, &meta, "question bank")?;
        let version =
            store::publish_bank(tx.conn(), authority, bank, note, actor.person_id()).await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, None),
                action: trail::QUESTION_BANK_PUBLISH,
                record_id: Some(version),
                before: NONE,
                after: Some(&serde_json::json!({ "version": version, "questions": bank.len(), "note": note })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Launches a survey of an organisation's personnel: every person invited gets a
    /// single-use link, returned once here and sent to those with an account.
    #[tracing::instrument(skip_all)]
    pub async fn launch_survey(
        &self,
        actor: &Actor,
        party_id: i64,
        input: &SurveyInput,
    ) -> Result<Launched> {
        let mut checks = Checks::default();
        let title = input.title.trim().to_string();
        checks.require(
            !title.is_empty() && title.chars().count() <= 200,
            "title",
            "a title of 1 to 200 characters",
        );
        let opens = checks.check(parse_date("opens_on", &input.opens_on));
        let closes = checks.check(parse_date("closes_on", &input.closes_on));
        if let (Some(o), Some(c)) = (opens, closes) {
            if let Err(e) = validate_dates(o, c, today()) {
                for e in e.iter() {
                    checks.refuse(e.clone());
                }
            }
        }
        let mut tx = self.store.write().await?;
        let authority = authority_id(tx.conn()).await?;
        let meta = RecordMeta::plain(RecordKind::CultureSurvey, party_id, party_id == authority);
        authorize(actor, Action::Create, &meta, "organisation")?;
        if let Some(s) = input.site_id {
            let site = sites::get(tx.conn(), s).await?;
            checks.require(
                site.is_some_and(|s| s.party_id == party_id),
                "site_id",
                "the site is one of the organisation's",
            );
        }
        Self::ensure_bank(tx.conn()).await?;
        let bank = store::current_bank(tx.conn())
            .await?
            .ok_or_else(|| ServiceError::Internal("no question bank".into()))?;
        let questions: Vec<Question> = match &input.questions {
            None => bank.questions.0.clone(),
            Some(codes) => {
                for c in codes {
                    checks.require(
                        bank.questions.0.iter().any(|q| q.code == *c),
                        "questions",
                        format!("{c}: not a question of the bank"),
                    );
                }
                bank.questions
                    .0
                    .iter()
                    .filter(|q| codes.contains(&q.code))
                    .cloned()
                    .collect()
            }
        };
        checks.require(
            !questions.is_empty(),
            "questions",
            "a survey asks at least one question",
        );
        let population =
            register::population(tx.conn(), party_id, input.site_id, input.function).await?;
        checks.require(
            population.len() >= MIN_ANSWERS,
            "site_id",
            format!(
                "{} people would be invited: a survey of fewer than {MIN_ANSWERS} cannot keep its answers anonymous",
                population.len()
            ),
        );
        checks.finish()?;
        let (Some(opens_on), Some(closes_on)) = (opens, closes) else {
            return Err(ServiceError::Internal("checked dates missing".into()));
        };
        let id = store::insert(
            tx.conn(),
            &NewSurvey {
                owner_party_id: party_id,
                site_id: input.site_id,
                function: input.function,
                title: &title,
                opens_on,
                closes_on,
                bank_version: bank.version,
                questions: &questions,
                invited: population.len() as i64,
            },
            actor.person_id(),
        )
        .await?;
        // The group an answer counts in: the person's site, or "Other" for a site of fewer
        // than five people invited.
        let whole = "Whole organisation".to_string();
        let mut sizes: BTreeMap<String, usize> = BTreeMap::new();
        for m in &population {
            *sizes
                .entry(m.site_name.clone().unwrap_or(whole.clone()))
                .or_default() += 1;
        }
        // Invitations in a random order: their ids say nothing of whom they are for.
        let mut population = population;
        let noise = crate::secrets::random_bytes(population.len() * 4)?;
        for i in (1..population.len()).rev() {
            let r = u32::from_le_bytes([
                noise[i * 4],
                noise[i * 4 + 1],
                noise[i * 4 + 2],
                noise[i * 4 + 3],
            ]);
            population.swap(i, r as usize % (i + 1));
        }
        let mut invitations = Vec::with_capacity(population.len());
        let mut messages: Vec<(i64, String)> = Vec::new();
        for m in &population {
            let site = m.site_name.clone().unwrap_or(whole.clone());
            let group = coarse_group(&site, sizes.get(&site).copied().unwrap_or(0));
            let token = crate::secrets::random_token(20)?;
            store::invite(tx.conn(), id, m.id, &token_hash(&token), &group).await?;
            let link = format!("/survey/{token}");
            if let Some(account) = m.person_id {
                messages.push((account, link.clone()));
            }
            invitations.push(Invited {
                full_name: m.full_name.clone(),
                employee_number: m.employee_number.clone(),
                site_name: m.site_name.clone(),
                sent: m.person_id.is_some(),
                link,
            });
        }
        let text = format!("You are invited to the security culture survey \"{title}\" until {closes_on}: your answer is anonymous");
        let rows: Vec<(i64, &str, &str)> = messages
            .iter()
            .map(|(p, l)| (*p, text.as_str(), l.as_str()))
            .collect();
        notifications::insert_rows(tx.conn(), &rows).await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::SURVEY_LAUNCH,
                record_id: Some(id),
                before: NONE,
                after: Some(&serde_json::json!({
                    "title": title, "opens_on": format_date(opens_on), "closes_on": format_date(closes_on),
                    "site_id": input.site_id, "function": input.function, "invited": population.len(),
                    "questions": questions.len(), "bank_version": bank.version,
                })),
            },
        )
        .await?;
        let stored = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("survey"))?;
        tx.commit().await?;
        Ok(Launched {
            survey: view(actor, stored, authority),
            invitations,
        })
    }

    /// The surveys the actor may read, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn surveys(
        &self,
        actor: &Actor,
        filter: &SurveyFilter,
        page: PageRequest,
    ) -> Result<Page<SurveyView>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        let authority = authority_id(&mut conn).await?;
        Ok(store::list(&mut conn, subject, filter, page)
            .await?
            .map(|s| view(actor, s, authority)))
    }

    pub(super) async fn readable_survey(
        conn: &mut Conn,
        actor: &Actor,
        id: i64,
    ) -> Result<(Survey, i64)> {
        let s = store::get(conn, id)
            .await?
            .ok_or(ServiceError::NotFound("survey"))?;
        let authority = authority_id(conn).await?;
        authorize(actor, Action::Read, &survey_meta(&s, authority), "survey")?;
        Ok((s, authority))
    }

    /// The survey as the person invited sees it, by their link.
    #[tracing::instrument(skip_all)]
    pub async fn public_survey(&self, token: &str) -> Result<PublicSurvey> {
        let mut conn = self.store.read().await?;
        let (s, _) = open_invitation(&mut conn, token).await?;
        Ok(PublicSurvey {
            title: s.title,
            organisation: s.party_name,
            closes_on: format_date(s.closes_on),
            questions: s.questions.0,
        })
    }

    /// Answers a survey by a single-use link: once. The answer keeps no link to the person, the
    /// link or the time.
    #[tracing::instrument(skip_all)]
    pub async fn answer_survey(&self, token: &str, input: &AnswerInput) -> Result<()> {
        let mut tx = self.store.write().await?;
        let (s, invitation) = open_invitation(tx.conn(), token).await?;
        let given: Vec<(String, u8)> = input
            .answers
            .iter()
            .map(|a| (a.code.clone(), a.value))
            .collect();
        let free_text = input.free_text.trim();
        let checked = check_answer(&s.questions.0, &given, free_text)?;
        if !store::use_invitation(tx.conn(), invitation.id).await? {
            return Err(ServiceError::Conflict(
                "this link was already used: each link answers once".into(),
            ));
        }
        let items: Vec<Item<'_>> = checked
            .iter()
            .map(|(q, v)| Item {
                question_code: &q.code,
                theme: q.theme,
                value: *v,
                score: q.scale.score(*v),
            })
            .collect();
        // A random id: the order of answers says nothing of the order they came in. Nor is
        // each answer an entry of the trail, whose time would date it: the trail records the
        // survey's launch and its close with the number of answers.
        let id = i64::from_le_bytes(
            crate::secrets::random_bytes(8)?
                .try_into()
                .map_err(|_| ServiceError::Internal("random id".into()))?,
        ) & 0x000F_FFFF_FFFF_FFFF;
        store::insert_answer(
            tx.conn(),
            id.max(1),
            s.id,
            &invitation.group_key,
            free_text,
            &items,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Closes a survey before its last day.
    #[tracing::instrument(skip_all)]
    pub async fn close_survey(&self, actor: &Actor, id: i64) -> Result<SurveyView> {
        let mut tx = self.store.write().await?;
        let s = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("survey"))?;
        let authority = authority_id(tx.conn()).await?;
        let meta = survey_meta(&s, authority);
        authorize(actor, Action::Update, &meta, "survey")?;
        if survey::status(s.opens_on, s.closes_on, s.closed_early, today()) == SurveyStatus::Closed
        {
            return Err(ServiceError::Conflict(
                "the survey is closed already".into(),
            ));
        }
        store::close_early(tx.conn(), id).await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::SURVEY_CLOSE,
                record_id: Some(id),
                before: NONE,
                after: Some(&serde_json::json!({ "closed_on": format_date(today()), "invited": s.invited, "answered": s.answered })),
            },
        )
        .await?;
        let s = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("survey"))?;
        tx.commit().await?;
        Ok(view(actor, s, authority))
    }

    /// Opens an improvement action in the register for one of a survey's themes (shown, with
    /// at least five answers).
    #[tracing::instrument(skip_all)]
    pub async fn open_theme_action(&self, actor: &Actor, id: i64, theme: Theme) -> Result<i64> {
        let mut tx = self.store.write().await?;
        let s = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound("survey"))?;
        let authority = authority_id(tx.conn()).await?;
        let meta = survey_meta(&s, authority);
        authorize(actor, Action::Update, &meta, "survey")?;
        if !results_shown(&s) {
            return Err(ValidationError::new(
                "theme",
                format!("no result to act on yet: results are shown once the survey is closed, with at least {MIN_ANSWERS} answers"),
            )
            .into());
        }
        let total = store::theme_totals(tx.conn(), &[id])
            .await?
            .into_iter()
            .find(|t| t.theme == theme && t.item_count > 0)
            .ok_or_else(|| {
                ServiceError::from(ValidationError::new(
                    "theme",
                    "the survey asked nothing about this theme",
                ))
            })?;
        let index = total.score_sum / total.item_count as f64;
        let title = format!(
            "Improve \"{}\": index {index:.0} of 100 in the survey \"{}\"",
            theme.label(),
            s.title
        );
        let action_id = actions::insert(
            tx.conn(),
            &actions::Source {
                kind: RecordKind::CultureSurvey,
                id,
                party_id: s.owner_party_id,
                classification: 0,
                need_to_know: false,
            },
            &actions::ActionValues {
                title: &title,
                responsible_person_id: actor.person_id(),
                due_on: today() + time::Duration::days(THEME_ACTION_DAYS),
                status: ActionStatus::Planned,
                cost_one_off: 0,
                cost_annual: 0,
            },
            actor.person_id(),
        )
        .await?;
        record_change(
            tx.conn(),
            actor,
            crate::Change {
                about: &About::record(&meta, Some(id)),
                action: trail::SURVEY_ACTION,
                record_id: Some(id),
                before: NONE,
                after: Some(
                    &serde_json::json!({ "theme": theme, "index": index, "action": action_id }),
                ),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(action_id)
    }
}

/// The survey and invitation of a link, when it may still answer: an unknown link, a used
/// one and a survey not open each refused with a clear message.
async fn open_invitation(conn: &mut Conn, token: &str) -> Result<(Survey, store::Invitation)> {
    let invitation = store::invitation(conn, &token_hash(token))
        .await?
        .ok_or(ServiceError::NotFound("survey link"))?;
    if invitation.used {
        return Err(ServiceError::Conflict(
            "this link was already used: each link answers once".into(),
        ));
    }
    let s = store::get(conn, invitation.survey_id)
        .await?
        .ok_or(ServiceError::NotFound("survey"))?;
    match survey::status(s.opens_on, s.closes_on, s.closed_early, today()) {
        SurveyStatus::Open => Ok((s, invitation)),
        SurveyStatus::Scheduled => Err(ServiceError::Conflict(format!(
            "the survey opens on {}",
            s.opens_on
        ))),
        SurveyStatus::Closed => Err(ServiceError::Conflict(
            "the survey is closed: thank you all the same".into(),
        )),
    }
}
