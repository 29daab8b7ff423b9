//! The authorization snapshot: everything the hot path needs, in memory, immutable.
//!
//! The store is the source of truth; requests never read it to authenticate or authorize.
//! A write commits to the store and then publishes a new snapshot generation (copy-on-write
//! through [`arc_swap::ArcSwap`]); readers never block.
//!
//! The maps are persistent (`imbl`'s hash array mapped tries): copying a generation is O(1)
//! and changing one entry copies only the path to it, so a write costs the size of the
//! principal it touches, not of the account. An index of key ids by owner spares a refresh
//! from scanning every key.

use std::sync::Arc;

use imbl::HashMap;

use warden_policy::Policy;
use zeroize::Zeroizing;

use crate::caller::Caller;

mod organizations;

pub use organizations::{Level, OrgMember};

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
    /// The ARN of the managed policy that is the user's permissions boundary, if one is set.
    pub boundary: Option<String>,
    /// The ARNs of the managed policies attached to the user.
    pub attached: Vec<String>,
    /// The groups the user is a member of (their policies apply), as keys of the snapshot's
    /// group map: (account, case-folded name), so that a decision looks them up without
    /// building a key.
    pub groups: Vec<(String, String)>,
    /// Stored policies that no longer compile: their presence denies every request of the
    /// user (fail closed), with these descriptions as the reason.
    pub broken: Vec<String>,
}

/// An IAM group's authorization-relevant facts: the policies it gives its members.
#[derive(Debug, Clone)]
pub struct GroupEntry {
    /// The group's ARN.
    pub arn: String,
    /// Compiled inline policies.
    pub inline: Vec<Policy>,
    /// The ARNs of the managed policies attached to the group.
    pub attached: Vec<String>,
    /// Stored policies that no longer compile: every member is denied everything.
    pub broken: Vec<String>,
}

/// An IAM role's authorization-relevant facts: what a session of the role may do (its
/// policies and boundary) and who may assume it (its trust policy).
#[derive(Debug, Clone)]
pub struct RoleEntry {
    /// The role's ARN.
    pub arn: String,
    /// The role's unique id (`AROA…`).
    pub role_id: String,
    /// The role's tags (`aws:PrincipalTag/…` of its sessions).
    pub tags: Vec<(String, String)>,
    /// Compiled inline policies.
    pub inline: Vec<Policy>,
    /// The ARNs of the managed policies attached to the role.
    pub attached: Vec<String>,
    /// The ARN of the role's permissions boundary, if one is set.
    pub boundary: Option<String>,
    /// The compiled trust policy, or why it cannot be evaluated.
    pub trust: Result<Policy, String>,
    /// The longest session the role grants, in seconds.
    pub max_session_duration: i32,
    /// Stored inline policies that no longer compile.
    pub broken: Vec<String>,
}

/// A managed policy's default version, compiled (customer managed, or an AWS managed
/// policy some entity uses).
#[derive(Debug, Clone)]
pub struct ManagedEntry {
    /// The compiled default version, or why it cannot be evaluated (principals using it are
    /// then denied everything).
    pub policy: Result<Policy, String>,
}

/// Every identity-based policy that applies to a user — its own and its groups' — and the
/// descriptions of any that cannot be evaluated.
#[derive(Debug, Default)]
pub struct IdentityPolicies<'s> {
    /// The compiled policies.
    pub policies: Vec<&'s Policy>,
    /// The permissions boundary, when the user has one.
    pub boundary: Option<&'s Policy>,
    /// Why some policy of the user cannot be evaluated (the user must be denied).
    pub broken: Vec<&'s str>,
}

/// Counts of one account's entities ([`Snapshot::account_counts`]).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AccountCounts {
    /// IAM users.
    pub users: usize,
    /// IAM groups.
    pub groups: usize,
    /// IAM roles.
    pub roles: usize,
    /// Customer managed policies.
    pub policies: usize,
    /// Managed-policy attachments to its users, groups and roles.
    pub attachments: usize,
    /// Access keys of its root user.
    pub root_keys: usize,
}

/// One immutable generation of the authorization data.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    keys: HashMap<String, Arc<KeyEntry>>,
    users: HashMap<(String, String), Arc<UserEntry>>,
    /// Groups by (account, case-folded name).
    groups: HashMap<(String, String), Arc<GroupEntry>>,
    /// Roles by (account, case-folded name).
    roles: HashMap<(String, String), Arc<RoleEntry>>,
    /// Managed policies by ARN.
    managed: HashMap<String, Arc<ManagedEntry>>,
    /// Key ids by owner: (account, lower-cased user name; `None` for the root user).
    keys_by_owner: HashMap<Owner, Arc<[String]>>,
    /// The ARNs of users and roles by their unique ids (`AIDA…`, `AROA…`).
    arns_by_unique_id: HashMap<String, String>,
    /// Organization facts by member account id.
    org_members: HashMap<String, Arc<OrgMember>>,
    /// The member accounts of each organization, by organization id.
    org_accounts: HashMap<String, Arc<[String]>>,
    /// How many generations were published before this one.
    generation: u64,
}

/// Whose keys: an account and a lower-cased user name (`None`: the account's root user).
type Owner = (String, Option<String>);

/// The owner of the key `entry`.
fn owner_of(entry: &KeyEntry) -> Owner {
    let user = match &entry.caller.kind {
        crate::caller::CallerKind::Root => None,
        crate::caller::CallerKind::User { user_name, .. } => Some(user_name.to_ascii_lowercase()),
        // Role sessions have no long-term keys.
        crate::caller::CallerKind::AssumedRole { role_name, .. } => {
            Some(format!("role/{}", role_name.to_ascii_lowercase()))
        }
        crate::caller::CallerKind::FederatedUser { name, .. } => {
            Some(format!("federated-user/{}", name.to_ascii_lowercase()))
        }
    };
    (entry.caller.account_id.clone(), user)
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

    /// The group with this name (case-insensitive) in this account.
    pub fn group(&self, account_id: &str, group_name: &str) -> Option<&GroupEntry> {
        self.groups
            .get(&(account_id.to_owned(), group_name.to_ascii_lowercase()))
            .map(Arc::as_ref)
    }

    /// Every identity-based policy of `user`: its inline and attached
    /// policies, those of its groups, and its permissions boundary. Anything the snapshot
    /// cannot evaluate — a policy that does not compile, a group or managed policy it does
    /// not hold — is reported as broken (fail closed).
    pub fn identity_policies<'s>(&'s self, user: &'s UserEntry) -> IdentityPolicies<'s> {
        let mut found = self.own_policies(
            &user.inline,
            &user.broken,
            &user.attached,
            user.boundary.as_deref(),
        );
        for key in &user.groups {
            match self.groups.get(key) {
                Some(group) => {
                    found.policies.extend(group.inline.iter());
                    found.broken.extend(group.broken.iter().map(String::as_str));
                    self.add_managed(&group.attached, &mut found);
                }
                None => found.broken.push("a group of the user is missing"),
            }
        }
        found
    }

    /// Every identity-based policy of `role` (what its sessions may do): its inline and
    /// attached policies and its permissions boundary, with anything the snapshot cannot
    /// evaluate reported as broken (fail closed).
    pub fn role_policies<'s>(&'s self, role: &'s RoleEntry) -> IdentityPolicies<'s> {
        self.own_policies(
            &role.inline,
            &role.broken,
            &role.attached,
            role.boundary.as_deref(),
        )
    }

    /// A principal's own inline and attached policies and its boundary.
    fn own_policies<'s>(
        &'s self,
        inline: &'s [Policy],
        broken: &'s [String],
        attached: &[String],
        boundary: Option<&str>,
    ) -> IdentityPolicies<'s> {
        let mut found = IdentityPolicies {
            policies: inline.iter().collect(),
            boundary: None,
            broken: broken.iter().map(String::as_str).collect(),
        };
        self.add_managed(attached, &mut found);
        if let Some(arn) = boundary {
            match self.managed.get(arn).map(|entry| &entry.policy) {
                Some(Ok(policy)) => found.boundary = Some(policy),
                Some(Err(reason)) => found.broken.push(reason),
                None => found.broken.push("the permissions boundary is missing"),
            }
        }
        found
    }

    fn add_managed<'s>(&'s self, arns: &[String], found: &mut IdentityPolicies<'s>) {
        for arn in arns {
            match self.managed.get(arn).map(|entry| &entry.policy) {
                Some(Ok(policy)) => found.policies.push(policy),
                Some(Err(reason)) => found.broken.push(reason),
                None => found.broken.push("an attached managed policy is missing"),
            }
        }
    }

    /// The role with this name (case-insensitive) in this account.
    pub fn role(&self, account_id: &str, role_name: &str) -> Option<&RoleEntry> {
        self.roles
            .get(&(account_id.to_owned(), role_name.to_ascii_lowercase()))
            .map(Arc::as_ref)
    }

    /// Insert or replace a role.
    pub fn put_role(&mut self, account_id: &str, role_name: &str, entry: RoleEntry) {
        let role_id = entry.role_id.clone();
        self.arns_by_unique_id
            .insert(role_id.clone(), entry.arn.clone());
        let previous = self.roles.insert(
            (account_id.to_owned(), role_name.to_ascii_lowercase()),
            Arc::new(entry),
        );
        if let Some(previous) = previous.filter(|previous| previous.role_id != role_id) {
            self.forget_unique_id(&previous.role_id, &previous.arn);
        }
    }

    /// Remove a role.
    pub fn remove_role(&mut self, account_id: &str, role_name: &str) {
        if let Some(role) = self
            .roles
            .remove(&(account_id.to_owned(), role_name.to_ascii_lowercase()))
        {
            self.forget_unique_id(&role.role_id, &role.arn);
        }
    }

    /// The current ARN of the user or role with this unique id, if it still exists.
    pub fn arn_of_unique_id(&self, unique_id: &str) -> Option<&str> {
        self.arns_by_unique_id.get(unique_id).map(String::as_str)
    }

    /// Forgets `unique_id` if it still names `arn` (a rename or move has re-pointed it).
    fn forget_unique_id(&mut self, unique_id: &str, arn: &str) {
        if self.arns_by_unique_id.get(unique_id).map(String::as_str) == Some(arn) {
            self.arns_by_unique_id.remove(unique_id);
        }
    }

    /// The managed policy with this ARN, when the snapshot holds it.
    pub fn managed(&self, arn: &str) -> Option<&ManagedEntry> {
        self.managed.get(arn).map(Arc::as_ref)
    }

    /// Insert or replace a managed policy.
    pub fn put_managed(&mut self, arn: &str, entry: ManagedEntry) {
        self.managed.insert(arn.to_owned(), Arc::new(entry));
    }

    /// Remove a managed policy.
    pub fn remove_managed(&mut self, arn: &str) {
        self.managed.remove(arn);
    }

    /// Insert or replace a group.
    pub fn put_group(&mut self, account_id: &str, group_name: &str, entry: GroupEntry) {
        self.groups.insert(
            (account_id.to_owned(), group_name.to_ascii_lowercase()),
            Arc::new(entry),
        );
    }

    /// Remove a group.
    pub fn remove_group(&mut self, account_id: &str, group_name: &str) {
        self.groups
            .remove(&(account_id.to_owned(), group_name.to_ascii_lowercase()));
    }

    /// How many generations were published before this one (0 at start-up).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Marks this snapshot as the generation after `previous`.
    pub(crate) fn follow(&mut self, previous: &Self) {
        self.generation = previous.generation + 1;
    }

    /// The ARNs of the managed policies one account uses: attached to its users, groups or
    /// roles, or their permissions boundary.
    pub fn managed_in_use(&self, account_id: &str) -> std::collections::BTreeSet<String> {
        let in_account = |key: &(String, String)| key.0 == account_id;
        let mut in_use = std::collections::BTreeSet::new();
        for (_, user) in self.users.iter().filter(|(key, _)| in_account(key)) {
            in_use.extend(user.attached.iter().chain(&user.boundary).cloned());
        }
        for (_, group) in self.groups.iter().filter(|(key, _)| in_account(key)) {
            in_use.extend(group.attached.iter().cloned());
        }
        for (_, role) in self.roles.iter().filter(|(key, _)| in_account(key)) {
            in_use.extend(role.attached.iter().chain(&role.boundary).cloned());
        }
        in_use
    }

    /// What GetAccountSummary counts of one account: its users, groups, roles, customer
    /// managed policies, managed-policy attachments and whether its root user has keys.
    /// Walks every entry (a report, not a hot path).
    pub fn account_counts(&self, account_id: &str) -> AccountCounts {
        let in_account = |key: &(String, String)| key.0 == account_id;
        let policy_prefix = format!(":iam::{account_id}:policy/");
        let mut counts = AccountCounts::default();
        for (_, user) in self.users.iter().filter(|(key, _)| in_account(key)) {
            counts.users += 1;
            counts.attachments += user.attached.len();
        }
        for (_, group) in self.groups.iter().filter(|(key, _)| in_account(key)) {
            counts.groups += 1;
            counts.attachments += group.attached.len();
        }
        for (_, role) in self.roles.iter().filter(|(key, _)| in_account(key)) {
            counts.roles += 1;
            counts.attachments += role.attached.len();
        }
        counts.policies = self
            .managed
            .keys()
            .filter(|arn| arn.contains(&policy_prefix))
            .count();
        counts.root_keys = self
            .keys_by_owner
            .get(&(account_id.to_owned(), None))
            .map_or(0, |ids| ids.len());
        counts
    }

    /// How many users and keys the snapshot holds.
    pub fn counts(&self) -> (usize, usize) {
        (self.users.len(), self.keys.len())
    }

    /// Insert or replace a key.
    pub fn put_key(&mut self, access_key_id: String, entry: KeyEntry) {
        let owner = owner_of(&entry);
        if let Some(previous) = self.keys.insert(access_key_id.clone(), Arc::new(entry)) {
            self.unindex(&owner_of(&previous), &access_key_id);
        }
        let mut ids: Vec<String> = self
            .keys_by_owner
            .get(&owner)
            .map(|ids| ids.to_vec())
            .unwrap_or_default();
        ids.push(access_key_id);
        self.keys_by_owner.insert(owner, ids.into());
    }

    /// The ids of the keys of a user (`None`: of the account's root user).
    pub fn key_ids_of(&self, account_id: &str, user_name: Option<&str>) -> Vec<String> {
        let owner = (
            account_id.to_owned(),
            user_name.map(str::to_ascii_lowercase),
        );
        self.keys_by_owner
            .get(&owner)
            .map(|ids| ids.to_vec())
            .unwrap_or_default()
    }

    /// Remove a key.
    pub fn remove_key(&mut self, access_key_id: &str) {
        if let Some(entry) = self.keys.remove(access_key_id) {
            self.unindex(&owner_of(&entry), access_key_id);
        }
    }

    fn unindex(&mut self, owner: &Owner, access_key_id: &str) {
        let Some(ids) = self.keys_by_owner.get(owner) else {
            return;
        };
        let rest: Vec<String> = ids
            .iter()
            .filter(|id| *id != access_key_id)
            .cloned()
            .collect();
        if rest.is_empty() {
            self.keys_by_owner.remove(owner);
        } else {
            self.keys_by_owner.insert(owner.clone(), rest.into());
        }
    }

    /// Insert or replace a user.
    pub fn put_user(&mut self, account_id: &str, user_name: &str, entry: UserEntry) {
        let user_id = entry.user_id.clone();
        self.arns_by_unique_id
            .insert(user_id.clone(), entry.arn.clone());
        let previous = self.users.insert(
            (account_id.to_owned(), user_name.to_ascii_lowercase()),
            Arc::new(entry),
        );
        if let Some(previous) = previous.filter(|previous| previous.user_id != user_id) {
            self.forget_unique_id(&previous.user_id, &previous.arn);
        }
    }

    /// Remove a user.
    pub fn remove_user(&mut self, account_id: &str, user_name: &str) {
        if let Some(user) = self
            .users
            .remove(&(account_id.to_owned(), user_name.to_ascii_lowercase()))
        {
            self.forget_unique_id(&user.user_id, &user.arn);
        }
    }
}

#[cfg(test)]
mod tests;
