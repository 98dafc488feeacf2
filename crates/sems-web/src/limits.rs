//! Rate limits for what anyone may do without an account: filing through an organisation's
//! public link and looking up a receipt. A client is known only by a keyed hash of its
//! address, held in memory and never stored or logged — an anonymous reporter's address is
//! not kept anywhere — with a key drawn at start, so the hashes mean nothing outside this
//! process. Limits are per node; behind a load balancer each node counts its own.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What is being limited, with its allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// Filings by one client.
    FilingPerClient,
    /// Filings to one organisation from everybody: a flood stops here even from many
    /// addresses.
    FilingPerOrganisation,
    /// Receipt look-ups that found nothing, by one client: guessing is slowed to nothing.
    WrongReceiptPerClient,
    /// Wrong receipts from everybody.
    WrongReceiptOverall,
}

impl Limit {
    fn allowance(self) -> (u32, Duration) {
        match self {
            Limit::FilingPerClient => (10, Duration::from_secs(600)),
            Limit::FilingPerOrganisation => (120, Duration::from_secs(60)),
            Limit::WrongReceiptPerClient => (10, Duration::from_secs(600)),
            Limit::WrongReceiptOverall => (600, Duration::from_secs(600)),
        }
    }
}

struct Window {
    started: Instant,
    count: u32,
}

pub struct RateLimits {
    enabled: bool,
    key: [u8; 32],
    windows: Mutex<HashMap<(Limit, String), Window>>,
}

impl RateLimits {
    pub fn new(enabled: bool) -> Self {
        let mut key = [0u8; 32];
        // Without randomness the hashes are merely unkeyed; the limits still work.
        let _ = getrandom::getrandom(&mut key);
        Self {
            enabled,
            key,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// The in-memory name of a client.
    pub fn client(&self, ip: IpAddr) -> String {
        let text = ip.to_string();
        let mut input = self.key.to_vec();
        input.extend_from_slice(text.as_bytes());
        sems_domain::util::sha256_hex(&input)[..32].to_string()
    }

    /// Counts one event against `limit` for `who`; `Err(retry_after)` once the allowance is
    /// spent.
    pub fn hit(&self, limit: Limit, who: &str) -> Result<(), Duration> {
        if !self.enabled {
            return Ok(());
        }
        let (allowed, window) = limit.allowance();
        let now = Instant::now();
        let mut windows = match self.windows.lock() {
            Ok(w) => w,
            Err(poisoned) => poisoned.into_inner(),
        };
        if windows.len() > 100_000 {
            windows.retain(|(l, _), w| now.duration_since(w.started) < l.allowance().1);
        }
        let w = windows.entry((limit, who.to_string())).or_insert(Window {
            started: now,
            count: 0,
        });
        if now.duration_since(w.started) >= window {
            w.started = now;
            w.count = 0;
        }
        if w.count >= allowed {
            return Err(window.saturating_sub(now.duration_since(w.started)));
        }
        w.count += 1;
        Ok(())
    }

    /// Whether `who` has spent the allowance of `limit`, without counting.
    pub fn spent(&self, limit: Limit, who: &str) -> Option<Duration> {
        if !self.enabled {
            return None;
        }
        let (allowed, window) = limit.allowance();
        let now = Instant::now();
        let windows = match self.windows.lock() {
            Ok(w) => w,
            Err(poisoned) => poisoned.into_inner(),
        };
        windows
            .get(&(limit, who.to_string()))
            .filter(|w| now.duration_since(w.started) < window && w.count >= allowed)
            .map(|w| window.saturating_sub(now.duration_since(w.started)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowances_are_counted_per_client_and_reported_with_a_wait() {
        let limits = RateLimits::new(true);
        let a = limits.client("192.0.2.1".parse().unwrap());
        let b = limits.client("192.0.2.2".parse().unwrap());
        assert_ne!(a, b);
        assert!(!a.contains("192.0.2.1"));
        for _ in 0..10 {
            limits.hit(Limit::WrongReceiptPerClient, &a).unwrap();
        }
        let wait = limits.hit(Limit::WrongReceiptPerClient, &a).unwrap_err();
        assert!(wait > Duration::from_secs(500));
        assert!(limits.spent(Limit::WrongReceiptPerClient, &a).is_some());
        assert!(limits.hit(Limit::WrongReceiptPerClient, &b).is_ok());
        let off = RateLimits::new(false);
        for _ in 0..100 {
            off.hit(Limit::FilingPerClient, &a).unwrap();
        }
    }
}
