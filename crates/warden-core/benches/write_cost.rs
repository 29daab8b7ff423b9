//! What a write costs as the account grows: CreateUser and PutUserPolicy through the
//! operation runner with 100 and with 100,000 users already present (each with an access
//! key and an inline policy), over a file-backed SQLite store. Before the snapshot's maps
//! became persistent, every write copied the whole snapshot, so its cost grew with the
//! account. Also prints the resident memory each populated user adds (snapshot and store
//! caches together).
//!
//! `cargo bench -p warden-core --bench write_cost`; figures in docs/BENCHMARKS.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark code: a failure should panic"
)]

mod common;

use common::{Account, resident_bytes};
use criterion::{BenchmarkId, Criterion};
use warden_protocol::iam::{CreateUserRequest, Operation};

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("write_cost");
    group.sample_size(30);
    for users in [100, 100_000] {
        let before = resident_bytes();
        let account = Account::with_users(users);
        let grown = resident_bytes().saturating_sub(before);
        eprintln!(
            "write_cost: {users} users populated, resident memory grew {} KiB: {:.1} KiB per user",
            grown / 1024,
            grown as f64 / 1024.0 / users as f64
        );
        let mut next = 0_u64;
        group.bench_with_input(BenchmarkId::new("CreateUser", users), &users, |b, _| {
            b.iter(|| {
                next += 1;
                account.call(Operation::CreateUser(CreateUserRequest {
                    user_name: format!("bench-{next}"),
                    ..CreateUserRequest::default()
                }));
            });
        });
        let mut version = 0_u64;
        group.bench_with_input(BenchmarkId::new("PutUserPolicy", users), &users, |b, _| {
            b.iter(|| {
                version += 1;
                account.put_policy("user-7", &format!("p{}", version % 4));
            });
        });
    }
    group.finish();
    criterion.final_summary();
}
