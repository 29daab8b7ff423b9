//! What the inline-policy operations of users, groups and roles share (Put/Get/List/Delete
//! UserPolicy, GroupPolicy and RolePolicy): validation, the holder's aggregate size quota (checked in
//! the operation's write transaction, so concurrent puts cannot both pass it), paging, and
//! AWS's messages.

use warden_policy::{Policy, PolicyKind, limits, size_without_whitespace};
use warden_store::{Attachable, InlinePolicies, InlinePolicyRecord, Tx};

use crate::ServiceError;
use crate::iam::paging::page_of;
use crate::operation::{Authorized, Principal};

/// The kind of entity an inline policy is embedded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Holder {
    /// An IAM user.
    User,
    /// An IAM group.
    Group,
    /// An IAM role.
    Role,
}

impl Holder {
    /// The holder kind's policies in a transaction.
    fn policies(self, tx: &dyn Tx) -> &dyn InlinePolicies {
        match self {
            Self::User => tx.user_policies(),
            Self::Group => tx.group_policies(),
            Self::Role => tx.role_policies(),
        }
    }

    /// AWS's aggregate size quota of the holder's inline policies (whitespace not counted).
    fn size_quota(self) -> usize {
        match self {
            Self::User => limits::USER_INLINE,
            Self::Group => limits::GROUP_INLINE,
            Self::Role => limits::ROLE_INLINE,
        }
    }

    /// The word AWS's messages use for the holder.
    fn noun(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Group => "group",
            Self::Role => "role",
        }
    }

    /// The snapshot entry a change of the holder's policies refreshes.
    fn principal(self, name: &str) -> Principal {
        match self {
            Self::User => Principal::User(name.to_owned()),
            Self::Group => Principal::Group(name.to_owned()),
            Self::Role => Principal::Role(name.to_owned()),
        }
    }
}

/// An entity's inline policies and the ARNs of the managed policies attached to it, read
/// in one transaction.
pub(crate) fn policies_of(
    call: &Authorized<'_, '_>,
    kind: Attachable,
    name: &str,
) -> Result<(Vec<InlinePolicyRecord>, Vec<String>), ServiceError> {
    let holder = match kind {
        Attachable::User => Holder::User,
        Attachable::Group => Holder::Group,
        Attachable::Role => Holder::Role,
    };
    let account = call.ctx.account();
    Ok(call.read(|tx| {
        Ok((
            holder.policies(tx).list(account, name)?,
            tx.managed_policies().attached(kind, account, name)?,
        ))
    })?)
}

/// Adds or replaces the inline policy `policy_name` of the holder named `holder_name` (as
/// stored), within the holder's size quota.
pub(crate) fn put(
    call: &mut Authorized<'_, '_>,
    holder: Holder,
    holder_name: &str,
    policy_name: String,
    document: String,
) -> Result<(), ServiceError> {
    Policy::parse(policy_name.clone(), &document, PolicyKind::Identity)
        .map_err(|error| ServiceError::MalformedPolicyDocument(error.to_string()))?;
    let account = call.ctx.account().to_owned();
    let others: usize = call
        .read(|tx| holder.policies(tx).list(&account, holder_name))?
        .iter()
        .filter(|p| !p.policy_name.eq_ignore_ascii_case(&policy_name))
        .map(|p| size_without_whitespace(&p.document))
        .sum();
    let quota = holder.size_quota();
    if others + size_without_whitespace(&document) > quota {
        return Err(ServiceError::LimitExceeded(format!(
            "Maximum policy size of {quota} bytes exceeded for {} {holder_name}",
            holder.noun()
        )));
    }
    let record = InlinePolicyRecord {
        account_id: account,
        holder_name: holder_name.to_owned(),
        policy_name,
        document,
    };
    call.write(holder.principal(holder_name), |tx| {
        holder.policies(tx).put(&record)
    })?;
    Ok(())
}

/// The holder's inline policy `policy_name`, or AWS's NoSuchEntity.
pub(crate) fn get(
    call: &Authorized<'_, '_>,
    holder: Holder,
    holder_name: &str,
    policy_name: &str,
) -> Result<InlinePolicyRecord, ServiceError> {
    call.read(|tx| {
        holder
            .policies(tx)
            .get(call.ctx.account(), holder_name, policy_name)
    })?
    .ok_or_else(|| {
        ServiceError::NoSuchEntity(format!(
            "The {} policy with name {policy_name} cannot be found.",
            holder.noun()
        ))
    })
}

/// A page of the names of the holder's inline policies, and the next page's marker.
pub(crate) fn list_names(
    call: &Authorized<'_, '_>,
    holder: Holder,
    holder_name: &str,
    marker: Option<&str>,
    max_items: Option<i32>,
) -> Result<(Vec<String>, Option<String>), ServiceError> {
    let names = call
        .read(|tx| holder.policies(tx).list(call.ctx.account(), holder_name))?
        .into_iter()
        .map(|policy| policy.policy_name)
        .collect();
    page_of(names, marker, max_items)
}

/// Deletes the holder's inline policy `policy_name`.
pub(crate) fn delete(
    call: &mut Authorized<'_, '_>,
    holder: Holder,
    holder_name: &str,
    policy_name: &str,
) -> Result<(), ServiceError> {
    let account = call.ctx.account().to_owned();
    call.write(holder.principal(holder_name), |tx| {
        holder
            .policies(tx)
            .delete(&account, holder_name, policy_name)
    })?;
    Ok(())
}
