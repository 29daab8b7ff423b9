//! Priorities of the audit log's background threads.
//!
//! The writer and the syncer are on every call's path and run at normal priority. The
//! indexer and the segment preparer are not: their work can wait, and when it competes
//! with the calls for a core it shows up as latency (an indexing round holds the CPU for
//! tens of milliseconds). So they run at a lower priority and use, first, the CPU the calls
//! leave. At half of peak load this cut GetCallerIdentity's p99 latency severalfold
//! (figures: docs/BENCHMARKS.md, "Figures behind design choices").

/// The indexer's nice value: below the calls, but with a share (about a tenth of a busy
/// core) that keeps it close to the journal under sustained load, so lookups do not wait
/// long for it.
pub(super) const INDEXER_NICE: i32 = 10;

/// The segment preparer's nice value: the lowest; it has a whole segment's time.
pub(super) const PREPARER_NICE: i32 = 19;

/// Lowers the calling thread's priority to `nice` (Linux: nice values are per thread).
/// Best effort: where the system refuses, the thread keeps its priority.
pub(super) fn lower_priority(nice: i32) {
    rustix::process::setpriority_process(None, nice).ok();
}
