//! The index's internal error type: a domain error or an SQLite error, turned into a
//! [`StoreError`] at the trait boundary.

use warden_store::StoreError;

/// The result of an internal store operation.
pub(crate) type Outcome<T> = Result<T, Failure>;

/// Why an internal operation failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A domain outcome (not found, conflict, …) to report as is.
    Store(StoreError),
    /// SQLite failed.
    Sqlite(rusqlite::Error),
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

impl From<rusqlite::Error> for Failure {
    fn from(error: rusqlite::Error) -> Self {
        Self::Sqlite(error)
    }
}

impl From<Failure> for StoreError {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Store(error) => error,
            // SQLite's messages name tables and constraints, never bound values, so no
            // secret can leak through them.
            Failure::Sqlite(error) => Self::Backend(format!("sqlite: {error}")),
        }
    }
}

/// A [`StoreError::Backend`] for data that violates the schema's expectations.
pub(crate) fn corrupt(what: &str) -> Failure {
    Failure::Store(StoreError::Backend(format!("corrupt store data: {what}")))
}
