//! What one read costs through the operation runner for an IAM user: GetUser by a user
//! with one inline policy, via `warden_core::iam::call` (access, the attempt noted for IAM's
//! service last accessed reports, authorization through the snapshot, the store read and the
//! answer). Run on two commits with criterion's `--save-baseline` / `--baseline` to see what
//! a change to the runner costs every call.
//!
//! `cargo bench -p warden-core --bench runner_cost`; figures in docs/BENCHMARKS.md. With
//! `RUNNER_COST_CALLS=N` set it makes exactly N calls and exits instead, for counting
//! instructions under `valgrind --tool=callgrind` (the difference between two N, divided by
//! their difference, is one call's count, whatever the machine is doing).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark code: a failure should panic"
)]

mod common;

use common::Account;
use criterion::Criterion;
use warden_protocol::iam::{GetUserRequest, Operation};

fn main() {
    let account = Account::new();
    let (plain, _) = account.decision_callers();
    let get_user = || {
        let ran = warden_core::iam::call(
            &account.warden,
            &plain,
            &account.facts,
            Operation::GetUser(GetUserRequest {
                user_name: Some("plain".to_owned()),
            }),
        );
        ran.result.unwrap();
    };
    if let Some(calls) = std::env::var("RUNNER_COST_CALLS")
        .ok()
        .and_then(|n| n.parse::<u64>().ok())
    {
        for _ in 0..calls {
            get_user();
        }
        return;
    }

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("runner_cost");
    group.bench_function("GetUser_by_a_user", |b| b.iter(get_user));
    group.finish();
    criterion.final_summary();
}
