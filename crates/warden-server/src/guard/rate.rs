//! A keyed rate limiter: one token bucket per key, kept as GCRA's single timestamp.
//!
//! Written here rather than taken from `governor` because abuse throttling needs two things
//! that crate does not offer: asking whether a key is over its limit without spending a
//! token (a request is refused before its signature is checked, but only a failed check
//! spends), and a hard bound on the number of keys held (an attacker choosing key ids must
//! not grow memory without limit). The algorithm is a dozen lines.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many keys a limiter remembers at most. When full, keys whose buckets have refilled
/// are forgotten (they are indistinguishable from new ones); if none has, the new key is
/// treated as over its limit (fail closed).
pub(crate) const MAX_KEYS: usize = 100_000;

/// Token buckets, one per key, each refilling `per_second` tokens a second up to `burst`.
#[derive(Debug)]
pub(crate) struct RateLimiter<K> {
    /// Time one token takes to refill.
    interval: Duration,
    /// How far into the future a key's theoretical arrival time may run: `burst` tokens.
    tolerance: Duration,
    /// Per key: the theoretical arrival time (GCRA's TAT) of its next request.
    keys: Mutex<HashMap<K, Instant>>,
    capacity: usize,
}

impl<K: Eq + Hash + Clone> RateLimiter<K> {
    /// A limiter allowing `per_second` on average and `burst` at once (both at least 1).
    pub(crate) fn new(per_second: u32, burst: u32) -> Self {
        Self::with_capacity(per_second, burst, MAX_KEYS)
    }

    pub(crate) fn with_capacity(per_second: u32, burst: u32, capacity: usize) -> Self {
        let interval = Duration::from_secs(1) / per_second.max(1);
        Self {
            interval,
            tolerance: interval * burst.max(1),
            keys: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    /// Whether `key` has a token left, without spending it.
    pub(crate) fn allows(&self, key: &K, now: Instant) -> bool {
        let keys = self
            .keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        keys.get(key)
            .is_none_or(|tat| *tat + self.interval <= now + self.tolerance)
    }

    /// Spends one of `key`'s tokens; `false` (and nothing spent) when it has none left.
    pub(crate) fn take(&self, key: &K, now: Instant) -> bool {
        let mut keys = self
            .keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !keys.contains_key(key) && keys.len() >= self.capacity {
            keys.retain(|_, tat| *tat > now);
            if keys.len() >= self.capacity {
                return false;
            }
        }
        let tat = keys.get(key).map_or(now, |tat| (*tat).max(now));
        let next = tat + self.interval;
        if next > now + self.tolerance {
            return false;
        }
        keys.insert(key.clone(), next);
        true
    }

    /// Forgets keys whose buckets are full again (called periodically to return memory).
    pub(crate) fn forget_idle(&self, now: Instant) {
        let mut keys = self
            .keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        keys.retain(|_, tat| *tat > now);
    }

    /// How many keys are held.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_one_token_per_interval() {
        let limiter = RateLimiter::new(10, 3);
        let start = Instant::now();
        assert!((0..3).all(|_| limiter.take(&"k", start)));
        assert!(!limiter.allows(&"k", start));
        assert!(!limiter.take(&"k", start));
        // Another key has its own bucket.
        assert!(limiter.take(&"other", start));
        // A tenth of a second refills one token, not more.
        let later = start + Duration::from_millis(100);
        assert!(limiter.allows(&"k", later));
        assert!(limiter.take(&"k", later));
        assert!(!limiter.take(&"k", later));
    }

    #[test]
    fn asking_spends_nothing() {
        let limiter = RateLimiter::new(1, 1);
        let now = Instant::now();
        assert!((0..100).all(|_| limiter.allows(&1, now)));
        assert!(limiter.take(&1, now));
        assert!(!limiter.allows(&1, now));
    }

    #[test]
    fn memory_is_bounded_and_a_full_table_fails_closed() {
        let limiter = RateLimiter::with_capacity(1, 1, 2);
        let now = Instant::now();
        assert!(limiter.take(&1, now));
        assert!(limiter.take(&2, now));
        assert!(!limiter.take(&3, now), "no room and nobody refilled");
        assert_eq!(limiter.len(), 2);
        // Once the others refilled, they make room.
        let later = now + Duration::from_secs(2);
        assert!(limiter.take(&3, later));
        assert_eq!(limiter.len(), 1);
        limiter.forget_idle(later + Duration::from_secs(2));
        assert_eq!(limiter.len(), 0);
    }
}
