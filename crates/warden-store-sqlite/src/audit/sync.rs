//! The syncer thread: makes committed batches durable with one `fdatasync` of the WAL file,
//! then answers their callers.
//!
//! The writer commits with `synchronous=NORMAL` (SQLite writes the WAL but does not fsync
//! it) and hands each committed batch here. One `fdatasync` covers every commit that
//! finished before it started, so while the disk flushes, the writer is already committing
//! the next batch: commits and flushes overlap, and each flush makes many batches durable.
//! A caller is answered only after a flush that began after its batch was committed.
//!
//! If a flush fails, the page cache may have dropped the unwritten pages, so a later
//! successful flush proves nothing: the log turns *failed* and refuses every later append
//! until it is reopened (fail closed).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::thread::{self, JoinHandle};

use warden_store::{AppendReply, StoreError};

/// A committed, not yet durable batch: each caller's reply channel and sequences.
pub(super) type Committed = Vec<(AppendReply, Vec<u64>)>;

/// Starts the syncer for the WAL file at `wal` (`None`: in memory, nothing to flush).
pub(super) fn spawn(
    wal: Option<PathBuf>,
    committed: Receiver<Committed>,
    failed: Arc<AtomicBool>,
) -> Result<JoinHandle<()>, StoreError> {
    thread::Builder::new()
        .name("warden-audit-sync".to_owned())
        .spawn(move || run(wal.as_deref(), &committed, &failed))
        .map_err(|error| StoreError::Backend(format!("cannot start the audit log syncer: {error}")))
}

fn run(wal: Option<&Path>, committed: &Receiver<Committed>, failed: &AtomicBool) {
    while let Ok(first) = committed.recv() {
        let mut batches = vec![first];
        batches.extend(committed.try_iter());
        let outcome = match wal {
            Some(path) => flush(path),
            None => Ok(()),
        };
        let answer = match outcome {
            Ok(()) => None,
            Err(error) => {
                failed.store(true, Ordering::SeqCst);
                Some(StoreError::Backend(format!(
                    "cannot flush the audit log to disk ({error}); the audit log refuses further records until Warden restarts"
                )))
            }
        };
        for (reply, sequences) in batches.into_iter().flatten() {
            // A caller that went away needs no answer.
            drop(reply.send(answer.clone().map_or(Ok(sequences), Err)));
        }
    }
}

/// `fdatasync` of the WAL file. It is opened anew each time (a few microseconds beside the
/// flush) so that the flush always reaches the file SQLite is writing, even if the WAL was
/// removed and re-created in between.
fn flush(path: &Path) -> std::io::Result<()> {
    File::open(path)?.sync_data()
}
