//! What sharing commits buys: concurrent writers creating users in a file-backed store, with
//! every write committing alone (`max_batch` 1) and with commits shared (the default), for
//! one writer and for eight. Each iteration is a round of 200 writes in all.
//!
//! `cargo bench -p warden-store-sqlite --bench group_commit`; figures in docs/BENCHMARKS.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark code: a failure should panic"
)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use warden_store::{AccountRecord, Store, StoreExt, UserRecord};
use warden_store_sqlite::{MAX_BATCH, SqliteStore};

const ACCOUNT: &str = "123456789012";
const WRITES_PER_ROUND: u64 = 200;

fn user(n: u64) -> UserRecord {
    UserRecord {
        account_id: ACCOUNT.to_owned(),
        user_name: format!("user-{n}"),
        user_id: format!("AIDA{n:017}"),
        path: "/".to_owned(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/user-{n}"),
        create_date: 1,
        permissions_boundary: None,
        tags: Vec::new(),
    }
}

/// One round: `writers` threads share [`WRITES_PER_ROUND`] user creations.
fn round(store: &SqliteStore, writers: u64, next: &AtomicU64) {
    thread::scope(|scope| {
        for _ in 0..writers {
            scope.spawn(|| {
                for _ in 0..WRITES_PER_ROUND / writers {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    store.write(|tx| tx.users().create(&user(n))).unwrap();
                }
            });
        }
    });
}

fn group_commit(c: &mut Criterion) {
    let mut group = c.benchmark_group("create_user");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(4));
    group.throughput(Throughput::Elements(WRITES_PER_ROUND));
    for (label, max_batch) in [("commit_alone", 1), ("commits_shared", MAX_BATCH)] {
        for writers in [1, 8] {
            let dir = tempfile::tempdir().unwrap();
            let store =
                SqliteStore::open_with_max_batch(&dir.path().join("w.sqlite"), max_batch).unwrap();
            store
                .write(|tx| {
                    tx.accounts().create(&AccountRecord {
                        account_id: ACCOUNT.to_owned(),
                        create_date: 1,
                    })
                })
                .unwrap();
            let next = AtomicU64::new(0);
            let before = store.commit_stats();
            group.bench_with_input(
                BenchmarkId::new(label, format!("{writers}_writers")),
                &writers,
                |b, &writers| {
                    b.iter_custom(|iterations| {
                        let start = Instant::now();
                        for _ in 0..iterations {
                            round(&store, writers, &next);
                        }
                        start.elapsed()
                    });
                },
            );
            let after = store.commit_stats();
            let (commits, writes) = (after.commits - before.commits, after.writes - before.writes);
            println!(
                "{label}/{writers}_writers: {writes} writes in {commits} commits ({:.1} per commit)",
                writes as f64 / commits.max(1) as f64
            );
        }
    }
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    group_commit(&mut criterion);
    criterion.final_summary();
}
