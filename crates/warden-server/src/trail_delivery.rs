//! The trail delivery task: a delivery round every `--trail-delivery-interval`, plus one
//! last round at shutdown, writing log and digest files under `<data-dir>/buckets`.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::time::MissedTickBehavior;
use warden_core::Warden;
use warden_trail::{Delivery, DeliverySettings};

/// The buckets directory inside the data directory.
pub(crate) const BUCKETS_DIR: &str = "buckets";

/// The delivery worker and its schedule.
pub(crate) struct DeliveryTask {
    delivery: Arc<Delivery>,
    warden: Arc<Warden>,
    ticker: tokio::task::JoinHandle<()>,
}

impl DeliveryTask {
    /// Starts periodic delivery into `buckets_root`.
    pub(crate) fn spawn(
        warden: Arc<Warden>,
        buckets_root: PathBuf,
        settings: DeliverySettings,
    ) -> Self {
        let delivery = Arc::new(Delivery::new(
            warden.store_handle(),
            Arc::clone(warden.audit_log()),
            Arc::clone(warden.digest_keys()),
            buckets_root.clone(),
            settings,
        ));
        let ticker = tokio::spawn({
            let (delivery, warden) = (Arc::clone(&delivery), Arc::clone(&warden));
            async move {
                let cleanup = tokio::task::spawn_blocking(move || {
                    warden_trail::bucket::remove_temporary_files(&buckets_root)
                });
                match cleanup.await {
                    Ok(Ok(0)) => {}
                    Ok(Ok(removed)) => tracing::info!(removed, "removed unfinished trail files"),
                    Ok(Err(error)) => {
                        tracing::warn!(%error, "cannot clean the buckets' temp files")
                    }
                    Err(error) => tracing::warn!(%error, "trail cleanup task failed"),
                }
                // `interval` refuses a zero period.
                let period = settings
                    .log_interval
                    .max(std::time::Duration::from_millis(1));
                let mut ticks = tokio::time::interval(period);
                ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
                loop {
                    ticks.tick().await;
                    round(&delivery, &warden).await;
                }
            }
        });
        Self {
            delivery,
            warden,
            ticker,
        }
    }

    /// Stops the schedule and delivers what is left.
    pub(crate) async fn finish(self) {
        self.ticker.abort();
        round(&self.delivery, &self.warden).await;
    }
}

/// One round on the blocking pool; failures are logged (and stored on each trail).
async fn round(delivery: &Arc<Delivery>, warden: &Arc<Warden>) {
    let (delivery, warden) = (Arc::clone(delivery), Arc::clone(warden));
    match tokio::task::spawn_blocking(move || delivery.deliver(warden.now())).await {
        Ok(Ok(report)) => {
            if report.log_files > 0 || report.digest_files > 0 {
                tracing::debug!(
                    log_files = report.log_files,
                    records = report.records,
                    digest_files = report.digest_files,
                    "trail delivery"
                );
            }
            for failure in report.failures {
                tracing::warn!(trail = %failure.trail_arn, error = %failure.error, "trail delivery failed");
            }
        }
        Ok(Err(error)) => tracing::error!(%error, "trail delivery round failed"),
        Err(error) => tracing::error!(%error, "trail delivery task failed"),
    }
}
