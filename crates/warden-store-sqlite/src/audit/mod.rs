//! [`SqliteAuditLog`]: the audit log in SQLite, with group commit.
//!
//! Appends are queued to one writer thread. It takes every append waiting in the queue (up
//! to [`MAX_BATCH_RECORDS`] records), writes them in one `BEGIN IMMEDIATE` transaction and
//! commits it to the WAL; a syncer thread then flushes the WAL (`fdatasync`) and only then
//! answers each caller (see `sync.rs`). While one batch commits or flushes, new appends
//! queue up and form the next batch, so under load many records share one flush. If a batch
//! fails, it is rolled back and every caller in it gets the error; if a flush fails, every
//! caller waiting on it gets the error and the log refuses all later appends (fail closed).

mod read;
mod sync;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use rusqlite::Connection;
use warden_audit::chain::Anchor;
use warden_store::{
    AuditLog, AuditPage, AuditQuery, NewAuditRecord, PendingAppend, StoreError, StoredAuditRecord,
};

use crate::connection;
use crate::lock;

/// The most records one group commit writes.
pub const MAX_BATCH_RECORDS: usize = 8192;

/// The WAL size, in pages, at which the audit writer checkpoints.
const WAL_AUTOCHECKPOINT_PAGES: i64 = 16_384;

/// A [`warden_store::AuditLog`] kept in an SQLite database file (it may be the same file as
/// the [`SqliteStore`](crate::SqliteStore)'s; the schema holds both).
#[derive(Debug)]
pub struct SqliteAuditLog {
    /// The queue to the writer thread; `None` once shut down.
    queue: Mutex<Option<mpsc::Sender<writer::Job>>>,
    /// The writer thread.
    worker: Mutex<Option<JoinHandle<()>>>,
    /// The connection that writes (used by the writer thread, and by pruning).
    writer: Arc<Mutex<Connection>>,
    /// A query-only connection; `None` in memory, where the writer also reads.
    reader: Option<Mutex<Connection>>,
}

impl SqliteAuditLog {
    /// Opens the audit log in the database at `path`, creating and migrating it as needed,
    /// and starts its writer thread.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] as for [`SqliteStore::open`](crate::SqliteStore::open), or if
    /// the writer thread cannot be started.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let (writer, reader) = connection::open_file(path)?;
        // The syncer flushes the WAL itself, overlapping flushes with the next commits.
        writer
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(|error| StoreError::Backend(format!("sqlite: {error}")))?;
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        Self::start(writer, Some(reader), Some(PathBuf::from(wal)))
    }

    /// A fresh, private, in-memory audit log (for tests). Nothing is persisted.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if SQLite cannot allocate the database or the writer thread
    /// cannot be started.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::start(connection::open_memory()?, None, None)
    }

    fn start(
        writer: Connection,
        reader: Option<Connection>,
        wal: Option<PathBuf>,
    ) -> Result<Self, StoreError> {
        // Checkpoint (copy the WAL into the database, two more fsyncs) every ~64 MiB of WAL
        // rather than SQLite's default ~4 MiB: appends are small and constant.
        writer
            .pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES)
            .map_err(|error| StoreError::Backend(format!("sqlite: {error}")))?;
        let writer = Arc::new(Mutex::new(writer));
        let (queue, jobs) = mpsc::channel();
        let worker = writer::spawn(Arc::clone(&writer), jobs, wal)?;
        Ok(Self {
            queue: Mutex::new(Some(queue)),
            worker: Mutex::new(Some(worker)),
            writer,
            reader: reader.map(Mutex::new),
        })
    }

    /// Runs a read on the reader connection (or the only one).
    fn read<T>(
        &self,
        operation: impl FnOnce(&Connection) -> crate::failure::Outcome<T>,
    ) -> Result<T, StoreError> {
        let mut connection = match &self.reader {
            Some(reader) => lock(reader),
            None => lock(&self.writer),
        };
        Ok(read::in_transaction(&mut connection, operation)?)
    }
}

impl AuditLog for SqliteAuditLog {
    fn submit(&self, records: Vec<NewAuditRecord>) -> PendingAppend {
        if records.is_empty() {
            return PendingAppend::ready(Ok(Vec::new()));
        }
        let (reply, pending) = PendingAppend::channel();
        let job = writer::Job { records, reply };
        let sent = self
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .is_some_and(|queue| queue.send(job).is_ok());
        if sent {
            pending
        } else {
            PendingAppend::ready(Err(StoreError::Backend(
                "the audit log writer has stopped".to_owned(),
            )))
        }
    }

    fn lookup(&self, query: &AuditQuery) -> Result<AuditPage, StoreError> {
        self.read(|connection| read::lookup(connection, query))
    }

    fn records_after(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<StoredAuditRecord>, StoreError> {
        self.read(|connection| read::records_after(connection, after, limit))
    }

    fn anchor(&self) -> Result<Anchor, StoreError> {
        self.read(read::anchor)
    }

    fn prune_before(&self, before: i64) -> Result<u64, StoreError> {
        let mut connection = lock(&self.writer);
        Ok(writer::prune_before(&mut connection, before)?)
    }
}

impl Drop for SqliteAuditLog {
    /// Closes the queue and waits for the writer to finish what was queued.
    fn drop(&mut self) {
        drop(
            self.queue
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
        if let Some(worker) = self
            .worker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            // A panicked writer has answered nobody; its callers already got an error.
            drop(worker.join());
        }
    }
}
