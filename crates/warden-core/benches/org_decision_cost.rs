//! What service control policies add to a decision: `authorize` for a user of a member
//! account (one inline policy allowing `iam:GetUser`) under a five-level OU chain with two
//! SCPs on every level (root, five OUs, the account: `FullAWSAccess` and a Deny of an
//! unrelated action), against the same decision before SCPs are enabled — the issue's
//! comparison (target ≤ 1.5×).
//!
//! `cargo bench -p warden-core --bench org_decision_cost`; figures in docs/BENCHMARKS.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark code: a failure should panic"
)]

mod common;

use std::sync::Arc;

use common::{Account, POLICY};
use criterion::Criterion;
use warden_core::{Caller, CallerKind, Permission, authorize};
use warden_protocol::iam;
use warden_protocol::organizations::{
    AttachPolicyRequest, CreateAccountRequest, CreateOrganizationRequest,
    CreateOrganizationalUnitRequest, CreatePolicyRequest, EnablePolicyTypeRequest,
    ListRootsRequest, MoveAccountRequest, Operation,
};

/// An SCP that never decides `iam:GetUser` but is scanned all the same.
const UNRELATED_DENY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}"#;

/// Runs an Organizations operation as the management account's root; its answer as JSON
/// (`null` without output).
fn orgs(account: &Account, operation: Operation) -> serde_json::Value {
    let ran =
        warden_core::organizations::call(&account.warden, &account.root, &account.facts, operation);
    ran.result
        .unwrap()
        .map_or(serde_json::Value::Null, |output| output.to_json())
}

/// The string at `pointer` (a JSON pointer) in an answer.
fn id_in(answer: &serde_json::Value, pointer: &str) -> String {
    answer
        .pointer(pointer)
        .and_then(serde_json::Value::as_str)
        .unwrap()
        .to_owned()
}

fn main() {
    let account = Account::new();
    orgs(
        &account,
        Operation::CreateOrganization(CreateOrganizationRequest::default()),
    );
    let roots = orgs(&account, Operation::ListRoots(ListRootsRequest::default()));
    let root_id = id_in(&roots, "/Roots/0/Id");
    let created = orgs(
        &account,
        Operation::CreateAccount(CreateAccountRequest {
            email: "bench@example.com".to_owned(),
            account_name: "bench".to_owned(),
            ..CreateAccountRequest::default()
        }),
    );
    let member = id_in(&created, "/CreateAccountStatus/AccountId");

    // A user of the member account, made by the member's root user.
    let member_root = Caller {
        account_id: member.clone(),
        arn: format!("arn:aws:iam::{member}:root"),
        kind: CallerKind::Root,
        access_key_id: "bench".to_owned(),
        session: None,
    };
    let as_member = |operation: iam::Operation| {
        warden_core::iam::call(&account.warden, &member_root, &account.facts, operation)
            .result
            .unwrap();
    };
    as_member(iam::Operation::CreateUser(iam::CreateUserRequest {
        user_name: "worker".to_owned(),
        ..iam::CreateUserRequest::default()
    }));
    as_member(iam::Operation::PutUserPolicy(iam::PutUserPolicyRequest {
        user_name: "worker".to_owned(),
        policy_name: "read".to_owned(),
        policy_document: POLICY.to_owned(),
    }));
    as_member(iam::Operation::CreateAccessKey(
        iam::CreateAccessKeyRequest {
            user_name: Some("worker".to_owned()),
        },
    ));
    let worker = {
        let snapshot = account.warden.snapshot();
        let ids = snapshot.key_ids_of(&member, Some("worker"));
        Arc::clone(&snapshot.key(ids.first().unwrap()).unwrap().caller)
    };
    let decide = || {
        let snapshot = account.warden.snapshot();
        authorize(
            &snapshot,
            &worker,
            &account.facts,
            Permission {
                action: "iam:GetUser".to_owned(),
                resource: format!("arn:aws:iam::{member}:user/worker"),
                resource_account: member.clone(),
                keys: Vec::new(),
            },
        )
        .unwrap();
    };

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("org_decision_cost");
    group.bench_function("member_without_scps", |b| b.iter(decide));

    // Five OUs deep, two SCPs on every level.
    orgs(
        &account,
        Operation::EnablePolicyType(EnablePolicyTypeRequest {
            root_id: root_id.clone(),
            policy_type: "SERVICE_CONTROL_POLICY".to_owned(),
        }),
    );
    let mut levels = vec![root_id.clone()];
    let mut parent = root_id.clone();
    for depth in 0..5 {
        let unit = orgs(
            &account,
            Operation::CreateOrganizationalUnit(CreateOrganizationalUnitRequest {
                parent_id: parent.clone(),
                name: format!("level-{depth}"),
                tags: None,
            }),
        );
        parent = id_in(&unit, "/OrganizationalUnit/Id");
        levels.push(parent.clone());
    }
    orgs(
        &account,
        Operation::MoveAccount(MoveAccountRequest {
            account_id: member.clone(),
            source_parent_id: root_id,
            destination_parent_id: parent,
        }),
    );
    levels.push(member.clone());
    for (n, target) in levels.iter().enumerate() {
        let policy = orgs(
            &account,
            Operation::CreatePolicy(CreatePolicyRequest {
                content: UNRELATED_DENY.to_owned(),
                description: String::new(),
                name: format!("unrelated-{n}"),
                r#type: "SERVICE_CONTROL_POLICY".to_owned(),
                tags: None,
            }),
        );
        let policy_id = id_in(&policy, "/Policy/PolicySummary/Id");
        orgs(
            &account,
            Operation::AttachPolicy(AttachPolicyRequest {
                policy_id,
                target_id: target.clone(),
            }),
        );
    }
    let scp_levels = account
        .warden
        .snapshot()
        .org_member(&member)
        .and_then(|m| m.scps.as_ref().map(Vec::len))
        .unwrap();
    assert_eq!(scp_levels, 7, "root, five OUs and the account");
    group.bench_function("member_under_5_ous_2_scps_each", |b| b.iter(decide));
    group.finish();
    criterion.final_summary();
}
