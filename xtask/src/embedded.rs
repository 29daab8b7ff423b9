//! Data files `warden-core` embeds gzip-compressed. Freshness is judged on the
//! decompressed bytes, so a change of compressor does not make a committed file stale.

use std::io::{Read as _, Write as _};
use std::path::Path;

use anyhow::{Context as _, Result};

/// Writes `bytes` gzip-compressed (reproducibly: no timestamp) to `target`.
pub fn write_gz(target: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    std::fs::write(target, encoder.finish()?)
        .with_context(|| format!("writing {}", target.display()))
}

/// Whether `target` is missing or does not decompress to `wanted`.
pub fn gz_differs(target: &Path, wanted: &[u8]) -> bool {
    let Ok(compressed) = std::fs::read(target) else {
        return true;
    };
    let mut found = Vec::new();
    if flate2::read::GzDecoder::new(compressed.as_slice())
        .read_to_end(&mut found)
        .is_err()
    {
        return true;
    }
    found != wanted
}
