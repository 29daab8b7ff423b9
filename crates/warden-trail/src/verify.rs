//! Verification of delivered trails (for `warden audit verify`).
//!
//! For every trail and every Region it delivered to, this runs
//! [`warden_audit::verify::verify_trail`] (digest signatures and chain, each listed log
//! file's SHA-256, missing files, files no digest covers) and then checks every delivered
//! record against the audit log itself, which CloudTrail's validation cannot do:
//!
//! - each record in a log file must recompute to its chain hash, and equal the audit log's
//!   record at that sequence (while that record is still stored): else it was *altered*;
//! - no record may be delivered twice: else one was *inserted*;
//! - every record of the current logging period that the trail receives, up to what the
//!   delivery worker has processed, must be in some log file: else it was *removed*.
//!
//! (`verify_trail`'s own record-chain check is replaced by these: a trail's log files hold
//! only its account's records, so its files are not one consecutive chain.)

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use warden_store::StoreExt;

use jiff::Timestamp;
use warden_audit::chain::{ChainHash, link_hash};
use warden_audit::logfile::{ParsedLogFile, TrailLocation, gunzip};
use warden_audit::verify::{FileSource, Problem, PublicKeys, Report, verify_trail};
use warden_store::{AuditLog, Store, StoreError, TrailRecord};

use crate::bucket::{self, ListRequest, MAX_KEYS};
use crate::delivery::{EventWindow, location};
use crate::source::BucketSource;
use crate::state::TrailState;

/// Records read from the audit log per query.
const BATCH: usize = 1000;

/// Why verification could not run (as opposed to finding problems).
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The store or the audit log failed.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// A bucket could not be read.
    #[error("{0}")]
    Source(#[from] warden_audit::verify::SourceError),
    /// A trail's delivery state could not be decoded.
    #[error("delivery state: {0}")]
    State(#[from] serde_json::Error),
}

/// The files to check: those whose key time lies in `[from, to]` (unbounded when `None`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeRange {
    /// The earliest key time checked.
    pub from: Option<Timestamp>,
    /// The latest key time checked.
    pub to: Option<Timestamp>,
}

impl TimeRange {
    fn contains(&self, time: Option<Timestamp>) -> bool {
        let Some(time) = time else { return true };
        self.from.is_none_or(|from| time >= from) && self.to.is_none_or(|to| time <= to)
    }
}

/// A delivered record that does not match the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordProblem {
    /// The record in `key` does not recompute to its hash, or differs from the audit log.
    Altered {
        /// The log file.
        key: String,
        /// The record's sequence.
        sequence: u64,
    },
    /// The record is delivered a second time in `key`.
    Inserted {
        /// The log file with the extra copy.
        key: String,
        /// The record's sequence.
        sequence: u64,
    },
    /// The record was processed for the trail but is in no log file.
    Removed {
        /// The record's sequence.
        sequence: u64,
        /// Its event time.
        event_time: Timestamp,
    },
    /// A log file cannot be read as a Warden log file.
    Unreadable {
        /// The log file.
        key: String,
    },
}

impl fmt::Display for RecordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Altered { key, sequence } => write!(
                f,
                "Log file {key}: INVALID: audit record {sequence} was altered (it differs from the audit log)"
            ),
            Self::Inserted { key, sequence } => write!(
                f,
                "Log file {key}: INVALID: audit record {sequence} was inserted (it is delivered twice)"
            ),
            Self::Removed {
                sequence,
                event_time,
            } => write!(
                f,
                "audit record {sequence} ({event_time}) was removed: it is in no delivered log file"
            ),
            Self::Unreadable { key } => {
                write!(f, "Log file {key}: INVALID: not a readable log file")
            }
        }
    }
}

/// What was found for one trail in one Region.
#[derive(Debug, Clone)]
pub struct TrailCheck {
    /// The trail's ARN.
    pub trail_arn: String,
    /// The Region checked.
    pub region: String,
    /// Digest and log file checks (record-chain problems excluded, see the module docs).
    pub report: Report,
    /// Delivered records checked against the audit log.
    pub records_checked: u64,
    /// Records that do not match the audit log.
    pub record_problems: Vec<RecordProblem>,
}

impl TrailCheck {
    /// Whether nothing is wrong.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        self.report.is_valid() && self.record_problems.is_empty()
    }
}

/// Verifies every trail's delivered files under `buckets_root` against `keys` and the
/// audit log.
///
/// # Errors
///
/// [`VerifyError`] if the store, the audit log or a bucket cannot be read.
pub fn verify_delivered(
    store: &dyn Store,
    audit: &dyn AuditLog,
    keys: &PublicKeys,
    buckets_root: &Path,
    range: TimeRange,
) -> Result<Vec<TrailCheck>, VerifyError> {
    let mut checks = Vec::new();
    for trail in store.read(|tx| tx.trails().list(None))? {
        let state = TrailState::decode(
            &store
                .read(|tx| tx.trails().delivery(&trail.account_id, &trail.name))?
                .state,
        )?;
        let source = BucketSource {
            root: buckets_root.to_owned(),
            bucket: trail.s3_bucket_name.clone(),
        };
        for region in regions(&trail, &source)? {
            let location = location(&trail, &region);
            let ranged = RangedSource {
                inner: &source,
                range,
            };
            let mut report = verify_trail(&ranged, &location, keys)?;
            report
                .problems
                .retain(|problem| !matches!(problem, Problem::RecordChainBroken { .. }));
            let (records_checked, record_problems) =
                check_records(audit, &trail, &state, &location, &ranged)?;
            checks.push(TrailCheck {
                trail_arn: trail.arn.clone(),
                region,
                report,
                records_checked,
                record_problems,
            });
        }
    }
    Ok(checks)
}

/// The trail's home Region and every Region it has log files or digests in.
fn regions(trail: &TrailRecord, source: &BucketSource) -> Result<BTreeSet<String>, VerifyError> {
    let mut regions = BTreeSet::from([trail.home_region.clone()]);
    let home = location(trail, &trail.home_region);
    let root = match &home.prefix {
        Some(prefix) => format!("{prefix}/AWSLogs/{}/", home.account_id),
        None => format!("AWSLogs/{}/", home.account_id),
    };
    for kind in ["CloudTrail/", "CloudTrail-Digest/"] {
        let prefix = format!("{root}{kind}");
        let request = ListRequest {
            prefix: prefix.clone(),
            delimiter: Some("/".to_owned()),
            after: None,
            max_keys: MAX_KEYS,
        };
        match bucket::list_objects(&source.root, &source.bucket, &request) {
            Ok(page) => regions.extend(page.common_prefixes.iter().filter_map(|common| {
                common
                    .strip_prefix(&prefix)
                    .and_then(|rest| rest.strip_suffix('/'))
                    .map(str::to_owned)
            })),
            Err(bucket::BucketError::NoSuchBucket(_)) => {}
            Err(error) => {
                return Err(warden_audit::verify::SourceError(error.to_string()).into());
            }
        }
    }
    Ok(regions)
}

/// Checks the records of the trail's log files in one Region against the audit log.
fn check_records(
    audit: &dyn AuditLog,
    trail: &TrailRecord,
    state: &TrailState,
    location: &TrailLocation,
    source: &RangedSource<'_>,
) -> Result<(u64, Vec<RecordProblem>), VerifyError> {
    let mut problems = Vec::new();
    let mut delivered: BTreeMap<u64, String> = BTreeMap::new();
    let mut keys = source.list(&location.log_prefix())?;
    keys.sort();
    let mut checked = 0;
    for key in keys.iter().filter(|key| key.ends_with(".json.gz")) {
        let Some(bytes) = source.get(key)? else {
            continue;
        };
        let Some(links) = gunzip(&bytes).ok().and_then(|json| file_links(&json)) else {
            problems.push(RecordProblem::Unreadable { key: key.clone() });
            continue;
        };
        for (sequence, prev_hash, hash, record) in links {
            checked += 1;
            let stored = audit.records_after(sequence.saturating_sub(1), 1)?;
            let differs = stored
                .first()
                .filter(|stored| stored.sequence == sequence)
                .is_some_and(|stored| stored.hash != hash || stored.record.body != record);
            // An altered record is still there (not removed), and reported once.
            let first_copy = delivered.insert(sequence, key.clone()).is_none();
            if differs || link_hash(sequence, &prev_hash, &record) != hash {
                problems.push(RecordProblem::Altered {
                    key: key.clone(),
                    sequence,
                });
            } else if !first_copy {
                problems.push(RecordProblem::Inserted {
                    key: key.clone(),
                    sequence,
                });
            }
        }
    }
    check_removed(
        audit,
        trail,
        state,
        location,
        source,
        &delivered,
        &mut problems,
    )?;
    Ok((checked, problems))
}

/// A record of a log file: sequence, previous hash, hash, bytes.
type OwnedLink = (u64, ChainHash, ChainHash, Vec<u8>);

/// The chain links of a log file's records (owned), or `None` if it is not a Warden file.
fn file_links(json: &[u8]) -> Option<Vec<OwnedLink>> {
    let parsed = ParsedLogFile::parse(json).ok()?;
    let links = parsed.links().ok()??;
    Some(
        links
            .iter()
            .map(|link| {
                (
                    link.sequence,
                    link.prev_hash,
                    link.hash,
                    link.record.to_vec(),
                )
            })
            .collect(),
    )
}

/// Reports records of the current logging period that the trail receives in this Region,
/// already processed by delivery and inside the checked range, but delivered nowhere.
fn check_removed(
    audit: &dyn AuditLog,
    trail: &TrailRecord,
    state: &TrailState,
    location: &TrailLocation,
    source: &RangedSource<'_>,
    delivered: &BTreeMap<u64, String>,
    problems: &mut Vec<RecordProblem>,
) -> Result<(), VerifyError> {
    if state.epoch != trail.start_logging_time || state.epoch.is_none() {
        return Ok(()); // Delivery has not caught up with the current logging period.
    }
    let window = EventWindow::of(trail);
    let mut after = audit.anchor()?.sequence;
    while after < state.delivered_through {
        let batch = audit.records_after(after, BATCH)?;
        let Some(last) = batch.last() else { break };
        after = last.sequence;
        for record in batch
            .iter()
            .filter(|record| record.sequence <= state.delivered_through)
        {
            let event_time = Timestamp::from_millisecond(record.record.event_time).ok();
            // Files are dated by delivery, which is at or after the event.
            let in_range = source
                .range
                .to
                .is_none_or(|to| event_time.is_none_or(|t| t <= to))
                && source.range.from.is_none_or(|from| {
                    event_time.is_none_or(|t| t >= from - jiff::SignedDuration::from_hours(1))
                });
            if !in_range || delivered.contains_key(&record.sequence) {
                continue;
            }
            let received = window
                .region_of(record)
                .ok()
                .flatten()
                .is_some_and(|region| region == location.region);
            if received {
                problems.push(RecordProblem::Removed {
                    sequence: record.sequence,
                    event_time: event_time.unwrap_or(Timestamp::UNIX_EPOCH),
                });
            }
        }
    }
    Ok(())
}

/// A bucket seen through a time range: keys dated outside it are not listed.
struct RangedSource<'a> {
    inner: &'a BucketSource,
    range: TimeRange,
}

impl FileSource for RangedSource<'_> {
    fn list(&self, prefix: &str) -> Result<Vec<String>, warden_audit::verify::SourceError> {
        Ok(self
            .inner
            .list(prefix)?
            .into_iter()
            .filter(|key| self.range.contains(key_time(key)))
            .collect())
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, warden_audit::verify::SourceError> {
        self.inner.get(key)
    }

    fn signature(&self, key: &str) -> Result<Option<String>, warden_audit::verify::SourceError> {
        self.inner.signature(key)
    }
}

/// The time in a log (`…_YYYYMMDDTHHmmZ_<unique>.json.gz`) or digest
/// (`…_YYYYMMDDTHHMMSSZ.json.gz`) key.
fn key_time(key: &str) -> Option<Timestamp> {
    let stem = key.strip_suffix(".json.gz")?;
    let mut parts = stem.rsplit('_');
    let last = parts.next()?;
    compact_time(last).or_else(|| compact_time(parts.next()?))
}

/// `YYYYMMDDTHHMMSSZ` or `YYYYMMDDTHHMMZ`, UTC.
fn compact_time(stamp: &str) -> Option<Timestamp> {
    let pattern = match stamp.len() {
        16 => "%Y%m%dT%H%M%SZ",
        14 => "%Y%m%dT%H%MZ",
        _ => return None,
    };
    let civil = jiff::civil::DateTime::strptime(pattern, stamp).ok()?;
    jiff::tz::TimeZone::UTC.to_timestamp(civil).ok()
}

#[cfg(test)]
mod tests;
