//! The oversight method's page: the compliance scales (each answer with how EI counts it),
//! the plan deadlines per finding level, the EI thresholds and the intervals, with earlier
//! versions; and, for the authority's policy officers and director, the form that publishes
//! the next version.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use sems_domain::oversight::method::{
    ComplianceScale, EiThresholds, KindOfActivity, OversightMethod, PlanDeadlines, ScaleAnswer,
};
use sems_domain::ValidationError;
use sems_services::oversight::method::OversightMethodView;
use sems_web_kit::form::Form;
use sems_web_kit::pages::{in_force, notice, render, version_line, Layout, PageQuery, PageResult};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/oversight/method", get(page).post(publish))
}

/// How an answer counts, in the words of the form.
const COUNTS: [(&str, bool, bool); 3] = [
    ("compliant", true, true),
    ("not compliant", true, false),
    ("not applicable", false, false),
];

/// A scale's answers as the form shows them: `word | label | counts`, one a line.
fn answers_text(answers: &[ScaleAnswer]) -> String {
    answers
        .iter()
        .map(|a| {
            let counts = COUNTS
                .iter()
                .find(|(_, applicable, compliant)| {
                    *applicable == a.applicable && *compliant == a.compliant
                })
                .map_or("not applicable", |(w, _, _)| w);
            format!("{} | {} | {counts}", a.word, a.label)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the answers typed on the form; a line that is not `word | label | counts` is named.
fn parse_answers(code: &str, text: &str) -> Result<Vec<ScaleAnswer>, ValidationError> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, line)| {
            let parts: Vec<&str> = line.split('|').map(str::trim).collect();
            let bad = || {
                ValidationError::new(
                    "scales",
                    format!(
                        "line {} of the scale '{code}' is not 'word | label | compliant, not compliant or not applicable'",
                        i + 1
                    ),
                )
            };
            let [word, label, counts] = parts.as_slice() else {
                return Err(bad());
            };
            let (_, applicable, compliant) = COUNTS
                .iter()
                .find(|(w, _, _)| w.eq_ignore_ascii_case(counts))
                .ok_or_else(bad)?;
            Ok(ScaleAnswer {
                word: word.to_string(),
                label: label.to_string(),
                applicable: *applicable,
                compliant: *compliant,
            })
        })
        .collect()
}

/// What a kind may be, in the words of the form.
const FLAGS: [&str; 4] = ["test", "covert", "full audit", "exercise"];

/// The kinds as the form shows them: `word | label | flags`, one a line.
fn kinds_text(kinds: &[KindOfActivity]) -> String {
    kinds
        .iter()
        .map(|k| {
            let flags: Vec<&str> = FLAGS
                .iter()
                .zip([k.test, k.covert, k.full_audit, k.exercise])
                .filter(|(_, on)| *on)
                .map(|(f, _)| *f)
                .collect();
            format!("{} | {} | {}", k.word, k.label, flags.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the kinds typed on the form (flags may be left out).
fn parse_kinds(text: &str) -> Result<Vec<KindOfActivity>, ValidationError> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, line)| {
            let parts: Vec<&str> = line.split('|').map(str::trim).collect();
            let bad = |why: String| {
                ValidationError::new("kinds", format!("line {} of the kinds: {why}", i + 1))
            };
            let (word, label, flags) = match parts.as_slice() {
                [w, l] => (*w, *l, ""),
                [w, l, f] => (*w, *l, *f),
                _ => return Err(bad("write 'word | label | flags'".into())),
            };
            let mut on = [false; 4];
            for flag in flags.split(',').map(str::trim).filter(|f| !f.is_empty()) {
                let at = FLAGS
                    .iter()
                    .position(|f| f.eq_ignore_ascii_case(flag))
                    .ok_or_else(|| bad(format!("'{flag}' is not one of {}", FLAGS.join(", "))))?;
                on[at] = true;
            }
            Ok(KindOfActivity {
                word: word.to_string(),
                label: label.to_string(),
                test: on[0],
                covert: on[1],
                full_audit: on[2],
                exercise: on[3],
            })
        })
        .collect()
}

/// The form of the next version, as typed (shown again as it was when refused).
#[derive(serde::Deserialize, Default, Clone)]
struct MethodForm {
    #[serde(default)]
    scale_code: Vec<String>,
    #[serde(default)]
    scale_title: Vec<String>,
    #[serde(default)]
    scale_answers: Vec<String>,
    #[serde(default)]
    kinds: String,
    #[serde(default)]
    level_1_days: String,
    #[serde(default)]
    level_2_days: String,
    #[serde(default)]
    observation_days: String,
    #[serde(default)]
    ei_low: String,
    #[serde(default)]
    ei_high: String,
    #[serde(default)]
    full_audit_months: String,
    #[serde(default)]
    inspection_months: String,
    #[serde(default)]
    note: String,
}

impl MethodForm {
    /// The form filled with a version, and one empty scale to add another.
    fn of(m: &OversightMethod) -> Self {
        let mut f = Self {
            kinds: kinds_text(&m.kinds),
            level_1_days: m.plan_deadlines.level_1_days.to_string(),
            level_2_days: m.plan_deadlines.level_2_days.to_string(),
            observation_days: m.plan_deadlines.observation_days.to_string(),
            ei_low: m.ei_thresholds.low_percent.to_string(),
            ei_high: m.ei_thresholds.high_percent.to_string(),
            full_audit_months: m.full_audit_months.to_string(),
            inspection_months: m.inspection_months.to_string(),
            ..Default::default()
        };
        for s in &m.scales {
            f.scale_code.push(s.code.clone());
            f.scale_title.push(s.title.clone());
            f.scale_answers.push(answers_text(&s.answers));
        }
        f.scale_code.push(String::new());
        f.scale_title.push(String::new());
        f.scale_answers.push(String::new());
        f
    }

    /// The method the form describes; a scale left without code and answers is left out.
    fn method(&self) -> Result<OversightMethod, ValidationError> {
        let number = |field: &'static str, v: &str| {
            v.trim().parse::<i64>().map_err(|_| {
                ValidationError::new(field, format!("'{}' is not a whole number", v.trim()))
            })
        };
        let percent = |v: &str| {
            v.trim().parse::<f64>().map_err(|_| {
                ValidationError::new(
                    "ei_thresholds",
                    format!("'{}' is not a percentage", v.trim()),
                )
            })
        };
        let months = |field: &'static str, v: &str| {
            v.trim().parse::<u32>().map_err(|_| {
                ValidationError::new(field, format!("'{}' is not a number of months", v.trim()))
            })
        };
        let mut scales = Vec::new();
        for (i, code) in self.scale_code.iter().enumerate() {
            let code = code.trim();
            let answers = self.scale_answers.get(i).map_or("", String::as_str);
            if code.is_empty() && answers.trim().is_empty() {
                continue;
            }
            scales.push(ComplianceScale {
                code: code.to_string(),
                title: self
                    .scale_title
                    .get(i)
                    .map_or("", String::as_str)
                    .trim()
                    .to_string(),
                answers: parse_answers(code, answers)?,
            });
        }
        Ok(OversightMethod {
            scales,
            kinds: parse_kinds(&self.kinds)?,
            plan_deadlines: PlanDeadlines {
                level_1_days: number("plan_deadlines", &self.level_1_days)?,
                level_2_days: number("plan_deadlines", &self.level_2_days)?,
                observation_days: number("plan_deadlines", &self.observation_days)?,
            },
            ei_thresholds: EiThresholds {
                low_percent: percent(&self.ei_low)?,
                high_percent: percent(&self.ei_high)?,
            },
            full_audit_months: months("intervals", &self.full_audit_months)?,
            inspection_months: months("intervals", &self.inspection_months)?,
        })
    }

    /// The scales as the form rows: (code, title, answers).
    fn rows(&self) -> Vec<(String, String, String)> {
        self.scale_code
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    c.clone(),
                    self.scale_title.get(i).cloned().unwrap_or_default(),
                    self.scale_answers.get(i).cloned().unwrap_or_default(),
                )
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "oversight/method.html")]
struct MethodPage {
    layout: Layout,
    m: OversightMethodView,
    published: String,
    /// Earlier versions: (version, when and by whom, note).
    history: Vec<(i64, String, String)>,
    form: MethodForm,
    rows: Vec<(String, String, String)>,
}

#[derive(serde::Deserialize, Default)]
struct Params {
    notice: Option<String>,
}

async fn show(
    state: &AppState,
    user: &Signed,
    notice_key: Option<&str>,
    refused: Option<(String, MethodForm)>,
) -> PageResult {
    let oversight = state.services.oversight();
    let m = oversight.oversight_method(&user.actor(), None).await?;
    let history = oversight
        .oversight_method_versions(&user.actor())
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
        None => (None, MethodForm::of(&m.method)),
    };
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &MethodPage {
            layout: Layout::new("Oversight method", user, "/oversight/requirements")
                .with_notice(notice(notice_key))
                .with_error(error),
            published: in_force(m.version, m.published_at_ms, m.published_by_name.as_deref()),
            history,
            rows: form.rows(),
            form,
            m,
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
    Form { fields, .. }: Form<MethodForm>,
) -> Response {
    let result = match fields.method() {
        Ok(method) => {
            state
                .services
                .oversight()
                .publish_oversight_method(&user.actor(), &method, fields.note.trim())
                .await
        }
        Err(e) => Err(e.into()),
    };
    sems_web_kit::pages::after_post(
        result,
        |_| "/oversight/method?notice=saved".to_string(),
        |message| show(&state, &user, None, Some((message, fields.clone()))),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_gives_back_the_method_it_shows() {
        let m = OversightMethod::default();
        let form = MethodForm::of(&m);
        assert_eq!(form.method().unwrap(), m, "the empty scale is left out");
        let iosa = &form.scale_answers[1];
        assert!(
            iosa.starts_with("documented_implemented | Documented and implemented | compliant"),
            "{iosa}"
        );
    }

    #[test]
    fn a_line_that_is_not_word_label_counts_is_named() {
        let err = parse_answers("x", "yes | Yes | compliant\nno | No")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
        assert!(parse_answers("x", "yes | Yes | mostly").is_err());
        let read =
            parse_answers("x", "yes | Yes | Compliant\n\nna | N/A | not applicable").unwrap();
        assert_eq!(read.len(), 2);
        assert!(read[0].compliant && !read[1].applicable);
        let mut f = MethodForm::of(&OversightMethod::default());
        f.level_2_days = "thirty".into();
        assert!(f.method().is_err());
        let kinds = parse_kinds("drill | Drill | exercise\nsnap | Snap check").unwrap();
        assert!(kinds[0].exercise && !kinds[1].test);
        assert!(parse_kinds("x | X | sometimes").is_err());
        assert!(kinds_text(&OversightMethod::default().kinds)
            .contains("test_covert | Test (covert) | test, covert"));
    }
}
