//! The composition root's choice of backend: the embedded SQLite store and the audit journal
//! beside it in the data directory.

use std::path::Path;
use std::sync::Arc;

use warden_journal::{JournalOptions, SqliteAuditLog};
use warden_server::{AUDIT_LINGER, Backend, ServeError};
use warden_store_sqlite::SqliteStore;

/// File name of the embedded database inside the data directory.
pub(crate) const DATABASE_FILE: &str = "warden.db";
/// Directory of the audit journal inside the data directory.
pub(crate) const AUDIT_JOURNAL_DIR: &str = "audit";

/// Opens (or creates) the store and the audit log of `warden serve` in `data_dir`; the
/// journal lingers for the server's idle workers ([`AUDIT_LINGER`]).
pub(crate) fn open_for_serving(data_dir: &Path) -> Result<Backend, ServeError> {
    let store = SqliteStore::open(&data_dir.join(DATABASE_FILE)).map_err(|error| {
        ServeError::Start(format!(
            "cannot open the database in {}: {error}",
            data_dir.display()
        ))
    })?;
    let audit = SqliteAuditLog::open_with(
        &data_dir.join(DATABASE_FILE),
        &data_dir.join(AUDIT_JOURNAL_DIR),
        JournalOptions {
            linger: AUDIT_LINGER,
            ..JournalOptions::default()
        },
    )
    .map_err(|error| {
        ServeError::Start(format!(
            "cannot open the audit log in {}: {error}",
            data_dir.display()
        ))
    })?;
    Ok(Backend {
        store: Arc::new(store),
        audit: Arc::new(audit),
    })
}
