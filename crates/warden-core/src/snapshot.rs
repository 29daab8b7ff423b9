//! The authorization snapshot: everything the hot path needs, in memory, immutable.
//!
//! The store is the source of truth; requests never read it to authenticate or authorize.
//! A write commits to the store and then publishes a new snapshot generation (copy-on-write
//! through [`arc_swap::ArcSwap`]); readers never block.

use std::collections::HashMap;
use std::sync::Arc;

use warden_policy::Policy;
use zeroize::Zeroizing;

use crate::caller::Caller;

/// One access key, ready to verify signatures.
pub struct KeyEntry {
    /// The principal the key authenticates (shared: every request it signs holds it).
    pub caller: Arc<Caller>,
    /// The plaintext secret, kept only in memory.
    pub secret: Zeroizing<Vec<u8>>,
    /// Inactive keys authenticate nothing.
    pub active: bool,
}

impl std::fmt::Debug for KeyEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyEntry")
            .field("caller", &self.caller)
            .field("secret", &"<redacted>")
            .field("active", &self.active)
            .finish()
    }
}

/// An IAM user's authorization-relevant facts.
#[derive(Debug, Clone)]
pub struct UserEntry {
    /// The user's ARN.
    pub arn: String,
    /// The user's unique id (`AIDA…`).
    pub user_id: String,
    /// The user's tags (`aws:PrincipalTag/…`).
    pub tags: Vec<(String, String)>,
    /// Compiled inline policies, by policy name.
    pub inline: Vec<Policy>,
    /// The compiled permissions boundary, if one is set.
    pub boundary: Option<Policy>,
    /// Stored policies that no longer compile: their presence denies every request of the
    /// user (fail closed), with these descriptions as the reason.
    pub broken: Vec<String>,
}

impl UserEntry {
    /// Every identity-based policy that applies to the user.
    pub fn identity_policies(&self) -> impl Iterator<Item = &Policy> {
        self.inline.iter()
    }
}

/// One immutable generation of the authorization data.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    keys: HashMap<String, Arc<KeyEntry>>,
    users: HashMap<(String, String), Arc<UserEntry>>,
}

impl Snapshot {
    /// The key with this access key id.
    pub fn key(&self, access_key_id: &str) -> Option<&KeyEntry> {
        self.keys.get(access_key_id).map(Arc::as_ref)
    }

    /// The user with this name (case-insensitive, as IAM names are) in this account.
    pub fn user(&self, account_id: &str, user_name: &str) -> Option<&UserEntry> {
        self.users
            .get(&(account_id.to_owned(), user_name.to_ascii_lowercase()))
            .map(Arc::as_ref)
    }

    /// Insert or replace a key.
    pub fn put_key(&mut self, access_key_id: String, entry: KeyEntry) {
        self.keys.insert(access_key_id, Arc::new(entry));
    }

    /// The ids of the keys of a user (`None`: of the account's root user).
    pub fn key_ids_of(&self, account_id: &str, user_name: Option<&str>) -> Vec<String> {
        self.keys
            .iter()
            .filter(|(_, entry)| {
                entry.caller.account_id == account_id
                    && match (&entry.caller.kind, user_name) {
                        (crate::caller::CallerKind::Root, None) => true,
                        (
                            crate::caller::CallerKind::User {
                                user_name: owner, ..
                            },
                            Some(name),
                        ) => owner.eq_ignore_ascii_case(name),
                        _ => false,
                    }
            })
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Remove a key.
    pub fn remove_key(&mut self, access_key_id: &str) {
        self.keys.remove(access_key_id);
    }

    /// Insert or replace a user.
    pub fn put_user(&mut self, account_id: &str, user_name: &str, entry: UserEntry) {
        self.users.insert(
            (account_id.to_owned(), user_name.to_ascii_lowercase()),
            Arc::new(entry),
        );
    }

    /// Remove a user.
    pub fn remove_user(&mut self, account_id: &str, user_name: &str) {
        self.users
            .remove(&(account_id.to_owned(), user_name.to_ascii_lowercase()));
    }
}
