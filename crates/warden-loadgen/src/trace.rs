//! The per-request trace (`--trace`): one line per measured request with its due time on
//! CLOCK_MONOTONIC, so slow answers can be lined up with other tools' timestamps.

use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use crate::Sample;

/// Write `samples` to `path`, in due order, as "<due µs> <latency µs> <generator delay µs>" lines.
pub(crate) fn write(path: &Path, samples: &[Sample]) -> anyhow::Result<()> {
    // `Instant` is CLOCK_MONOTONIC on Linux but exposes no absolute value: anchor it once.
    let anchor = Instant::now();
    let now = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    let anchor_us = i128::from(now.tv_sec) * 1_000_000 + i128::from(now.tv_nsec) / 1_000;
    let mut ordered = samples.to_vec();
    ordered.sort_unstable_by_key(|s| s.due);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for sample in ordered {
        let before = i128::try_from(anchor.duration_since(sample.due).as_micros())?;
        writeln!(
            out,
            "{} {} {}",
            anchor_us - before,
            sample.latency.as_micros(),
            sample.send_delay.as_micros()
        )?;
    }
    out.flush()?;
    Ok(())
}
