//! Observability of use cases and jobs. Every service use case and every storage query runs
//! in a tracing span named after its function (`#[tracing::instrument(skip_all)]`: no
//! argument is ever recorded). `UseCaseLayer` times them: each use case (a service span not
//! inside another) is counted in a latency histogram per use case for `/metrics`, and one
//! slower than `SLOW` is logged with its slowest query. The background jobs' runs are counted
//! with their outcome (`record_job`).
//!
//! Security reporting's use cases (`sems_services::reports`) are neither counted nor logged,
//! as its routes are not: no counter's change or log line may be set beside a person's event
//! (docs/privacy.md).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};
use tracing::span::{Attributes, Id};
use tracing::Subscriber;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// A use case slower than this is logged at `warn` with its slowest query.
pub const SLOW: Duration = Duration::from_millis(500);

/// Upper bounds of the use-case latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

const SERVICES: &str = "sems_services";
const STORAGE: &str = "sems_storage";
const REPORTING: &str = "sems_services::reports";

#[derive(Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum_seconds: f64,
}

impl Histogram {
    fn observe(&mut self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                self.buckets[i] += 1;
            }
        }
        self.count += 1;
        self.sum_seconds += seconds;
    }
}

#[derive(Default)]
struct JobStats {
    /// Runs by outcome ("ok", "failed").
    runs: BTreeMap<&'static str, u64>,
    items: u64,
    duration: Histogram,
}

#[derive(Default)]
struct Registry {
    /// By the use case's module path and function name, both static: nothing is formatted
    /// on the path of a request.
    use_cases: Mutex<BTreeMap<(&'static str, &'static str), Histogram>>,
    jobs: Mutex<BTreeMap<&'static str, JobStats>>,
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::default)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// "oversight::ei_dashboard" for `sems_services::oversight` / `ei_dashboard`.
fn use_case_name(target: &str, name: &str) -> String {
    let module = target
        .strip_prefix(SERVICES)
        .unwrap_or(target)
        .trim_start_matches("::");
    if module.is_empty() {
        name.to_string()
    } else {
        format!("{module}::{name}")
    }
}

/// One run of a background job: its outcome and how many items it handled.
pub fn record_job(job: &'static str, outcome: Result<u64, ()>, elapsed: Duration) {
    let mut jobs = lock(&registry().jobs);
    let stats = jobs.entry(job).or_default();
    let (label, items) = match outcome {
        Ok(n) => ("ok", n),
        Err(()) => ("failed", 0),
    };
    *stats.runs.entry(label).or_default() += 1;
    stats.items += items;
    stats.duration.observe(elapsed);
}

/// The use cases' and jobs' series, in the Prometheus text format.
pub fn render(out: &mut String) {
    let _ = writeln!(
        out,
        "# HELP sems_use_case_duration_seconds Time to run each use case of the services."
    );
    let _ = writeln!(out, "# TYPE sems_use_case_duration_seconds histogram");
    for ((target, name), h) in lock(&registry().use_cases).iter() {
        let name = use_case_name(target, name);
        histogram(
            out,
            "sems_use_case_duration_seconds",
            &format!("use_case=\"{name}\""),
            h,
        );
    }
    let jobs = lock(&registry().jobs);
    let _ = writeln!(
        out,
        "# HELP sems_job_runs_total Background job runs by outcome."
    );
    let _ = writeln!(out, "# TYPE sems_job_runs_total counter");
    for (job, s) in jobs.iter() {
        for (outcome, n) in &s.runs {
            let _ = writeln!(
                out,
                "sems_job_runs_total{{job=\"{job}\",outcome=\"{outcome}\"}} {n}"
            );
        }
    }
    let _ = writeln!(
        out,
        "# HELP sems_job_items_total Items the background jobs handled (escalations, removals)."
    );
    let _ = writeln!(out, "# TYPE sems_job_items_total counter");
    for (job, s) in jobs.iter() {
        let _ = writeln!(out, "sems_job_items_total{{job=\"{job}\"}} {}", s.items);
    }
    let _ = writeln!(
        out,
        "# HELP sems_job_duration_seconds Time of each background job run."
    );
    let _ = writeln!(out, "# TYPE sems_job_duration_seconds histogram");
    for (job, s) in jobs.iter() {
        histogram(
            out,
            "sems_job_duration_seconds",
            &format!("job=\"{job}\""),
            &s.duration,
        );
    }
}

fn histogram(out: &mut String, metric: &str, labels: &str, h: &Histogram) {
    for (i, bound) in BUCKETS.iter().enumerate() {
        let _ = writeln!(
            out,
            "{metric}_bucket{{{labels},le=\"{bound}\"}} {}",
            h.buckets[i]
        );
    }
    let _ = writeln!(out, "{metric}_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
    let _ = writeln!(out, "{metric}_sum{{{labels}}} {}", h.sum_seconds);
    let _ = writeln!(out, "{metric}_count{{{labels}}} {}", h.count);
}

/// What the layer keeps in a span while it runs.
struct Timing {
    started: Instant,
    /// The slowest storage query run inside it.
    slowest_query: Option<(&'static str, &'static str, Duration)>,
}

/// Times the services' use cases and the storage queries within them (install it beside the
/// log's layer, with its own filter, so it sees the spans whatever the log level).
pub struct UseCaseLayer;

impl UseCaseLayer {
    /// The targets it times, at the level `#[tracing::instrument]` gives them.
    pub fn filter() -> tracing_subscriber::filter::Targets {
        tracing_subscriber::filter::Targets::new()
            .with_target(SERVICES, tracing::Level::INFO)
            .with_target(STORAGE, tracing::Level::INFO)
    }
}

impl<S> Layer<S> for UseCaseLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, _attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(Timing {
                started: Instant::now(),
                slowest_query: None,
            });
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else {
            return;
        };
        let Some(timing) = span.extensions_mut().remove::<Timing>() else {
            return;
        };
        let elapsed = timing.started.elapsed();
        let meta = span.metadata();
        let target = meta.target();
        if target.starts_with(STORAGE) {
            // A query: the slowest one of its use case is named if the use case is slow.
            if let Some(parent) = span
                .scope()
                .skip(1)
                .find(|s| s.metadata().target().starts_with(SERVICES))
            {
                if let Some(t) = parent.extensions_mut().get_mut::<Timing>() {
                    if t.slowest_query.is_none_or(|(_, _, d)| elapsed > d) {
                        t.slowest_query = Some((target, meta.name(), elapsed));
                    }
                }
            }
            return;
        }
        if !target.starts_with(SERVICES) || target.starts_with(REPORTING) {
            return;
        }
        let nested = span
            .scope()
            .skip(1)
            .any(|s| s.metadata().target().starts_with(SERVICES));
        if nested {
            return;
        }
        if elapsed >= SLOW {
            let (query, query_ms) = timing
                .slowest_query
                .map(|(module, name, d)| (format!("{module}::{name}"), d.as_millis()))
                .unwrap_or_else(|| ("none".into(), 0));
            tracing::warn!(
                use_case = %use_case_name(target, meta.name()),
                ms = elapsed.as_millis(),
                slowest_query = %query,
                slowest_query_ms = query_ms,
                "slow use case"
            );
        }
        lock(&registry().use_cases)
            .entry((target, meta.name()))
            .or_default()
            .observe(elapsed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::layer::SubscriberExt;

    #[test]
    fn use_cases_are_timed_by_name_and_reporting_is_not() {
        let subscriber =
            tracing_subscriber::registry().with(UseCaseLayer.with_filter(UseCaseLayer::filter()));
        tracing::subscriber::with_default(subscriber, || {
            let outer = tracing::info_span!(target: "sems_services::oversight", "ei_dashboard");
            outer.in_scope(|| {
                let query = tracing::info_span!(target: "sems_storage::oversight", "dashboard");
                query.in_scope(|| {});
                // A use case inside another is part of it, not a second one.
                let inner = tracing::info_span!(target: "sems_services::risk", "inner_case");
                inner.in_scope(|| {});
            });
            drop(outer);
            let filing =
                tracing::info_span!(target: "sems_services::reports::filing", "file_report");
            filing.in_scope(|| {});
            drop(filing);
        });
        record_job("overdue_findings", Ok(3), Duration::from_millis(4));
        record_job("overdue_findings", Err(()), Duration::from_millis(1));
        let mut out = String::new();
        render(&mut out);
        assert!(
            out.contains(
                "sems_use_case_duration_seconds_count{use_case=\"oversight::ei_dashboard\"} 1"
            ),
            "{out}"
        );
        assert!(!out.contains("inner_case"), "{out}");
        assert!(!out.contains("report"), "{out}");
        assert!(out.contains("sems_job_runs_total{job=\"overdue_findings\",outcome=\"ok\"} 1"));
        assert!(out.contains("sems_job_runs_total{job=\"overdue_findings\",outcome=\"failed\"} 1"));
        assert!(out.contains("sems_job_items_total{job=\"overdue_findings\"} 3"));
    }
}
