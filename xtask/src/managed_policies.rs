//! The AWS managed policies Warden carries: `../shared/aws-data/aws-managed-policies.json`,
//! compressed into `crates/warden-core/data/aws-managed-policies.json.gz` (which
//! `warden-core` embeds). Freshness is judged on the decompressed bytes, so a change of
//! compressor does not make the committed file stale.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

/// The catalog as AWS data ships it, relative to the workspace root.
pub fn source(workspace_root: &Path) -> PathBuf {
    workspace_root.join("../shared/aws-data/aws-managed-policies.json")
}

/// The compressed copy `warden-core` embeds, relative to the workspace root.
pub fn target(workspace_root: &Path) -> PathBuf {
    workspace_root.join("crates/warden-core/data/aws-managed-policies.json.gz")
}

/// Compresses the catalog into [`target`].
pub fn write(workspace_root: &Path) -> Result<()> {
    let source = source(workspace_root);
    let bytes = std::fs::read(&source).with_context(|| format!("reading {}", source.display()))?;
    let target = target(workspace_root);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    encoder.write_all(&bytes)?;
    std::fs::write(&target, encoder.finish()?)
        .with_context(|| format!("writing {}", target.display()))
}

/// Whether [`target`] is missing or does not decompress to the catalog's bytes.
pub fn is_stale(workspace_root: &Path) -> Result<bool> {
    let source = source(workspace_root);
    let wanted = std::fs::read(&source).with_context(|| format!("reading {}", source.display()))?;
    let Ok(compressed) = std::fs::read(target(workspace_root)) else {
        return Ok(true);
    };
    let mut found = Vec::new();
    if flate2::read::GzDecoder::new(compressed.as_slice())
        .read_to_end(&mut found)
        .is_err()
    {
        return Ok(true);
    }
    Ok(found != wanted)
}
