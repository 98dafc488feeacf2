//! The reporting rules' page: the taxonomy with each category's deadlines, the days to close
//! a triaged report and the just-culture decisions, with earlier versions; and, for the
//! authority's policy officers and director, the form that publishes the next version.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use sems_domain::report::rules::{CategoryRule, Deadlines, JustCultureDecision, ReportingRules};
use sems_domain::ValidationError;
use sems_services::reports::rules::ReportingRulesView;
use sems_web_kit::form::Form;
use sems_web_kit::pages::{in_force, notice, render, version_line, Layout, PageQuery, PageResult};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/reports/rules", get(page).post(publish))
}

/// Whether a category is offered for new reports, in the words of the form.
const OFFERED: &str = "offered";
const WITHDRAWN: &str = "withdrawn";

/// The categories as the form shows them, one a line:
/// `code | label | triage hours | forwarding hours | analysis days | final months | offered`.
fn categories_text(categories: &[CategoryRule]) -> String {
    categories
        .iter()
        .map(|c| {
            let d = c.deadlines;
            format!(
                "{} | {} | {} | {} | {} | {} | {}",
                c.code,
                c.label,
                d.triage_hours,
                d.forward_hours,
                d.analysis_days,
                d.final_months,
                if c.active { OFFERED } else { WITHDRAWN }
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the categories typed on the form; a line that does not read is named.
fn parse_categories(text: &str) -> Result<Vec<CategoryRule>, ValidationError> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, line)| {
            let bad = |why: &str| {
                ValidationError::new(
                    "categories",
                    format!("line {} of the categories: {why}", i + 1),
                )
            };
            let parts: Vec<&str> = line.split('|').map(str::trim).collect();
            let [code, label, triage, forward, analysis, final_months, offered] = parts.as_slice()
            else {
                return Err(bad("write 'code | label | triage hours | forwarding hours | analysis days | final months | offered or withdrawn'"));
            };
            let number = |v: &str, what: &str| {
                v.parse::<i64>()
                    .map_err(|_| bad(&format!("'{v}' is not a whole number of {what}")))
            };
            let active = if offered.eq_ignore_ascii_case(OFFERED) {
                true
            } else if offered.eq_ignore_ascii_case(WITHDRAWN) {
                false
            } else {
                return Err(bad(&format!("'{offered}' is neither {OFFERED} nor {WITHDRAWN}")));
            };
            Ok(CategoryRule {
                code: code.to_string(),
                label: label.to_string(),
                active,
                deadlines: Deadlines {
                    triage_hours: number(triage, "hours")?,
                    forward_hours: number(forward, "hours")?,
                    analysis_days: number(analysis, "days")?,
                    final_months: final_months
                        .parse::<u32>()
                        .map_err(|_| bad(&format!("'{final_months}' is not a number of months")))?,
                },
            })
        })
        .collect()
}

/// The decisions as the form shows them: `word | label`, one a line.
fn decisions_text(decisions: &[JustCultureDecision]) -> String {
    decisions
        .iter()
        .map(|d| format!("{} | {}", d.word, d.label))
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_decisions(text: &str) -> Result<Vec<JustCultureDecision>, ValidationError> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, line)| match line.split_once('|') {
            Some((word, label)) => Ok(JustCultureDecision {
                word: word.trim().to_string(),
                label: label.trim().to_string(),
            }),
            None => Err(ValidationError::new(
                "just_culture",
                format!("line {} of the decisions: write 'word | label'", i + 1),
            )),
        })
        .collect()
}

/// The form of the next version, as typed (shown again as it was when refused).
#[derive(serde::Deserialize, Default, Clone)]
struct RulesForm {
    #[serde(default)]
    categories: String,
    #[serde(default)]
    just_culture: String,
    #[serde(default)]
    closure_days: String,
    #[serde(default)]
    note: String,
}

impl RulesForm {
    fn of(r: &ReportingRules) -> Self {
        Self {
            categories: categories_text(&r.categories),
            just_culture: decisions_text(&r.just_culture),
            closure_days: r.closure_days.to_string(),
            note: String::new(),
        }
    }

    fn rules(&self) -> Result<ReportingRules, ValidationError> {
        Ok(ReportingRules {
            categories: parse_categories(&self.categories)?,
            just_culture: parse_decisions(&self.just_culture)?,
            closure_days: self.closure_days.trim().parse().map_err(|_| {
                ValidationError::new(
                    "closure_days",
                    format!(
                        "'{}' is not a whole number of days",
                        self.closure_days.trim()
                    ),
                )
            })?,
        })
    }
}

#[derive(Template)]
#[template(path = "reporting/rules.html")]
struct RulesPage {
    layout: Layout,
    r: ReportingRulesView,
    published: String,
    /// Earlier versions: (version, when and by whom, note).
    history: Vec<(i64, String, String)>,
    form: RulesForm,
}

#[derive(serde::Deserialize, Default)]
struct Params {
    notice: Option<String>,
}

async fn show(
    state: &AppState,
    user: &Signed,
    notice_key: Option<&str>,
    refused: Option<(String, RulesForm)>,
) -> PageResult {
    let reporting = state.services.reporting();
    let r = reporting.reporting_rules(&user.actor(), None).await?;
    let history = reporting
        .reporting_rules_versions(&user.actor())
        .await?
        .into_iter()
        .map(|v| {
            version_line(
                v.version,
                v.published_at_ms,
                v.published_by_name.as_deref(),
                v.note,
            )
        })
        .collect();
    let (error, form) = match refused {
        Some((e, f)) => (Some(e), f),
        None => (None, RulesForm::of(&r.rules)),
    };
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &RulesPage {
            layout: Layout::new("Reporting rules", user, "/reports")
                .with_notice(notice(notice_key))
                .with_error(error),
            published: in_force(r.version, r.published_at_ms, r.published_by_name.as_deref()),
            history,
            form,
            r,
        },
    ))
}

async fn page(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    show(&state, &user, p.notice.as_deref(), None).await
}

async fn publish(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, .. }: Form<RulesForm>,
) -> Response {
    let result = match fields.rules() {
        Ok(rules) => {
            state
                .services
                .reporting()
                .publish_reporting_rules(&user.actor(), &rules, fields.note.trim())
                .await
        }
        Err(e) => Err(e.into()),
    };
    sems_web_kit::pages::after_post(
        result,
        |_| "/reports/rules?notice=saved".to_string(),
        |message| show(&state, &user, None, Some((message, fields.clone()))),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_gives_back_the_rules_it_shows() {
        let r = ReportingRules::default();
        let form = RulesForm::of(&r);
        assert_eq!(form.rules().unwrap(), r);
        assert!(form
            .categories
            .starts_with("access_control | Access control | 24 | 72 | 30 | 3 | offered"));
    }

    #[test]
    fn a_line_that_does_not_read_is_named() {
        let err = parse_categories("a_b | A b | 24 | 72 | 30 | 3 | offered\nc_d | C d | 24")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
        assert!(parse_categories("a_b | A b | x | 72 | 30 | 3 | offered").is_err());
        assert!(parse_categories("a_b | A b | 24 | 72 | 30 | 3 | maybe").is_err());
        let read = parse_categories("a_b | A b | 12 | 48 | 20 | 2 | Withdrawn").unwrap();
        assert!(!read[0].active);
        assert_eq!(read[0].deadlines.forward_hours, 48);
        assert!(parse_decisions("no_blame").is_err());
        let mut f = RulesForm::of(&ReportingRules::default());
        f.closure_days = "thirty".into();
        assert!(f.rules().is_err());
    }
}
