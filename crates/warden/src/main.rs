//! The `warden` command: a thin clap front end over the Warden libraries.

mod account_cmd;
mod audit_cmd;
mod backend;
mod policy_cmd;
mod serve_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The process allocator: mimalloc serves requests faster than glibc's malloc, which was a
/// visible share of every request (figures: docs/BENCHMARKS.md, "Figures behind design
/// choices").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Warden: a self-hostable, AWS-compatible identity and security control plane.
#[derive(Debug, Parser)]
#[command(name = "warden", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (IAM, STS, …) on an HTTP endpoint.
    Serve(serve_cmd::ServeArgs),
    /// Check and simulate IAM policies offline.
    #[command(subcommand)]
    Policy(policy_cmd::PolicyCommand),
    /// Verify the audit trail offline.
    #[command(subcommand)]
    Audit(audit_cmd::AuditCommand),
    /// Inspect the accounts of a data directory.
    #[command(subcommand)]
    Account(account_cmd::AccountCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve_cmd::run(args),
        Command::Policy(command) => policy_cmd::run(command),
        Command::Audit(command) => audit_cmd::run(command),
        Command::Account(command) => account_cmd::run(command),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("warden: {error:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
