//! The indicator library: the national library and one's organisation's own; one indicator
//! with its versions, the State's expected level (the authority) and one's target; forms to
//! define an indicator and to publish a new version of it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use sems_domain::performance::definition::{
    AlertMethod, Exposure, Measure, Source, SpiDefinition, TestKind, Timing,
};
use sems_domain::performance::{Direction, Period};
use sems_domain::{Checks, ValidationError};
use sems_services::performance::indicators::{
    ExpectedLevelInput, IndicatorDetail, IndicatorInput, IndicatorView, TargetInput,
};
use sems_services::ServiceError;
use sems_storage::performance::indicators::IndicatorFilter;
use sems_web_kit::form::{field, Form};
use sems_web_kit::pages::{
    after_form_post, notice, render, when, Choice, FormState, Layout, PageQuery, PageResult, Pager,
};
use sems_web_kit::session::Signed;
use sems_web_kit::AppState;

#[derive(serde::Deserialize, Default)]
pub struct Params {
    page: Option<u32>,
    q: Option<String>,
    scope: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "performance/indicators.html")]
struct ListPage {
    layout: Layout,
    indicators: Vec<IndicatorView>,
    pager: Pager,
    q: String,
    scope: String,
    may_define: bool,
}

pub async fn list(
    State(state): State<AppState>,
    user: Signed,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    let t = |v: &Option<String>| v.clone().unwrap_or_default();
    let filter = IndicatorFilter {
        owner_party_id: None,
        national: match p.scope.as_deref() {
            Some("national") => Some(true),
            Some("own") => Some(false),
            _ => None,
        },
        search: p.q.clone().filter(|q| !q.trim().is_empty()),
    };
    let page = state
        .services
        .performance()
        .indicators(
            &user.actor(),
            &filter,
            sems_domain::page::PageRequest::new(p.page, None),
        )
        .await?;
    let query = [("q", t(&p.q)), ("scope", t(&p.scope))];
    Ok(render(
        StatusCode::OK,
        &ListPage {
            layout: Layout::new("Security performance indicators", &user, "/performance")
                .with_notice(notice(p.notice.as_deref())),
            pager: Pager::new(&page, "/performance/indicators", &query),
            indicators: page.items,
            q: t(&p.q),
            scope: t(&p.scope),
            may_define: sems_services::allowed_in_own_party(
                &user.actor(),
                sems_domain::access::RecordKind::PerformanceIndicator,
            )
            .create,
        },
    ))
}

/// A definition as its form holds it.
#[derive(serde::Deserialize, Default, Clone)]
pub struct DefinitionForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    measures: String,
    #[serde(default)]
    why: String,
    #[serde(default)]
    source_kind: String,
    #[serde(default)]
    measure: String,
    #[serde(default)]
    tests: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    series_numerator: String,
    #[serde(default)]
    series_denominator: String,
    #[serde(default)]
    numerator: String,
    #[serde(default)]
    denominator: String,
    #[serde(default)]
    exposure_series: String,
    #[serde(default)]
    exposure_per: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    timing: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    alert_kind: String,
    #[serde(default)]
    baseline_periods: String,
    #[serde(default)]
    watch: String,
    #[serde(default)]
    warning: String,
    #[serde(default)]
    critical: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    scenarios: String,
    #[serde(default)]
    note: String,
    #[serde(default, deserialize_with = "field::id")]
    owner_person_id: Option<i64>,
}

fn number(checks: &mut Checks, field: &'static str, text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    match t.replace(',', ".").parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            checks.refuse(ValidationError::new(
                field,
                format!("'{t}' is not a number"),
            ));
            None
        }
    }
}

fn blank(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

impl DefinitionForm {
    /// The form of an existing definition, for its next version.
    fn of(d: &SpiDefinition, owner_person_id: Option<i64>) -> Self {
        let (source_kind, measure, tests, area, num, den) = match &d.source {
            Source::Computed {
                measure,
                tests,
                area,
            } => (
                "computed",
                measure.as_str().to_string(),
                tests.map(|t| t.as_str().to_string()).unwrap_or_default(),
                area.clone().unwrap_or_default(),
                String::new(),
                String::new(),
            ),
            Source::Series {
                numerator,
                denominator,
            } => (
                "series",
                String::new(),
                String::new(),
                String::new(),
                numerator.clone(),
                denominator.clone().unwrap_or_default(),
            ),
        };
        let (alert_kind, baseline, watch, warning, critical) = match &d.alert {
            AlertMethod::Statistical { baseline_periods } => (
                "statistical",
                baseline_periods.to_string(),
                String::new(),
                String::new(),
                String::new(),
            ),
            AlertMethod::Fixed {
                watch,
                warning,
                critical,
            } => (
                "fixed",
                "12".into(),
                watch.to_string(),
                warning.to_string(),
                critical.to_string(),
            ),
        };
        Self {
            code: d.code.clone(),
            name: d.name.clone(),
            measures: d.measures.clone(),
            why: d.why.clone(),
            source_kind: source_kind.into(),
            measure,
            tests,
            area,
            series_numerator: num,
            series_denominator: den,
            numerator: d.numerator.clone(),
            denominator: d.denominator.clone(),
            exposure_series: d
                .exposure
                .as_ref()
                .map(|e| e.series.clone())
                .unwrap_or_default(),
            exposure_per: d
                .exposure
                .as_ref()
                .map(|e| e.per.to_string())
                .unwrap_or_default(),
            direction: d.direction.as_str().into(),
            timing: d.timing.as_str().into(),
            period: d.period.as_str().into(),
            alert_kind: alert_kind.into(),
            baseline_periods: baseline,
            watch,
            warning,
            critical,
            target: d.target.map(|t| t.to_string()).unwrap_or_default(),
            scenarios: d.scenarios.join(", "),
            note: String::new(),
            owner_person_id,
        }
    }

    /// The definition the form says, or every field it cannot be read from.
    fn definition(&self) -> Result<SpiDefinition, ServiceError> {
        let mut checks = Checks::default();
        let source = if self.source_kind == "series" {
            Source::Series {
                numerator: self.series_numerator.trim().to_string(),
                denominator: blank(&self.series_denominator),
            }
        } else {
            let measure = checks.check(
                Measure::parse(&self.measure)
                    .map_err(|_| ValidationError::new("measure", "choose what sems computes")),
            );
            let tests = blank(&self.tests).and_then(|t| checks.check(TestKind::parse(&t)));
            Source::Computed {
                measure: measure.unwrap_or(Measure::TestPassRate),
                tests,
                area: blank(&self.area),
            }
        };
        // A computed measure has its own direction.
        let direction = match &source {
            Source::Computed { measure, .. } => measure.direction(),
            Source::Series { .. } => checks
                .check(Direction::parse(&self.direction))
                .unwrap_or(Direction::LowerIsBetter),
        };
        let timing = checks
            .check(Timing::parse(&self.timing))
            .unwrap_or(Timing::Leading);
        let period = checks
            .check(Period::parse(&self.period))
            .unwrap_or(Period::Month);
        let exposure = blank(&self.exposure_series).map(|series| Exposure {
            series,
            per: self.exposure_per.trim().parse().unwrap_or(0),
        });
        let alert = if self.alert_kind == "fixed" {
            let w = number(&mut checks, "watch", &self.watch);
            let wa = number(&mut checks, "warning", &self.warning);
            let c = number(&mut checks, "critical", &self.critical);
            match (w, wa, c) {
                (Some(watch), Some(warning), Some(critical)) => AlertMethod::Fixed {
                    watch,
                    warning,
                    critical,
                },
                _ => {
                    checks.refuse(ValidationError::new(
                        "alert",
                        "thresholds set by hand need watch, warning and critical",
                    ));
                    AlertMethod::Statistical {
                        baseline_periods: 12,
                    }
                }
            }
        } else {
            AlertMethod::Statistical {
                baseline_periods: self.baseline_periods.trim().parse().unwrap_or(0),
            }
        };
        let target = number(&mut checks, "target", &self.target);
        checks.finish()?;
        Ok(SpiDefinition {
            code: self.code.trim().to_string(),
            name: self.name.trim().to_string(),
            measures: self.measures.trim().to_string(),
            why: self.why.trim().to_string(),
            source,
            numerator: self.numerator.trim().to_string(),
            denominator: self.denominator.trim().to_string(),
            exposure,
            direction,
            timing,
            period,
            alert,
            target,
            scenarios: self
                .scenarios
                .split([',', ';'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        })
    }

    fn input(&self) -> Result<IndicatorInput, ServiceError> {
        Ok(IndicatorInput {
            definition: self.definition()?,
            note: self.note.clone(),
            owner_person_id: self.owner_person_id,
        })
    }
}

/// The choices of a definition's form.
pub struct FormChoices {
    measures: Vec<Choice>,
    tests: Vec<Choice>,
    directions: Vec<Choice>,
    timings: Vec<Choice>,
    periods: Vec<Choice>,
}

impl FormChoices {
    fn of(f: &DefinitionForm) -> Self {
        Self {
            measures: Choice::list(
                Measure::ALL.iter().map(|m| (m.as_str(), m.label())),
                &f.measure,
            ),
            tests: Choice::list(
                TestKind::ALL.iter().map(|m| (m.as_str(), m.label())),
                &f.tests,
            ),
            directions: Choice::list(
                Direction::ALL.iter().map(|m| (m.as_str(), m.label())),
                &f.direction,
            ),
            timings: Choice::list(
                Timing::ALL.iter().map(|m| (m.as_str(), m.label())),
                &f.timing,
            ),
            periods: Choice::list(
                Period::ALL.iter().map(|m| (m.as_str(), m.label())),
                &f.period,
            ),
        }
    }
}

#[derive(Template)]
#[template(path = "performance/indicator_new.html")]
struct NewPage {
    layout: Layout,
    f: DefinitionForm,
    c: FormChoices,
    state: FormState,
    national: bool,
}

fn new_page(user: &Signed, f: DefinitionForm, state: FormState, error: Option<String>) -> NewPage {
    NewPage {
        layout: Layout::new("Define an indicator", user, "/performance").with_error(error),
        c: FormChoices::of(&f),
        f,
        state,
        national: user.0.subject.party_is_authority,
    }
}

pub async fn new_form(user: Signed) -> Response {
    let f = DefinitionForm {
        source_kind: "series".into(),
        direction: Direction::LowerIsBetter.as_str().into(),
        timing: Timing::Leading.as_str().into(),
        period: Period::Month.as_str().into(),
        alert_kind: "statistical".into(),
        baseline_periods: "12".into(),
        ..Default::default()
    };
    render(
        StatusCode::OK,
        &new_page(&user, f, FormState::default(), None),
    )
}

pub async fn define(
    State(state): State<AppState>,
    user: Signed,
    Form { fields, values }: Form<DefinitionForm>,
) -> Response {
    let actor = user.actor();
    let result = match fields.input() {
        Ok(input) => {
            state
                .services
                .performance()
                .define_indicator(&actor, &input)
                .await
        }
        Err(e) => Err(e),
    };
    after_form_post(
        result,
        values,
        "The indicator was not defined: see the fields marked.",
        |v| format!("/performance/indicators/{}?notice=created", v.id),
        |message, form_state| async {
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &new_page(&user, fields.clone(), form_state, Some(message)),
            )
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "performance/indicator.html")]
struct IndicatorPage {
    layout: Layout,
    d: IndicatorDetail,
    f: DefinitionForm,
    c: FormChoices,
    state: FormState,
    versions: Vec<(i64, String, String, String)>,
    source: String,
    alert: String,
    party: i64,
}

fn describe_source(d: &SpiDefinition) -> String {
    let base = match &d.source {
        Source::Computed {
            measure,
            tests,
            area,
        } => {
            let mut s = format!("Computed by sems: {}", measure.label());
            if let Some(t) = tests {
                s.push_str(&format!(", {}", t.label().to_lowercase()));
            }
            if let Some(a) = area {
                s.push_str(&format!(", area {a}"));
            }
            s
        }
        Source::Series {
            numerator,
            denominator,
        } => match denominator {
            Some(d) => format!("Data series {numerator} over {d}"),
            None => format!("Data series {numerator}"),
        },
    };
    match &d.exposure {
        Some(e) => format!("{base}, per {} of {}", e.per, e.series),
        None => base,
    }
}

fn describe_alert(d: &SpiDefinition) -> String {
    match &d.alert {
        AlertMethod::Statistical { baseline_periods } => format!(
            "Mean and 1, 2, 3 SD of the preceding {baseline_periods} {} (Poisson limits for rare events), frozen for each year",
            d.period.noun(*baseline_periods as usize)
        ),
        AlertMethod::Fixed {
            watch,
            warning,
            critical,
        } => format!("Thresholds set by hand: watch {watch}, warning {warning}, critical {critical}"),
    }
}

async fn indicator_page(
    state: &AppState,
    user: &Signed,
    id: i64,
    notice_key: Option<&str>,
    error: Option<String>,
    form: Option<(DefinitionForm, FormState)>,
) -> PageResult {
    let d = state
        .services
        .performance()
        .indicator(&user.actor(), id)
        .await?;
    let (f, form_state) = form.unwrap_or_else(|| {
        (
            DefinitionForm::of(&d.indicator.definition, d.indicator.owner_person_id),
            FormState::default(),
        )
    });
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &IndicatorPage {
            layout: Layout::new(
                format!("{} {}", d.indicator.code, d.indicator.name),
                user,
                "/performance",
            )
            .with_notice(notice(notice_key))
            .with_error(error),
            versions: d
                .versions
                .iter()
                .map(|v| {
                    (
                        v.version,
                        when(v.published_at_ms),
                        v.by_name.clone().unwrap_or_else(|| "sems".into()),
                        v.note.clone(),
                    )
                })
                .collect(),
            source: describe_source(&d.indicator.definition),
            alert: describe_alert(&d.indicator.definition),
            c: FormChoices::of(&f),
            f,
            state: form_state,
            party: user.0.subject.party_id,
            d,
        },
    ))
}

pub async fn page(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    PageQuery(p): PageQuery<Params>,
) -> PageResult {
    indicator_page(&state, &user, id, p.notice.as_deref(), None, None).await
}

pub async fn publish(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, values }: Form<DefinitionForm>,
) -> Response {
    let result = match fields.input() {
        Ok(input) => {
            state
                .services
                .performance()
                .publish_indicator(&user.actor(), id, &input)
                .await
        }
        Err(e) => Err(e),
    };
    after_form_post(
        result,
        values,
        "No version was published: see the fields marked.",
        |_| format!("/performance/indicators/{id}?notice=saved"),
        |message, form_state| async {
            indicator_page(
                &state,
                &user,
                id,
                None,
                Some(message),
                Some((fields.clone(), form_state)),
            )
            .await
        },
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct LevelForm {
    #[serde(default)]
    expected_level: String,
}

/// A number typed in `field`, none when blank, or the refusal.
fn optional_number(field: &'static str, text: &str) -> Result<Option<f64>, ServiceError> {
    let mut checks = Checks::default();
    let n = number(&mut checks, field, text);
    checks.finish()?;
    Ok(n)
}

/// The indicator's page after a setting was saved, or again with the refusal.
async fn after_setting(
    state: &AppState,
    user: &Signed,
    id: i64,
    result: Result<IndicatorView, ServiceError>,
) -> Response {
    sems_web_kit::pages::after_post(
        result,
        |_| format!("/performance/indicators/{id}?notice=saved"),
        |message| indicator_page(state, user, id, None, Some(message), None),
    )
    .await
}

pub async fn expected_level(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<LevelForm>,
) -> Response {
    let result = match optional_number("expected_level", &fields.expected_level) {
        Ok(expected_level) => {
            state
                .services
                .performance()
                .set_expected_level(&user.actor(), id, &ExpectedLevelInput { expected_level })
                .await
        }
        Err(e) => Err(e),
    };
    after_setting(&state, &user, id, result).await
}

#[derive(serde::Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    target: String,
    #[serde(default, deserialize_with = "field::checkbox")]
    despite_warning: bool,
}

pub async fn target(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<i64>,
    Form { fields, .. }: Form<TargetForm>,
) -> Response {
    let result = match optional_number("target", &fields.target) {
        Ok(target) => {
            state
                .services
                .performance()
                .set_target(
                    &user.actor(),
                    id,
                    &TargetInput {
                        target,
                        despite_warning: fields.despite_warning,
                    },
                )
                .await
        }
        Err(e) => Err(e),
    };
    after_setting(&state, &user, id, result).await
}
