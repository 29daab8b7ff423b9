//! Request and event ids: version 4 UUIDs from the injected random source, like every other
//! random value Warden makes.

use std::sync::atomic::{AtomicU64, Ordering};

use warden_crypto::Uuid;

use crate::{ServiceError, Warden};

/// Numbers the fallback request ids of this process (see [`Warden::request_id`]).
static FALLBACK_REQUEST_IDS: AtomicU64 = AtomicU64::new(0);

impl Warden {
    /// A fresh request id (`x-amzn-RequestId`). It only correlates a reply with the logs, so
    /// it never fails a call: if the random source fails, the id is a numbered fallback,
    /// unique within this process, and the failure is logged.
    pub fn request_id(&self) -> Uuid {
        Uuid::new_v4(self.rng.as_ref()).unwrap_or_else(|error| {
            tracing::error!(%error, "no randomness for a request id; using a counter");
            Uuid::from_random(u128::from(
                FALLBACK_REQUEST_IDS.fetch_add(1, Ordering::Relaxed),
            ))
        })
    }

    /// A fresh CloudTrail `eventID`.
    ///
    /// # Errors
    ///
    /// [`ServiceError::AuditUnavailable`] if the random source fails: a record without a
    /// unique id cannot be made, and a call that cannot be recorded fails.
    pub fn event_id(&self) -> Result<String, ServiceError> {
        Uuid::new_v4(self.rng.as_ref())
            .map(|id| id.to_string())
            .map_err(|error| {
                tracing::error!(%error, "no randomness for an event id");
                ServiceError::AuditUnavailable
            })
    }
}
