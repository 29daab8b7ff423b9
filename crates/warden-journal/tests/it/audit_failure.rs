//! A failed journal write fails its batch and every later append, and loses nothing
//! acknowledged. The failure is real: a child process (this test binary, re-run in child
//! mode) appends under a file-size limit (`ulimit -f`, with `SIGXFSZ` ignored), so the
//! journal's `write` fails with `EFBIG` partway through a frame, as on a full disk.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use warden_journal::SqliteAuditLog;
use warden_store::{AuditLog, verify_audit_log};

use crate::audit::record;

const CHILD_ENV: &str = "WARDEN_AUDIT_FULL_DISK_CHILD_DIR";

fn open(dir: &Path) -> SqliteAuditLog {
    SqliteAuditLog::open(&dir.join("warden.db"), &dir.join("audit")).unwrap()
}

/// A record with a 128 KiB body, so that the journal reaches the limit long before the
/// index database does.
fn big_record(n: i64) -> warden_store::NewAuditRecord {
    let mut record = record(n, &format!("Big{n}"));
    record.body = vec![b'x'; 128 * 1024];
    record
}

/// In the child: append one record at a time until an append fails, then try once more.
fn child(dir: &str) {
    let log = open(Path::new(dir));
    for n in 0..1000 {
        match log.append(&[big_record(n)]) {
            Ok(sequences) => println!("\nACK {}", sequences[0]),
            Err(error) => {
                println!("\nFAILED {error}");
                let later = log.append(&[record(0, "Small")]).unwrap_err();
                println!("\nLATER {later}");
                return;
            }
        }
    }
    println!("never failed");
}

#[test]
fn a_failed_write_fails_the_batch_and_every_later_append() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        child(&dir);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    drop(open(dir.path())); // creates the database and journal before the limit applies
    let output = Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 4096 && trap '' XFSZ && exec \"$0\" \"$@\"")
        .arg(std::env::current_exe().unwrap())
        .args([
            "audit_failure::a_failed_write_fails_the_batch_and_every_later_append",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .output()
        .unwrap();
    let lines: Vec<String> = BufReader::new(output.stdout.as_slice())
        .lines()
        .map(Result::unwrap)
        .collect();
    let acknowledged: Vec<u64> = lines
        .iter()
        .filter_map(|line| line.strip_prefix("ACK "))
        .map(|n| n.parse().unwrap())
        .collect();
    let failed = lines.iter().find_map(|line| line.strip_prefix("FAILED "));
    let later = lines.iter().find_map(|line| line.strip_prefix("LATER "));
    assert!(!acknowledged.is_empty(), "{lines:?}");
    let failed = failed.unwrap_or_else(|| panic!("no append failed: {lines:?}"));
    assert!(failed.contains("audit journal"), "{failed}");
    let later = later.unwrap();
    assert!(
        later.contains("refuses records until it is reopened"),
        "{later}"
    );

    // Reopened without the limit: exactly the acknowledged records, and the chain goes on.
    let log = open(dir.path());
    let head = verify_audit_log(&log, 100).unwrap();
    assert_eq!(head.sequence, *acknowledged.last().unwrap());
    assert_eq!(acknowledged, (1..=head.sequence).collect::<Vec<_>>());
    assert_eq!(
        log.append(&[record(1, "After")]).unwrap(),
        vec![head.sequence + 1]
    );
    verify_audit_log(&log, 100).unwrap();
}
