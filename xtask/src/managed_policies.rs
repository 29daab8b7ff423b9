//! The AWS managed policies Warden carries: `../shared/aws-data/aws-managed-policies.json`,
//! compressed into `crates/warden-core/data/aws-managed-policies.json.gz` (which
//! `warden-core` embeds).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::embedded;

/// The catalog as AWS data ships it, relative to the workspace root.
pub fn source(workspace_root: &Path) -> PathBuf {
    workspace_root.join("../shared/aws-data/aws-managed-policies.json")
}

/// The compressed copy `warden-core` embeds, relative to the workspace root.
pub fn target(workspace_root: &Path) -> PathBuf {
    workspace_root.join("crates/warden-core/data/aws-managed-policies.json.gz")
}

fn read_source(workspace_root: &Path) -> Result<Vec<u8>> {
    let source = source(workspace_root);
    std::fs::read(&source).with_context(|| format!("reading {}", source.display()))
}

/// Compresses the catalog into [`target`].
pub fn write(workspace_root: &Path) -> Result<()> {
    embedded::write_gz(&target(workspace_root), &read_source(workspace_root)?)
}

/// Whether [`target`] is missing or does not decompress to the catalog's bytes.
pub fn is_stale(workspace_root: &Path) -> Result<bool> {
    Ok(embedded::gz_differs(
        &target(workspace_root),
        &read_source(workspace_root)?,
    ))
}
