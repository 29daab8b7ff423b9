//! `warden audit verify`: the audit log's hash chain and every delivered trail file, checked
//! offline against the data directory.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use jiff::Timestamp;
use warden_audit::verify::PublicKeys;
use warden_core::{SystemClock, Warden};
use warden_crypto::{RootKey, SystemRandom};
use warden_journal::SqliteAuditLog;
use warden_store::{AuditVerifyError, verify_audit_log};
use warden_store_sqlite::SqliteStore;
use warden_trail::verify::{TimeRange, verify_delivered};

use crate::backend::{AUDIT_JOURNAL_DIR, DATABASE_FILE};

/// The data directory's layout, as `warden serve` creates it.
const ROOT_KEY_FILE: &str = "root.key";
const BUCKETS_DIR: &str = "buckets";
/// Records read per query while verifying the chain.
const CHAIN_BATCH: usize = 4096;

/// `warden audit …`
#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Verify the audit log and every delivered trail file; exit 1 on any problem.
    ///
    /// Checks the audit log's hash chain, each trail's digest chain and signatures, log file
    /// hashes, missing, inserted and uncovered files, and each delivered record against the
    /// audit log, and names the first record or file that was altered, removed or inserted.
    /// Run it on a stopped server's data directory (or a copy of it): it opens the audit
    /// journal itself.
    Verify(VerifyArgs),
}

/// Options of `warden audit verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The data directory of `warden serve`.
    #[arg(long, default_value = "./warden-data", env = "WARDEN_DATA_DIR")]
    data_dir: PathBuf,
    /// The root key file, when not `<data-dir>/root.key`.
    #[arg(long, env = "WARDEN_ROOT_KEY_FILE")]
    root_key_file: Option<PathBuf>,
    /// Check only trail files dated at or after this time (RFC 3339, e.g.
    /// 2026-01-01T00:00:00Z). The audit log's chain is always checked whole.
    #[arg(long)]
    from: Option<Timestamp>,
    /// Check only trail files dated at or before this time (RFC 3339).
    #[arg(long)]
    to: Option<Timestamp>,
}

/// Runs an `audit` subcommand.
pub(crate) fn run(command: AuditCommand) -> anyhow::Result<ExitCode> {
    match command {
        AuditCommand::Verify(args) => verify(&args),
    }
}

fn verify(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    if let (Some(from), Some(to)) = (args.from, args.to)
        && from > to
    {
        bail!("--from {from} is after --to {to}");
    }
    let warden = open(&args.data_dir, args.root_key_file.as_deref())?;
    let mut problems: Vec<String> = Vec::new();

    match verify_audit_log(warden.audit_log().as_ref(), CHAIN_BATCH) {
        Ok(head) => {
            let anchor = warden
                .audit_log()
                .anchor()
                .context("reading the audit log")?;
            println!(
                "Audit log\trecords {}..={}\tvalid (hash chain intact)",
                anchor.sequence + 1,
                head.sequence
            );
        }
        Err(AuditVerifyError::Broken(chain_break)) => {
            let line = format!("Audit log\tINVALID: {chain_break}");
            eprintln!("{line}");
            problems.push(line);
        }
        Err(AuditVerifyError::Store(error)) => {
            return Err(error).context("reading the audit log");
        }
    }

    let keys = PublicKeys::from_der(
        warden
            .digest_keys()
            .public_keys()
            .into_iter()
            .map(|key| key.der),
    );
    let range = TimeRange {
        from: args.from,
        to: args.to,
    };
    let checks = verify_delivered(
        warden.store(),
        warden.audit_log().as_ref(),
        &keys,
        &args.data_dir.join(BUCKETS_DIR),
        range,
    )
    .context("verifying the delivered trails")?;
    for check in &checks {
        let report = &check.report;
        println!(
            "Trail {} ({})\t{}/{} digest files valid\t{}/{} log files valid\t{} delivered records checked\t{} newer log files not yet in a digest",
            check.trail_arn,
            check.region,
            report.digests_valid,
            report.digests_total,
            report.log_files_valid,
            report.log_files_total,
            check.records_checked,
            report.uncovered_log_files.len(),
        );
        for problem in &report.problems {
            let line = format!("  {problem}");
            eprintln!("{line}");
            problems.push(line);
        }
        for problem in &check.record_problems {
            let line = format!("  {problem}");
            eprintln!("{line}");
            problems.push(line);
        }
    }
    match problems.first() {
        None => {
            println!("Verification passed");
            Ok(ExitCode::SUCCESS)
        }
        Some(first) => {
            eprintln!(
                "Verification FAILED: {} problem(s); the first: {}",
                problems.len(),
                first.trim_start()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Opens the data directory's store, audit log and keys, creating nothing.
fn open(data_dir: &Path, root_key_file: Option<&Path>) -> anyhow::Result<Warden> {
    let database = data_dir.join(DATABASE_FILE);
    if !database.is_file() {
        bail!(
            "{} is not a Warden data directory (no {DATABASE_FILE})",
            data_dir.display()
        );
    }
    let root_key_path = root_key_file.map_or_else(|| data_dir.join(ROOT_KEY_FILE), Path::to_owned);
    let root_key_bytes = zeroize::Zeroizing::new(
        std::fs::read(&root_key_path)
            .with_context(|| format!("reading the root key {}", root_key_path.display()))?,
    );
    let root_key = RootKey::from_bytes(&root_key_bytes).context("the root key is unusable")?;
    let store = SqliteStore::open(&database).context("opening the database")?;
    let audit = SqliteAuditLog::open(&database, &data_dir.join(AUDIT_JOURNAL_DIR))
        .context("opening the audit log")?;
    Warden::new(
        Arc::new(store),
        Arc::new(audit),
        &root_key,
        Arc::new(SystemClock),
        Arc::new(SystemRandom::new()),
    )
    .context("opening the data directory (wrong root key?)")
}
