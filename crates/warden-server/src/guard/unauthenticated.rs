//! Bounded audit cost for calls that fail without an authenticated caller.
//!
//! Every authenticated call is recorded one to one and fails closed. A call answered with an
//! error before anyone authenticated (unknown key, bad signature, unsigned, unreadable,
//! throttled) is instead folded into an *aggregate*: one record per recipient account, source
//! address, event source and error code per interval, written at the end of the interval. It
//! is the first such call's record, with `additionalEventData` telling how many calls it
//! stands for, when the first and last arrived, and up to [`MAX_SAMPLES`] of the access key
//! ids and event names they claimed. At most [`MAX_AGGREGATES`] aggregates are kept per
//! interval; calls past that fold into one overflow aggregate. So a flood, from any number of
//! addresses with any keys, costs at most `MAX_AGGREGATES + 1` records per interval.
//!
//! When the file system's free space is below the reserve, aggregates are dropped (counted,
//! warned about) instead of written: the space left goes to authenticated calls, whose
//! records still fail closed when the disk is full.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use serde_json::json;
use warden_audit::AuditEvent;
use warden_core::Warden;

use super::Headroom;

/// How many distinct aggregates one interval keeps before folding the rest into one.
pub(crate) const MAX_AGGREGATES: usize = 256;

/// How many access key ids and event names an aggregate lists.
pub(crate) const MAX_SAMPLES: usize = 10;

/// What makes two failed calls the same aggregate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    recipient_account_id: String,
    source: String,
    event_source: String,
    error_code: String,
}

impl Key {
    fn of(event: &AuditEvent) -> Self {
        Self {
            recipient_account_id: event.recipient_account_id.clone(),
            source: event.source_ip_address.clone(),
            event_source: event.event_source.clone(),
            error_code: event.error_code.clone().unwrap_or_default(),
        }
    }
}

/// Failed calls folded into one record.
#[derive(Debug)]
struct Aggregate {
    first: AuditEvent,
    count: u64,
    last_time: jiff::Timestamp,
    key_ids: BTreeSet<String>,
    event_names: BTreeSet<String>,
    truncated: bool,
}

impl Aggregate {
    fn new(first: AuditEvent) -> Self {
        let (time, name) = (first.event_time, first.event_name.clone());
        let key_id = first.user_identity.access_key_id.clone();
        let mut aggregate = Self {
            last_time: time,
            count: 0,
            key_ids: BTreeSet::new(),
            event_names: BTreeSet::new(),
            truncated: false,
            first,
        };
        aggregate.count_call(time, key_id.as_deref(), &name);
        aggregate
    }

    fn add(&mut self, event: &AuditEvent) {
        let key_id = event.user_identity.access_key_id.as_deref();
        self.count_call(event.event_time, key_id, &event.event_name);
    }

    fn count_call(&mut self, time: jiff::Timestamp, key_id: Option<&str>, event_name: &str) {
        self.count += 1;
        self.last_time = self.last_time.max(time);
        for (set, value) in [
            (&mut self.key_ids, key_id),
            (&mut self.event_names, Some(event_name)),
        ] {
            let Some(value) = value.filter(|value| !value.is_empty()) else {
                continue;
            };
            if set.len() < MAX_SAMPLES {
                set.insert(value.to_owned());
            } else if !set.contains(value) {
                self.truncated = true;
            }
        }
    }

    /// The record: the first call's, with what it stands for in `additionalEventData`.
    fn into_event(self) -> AuditEvent {
        let mut event = self.first;
        event.additional_event_data = Some(json!({
            "aggregatedEventCount": self.count,
            "firstEventTime": warden_audit::time::format(event.event_time),
            "lastEventTime": warden_audit::time::format(self.last_time),
            "accessKeyIds": self.key_ids,
            "eventNames": self.event_names,
            "samplesTruncated": self.truncated,
        }));
        event
    }
}

#[derive(Debug, Default)]
struct Pending {
    aggregates: HashMap<Key, Aggregate>,
    overflow: Option<Aggregate>,
}

/// The aggregates of the current interval and what became of earlier ones.
#[derive(Debug)]
pub(crate) struct Unauthenticated {
    pending: Mutex<Pending>,
    headroom: Headroom,
    reserve: u64,
    /// Calls folded into aggregates.
    pub(crate) calls: AtomicU64,
    /// Aggregate records written.
    pub(crate) written: AtomicU64,
    /// Aggregate records dropped because free space was below the reserve.
    pub(crate) dropped_low_disk: AtomicU64,
    /// Aggregate records the audit log refused (logged).
    pub(crate) failed: AtomicU64,
    /// Whether the last flush found free space below the reserve.
    pub(crate) low_disk: AtomicBool,
}

impl Unauthenticated {
    /// An empty interval; aggregates are dropped while `headroom` is below `reserve` bytes.
    pub(crate) fn new(headroom: Headroom, reserve: u64) -> Self {
        Self {
            pending: Mutex::new(Pending::default()),
            headroom,
            reserve,
            calls: AtomicU64::new(0),
            written: AtomicU64::new(0),
            dropped_low_disk: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            low_disk: AtomicBool::new(false),
        }
    }

    /// Folds one failed unauthenticated call (its would-be record) into its aggregate.
    pub(crate) fn note(&self, event: AuditEvent) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let key = Key::of(&event);
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        let room = pending.aggregates.len() < MAX_AGGREGATES;
        match pending.aggregates.get_mut(&key) {
            Some(aggregate) => aggregate.add(&event),
            None if room => {
                pending.aggregates.insert(key, Aggregate::new(event));
            }
            None => match &mut pending.overflow {
                Some(aggregate) => aggregate.add(&event),
                None => pending.overflow = Some(Aggregate::new(event)),
            },
        }
    }

    /// Ends the interval: takes its aggregates as records, or drops them (counted) when free
    /// space is below the reserve.
    pub(crate) fn take_records(&self) -> Vec<AuditEvent> {
        let pending =
            std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner));
        let aggregates: Vec<Aggregate> = pending
            .aggregates
            .into_values()
            .chain(pending.overflow)
            .collect();
        if aggregates.is_empty() {
            return Vec::new();
        }
        let low = self
            .headroom
            .free_bytes()
            .is_some_and(|free| free < self.reserve);
        let was_low = self.low_disk.swap(low, Ordering::Relaxed);
        if low {
            if !was_low {
                tracing::warn!(
                    reserve_bytes = self.reserve,
                    "free disk space below the audit reserve: records of unauthenticated calls are dropped"
                );
            }
            self.dropped_low_disk
                .fetch_add(aggregates.len() as u64, Ordering::Relaxed);
            return Vec::new();
        }
        if was_low {
            tracing::info!("free disk space above the audit reserve again");
        }
        let mut records: Vec<AuditEvent> =
            aggregates.into_iter().map(Aggregate::into_event).collect();
        records.sort_by_key(|record| record.event_time);
        records
    }

    /// Ends the interval and writes its records (each fails alone: the calls were answered
    /// long ago, and a record that cannot be written is logged and counted as dropped).
    pub(crate) async fn flush(&self, warden: &Warden) {
        for record in self.take_records() {
            match warden.record(&record).await {
                Ok(()) => {
                    self.written.fetch_add(1, Ordering::Relaxed);
                }
                Err(error) => {
                    tracing::warn!(%error, "aggregate of unauthenticated calls not recorded");
                    self.failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }

    /// Free bytes where the journal lives, if known.
    pub(crate) fn free_bytes(&self) -> Option<u64> {
        self.headroom.free_bytes()
    }

    /// The reserve, in bytes.
    pub(crate) fn reserve(&self) -> u64 {
        self.reserve
    }
}

#[cfg(test)]
mod tests;
