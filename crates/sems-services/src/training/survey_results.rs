//! A culture survey's results — shown once it is closed, from five answers, groups with
//! complementary suppression, free text from ten —, an organisation's trend of its culture
//! index and the authority's national picture.

use super::surveys::{
    results_shown, view, GroupResult, NationalCulture, NationalCultureRow, SurveyResults,
    ThemeResult, TrendPoint,
};
use super::{authority_id, TrainingServices};
use crate::{authorize, Actor, Result, ServiceError};
use sems_domain::access::{Action, RecordKind, RecordMeta};
use sems_domain::training::survey::{suppressed, weakest, Theme, MIN_ANSWERS, MIN_FREE_TEXT};
use sems_domain::util::{format_date, today};
use sems_domain::ValidationError;
use sems_storage::training::surveys::{self as store, Survey};
use sems_storage::{actions, Conn};
use std::collections::BTreeMap;

impl TrainingServices<'_> {
    /// A survey's results, as far as its answers allow them to be shown.
    #[tracing::instrument(skip_all)]
    pub async fn survey_results(&self, actor: &Actor, id: i64) -> Result<SurveyResults> {
        let mut conn = self.store.read().await?;
        let (s, authority) = Self::readable_survey(&mut conn, actor, id).await?;
        let shown = results_shown(&s);
        let mut themes = Vec::new();
        let mut groups = Vec::new();
        let mut free_text = None;
        if shown {
            for t in store::theme_totals(&mut conn, &[id]).await? {
                if t.item_count > 0 {
                    themes.push(ThemeResult {
                        theme: t.theme,
                        label: t.theme.label(),
                        index: t.score_sum / t.item_count as f64,
                    });
                }
            }
            groups = group_results(&mut conn, id).await?;
            if s.answered >= MIN_FREE_TEXT as i64 {
                free_text = Some(store::free_texts(&mut conn, id).await?);
            }
        }
        let weakest = weakest(
            &themes
                .iter()
                .map(|t| (t.theme, t.index))
                .collect::<Vec<_>>(),
            2,
        )
        .into_iter()
        .map(|(theme, index)| ThemeResult {
            theme,
            label: theme.label(),
            index,
        })
        .collect();
        let actions = actions::of_source(&mut conn, RecordKind::CultureSurvey, id)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect();
        Ok(SurveyResults {
            survey: view(actor, s, authority),
            shown,
            themes,
            weakest,
            groups,
            free_text,
            actions,
        })
    }

    /// One group's results: refused while the group is hidden (under five answers, or beside
    /// one that is).
    #[tracing::instrument(skip_all)]
    pub async fn survey_group(&self, actor: &Actor, id: i64, group: &str) -> Result<GroupResult> {
        let mut conn = self.store.read().await?;
        let (s, _) = Self::readable_survey(&mut conn, actor, id).await?;
        if !results_shown(&s) {
            return Err(ValidationError::new(
                "group",
                format!("results are shown once the survey is closed, with at least {MIN_ANSWERS} answers"),
            )
            .into());
        }
        let groups = group_results(&mut conn, id).await?;
        let g = groups
            .into_iter()
            .find(|g| g.group == group)
            .ok_or_else(|| {
                ServiceError::from(ValidationError::new(
                    "group",
                    format!("no group '{group}' in this survey"),
                ))
            })?;
        if g.suppressed {
            return Err(ValidationError::new(
                "group",
                format!(
                    "the results of '{group}' are not shown: fewer than {MIN_ANSWERS} answers there, or so few beside another group that subtracting would reveal them"
                ),
            )
            .into());
        }
        Ok(g)
    }

    /// An organisation's culture index over its closed surveys with enough answers, oldest first.
    #[tracing::instrument(skip_all)]
    pub async fn culture_trend(&self, actor: &Actor, party_id: i64) -> Result<Vec<TrendPoint>> {
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        let authority = authority_id(&mut conn).await?;
        authorize(
            actor,
            Action::Read,
            &RecordMeta::plain(RecordKind::CultureSurvey, party_id, party_id == authority),
            "organisation",
        )?;
        let mut out: Vec<TrendPoint> =
            store::closed_with_answers(&mut conn, subject, today(), MIN_ANSWERS as i64)
                .await?
                .into_iter()
                .filter(|s| s.owner_party_id == party_id)
                .filter_map(|s| {
                    Some(TrendPoint {
                        survey_id: s.id,
                        index: s.index()?,
                        title: s.title,
                        closes_on: format_date(s.closes_on),
                        answered: s.answered,
                        response_rate: (s.invited > 0)
                            .then(|| s.answered as f64 * 100.0 / s.invited as f64),
                    })
                })
                .collect();
        out.reverse();
        Ok(out)
    }

    /// The national picture: each organisation's latest closed survey with at least five
    /// answers, their mean, and the themes over those surveys.
    #[tracing::instrument(skip_all)]
    pub async fn national_culture(&self, actor: &Actor) -> Result<NationalCulture> {
        if !Self::sees_national_compliance(actor) {
            return Err(ServiceError::NotFound("national view"));
        }
        let subject = actor.lister()?;
        let mut conn = self.store.read().await?;
        let mut latest: BTreeMap<i64, Survey> = BTreeMap::new();
        for s in store::closed_with_answers(&mut conn, subject, today(), MIN_ANSWERS as i64).await?
        {
            latest.entry(s.owner_party_id).or_insert(s);
        }
        let ids: Vec<i64> = latest.values().map(|s| s.id).collect();
        let mut themes: BTreeMap<Theme, (i64, f64)> = BTreeMap::new();
        for t in store::theme_totals(&mut conn, &ids).await? {
            let e = themes.entry(t.theme).or_default();
            e.0 += t.item_count;
            e.1 += t.score_sum;
        }
        let mut organisations: Vec<NationalCultureRow> = latest
            .into_values()
            .filter_map(|s| {
                Some(NationalCultureRow {
                    index: s.index()?,
                    party_id: s.owner_party_id,
                    party_name: s.party_name,
                    survey_id: s.id,
                    closes_on: format_date(s.closes_on),
                    answered: s.answered,
                    response_rate: (s.invited > 0)
                        .then(|| s.answered as f64 * 100.0 / s.invited as f64),
                })
            })
            .collect();
        organisations.sort_by(|a, b| a.index.total_cmp(&b.index));
        let index = (!organisations.is_empty()).then(|| {
            organisations.iter().map(|o| o.index).sum::<f64>() / organisations.len() as f64
        });
        Ok(NationalCulture {
            index,
            themes: themes
                .into_iter()
                .filter(|(_, (n, _))| *n > 0)
                .map(|(theme, (n, sum))| ThemeResult {
                    theme,
                    label: theme.label(),
                    index: sum / n as f64,
                })
                .collect(),
            organisations,
        })
    }
}

/// Each group's results, with the hidden ones hidden.
async fn group_results(conn: &mut Conn, id: i64) -> Result<Vec<GroupResult>> {
    let invited = store::groups_invited(conn, id).await?;
    let totals = store::group_totals(conn, id).await?;
    let counts: Vec<usize> = invited
        .iter()
        .map(|g| {
            totals
                .iter()
                .find(|t| t.group_key == g.group_key)
                .map_or(0, |t| usize::try_from(t.answers).unwrap_or(0))
        })
        .collect();
    let hidden = suppressed(&counts, MIN_ANSWERS);
    Ok(invited
        .into_iter()
        .zip(counts)
        .zip(hidden)
        .map(|((g, n), hide)| {
            let index = totals
                .iter()
                .find(|t| t.group_key == g.group_key)
                .and_then(|t| t.mean_score);
            GroupResult {
                group: g.group_key,
                invited: g.invited,
                answered: (!hide).then_some(n as i64),
                index: if hide || n == 0 { None } else { index },
                suppressed: hide,
            }
        })
        .collect())
}
