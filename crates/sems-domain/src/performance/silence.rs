//! Silence is not safety: "the lack of registered security incidents is not a sign, by
//! itself, of good security performance". An organisation whose reporting rate falls below its
//! own baseline, or into the bottom quarter of comparable organisations, while it records few
//! or no occurrences, is flagged: a leading indicator that people may have stopped reporting.

use super::alerts::MIN_BASELINE_PERIODS;
use super::statistics::{mean, population_sd, quantile};

/// The months of reporting judged together (the last closed ones).
pub const RECENT_MONTHS: usize = 3;

/// At most this many occurrences recorded over the recent months counts as "few".
pub const FEW_OCCURRENCES: u64 = 1;

/// The fewest comparable organisations a quartile is drawn from (as for the national view).
pub const MIN_COMPARABLE: usize = 5;

/// What the warning is judged on.
#[derive(Debug, Clone, PartialEq)]
pub struct Reporting<'a> {
    /// The recent months' reporting rates (or counts, where no headcount is entered), oldest
    /// first, with the first and last month's labels.
    pub recent: &'a [f64],
    pub recent_from: &'a str,
    pub recent_until: &'a str,
    /// The months before them, for its own baseline (up to 12).
    pub baseline: &'a [f64],
    /// Comparable organisations' mean rates over the same months.
    pub peers: &'a [f64],
    /// What the values are: "reports per 100 staff" or "reports".
    pub unit: &'a str,
    /// Occurrences recorded over the recent months.
    pub occurrences: u64,
}

/// The warning with the figures behind it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Silence {
    pub recent_mean: f64,
    pub baseline_mean: Option<f64>,
    /// The baseline's mean minus one population SD: below it is below the baseline.
    pub baseline_line: Option<f64>,
    pub peers: usize,
    pub peers_q1: Option<f64>,
    pub occurrences: u64,
    pub below_own_baseline: bool,
    pub bottom_quarter: bool,
    pub sentence: String,
}

fn number(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The warning, when the organisation's reporting fell while it records few or no occurrences.
pub fn silence(r: &Reporting<'_>) -> Option<Silence> {
    let recent_mean = mean(r.recent)?;
    if r.occurrences > FEW_OCCURRENCES {
        return None;
    }
    let baseline = (r.baseline.len() >= MIN_BASELINE_PERIODS)
        .then(|| Some((mean(r.baseline)?, population_sd(r.baseline)?)))
        .flatten();
    let baseline_line = baseline.map(|(m, sd)| m - sd);
    let below_own_baseline = match (baseline, baseline_line) {
        (Some((m, _)), Some(line)) => recent_mean < line || (line >= m && recent_mean < m),
        _ => false,
    };
    let peers_q1 = (r.peers.len() >= MIN_COMPARABLE)
        .then(|| quantile(r.peers, 0.25))
        .flatten();
    let bottom_quarter = peers_q1.is_some_and(|q1| recent_mean < q1);
    if !below_own_baseline && !bottom_quarter {
        return None;
    }
    let mut why = Vec::new();
    if let (true, Some((m, _)), Some(line)) = (below_own_baseline, baseline, baseline_line) {
        why.push(format!(
            "below its own baseline of {} (mean − 1 SD: {})",
            number(m),
            number(line.max(0.0))
        ));
    }
    if let (true, Some(q1)) = (bottom_quarter, peers_q1) {
        why.push(format!(
            "in the bottom quarter of {} comparable organisations (first quartile {})",
            r.peers.len(),
            number(q1)
        ));
    }
    let sentence = format!(
        "Reporting fell to {} {} a month over {} to {}, {}, while {} occurrence{} {} recorded: few reports is not, by itself, a sign of good security performance.",
        number(recent_mean),
        r.unit,
        r.recent_from,
        r.recent_until,
        why.join(", and "),
        r.occurrences,
        if r.occurrences == 1 { "" } else { "s" },
        if r.occurrences == 1 { "was" } else { "were" },
    );
    Some(Silence {
        recent_mean,
        baseline_mean: baseline.map(|(m, _)| m),
        baseline_line,
        peers: r.peers.len(),
        peers_q1,
        occurrences: r.occurrences,
        below_own_baseline,
        bottom_quarter,
        sentence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reporting<'a>(
        recent: &'a [f64],
        baseline: &'a [f64],
        peers: &'a [f64],
        occurrences: u64,
    ) -> Reporting<'a> {
        Reporting {
            recent,
            recent_from: "2026-09",
            recent_until: "2026-11",
            baseline,
            peers,
            unit: "reports per 100 staff",
            occurrences,
        }
    }

    #[test]
    fn a_fall_in_reporting_with_no_occurrences_is_flagged_with_its_figures() {
        // Baseline mean 2, SD 0.5 (1.5 and 2.5 alternating): the line is 1.5; recent 0.5.
        let baseline = [1.5, 2.5, 1.5, 2.5, 1.5, 2.5, 1.5, 2.5, 1.5, 2.5, 1.5, 2.5];
        let w = silence(&reporting(&[0.5, 0.5, 0.5], &baseline, &[], 0)).expect("a warning");
        assert!(w.below_own_baseline && !w.bottom_quarter);
        assert_eq!((w.baseline_mean, w.baseline_line), (Some(2.0), Some(1.5)));
        assert_eq!(
            w.sentence,
            "Reporting fell to 0.5 reports per 100 staff a month over 2026-09 to 2026-11, below its own baseline of 2 (mean − 1 SD: 1.5), while 0 occurrences were recorded: few reports is not, by itself, a sign of good security performance."
        );
        // Occurrences recorded: people do report what matters; no warning.
        assert_eq!(
            silence(&reporting(&[0.5, 0.5, 0.5], &baseline, &[], 2)),
            None
        );
        // Reporting within its baseline: none.
        assert_eq!(
            silence(&reporting(&[1.8, 2.0, 2.2], &baseline, &[], 0)),
            None
        );
    }

    #[test]
    fn the_bottom_quarter_of_comparable_organisations_needs_five_of_them() {
        let peers = [1.0, 2.0, 3.0, 4.0, 5.0]; // first quartile 2
        let w = silence(&reporting(&[1.0, 1.5, 2.0], &[], &peers, 1)).expect("a warning");
        assert!(w.bottom_quarter && !w.below_own_baseline);
        assert_eq!((w.peers, w.peers_q1), (5, Some(2.0)));
        assert!(w
            .sentence
            .contains("bottom quarter of 5 comparable organisations (first quartile 2)"));
        assert!(w.sentence.contains("while 1 occurrence was recorded"));
        assert_eq!(
            silence(&reporting(&[1.0, 1.5, 2.0], &[], &peers[..4], 0)),
            None
        );
        // Too short a baseline of its own is no baseline.
        assert_eq!(
            silence(&reporting(&[0.0, 0.0, 0.0], &[5.0; 5], &[], 0)),
            None
        );
    }
}
