//! Admission of connections: a cap on all open connections and one per source address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

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
}

#[derive(Debug, Default)]
struct Open {
    total: usize,
    by_source: HashMap<IpAddr, usize>,
}

/// One admitted connection's slot, given back when dropped.
#[derive(Debug)]
pub(crate) struct Admission {
    connections: Arc<Connections>,
    source: IpAddr,
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
        }
    }

    /// A slot for a connection from `source`, or `None` (counted) when a cap is reached.
    pub(crate) fn admit(self: &Arc<Self>, source: IpAddr) -> Option<Admission> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if open.total >= self.max {
            self.refused_global.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        let from_source = open.by_source.entry(source).or_default();
        if *from_source >= self.max_per_source {
            self.refused_per_source.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        *from_source += 1;
        open.total += 1;
        Some(Admission {
            connections: Arc::clone(self),
            source,
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
        let _second = connections.admit(a).unwrap();
        assert!(connections.admit(a).is_none(), "a has both its slots");
        let _third = connections.admit(b).unwrap();
        assert!(connections.admit(b).is_none(), "all three slots are taken");
        assert_eq!(connections.open(), 3);
        drop(first);
        assert!(connections.admit(a).is_some());
        assert_eq!(connections.refused_per_source.load(Ordering::Relaxed), 1);
        assert_eq!(connections.refused_global.load(Ordering::Relaxed), 1);
    }
}
