//! What the benchmarks of this crate share: an account on a file-backed store with a fixed
//! clock and deterministic ids, driven through the operation runner as root; populated with
//! users, groups, roles and customer managed policies in bulk; and the two callers the
//! decision benchmarks compare.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    dead_code,
    reason = "benchmark code: a failure should panic; each benchmark uses part of this"
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use warden_core::{
    Caller, FixedClock, Permission, RequestFacts, RootCredentials, Warden, authorize,
};
use warden_crypto::{DeterministicRandom, RootKey, SecretString};
use warden_journal::SqliteAuditLog;
use warden_protocol::iam::{
    AddUserToGroupRequest, AttachGroupPolicyRequest, AttachRolePolicyRequest,
    AttachUserPolicyRequest, CreateAccessKeyRequest, CreateGroupRequest, CreatePolicyRequest,
    CreateRoleRequest, CreateUserRequest, Operation, PutGroupPolicyRequest, PutRolePolicyRequest,
    PutUserPolicyRequest,
};
use warden_store_sqlite::SqliteStore;

/// The root user's access key id.
pub(crate) const ROOT_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
/// An identity policy allowing iam:GetUser.
pub(crate) const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}"#;
/// A trust policy letting EC2 assume a role.
pub(crate) const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
/// How many threads populate an account at once: concurrent writes share commits (and
/// their fsync), so bulk population is bound by CPU, not by the disk.
const POPULATING_THREADS: usize = 16;

/// This process's resident set size in bytes (Linux).
pub(crate) fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// A document allowing one action of an unrelated service: it never grants the decisions
/// measured here, so every policy holding it is scanned.
pub(crate) fn unrelated(n: usize) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-{n}/*"}}]}}"#
    )
}

/// One kind of entity as [`Account::populate`] added it.
pub(crate) struct Populated {
    pub(crate) kind: &'static str,
    pub(crate) count: usize,
    pub(crate) took: Duration,
    /// Resident memory the kind added (snapshot and store caches together).
    pub(crate) resident: u64,
}

/// An account, its root caller and the facts of a request.
pub(crate) struct Account {
    pub(crate) warden: Warden,
    pub(crate) root: Arc<Caller>,
    pub(crate) facts: RequestFacts,
    _dir: tempfile::TempDir,
}

impl Account {
    /// An account with only its root user (and its key).
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let warden = Warden::new(
            Arc::new(SqliteStore::open(&dir.path().join("warden.db")).unwrap()),
            Arc::new(SqliteAuditLog::open_in_memory().unwrap()),
            &RootKey::from_bytes(&[3; 32]).unwrap(),
            Arc::new(FixedClock(
                jiff::Timestamp::from_second(1_796_083_200).unwrap(),
            )),
            Arc::new(DeterministicRandom::new(5)),
        )
        .unwrap();
        warden
            .bootstrap(
                Some("123456789012"),
                Some(RootCredentials {
                    access_key_id: ROOT_KEY.to_owned(),
                    secret_access_key: SecretString::new("secret".to_owned()),
                }),
            )
            .unwrap();
        let root = Arc::clone(&warden.snapshot().key(ROOT_KEY).unwrap().caller);
        let facts = RequestFacts {
            source_ip: None,
            user_agent: "bench".to_owned(),
            secure_transport: false,
            region: "us-east-1".to_owned(),
            now: warden.now(),
        };
        Self {
            warden,
            root,
            facts,
            _dir: dir,
        }
    }

    /// An account with `users` users, each with a key and an inline policy.
    pub(crate) fn with_users(users: usize) -> Self {
        let account = Self::new();
        for n in 0..users {
            account.add_user(&format!("user-{n}"));
        }
        account
    }

    /// Runs `each(n)` for every `n` below `count`, from [`POPULATING_THREADS`] threads.
    fn in_parallel(&self, count: usize, each: impl Fn(usize) + Sync) {
        std::thread::scope(|scope| {
            for first in 0..POPULATING_THREADS {
                let each = &each;
                scope.spawn(move || (first..count).step_by(POPULATING_THREADS).for_each(each));
            }
        });
    }

    /// Adds `count` of each kind of entity through the operation runner, kind by kind:
    /// customer managed policies `bulk-policy-{n}` (one unrelated statement); users
    /// `user-{n}` (an access key and an inline policy); groups `bulk-group-{n}` (an inline
    /// policy, `bulk-policy-{n}` attached, `user-{n}` a member); roles `bulk-role-{n}` (a
    /// trust policy, an inline policy, `bulk-policy-{n}` attached).
    pub(crate) fn populate(&self, count: usize) -> Vec<Populated> {
        let policy_arn = |n: usize| format!("arn:aws:iam::123456789012:policy/bulk-policy-{n}");
        let kinds: [(&'static str, &(dyn Fn(usize) + Sync)); 4] = [
            ("policies", &|n| {
                self.call(Operation::CreatePolicy(CreatePolicyRequest {
                    policy_name: format!("bulk-policy-{n}"),
                    policy_document: unrelated(n),
                    ..CreatePolicyRequest::default()
                }));
            }),
            ("users", &|n| self.add_user(&format!("user-{n}"))),
            ("groups", &|n| {
                let group_name = format!("bulk-group-{n}");
                self.call(Operation::CreateGroup(CreateGroupRequest {
                    group_name: group_name.clone(),
                    ..CreateGroupRequest::default()
                }));
                self.call(Operation::PutGroupPolicy(PutGroupPolicyRequest {
                    group_name: group_name.clone(),
                    policy_name: "inline".to_owned(),
                    policy_document: unrelated(n),
                }));
                self.call(Operation::AttachGroupPolicy(AttachGroupPolicyRequest {
                    group_name: group_name.clone(),
                    policy_arn: policy_arn(n),
                }));
                self.call(Operation::AddUserToGroup(AddUserToGroupRequest {
                    group_name,
                    user_name: format!("user-{n}"),
                }));
            }),
            ("roles", &|n| {
                let role_name = format!("bulk-role-{n}");
                self.call(Operation::CreateRole(CreateRoleRequest {
                    role_name: role_name.clone(),
                    assume_role_policy_document: TRUST.to_owned(),
                    ..CreateRoleRequest::default()
                }));
                self.call(Operation::PutRolePolicy(PutRolePolicyRequest {
                    role_name: role_name.clone(),
                    policy_name: "inline".to_owned(),
                    policy_document: unrelated(n),
                }));
                self.call(Operation::AttachRolePolicy(AttachRolePolicyRequest {
                    role_name,
                    policy_arn: policy_arn(n),
                }));
            }),
        ];
        kinds
            .into_iter()
            .map(|(kind, add)| {
                let (start, before) = (Instant::now(), resident_bytes());
                self.in_parallel(count, add);
                Populated {
                    kind,
                    count,
                    took: start.elapsed(),
                    resident: resident_bytes().saturating_sub(before),
                }
            })
            .collect()
    }

    /// Runs an IAM operation as root; panics if it fails.
    pub(crate) fn call(&self, operation: Operation) {
        let ran = warden_core::iam::call(&self.warden, &self.root, &self.facts, operation);
        ran.result.unwrap();
    }

    /// A user with an access key and an inline policy.
    pub(crate) fn add_user(&self, name: &str) {
        self.call(Operation::CreateUser(CreateUserRequest {
            user_name: name.to_owned(),
            ..CreateUserRequest::default()
        }));
        self.call(Operation::CreateAccessKey(CreateAccessKeyRequest {
            user_name: Some(name.to_owned()),
        }));
        self.put_policy(name, "read");
    }

    /// Puts the inline policy `policy` (allowing iam:GetUser) on `user`.
    pub(crate) fn put_policy(&self, user: &str, policy: &str) {
        self.call(Operation::PutUserPolicy(PutUserPolicyRequest {
            user_name: user.to_owned(),
            policy_name: policy.to_owned(),
            policy_document: POLICY.to_owned(),
        }));
    }

    /// The caller of `user`'s access key (created here).
    pub(crate) fn caller_of(&self, user: &str) -> Arc<Caller> {
        self.call(Operation::CreateAccessKey(CreateAccessKeyRequest {
            user_name: Some(user.to_owned()),
        }));
        let snapshot = self.warden.snapshot();
        let ids = snapshot.key_ids_of("123456789012", Some(user));
        Arc::clone(&snapshot.key(ids.first().unwrap()).unwrap().caller)
    }

    /// The two callers a decision's cost is compared for: `plain`, a user with one inline
    /// policy; and `member`, a user in 5 groups (each with an inline policy) with 20
    /// attached customer managed policies (10 on the user, 2 on each group) of which only
    /// the last allows `iam:GetUser`, so that every policy is scanned.
    pub(crate) fn decision_callers(&self) -> (Arc<Caller>, Arc<Caller>) {
        self.call(Operation::CreateUser(CreateUserRequest {
            user_name: "plain".to_owned(),
            ..CreateUserRequest::default()
        }));
        self.put_policy("plain", "read");
        let plain = self.caller_of("plain");

        self.call(Operation::CreateUser(CreateUserRequest {
            user_name: "member".to_owned(),
            ..CreateUserRequest::default()
        }));
        for n in 0..20 {
            let document = if n == 19 {
                POLICY.to_owned()
            } else {
                unrelated(n)
            };
            self.call(Operation::CreatePolicy(CreatePolicyRequest {
                policy_name: format!("policy-{n}"),
                policy_document: document,
                ..CreatePolicyRequest::default()
            }));
            let arn = format!("arn:aws:iam::123456789012:policy/policy-{n}");
            if n < 10 {
                self.call(Operation::AttachUserPolicy(AttachUserPolicyRequest {
                    user_name: "member".to_owned(),
                    policy_arn: arn,
                }));
            } else {
                self.call(Operation::AttachGroupPolicy(AttachGroupPolicyRequest {
                    group_name: format!("group-{}", (n - 10) / 2),
                    policy_arn: arn,
                }));
            }
            if n < 5 {
                self.call(Operation::CreateGroup(CreateGroupRequest {
                    group_name: format!("group-{n}"),
                    ..CreateGroupRequest::default()
                }));
                self.call(Operation::PutGroupPolicy(PutGroupPolicyRequest {
                    group_name: format!("group-{n}"),
                    policy_name: "inline".to_owned(),
                    policy_document: unrelated(100 + n),
                }));
                self.call(Operation::AddUserToGroup(AddUserToGroupRequest {
                    group_name: format!("group-{n}"),
                    user_name: "member".to_owned(),
                }));
            }
        }
        (plain, self.caller_of("member"))
    }

    /// Authorizes `caller` for `iam:GetUser` on user `plain` through the current snapshot,
    /// as every request is; panics unless allowed.
    pub(crate) fn decide(&self, caller: &Caller) {
        let snapshot = self.warden.snapshot();
        authorize(
            &snapshot,
            caller,
            &self.facts,
            Permission {
                action: "iam:GetUser".to_owned(),
                resource: "arn:aws:iam::123456789012:user/plain".to_owned(),
                resource_account: "123456789012".to_owned(),
                keys: Vec::new(),
            },
        )
        .unwrap();
    }
}
