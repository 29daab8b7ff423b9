//! The embedded SQLite backend of [`warden_store::Store`].
//!
//! # Invariants
//!
//! - **Durable writes.** The database runs in WAL mode with `synchronous=FULL`: a write
//!   transaction has been fsynced to the WAL when its method returns `Ok`, so `kill -9` at
//!   any moment loses nothing acknowledged.
//! - **One writer.** All writes go through one connection behind a mutex and run in
//!   `BEGIN IMMEDIATE` transactions, so rules spanning rows (the access-key quota, delete
//!   conflicts, case-insensitive uniqueness) are checked and applied atomically. Other
//!   processes opening the same file wait up to [`BUSY_TIMEOUT`] for the write lock.
//! - **Consistent reads.** Reads use a second, query-only connection (WAL lets it proceed
//!   while a write is in progress), each read in its own transaction, so a multi-query read
//!   such as [`Store::snapshot_source`](warden_store::Store::snapshot_source) sees one state.
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
mod policies;
mod snapshot;
mod store_impl;
mod trails;
mod users;

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, Transaction, TransactionBehavior};
use warden_store::StoreError;

use crate::failure::Outcome;

/// How long a write waits for another process's write lock before failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A [`warden_store::Store`] kept in one SQLite database file.
#[derive(Debug)]
pub struct SqliteStore {
    /// The only connection that writes.
    writer: Mutex<Connection>,
    /// A query-only connection for reads; `None` for an in-memory store, which has one
    /// connection only.
    reader: Option<Mutex<Connection>>,
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
        let (writer, reader) = connection::open_file(path)?;
        Ok(Self {
            writer: Mutex::new(writer),
            reader: Some(Mutex::new(reader)),
        })
    }

    /// A fresh, private, in-memory store (for tests). Nothing is persisted.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if SQLite cannot allocate the database.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Ok(Self {
            writer: Mutex::new(connection::open_memory()?),
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
        let connection = lock(&self.writer);
        connection
            .execute("VACUUM INTO ?1", [destination])
            .map_err(|error| {
                StoreError::Backend(format!("backup to {destination} failed: {error}"))
            })?;
        Ok(())
    }

    /// Runs `operation` in a `BEGIN IMMEDIATE` transaction on the writer; on success bumps
    /// the generation and commits (durably), on failure rolls back.
    fn write<T>(
        &self,
        operation: impl FnOnce(&Transaction<'_>) -> Outcome<T>,
    ) -> Result<T, StoreError> {
        let mut connection = lock(&self.writer);
        let run = || -> Outcome<T> {
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = operation(&transaction)?;
            transaction.execute(
                "UPDATE store_meta SET generation = generation + 1 WHERE id = 1",
                [],
            )?;
            transaction.commit()?;
            Ok(value)
        };
        Ok(run()?)
    }

    /// Runs `operation` in a read transaction on the reader (or the only connection).
    fn read<T>(
        &self,
        operation: impl FnOnce(&Transaction<'_>) -> Outcome<T>,
    ) -> Result<T, StoreError> {
        let mut connection = lock(self.reader.as_ref().unwrap_or(&self.writer));
        let run = || -> Outcome<T> {
            let transaction = connection.transaction()?;
            let value = operation(&transaction)?;
            transaction.commit()?;
            Ok(value)
        };
        Ok(run()?)
    }
}

/// Locks a connection. A panic in another thread cannot have left a transaction open
/// (rusqlite rolls back on drop), so a poisoned lock is safe to take over.
fn lock(connection: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    connection.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::{SqliteStore, lock};

    fn pragma(store: &SqliteStore, reader: bool, name: &str) -> String {
        let connection = if reader {
            lock(store.reader.as_ref().unwrap())
        } else {
            lock(&store.writer)
        };
        connection
            .query_row(&format!("PRAGMA {name}"), [], |row| {
                row.get::<_, rusqlite::types::Value>(0)
            })
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
