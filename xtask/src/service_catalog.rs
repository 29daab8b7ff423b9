//! The catalog of AWS services Warden carries for IAM's service last accessed reports:
//! every service prefix of the service authorization reference
//! (`../shared/aws-data/service-reference/`) with its name (`serviceNames.json`) and its
//! actions (`actions/<prefix>.json`), written as one compact JSON object
//! `{"<prefix>": {"name": "...", "actions": ["...", ...]}, ...}` (prefixes and actions
//! sorted) and compressed into `crates/warden-core/data/aws-services.json.gz`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::Serialize;

use crate::embedded;

/// The compressed catalog `warden-core` embeds, relative to the workspace root.
pub fn target(workspace_root: &Path) -> PathBuf {
    workspace_root.join("crates/warden-core/data/aws-services.json.gz")
}

#[derive(Serialize)]
struct Service {
    name: String,
    actions: Vec<String>,
}

/// The catalog's JSON bytes, built from the service authorization reference.
pub fn build(workspace_root: &Path) -> Result<Vec<u8>> {
    let reference = crate::codegen::reference_dir(workspace_root);
    let names_path = reference.join("serviceNames.json");
    let names: BTreeMap<String, String> = serde_json::from_str(
        &std::fs::read_to_string(&names_path)
            .with_context(|| format!("reading {}", names_path.display()))?,
    )
    .with_context(|| format!("parsing {}", names_path.display()))?;
    let mut catalog = BTreeMap::new();
    for (prefix, name) in names {
        let actions_path = reference.join("actions").join(format!("{prefix}.json"));
        let Ok(text) = std::fs::read_to_string(&actions_path) else {
            continue;
        };
        let actions: BTreeMap<String, serde_json::Value> = serde_json::from_str(&text)
            .with_context(|| format!("parsing {}", actions_path.display()))?;
        let mut actions: Vec<String> = actions
            .values()
            .filter_map(|action| action.get("name")?.as_str().map(str::to_owned))
            .collect();
        actions.sort();
        if !actions.is_empty() {
            catalog.insert(prefix, Service { name, actions });
        }
    }
    Ok(serde_json::to_vec(&catalog)?)
}

/// Builds the catalog into [`target`].
pub fn write(workspace_root: &Path) -> Result<()> {
    embedded::write_gz(&target(workspace_root), &build(workspace_root)?)
}

/// Whether [`target`] is missing or differs from what [`build`] makes now.
pub fn is_stale(workspace_root: &Path) -> Result<bool> {
    Ok(embedded::gz_differs(
        &target(workspace_root),
        &build(workspace_root)?,
    ))
}
