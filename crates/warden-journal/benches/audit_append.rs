#![expect(
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::cast_precision_loss,
    reason = "a benchmark binary: failing loudly is the point"
)]
//! Sustained audit-record throughput into the journaled audit log with group commit.
//!
//! Two kinds of submitters, each appending one record per call (as the request pipeline
//! does) for `SECONDS` per round: `WRITERS` threads calling the blocking `append`
//! (default), or with `ASYNC=1`, `TASKS` tokio tasks on a 2-thread runtime awaiting
//! `submit(..).finish()` (as the server does). Every append is durable (fsynced) before
//! it returns. The journal and index live in a temporary directory on the build's disk.
//! After each round a lookup measures how far the index lags (it waits for it), then the
//! whole chain is verified and every acknowledged record counted. Prints each round and
//! the median.
//!
//! Run: `cargo bench -p warden-store-sqlite --bench audit_append`
//! (environment: `WRITERS`, default 64; `ASYNC=1` and `TASKS`, default 256; `ROUNDS`,
//! default 5; `SECONDS`, default 3; `PER_CALL`, records per append call, default 1;
//! `FRESH=1`, a new journal and index per round).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use warden_journal::SqliteAuditLog;
use warden_store::{AuditLog, AuditQuery, AuditResource, NewAuditRecord, verify_audit_log};

fn main() {
    let writers = setting("WRITERS", 64);
    let asynchronous = setting("ASYNC", 0) == 1;
    let tasks = setting("TASKS", 256);
    let rounds = setting("ROUNDS", 5);
    let seconds = setting("SECONDS", 3);
    let per_call = setting("PER_CALL", 1);
    let fresh = setting("FRESH", 0) == 1;
    let directory = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temporary directory");
    let mut rates = Vec::new();
    for round in 0..rounds {
        // FRESH=1: a new journal per round; default: one long-lived log, as a server has.
        let name = if fresh {
            format!("r{round}")
        } else {
            "log".to_owned()
        };
        let log = Arc::new(
            SqliteAuditLog::open(
                &directory.path().join(format!("{name}.db")),
                &directory.path().join(name),
            )
            .expect("open the audit log"),
        );
        let before = verify_audit_log(log.as_ref(), 100_000)
            .expect("the chain verifies")
            .sequence;
        let started = Instant::now();
        let total = if asynchronous {
            run_tasks(&log, tasks, per_call, seconds)
        } else {
            run_threads(&log, writers, per_call, seconds)
        };
        let elapsed = started.elapsed().as_secs_f64();
        let rate = total as f64 / elapsed;
        // A lookup waits until the index holds every durable record: how far behind it is.
        let waited = Instant::now();
        let page = log.lookup(&newest_query()).expect("lookup");
        assert_eq!(page.records.len(), 1, "the newest record is found");
        let index_lag = waited.elapsed().as_secs_f64();
        let head = verify_audit_log(log.as_ref(), 100_000).expect("the chain verifies");
        assert_eq!(
            head.sequence,
            before + total,
            "every acknowledged record is stored"
        );
        let submitters = if asynchronous {
            format!("{tasks} tokio tasks")
        } else {
            format!("{writers} threads")
        };
        println!(
            "round {round}: {total} records in {elapsed:.2} s = {rate:.0} records/s ({submitters}, {before} records before; a lookup then waited {index_lag:.2} s for the index)"
        );
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    let median = rates[rates.len() / 2];
    println!(
        "median: {median:.0} records/s over {rounds} rounds, {} with {per_call} record(s) per call, one fdatasync per group commit, {} journal",
        if asynchronous {
            format!("{tasks} async tasks")
        } else {
            format!("{writers} writer threads")
        },
        if fresh { "a fresh" } else { "one long-lived" }
    );
}

/// `writers` threads appending for `seconds`; returns how many records were acknowledged.
fn run_threads(log: &Arc<SqliteAuditLog>, writers: u64, per_call: u64, seconds: u64) -> u64 {
    let stop = AtomicBool::new(false);
    let appended = AtomicU64::new(0);
    thread::scope(|scope| {
        for writer in 0..writers {
            let (log, stop, appended) = (log.as_ref(), &stop, &appended);
            scope.spawn(move || {
                let mut n = 0_u64;
                while !stop.load(Ordering::Relaxed) {
                    let records: Vec<_> = (0..per_call).map(|i| record(writer, n + i)).collect();
                    log.append(&records).expect("append");
                    n += per_call;
                }
                appended.fetch_add(n, Ordering::Relaxed);
            });
        }
        thread::sleep(Duration::from_secs(seconds));
        stop.store(true, Ordering::Relaxed);
    });
    appended.load(Ordering::Relaxed)
}

/// `tasks` tokio tasks submitting for `seconds` on a two-thread runtime; returns how many
/// records were acknowledged.
fn run_tasks(log: &Arc<SqliteAuditLog>, tasks: u64, per_call: u64, seconds: u64) -> u64 {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let stop = Arc::new(AtomicBool::new(false));
        let handles: Vec<_> = (0..tasks)
            .map(|task| {
                let (log, stop) = (Arc::clone(log), Arc::clone(&stop));
                tokio::spawn(async move {
                    let mut n = 0_u64;
                    while !stop.load(Ordering::Relaxed) {
                        let records = (0..per_call).map(|i| record(task, n + i)).collect();
                        log.submit(records).finish().await.expect("append");
                        n += per_call;
                    }
                    n
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        stop.store(true, Ordering::Relaxed);
        let mut total = 0;
        for handle in handles {
            total += handle.await.expect("task");
        }
        total
    })
}

/// The newest record of the benchmark's account.
fn newest_query() -> AuditQuery {
    AuditQuery {
        account_id: "111122223333".to_owned(),
        start_time: None,
        end_time: None,
        attribute: None,
        max_results: 1,
        next_token: None,
    }
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
