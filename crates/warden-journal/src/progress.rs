//! [`Progress`]: what the writer, syncer and indexer threads have achieved, shared with
//! the callers that wait on them.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

use warden_store::{AuditStats, BatchSizes, StoreError};

/// The shared state of one open log.
#[derive(Debug)]
pub(super) struct Progress {
    /// Set once a write or flush failed: the log refuses appends until reopened.
    failed: AtomicBool,
    /// Why it failed.
    failure: Mutex<Option<String>>,
    /// The highest sequence on stable storage.
    durable: AtomicU64,
    /// How far the index is.
    index: Mutex<IndexState>,
    /// Signalled whenever `index` changes.
    index_changed: Condvar,
    /// Signalled when a reader starts waiting for the index.
    reader_waiting: Condvar,
    /// The sizes of the writer's group commits (for [`AuditLog::stats`](warden_store::AuditLog::stats)).
    pub(super) batches: BatchSizes,
}

#[derive(Debug)]
struct IndexState {
    /// The highest sequence indexed (every lower one is too).
    indexed: u64,
    /// Why the indexer stopped, if it did.
    failure: Option<String>,
    /// How many readers wait for the index.
    readers: usize,
    /// Whether the log is closing (the indexer no longer rests).
    closing: bool,
}

impl Progress {
    /// The progress of a log whose journal and index both end at `head`.
    pub(super) fn new(head: u64) -> Self {
        Self {
            failed: AtomicBool::new(false),
            failure: Mutex::new(None),
            durable: AtomicU64::new(head),
            index: Mutex::new(IndexState {
                indexed: head,
                failure: None,
                readers: 0,
                closing: false,
            }),
            index_changed: Condvar::new(),
            reader_waiting: Condvar::new(),
            batches: BatchSizes::default(),
        }
    }

    /// Records that a write or flush failed; every later append is refused.
    pub(super) fn fail(&self, cause: &str) {
        let mut failure = self.failure.lock().unwrap_or_else(PoisonError::into_inner);
        failure.get_or_insert_with(|| cause.to_owned());
        self.failed.store(true, Ordering::SeqCst);
    }

    /// The error for an append after a failure, if there was one.
    pub(super) fn refusal(&self) -> Option<StoreError> {
        if !self.failed.load(Ordering::SeqCst) {
            return None;
        }
        let failure = self.failure.lock().unwrap_or_else(PoisonError::into_inner);
        Some(StoreError::Backend(format!(
            "the audit log refuses records until it is reopened: it failed earlier ({})",
            failure.as_deref().unwrap_or("unknown cause")
        )))
    }

    /// The highest sequence on stable storage.
    pub(super) fn durable(&self) -> u64 {
        self.durable.load(Ordering::SeqCst)
    }

    /// Records that everything up to `sequence` is on stable storage.
    pub(super) fn made_durable(&self, sequence: u64) {
        self.durable.fetch_max(sequence, Ordering::SeqCst);
    }

    /// Commit sizes, the durable head and how far the index is, for monitoring.
    pub(super) fn stats(&self) -> AuditStats {
        let mut stats = AuditStats {
            durable_sequence: self.durable(),
            indexed_sequence: self
                .index
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .indexed,
            ..AuditStats::default()
        };
        self.batches.fill(&mut stats);
        stats
    }

    /// Records that everything up to `sequence` is indexed.
    pub(super) fn indexed(&self, sequence: u64) {
        let mut index = self.index.lock().unwrap_or_else(PoisonError::into_inner);
        index.indexed = index.indexed.max(sequence);
        self.index_changed.notify_all();
    }

    /// Records that the indexer stopped; readers get `cause` instead of waiting forever.
    pub(super) fn index_failed(&self, cause: &str) {
        let mut index = self.index.lock().unwrap_or_else(PoisonError::into_inner);
        index.failure.get_or_insert_with(|| cause.to_owned());
        self.index_changed.notify_all();
    }

    /// Rests the indexer for up to `pause`, or until a reader waits for the index or the
    /// log closes.
    pub(super) fn pause_indexer(&self, pause: Duration) {
        let index = self.index.lock().unwrap_or_else(PoisonError::into_inner);
        drop(
            self.reader_waiting
                .wait_timeout_while(index, pause, |index| index.readers == 0 && !index.closing)
                .unwrap_or_else(PoisonError::into_inner),
        );
    }

    /// Records that the log is closing: the indexer finishes without resting.
    pub(super) fn close(&self) {
        let mut index = self.index.lock().unwrap_or_else(PoisonError::into_inner);
        index.closing = true;
        self.reader_waiting.notify_all();
    }

    /// Waits until the index holds every record that is durable now (read-your-writes).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if the indexer stopped before getting there.
    pub(super) fn wait_for_index(&self) -> Result<(), StoreError> {
        let target = self.durable();
        let mut index = self.index.lock().unwrap_or_else(PoisonError::into_inner);
        index.readers = index.readers.saturating_add(1);
        self.reader_waiting.notify_all();
        let outcome = loop {
            if index.indexed >= target {
                break Ok(());
            }
            if let Some(failure) = &index.failure {
                break Err(StoreError::Backend(format!(
                    "the audit index is behind the journal and cannot catch up ({failure}); reopen the log to rebuild it"
                )));
            }
            index = self
                .index_changed
                .wait(index)
                .unwrap_or_else(PoisonError::into_inner);
        };
        index.readers = index.readers.saturating_sub(1);
        outcome
    }
}
