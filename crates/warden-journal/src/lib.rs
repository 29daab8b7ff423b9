//! The audit journal. [`SqliteAuditLog`] is Warden's [`AuditLog`]: an append-only,
//! hash-chained journal with group commit, indexed in SQLite (the store's database, opened
//! through `warden_store_sqlite::database`) for LookupEvents. `README.md` lists its
//! invariants.
//!
//! # Design
//!
//! - **The journal is the record of truth.** It is a directory of segment files
//!   (`journal-<first sequence>.log`, a new one every [`JournalOptions::segment_bytes`]).
//!   Each record is a frame: its sequence, `prev_hash`, `hash` (the chain link of
//!   `warden_audit::chain`), every field of the [`NewAuditRecord`], and a CRC-32C, so a torn
//!   or damaged frame is detected (`frame.rs`). The next segment is prepared in the
//!   background, zero-filled, so that flushes overwrite allocated blocks instead of growing
//!   the file (which costs a file-system journal commit per flush; `segment.rs`). Pruning
//!   moves the *anchor* (a small file replaced atomically) and removes segments holding
//!   only pruned records.
//! - **Group commit.** Submissions queue to a writer thread (`inbox.rs`). It takes every queued
//!   submission (up to [`MAX_BATCH_RECORDS`] records), links the records into the chain,
//!   encodes their frames and appends them with one `write` (`writer.rs`). A syncer thread
//!   flushes (`fdatasync`) while the writer writes the next batch, and answers a submission
//!   only after a flush that began after its frames were written (`sync.rs`). So under
//!   load one flush covers many records, and a caller waits for about one flush. Nothing
//!   is answered before it is durable. With a *linger*
//!   ([`JournalOptions::linger`], the server's choice), the writer holds submissions until
//!   the submitters say they are idle or the linger runs out, so that commits do not take
//!   CPU from the calls when they share cores (`inbox.rs`).
//! - **Fail closed.** If a write or flush fails, the callers of that batch get
//!   [`StoreError::Backend`] and the log refuses every later append until it is reopened
//!   (after a failed flush the kernel may have dropped the pages, so a later successful
//!   flush would prove nothing). As with any failed flush, records of a failed batch may
//!   still reach the disk; the calls that produced them failed all the same.
//! - **Recovery.** A segment is started only once the previous one is durable, so only the
//!   last segment can end in a torn frame; opening truncates it there (those records were
//!   never acknowledged; the cut bytes are kept aside in `<segment>.torn-at-<offset>`),
//!   flushes what remains and continues the chain from the last complete record
//!   (`recovery.rs`).
//! - **The SQLite tables are a derived index.** A background indexer thread reads durable
//!   records back from the journal and copies their lookup fields, with each frame's
//!   location, into SQLite in large transactions that are not flushed on their own; each
//!   records how far it got, and opening re-indexes the journal from there (`indexer.rs`).
//!   Lookups find locations in the index and read the records from the journal;
//!   chain-order reads ([`AuditLog::records_after`], hence verification) read the journal
//!   itself. Both first wait until the index holds every record that was durable when they
//!   started (read-your-writes). The index is three B-trees that grow at their ends
//!   (migration 4 explains the choice); a lookup filtered by an attribute scans the
//!   account's records newest first.
//!
//! Why not SQLite as the log: each record cost an insert into a table with seven indexes
//! inside the commit path, which capped group commit far below the journal's rate. Here the commit path is a hash, a checksum, an encoding and a sequential
//! write. Indexing still costs CPU and disk writes, so the indexer works in paced rounds
//! (at most about half a core), at a lower priority than the calls (`background.rs`), and,
//! under a sustained load above what it indexes in that share, falls behind; it catches
//! up when the load eases, and a lookup meanwhile waits for it (lookups are rare; appends
//! are every call).
//!
//! Throughput is measured with `benches/audit_append.rs`; the figures, and those behind
//! the choices in `inbox.rs`, `sync.rs`, `background.rs` and `segment.rs`, are in
//! `docs/BENCHMARKS.md` ("Figures behind design choices").
#![warn(missing_docs)]

mod anchor;
mod background;
mod crc32c;
mod error;
mod failure;
mod frame;
mod inbox;
mod indexer;
mod progress;
mod prune;
mod read;
mod recovery;
mod scan;
mod scratch;
mod segment;
mod sync;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rusqlite::Connection;
use warden_audit::chain::Anchor;
use warden_store::{
    AuditLog, AuditPage, AuditQuery, NewAuditRecord, PendingAppend, StoreError, StoredAuditRecord,
};

use self::error::JournalError;
use self::progress::Progress;

/// The most records one group commit writes.
pub const MAX_BATCH_RECORDS: usize = 8192;

/// How many syncer threads flush in turn (see `sync.rs` for why one).
const SYNCERS: usize = 1;

/// The index writer's page cache, in KiB, as SQLite's `cache_size` takes it (negative).
const INDEX_CACHE_KIB: i64 = -65_536;

/// The WAL size, in pages, at which the index connection checkpoints.
const WAL_AUTOCHECKPOINT_PAGES: i64 = 16_384;

/// How the journal is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JournalOptions {
    /// The size at which a segment is full and the next write starts a new one
    /// (default 64 MiB). Pruning removes whole segments.
    pub segment_bytes: u64,
    /// How long the writer may hold submitted records, waiting for the submitters to say
    /// they are idle ([`AuditLog::submitters_idle`]), so that one commit takes more of them
    /// (default zero: commit at once). Only for submitters that say so: the others' records
    /// would wait this long every time. See `inbox.rs`.
    pub linger: Duration,
}

impl Default for JournalOptions {
    fn default() -> Self {
        Self {
            segment_bytes: 64 * 1024 * 1024,
            linger: Duration::ZERO,
        }
    }
}

/// A [`warden_store::AuditLog`]: a journal directory (the record of truth) indexed in an
/// SQLite database (which may be the [`SqliteStore`](warden_store_sqlite::SqliteStore)'s file).
#[derive(Debug)]
pub struct SqliteAuditLog {
    /// The submissions waiting for the writer thread.
    inbox: Arc<inbox::Inbox>,
    /// The writer, syncer and indexer threads, in the order they stop.
    threads: Vec<JoinHandle<()>>,
    /// The index connection that writes (the indexer's, and pruning's).
    index_writer: Arc<Mutex<Connection>>,
    /// A query-only index connection; `None` in memory, where `index_writer` also reads.
    reader: Option<Mutex<Connection>>,
    /// The journal directory.
    journal: PathBuf,
    /// Whether files are flushed (false only for [`SqliteAuditLog::open_in_memory`]).
    durable: bool,
    /// What the threads have achieved.
    progress: Arc<Progress>,
    /// Where the stored chain starts.
    anchor: Mutex<Anchor>,
    /// Held for reading while reading segments, for writing while removing them.
    segments: RwLock<()>,
    /// The throwaway journal directory of an in-memory log (removed after the threads stop).
    _scratch: Option<scratch::Scratch>,
    /// The journal's lock file, locked exclusively while this log is open.
    _lock: std::fs::File,
}

/// Locks a connection. A panic in another thread cannot have left a transaction open
/// (rusqlite rolls back on drop), so a poisoned lock is safe to take over.
fn lock(connection: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    connection.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The lock file inside the journal directory.
const LOCK_FILE: &str = "LOCK";

/// Locks the journal directory for this process: a second open (another `warden serve`, or
/// `warden audit verify` beside a running server) would recover — truncate — a segment the
/// first is still writing.
fn lock_journal(journal: &Path) -> Result<std::fs::File, StoreError> {
    let fail = |error: std::io::Error| {
        StoreError::Backend(format!(
            "cannot lock the audit journal {}: {error}",
            journal.display()
        ))
    };
    std::fs::create_dir_all(journal).map_err(fail)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(journal.join(LOCK_FILE))
        .map_err(fail)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Backend(format!(
            "the audit journal {} is in use by another process (is `warden serve` running on this data directory?)",
            journal.display()
        ))),
        Err(std::fs::TryLockError::Error(error)) => Err(fail(error)),
    }
}

impl SqliteAuditLog {
    /// Opens the audit log whose journal is the directory `journal_dir` (created if
    /// missing) and whose index is in the database `index_db` (created and migrated as
    /// needed): recovers the journal, brings the index level with it, and starts the
    /// writer, syncer and indexer threads.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] as for [`SqliteStore::open`](warden_store_sqlite::SqliteStore::open), if the
    /// journal cannot be read or created, is corrupt before its last frame, or a thread
    /// cannot be started.
    pub fn open(index_db: &Path, journal_dir: &Path) -> Result<Self, StoreError> {
        Self::open_with(index_db, journal_dir, JournalOptions::default())
    }

    /// [`SqliteAuditLog::open`] with a given journal layout.
    ///
    /// # Errors
    ///
    /// As [`SqliteAuditLog::open`].
    pub fn open_with(
        index_db: &Path,
        journal_dir: &Path,
        options: JournalOptions,
    ) -> Result<Self, StoreError> {
        let (writer, reader) = warden_store_sqlite::database::open(index_db)?;
        let sqlite = |error: rusqlite::Error| StoreError::Backend(format!("sqlite: {error}"));
        // The index is rebuilt from the journal after a crash: its commits need no flush.
        // (NORMAL still flushes checkpoints, which may carry the store's own commits.)
        writer
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(sqlite)?;
        writer
            .pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES)
            .map_err(sqlite)?;
        // Index inserts land all over six B-trees: keep their pages cached.
        writer
            .pragma_update(None, "cache_size", INDEX_CACHE_KIB)
            .map_err(sqlite)?;
        Self::start(writer, Some(reader), journal_dir, true, options, None)
    }

    /// A fresh, private audit log for tests: the index in memory, the journal in a
    /// temporary directory removed when the log is dropped, nothing flushed.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if the temporary directory, the database or a thread cannot
    /// be created.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let scratch = scratch::Scratch::new().map_err(|error| {
            StoreError::Backend(format!("cannot create a temporary audit journal: {error}"))
        })?;
        let directory = scratch.path().to_owned();
        let options = JournalOptions::default();
        let index = warden_store_sqlite::database::open_in_memory()?;
        Self::start(index, None, &directory, false, options, Some(scratch))
    }

    fn start(
        index: Connection,
        reader: Option<Connection>,
        journal: &Path,
        durable: bool,
        options: JournalOptions,
        scratch: Option<scratch::Scratch>,
    ) -> Result<Self, StoreError> {
        let lock = lock_journal(journal)?;
        let recovered = recovery::open(journal, durable, options.segment_bytes)?;
        let head = recovered.appender.head.sequence;
        let index_writer = Arc::new(Mutex::new(index));
        indexer::catch_up(&index_writer, journal, &recovered.anchor, head)?;
        // The indexer goes on from the end of the journal.
        let position = indexer::Position {
            indexed: head,
            segment: Some(recovered.appender.first),
            offset: recovered.appender.len,
        };
        let progress = Arc::new(Progress::new(head));
        let inbox = Arc::new(inbox::Inbox::new(options.linger));
        let writer_inbox = Arc::clone(&inbox);
        let (to_syncer, written) = mpsc::channel();
        let (to_indexer, durable_through) = mpsc::channel();
        let mut threads = Vec::new();
        let spawn = |name: &str, body: Box<dyn FnOnce() + Send>| {
            thread::Builder::new()
                .name(format!("warden-audit-{name}"))
                .spawn(body)
                .map_err(|error| {
                    StoreError::Backend(format!("cannot start the audit log {name}: {error}"))
                })
        };
        let (writer_progress, syncer_progress, indexer_progress) = (
            Arc::clone(&progress),
            Arc::clone(&progress),
            Arc::clone(&progress),
        );
        let indexer_connection = Arc::clone(&index_writer);
        let indexer_journal = journal.to_owned();
        let appender = recovered.appender;
        // Started in reverse, so each thread's consumer exists; they stop in queue order.
        let indexer = spawn(
            "indexer",
            Box::new(move || {
                background::lower_priority(background::INDEXER_NICE);
                indexer::run(
                    &indexer_connection,
                    &indexer_journal,
                    position,
                    &durable_through,
                    &indexer_progress,
                );
            }),
        )?;
        let written = Arc::new(Mutex::new(written));
        let mut syncers = Vec::new();
        for syncer in 0..SYNCERS {
            let (written, to_indexer) = (Arc::clone(&written), to_indexer.clone());
            let progress = Arc::clone(&syncer_progress);
            syncers.push(spawn(
                "syncer",
                Box::new(move || sync::run(syncer, &written, &to_indexer, &progress, durable)),
            )?);
        }
        drop(to_indexer);
        let writer = spawn(
            "writer",
            Box::new(move || writer::run(appender, &writer_inbox, &to_syncer, &writer_progress)),
        )?;
        threads.push(writer);
        threads.extend(syncers);
        threads.push(indexer);
        Ok(Self {
            inbox,
            threads,
            index_writer,
            reader: reader.map(Mutex::new),
            journal: journal.to_owned(),
            durable,
            progress,
            anchor: Mutex::new(recovered.anchor),
            segments: RwLock::new(()),
            _scratch: scratch,
            _lock: lock,
        })
    }

    /// Runs a read on the index's reader connection (or the only one).
    fn read_index<T>(
        &self,
        operation: impl FnOnce(&Connection) -> failure::Outcome<T>,
    ) -> Result<T, StoreError> {
        let mut connection = match &self.reader {
            Some(reader) => lock(reader),
            None => lock(&self.index_writer),
        };
        Ok(read::in_transaction(&mut connection, operation)?)
    }
}

impl AuditLog for SqliteAuditLog {
    fn submit(&self, records: Vec<NewAuditRecord>) -> PendingAppend {
        if records.is_empty() {
            return PendingAppend::ready(Ok(Vec::new()));
        }
        if let Some(refusal) = self.progress.refusal() {
            return PendingAppend::ready(Err(refusal));
        }
        let (reply, pending) = PendingAppend::channel();
        let job = writer::Job { records, reply };
        if self.inbox.submit(job).is_ok() {
            pending
        } else {
            PendingAppend::ready(Err(StoreError::Backend(
                "the audit log writer has stopped".to_owned(),
            )))
        }
    }

    fn submitters_idle(&self) {
        self.inbox.submitters_idle();
    }

    fn lookup(&self, query: &AuditQuery) -> Result<AuditPage, StoreError> {
        self.progress.wait_for_index()?;
        let _segments = self.segments.read().unwrap_or_else(PoisonError::into_inner);
        let (locations, more) = self.read_index(|connection| read::lookup(connection, query))?;
        let records = locations
            .into_iter()
            .map(|location| read::record_at(&self.journal, location))
            .collect::<Result<Vec<_>, JournalError>>()?;
        Ok(read::page(records, more))
    }

    fn records_after(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<StoredAuditRecord>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        self.progress.wait_for_index()?;
        let head = self.progress.durable();
        let _segments = self.segments.read().unwrap_or_else(PoisonError::into_inner);
        match self.read_index(|connection| read::first_after(connection, after))? {
            Some(start) => read::records_from(&self.journal, start, head, limit),
            None => Ok(Vec::new()),
        }
    }

    fn anchor(&self) -> Result<Anchor, StoreError> {
        Ok(*self.anchor.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn prune_before(&self, before: i64) -> Result<u64, StoreError> {
        self.progress.wait_for_index()?;
        let _segments = self
            .segments
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let mut connection = lock(&self.index_writer);
        prune::prune_before(
            &mut connection,
            &self.journal,
            self.durable,
            before,
            &self.anchor,
        )
    }

    fn stats(&self) -> warden_store::AuditStats {
        self.progress.stats()
    }
}

impl Drop for SqliteAuditLog {
    /// Closes the queue and waits for the threads to write, flush, answer and index what
    /// was queued.
    fn drop(&mut self) {
        self.inbox.close();
        self.progress.close();
        for thread in self.threads.drain(..) {
            // A panicked thread has answered nobody further; its callers got an error.
            drop(thread.join());
        }
    }
}
