//! Service last accessed reports once generated, by job id: kept in memory for a day, and
//! answered only to the principal that generated them (AWS: "must be used by the same
//! role within a session, or by the same user").

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::report::Report;

/// How long a report is kept (epoch milliseconds).
const JOB_LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;

/// A generated report.
#[derive(Debug)]
pub(crate) struct Job {
    /// The account of the entity reported on.
    pub(crate) account: String,
    /// The ARN of the principal that generated it.
    pub(crate) owner: String,
    /// When it was generated (and completed), epoch milliseconds.
    pub(crate) created: i64,
    /// `ACTION_LEVEL` rather than `SERVICE_LEVEL`.
    pub(crate) action_level: bool,
    /// What it found.
    pub(crate) report: Report,
}

/// Every report generated in the last day, by job id.
#[derive(Debug, Default)]
pub(crate) struct LastAccessedJobs {
    jobs: Mutex<HashMap<String, Arc<Job>>>,
}

impl LastAccessedJobs {
    fn jobs(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Job>>> {
        self.jobs
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Keeps `job` under `job_id`, forgetting reports older than a day.
    pub(crate) fn keep(&self, job_id: String, job: Job) {
        let oldest = job.created.saturating_sub(JOB_LIFETIME_MS);
        let mut jobs = self.jobs();
        jobs.retain(|_, kept| kept.created >= oldest);
        jobs.insert(job_id, Arc::new(job));
    }

    /// The report `job_id` names, if `owner` of `account` generated it.
    pub(crate) fn find(&self, job_id: &str, account: &str, owner: &str) -> Option<Arc<Job>> {
        self.jobs()
            .get(job_id)
            .filter(|job| job.account == account && job.owner == owner)
            .cloned()
    }
}
