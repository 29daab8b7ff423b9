//! The read thread: read-only IAM calls (the operation table's `read_only`) run here one after another instead
//! of on tokio's blocking pool. (CloudTrail lookups stay on the pool: one may wait for the
//! audit index to catch up, and IAM reads must not queue behind it.)
//!
//! The SQLite store answers reads over one connection, so concurrent readers can only queue
//! for its lock. On the blocking pool, 64 calls in flight meant up to 64 threads taking turns
//! on that lock, with futex wake-ups and context switches on every call (over half the core
//! for GetUser). One thread draining a queue serves the same reads back to back and sleeps
//! only when the queue is empty, which served GetUser far faster on one core (figures:
//! docs/BENCHMARKS.md, "Figures behind design choices").
//! Writes stay on the blocking pool, so a read never waits behind another call's flush.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;

/// A job for the read thread.
type Job = Box<dyn FnOnce() + Send>;

/// The handle to the read thread; dropping it lets the thread finish.
pub(crate) struct ReadThread {
    jobs: mpsc::Sender<Job>,
}

impl ReadThread {
    /// Start the thread. Should the operating system refuse one, calls run on the blocking
    /// pool instead (see [`ReadThread::run`]).
    pub(crate) fn start() -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let started = std::thread::Builder::new()
            .name("warden-read".to_owned())
            .spawn(move || {
                while let Ok(job) = queue.recv() {
                    job();
                }
            });
        if let Err(error) = started {
            tracing::warn!(%error, "cannot start the read thread; reads use the blocking pool");
        }
        Self { jobs }
    }

    /// Run `call` on the read thread and await its result; `None` when it panicked. Without a
    /// read thread the call runs on the blocking pool.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        call: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            // A panicking call answers `None`; the thread lives on for the next one.
            if let Ok(value) = std::panic::catch_unwind(AssertUnwindSafe(call)) {
                let _ = reply.send(value);
            }
        });
        if let Err(mpsc::SendError(job)) = self.jobs.send(job) {
            tokio::task::spawn_blocking(job).await.ok()?;
        }
        answer.await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::ReadThread;

    #[tokio::test]
    async fn runs_calls_in_order_on_its_own_thread() {
        let reads = ReadThread::start();
        let here = std::thread::current().id();
        let mut answers = Vec::new();
        for n in 0..3 {
            answers.push(
                reads
                    .run(move || (n, std::thread::current().name().map(str::to_owned)))
                    .await,
            );
        }
        for (n, answer) in answers.into_iter().enumerate() {
            assert_eq!(answer, Some((n, Some("warden-read".to_owned()))));
        }
        let elsewhere = reads.run(|| std::thread::current().id()).await.unwrap();
        assert_ne!(elsewhere, here);
    }

    #[tokio::test]
    async fn a_panicking_call_answers_none_and_the_thread_goes_on() {
        let reads = ReadThread::start();
        let panicked: Option<()> = reads.run(|| panic!("boom")).await;
        assert_eq!(panicked, None);
        assert_eq!(reads.run(|| 7).await, Some(7));
    }
}
