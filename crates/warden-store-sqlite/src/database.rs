//! The database file as other components sharing it open it: the audit journal
//! (`warden-journal`) keeps its lookup index in the store's database, in tables this
//! crate's migrations create, so it opens its connections here to get the current schema.

use std::path::Path;

use rusqlite::Connection;
use warden_store::StoreError;

use crate::connection;

/// Opens a writer and a query-only reader connection to the database file at `path`,
/// creating and migrating it as needed, with the store's settings (WAL, `synchronous=FULL`,
/// foreign keys, busy timeout); the caller may relax them on its own connections.
///
/// # Errors
///
/// As [`SqliteStore::open`](crate::SqliteStore::open).
pub fn open(path: &Path) -> Result<(Connection, Connection), StoreError> {
    connection::open_file(path)
}

/// Opens a private in-memory database with the current schema (for tests).
///
/// # Errors
///
/// [`StoreError::Backend`] if SQLite cannot allocate the database.
pub fn open_in_memory() -> Result<Connection, StoreError> {
    connection::open_memory()
}
