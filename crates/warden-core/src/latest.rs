//! The latest of many timed events per key, noted in memory as calls authenticate and
//! written to the store in batches, so that an authenticated call costs no store write
//! (access keys' last uses). A crash loses at most
//! what was noted since the last flush: a last-used time is a report, not a record anyone
//! acknowledged.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};

use warden_store::{Store, StoreError, Tx};

/// An event with a time (epoch milliseconds).
pub(crate) trait Timed: Clone {
    /// When it happened.
    fn when(&self) -> i64;
}

impl Timed for warden_store::AccessKeyUse {
    fn when(&self) -> i64 {
        self.when
    }
}

/// The latest event per key noted since the last flush.
#[derive(Debug)]
pub(crate) struct Latest<K, V> {
    pending: Mutex<HashMap<K, V>>,
}

impl<K, V> Default for Latest<K, V> {
    fn default() -> Self {
        Self {
            pending: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V: Timed> Latest<K, V> {
    fn pending(&self) -> MutexGuard<'_, HashMap<K, V>> {
        self.pending
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Notes `event` under `key`, unless a later one is already noted there.
    pub(crate) fn note(&self, key: K, event: V) {
        let mut pending = self.pending();
        match pending.get_mut(&key) {
            Some(known) if known.when() > event.when() => {}
            Some(known) => *known = event,
            None => {
                pending.insert(key, event);
            }
        }
    }

    /// The event noted under `key` and not yet flushed, if any.
    pub(crate) fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        self.pending().get(key).cloned()
    }

    /// Writes what is pending with `write` in one store transaction; on failure it is kept
    /// (re-noted under `key_of`) for the next flush. How many events were written.
    pub(crate) fn flush(
        &self,
        store: &dyn Store,
        key_of: impl Fn(&V) -> K,
        write: impl Fn(&dyn Tx, &[V]) -> Result<(), StoreError>,
    ) -> Result<usize, StoreError> {
        let batch: Vec<V> = self.pending().drain().map(|(_, event)| event).collect();
        if batch.is_empty() {
            return Ok(0);
        }
        match warden_store::StoreExt::write(store, |tx| write(tx, &batch)) {
            Ok(()) => Ok(batch.len()),
            Err(error) => {
                for event in batch {
                    self.note(key_of(&event), event);
                }
                Err(error)
            }
        }
    }
}
