//! The `warden` binary, run as a user runs it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

mod batch;
mod corpus;
mod simulate;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What one run printed.
struct Run {
    success: bool,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The stdout as one JSON value.
    fn json(&self) -> serde_json::Value {
        assert!(self.success, "failed: {}{}", self.stdout, self.stderr);
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }

    /// Each stdout line as JSON.
    fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
            .collect()
    }
}

/// Runs `warden ARGS…` with `stdin`.
fn warden(args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_warden"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn warden");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let output = child.wait_with_output().expect("wait for warden");
    Run {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `warden policy simulate ARGS… --json`, expected to succeed.
fn simulate(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["policy", "simulate"];
    all.extend_from_slice(args);
    all.push("--json");
    warden(&all, "").json()
}

/// A temporary directory holding policy files.
struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    /// Writes `document` to `name` and returns its path.
    fn write(&self, name: &str, document: &serde_json::Value) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, document.to_string()).expect("write policy");
        path.to_string_lossy().into_owned()
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// A 2012-10-17 policy with these statements.
fn policy(statements: serde_json::Value) -> serde_json::Value {
    let mut document = serde_json::json!({"Version": "2012-10-17"});
    document["Statement"] = statements;
    document
}

/// The corpus of the policy engine.
fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../warden-policy/tests/cases")
}
