//! Admission of connections: a cap on all open connections and one per source address.
//!
//! When all slots are taken, a newcomer is not simply turned away: the oldest connection
//! that has not yet sent a complete first request (a half-open or slow-header connection,
//! or one still in its TLS handshake) is evicted to make room. Clients that send their
//! request at once are thus served even while many addresses hold connections open, which
//! refusing alone would let them block for a whole header timeout.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Notify;

/// Counts the open connections, in all and per source address.
#[derive(Debug)]
pub(crate) struct Connections {
    max: usize,
    max_per_source: usize,
    open: Mutex<Open>,
    /// Connections closed on accept because all slots were taken.
    pub(crate) refused_global: AtomicU64,
    /// Connections closed on accept because their source had all its slots.
    pub(crate) refused_per_source: AtomicU64,
    /// Connections evicted before their first request to make room for a newcomer.
    pub(crate) evicted: AtomicU64,
}

#[derive(Debug, Default)]
struct Open {
    total: usize,
    by_source: HashMap<IpAddr, usize>,
    /// Connections without a complete first request yet, oldest first, with what evicts them.
    waiting: BTreeMap<u64, Arc<Notify>>,
    next_id: u64,
}

/// One admitted connection's slot, given back when dropped.
#[derive(Debug)]
pub(crate) struct Admission {
    connections: Arc<Connections>,
    source: IpAddr,
    id: u64,
    /// Notified when the connection is evicted: its task must then close it.
    pub(crate) evicted: Arc<Notify>,
}

impl Admission {
    /// The connection's first request arrived: it can no longer be evicted.
    pub(crate) fn first_request(&self) {
        let mut open = self
            .connections
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        open.waiting.remove(&self.id);
    }
}

impl Connections {
    /// A table allowing `max` connections in all and `max_per_source` from one address.
    pub(crate) fn new(max: usize, max_per_source: usize) -> Self {
        Self {
            max,
            max_per_source,
            open: Mutex::new(Open::default()),
            refused_global: AtomicU64::new(0),
            refused_per_source: AtomicU64::new(0),
            evicted: AtomicU64::new(0),
        }
    }

    /// A slot for a connection from `source`, or `None` (counted) when a cap is reached.
    pub(crate) fn admit(self: &Arc<Self>, source: IpAddr) -> Option<Admission> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if open.by_source.get(&source).copied().unwrap_or(0) >= self.max_per_source {
            self.refused_per_source.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        if open.total >= self.max {
            // Make room by evicting the oldest connection still without a request; its slot
            // is given back when its task closes it, moments later.
            let Some((_, oldest)) = open.waiting.pop_first() else {
                self.refused_global.fetch_add(1, Ordering::Relaxed);
                return None;
            };
            oldest.notify_one();
            self.evicted.fetch_add(1, Ordering::Relaxed);
        }
        *open.by_source.entry(source).or_default() += 1;
        open.total += 1;
        let id = open.next_id;
        open.next_id += 1;
        let evicted = Arc::new(Notify::new());
        open.waiting.insert(id, Arc::clone(&evicted));
        Some(Admission {
            connections: Arc::clone(self),
            source,
            id,
            evicted,
        })
    }

    /// How many connections are open.
    pub(crate) fn open(&self) -> usize {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .total
    }

    /// The caps: all connections, connections per source.
    pub(crate) fn caps(&self) -> (usize, usize) {
        (self.max, self.max_per_source)
    }
}

impl Drop for Admission {
    fn drop(&mut self) {
        let mut open = self
            .connections
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        open.total = open.total.saturating_sub(1);
        open.waiting.remove(&self.id);
        if let Some(count) = open.by_source.get_mut(&self.source) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.by_source.remove(&self.source);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_hold_per_source_and_in_all_and_slots_come_back() {
        let connections = Arc::new(Connections::new(3, 2));
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        let first = connections.admit(a).unwrap();
        let second = connections.admit(a).unwrap();
        assert!(connections.admit(a).is_none(), "a has both its slots");
        let third = connections.admit(b).unwrap();
        for admission in [&first, &second, &third] {
            admission.first_request();
        }
        assert!(
            connections.admit(b).is_none(),
            "all three slots are taken by served clients"
        );
        assert_eq!(connections.open(), 3);
        drop(first);
        assert!(connections.admit(a).is_some());
        assert_eq!(connections.refused_per_source.load(Ordering::Relaxed), 1);
        assert_eq!(connections.refused_global.load(Ordering::Relaxed), 1);
    }

    #[tokio::test]
    async fn when_full_the_oldest_connection_without_a_request_is_evicted() {
        let connections = Arc::new(Connections::new(2, 10));
        let ip = |last: u8| IpAddr::from([192, 0, 2, last]);
        let silent = connections.admit(ip(1)).unwrap();
        let served = connections.admit(ip(2)).unwrap();
        served.first_request();
        let newcomer = connections.admit(ip(3)).expect("room is made");
        // The silent connection is told to go (a stored permit: no waiter needed yet)…
        tokio::time::timeout(std::time::Duration::from_secs(5), silent.evicted.notified())
            .await
            .unwrap();
        assert_eq!(connections.evicted.load(Ordering::Relaxed), 1);
        drop(silent);
        // …and once the newcomer has sent its request, nobody is evictable: refused.
        newcomer.first_request();
        assert!(connections.admit(ip(4)).is_none());
        assert_eq!(connections.refused_global.load(Ordering::Relaxed), 1);
    }
}
