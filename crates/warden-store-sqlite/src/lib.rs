//! The embedded SQLite backend of [`warden_store::Store`].
//!
//! # Invariants
//!
//! - **Durable writes.** The database runs in WAL mode with `synchronous=FULL`: a write
//!   transaction has been fsynced to the WAL when its method returns `Ok`, so `kill -9` at
//!   any moment loses nothing acknowledged.
//! - **One writer, group commit.** All writes go through one connection behind a mutex and
//!   run in `BEGIN IMMEDIATE` transactions, so rules spanning rows (the access-key quota,
//!   delete conflicts, case-insensitive uniqueness) are checked and applied atomically.
//!   Concurrent writes share a transaction, each in its own savepoint, and one commit
//!   (`writer.rs`): one fsync for up to [`MAX_BATCH`] writes, none acknowledged before it.
//!   Other processes opening the same file wait up to [`BUSY_TIMEOUT`] for the write lock.
//! - **Consistent reads.** Reads use a second, query-only connection (WAL lets it proceed
//!   while a write is in progress), each read in its own transaction, so a multi-query read
//!   such as [`Tx::snapshot_source`] sees one state.
//! - **Versioned schema.** Migrations are numbered SQL files compiled into the binary and
//!   applied at open in one transaction; `PRAGMA user_version` records the version. A
//!   database written by a newer Warden is refused rather than misread.
//! - **The audit log** (`warden-journal`) is an append-only, hash-chained journal of
//!   segment files; this schema holds only its rebuildable lookup index (migration 4), and
//!   the journal opens the database through [`database`] so that the schema is current.
//! - Foreign keys are enforced; timestamps are `INTEGER` epoch milliseconds; secrets are the
//!   sealed bytes the caller supplies.
#![warn(missing_docs)]

mod access_keys;
mod accounts;
mod connection;
pub mod database;
mod failure;
mod groups;
mod holders;
mod identity_providers;
mod instance_profiles;
mod kms;
mod login_profiles;
mod managed_policies;
mod mfa_devices;
mod organizations;
mod paging;
mod password_policies;
mod policies;
mod roles;
mod server_certificates;
mod service_accesses;
mod service_credentials;
mod signing_certificates;
mod snapshot;
mod ssh_public_keys;
mod tags;
mod trails;
mod tx;
mod users;
mod writer;

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::Connection;
use warden_store::{CommitStats, OnCommit, Store, StoreError, Tx, WriteWork};

use crate::failure::Outcome;
use crate::tx::SqliteTx;
pub use crate::writer::MAX_BATCH;
use crate::writer::{Writer, lock};

/// How long a write waits for another process's write lock before failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A [`warden_store::Store`] kept in one SQLite database file.
pub struct SqliteStore {
    /// The only connection that writes, with its group commit.
    writer: Writer,
    /// A query-only connection for reads; `None` for an in-memory store, which has one
    /// connection only.
    reader: Option<Mutex<Connection>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens the database at `path`, creating it if it does not exist, and brings its schema
    /// up to date.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] with the path and cause when the directory does not exist,
    /// the file cannot be opened or is not a database, WAL mode cannot be enabled, or the
    /// schema is newer than this build.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_with_max_batch(path, MAX_BATCH)
    }

    /// [`SqliteStore::open`], sharing each commit among at most `max_batch` writes (1: every
    /// write commits alone). For measuring what sharing commits buys; `open` uses
    /// [`MAX_BATCH`].
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::open`].
    pub fn open_with_max_batch(path: &Path, max_batch: usize) -> Result<Self, StoreError> {
        let (writer, reader) = connection::open_file(path)?;
        Ok(Self {
            writer: Writer::new(writer, max_batch),
            reader: Some(Mutex::new(reader)),
        })
    }

    /// A fresh, private, in-memory store (for tests). Nothing is persisted; writes do not
    /// share commits (its reads use the writing connection).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if SQLite cannot allocate the database.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Ok(Self {
            writer: Writer::new(connection::open_memory()?, 1),
            reader: None,
        })
    }

    /// Writes a consistent copy of the whole database to `destination` (which must not
    /// exist), for backups. Writes wait while the copy is made; reads do not.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if `destination` exists or cannot be written.
    pub fn backup_to(&self, destination: &Path) -> Result<(), StoreError> {
        let destination = destination.to_str().ok_or_else(|| {
            StoreError::Backend(format!(
                "backup path {} is not valid UTF-8",
                destination.display()
            ))
        })?;
        self.writer.with_connection(|connection| {
            connection
                .execute("VACUUM INTO ?1", [destination])
                .map_err(|error| {
                    StoreError::Backend(format!("backup to {destination} failed: {error}"))
                })
        })?;
        Ok(())
    }

    /// Runs `read` in a read transaction on the reader (or the only connection).
    fn read_on<T>(&self, read: impl FnOnce(&Connection) -> Outcome<T>) -> Result<T, StoreError> {
        let run = |connection: &mut Connection| -> Outcome<T> {
            let transaction = connection.transaction()?;
            let value = read(&transaction)?;
            transaction.commit()?;
            Ok(value)
        };
        Ok(match &self.reader {
            Some(reader) => run(&mut lock(reader)),
            None => self.writer.with_connection(run),
        }?)
    }
}

impl Store for SqliteStore {
    fn run_read(&self, work: &mut dyn FnMut(&dyn Tx)) -> Result<(), StoreError> {
        self.read_on(|connection| {
            work(&SqliteTx::new(connection));
            Ok(())
        })
    }

    fn run_write(&self, work: &mut WriteWork<'_>, on_commit: OnCommit) -> Result<(), StoreError> {
        self.writer.run(work, on_commit)
    }

    fn generation(&self) -> Result<u64, StoreError> {
        self.read_on(snapshot::generation)
    }

    fn commit_stats(&self) -> CommitStats {
        self.writer.stats()
    }
}

#[cfg(test)]
mod tests {
    use super::{SqliteStore, lock};

    fn pragma(store: &SqliteStore, reader: bool, name: &str) -> String {
        let connection = if reader {
            lock(store.reader.as_ref().unwrap()).query_row(&format!("PRAGMA {name}"), [], |row| {
                row.get::<_, rusqlite::types::Value>(0)
            })
        } else {
            store.writer.with_connection(|connection| {
                connection.query_row(&format!("PRAGMA {name}"), [], |row| {
                    row.get::<_, rusqlite::types::Value>(0)
                })
            })
        };
        connection
            .map(|value| match value {
                rusqlite::types::Value::Integer(i) => i.to_string(),
                rusqlite::types::Value::Text(t) => t,
                other => format!("{other:?}"),
            })
            .unwrap()
    }

    #[test]
    fn connections_are_durable_and_enforce_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("warden.sqlite")).unwrap();
        for reader in [false, true] {
            assert_eq!(pragma(&store, reader, "journal_mode"), "wal");
            assert_eq!(pragma(&store, reader, "synchronous"), "2", "FULL");
            assert_eq!(pragma(&store, reader, "foreign_keys"), "1");
            assert_eq!(pragma(&store, reader, "busy_timeout"), "5000");
        }
        assert_eq!(pragma(&store, true, "query_only"), "1");
        assert_eq!(pragma(&store, false, "query_only"), "0");
        let memory = SqliteStore::open_in_memory().unwrap();
        assert_eq!(pragma(&memory, false, "foreign_keys"), "1");
    }
}
