//! AttachUserPolicy, DetachUserPolicy, ListAttachedUserPolicies and their group and role
//! forms (one macro expansion per kind of entity). An attachment takes effect on the entity's next request: it refreshes the entity's snapshot
//! entry, which names the policy; the policy's own entry holds its default version.

use warden_policy::ContextValue;
use warden_protocol::Arn;
use warden_protocol::NoOutput;
use warden_protocol::iam::{
    AttachGroupPolicyRequest, AttachRolePolicyRequest, AttachUserPolicyRequest, AttachedPolicy,
    DetachGroupPolicyRequest, DetachRolePolicyRequest, DetachUserPolicyRequest,
    ListAttachedGroupPoliciesRequest, ListAttachedGroupPoliciesResponse,
    ListAttachedRolePoliciesRequest, ListAttachedRolePoliciesResponse,
    ListAttachedUserPoliciesRequest, ListAttachedUserPoliciesResponse,
};
use warden_store::Attachable;

use super::{Found, find_attachable};
use crate::iam::group::find_group;
use crate::iam::paging::page_of;
use crate::iam::role::{check_modifiable, find_role};
use crate::iam::user::find_user;
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

/// The three attachment operations of one kind of entity: Attach…Policy and Detach…Policy
/// (on the entity's ARN, with `iam:PolicyARN`) and ListAttached…Policies.
macro_rules! attachment_operations {
    (
        $kind:expr, $name:ident, $arn:ident, $find:ident, $stored:ident,
        $attach:ty, $detach:ty, $list:ty, $listed:ident
    ) => {
        impl Handle for $attach {
            fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
                Ok(attach_access(
                    ctx,
                    ctx.$arn(&self.$name),
                    &self.$name,
                    $kind,
                    &self.policy_arn,
                ))
            }

            fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
                let entity = $find(call, &self.$name)?;
                attach(call, $kind, &entity.$stored, &self.policy_arn)
            }
        }

        impl Handle for $detach {
            fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
                Ok(attach_access(
                    ctx,
                    ctx.$arn(&self.$name),
                    &self.$name,
                    $kind,
                    &self.policy_arn,
                ))
            }

            fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
                detach(call, $kind, &self.$name, &self.policy_arn)
            }
        }

        impl Handle for $list {
            fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
                Ok(Access::on(ctx.$arn(&self.$name)))
            }

            fn handle(self, call: &mut Authorized<'_, '_>) -> Result<$listed, ServiceError> {
                let entity = $find(call, &self.$name)?;
                let (attached_policies, marker) = list_attached(
                    call,
                    $kind,
                    &entity.$stored,
                    self.path_prefix.as_deref(),
                    self.marker.as_deref(),
                    self.max_items,
                )?;
                Ok($listed {
                    attached_policies: Some(attached_policies),
                    is_truncated: Some(marker.is_some()),
                    marker,
                })
            }
        }
    };
}

attachment_operations!(
    Attachable::User,
    user_name,
    user_arn,
    find_user,
    user_name,
    AttachUserPolicyRequest,
    DetachUserPolicyRequest,
    ListAttachedUserPoliciesRequest,
    ListAttachedUserPoliciesResponse
);
attachment_operations!(
    Attachable::Group,
    group_name,
    group_arn,
    find_group,
    group_name,
    AttachGroupPolicyRequest,
    DetachGroupPolicyRequest,
    ListAttachedGroupPoliciesRequest,
    ListAttachedGroupPoliciesResponse
);
attachment_operations!(
    Attachable::Role,
    role_name,
    role_arn,
    find_role,
    role_name,
    AttachRolePolicyRequest,
    DetachRolePolicyRequest,
    ListAttachedRolePoliciesRequest,
    ListAttachedRolePoliciesResponse
);

/// The operation's actions on the entity, with `iam:PolicyARN` and, for a user or role
/// with a permissions boundary, `iam:PermissionsBoundary`.
fn attach_access(
    ctx: &Ctx<'_>,
    entity: Arn,
    entity_name: &str,
    kind: Attachable,
    policy_arn: &str,
) -> Access {
    let mut keys = vec![(
        "iam:PolicyARN".to_owned(),
        ContextValue::Single(policy_arn.to_owned()),
    )];
    let snapshot = ctx.warden.snapshot();
    let boundary = match kind {
        Attachable::User => snapshot
            .user(ctx.account(), entity_name)
            .and_then(|user| user.boundary.clone()),
        Attachable::Role => snapshot
            .role(ctx.account(), entity_name)
            .and_then(|role| role.boundary.clone()),
        Attachable::Group => None,
    };
    if let Some(boundary) = boundary {
        keys.push((
            "iam:PermissionsBoundary".to_owned(),
            ContextValue::Single(boundary),
        ));
    }
    Access::Check {
        resources: vec![entity],
        keys,
    }
}

fn principal(kind: Attachable, entity_name: &str) -> Principal {
    match kind {
        Attachable::User => Principal::User(entity_name.to_owned()),
        Attachable::Group => Principal::Group(entity_name.to_owned()),
        Attachable::Role => Principal::Role(entity_name.to_owned()),
    }
}

fn attach(
    call: &mut Authorized<'_, '_>,
    kind: Attachable,
    entity_name: &str,
    policy_arn: &str,
) -> Result<NoOutput, ServiceError> {
    refuse_service_linked(call, kind, entity_name)?;
    find_attachable(call, policy_arn)?;
    let account = call.ctx.account();
    call.write(principal(kind, entity_name), |tx| {
        tx.managed_policies()
            .attach(kind, account, entity_name, policy_arn)
    })?;
    Ok(NoOutput)
}

fn detach(
    call: &mut Authorized<'_, '_>,
    kind: Attachable,
    entity_name: &str,
    policy_arn: &str,
) -> Result<NoOutput, ServiceError> {
    refuse_service_linked(call, kind, entity_name)?;
    let account = call.ctx.account();
    call.write(principal(kind, entity_name), |tx| {
        tx.managed_policies()
            .detach(kind, account, entity_name, policy_arn)
    })?;
    Ok(NoOutput)
}

/// A service-linked role's policies are the service's to change: `UnmodifiableEntity`.
fn refuse_service_linked(
    call: &Authorized<'_, '_>,
    kind: Attachable,
    entity_name: &str,
) -> Result<(), ServiceError> {
    match kind {
        Attachable::Role => check_modifiable(&find_role(call, entity_name)?),
        Attachable::User | Attachable::Group => Ok(()),
    }
}

/// A page of the entity's attached policies whose path starts with `path_prefix`.
fn list_attached(
    call: &Authorized<'_, '_>,
    kind: Attachable,
    entity_name: &str,
    path_prefix: Option<&str>,
    marker: Option<&str>,
    max_items: Option<i32>,
) -> Result<(Vec<AttachedPolicy>, Option<String>), ServiceError> {
    let arns = call.read(|tx| {
        tx.managed_policies()
            .attached(kind, call.ctx.account(), entity_name)
    })?;
    let prefix = path_prefix.unwrap_or("/");
    let mut attached = Vec::with_capacity(arns.len());
    for arn in arns {
        let (name, path) = match super::find(call, &arn) {
            Ok(Found::Aws(policy)) => (policy.name.clone(), policy.path.clone()),
            Ok(Found::Customer(record)) => (record.policy_name, record.path),
            // Attachments of a policy that is gone cannot exist (deleting it is refused).
            Err(_) => continue,
        };
        if path.starts_with(prefix) {
            attached.push(AttachedPolicy {
                policy_name: Some(name),
                policy_arn: Some(arn),
            });
        }
    }
    page_of(attached, marker, max_items)
}
