//! The inbox: submissions waiting for the writer, and when the writer takes them.
//!
//! Every commit costs a `write`, an `fdatasync` and the wake-ups of the threads involved
//! (on a virtual disk, tens of microseconds of CPU before any waiting; docs/BENCHMARKS.md).
//! When the submitters share their cores with the writer, committing each record as it
//! arrives spends that CPU once per record and takes it from the calls being served. So the writer can *linger*: with
//! [`JournalOptions::linger`](super::JournalOptions::linger) above zero, it takes the
//! queued submissions only once the submitters say they are idle
//! ([`AuditLog::submitters_idle`](warden_store::AuditLog::submitters_idle): every call in
//! flight is waiting for its record, so nothing is gained by waiting longer) or once the
//! first of them has waited `linger`. Under light load the submitters go idle at once and
//! a record waits for one flush, as without lingering; under full load one commit takes
//! every call in flight. With no linger, the writer takes submissions as they come.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::writer::Job;

/// Submissions waiting for the writer.
#[derive(Debug)]
pub(super) struct Inbox {
    /// The queue and whether it is closed.
    state: Mutex<State>,
    /// Signalled when the first job arrives, when the submitters go idle, and on close.
    wake: Condvar,
    /// Whether jobs are queued (read without the lock by [`Inbox::submitters_idle`]).
    pending: AtomicBool,
    /// How long the writer may hold a job waiting for the submitters to go idle.
    linger: Duration,
}

#[derive(Debug, Default)]
struct State {
    /// Queued jobs, in submission order.
    jobs: Vec<Job>,
    /// Set by [`Inbox::submitters_idle`]; cleared when the writer takes the jobs.
    idle: bool,
    /// No more jobs will come; the writer takes what is left and stops.
    closed: bool,
}

impl Inbox {
    /// An empty, open inbox whose writer lingers up to `linger`.
    pub(super) fn new(linger: Duration) -> Self {
        Self {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
            pending: AtomicBool::new(false),
            linger,
        }
    }

    /// Queues `job`; hands it back if the inbox is closed.
    pub(super) fn submit(&self, job: Job) -> Result<(), Job> {
        let mut state = self.lock();
        if state.closed {
            return Err(job);
        }
        state.jobs.push(job);
        let first = state.jobs.len() == 1;
        self.pending.store(true, Ordering::Release);
        drop(state);
        if first {
            self.wake.notify_one();
        }
        Ok(())
    }

    /// The submitters have nothing else to do: a lingering writer takes the queue now.
    pub(super) fn submitters_idle(&self) {
        if self.linger.is_zero() || !self.pending.load(Ordering::Acquire) {
            return;
        }
        let mut state = self.lock();
        if !state.jobs.is_empty() && !state.idle {
            state.idle = true;
            drop(state);
            self.wake.notify_one();
        }
    }

    /// Closes the inbox: later submissions are refused; the writer takes what is queued
    /// without lingering, then stops.
    pub(super) fn close(&self) {
        self.lock().closed = true;
        self.wake.notify_all();
    }

    /// Waits for the next batch: queued jobs totalling at most `max_records` records
    /// (always at least one job: the first always fits), taken when the submitters go idle,
    /// the first job has waited `linger`, or the inbox closes. `None` once it is closed and
    /// empty.
    pub(super) fn next_batch(&self, max_records: usize) -> Option<Vec<Job>> {
        let mut state = self.lock();
        while state.jobs.is_empty() {
            if state.closed {
                return None;
            }
            state = self.wait(state, None);
        }
        // A linger too long to add to the clock lingers until idle or closed.
        let deadline = Instant::now().checked_add(self.linger);
        while !self.linger.is_zero() && !state.idle && !state.closed {
            let left = deadline.map(|deadline| deadline.saturating_duration_since(Instant::now()));
            if left == Some(Duration::ZERO) {
                break;
            }
            state = self.wait(state, left);
        }
        state.idle = false;
        let mut records = 0_usize;
        let take = state
            .jobs
            .iter()
            .take_while(|job| {
                let fits = records == 0 || records.saturating_add(job.records.len()) <= max_records;
                records = records.saturating_add(job.records.len());
                fits
            })
            .count();
        let batch: Vec<Job> = state.jobs.drain(..take).collect();
        let left = !state.jobs.is_empty();
        // What did not fit has waited already: it goes next, without lingering.
        state.idle = left;
        self.pending.store(left, Ordering::Release);
        Some(batch)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(
        &self,
        state: MutexGuard<'a, State>,
        timeout: Option<Duration>,
    ) -> MutexGuard<'a, State> {
        match timeout {
            None => self
                .wake
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner),
            Some(timeout) => {
                self.wake
                    .wait_timeout(state, timeout)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0
            }
        }
    }
}

#[cfg(test)]
mod tests;
