//! The syncer thread: makes written batches durable with one `fdatasync`, then answers
//! their callers and hands their records to the indexer.
//!
//! One flush covers every batch written before it started, so while the disk flushes, the
//! writer is already writing the next batch: writes and flushes overlap, and under load
//! each flush makes many batches durable. A caller is answered only after a flush that
//! began after its frames were written.
//!
//! If a flush fails, the page cache may have dropped the unwritten pages, so a later
//! successful flush proves nothing: the log turns *failed* and refuses every later append
//! until it is reopened (fail closed).

use std::fs::File;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, SyncSender};

use warden_store::{AppendReply, StoreError};

use super::indexer::Located;
use super::progress::Progress;

/// What the writer hands the syncer.
pub(super) enum ToSyncer {
    /// A batch written to `file`, to flush and answer.
    Written(Written),
    /// Answer `true` once everything sent before is durable, `false` if it cannot be.
    Barrier(SyncSender<bool>),
}

/// A written, not yet durable batch.
pub(super) struct Written {
    /// The segment it was written to.
    pub(super) file: Arc<File>,
    /// Its last sequence.
    pub(super) last: u64,
    /// Its records, for the indexer.
    pub(super) records: Vec<Located>,
    /// Each caller's reply channel and sequences.
    pub(super) replies: Vec<(AppendReply, Vec<u64>)>,
}

/// Runs the syncer until the writer is gone. `durable` false: nothing is flushed (a
/// throwaway log).
pub(super) fn run(
    batches: &Receiver<ToSyncer>,
    to_indexer: &Sender<Vec<Located>>,
    progress: &Progress,
    durable: bool,
) {
    // Once a flush failed, nothing is answered `Ok` again (see the module docs).
    let mut broken: Option<StoreError> = None;
    while let Ok(first) = batches.recv() {
        let mut group = vec![first];
        group.extend(batches.try_iter());
        let error = match &broken {
            Some(error) => Some(error.clone()),
            None => match if durable { flush(&group) } else { Ok(()) } {
                Ok(()) => None,
                Err(error) => {
                    let cause = format!("cannot flush the audit log to disk: {error}");
                    progress.fail(&cause);
                    broken = Some(StoreError::Backend(cause));
                    broken.clone()
                }
            },
        };
        if error.is_none() {
            let last = group.iter().filter_map(|item| match item {
                ToSyncer::Written(written) => Some(written.last),
                ToSyncer::Barrier(_) => None,
            });
            if let Some(last) = last.max() {
                progress.made_durable(last);
            }
        }
        for item in group {
            match item {
                ToSyncer::Barrier(done) => drop(done.send(error.is_none())),
                ToSyncer::Written(written) => {
                    if error.is_none() {
                        // An indexer that stopped has recorded why; readers see it.
                        drop(to_indexer.send(written.records));
                    }
                    for (reply, sequences) in written.replies {
                        // A caller that went away needs no answer.
                        drop(reply.send(error.clone().map_or(Ok(sequences), Err)));
                    }
                }
            }
        }
    }
}

/// `fdatasync` of every segment the group wrote to (almost always one).
fn flush(group: &[ToSyncer]) -> std::io::Result<()> {
    let mut flushed: Option<&Arc<File>> = None;
    for item in group {
        if let ToSyncer::Written(written) = item
            && flushed.is_none_or(|file| !Arc::ptr_eq(file, &written.file))
        {
            written.file.sync_data()?;
            flushed = Some(&written.file);
        }
    }
    Ok(())
}
