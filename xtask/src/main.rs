//! `cargo run -p xtask -- <task>`: project chores.

use anyhow::{Result, bail};

fn main() -> Result<()> {
    let task = std::env::args().nth(1);
    match task.as_deref() {
        Some("codegen") => {
            let files = xtask::codegen::write(&xtask::workspace_root())?;
            let lines: usize = files.iter().map(|f| f.contents.lines().count()).sum();
            println!("wrote {} files, {lines} lines", files.len());
            Ok(())
        }
        _ => bail!("usage: cargo run -p xtask -- codegen"),
    }
}
