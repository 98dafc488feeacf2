//! Rate limits for what anyone may do without an account: filing through an organisation's
//! public link and looking up a receipt. A client is known only by a keyed hash of its
//! address, held in memory and never stored or logged — an anonymous reporter's address is
//! not kept anywhere — with a key drawn at start, so the hashes mean nothing outside this
//! process. Across several nodes each node enforces its share: the allowance divided by the
//! number of live nodes (from their heartbeats in the database), so however a load balancer
//! spreads one client, the deployment never lets it past the allowance (each node
//! allows at least one). An address is never
//! written to the database for this, not even hashed.
//!
//! No allowance is shared by everybody: a shared bucket could be spent on purpose so that
//! every genuine reporter is refused. A flood from many addresses is for the reverse proxy
//! in front of sems. Wrong receipts slow the client that sends them (and every client
//! trying the same receipt prefix); a valid receipt always opens its report, only later.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What is being limited, with its allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// Filings by one client.
    FilingPerClient,
    /// Receipt look-ups that found nothing, by one client.
    WrongReceiptPerClient,
    /// Wrong receipts starting with the same characters, from anyone: a guesser spread over
    /// many addresses is slowed on the receipts it tries, not everyone.
    WrongReceiptPerPrefix,
}

/// How long a slowed receipt look-up waits before it is answered.
pub const RECEIPT_SLOWDOWN: Duration = Duration::from_secs(2);

/// The part of a receipt its prefix limit is counted on.
pub fn receipt_prefix(receipt: &str) -> String {
    sems_domain::report::normalize_receipt(receipt)
        .chars()
        .take(5)
        .collect()
}

impl Limit {
    /// What the whole deployment allows, however many nodes it has.
    fn allowance_of_deployment(self) -> (u32, Duration) {
        match self {
            Limit::FilingPerClient => (10, Duration::from_secs(600)),
            Limit::WrongReceiptPerClient => (10, Duration::from_secs(600)),
            Limit::WrongReceiptPerPrefix => (20, Duration::from_secs(600)),
        }
    }
}

struct Window {
    started: Instant,
    count: u32,
}

pub struct RateLimits {
    enabled: bool,
    /// Live nodes sharing the allowances (at least 1).
    nodes: AtomicU32,
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
            nodes: AtomicU32::new(1),
            key,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// How many live nodes share the allowances (from the nodes' heartbeats).
    pub fn set_nodes(&self, nodes: usize) {
        let n = u32::try_from(nodes).unwrap_or(u32::MAX).max(1);
        self.nodes.store(n, Ordering::Relaxed);
    }

    /// This node's share of `limit`'s allowance, and its window.
    fn share(&self, limit: Limit) -> (u32, Duration) {
        let (allowed, window) = limit.allowance_of_deployment();
        let nodes = self.nodes.load(Ordering::Relaxed).max(1);
        ((allowed / nodes).max(1), window)
    }

    /// The in-memory name of a client: a keyed hash of its network (`client_network`).
    pub fn client(&self, ip: IpAddr) -> String {
        let text = sems_domain::util::client_network(ip);
        sems_domain::util::hmac_sha256_hex(&self.key, text.as_bytes())[..32].to_string()
    }

    /// Counts one event against `limit` for `who`; `Err(retry_after)` once the allowance is
    /// spent.
    pub fn hit(&self, limit: Limit, who: &str) -> Result<(), Duration> {
        if !self.enabled {
            return Ok(());
        }
        let (allowed, window) = self.share(limit);
        let now = Instant::now();
        let mut windows = match self.windows.lock() {
            Ok(w) => w,
            Err(poisoned) => poisoned.into_inner(),
        };
        if windows.len() > 100_000 {
            windows
                .retain(|(l, _), w| now.duration_since(w.started) < l.allowance_of_deployment().1);
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

    /// Before a receipt look-up: a client that sent too many wrong receipts, or a prefix tried
    /// too often, waits `RECEIPT_SLOWDOWN` first. Returns whether it was slowed.
    pub async fn before_receipt(&self, client: &str, receipt: &str) -> bool {
        let slowed = self.spent(Limit::WrongReceiptPerClient, client).is_some()
            || self
                .spent(Limit::WrongReceiptPerPrefix, &receipt_prefix(receipt))
                .is_some();
        if slowed {
            tokio::time::sleep(RECEIPT_SLOWDOWN).await;
        }
        slowed
    }

    /// After a wrong receipt: counts it; `Some(retry_after)` when the client is now over its
    /// allowance (the answer is then 429 rather than "not found").
    pub fn wrong_receipt(&self, client: &str, receipt: &str) -> Option<Duration> {
        let by_prefix = self.hit(Limit::WrongReceiptPerPrefix, &receipt_prefix(receipt));
        let by_client = self.hit(Limit::WrongReceiptPerClient, client);
        by_client.err().or(by_prefix.err())
    }

    /// Whether `who` has spent the allowance of `limit`, without counting.
    pub fn spent(&self, limit: Limit, who: &str) -> Option<Duration> {
        if !self.enabled {
            return None;
        }
        let (allowed, window) = self.share(limit);
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
    fn wrong_receipts_slow_their_sender_and_their_prefix_not_everyone() {
        let limits = RateLimits::new(true);
        let a = limits.client("192.0.2.1".parse().unwrap());
        let b = limits.client("192.0.2.2".parse().unwrap());
        for i in 0..10 {
            let receipt = format!("ZZZZ{i}-AAAAA-BBBBB");
            assert!(limits.wrong_receipt(&a, &receipt).is_none(), "{i}");
        }
        assert!(
            limits.wrong_receipt(&a, "YYYYY-AAAAA").is_some(),
            "the sender is over"
        );
        assert!(
            limits.spent(Limit::WrongReceiptPerClient, &b).is_none(),
            "not everyone"
        );
        // One prefix tried from many addresses is slowed on that prefix only.
        for n in 0..20 {
            let c = limits.client(format!("198.51.100.{n}").parse().unwrap());
            let _ = limits.wrong_receipt(&c, "QQQQQ-AAAAA");
        }
        assert!(limits
            .spent(Limit::WrongReceiptPerPrefix, &receipt_prefix("QQQQQ-ZZZZZ"))
            .is_some());
        assert!(limits
            .spent(Limit::WrongReceiptPerPrefix, &receipt_prefix("RRRRR-ZZZZZ"))
            .is_none());
    }

    #[test]
    fn each_of_several_nodes_enforces_its_share() {
        let limits = RateLimits::new(true);
        let a = limits.client("192.0.2.1".parse().unwrap());
        limits.set_nodes(3);
        // 10 filings over 3 nodes: each node allows 3, so the three allow at most 9.
        for _ in 0..3 {
            limits.hit(Limit::FilingPerClient, &a).unwrap();
        }
        assert!(limits.hit(Limit::FilingPerClient, &a).is_err());
        limits.set_nodes(0);
        assert!(
            limits.hit(Limit::FilingPerClient, &a).is_ok(),
            "back to one node"
        );
    }

    #[test]
    fn ipv6_clients_are_known_by_their_64_block() {
        let limits = RateLimits::new(true);
        let a = limits.client("2001:db8:1:2::1".parse().unwrap());
        let b = limits.client("2001:db8:1:2:ffff::9".parse().unwrap());
        let c = limits.client("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b, "one subscriber's /64");
        assert_ne!(a, c);
    }

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
