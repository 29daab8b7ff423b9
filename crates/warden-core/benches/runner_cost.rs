//! What one read costs through the operation runner for an IAM user: GetUser by a user
//! with one inline policy, via `warden_core::iam::call` (access, the attempt noted for IAM's
//! service last accessed reports, authorization through the snapshot, the store read and the
//! answer). Run on two commits with criterion's `--save-baseline` / `--baseline` to see what
//! a change to the runner costs every call.
//!
//! `cargo bench -p warden-core --bench runner_cost`; figures in docs/BENCHMARKS.md.
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

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("runner_cost");
    group.bench_function("GetUser_by_a_user", |b| {
        b.iter(|| {
            let ran = warden_core::iam::call(
                &account.warden,
                &plain,
                &account.facts,
                Operation::GetUser(GetUserRequest {
                    user_name: Some("plain".to_owned()),
                }),
            );
            ran.result.unwrap();
        });
    });
    group.finish();
    criterion.final_summary();
}
