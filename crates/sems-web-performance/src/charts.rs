//! The charts of security performance, drawn on the server as SVG: no script, nothing fetched.
//! A control chart shows an indicator's values with the lines of each year (the mean and the
//! 1, 2 and 3 SD lines, the Poisson limits or the thresholds set by hand), the target and the
//! State's expected level; each point links to the records behind it; alerts are marked.

use sems_services::performance::dashboard::Chart;
use sems_web_kit::charts::escape;

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

/// Numbers on axes and in titles: at most two decimals.
pub fn number(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// A sparkline of the last periods: a line through the values, broken where one is missing,
/// the last value marked.
pub fn sparkline(values: &[(String, Option<f64>)], label: &str) -> String {
    let (w, h) = (120.0, 28.0);
    let known: Vec<f64> = values.iter().filter_map(|(_, v)| *v).collect();
    let mut out = format!(
        r#"<svg class="sparkline" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(label)
    );
    if known.is_empty() {
        out.push_str("</svg>");
        return out;
    }
    let (lo, hi) = known
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let span = if hi > lo { hi - lo } else { 1.0 };
    let step = w / (values.len().max(2) - 1) as f64;
    let y = |v: f64| h - 3.0 - (v - lo) / span * (h - 6.0);
    let mut path = String::new();
    let mut pen_down = false;
    let mut last = None;
    for (i, (_, v)) in values.iter().enumerate() {
        match v {
            Some(v) => {
                let (px, py) = (i as f64 * step, y(*v));
                path.push_str(&format!(
                    "{}{px:.1} {py:.1} ",
                    if pen_down { "L" } else { "M" }
                ));
                pen_down = true;
                last = Some((px, py));
            }
            None => pen_down = false,
        }
    }
    out.push_str(&format!(
        r##"<path d="{path}" fill="none" stroke="#0b3d6e" stroke-width="1.5"/>"##
    ));
    if let Some((px, py)) = last {
        out.push_str(&format!(
            r##"<circle cx="{px:.1}" cy="{py:.1}" r="2.5" fill="#0b3d6e"/>"##
        ));
    }
    out.push_str("</svg>");
    out
}

/// The control chart of `chart`; `link(period)` is where a point leads.
pub fn control_chart(chart: &Chart, link: impl Fn(&str) -> String) -> String {
    let values = &chart.values;
    let title = format!(
        "{} at {}: control chart",
        chart.indicator.name, chart.party_name
    );
    let mut out = format!(
        r#"<svg class="control-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        escape(&title),
        escape(&title)
    );
    if values.is_empty() {
        out.push_str(&format!(
            r#"<text x="{LEFT}" y="{}" font-size="13">No value computed yet.</text></svg>"#,
            HEIGHT / 2.0
        ));
        return out;
    }
    // The scale holds every value, line, target and expected level.
    let mut all: Vec<f64> = values.iter().map(|v| v.value).collect();
    for y in &chart.years {
        all.extend(y.lines.iter().flatten());
        all.extend(y.mean);
    }
    all.extend(chart.indicator.target);
    all.extend(chart.indicator.expected_level);
    let (mut lo, mut hi) = all
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    if lo >= 0.0 && lo < (hi - lo) {
        lo = 0.0;
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.08;
    let (lo, hi) = (lo - if lo == 0.0 { 0.0 } else { pad }, hi + pad);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let step = plot_w / values.len().max(2).saturating_sub(1).max(1) as f64;
    let x = |i: usize| {
        if values.len() == 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + i as f64 * step
        }
    };
    let y = |v: f64| TOP + (hi - v) / (hi - lo) * plot_h;
    // Axes and five ticks.
    out.push_str(&format!(
        r##"<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{b}" stroke="#888"/><line x1="{LEFT}" y1="{b}" x2="{r}" y2="{b}" stroke="#888"/>"##,
        b = HEIGHT - BOTTOM,
        r = WIDTH - RIGHT
    ));
    for k in 0..=4 {
        let v = lo + (hi - lo) * f64::from(k) / 4.0;
        out.push_str(&format!(
            r##"<text x="{tx}" y="{ty:.1}" font-size="11" text-anchor="end">{}</text>"##,
            number(v),
            tx = LEFT - 6.0,
            ty = y(v) + 4.0
        ));
    }
    // Period labels: the first, each January (or first quarter) and the last.
    let n = values.len();
    for (i, v) in values.iter().enumerate() {
        let january = v.period.ends_with("-01") || v.period.ends_with("-Q1");
        // Januaries, unless they would crowd the first or last label.
        let crowded = i < 3 || i + 3 >= n;
        let anchor = match i {
            0 if n > 1 => "start",
            _ if i + 1 == n && n > 1 => "end",
            _ => "middle",
        };
        if i == 0 || i + 1 == n || (january && !crowded) {
            out.push_str(&format!(
                r##"<text x="{:.1}" y="{}" font-size="11" text-anchor="{anchor}">{}</text>"##,
                x(i),
                HEIGHT - BOTTOM + 16.0,
                escape(&v.period)
            ));
        }
    }
    // Each year's lines across its own points.
    for year in &chart.years {
        let idx: Vec<usize> = values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.period.starts_with(&year.year.to_string()))
            .map(|(i, _)| i)
            .collect();
        let (Some(first), Some(last)) = (idx.first(), idx.last()) else {
            continue;
        };
        let (x1, x2) = (x(*first) - step / 2.0, x(*last) + step / 2.0);
        let (x1, x2) = (x1.max(LEFT), x2.min(WIDTH - RIGHT));
        if let Some(m) = year.mean {
            out.push_str(&format!(
                r##"<line class="mean" x1="{x1:.1}" y1="{yy:.1}" x2="{x2:.1}" y2="{yy:.1}" stroke="#555" stroke-width="1"><title>{} mean {}</title></line>"##,
                year.year,
                number(m),
                yy = y(m)
            ));
        }
        if let Some(lines) = year.lines {
            for (k, (line, colour)) in lines
                .iter()
                .zip(["#c9a227", "#d9731a", "#b3261e"])
                .enumerate()
            {
                out.push_str(&format!(
                    r##"<line class="alert-line line-{n}" x1="{x1:.1}" y1="{yy:.1}" x2="{x2:.1}" y2="{yy:.1}" stroke="{colour}" stroke-dasharray="4 3"><title>{} line {n}: {}</title></line>"##,
                    year.year,
                    number(*line),
                    n = k + 1,
                    yy = y(*line)
                ));
            }
        }
    }
    for (class, value, colour, label) in [
        ("target", chart.indicator.target, "#1b7f3b", "target"),
        (
            "expected-level",
            chart.indicator.expected_level,
            "#5b3a8c",
            "State's expected level",
        ),
    ] {
        if let Some(v) = value {
            out.push_str(&format!(
                r##"<line class="{class}" x1="{LEFT}" y1="{yy:.1}" x2="{r}" y2="{yy:.1}" stroke="{colour}" stroke-width="1.5" stroke-dasharray="8 4"><title>{label}: {}</title></line>"##,
                number(v),
                yy = y(v),
                r = WIDTH - RIGHT
            ));
        }
    }
    // The values, joined, each a link to the records behind it.
    let path: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{}{:.1} {:.1}",
                if i == 0 { "M" } else { "L" },
                x(i),
                y(v.value)
            )
        })
        .collect();
    out.push_str(&format!(
        r##"<path d="{}" fill="none" stroke="#0b3d6e" stroke-width="1.5"/>"##,
        path.join(" ")
    ));
    let alerted: Vec<&str> = chart.alerts.iter().map(|a| a.period.as_str()).collect();
    for (i, v) in values.iter().enumerate() {
        let fill = match v.level {
            0 => "#0b3d6e",
            1 => "#c9a227",
            2 => "#d9731a",
            _ => "#b3261e",
        };
        let current = v.period == chart.current_period;
        out.push_str(&format!(
            r##"<a href="{}" class="point" data-period="{}"><circle cx="{:.1}" cy="{:.1}" r="4.5" fill="{}"{}><title>{}: {}{}</title></circle></a>"##,
            escape(&link(&v.period)),
            escape(&v.period),
            x(i),
            y(v.value),
            if current { "#fff" } else { fill },
            if current { r##" stroke="#0b3d6e" stroke-width="1.5""## } else { "" },
            escape(&v.period),
            number(v.value),
            if current { " (the period is not over)" } else { "" },
        ));
        if alerted.contains(&v.period.as_str()) {
            out.push_str(&format!(
                r##"<circle class="alert-mark" cx="{:.1}" cy="{:.1}" r="9" fill="none" stroke="#b3261e" stroke-width="2"><title>Alert raised on {}</title></circle>"##,
                x(i),
                y(v.value),
                escape(&v.period)
            ));
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_breaks_where_a_value_is_missing() {
        let values = vec![
            ("2026-01".to_string(), Some(1.0)),
            ("2026-02".to_string(), None),
            ("2026-03".to_string(), Some(3.0)),
            ("2026-04".to_string(), Some(2.0)),
        ];
        let svg = sparkline(&values, "Overt <tests>");
        assert_eq!(svg.matches('M').count(), 2, "{svg}");
        assert!(svg.contains("Overt &lt;tests&gt;"));
        assert_eq!(number(2.50), "2.5");
        assert_eq!(number(-0.001), "0");
    }
}
