//! Abuse resistance: what keeps a flood, a slow client or a stranger with a made-up key from
//! taking Warden down or filling its disk.
//!
//! - **Connections** (`accept.rs`, `connections.rs`, `deadline.rs`): caps on open
//!   connections, in all and per source address, checked on accept; a header timeout from a
//!   request's first byte, a body timeout, an idle keep-alive timeout.
//! - **Throttling** ([`Guard::refuses_source`], [`Guard::failed_authentication`],
//!   [`Guard::admits_call`]): failed authentication spends tokens per source address and per
//!   claimed key id. A source without tokens is answered `Throttling` before its signature is
//!   checked, so guessing secrets from one address stalls at the limit; a failure on a key
//!   without tokens is answered `Throttling` instead of its error, while the key's owner,
//!   signing correctly from elsewhere, still passes. Authenticated calls are throttled only
//!   when the operator opts in (per key, per source).
//! - **Audit cost of the unauthenticated** (`unauthenticated.rs`): calls answered with an
//!   error and no authenticated caller are aggregated per interval instead of recorded one
//!   by one, with a bounded number of records per interval, and dropped first when the disk
//!   runs low (`headroom.rs`).

mod accept;
mod connections;
mod deadline;
mod headroom;
mod limits;
mod metrics;
mod rate;
pub(crate) mod unauthenticated;

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

pub(crate) use accept::serve;
pub(crate) use connections::Connections;
pub(crate) use headroom::Headroom;
use limits::AUTH_FAILURE_BURST_SECONDS;
pub use limits::Limits;
pub(crate) use metrics::render_metrics;
use rate::RateLimiter;
pub(crate) use unauthenticated::Unauthenticated;

/// Why a request was answered `Throttling`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ThrottleReason {
    /// Its source address failed authentication too often.
    AuthFailuresBySource,
    /// Its claimed access key id failed authentication too often.
    AuthFailuresByKey,
    /// Its access key is over `--rate-limit-per-key`.
    CallsByKey,
    /// Its source address is over `--rate-limit-per-source`.
    CallsBySource,
}

impl ThrottleReason {
    /// Every reason, in metric order.
    pub(crate) const ALL: [Self; 4] = [
        Self::AuthFailuresBySource,
        Self::AuthFailuresByKey,
        Self::CallsByKey,
        Self::CallsBySource,
    ];

    /// The `reason` label of `warden_throttled_total`.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::AuthFailuresBySource => "auth_failures_per_source",
            Self::AuthFailuresByKey => "auth_failures_per_key",
            Self::CallsByKey => "rate_limit_per_key",
            Self::CallsBySource => "rate_limit_per_source",
        }
    }
}

/// The abuse limits of one server and their state.
#[derive(Debug)]
pub(crate) struct Guard {
    /// The configured limits.
    pub(crate) limits: Limits,
    /// Open connections against their caps.
    pub(crate) connections: std::sync::Arc<Connections>,
    failures_by_source: RateLimiter<IpAddr>,
    failures_by_key: RateLimiter<String>,
    calls_by_key: Option<RateLimiter<String>>,
    calls_by_source: Option<RateLimiter<IpAddr>>,
    throttled: [AtomicU64; 4],
    /// Aggregated records of unauthenticated calls that failed.
    pub(crate) unauthenticated: Unauthenticated,
}

impl Guard {
    /// The state for `limits`; `headroom` tells how much disk the audit trail has left.
    pub(crate) fn new(limits: Limits, headroom: Headroom) -> Self {
        let failures = limits.auth_failures_per_second;
        let burst = failures.saturating_mul(AUTH_FAILURE_BURST_SECONDS);
        Self {
            connections: std::sync::Arc::new(Connections::new(
                limits.max_connections,
                limits.max_connections_per_source,
            )),
            failures_by_source: RateLimiter::new(failures, burst),
            failures_by_key: RateLimiter::new(failures, burst),
            calls_by_key: limits.calls_per_key.map(|n| RateLimiter::new(n, n)),
            calls_by_source: limits.calls_per_source.map(|n| RateLimiter::new(n, n)),
            throttled: Default::default(),
            unauthenticated: Unauthenticated::new(headroom, limits.audit_disk_reserve),
            limits,
        }
    }

    /// Before a signature is checked: whether the source address has failed authentication
    /// past its limit. Then the request is answered `Throttling` without being checked, so a
    /// guesser learns nothing more from that address.
    pub(crate) fn refuses_source(&self, source: Option<IpAddr>) -> bool {
        let refused = source.is_some_and(|ip| !self.failures_by_source.allows(&ip, Instant::now()));
        if refused {
            self.count(ThrottleReason::AuthFailuresBySource);
        }
        refused
    }

    /// A request from `source` claiming `key_id` failed authentication: spend a token of
    /// each. `Some` when one of them had none left: the request is then answered `Throttling`
    /// instead of its authentication error. A claimed key over its limit does not stop the
    /// key's owner, whose correctly signed calls from an address in good standing pass.
    pub(crate) fn failed_authentication(
        &self,
        source: Option<IpAddr>,
        key_id: Option<&str>,
    ) -> Option<ThrottleReason> {
        let now = Instant::now();
        let source_ok = source.is_none_or(|ip| self.failures_by_source.take(&ip, now));
        let key_ok = key_id.is_none_or(|id| self.failures_by_key.take(&id.to_owned(), now));
        let reason = if !key_ok {
            ThrottleReason::AuthFailuresByKey
        } else if !source_ok {
            ThrottleReason::AuthFailuresBySource
        } else {
            return None;
        };
        self.count(reason);
        Some(reason)
    }

    /// An authenticated call: whether the opt-in per-key and per-source limits admit it.
    pub(crate) fn admits_call(
        &self,
        source: Option<IpAddr>,
        key_id: &str,
    ) -> Result<(), ThrottleReason> {
        let now = Instant::now();
        if let Some(limiter) = &self.calls_by_source
            && source.is_some_and(|ip| !limiter.take(&ip, now))
        {
            self.count(ThrottleReason::CallsBySource);
            return Err(ThrottleReason::CallsBySource);
        }
        if let Some(limiter) = &self.calls_by_key
            && !limiter.take(&key_id.to_owned(), now)
        {
            self.count(ThrottleReason::CallsByKey);
            return Err(ThrottleReason::CallsByKey);
        }
        Ok(())
    }

    fn count(&self, reason: ThrottleReason) {
        if let Some(counter) = self.throttled.get(reason as usize) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// How many requests were answered `Throttling` for `reason`.
    pub(crate) fn throttled(&self, reason: ThrottleReason) -> u64 {
        self.throttled
            .get(reason as usize)
            .map_or(0, |counter| counter.load(Ordering::Relaxed))
    }

    /// Returns the memory of rate-limit keys whose buckets are full again.
    pub(crate) fn forget_idle(&self) {
        let now = Instant::now();
        self.failures_by_source.forget_idle(now);
        self.failures_by_key.forget_idle(now);
        if let Some(limiter) = &self.calls_by_key {
            limiter.forget_idle(now);
        }
        if let Some(limiter) = &self.calls_by_source {
            limiter.forget_idle(now);
        }
    }
}
