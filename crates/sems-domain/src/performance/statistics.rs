//! The statistics of security performance: the mean and population standard deviation of a
//! baseline, limits of the Poisson distribution for rare events, and the Wilson score interval
//! of a proportion.

/// The arithmetic mean; `None` of nothing.
pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The population standard deviation (Excel's STDEVP, as Doc 9859 uses): the root of the mean
/// squared distance from the mean; `None` of nothing.
pub fn population_sd(values: &[f64]) -> Option<f64> {
    let m = mean(values)?;
    let variance = values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / values.len() as f64;
    Some(variance.sqrt())
}

/// The median: the middle value, or the mean of the two middle values; `None` of nothing.
pub fn median(values: &[f64]) -> Option<f64> {
    quantile(values, 0.5)
}

/// The `q` quantile (0 to 1) by linear interpolation between the ordered values (the usual
/// definition of spreadsheets, R's type 7); `None` of nothing.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() || !(0.0..=1.0).contains(&q) {
        return None;
    }
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// The first quartile, the median and the third quartile.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Quartiles {
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
}

/// The quartiles of `values`; `None` of nothing.
pub fn quartiles(values: &[f64]) -> Option<Quartiles> {
    Some(Quartiles {
        q1: quantile(values, 0.25)?,
        median: quantile(values, 0.5)?,
        q3: quantile(values, 0.75)?,
    })
}

/// The one-sided probability of a normal value beyond 1, 2 and 3 standard deviations: the
/// false-alarm rate each SD line stands for, which the Poisson limits keep.
pub const TAIL_BEYOND_SD: [f64; 3] = [0.158_655_25, 0.022_750_13, 0.001_349_90];

/// P(X ≤ k) for X of the Poisson distribution with mean `lambda` (≥ 0).
pub fn poisson_cdf(lambda: f64, k: u64) -> f64 {
    // Terms by recurrence: P(X = i) = P(X = i - 1) × λ / i. Rare events have small means, far
    // from where e^-λ underflows.
    let mut term = (-lambda).exp();
    let mut sum = term;
    for i in 1..=k {
        term *= lambda / i as f64;
        sum += term;
    }
    sum.min(1.0)
}

/// The upper limit of a Poisson count with mean `lambda` for a false-alarm rate `tail`: the
/// smallest count `k` with P(X > k) ≤ `tail`. A count above it calls for attention as a value
/// beyond the matching SD line would, and the limit is never below zero.
pub fn poisson_upper_limit(lambda: f64, tail: f64) -> u64 {
    let mut k = 0;
    while 1.0 - poisson_cdf(lambda, k) > tail {
        k += 1;
    }
    k
}

/// The lower limit of a Poisson count with mean `lambda` for a false-alarm rate `tail`: the
/// largest count `k` with P(X < k) ≤ `tail`; 0 when even no event at all is not unusual (a
/// count is never below 0, so such a limit never fires).
pub fn poisson_lower_limit(lambda: f64, tail: f64) -> u64 {
    let mut k = 0;
    // P(X < k + 1) = P(X ≤ k).
    while poisson_cdf(lambda, k) <= tail {
        k += 1;
    }
    k
}

/// A proportion with its 95 % Wilson score interval, so "3 of 4 passed" never reads as a
/// bare 75 %.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Proportion {
    pub successes: u64,
    pub trials: u64,
    /// successes / trials.
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// The normal quantile of a two-sided 95 % interval.
const Z_95: f64 = 1.959_963_984_540_054;

/// `successes` of `trials` with its Wilson interval; `None` without trials or with more
/// successes than trials.
pub fn wilson(successes: u64, trials: u64) -> Option<Proportion> {
    if trials == 0 || successes > trials {
        return None;
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = Z_95 * Z_95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z_95 / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(Proportion {
        successes,
        trials,
        value: p,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, within: f64) -> bool {
        (a - b).abs() <= within
    }

    #[test]
    fn mean_and_population_standard_deviation() {
        // By hand: the mean of 2, 4, 4, 4, 5, 5, 7, 9 is 40 / 8 = 5; the squared distances
        // 9, 1, 1, 1, 0, 0, 4, 16 sum to 32, their mean is 4, its root 2.
        let values = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(mean(&values), Some(5.0));
        assert_eq!(population_sd(&values), Some(2.0));
        assert_eq!(mean(&[]), None);
        assert_eq!(population_sd(&[]), None);
        assert_eq!(population_sd(&[3.0]), Some(0.0));
    }

    #[test]
    fn median_and_quartiles_interpolate_between_ordered_values() {
        // 1, 2, 3, 4: the median halfway between 2 and 3; q1 at position 0.75 (1.75), q3 at
        // 2.25 (3.25).
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[]), None);
        assert_eq!(
            quartiles(&[4.0, 1.0, 3.0, 2.0]),
            Some(Quartiles {
                q1: 1.75,
                median: 2.5,
                q3: 3.25
            })
        );
        assert_eq!(quantile(&[7.0], 0.25), Some(7.0));
    }

    #[test]
    fn poisson_limits_of_a_rare_event() {
        // Mean 1 event a period: P(X ≤ k) = 0.3679, 0.7358, 0.9197, 0.9810, 0.9963, 0.99941.
        assert!(close(poisson_cdf(1.0, 0), 0.367_879, 1e-6));
        assert!(close(poisson_cdf(1.0, 2), 0.919_699, 1e-6));
        // Beyond 1 SD (15.9 %): P(X > 2) = 8.0 % is the first below, so the limit is 2.
        assert_eq!(poisson_upper_limit(1.0, TAIL_BEYOND_SD[0]), 2);
        // Beyond 2 SD (2.28 %): P(X > 3) = 1.9 %.
        assert_eq!(poisson_upper_limit(1.0, TAIL_BEYOND_SD[1]), 3);
        // Beyond 3 SD (0.135 %): P(X > 4) = 0.37 % is not, P(X > 5) = 0.059 % is.
        assert_eq!(poisson_upper_limit(1.0, TAIL_BEYOND_SD[2]), 5);
        // The SD lines of the same mean would be 1 + 1 = 2, 3 and 4: a single event of 4
        // would be an alert on them, not on the Poisson limits.
        // With no event expected at all, any event is beyond every limit.
        assert_eq!(poisson_upper_limit(0.0, TAIL_BEYOND_SD[2]), 0);
        // Lower limits: with a mean of 1, no event at all (36.8 %) is not unusual.
        assert_eq!(poisson_lower_limit(1.0, TAIL_BEYOND_SD[0]), 0);
        // With a mean of 4: P(X ≤ 0) = 1.8 %, P(X ≤ 1) = 9.2 %, P(X ≤ 2) = 23.8 %: below 2
        // (0 or 1 event) is beyond 1 SD, below 1 beyond 2 SD, nothing beyond 3 SD.
        assert_eq!(poisson_lower_limit(4.0, TAIL_BEYOND_SD[0]), 2);
        assert_eq!(poisson_lower_limit(4.0, TAIL_BEYOND_SD[1]), 1);
        assert_eq!(poisson_lower_limit(4.0, TAIL_BEYOND_SD[2]), 0);
    }

    #[test]
    fn wilson_interval_of_a_small_proportion() {
        // 3 of 4: p = 0.75, z² / n = 0.9604; centre (0.75 + 0.4802) / 1.9604 = 0.6275, half
        // 1.96 / 1.9604 × √(0.046875 + 0.060024) = 0.3269: 30.1 % to 95.4 %.
        let p = wilson(3, 4).expect("a proportion");
        assert_eq!(p.value, 0.75);
        assert!(close(p.low, 0.3006, 1e-4), "{p:?}");
        assert!(close(p.high, 0.9544, 1e-4), "{p:?}");
        // All of many: the interval closes in on 1 without passing it.
        let all = wilson(400, 400).expect("a proportion");
        assert!(all.high <= 1.0 && all.low > 0.99, "{all:?}");
        // None of 10: from 0 to 27.8 %.
        let none = wilson(0, 10).expect("a proportion");
        assert!(close(none.low, 0.0, 1e-9), "{none:?}");
        assert!(close(none.high, 0.2775, 1e-4), "{none:?}");
        assert_eq!(wilson(1, 0), None);
        assert_eq!(wilson(5, 4), None);
    }
}
