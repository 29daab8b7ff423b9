#![expect(
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::cast_precision_loss,
    reason = "a benchmark binary: failing loudly is the point"
)]
//! Sustained audit-record throughput into the SQLite audit log with group commit.
//!
//! `WRITERS` threads each append one record per call (as the request pipeline does), for
//! `SECONDS` per round, on a file in a temporary directory on the build's disk; every
//! append is durable (fsynced) before it returns. Prints each round and the median.
//!
//! Run: `cargo bench -p warden-store-sqlite --bench audit_append`
//! (environment: `WRITERS`, default 64; `ROUNDS`, default 5; `SECONDS`, default 3;
//! `PER_CALL`, records per append call, default 1; `FRESH=1`, a new database per round).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use warden_store::{AuditLog, AuditResource, NewAuditRecord, verify_audit_log};
use warden_store_sqlite::SqliteAuditLog;

fn main() {
    let writers = setting("WRITERS", 64);
    let rounds = setting("ROUNDS", 5);
    let seconds = setting("SECONDS", 3);
    let per_call = setting("PER_CALL", 1);
    let fresh = setting("FRESH", 0) == 1;
    let directory = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temporary directory");
    let mut rates = Vec::new();
    for round in 0..rounds {
        // FRESH=1: a new database per round (the WAL file grows the whole round, and growing
        // a file makes each flush slower); default: one long-lived log, as a server has.
        let path = directory.path().join(if fresh {
            format!("audit-{round}.sqlite")
        } else {
            "audit.sqlite".to_owned()
        });
        let log = SqliteAuditLog::open(&path).expect("open the audit log");
        let before = verify_audit_log(&log, 100_000)
            .expect("the chain verifies")
            .sequence;
        let stop = AtomicBool::new(false);
        let appended = AtomicU64::new(0);
        let started = Instant::now();
        thread::scope(|scope| {
            for writer in 0..writers {
                let (log, stop, appended) = (&log, &stop, &appended);
                scope.spawn(move || {
                    let mut n = 0_u64;
                    while !stop.load(Ordering::Relaxed) {
                        let records: Vec<_> =
                            (0..per_call).map(|i| record(writer, n + i)).collect();
                        log.append(&records).expect("append");
                        n += per_call;
                    }
                    appended.fetch_add(n, Ordering::Relaxed);
                });
            }
            thread::sleep(Duration::from_secs(seconds));
            stop.store(true, Ordering::Relaxed);
        });
        let elapsed = started.elapsed().as_secs_f64();
        let total = appended.load(Ordering::Relaxed);
        let rate = total as f64 / elapsed;
        let head = verify_audit_log(&log, 100_000).expect("the chain verifies");
        assert_eq!(
            head.sequence,
            before + total,
            "every acknowledged record is stored"
        );
        println!(
            "round {round}: {total} records in {elapsed:.2} s = {rate:.0} records/s ({writers} writers)"
        );
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    let median = rates[rates.len() / 2];
    println!(
        "median: {median:.0} records/s with {writers} concurrent writers, one WAL flush per group commit, {} database",
        if fresh { "a fresh" } else { "one long-lived" }
    );
}

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A realistic IAM call record (about 1 KiB of CloudTrail JSON).
fn record(writer: u64, n: u64) -> NewAuditRecord {
    let event_id = format!("{writer:08x}-0000-4000-8000-{n:012x}");
    let body = format!(
        concat!(
            r#"{{"eventVersion":"1.11","userIdentity":{{"type":"IAMUser","principalId":"AIDAEXAMPLE{w}","#,
            r#""arn":"arn:aws:iam::111122223333:user/writer-{w}","accountId":"111122223333","#,
            r#""accessKeyId":"AKIAEXAMPLE{w:08}","userName":"writer-{w}"}},"eventTime":"2026-11-25T17:00:00Z","#,
            r#""eventSource":"iam.amazonaws.com","eventName":"GetUser","awsRegion":"us-east-1","#,
            r#""sourceIPAddress":"192.0.2.10","userAgent":"aws-cli/2.17.0 Python/3.11.7 Linux/6.8 exe/x86_64.ubuntu.24","#,
            r#""requestParameters":{{"userName":"target-{n}"}},"responseElements":null,"#,
            r#""requestID":"{id}","eventID":"{id}","readOnly":true,"#,
            r#""resources":[{{"accountId":"111122223333","type":"AWS::IAM::User","ARN":"arn:aws:iam::111122223333:user/target-{n}"}}],"#,
            r#""eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management","#,
            r#""tlsDetails":{{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"iam.amazonaws.com"}}}}"#
        ),
        w = writer,
        n = n,
        id = event_id
    );
    NewAuditRecord {
        account_id: "111122223333".to_owned(),
        event_time: 1_795_000_000_000 + i64::try_from(n).unwrap_or(0),
        event_id,
        event_name: "GetUser".to_owned(),
        event_source: "iam.amazonaws.com".to_owned(),
        read_only: true,
        username: Some(format!("writer-{writer}")),
        access_key_id: Some(format!("AKIAEXAMPLE{writer:08}")),
        resources: vec![AuditResource {
            resource_type: "AWS::IAM::User".to_owned(),
            resource_name: format!("target-{n}"),
        }],
        body: body.into_bytes(),
    }
}
