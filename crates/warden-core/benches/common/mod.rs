//! What the benchmarks of this crate share: an account on a file-backed store with a fixed
//! clock and deterministic ids, driven through the operation runner as root.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    dead_code,
    reason = "benchmark code: a failure should panic; each benchmark uses part of this"
)]

use std::sync::Arc;

use warden_core::{Caller, FixedClock, RequestFacts, RootCredentials, Warden};
use warden_crypto::{DeterministicRandom, RootKey, SecretString};
use warden_journal::SqliteAuditLog;
use warden_protocol::iam::{
    CreateAccessKeyRequest, CreateUserRequest, Operation, PutUserPolicyRequest,
};
use warden_store_sqlite::SqliteStore;

/// The root user's access key id.
pub(crate) const ROOT_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
/// An identity policy allowing iam:GetUser.
pub(crate) const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}"#;

/// An account, its root caller and the facts of a request.
pub(crate) struct Account {
    pub(crate) warden: Warden,
    pub(crate) root: Arc<Caller>,
    pub(crate) facts: RequestFacts,
    _dir: tempfile::TempDir,
}

impl Account {
    /// An account with `users` users, each with a key and an inline policy.
    pub(crate) fn with_users(users: usize) -> Self {
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

    /// Runs an IAM operation as root; panics if it fails.
    pub(crate) fn call(&self, operation: Operation) {
        let ran = warden_core::iam::call(&self.warden, &self.root, &self.facts, operation);
        ran.result.unwrap();
    }

    /// A user with an access key and an inline policy.
    pub(crate) fn populate(&self, name: &str) {
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
}
