//! Decisions and writes in a large account against an (almost) empty one, the issue's
//! target: "with 100,000 users, groups, roles and policies present, decisions and writes
//! cost at most 2x what they cost in an empty account". Each account is populated through
//! the operation runner (`Account::populate`: customer managed policies; users with a key
//! and an inline policy; groups with an inline policy, an attached policy and a member;
//! roles with a trust policy, an inline policy and an attached policy), 10 of each for
//! `empty` and 100,000 of each for `large`; then, in the same run, the two decisions of
//! `decision_cost` and one write per kind of entity (CreateUser, PutUserPolicy,
//! AttachUserPolicy, CreateGroup, CreateRole, CreatePolicy) over the file-backed store.
//! Writes are measured twice: wall-clock time (`CreateUser`), which is mostly the wait for
//! the commit's fsync, and the calling thread's on-CPU time (`CreateUser_on_cpu`), which
//! a shared machine's disk and load disturb far less. Also prints how long populating
//! took and the resident memory each entity adds.
//!
//! `cargo bench -p warden-core --bench account_scale`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark code: a failure should panic"
)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Account, POLICY, TRUST};
use criterion::{BenchmarkId, Criterion};
use warden_core::Caller;
use warden_protocol::iam::{
    AttachUserPolicyRequest, CreateGroupRequest, CreatePolicyRequest, CreateRoleRequest,
    CreateUserRequest, Operation, PutUserPolicyRequest,
};

/// The `n`th request of a write measured under its name; each names a new entity (or a
/// new user to attach to), so that every iteration writes.
type Write = fn(usize, &Scale) -> Operation;

const WRITES: [(&str, Write); 6] = [
    ("CreateUser", |n, _| {
        Operation::CreateUser(CreateUserRequest {
            user_name: format!("new-user-{n}"),
            ..CreateUserRequest::default()
        })
    }),
    ("PutUserPolicy", |n, _| {
        Operation::PutUserPolicy(PutUserPolicyRequest {
            user_name: "user-7".to_owned(),
            policy_name: format!("p{}", n % 4),
            policy_document: POLICY.to_owned(),
        })
    }),
    ("AttachUserPolicy", |n, scale| {
        // A user holds at most 10 attached policies: each attach is to a new user.
        scale.account.call(Operation::CreateUser(CreateUserRequest {
            user_name: format!("attach-{n}"),
            ..CreateUserRequest::default()
        }));
        Operation::AttachUserPolicy(AttachUserPolicyRequest {
            user_name: format!("attach-{n}"),
            policy_arn: format!(
                "arn:aws:iam::123456789012:policy/bulk-policy-{}",
                n % scale.count
            ),
        })
    }),
    ("CreateGroup", |n, _| {
        Operation::CreateGroup(CreateGroupRequest {
            group_name: format!("new-group-{n}"),
            ..CreateGroupRequest::default()
        })
    }),
    ("CreateRole", |n, _| {
        Operation::CreateRole(CreateRoleRequest {
            role_name: format!("new-role-{n}"),
            assume_role_policy_document: TRUST.to_owned(),
            ..CreateRoleRequest::default()
        })
    }),
    ("CreatePolicy", |n, _| {
        Operation::CreatePolicy(CreatePolicyRequest {
            policy_name: format!("new-policy-{n}"),
            policy_document: POLICY.to_owned(),
            ..CreatePolicyRequest::default()
        })
    }),
];

/// The time this thread has spent on a CPU (Linux: user and system, not waiting).
fn on_cpu() -> Duration {
    let schedstat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
    let nanos = schedstat
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    Duration::from_nanos(nanos)
}

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

    /// Runs requests `first..first + iterations` of `write` and returns the time they took
    /// (on-CPU time if `cpu`); their preparation is not timed.
    fn time_writes(&self, write: Write, first: usize, iterations: u64, cpu: bool) -> Duration {
        let last = first + usize::try_from(iterations).unwrap();
        let requests: Vec<_> = (first..last).map(|n| write(n, self)).collect();
        let (wall, thread) = (Instant::now(), on_cpu());
        for request in requests {
            self.account.call(request);
        }
        if cpu {
            on_cpu() - thread
        } else {
            wall.elapsed()
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

    group.sample_size(30);
    let mut next = 0;
    for (name, write) in WRITES {
        for (id, cpu) in [(name.to_owned(), false), (format!("{name}_on_cpu"), true)] {
            // Criterion sizes its runs by the time measured; a write's on-CPU time is a
            // fraction of its wall-clock time (the fsync's wait is not counted).
            let target = Duration::from_secs(if cpu { 1 } else { 5 });
            group.measurement_time(target).warm_up_time(target / 3);
            for scale in &scales {
                group.bench_function(BenchmarkId::new(&id, scale.size), |b| {
                    b.iter_custom(|iterations| {
                        let first = next;
                        next += usize::try_from(iterations).unwrap();
                        scale.time_writes(write, first, iterations, cpu)
                    });
                });
            }
        }
    }
    group.finish();
    criterion.final_summary();
}
