//! [`Writer`]: the one writing connection, with group commit.
//!
//! Writes run one at a time under a mutex, each in its own savepoint of a transaction that
//! stays open while another write is waiting for the mutex. The last write of such a run
//! (or the [`MAX_BATCH`]th) commits, and every write of the batch returns only then: one
//! fsync for many writes, each durable before it is acknowledged. A write whose work is
//! discarded (or panics) is rolled back to its savepoint and does not affect the others; a
//! failed commit fails them all.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use rusqlite::Connection;
use warden_store::{CommitStats, OnCommit, StoreError, WriteWork};

use crate::tx::SqliteTx;

/// The most writes one commit carries (bounds the wait of the batch's first write).
pub const MAX_BATCH: usize = 128;

/// The writing connection and the batch open on it.
pub(crate) struct Writer {
    state: Mutex<State>,
    /// Writes waiting for the mutex: while there are some, a batch stays open for them.
    waiting: AtomicUsize,
    /// [`MAX_BATCH`], or 1 where commits must not be shared (the in-memory store, whose
    /// reads use this same connection).
    max_batch: usize,
    /// Transactions committed, and the kept writes they carried.
    commits: AtomicU64,
    committed_writes: AtomicU64,
}

struct State {
    connection: Connection,
    batch: Option<Batch>,
}

/// The writes of the transaction now open.
struct Batch {
    works: usize,
    on_commit: Vec<OnCommit>,
    outcome: Arc<BatchOutcome>,
}

/// How a batch ended, for the writes waiting on it.
#[derive(Default)]
struct BatchOutcome {
    result: Mutex<Option<Result<(), StoreError>>>,
    settled: Condvar,
}

impl Writer {
    /// The writer over `connection`, sharing commits among up to `max_batch` writes.
    pub(crate) fn new(connection: Connection, max_batch: usize) -> Self {
        Self {
            state: Mutex::new(State {
                connection,
                batch: None,
            }),
            waiting: AtomicUsize::new(0),
            max_batch: max_batch.max(1),
            commits: AtomicU64::new(0),
            committed_writes: AtomicU64::new(0),
        }
    }

    /// The commits made so far.
    pub(crate) fn stats(&self) -> CommitStats {
        CommitStats {
            commits: self.commits.load(Ordering::Relaxed),
            writes: self.committed_writes.load(Ordering::Relaxed),
        }
    }

    /// Runs `work` in a savepoint of the open (or a new) transaction; returns once the
    /// transaction committed, or at once when `work` discarded its writes.
    pub(crate) fn run(
        &self,
        work: &mut WriteWork<'_>,
        on_commit: OnCommit,
    ) -> Result<(), StoreError> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let mut state = lock(&self.state);
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        if state.batch.is_none() {
            state.begin()?;
        }
        let attempt = match savepoint(&state.connection, work) {
            Ok(attempt) => attempt,
            Err(error) => {
                // The savepoint could not be closed, so the whole batch is rolled back; this
                // write's callback is told too (whatever its work decided), so that state
                // derived from it inside the work is dropped with the rest.
                let error = StoreError::Backend(format!("sqlite: {error}"));
                if let Some(batch) = state.batch.as_mut() {
                    batch.on_commit.push(on_commit);
                }
                state.finish(Some(error.clone()));
                return Err(error);
            }
        };
        let kept = matches!(attempt, Ok(true));
        let Some(batch) = state.batch.as_mut() else {
            return Err(StoreError::Backend("no open batch".to_owned()));
        };
        batch.works += 1;
        if kept {
            batch.on_commit.push(on_commit);
        }
        let outcome = Arc::clone(&batch.outcome);
        if self.waiting.load(Ordering::SeqCst) == 0 || batch.works >= self.max_batch {
            self.commit(&mut state);
        }
        drop(state);
        match attempt {
            Err(panic) => resume_unwind(panic),
            Ok(false) => Ok(()),
            Ok(true) => outcome.wait(),
        }
    }

    /// Runs `use_connection` on the writing connection outside any transaction (committing
    /// the open batch first): backups, and the reads of an in-memory store.
    pub(crate) fn with_connection<T>(
        &self,
        use_connection: impl FnOnce(&mut Connection) -> T,
    ) -> T {
        let mut state = lock(&self.state);
        self.commit(&mut state);
        use_connection(&mut state.connection)
    }

    /// Commits the open batch, if any, and counts it.
    fn commit(&self, state: &mut State) {
        let writes = state
            .batch
            .as_ref()
            .map_or(0, |batch| batch.on_commit.len() as u64);
        if state.finish(None) {
            self.commits.fetch_add(1, Ordering::Relaxed);
            self.committed_writes.fetch_add(writes, Ordering::Relaxed);
        }
    }
}

impl State {
    fn begin(&mut self) -> Result<(), StoreError> {
        self.connection
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|error| StoreError::Backend(format!("sqlite: {error}")))?;
        self.batch = Some(Batch {
            works: 0,
            on_commit: Vec::new(),
            outcome: Arc::default(),
        });
        Ok(())
    }

    /// Ends the open batch: commits it, or rolls it back with `failure`. Tells the batch's
    /// callbacks (in order) and then its waiting writes. True when it committed.
    fn finish(&mut self, failure: Option<StoreError>) -> bool {
        let Some(batch) = self.batch.take() else {
            return false;
        };
        let result = match failure {
            None => self
                .connection
                .execute_batch("COMMIT")
                .map_err(|error| StoreError::Backend(format!("sqlite: commit failed: {error}"))),
            Some(error) => Err(error),
        };
        if result.is_err() && !self.connection.is_autocommit() {
            // Nothing of the batch may stay half-applied; a failing rollback leaves the
            // connection in autocommit mode anyway.
            let _rolled_back = self.connection.execute_batch("ROLLBACK");
        }
        let committed = result.is_ok();
        for callback in batch.on_commit {
            callback(committed);
        }
        batch.outcome.settle(result);
        committed
    }
}

/// Runs `work` inside a savepoint: releases it when kept (bumping the generation), rolls
/// it back otherwise. `Ok(Err(panic))` when `work` panicked (its writes rolled back).
fn savepoint(
    connection: &Connection,
    work: &mut WriteWork<'_>,
) -> rusqlite::Result<Result<bool, Box<dyn std::any::Any + Send>>> {
    connection.execute_batch("SAVEPOINT work")?;
    let ran = catch_unwind(AssertUnwindSafe(|| work(&SqliteTx::new(connection))));
    if matches!(ran, Ok(true)) {
        connection.execute(
            "UPDATE store_meta SET generation = generation + 1 WHERE id = 1",
            [],
        )?;
        connection.execute_batch("RELEASE work")?;
    } else {
        connection.execute_batch("ROLLBACK TO work; RELEASE work")?;
    }
    Ok(ran)
}

impl BatchOutcome {
    fn settle(&self, result: Result<(), StoreError>) {
        *lock(&self.result) = Some(result);
        self.settled.notify_all();
    }

    fn wait(&self) -> Result<(), StoreError> {
        let mut result = lock(&self.result);
        loop {
            if let Some(result) = result.as_ref() {
                return result.clone();
            }
            result = self
                .settled
                .wait(result)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// Locks a mutex. A panic in another thread cannot have left a transaction half-applied
/// (works run under `catch_unwind`, and rusqlite rolls back on drop), so a poisoned lock is
/// safe to take over.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests;
