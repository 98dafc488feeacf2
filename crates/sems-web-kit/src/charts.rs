//! Charts drawn on the server as SVG: no script, nothing fetched.

use sems_domain::risk::{HeatMap, RiskLevel};

fn fill(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::VeryLow => "#cfe8d4",
        RiskLevel::Low => "#e2efc4",
        RiskLevel::Medium => "#ffe9a8",
        RiskLevel::High => "#f9c79f",
        RiskLevel::VeryHigh => "#ef9a9a",
    }
}

/// A 5×5 heat map: likelihood up the side (5 at the top), consequence along the bottom; each
/// cell coloured by its level and labelled with its count of assessments.
pub fn heat_map_svg(map: &HeatMap, title: &str, y_label: &str) -> String {
    let cell = 56;
    let left = 70;
    let top = 10;
    let size = cell * 5;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{title}\" class=\"heat-map\"><title>{title}</title>",
        w = left + size + 10,
        h = top + size + 50,
        title = escape(title)
    );
    for l in 0..5 {
        for c in 0..5 {
            let x = left + c * cell;
            let y = top + (4 - l) * cell;
            let count = map.counts[l][c];
            let level = map.levels[l][c];
            out.push_str(&format!(
                "<g data-likelihood=\"{}\" data-consequence=\"{}\" data-count=\"{count}\"><rect x=\"{x}\" y=\"{y}\" width=\"{cell}\" height=\"{cell}\" fill=\"{}\" stroke=\"#fff\" stroke-width=\"2\"><title>Likelihood {}, consequence {}: {} ({count})</title></rect>",
                l + 1,
                c + 1,
                fill(level),
                l + 1,
                c + 1,
                level.label()
            ));
            if count > 0 {
                out.push_str(&format!(
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"18\" font-weight=\"700\" fill=\"#1b1f24\">{count}</text>",
                    x + cell / 2,
                    y + cell / 2 + 6
                ));
            }
            out.push_str("</g>");
        }
    }
    for i in 0..5 {
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\" fill=\"#4a5561\">{}</text>",
            left - 8,
            top + (4 - i) * cell + cell / 2 + 5,
            i + 1
        ));
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#4a5561\">{}</text>",
            left + i * cell + cell / 2,
            top + size + 18,
            i + 1
        ));
    }
    out.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#1b1f24\">Consequence</text>",
        left + size / 2,
        top + size + 40
    ));
    out.push_str(&format!(
        "<text x=\"14\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#1b1f24\" transform=\"rotate(-90 14 {})\">{}</text>",
        top + size / 2,
        top + size / 2,
        escape(y_label)
    ));
    out.push_str("</svg>");
    out
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One bar: its label, its value, and how the value reads (`75.0 %`, `12`).
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub shown: String,
}

/// Horizontal bars, one per row, scaled to `max` (at least the largest value), drawn on the
/// server: no script, nothing fetched. `class` names the chart for styles and tests.
pub fn bars_svg(bars: &[Bar], max: f64, label: &str, class: &str) -> String {
    let max = bars.iter().map(|b| b.value).fold(max, f64::max).max(1e-9);
    let height = 26 * bars.len().max(1) + 10;
    let mut out = format!(
        r#"<svg class="{class}" viewBox="0 0 640 {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(label)
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = 8 + i * 26;
        let width = (bar.value.max(0.0) / max) * 380.0;
        out.push_str(&format!(
            r##"<text x="0" y="{ty}" font-size="12">{label}</text><rect x="200" y="{y}" width="{width:.1}" height="18" fill="#0b3d6e"/><text x="{tx:.1}" y="{ty}" font-size="12">{shown}</text>"##,
            ty = y + 14,
            tx = 206.0 + width,
            label = escape(&bar.label),
            shown = escape(&bar.shown),
        ));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sems_domain::risk::{RiskMethod, Score};

    #[test]
    fn cells_carry_their_counts() {
        let mut map = HeatMap::new(&RiskMethod::default_method());
        map.add(Score::new("l", 4).unwrap(), Score::new("c", 5).unwrap(), 3);
        let svg = heat_map_svg(&map, "Inherent <risk>", "Likelihood");
        assert!(svg.contains("data-likelihood=\"4\" data-consequence=\"5\" data-count=\"3\""));
        assert!(svg.contains("Inherent &lt;risk&gt;"));
        assert_eq!(svg.matches("<rect").count(), 25);
    }
}
