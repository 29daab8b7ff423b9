//! `kill -9` under load loses no acknowledged audit record: a child process (this test
//! binary, re-run in child mode) appends from many threads and prints each acknowledged
//! sequence; the parent kills it mid-stream, reopens the log and finds every printed
//! sequence stored, with an intact chain.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use warden_journal::SqliteAuditLog;
use warden_store::{AuditLog, NewAuditRecord, verify_audit_log};

const CHILD_ENV: &str = "WARDEN_AUDIT_CRASH_CHILD_DB";

fn record(n: u64) -> NewAuditRecord {
    NewAuditRecord {
        account_id: "111122223333".to_owned(),
        event_time: i64::try_from(n).unwrap(),
        event_id: format!("event-{n}"),
        event_name: "GetUser".to_owned(),
        event_source: "iam.amazonaws.com".to_owned(),
        read_only: true,
        username: None,
        access_key_id: None,
        resources: Vec::new(),
        body: format!("{{\"n\":{n}}}").into_bytes(),
    }
}

/// In the child: append forever from 16 threads, printing every acknowledged sequence.
fn child(path: &str) {
    let dir = std::path::Path::new(path);
    let log = SqliteAuditLog::open(&dir.join("warden.db"), &dir.join("audit")).unwrap();
    let stdout = std::sync::Mutex::new(std::io::stdout());
    std::thread::scope(|scope| {
        for thread in 0..16_u64 {
            let (log, stdout) = (&log, &stdout);
            scope.spawn(move || {
                for n in 0.. {
                    let sequences = log.append(&[record(thread * 1_000_000 + n)]).unwrap();
                    let mut out = stdout.lock().unwrap();
                    for sequence in sequences {
                        writeln!(out, "{sequence}").unwrap();
                    }
                    out.flush().unwrap();
                }
            });
        }
    });
}

#[test]
fn kill_9_loses_no_acknowledged_record() {
    if let Ok(path) = std::env::var(CHILD_ENV) {
        child(&path);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    let mut process = Command::new(std::env::current_exe().unwrap())
        .args([
            "crash::kill_9_loses_no_acknowledged_record",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut acknowledged = Vec::new();
    let mut lines = BufReader::new(process.stdout.take().unwrap()).lines();
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(1500) || acknowledged.len() < 200 {
        let Some(Ok(line)) = lines.next() else { break };
        if let Ok(sequence) = line.trim().parse::<u64>() {
            acknowledged.push(sequence);
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the child is too slow"
        );
    }
    process.kill().unwrap(); // SIGKILL
    process.wait().unwrap();
    assert!(
        acknowledged.len() >= 200,
        "only {} acknowledged",
        acknowledged.len()
    );

    let log = SqliteAuditLog::open(&path.join("warden.db"), &path.join("audit")).unwrap();
    let head = verify_audit_log(&log, 10_000).unwrap();
    let highest = *acknowledged.iter().max().unwrap();
    assert!(
        head.sequence >= highest,
        "acknowledged {highest}, stored only up to {}",
        head.sequence
    );
    // Sequences are consecutive from 1 and the chain verified, so every acknowledged one is there.
    assert_eq!(
        log.records_after(highest - 1, 1).unwrap()[0].sequence,
        highest
    );
}
