//! Project chores. `cargo run -p xtask -- codegen` regenerates the service
//! modules of `warden-protocol` from the botocore models; the library form
//! lets `warden-protocol`'s tests check that the committed output is fresh. It also
//! compresses the AWS managed policies catalog and the AWS services catalog that
//! `warden-core` embeds.

pub mod codegen;
pub mod embedded;
pub mod managed_policies;
pub mod service_catalog;

use std::path::PathBuf;

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map_or(manifest.clone(), std::path::Path::to_path_buf)
}
