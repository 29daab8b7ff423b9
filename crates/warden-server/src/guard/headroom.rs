//! Free space on the file system holding the audit journal.

use std::path::PathBuf;

/// Where to measure free space (the data directory), or a fixed figure in tests.
#[derive(Debug, Clone)]
pub(crate) enum Headroom {
    /// The file system holding this directory.
    Directory(PathBuf),
    /// Not measured (in-process servers without a data directory): plenty.
    Unmeasured,
    /// A fixed number of free bytes (tests).
    #[cfg(test)]
    Fixed(u64),
}

impl Headroom {
    /// Bytes available to Warden there; `None` when the file system cannot tell.
    pub(crate) fn free_bytes(&self) -> Option<u64> {
        match self {
            Self::Directory(path) => rustix::fs::statvfs(path)
                .ok()
                .map(|stat| stat.f_bavail.saturating_mul(stat.f_frsize)),
            Self::Unmeasured => None,
            #[cfg(test)]
            Self::Fixed(bytes) => Some(*bytes),
        }
    }
}
