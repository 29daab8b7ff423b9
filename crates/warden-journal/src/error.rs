//! [`JournalError`]: why the journal could not be read or written.

use std::path::{Path, PathBuf};

use warden_store::StoreError;

/// Why a journal operation failed. Every one becomes a [`StoreError::Backend`].
#[derive(Debug, thiserror::Error)]
pub(super) enum JournalError {
    /// A file system operation failed.
    #[error("audit journal {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The journal holds something other than what this log wrote.
    #[error("audit journal {} is corrupt at byte {offset}: {what}", path.display())]
    Corrupt {
        /// The segment (or anchor file).
        path: PathBuf,
        /// Where in it.
        offset: u64,
        /// What is wrong.
        what: String,
    },
}

impl JournalError {
    /// Wraps an I/O error about `path` (for `map_err`).
    pub(super) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Self + '_ {
        move |source| Self::Io {
            path: path.to_owned(),
            source,
        }
    }

    /// Corruption at `offset` of `path`.
    pub(super) fn corrupt(path: &Path, offset: u64, what: impl std::fmt::Display) -> Self {
        Self::Corrupt {
            path: path.to_owned(),
            offset,
            what: what.to_string(),
        }
    }
}

impl From<JournalError> for StoreError {
    fn from(error: JournalError) -> Self {
        Self::Backend(error.to_string())
    }
}
