//! Building snapshot entries from store records: at start-up from a whole
//! [`SnapshotSource`], and after a write for just the principal it touched.

use std::sync::Arc;

use warden_crypto::Sealer;
use warden_policy::{Policy, PolicyKind};
use warden_store::{
    AccessKeyRecord, AccessKeyStatus, Attachable, GroupRecord, InlinePolicyRecord, RoleRecord,
    SnapshotSource, Tx, UserRecord, name_key,
};

use crate::aws_managed;
use crate::caller::{Caller, CallerKind};
use crate::error::ServiceError;
use crate::snapshot::{GroupEntry, KeyEntry, ManagedEntry, RoleEntry, Snapshot, UserEntry};
use crate::warden::StartError;

/// The associated data a secret access key is sealed with: binds the ciphertext to its key id.
pub(crate) fn access_key_aad(access_key_id: &str) -> Vec<u8> {
    format!("warden:access-key:{access_key_id}").into_bytes()
}

/// The root user's ARN in an account.
pub(crate) fn root_arn(account_id: &str) -> String {
    format!("arn:aws:iam::{account_id}:root")
}

/// The whole snapshot, from one consistent read of the store.
pub(crate) fn from_source(
    source: &SnapshotSource,
    sealer: &Sealer,
) -> Result<Snapshot, StartError> {
    use std::collections::HashMap;

    // Group once, so start-up is linear in the number of records.
    let policies_by_user = by_holder(&source.user_policies);
    let policies_by_group = by_holder(&source.group_policies);
    let policies_by_role = by_holder(&source.role_policies);
    let mut groups_by_user: HashMap<(String, String), Vec<(String, String)>> = HashMap::new();
    for membership in &source.memberships {
        groups_by_user
            .entry((
                membership.account_id.clone(),
                name_key(&membership.user_name),
            ))
            .or_default()
            .push((
                membership.account_id.clone(),
                name_key(&membership.group_name),
            ));
    }
    let mut attached: HashMap<(Attachable, String, String), Vec<String>> = HashMap::new();
    for attachment in &source.attachments {
        attached
            .entry((
                attachment.kind,
                attachment.account_id.clone(),
                name_key(&attachment.entity_name),
            ))
            .or_default()
            .push(attachment.policy_arn.clone());
    }
    let users: HashMap<(&str, String), &UserRecord> = source
        .users
        .iter()
        .map(|user| ((user.account_id.as_str(), name_key(&user.user_name)), user))
        .collect();
    let mut snapshot = Snapshot::default();
    for ((account, name), user) in &users {
        let key = ((*account).to_owned(), name.clone());
        let policies = policies_by_user.get(&key).into_iter().flatten().copied();
        let groups = groups_by_user.remove(&key).unwrap_or_default();
        let attached = attached
            .remove(&(Attachable::User, key.0, key.1))
            .unwrap_or_default();
        let entry = user_entry(user, policies, groups, attached);
        add_aws_managed(&mut snapshot, &entry.attached, entry.boundary.as_deref());
        snapshot.put_user(&user.account_id, &user.user_name, entry);
    }
    for group in &source.groups {
        let key = (group.account_id.clone(), name_key(&group.group_name));
        let policies = policies_by_group.get(&key).into_iter().flatten().copied();
        let attached = attached
            .remove(&(Attachable::Group, key.0, key.1))
            .unwrap_or_default();
        let entry = group_entry(group, policies, attached);
        add_aws_managed(&mut snapshot, &entry.attached, None);
        snapshot.put_group(&group.account_id, &group.group_name, entry);
    }
    for role in &source.roles {
        let key = (role.account_id.clone(), name_key(&role.role_name));
        let policies = policies_by_role.get(&key).into_iter().flatten().copied();
        let attached = attached
            .remove(&(Attachable::Role, key.0, key.1))
            .unwrap_or_default();
        let entry = role_entry(role, policies, attached);
        add_aws_managed(&mut snapshot, &entry.attached, entry.boundary.as_deref());
        snapshot.put_role(&role.account_id, &role.role_name, entry);
    }
    let defaults: HashMap<&str, &str> = source
        .default_versions
        .iter()
        .map(|version| (version.policy_arn.as_str(), version.document.as_str()))
        .collect();
    for policy in &source.managed_policies {
        let document = defaults.get(policy.arn.as_str()).copied();
        snapshot.put_managed(&policy.arn, managed_entry(&policy.arn, document));
    }
    for key in &source.access_keys {
        let owner = match &key.user_name {
            None => None,
            Some(name) => Some(
                *users
                    .get(&(key.account_id.as_str(), name_key(name)))
                    .ok_or_else(|| {
                        StartError::State(format!(
                            "access key {} belongs to a missing user",
                            key.access_key_id
                        ))
                    })?,
            ),
        };
        let entry = key_entry(key, owner, sealer).map_err(|_| {
            StartError::State(format!(
                "the secret of access key {} does not decrypt",
                key.access_key_id
            ))
        })?;
        snapshot.put_key(key.access_key_id.clone(), entry);
    }
    Ok(snapshot)
}

/// Inline policies grouped by (account, case-folded holder name).
fn by_holder(
    policies: &[InlinePolicyRecord],
) -> std::collections::HashMap<(String, String), Vec<&InlinePolicyRecord>> {
    let mut grouped: std::collections::HashMap<_, Vec<_>> = std::collections::HashMap::new();
    for policy in policies {
        grouped
            .entry((policy.account_id.clone(), name_key(&policy.holder_name)))
            .or_default()
            .push(policy);
    }
    grouped
}

/// Re-read one user (its record, inline policies and keys) into `snapshot`; removes it when
/// the user no longer exists. `previous_keys` are the key ids the snapshot held for the user.
pub(crate) fn refresh_user(
    tx: &dyn Tx,
    sealer: &Sealer,
    snapshot: &mut Snapshot,
    account_id: &str,
    user_name: &str,
) -> Result<(), ServiceError> {
    for key_id in snapshot.key_ids_of(account_id, Some(user_name)) {
        snapshot.remove_key(&key_id);
    }
    let Some(user) = tx.users().get(account_id, user_name)? else {
        snapshot.remove_user(account_id, user_name);
        return Ok(());
    };
    let policies = tx.user_policies().list(account_id, &user.user_name)?;
    let groups = tx
        .groups()
        .groups_of(account_id, &user.user_name)?
        .iter()
        .map(|group| (account_id.to_owned(), name_key(&group.group_name)))
        .collect();
    let attached = tx
        .managed_policies()
        .attached(Attachable::User, account_id, &user.user_name)?;
    let entry = user_entry(&user, policies.iter(), groups, attached);
    add_aws_managed(snapshot, &entry.attached, entry.boundary.as_deref());
    snapshot.put_user(account_id, &user.user_name, entry);
    for key in tx.access_keys().list(account_id, Some(&user.user_name))? {
        let entry = key_entry(&key, Some(&user), sealer)?;
        snapshot.put_key(key.access_key_id.clone(), entry);
    }
    Ok(())
}

/// Re-read one group (its record and inline policies) into `snapshot`; removes it when the
/// group no longer exists. Its members' entries name it and need no change.
pub(crate) fn refresh_group(
    tx: &dyn Tx,
    snapshot: &mut Snapshot,
    account_id: &str,
    group_name: &str,
) -> Result<(), ServiceError> {
    let Some(group) = tx.groups().get(account_id, group_name)? else {
        snapshot.remove_group(account_id, group_name);
        return Ok(());
    };
    let policies = tx.group_policies().list(account_id, &group.group_name)?;
    let attached =
        tx.managed_policies()
            .attached(Attachable::Group, account_id, &group.group_name)?;
    let entry = group_entry(&group, policies.iter(), attached);
    add_aws_managed(snapshot, &entry.attached, None);
    snapshot.put_group(account_id, &group.group_name, entry);
    Ok(())
}

/// Re-read one role (its record, inline and attached policies, trust policy) into
/// `snapshot`; removes it when the role no longer exists.
pub(crate) fn refresh_role(
    tx: &dyn Tx,
    snapshot: &mut Snapshot,
    account_id: &str,
    role_name: &str,
) -> Result<(), ServiceError> {
    let Some(role) = tx.roles().get(account_id, role_name)? else {
        snapshot.remove_role(account_id, role_name);
        return Ok(());
    };
    let policies = tx.role_policies().list(account_id, &role.role_name)?;
    let attached = tx
        .managed_policies()
        .attached(Attachable::Role, account_id, &role.role_name)?;
    let entry = role_entry(&role, policies.iter(), attached);
    add_aws_managed(snapshot, &entry.attached, entry.boundary.as_deref());
    snapshot.put_role(account_id, &role.role_name, entry);
    Ok(())
}

/// Re-read one managed policy's default version into `snapshot`: an AWS managed policy from
/// the catalog, a customer managed one from the store (removed when it no longer exists).
pub(crate) fn refresh_managed(
    tx: &dyn Tx,
    snapshot: &mut Snapshot,
    arn: &str,
) -> Result<(), ServiceError> {
    if let Some(policy) = aws_managed::by_arn(arn) {
        snapshot.put_managed(
            arn,
            ManagedEntry {
                policy: policy.compile(arn),
            },
        );
        return Ok(());
    }
    let Some(policy) = tx.managed_policies().get(arn)? else {
        snapshot.remove_managed(arn);
        return Ok(());
    };
    let version = tx
        .managed_policies()
        .get_version(arn, policy.default_version)?;
    let document = version.as_ref().map(|version| version.document.as_str());
    snapshot.put_managed(arn, managed_entry(arn, document));
    Ok(())
}

/// Puts the AWS managed policies among `attached` and `boundary` that the snapshot does not
/// hold yet (they enter the snapshot when first used; the catalog never changes).
fn add_aws_managed(snapshot: &mut Snapshot, attached: &[String], boundary: Option<&str>) {
    for arn in attached.iter().map(String::as_str).chain(boundary) {
        if snapshot.managed(arn).is_some() {
            continue;
        }
        if let Some(policy) = aws_managed::by_arn(arn) {
            snapshot.put_managed(
                arn,
                ManagedEntry {
                    policy: policy.compile(arn),
                },
            );
        }
    }
}

/// A managed policy's default version, compiled; `None` when the store has no document for
/// it (the policy then cannot be evaluated).
fn managed_entry(arn: &str, document: Option<&str>) -> ManagedEntry {
    let policy = match document {
        Some(document) => Policy::parse(arn.to_owned(), document, PolicyKind::Identity)
            .map_err(|error| format!("{arn}: {error}")),
        None => Err(format!("{arn}: the default version is missing")),
    };
    ManagedEntry { policy }
}

/// Re-read the root user's keys of an account into `snapshot`.
pub(crate) fn refresh_root_keys(
    tx: &dyn Tx,
    sealer: &Sealer,
    snapshot: &mut Snapshot,
    account_id: &str,
) -> Result<(), ServiceError> {
    for key_id in snapshot.key_ids_of(account_id, None) {
        snapshot.remove_key(&key_id);
    }
    for key in tx.access_keys().list(account_id, None)? {
        let entry = key_entry(&key, None, sealer)?;
        snapshot.put_key(key.access_key_id.clone(), entry);
    }
    Ok(())
}

fn user_entry<'a>(
    user: &UserRecord,
    policies: impl Iterator<Item = &'a InlinePolicyRecord>,
    groups: Vec<(String, String)>,
    attached: Vec<String>,
) -> UserEntry {
    let (inline, broken) = compile_inline(&user.arn, policies);
    UserEntry {
        arn: user.arn.clone(),
        user_id: user.user_id.clone(),
        tags: user.tags.clone(),
        inline,
        boundary: user.permissions_boundary.clone(),
        attached,
        groups,
        broken,
    }
}

fn group_entry<'a>(
    group: &GroupRecord,
    policies: impl Iterator<Item = &'a InlinePolicyRecord>,
    attached: Vec<String>,
) -> GroupEntry {
    let (inline, broken) = compile_inline(&group.arn, policies);
    GroupEntry {
        arn: group.arn.clone(),
        inline,
        attached,
        broken,
    }
}

fn role_entry<'a>(
    role: &RoleRecord,
    policies: impl Iterator<Item = &'a InlinePolicyRecord>,
    attached: Vec<String>,
) -> RoleEntry {
    let (inline, broken) = compile_inline(&role.arn, policies);
    let trust = Policy::parse(
        format!("{}#trust", role.arn),
        &role.assume_role_policy_document,
        PolicyKind::Trust,
    )
    .map_err(|error| format!("{}: trust policy: {error}", role.arn));
    RoleEntry {
        arn: role.arn.clone(),
        role_id: role.role_id.clone(),
        tags: role.tags.clone(),
        inline,
        attached,
        boundary: role.permissions_boundary.clone(),
        trust,
        max_session_duration: role.max_session_duration,
        broken,
    }
}

/// Compiles a holder's inline policies; those that no longer compile are described instead.
fn compile_inline<'a>(
    holder_arn: &str,
    policies: impl Iterator<Item = &'a InlinePolicyRecord>,
) -> (Vec<Policy>, Vec<String>) {
    let mut inline = Vec::new();
    let mut broken = Vec::new();
    for record in policies {
        let id = format!("{holder_arn}#inline/{}", record.policy_name);
        match Policy::parse(id, &record.document, PolicyKind::Identity) {
            Ok(policy) => inline.push(policy),
            // Stored documents were validated on write; one that no longer parses must not
            // be skipped (it may hold a Deny): the holder's principals are denied instead.
            Err(error) => broken.push(format!("{}: {error}", record.policy_name)),
        }
    }
    (inline, broken)
}

fn key_entry(
    key: &AccessKeyRecord,
    owner: Option<&UserRecord>,
    sealer: &Sealer,
) -> Result<KeyEntry, ServiceError> {
    let secret = sealer
        .open(&key.secret_sealed, &access_key_aad(&key.access_key_id))
        .map_err(|_| {
            ServiceError::Internal(format!("secret of {} does not decrypt", key.access_key_id))
        })?;
    let kind = match owner {
        None => CallerKind::Root,
        Some(user) => CallerKind::User {
            user_name: user.user_name.clone(),
            user_id: user.user_id.clone(),
        },
    };
    Ok(KeyEntry {
        caller: Arc::new(Caller {
            account_id: key.account_id.clone(),
            arn: owner.map_or_else(|| root_arn(&key.account_id), |user| user.arn.clone()),
            kind,
            access_key_id: key.access_key_id.clone(),
            session: None,
        }),
        secret,
        active: key.status == AccessKeyStatus::Active,
    })
}
