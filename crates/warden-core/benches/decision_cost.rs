//! What a decision costs as a user's policies grow: `authorize` for a user with one inline
//! policy against a user in 5 groups with 20 attached managed policies (10 on the user, 2
//! on each group) and the groups' inline policies, the comparison (target ≤ 2×).
//! Both decisions allow `iam:GetUser` through the snapshot, as every request does.
//!
//! `cargo bench -p warden-core --bench decision_cost`; figures in docs/BENCHMARKS.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark code: a failure should panic"
)]

mod common;

use common::Account;
use criterion::Criterion;

fn main() {
    let account = Account::new();
    let (plain, member) = account.decision_callers();

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("decision_cost");
    for (name, caller) in [
        ("one_inline_policy", &plain),
        ("5_groups_20_attached", &member),
    ] {
        group.bench_function(name, |b| b.iter(|| account.decide(caller)));
    }
    group.finish();
    criterion.final_summary();
}
