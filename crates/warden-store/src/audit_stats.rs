//! What an audit log reports about itself for monitoring: the sizes of its group commits
//! and how far its durable journal and its lookup index have got. Cheap to read (atomics),
//! so a metrics scrape can ask at any time.

use std::sync::atomic::{AtomicU64, Ordering};

/// The upper bounds (inclusive) of the commit batch-size histogram's buckets, in records.
/// A last, unbounded bucket follows them.
pub const AUDIT_BATCH_BUCKETS: [u64; 14] = [
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192,
];

/// A snapshot of an audit log's statistics ([`AuditLog::stats`](crate::AuditLog::stats)).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditStats {
    /// Commits per batch-size bucket, not cumulative: entry `i` counts the commits of more
    /// than `AUDIT_BATCH_BUCKETS[i - 1]` and at most `AUDIT_BATCH_BUCKETS[i]` records; the
    /// last entry counts larger ones.
    pub batch_counts: [u64; AUDIT_BATCH_BUCKETS.len() + 1],
    /// Records written by all those commits together.
    pub batch_records: u64,
    /// The highest sequence on stable storage.
    pub durable_sequence: u64,
    /// The highest sequence the lookup index holds (every lower one too); equal to
    /// `durable_sequence` for a log without a separate index.
    pub indexed_sequence: u64,
}

impl AuditStats {
    /// How many commits there were.
    #[must_use]
    pub fn commits(&self) -> u64 {
        self.batch_counts.iter().sum()
    }

    /// Durable records the lookup index does not hold yet.
    #[must_use]
    pub fn index_lag(&self) -> u64 {
        self.durable_sequence.saturating_sub(self.indexed_sequence)
    }
}

/// A lock-free histogram of group-commit sizes, for backends to fill as they commit.
#[derive(Debug, Default)]
pub struct BatchSizes {
    counts: [AtomicU64; AUDIT_BATCH_BUCKETS.len() + 1],
    records: AtomicU64,
}

impl BatchSizes {
    /// Counts one commit of `records` records.
    pub fn observe(&self, records: usize) {
        let records = u64::try_from(records).unwrap_or(u64::MAX);
        let bucket = AUDIT_BATCH_BUCKETS
            .iter()
            .position(|bound| records <= *bound)
            .unwrap_or(AUDIT_BATCH_BUCKETS.len());
        if let Some(count) = self.counts.get(bucket) {
            count.fetch_add(1, Ordering::Relaxed);
        }
        self.records.fetch_add(records, Ordering::Relaxed);
    }

    /// Fills the batch fields of `stats` from what was observed.
    pub fn fill(&self, stats: &mut AuditStats) {
        for (out, count) in stats.batch_counts.iter_mut().zip(&self.counts) {
            *out = count.load(Ordering::Relaxed);
        }
        stats.batch_records = self.records.load(Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_land_in_their_buckets() {
        let sizes = BatchSizes::default();
        for records in [1, 2, 3, 8192, 8193] {
            sizes.observe(records);
        }
        let mut stats = AuditStats::default();
        sizes.fill(&mut stats);
        let mut expected = [0; AUDIT_BATCH_BUCKETS.len() + 1];
        expected[0] = 1; // 1
        expected[1] = 1; // 2
        expected[2] = 1; // 3 ≤ 4
        expected[13] = 1; // 8192
        expected[14] = 1; // 8193
        assert_eq!(stats.batch_counts, expected);
        assert_eq!(stats.batch_records, 1 + 2 + 3 + 8192 + 8193);
        assert_eq!(stats.commits(), 5);
    }
}
