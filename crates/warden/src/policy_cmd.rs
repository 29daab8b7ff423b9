//! `warden policy check` and `warden policy simulate`: the policy engine offline.

mod batch;
mod output;
mod question;
mod simulate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};
use warden_policy::{ParseOptions, PolicyKind, Severity, check_with};

/// `warden policy …`
#[derive(Debug, Subcommand)]
pub(crate) enum PolicyCommand {
    /// Validate a policy document as IAM would, printing AWS-style findings.
    Check(CheckArgs),
    /// Evaluate a request against policies and explain the decision.
    Simulate(Box<simulate::SimulateArgs>),
}

/// Where a checked document will be used.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum KindArg {
    /// Inline or managed policy of a user, group or role.
    Identity,
    /// Resource-based policy.
    Resource,
    /// Role trust policy.
    Trust,
    /// Permissions boundary.
    Boundary,
    /// Service control policy.
    Scp,
    /// Resource control policy.
    Rcp,
    /// Session policy.
    Session,
}

impl KindArg {
    fn kind(self) -> PolicyKind {
        match self {
            Self::Identity => PolicyKind::Identity,
            Self::Resource => PolicyKind::Resource,
            Self::Trust => PolicyKind::Trust,
            Self::Boundary => PolicyKind::Boundary,
            Self::Scp => PolicyKind::Scp,
            Self::Rcp => PolicyKind::Rcp,
            Self::Session => PolicyKind::Session,
        }
    }
}

/// Options of `warden policy check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The policy document (JSON file).
    file: PathBuf,
    /// How the document will be used.
    #[arg(long, value_enum, default_value = "identity")]
    kind: KindArg,
    /// The document is a managed policy (CreatePolicy): it must say "Version": "2012-10-17".
    #[arg(long)]
    managed: bool,
}

/// Run a `warden policy` subcommand.
pub(crate) fn run(command: PolicyCommand) -> anyhow::Result<ExitCode> {
    match command {
        PolicyCommand::Check(args) => run_check(&args),
        PolicyCommand::Simulate(args) => simulate::run(&args),
    }
}

fn run_check(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let text = read(&args.file)?;
    let options = ParseOptions {
        require_version_2012: args.managed,
        ..ParseOptions::default()
    };
    let findings = check_with(&text, args.kind.kind(), options);
    let mut errors = 0;
    for finding in &findings {
        let level = match finding.severity {
            Severity::Error => {
                errors += 1;
                "error"
            }
            Severity::Warning => "warning",
        };
        println!("{}: {level}: {}", args.file.display(), finding.message);
    }
    if errors > 0 {
        println!("MalformedPolicyDocument: {errors} error(s)");
        return Ok(ExitCode::FAILURE);
    }
    println!("{}: valid {:?} policy", args.file.display(), args.kind);
    Ok(ExitCode::SUCCESS)
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}
