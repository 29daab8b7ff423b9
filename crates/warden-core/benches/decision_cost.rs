//! What a decision costs as a user's policies grow: `authorize` for a user with one inline
//! policy against a user in 5 groups with 20 attached managed policies (10 on the user, 2
//! on each group) and the groups' inline policies, the issue's comparison (target ≤ 2×).
//! Both decisions allow `iam:GetUser` through the snapshot, as every request does.
//!
//! `cargo bench -p warden-core --bench decision_cost`; figures in docs/BENCHMARKS.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark code: a failure should panic"
)]

mod common;

use std::sync::Arc;

use common::{Account, POLICY};
use criterion::Criterion;
use warden_core::{Caller, Permission, authorize};
use warden_protocol::iam::{
    AddUserToGroupRequest, AttachGroupPolicyRequest, AttachUserPolicyRequest,
    CreateAccessKeyRequest, CreateGroupRequest, CreatePolicyRequest, CreateUserRequest, Operation,
    PutGroupPolicyRequest,
};

/// A document allowing one action of an unrelated service, so that only the last policy
/// grants the decision's action and every policy is scanned.
fn unrelated(n: usize) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-{n}/*"}}]}}"#
    )
}

/// The caller of `user`'s access key (created here).
fn caller_of(account: &Account, user: &str) -> Arc<Caller> {
    account.call(Operation::CreateAccessKey(CreateAccessKeyRequest {
        user_name: Some(user.to_owned()),
    }));
    let snapshot = account.warden.snapshot();
    let ids = snapshot.key_ids_of("123456789012", Some(user));
    Arc::clone(&snapshot.key(ids.first().unwrap()).unwrap().caller)
}

fn managed_policy(account: &Account, n: usize, document: &str) -> String {
    account.call(Operation::CreatePolicy(CreatePolicyRequest {
        policy_name: format!("policy-{n}"),
        policy_document: document.to_owned(),
        ..CreatePolicyRequest::default()
    }));
    format!("arn:aws:iam::123456789012:policy/policy-{n}")
}

fn main() {
    let account = Account::with_users(0);
    account.call(Operation::CreateUser(CreateUserRequest {
        user_name: "plain".to_owned(),
        ..CreateUserRequest::default()
    }));
    account.put_policy("plain", "read");
    let plain = caller_of(&account, "plain");

    account.call(Operation::CreateUser(CreateUserRequest {
        user_name: "member".to_owned(),
        ..CreateUserRequest::default()
    }));
    for n in 0..20 {
        let document = if n == 19 {
            POLICY.to_owned()
        } else {
            unrelated(n)
        };
        let arn = managed_policy(&account, n, &document);
        if n < 10 {
            account.call(Operation::AttachUserPolicy(AttachUserPolicyRequest {
                user_name: "member".to_owned(),
                policy_arn: arn,
            }));
        } else {
            account.call(Operation::AttachGroupPolicy(AttachGroupPolicyRequest {
                group_name: format!("group-{}", (n - 10) / 2),
                policy_arn: arn,
            }));
        }
        if n < 5 {
            account.call(Operation::CreateGroup(CreateGroupRequest {
                group_name: format!("group-{n}"),
                ..CreateGroupRequest::default()
            }));
            account.call(Operation::PutGroupPolicy(PutGroupPolicyRequest {
                group_name: format!("group-{n}"),
                policy_name: "inline".to_owned(),
                policy_document: unrelated(100 + n),
            }));
            account.call(Operation::AddUserToGroup(AddUserToGroupRequest {
                group_name: format!("group-{n}"),
                user_name: "member".to_owned(),
            }));
        }
    }
    let member = caller_of(&account, "member");

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("decision_cost");
    for (name, caller) in [
        ("one_inline_policy", &plain),
        ("5_groups_20_attached", &member),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let snapshot = account.warden.snapshot();
                authorize(
                    &snapshot,
                    caller,
                    &account.facts,
                    Permission {
                        action: "iam:GetUser".to_owned(),
                        resource: "arn:aws:iam::123456789012:user/plain".to_owned(),
                        resource_account: "123456789012".to_owned(),
                        keys: Vec::new(),
                    },
                )
                .unwrap();
            });
        });
    }
    group.finish();
    criterion.final_summary();
}
