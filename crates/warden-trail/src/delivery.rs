//! Delivery: turning the audit log into each trail's CloudTrail log files and signed,
//! chained digest files, in the trail's bucket.
//!
//! A round ([`Delivery::deliver`]) visits every trail. For each it
//!
//! 1. finishes whatever an interrupted round planned (see [`crate::state`]);
//! 2. when logging restarted since the last round, closes the old logging period (a final
//!    digest) and starts a new one (its first digest is a *starting* digest, with null
//!    `previousDigest*` fields);
//! 3. when validation is on and the digest period ended, writes one digest per Region
//!    listing the log files delivered in the period (an empty one if there were none),
//!    chained to the Region's previous digest;
//! 4. writes the trail's new events as log files, one per run of consecutive audit records
//!    of one Region (log files keep Warden's record chain, which needs consecutive records);
//! 5. after StopLogging, once the events before the stop are delivered, writes a final
//!    digest and closes the period.
//!
//! Which events a trail receives follows CloudTrail: the trail's account
//! (`recipientAccountId`), logged at or after StartLogging (and before StopLogging), in the
//! trail's home Region unless it is multi-Region, and global service events (IAM, STS's
//! global endpoint, …, recorded in `us-east-1`) only with `IncludeGlobalServiceEvents`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use warden_store::StoreExt;

use jiff::Timestamp;
use serde::Deserialize;
use warden_audit::digest::{
    DigestError, DigestFile, DigestKeys, DigestLogFile, PreviousDigest, SIGNATURE_ALGORITHM,
};
use warden_audit::logfile::{LogEntry, LogFile, LogFileError, TrailLocation};
use warden_store::Store;
use warden_store::{AuditLog, StoreError, StoredAuditRecord, TrailDelivery, TrailRecord};

use crate::bucket::{self, BucketError};
use crate::state::{DigestState, PendingLog, PlannedLog, TrailState};

/// Records read from the audit log per query while scanning.
const SCAN_BATCH: usize = 1000;
/// The most records one log file holds.
const MAX_RECORDS_PER_FILE: u64 = 5000;
/// Event sources whose events are global service events.
const GLOBAL_SOURCES: [&str; 5] = [
    "iam.amazonaws.com",
    "sts.amazonaws.com",
    "signin.amazonaws.com",
    "cloudfront.amazonaws.com",
    "route53.amazonaws.com",
];
/// The Region global service events are recorded in.
const GLOBAL_REGION: &str = "us-east-1";

/// How often things are delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliverySettings {
    /// How often the server runs a delivery round (CloudTrail: about every 5 minutes).
    pub log_interval: Duration,
    /// The digest period (CloudTrail: one hour). At least one second.
    pub digest_interval: Duration,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            log_interval: Duration::from_secs(300),
            digest_interval: Duration::from_secs(3600),
        }
    }
}

/// Why a delivery round could not run at all (a single trail's failure is recorded on the
/// trail instead, as `LatestDeliveryError`).
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The trails could not be listed.
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// Why one trail's delivery failed.
#[derive(Debug, thiserror::Error)]
pub enum TrailError {
    /// The store or the audit log failed.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// Writing into the bucket failed.
    #[error("bucket: {0}")]
    Bucket(#[from] BucketError),
    /// A log file could not be built.
    #[error("log file: {0}")]
    LogFile(#[from] LogFileError),
    /// A digest could not be signed.
    #[error("digest: {0}")]
    Digest(#[from] DigestError),
    /// The stored delivery state or a record could not be decoded.
    #[error("state: {0}")]
    State(#[from] serde_json::Error),
    /// Records planned for a log file are no longer in the audit log (pruned).
    #[error("audit records {first}..={last} are no longer in the audit log")]
    RecordsGone {
        /// The first planned record.
        first: u64,
        /// The last planned record.
        last: u64,
    },
}

/// A trail whose delivery failed in a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailFailure {
    /// The trail's ARN.
    pub trail_arn: String,
    /// What failed (also stored as the trail's latest delivery error).
    pub error: String,
}

/// What a round delivered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Log files written.
    pub log_files: usize,
    /// Audit records written into them.
    pub records: u64,
    /// Digest files written.
    pub digest_files: usize,
    /// Trails whose delivery failed.
    pub failures: Vec<TrailFailure>,
}

/// The delivery worker: stateless between rounds (everything is in the store).
pub struct Delivery {
    store: Arc<dyn Store>,
    audit: Arc<dyn AuditLog>,
    keys: Arc<DigestKeys>,
    buckets_root: PathBuf,
    digest_interval: i64,
    /// Rounds never overlap (a final round at shutdown may start while a periodic one runs).
    round: Mutex<()>,
}

impl Delivery {
    /// A worker delivering from `audit` into buckets under `buckets_root`.
    #[must_use]
    pub fn new(
        store: Arc<dyn Store>,
        audit: Arc<dyn AuditLog>,
        keys: Arc<DigestKeys>,
        buckets_root: PathBuf,
        settings: DeliverySettings,
    ) -> Self {
        Self {
            store,
            audit,
            keys,
            buckets_root,
            digest_interval: i64::try_from(settings.digest_interval.as_secs())
                .unwrap_or(i64::MAX)
                .max(1),
            round: Mutex::new(()),
        }
    }

    /// Runs one round at `now` over every trail (synchronous: call it from
    /// `spawn_blocking`).
    ///
    /// # Errors
    ///
    /// [`DeliveryError`] if the trails cannot be listed; a trail's own failure is recorded
    /// as its latest delivery error and reported in [`DeliveryReport::failures`].
    pub fn deliver(&self, now: Timestamp) -> Result<DeliveryReport, DeliveryError> {
        // A poisoned lock only means an earlier round panicked; its state is in the store.
        let _round = self
            .round
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut report = DeliveryReport::default();
        for trail in self.store.read(|tx| tx.trails().list(None))? {
            if let Err(error) = self.deliver_trail(&trail, now, &mut report) {
                let error = error.to_string();
                // Best effort: if even this write fails, the failure is still reported.
                if let Ok(mut delivery) = self
                    .store
                    .read(|tx| tx.trails().delivery(&trail.account_id, &trail.name))
                {
                    delivery.latest_delivery_error = Some(error.clone());
                    let _ = self.store.write(|tx| {
                        tx.trails()
                            .set_delivery(&trail.account_id, &trail.name, &delivery)
                    });
                }
                report.failures.push(TrailFailure {
                    trail_arn: trail.arn.clone(),
                    error,
                });
            }
        }
        Ok(report)
    }

    fn deliver_trail(
        &self,
        trail: &TrailRecord,
        now: Timestamp,
        report: &mut DeliveryReport,
    ) -> Result<(), TrailError> {
        let Some(start) = trail.start_logging_time else {
            return Ok(()); // Never started logging.
        };
        let mut run = Run {
            delivery: self
                .store
                .read(|tx| tx.trails().delivery(&trail.account_id, &trail.name))?,
            state: TrailState::default(),
            trail,
            now,
        };
        run.state = TrailState::decode(&run.delivery.state)?;
        if run.state.epoch == Some(start) && run.state.closed && run.state.in_flight_logs.is_empty()
        {
            return Ok(()); // Stopped, and everything up to the stop was delivered.
        }
        self.finish_planned_logs(&mut run, report)?;
        if let Some(end) = run.state.digest.as_ref().and_then(|d| d.in_flight_end) {
            self.write_digests(&mut run, end, report)?;
        }
        let new_epoch = run.state.epoch != Some(start);
        if new_epoch {
            if run.state.epoch.is_some() && !run.state.closed {
                self.final_digest(&mut run, report)?;
            }
            run.state = TrailState {
                epoch: Some(start),
                delivered_through: run.state.delivered_through,
                ..TrailState::default()
            };
        }
        if run.state.closed {
            return self.persist(&mut run);
        }
        let now_seconds = now.as_second();
        match (&run.state.digest, trail.log_file_validation_enabled) {
            (None, true) => {
                // A new chain: from StartLogging in a new logging period, else from now
                // (validation was just enabled).
                let from = if new_epoch {
                    start.div_euclid(1000).min(now_seconds)
                } else {
                    now_seconds
                };
                run.state.digest = Some(DigestState {
                    start: from,
                    pending: Vec::new(),
                    previous: BTreeMap::new(),
                    in_flight_end: None,
                });
            }
            (Some(_), false) => run.state.digest = None,
            _ => {}
        }
        if let Some(digest) = &run.state.digest
            && digest.start.saturating_add(self.digest_interval) <= now_seconds
        {
            let periods = (now_seconds - digest.start) / self.digest_interval;
            let end = digest.start + periods * self.digest_interval;
            self.write_digests(&mut run, end, report)?;
        }
        self.plan_logs(&mut run)?;
        self.finish_planned_logs(&mut run, report)?;
        if !trail.logging {
            self.final_digest(&mut run, report)?;
            run.state.closed = true;
        }
        run.delivery.latest_delivery_error = None;
        self.persist(&mut run)
    }

    /// Scans the audit log for the trail's new events and records the log files to write.
    fn plan_logs(&self, run: &mut Run<'_>) -> Result<(), TrailError> {
        let window = EventWindow::of(run.trail);
        let mut through = run.state.delivered_through;
        let mut plans: Vec<PlannedLog> = Vec::new();
        loop {
            let batch = self.audit.records_after(through, SCAN_BATCH)?;
            let Some(last) = batch.last() else { break };
            through = last.sequence;
            for record in &batch {
                let Some(region) = window.region_of(record)? else {
                    continue;
                };
                match plans.last_mut() {
                    Some(plan)
                        if plan.region == region
                            && plan.last.saturating_add(1) == record.sequence
                            && record.sequence - plan.first < MAX_RECORDS_PER_FILE =>
                    {
                        plan.last = record.sequence;
                    }
                    _ => plans.push(PlannedLog {
                        region: region.clone(),
                        first: record.sequence,
                        last: record.sequence,
                        key: String::new(),
                    }),
                }
            }
        }
        if through == run.state.delivered_through {
            return Ok(());
        }
        for plan in &mut plans {
            plan.key = location(run.trail, &plan.region)
                .log_file_key(run.now, &unique_part(&run.trail.arn, plan.first, plan.last));
        }
        run.state.in_flight_logs = plans;
        run.state.in_flight_through = through;
        self.persist(run)
    }

    /// Writes the planned log files, then records them as delivered.
    fn finish_planned_logs(
        &self,
        run: &mut Run<'_>,
        report: &mut DeliveryReport,
    ) -> Result<(), TrailError> {
        if run.state.in_flight_through <= run.state.delivered_through
            && run.state.in_flight_logs.is_empty()
        {
            return Ok(());
        }
        let bucket = &run.trail.s3_bucket_name;
        for plan in std::mem::take(&mut run.state.in_flight_logs) {
            let count = usize::try_from(plan.last.saturating_sub(plan.first).saturating_add(1))
                .unwrap_or(usize::MAX);
            let records = self
                .audit
                .records_after(plan.first.saturating_sub(1), count)?;
            let gone = || TrailError::RecordsGone {
                first: plan.first,
                last: plan.last,
            };
            if records.first().map(|r| r.sequence) != Some(plan.first)
                || records.last().map(|r| r.sequence) != Some(plan.last)
            {
                return Err(gone());
            }
            let entries = records
                .iter()
                .map(|record| {
                    Ok(LogEntry {
                        link: record.link(),
                        event_time: event_time(record)?,
                    })
                })
                .collect::<Result<Vec<_>, TrailError>>()?;
            let file = LogFile::build(plan.key.clone(), &entries)?;
            bucket::put_object(
                &self.buckets_root,
                bucket,
                &file.key,
                &file.gzipped,
                &BTreeMap::new(),
            )?;
            report.log_files += 1;
            report.records += plan.last.saturating_sub(plan.first).saturating_add(1);
            run.delivery.latest_delivery_time = Some(run.now.as_millisecond());
            if let Some(digest) = &mut run.state.digest {
                digest.pending.push(PendingLog {
                    region: plan.region.clone(),
                    entry: DigestLogFile::for_file(bucket, &file),
                });
            }
        }
        run.state.delivered_through = run.state.delivered_through.max(run.state.in_flight_through);
        self.persist(run)
    }

    /// The digest closing a logging period: everything pending, up to now.
    fn final_digest(
        &self,
        run: &mut Run<'_>,
        report: &mut DeliveryReport,
    ) -> Result<(), TrailError> {
        let Some(digest) = &run.state.digest else {
            return Ok(());
        };
        // Digest keys have second precision: never end where the previous one ended.
        let end = run.now.as_second().max(digest.start.saturating_add(1));
        self.write_digests(run, end, report)
    }

    /// Writes the digests of the period ending at `end` (epoch seconds), one per Region.
    fn write_digests(
        &self,
        run: &mut Run<'_>,
        end: i64,
        report: &mut DeliveryReport,
    ) -> Result<(), TrailError> {
        let Some(digest) = &mut run.state.digest else {
            return Ok(());
        };
        if digest.in_flight_end != Some(end) {
            digest.in_flight_end = Some(end);
            self.persist(run)?;
        }
        let Some(digest) = &mut run.state.digest else {
            return Ok(());
        };
        let key = self.keys.signing_key();
        let start_time = seconds(digest.start)?;
        let end_time = seconds(end)?;
        let regions: BTreeSet<String> = std::iter::once(run.trail.home_region.clone())
            .chain(digest.pending.iter().map(|p| p.region.clone()))
            .chain(digest.previous.keys().cloned())
            .collect();
        for region in regions {
            let location = location(run.trail, &region);
            let object = location.digest_file_key(end_time);
            let files: Vec<DigestLogFile> = digest
                .pending
                .iter()
                .filter(|pending| pending.region == region)
                .map(|pending| pending.entry.clone())
                .collect();
            let previous = digest.previous.get(&region).map(PreviousDigest::from);
            let signed = DigestFile::new(
                &run.trail.account_id,
                start_time,
                end_time,
                &location.bucket,
                &object,
                key,
                previous.as_ref(),
                files,
            )
            .sign(key)?;
            let metadata = BTreeMap::from([
                ("signature".to_owned(), signed.signature_hex.clone()),
                (
                    "signature-algorithm".to_owned(),
                    SIGNATURE_ALGORITHM.to_owned(),
                ),
            ]);
            bucket::put_object(
                &self.buckets_root,
                &location.bucket,
                &signed.key,
                &signed.gzipped,
                &metadata,
            )?;
            digest
                .previous
                .insert(region, signed.as_previous(&location.bucket).into());
            report.digest_files += 1;
        }
        digest.start = end;
        digest.pending.clear();
        digest.in_flight_end = None;
        run.delivery.latest_digest_delivery_time = Some(run.now.as_millisecond());
        self.persist(run)
    }

    fn persist(&self, run: &mut Run<'_>) -> Result<(), TrailError> {
        run.delivery.state = run.state.encode()?;
        self.store.write(|tx| {
            tx.trails()
                .set_delivery(&run.trail.account_id, &run.trail.name, &run.delivery)
        })?;
        Ok(())
    }
}

/// One trail's round in progress.
struct Run<'a> {
    delivery: TrailDelivery,
    state: TrailState,
    trail: &'a TrailRecord,
    now: Timestamp,
}

/// Which records a trail receives.
pub(crate) struct EventWindow<'a> {
    trail: &'a TrailRecord,
    from: i64,
    until: i64,
}

/// The fields of a record that decide where it is delivered.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Routing {
    aws_region: String,
    event_source: String,
}

impl<'a> EventWindow<'a> {
    pub(crate) fn of(trail: &'a TrailRecord) -> Self {
        Self {
            trail,
            from: trail.start_logging_time.unwrap_or(i64::MAX),
            until: if trail.logging {
                i64::MAX
            } else {
                trail.stop_logging_time.unwrap_or(i64::MAX)
            },
        }
    }

    /// The Region the record is delivered under, or `None` if the trail does not receive it.
    pub(crate) fn region_of(
        &self,
        record: &StoredAuditRecord,
    ) -> Result<Option<String>, TrailError> {
        let stored = &record.record;
        if stored.account_id != self.trail.account_id
            || stored.event_time < self.from
            || stored.event_time >= self.until
        {
            return Ok(None);
        }
        let routing: Routing = serde_json::from_slice(&stored.body)?;
        let global = GLOBAL_SOURCES.contains(&routing.event_source.as_str())
            && routing.aws_region == GLOBAL_REGION;
        let in_region =
            self.trail.is_multi_region_trail || routing.aws_region == self.trail.home_region;
        let received = in_region && (!global || self.trail.include_global_service_events);
        Ok(received.then_some(routing.aws_region))
    }
}

/// Where the trail's files for `region` go.
#[must_use]
pub fn location(trail: &TrailRecord, region: &str) -> TrailLocation {
    TrailLocation {
        bucket: trail.s3_bucket_name.clone(),
        prefix: trail
            .s3_key_prefix
            .as_deref()
            .map(|prefix| prefix.trim_end_matches('/'))
            .filter(|prefix| !prefix.is_empty())
            .map(str::to_owned),
        account_id: trail.account_id.clone(),
        region: region.to_owned(),
        trail_name: trail.name.clone(),
        home_region: trail.home_region.clone(),
    }
}

/// The 16-character unique part of a log file key, derived from what the file holds so that
/// a file rebuilt after a crash lands on the same key.
fn unique_part(trail_arn: &str, first: u64, last: u64) -> String {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let hash = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        format!("{trail_arn}\n{first}\n{last}").as_bytes(),
    );
    hash.as_ref()
        .iter()
        .take(16)
        .filter_map(|byte| ALPHABET.get(usize::from(*byte) % ALPHABET.len()))
        .map(|byte| char::from(*byte))
        .collect()
}

fn event_time(record: &StoredAuditRecord) -> Result<Timestamp, TrailError> {
    Timestamp::from_millisecond(record.record.event_time).map_err(|_| {
        TrailError::Store(StoreError::Backend(format!(
            "audit record {} has an invalid event time",
            record.sequence
        )))
    })
}

fn seconds(epoch: i64) -> Result<Timestamp, TrailError> {
    Timestamp::from_second(epoch)
        .map_err(|_| TrailError::Store(StoreError::Backend("digest time out of range".to_owned())))
}

#[cfg(test)]
mod tests;
