//! Failed attempts at a secret (a user's old password, an MFA device's codes), counted per
//! subject: after [`FREE_FAILURES`] consecutive failures the subject is locked for 1 s,
//! then 2 s, 4 s, … up to 15 minutes per further failure; a success clears it. Only that
//! subject waits; every other user and device is unaffected. In memory: a restart forgets.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::ServiceError;

/// Consecutive failures allowed before the subject is locked.
pub(crate) const FREE_FAILURES: u32 = 5;
/// The longest lock, in milliseconds.
const MAX_LOCK_MS: i64 = 15 * 60 * 1000;

/// Failure counts and locks by subject.
#[derive(Debug, Default)]
pub(crate) struct Attempts {
    subjects: Mutex<HashMap<String, Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    locked_until_ms: i64,
}

impl Attempts {
    /// `LimitExceeded` while `subject` is locked.
    pub(crate) fn check(&self, subject: &str, now_ms: i64) -> Result<(), ServiceError> {
        let subjects = self
            .subjects
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        match subjects.get(subject) {
            Some(failures) if failures.locked_until_ms > now_ms => {
                Err(ServiceError::LimitExceeded(
                    "Too many failed attempts. Wait and try again later.".to_owned(),
                ))
            }
            _ => Ok(()),
        }
    }

    /// Counts a failure of `subject`, locking it once past the free failures.
    pub(crate) fn failed(&self, subject: &str, now_ms: i64) {
        let mut subjects = self
            .subjects
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let failures = subjects.entry(subject.to_owned()).or_insert(Failures {
            count: 0,
            locked_until_ms: 0,
        });
        failures.count = failures.count.saturating_add(1);
        if let Some(beyond) = failures.count.checked_sub(FREE_FAILURES) {
            let lock_ms = 1000_i64
                .checked_shl(beyond.min(20))
                .unwrap_or(MAX_LOCK_MS)
                .min(MAX_LOCK_MS);
            failures.locked_until_ms = now_ms.saturating_add(lock_ms);
        }
    }

    /// Clears `subject` after a success.
    pub(crate) fn succeeded(&self, subject: &str) {
        let mut subjects = self
            .subjects
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        subjects.remove(subject);
    }
}

#[cfg(test)]
mod tests {
    use super::{Attempts, FREE_FAILURES};

    #[test]
    fn a_subject_is_locked_after_its_free_failures_and_others_are_not() {
        let attempts = Attempts::default();
        for _ in 0..FREE_FAILURES {
            attempts.check("alice", 0).unwrap();
            attempts.failed("alice", 0);
        }
        assert!(attempts.check("alice", 0).is_err());
        assert!(attempts.check("bob", 0).is_ok());
        assert!(
            attempts.check("alice", 1_000).is_ok(),
            "the first lock lasts 1 s"
        );
        attempts.failed("alice", 1_000);
        assert!(attempts.check("alice", 2_500).is_err(), "the next one 2 s");
        attempts.succeeded("alice");
        assert!(attempts.check("alice", 2_500).is_ok());
    }
}
