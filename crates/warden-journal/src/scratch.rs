//! The throwaway journal directory of an in-memory audit log.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinguishes the scratch directories of one process.
static NEXT: AtomicU64 = AtomicU64::new(0);

/// A fresh directory under the system's temporary directory, removed (with its contents)
/// when dropped.
#[derive(Debug)]
pub(super) struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// Creates a directory no other scratch directory, in this process or another, uses:
    /// named by the process id and a counter, skipping names left behind by a process that
    /// had the same id.
    pub(super) fn new() -> std::io::Result<Self> {
        let base = std::env::temp_dir();
        let process = std::process::id();
        loop {
            let number = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = base.join(format!("warden-audit-{process}-{number}"));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(Self { path }),
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(error) => return Err(error),
            }
        }
    }

    /// The directory.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Best effort, as for any temporary directory.
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::Scratch;

    #[test]
    fn directories_are_distinct_and_removed() {
        let (first, second) = (Scratch::new().unwrap(), Scratch::new().unwrap());
        assert_ne!(first.path(), second.path());
        let path = first.path().to_owned();
        std::fs::write(path.join("file"), b"x").unwrap();
        drop(first);
        assert!(!path.exists());
    }
}
