//! The writer thread: takes every queued submission, links the records into the chain,
//! encodes their frames and appends the whole batch to the current segment with one
//! write, then hands the batch to the syncer (which answers the callers once it is on
//! stable storage).

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Sender};
use std::thread::{self, JoinHandle};

use warden_audit::chain::{Anchor, Link};
use warden_store::{AppendReply, NewAuditRecord, StoreError};

use super::background;
use super::frame;
use super::inbox::Inbox;
use super::progress::Progress;
use super::segment::{self, OpenSegment};
use super::sync::{ToSyncer, Written};
use super::{JournalError, MAX_BATCH_RECORDS, SYNCERS};

/// One caller's submission, waiting for its batch to be durable.
#[derive(Debug)]
pub(super) struct Job {
    /// The records to append, in order.
    pub(super) records: Vec<NewAuditRecord>,
    /// Where to send the sequences (or the error).
    pub(super) reply: AppendReply,
}

/// The end of the journal the writer appends to.
pub(super) struct Appender {
    /// The journal directory.
    pub(super) directory: PathBuf,
    /// Whether to flush segment creations (false only for throwaway logs).
    pub(super) durable: bool,
    /// The size at which a segment is full and the next batch starts a new one.
    pub(super) segment_bytes: u64,
    /// The first sequence of the current segment.
    pub(super) first: u64,
    /// The current segment, open for appending and flushing.
    pub(super) file: Arc<OpenSegment>,
    /// Its length in bytes.
    pub(super) len: u64,
    /// The last record written.
    pub(super) head: Anchor,
    /// The next segment, being prepared in the background (see `segment::prepare`).
    pub(super) next: Option<JoinHandle<Result<File, JournalError>>>,
}

/// Runs the writer until `inbox` is closed and empty.
pub(super) fn run(
    mut appender: Appender,
    inbox: &Inbox,
    to_syncer: &Sender<ToSyncer>,
    progress: &Progress,
) {
    let mut buffer = Vec::new();
    while let Some(batch) = inbox.next_batch(MAX_BATCH_RECORDS) {
        if let Some(refusal) = progress.refusal() {
            answer_all(batch, &refusal);
            continue;
        }
        let records = batch.iter().map(|job| job.records.len()).sum();
        let written = appender.append(batch, &mut buffer, to_syncer);
        match written {
            Ok(Some(written)) => {
                progress.batches.observe(records);
                if let Err(mpsc::SendError(ToSyncer::Written(written))) =
                    to_syncer.send(ToSyncer::Written(written))
                {
                    let error = StoreError::Backend("the audit log syncer has stopped".to_owned());
                    for (reply, _) in written.replies {
                        drop(reply.send(Err(error.clone())));
                    }
                }
            }
            Ok(None) => {}
            Err((replies, error)) => {
                progress.fail(&error.to_string());
                let error = StoreError::from(error);
                for reply in replies {
                    drop(reply.send(Err(error.clone())));
                }
            }
        }
    }
}

/// A batch that could not be written: its callers and why.
type Failed = (Vec<AppendReply>, JournalError);

impl Appender {
    /// Writes `batch` (rotating first if the segment is full). Callers whose records
    /// cannot be encoded are answered at once; `None` if nobody is left.
    fn append(
        &mut self,
        batch: Vec<Job>,
        buffer: &mut Vec<u8>,
        to_syncer: &Sender<ToSyncer>,
    ) -> Result<Option<Written>, Failed> {
        if self.len >= self.segment_bytes
            && let Err(error) = self.rotate(to_syncer)
        {
            return Err((batch.into_iter().map(|job| job.reply).collect(), error));
        }
        buffer.clear();
        let mut head = self.head;
        let mut replies = Vec::with_capacity(batch.len());
        for job in batch {
            let (job_start, head_before) = (buffer.len(), head);
            let mut sequences = Vec::with_capacity(job.records.len());
            let mut refused = None;
            for record in &job.records {
                let link = Link::after(&head, &record.body);
                if let Err(error) = frame::encode(buffer, &link, record) {
                    refused = Some(error);
                    break;
                }
                head = link.as_anchor();
                sequences.push(head.sequence);
            }
            if let Some(error) = refused {
                // Only this caller fails; the batch goes on without its records.
                buffer.truncate(job_start);
                head = head_before;
                drop(job.reply.send(Err(StoreError::Backend(format!(
                    "cannot append an audit record: {error}"
                )))));
            } else {
                replies.push((job.reply, sequences));
            }
        }
        if replies.is_empty() {
            return Ok(None);
        }
        let path = segment::path_of(&self.directory, self.first);
        if let Err(error) = self.file.writer.write_all_at(buffer, self.len) {
            let replies = replies.into_iter().map(|(reply, _)| reply).collect();
            return Err((replies, JournalError::io(&path)(error)));
        }
        self.len = self
            .len
            .saturating_add(u64::try_from(buffer.len()).unwrap_or(u64::MAX));
        self.head = head;
        self.prepare_next();
        Ok(Some(Written {
            file: Arc::clone(&self.file),
            last: head.sequence,
            replies,
        }))
    }

    /// Starts a new segment once everything written to the current one is durable, so
    /// that only the last segment can ever have a torn tail.
    fn rotate(&mut self, to_syncer: &Sender<ToSyncer>) -> Result<(), JournalError> {
        let path = segment::path_of(&self.directory, self.first);
        let (done, flushed) = mpsc::sync_channel(1);
        let flushed = to_syncer
            .send(ToSyncer::Barrier(Arc::clone(&self.file), done))
            .ok()
            .and_then(|()| flushed.recv().ok());
        if flushed != Some(true) {
            return Err(JournalError::io(&path)(std::io::Error::other(
                "the segment could not be flushed before starting the next one",
            )));
        }
        let first = self.head.sequence.saturating_add(1);
        // A preparation still running is not waited for (the calls would): it serves the
        // next rotation, and this one starts a plain segment.
        let prepared = match self.next.take() {
            Some(preparing) if !preparing.is_finished() => {
                self.next = Some(preparing);
                None
            }
            preparing => preparing.map(JoinHandle::join),
        };
        let file = match prepared {
            Some(Ok(Ok(file))) => {
                segment::install(&self.directory, first)?;
                file
            }
            // Not prepared (or that failed): a plain new segment.
            _ => segment::create(&self.directory, first, self.durable)?,
        };
        let path = segment::path_of(&self.directory, first);
        self.file = Arc::new(OpenSegment::new(file, &path, SYNCERS)?);
        self.first = first;
        self.len = segment::FIRST_FRAME;
        Ok(())
    }
}

impl Appender {
    /// Starts preparing the next segment once the current one is half full (so that a
    /// short-lived log prepares nothing), unless that is under way. The preparation goes
    /// slowly on purpose (see `segment::prepare`).
    fn prepare_next(&mut self) {
        if !self.durable || self.next.is_some() || self.len < self.segment_bytes / 2 {
            return;
        }
        let (directory, bytes) = (self.directory.clone(), self.segment_bytes);
        // If no thread can be started, rotation creates a plain segment instead.
        self.next = thread::Builder::new()
            .name("warden-audit-prepare".to_owned())
            .spawn(move || {
                background::lower_priority(background::PREPARER_NICE);
                segment::prepare(&directory, bytes)
            })
            .ok();
    }
}

fn answer_all(batch: Vec<Job>, error: &StoreError) {
    for job in batch {
        drop(job.reply.send(Err(error.clone())));
    }
}
