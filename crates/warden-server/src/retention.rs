//! Event-history retention: a background task that prunes audit records older than the
//! retention period, at start and then hourly. Pruning removes a prefix of the chain and
//! moves its anchor, so what remains still verifies.

use std::sync::Arc;
use std::time::Duration;

use warden_core::Warden;

/// How often retention runs after the first pass at start.
const PRUNE_EVERY: Duration = Duration::from_secs(60 * 60);

/// Starts the retention task for `retention_days` of history.
pub(crate) fn spawn(warden: Arc<Warden>, retention_days: u32) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(PRUNE_EVERY);
        loop {
            ticks.tick().await;
            let warden = Arc::clone(&warden);
            match tokio::task::spawn_blocking(move || prune_once(&warden, retention_days)).await {
                Ok(Ok(0)) => {}
                Ok(Ok(pruned)) => {
                    tracing::info!(pruned, retention_days, "pruned old audit records")
                }
                Ok(Err(error)) => tracing::error!(%error, "audit retention failed"),
                Err(error) => tracing::error!(%error, "audit retention task failed"),
            }
        }
    })
}

/// Prunes records older than `retention_days` before the warden's clock; returns how many.
///
/// # Errors
///
/// The audit log's error.
pub(crate) fn prune_once(
    warden: &Warden,
    retention_days: u32,
) -> Result<u64, warden_store::StoreError> {
    let cutoff = warden.now().as_millisecond() - i64::from(retention_days) * 24 * 60 * 60 * 1000;
    warden.audit_log().prune_before(cutoff)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a failure should panic")]

    use std::sync::{Arc, Mutex};

    use warden_core::audit::CallRecord;
    use warden_core::{Clock, RequestFacts, Warden};
    use warden_crypto::{RootKey, SystemRandom};
    use warden_journal::SqliteAuditLog;
    use warden_store::{AuditQuery, verify_audit_log};
    use warden_store_sqlite::SqliteStore;

    use super::prune_once;

    /// A clock the test moves forward.
    struct MovableClock(Mutex<jiff::Timestamp>);

    impl Clock for MovableClock {
        fn now(&self) -> jiff::Timestamp {
            *self.0.lock().unwrap()
        }
    }

    async fn record_call(warden: &Warden, name: &str) {
        let facts = RequestFacts {
            source_ip: None,
            user_agent: "test".to_owned(),
            secure_transport: false,
            region: "us-east-1".to_owned(),
            now: warden.now(),
        };
        let event = CallRecord {
            event_source: "iam.amazonaws.com",
            event_name: name,
            operation: warden_protocol::iam::META.operation(name),
            resources: &[],
            caller: None,
            federated: None,
            access_key_id: None,
            recipient_account_id: "123456789012",
            facts: &facts,
            request_parameters: None,
            response_elements: None,
            error: None,
            request_id: name,
        }
        .to_event(format!("event-{name}"));
        warden.record(&event).await.unwrap();
    }

    #[tokio::test]
    async fn records_older_than_the_retention_period_are_pruned_and_the_rest_verifies() {
        let start = jiff::Timestamp::from_second(1_790_000_000).unwrap();
        let clock = Arc::new(MovableClock(Mutex::new(start)));
        let audit = Arc::new(SqliteAuditLog::open_in_memory().unwrap());
        let warden = Warden::new(
            Arc::new(SqliteStore::open_in_memory().unwrap()),
            audit.clone(),
            &RootKey::from_bytes(&[9; 32]).unwrap(),
            clock.clone(),
            Arc::new(SystemRandom::new()),
        )
        .unwrap();
        record_call(&warden, "Old1").await;
        record_call(&warden, "Old2").await;
        *clock.0.lock().unwrap() = start + jiff::SignedDuration::from_hours(24 * 60);
        record_call(&warden, "Recent").await;
        *clock.0.lock().unwrap() = start + jiff::SignedDuration::from_hours(24 * 91);
        assert_eq!(prune_once(&warden, 90).unwrap(), 2);
        assert_eq!(prune_once(&warden, 90).unwrap(), 0, "pruning is idempotent");
        let page = warden
            .audit_log()
            .lookup(&AuditQuery {
                account_id: "123456789012".to_owned(),
                start_time: None,
                end_time: None,
                attribute: None,
                max_results: 50,
                next_token: None,
            })
            .unwrap();
        let names: Vec<_> = page
            .records
            .iter()
            .map(|r| r.record.event_name.as_str())
            .collect();
        assert_eq!(names, ["Recent"]);
        let head = verify_audit_log(warden.audit_log().as_ref(), 10).unwrap();
        assert_eq!(
            head.sequence, 3,
            "the remaining record still chains from the anchor"
        );
    }
}
