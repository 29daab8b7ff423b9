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

use std::sync::Arc;

use criterion::{BenchmarkId, Criterion};
use warden_core::{Caller, FixedClock, RequestFacts, RootCredentials, Warden};
use warden_crypto::{DeterministicRandom, RootKey, SecretString};
use warden_journal::SqliteAuditLog;
use warden_protocol::iam::{
    CreateAccessKeyRequest, CreateUserRequest, Operation, PutUserPolicyRequest,
};
use warden_store_sqlite::SqliteStore;

const ROOT_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}"#;

struct Account {
    warden: Warden,
    root: Arc<Caller>,
    facts: RequestFacts,
    _dir: tempfile::TempDir,
}

impl Account {
    fn with_users(users: usize) -> Self {
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
        let account = Self {
            warden,
            root,
            facts,
            _dir: dir,
        };
        for n in 0..users {
            account.populate(&format!("user-{n}"));
        }
        account
    }

    fn call(&self, operation: Operation) {
        let ran = warden_core::iam::call(&self.warden, &self.root, &self.facts, operation);
        ran.result.unwrap();
    }

    /// A user with an access key and an inline policy.
    fn populate(&self, name: &str) {
        self.call(Operation::CreateUser(CreateUserRequest {
            user_name: name.to_owned(),
            ..CreateUserRequest::default()
        }));
        self.call(Operation::CreateAccessKey(CreateAccessKeyRequest {
            user_name: Some(name.to_owned()),
        }));
        self.put_policy(name, "read");
    }

    fn put_policy(&self, user: &str, policy: &str) {
        self.call(Operation::PutUserPolicy(PutUserPolicyRequest {
            user_name: user.to_owned(),
            policy_name: policy.to_owned(),
            policy_document: POLICY.to_owned(),
        }));
    }
}

/// This process's resident set size in bytes (Linux).
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

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
