//! `cargo run -p xtask -- <task>`: project chores.
//!
//! - `codegen`: regenerate `warden-protocol`'s service modules and the AWS managed
//!   policies and AWS services catalogs `warden-core` embeds.
//! - `codegen --check`: fail when the committed modules are stale.

use anyhow::{Result, bail};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = xtask::workspace_root();
    match args.as_slice() {
        ["codegen"] => {
            let files = xtask::codegen::write(&root)?;
            xtask::managed_policies::write(&root)?;
            xtask::service_catalog::write(&root)?;
            let lines: usize = files.iter().map(|f| f.contents.lines().count()).sum();
            println!("wrote {} files, {lines} lines", files.len());
            Ok(())
        }
        ["codegen", "--check"] => {
            let stale = xtask::codegen::stale_files(&root)?;
            if stale.is_empty() {
                println!("generated code is up to date");
                Ok(())
            } else {
                bail!("stale generated files (run `cargo run -p xtask -- codegen`): {stale:?}")
            }
        }
        _ => bail!("usage: cargo run -p xtask -- codegen [--check]"),
    }
}
