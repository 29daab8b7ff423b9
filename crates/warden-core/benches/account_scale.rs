//! Decisions and writes in a large account against an (almost) empty one, the issue's
//! target: "with 100,000 users, groups, roles and policies present, decisions and writes
//! cost at most 2x what they cost in an empty account". Each account is populated through
//! the operation runner (`Account::populate`: customer managed policies; users with a key
//! and an inline policy; groups with an inline policy, an attached policy and a member;
//! roles with a trust policy, an inline policy and an attached policy), 10 of each for
//! `empty` and 100,000 of each for `large`; then, in the same run, the two decisions of
//! `decision_cost` and one write per kind of entity (CreateUser, PutUserPolicy,
//! AttachUserPolicy, CreateGroup, CreateRole, CreatePolicy) over the file-backed store.
//! Also prints how long populating took and the resident memory each entity adds.
//!
//! `cargo bench -p warden-core --bench account_scale`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark code: a failure should panic"
)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Account, POLICY, TRUST};
use criterion::{BatchSize, BenchmarkId, Criterion};
use warden_core::Caller;
use warden_protocol::iam::{
    AttachUserPolicyRequest, CreateGroupRequest, CreatePolicyRequest, CreateRoleRequest,
    CreateUserRequest, Operation,
};

/// The write measured under `name`: its `n`th request (each names a new entity, so that
/// every iteration writes).
type Write = fn(&Account, usize);

const WRITES: [(&str, Write); 5] = [
    ("CreateUser", |account, n| {
        account.call(Operation::CreateUser(CreateUserRequest {
            user_name: format!("new-user-{n}"),
            ..CreateUserRequest::default()
        }));
    }),
    ("PutUserPolicy", |account, n| {
        account.put_policy("user-7", &format!("p{}", n % 4));
    }),
    ("CreateGroup", |account, n| {
        account.call(Operation::CreateGroup(CreateGroupRequest {
            group_name: format!("new-group-{n}"),
            ..CreateGroupRequest::default()
        }));
    }),
    ("CreateRole", |account, n| {
        account.call(Operation::CreateRole(CreateRoleRequest {
            role_name: format!("new-role-{n}"),
            assume_role_policy_document: TRUST.to_owned(),
            ..CreateRoleRequest::default()
        }));
    }),
    ("CreatePolicy", |account, n| {
        account.call(Operation::CreatePolicy(CreatePolicyRequest {
            policy_name: format!("new-policy-{n}"),
            policy_document: POLICY.to_owned(),
            ..CreatePolicyRequest::default()
        }));
    }),
];

/// An account populated with `count` entities of each kind, and its two decision callers.
struct Scale {
    size: &'static str,
    count: usize,
    account: Account,
    plain: Arc<Caller>,
    member: Arc<Caller>,
}

impl Scale {
    fn new(size: &'static str, count: usize) -> Self {
        let account = Account::new();
        for kind in account.populate(count) {
            eprintln!(
                "account_scale {size}: {} {} in {:.1} s, resident memory +{} KiB: {:.2} KiB each",
                kind.count,
                kind.kind,
                kind.took.as_secs_f64(),
                kind.resident / 1024,
                kind.resident as f64 / 1024.0 / kind.count as f64
            );
        }
        let (plain, member) = account.decision_callers();
        Self {
            size,
            count,
            account,
            plain,
            member,
        }
    }
}

/// Which of a [`Scale`]'s callers a decision is for.
type CallerOf = fn(&Scale) -> &Caller;

fn main() {
    // Both accounts first, then each measurement on one right after the other: the load of
    // a shared machine drifts over minutes and would otherwise bias the ratios.
    let scales = [Scale::new("empty", 10), Scale::new("large", 100_000)];
    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("account_scale");

    group
        .sample_size(100)
        .measurement_time(Duration::from_secs(5));
    let decisions: [(&str, CallerOf); 2] = [
        ("decide_one_inline_policy", |scale| &scale.plain),
        ("decide_5_groups_20_attached", |scale| &scale.member),
    ];
    for (name, caller) in decisions {
        for scale in &scales {
            group.bench_function(BenchmarkId::new(name, scale.size), |b| {
                b.iter(|| scale.account.decide(caller(scale)));
            });
        }
    }

    // A write waits for its fsync, whose time varies on a shared disk: a longer window.
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(10));
    let mut n = 0;
    for (name, write) in WRITES {
        for scale in &scales {
            group.bench_function(BenchmarkId::new(name, scale.size), |b| {
                b.iter(|| {
                    n += 1;
                    write(&scale.account, n);
                });
            });
        }
    }
    // Each iteration attaches a policy to a user created for it (outside the timing): a
    // user holds at most 10 attached policies.
    for scale in &scales {
        group.bench_function(BenchmarkId::new("AttachUserPolicy", scale.size), |b| {
            b.iter_batched(
                || {
                    n += 1;
                    let user_name = format!("attach-{n}");
                    scale.account.call(Operation::CreateUser(CreateUserRequest {
                        user_name: user_name.clone(),
                        ..CreateUserRequest::default()
                    }));
                    let policy = n % scale.count;
                    AttachUserPolicyRequest {
                        user_name,
                        policy_arn: format!(
                            "arn:aws:iam::123456789012:policy/bulk-policy-{policy}"
                        ),
                    }
                },
                |request| scale.account.call(Operation::AttachUserPolicy(request)),
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();
    criterion.final_summary();
}
