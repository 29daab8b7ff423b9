//! The syncer threads: make written batches durable with one `fdatasync`, then tell the
//! indexer how far the journal is durable and answer the batches' callers.
//!
//! One flush covers every batch written before it started (the writer writes them in
//! chain order to the same file), so under load each flush makes many batches durable. A
//! caller is answered only after a flush that began after its frames were written.
//!
//! There are [`SYNCERS`](super::SYNCERS) syncers taking turns at the queue: with more
//! than one, while one flushes, the writer writes the next batch and another syncer starts
//! flushing it at once, instead of waiting for the first flush to end. Each syncer flushes
//! through its own file descriptor (see `OpenSegment`). One is used: measured on the
//! two-core test machine, three overlapping syncers gained nothing on the journal
//! benchmark (both far above need) and, in the server, whose writer batches by idleness
//! (`inbox.rs`), their overlapping flushes slowed each other on the device and raised p99
//! latency (figures: docs/BENCHMARKS.md, "Figures behind design choices"). The count stays
//! a constant so that faster devices can be measured with more.
//!
//! If a flush fails, the page cache may have dropped the unwritten pages, so a later
//! successful flush proves nothing: the log turns *failed* and refuses every later append
//! until it is reopened (fail closed), and no syncer answers `Ok` any more.

use std::sync::mpsc::{Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex, PoisonError};

use warden_store::{AppendReply, StoreError};

use super::progress::Progress;
use super::segment::OpenSegment;

/// What the writer hands the syncers.
pub(super) enum ToSyncer {
    /// A batch written to a segment, to flush and answer.
    Written(Written),
    /// Answer `true` once everything written to the segment before is durable, `false` if
    /// it cannot be.
    Barrier(Arc<OpenSegment>, SyncSender<bool>),
}

/// A written, not yet durable batch.
pub(super) struct Written {
    /// The segment it was written to.
    pub(super) file: Arc<OpenSegment>,
    /// Its last sequence.
    pub(super) last: u64,
    /// Each caller's reply channel and sequences.
    pub(super) replies: Vec<(AppendReply, Vec<u64>)>,
}

/// Runs syncer number `syncer` (below [`SYNCERS`](super::SYNCERS)) until the writer is gone. `durable`
/// false: nothing is flushed (a throwaway log).
pub(super) fn run(
    syncer: usize,
    batches: &Mutex<Receiver<ToSyncer>>,
    to_indexer: &Sender<u64>,
    progress: &Progress,
    durable: bool,
) {
    loop {
        let group = {
            let batches = batches.lock().unwrap_or_else(PoisonError::into_inner);
            let Ok(first) = batches.recv() else { return };
            let mut group = vec![first];
            group.extend(batches.try_iter());
            group
        };
        let flushed = if durable {
            flush(&group, syncer)
        } else {
            Ok(())
        };
        let error = match flushed {
            Err(error) => {
                let cause = format!("cannot flush the audit log to disk: {error}");
                progress.fail(&cause);
                Some(StoreError::Backend(cause))
            }
            // Another syncer's flush failed: nothing is acknowledged any more.
            Ok(()) => progress.refusal(),
        };
        if error.is_none() {
            let last = group.iter().filter_map(|item| match item {
                ToSyncer::Written(written) => Some(written.last),
                ToSyncer::Barrier(..) => None,
            });
            if let Some(last) = last.max() {
                progress.made_durable(last);
                // An indexer that stopped has recorded why; readers see it.
                to_indexer.send(last).ok();
            }
        }
        for item in group {
            match item {
                ToSyncer::Barrier(_, done) => drop(done.send(error.is_none())),
                ToSyncer::Written(written) => {
                    for (reply, sequences) in written.replies {
                        // A caller that went away needs no answer.
                        drop(reply.send(error.clone().map_or(Ok(sequences), Err)));
                    }
                }
            }
        }
    }
}

/// `fdatasync` of every segment the group wrote to (almost always one), through this
/// syncer's descriptor.
fn flush(group: &[ToSyncer], syncer: usize) -> std::io::Result<()> {
    let mut flushed: Option<&Arc<OpenSegment>> = None;
    for item in group {
        let file = match item {
            ToSyncer::Written(written) => &written.file,
            ToSyncer::Barrier(file, _) => file,
        };
        if flushed.is_none_or(|done| !Arc::ptr_eq(done, file)) {
            let descriptor = file.flushers.get(syncer).unwrap_or(&file.writer);
            descriptor.sync_data()?;
            flushed = Some(file);
        }
    }
    Ok(())
}
