//! [`WorkersIdle`]: the runtime telling the audit log that its workers have run out of work.
//!
//! The audit log holds submitted records briefly so that one commit takes many (see
//! [`AuditLog::submitters_idle`]). A worker runs out of work when every call it has in
//! flight waits for something — under load, for its audit record — and that is the moment
//! to commit: waiting longer gains nothing, committing sooner splits the batch.

use std::sync::{Arc, OnceLock, Weak};

use warden_store::AuditLog;

/// A handle the runtime's `on_thread_park` hook calls; connected to the audit log once the
/// data directory is open. Clones share the connection.
#[derive(Clone, Default)]
pub struct WorkersIdle(Arc<OnceLock<Weak<dyn AuditLog>>>);

impl WorkersIdle {
    /// A worker has no more work: the audit log may commit what it holds.
    pub fn notify(&self) {
        if let Some(log) = self.0.get().and_then(Weak::upgrade) {
            log.submitters_idle();
        }
    }

    /// Sends later notifications to `log` (the first connection stays).
    pub(crate) fn connect(&self, log: &Arc<dyn AuditLog>) {
        drop(self.0.set(Arc::downgrade(log)));
    }
}

impl std::fmt::Debug for WorkersIdle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkersIdle")
            .field("connected", &self.0.get().is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use warden_journal::{JournalOptions, SqliteAuditLog};
    use warden_store::AuditLog;
    use warden_store::conformance::audit_record;

    use super::WorkersIdle;

    #[test]
    fn a_notification_makes_a_lingering_audit_log_commit_now() {
        let dir = tempfile::tempdir().unwrap();
        let options = JournalOptions {
            linger: Duration::from_secs(60),
            ..JournalOptions::default()
        };
        let log =
            SqliteAuditLog::open_with(&dir.path().join("db"), &dir.path().join("audit"), options)
                .unwrap();
        let log: Arc<dyn AuditLog> = Arc::new(log);
        let workers_idle = WorkersIdle::default();
        workers_idle.notify(); // not connected yet: nothing happens
        workers_idle.connect(&log);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async {
            let pending = log
                .submit(vec![audit_record("123456789012", 0, "GetUser")])
                .finish();
            tokio::pin!(pending);
            let early = tokio::time::timeout(Duration::from_millis(150), &mut pending).await;
            assert!(early.is_err(), "committed before the workers were idle");
            workers_idle.notify();
            let sequences = tokio::time::timeout(Duration::from_secs(10), pending)
                .await
                .expect("the notification did not make the log commit")
                .unwrap();
            assert_eq!(sequences, vec![1]);
        });
        drop(log);
        workers_idle.notify(); // the log is gone: nothing happens
    }
}
