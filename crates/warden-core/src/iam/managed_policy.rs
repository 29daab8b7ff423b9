//! Managed policies: customer managed ones (CreatePolicy, versions, tags, DeletePolicy) and
//! the AWS managed ones every account has (read-only, from [`crate::aws_managed`]); their
//! attachment to users and groups (Attach/Detach/ListAttached…Policies,
//! ListEntitiesForPolicy). A policy's default version is what applies: changing it
//! refreshes the policy's snapshot entry, which every entity using it reads.

mod attachments;
mod create_policy;
mod delete_policy;
mod entities;
mod get_policy;
mod list_policies;
mod tags;
mod versions;

use warden_policy::{
    ParseOptions, Policy as CompiledPolicy, PolicyKind, limits, size_without_whitespace,
};
use warden_protocol::Arn;
use warden_protocol::iam::{Policy, arn};
use warden_store::ManagedPolicyRecord;

use crate::aws_managed::{self, AwsManagedPolicy};
use crate::iam::tagging::tag_shapes;
use crate::operation::Authorized;
use crate::{Ctx, ServiceError, timestamp};

/// A managed policy a request names: an AWS managed one or a customer managed one of the
/// caller's account.
pub(crate) enum Found {
    /// From the catalog.
    Aws(&'static AwsManagedPolicy),
    /// From the store.
    Customer(ManagedPolicyRecord),
}

/// The policy `policy_arn` names, or AWS's NoSuchEntity (`Policy … was not found.`).
pub(crate) fn find(call: &Authorized<'_, '_>, policy_arn: &str) -> Result<Found, ServiceError> {
    lookup(call, policy_arn)?
        .ok_or_else(|| ServiceError::NoSuchEntity(format!("Policy {policy_arn} was not found.")))
}

/// The policy `policy_arn` names for an attachment or boundary, or AWS's NoSuchEntity for
/// that case.
pub(crate) fn find_attachable(
    call: &Authorized<'_, '_>,
    policy_arn: &str,
) -> Result<Found, ServiceError> {
    lookup(call, policy_arn)?.ok_or_else(|| {
        ServiceError::NoSuchEntity(format!(
            "Policy {policy_arn} does not exist or is not attachable."
        ))
    })
}

/// The customer managed policy `policy_arn` names, for a change: AWS managed policies
/// answer `UnmodifiableEntity`, unknown ones NoSuchEntity.
pub(crate) fn find_customer(
    call: &Authorized<'_, '_>,
    policy_arn: &str,
) -> Result<ManagedPolicyRecord, ServiceError> {
    match find(call, policy_arn)? {
        Found::Customer(record) => Ok(record),
        Found::Aws(_) => Err(ServiceError::modeled(
            &warden_protocol::iam::errors::UNMODIFIABLE_ENTITY,
            format!("Cannot modify AWS managed policy {policy_arn}."),
        )),
    }
}

fn lookup(call: &Authorized<'_, '_>, policy_arn: &str) -> Result<Option<Found>, ServiceError> {
    if let Some(policy) = aws_managed::by_arn(policy_arn) {
        return Ok(Some(Found::Aws(policy)));
    }
    let record = call.read(|tx| tx.managed_policies().get(policy_arn))?;
    Ok(record
        .filter(|record| record.account_id == call.ctx.account())
        .map(Found::Customer))
}

/// The ARN a request names, for authorization.
pub(crate) fn policy_arn(policy_arn: &str) -> Arn {
    Arn {
        resource_type: &arn::POLICY,
        value: policy_arn.to_owned(),
    }
}

/// The ARN of a new customer managed policy of the caller's account.
fn new_policy_arn(ctx: &Ctx<'_>, path: &str, name: &str) -> Arn {
    arn::policy(
        ctx.partition(),
        ctx.account(),
        &format!("{}{name}", path.trim_start_matches('/')),
    )
}

/// AWS's version id for a version number: `v3`.
pub(crate) fn version_id(version: u32) -> String {
    format!("v{version}")
}

/// The number in a version id (`v3` → 3); the model's pattern has been checked already.
fn version_number(version_id: &str) -> Result<u32, ServiceError> {
    version_id
        .strip_prefix('v')
        .and_then(|n| n.split('.').next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| ServiceError::InvalidInput(format!("Invalid version id {version_id}.")))
}

/// Validates a managed policy document: it must parse as an identity policy and fit in
/// AWS's managed policy size quota (whitespace not counted).
fn check_document(document: &str) -> Result<(), ServiceError> {
    let managed = ParseOptions {
        require_version_2012: true,
        ..ParseOptions::default()
    };
    CompiledPolicy::parse_with(
        "document".to_owned(),
        document,
        PolicyKind::Identity,
        managed,
    )
    .map_err(|error| ServiceError::MalformedPolicyDocument(error.to_string()))?;
    if size_without_whitespace(document) > limits::MANAGED {
        return Err(ServiceError::LimitExceeded(format!(
            "Cannot exceed quota for PolicySize: {}",
            limits::MANAGED
        )));
    }
    Ok(())
}

/// How many entities of the caller's account use a policy: attached, and as a boundary.
fn usage(call: &Authorized<'_, '_>, policy_arn: &str) -> Result<(i32, i32), ServiceError> {
    let account = call.ctx.account();
    let (attached, boundaries) = call.read(|tx| {
        let attached = tx.managed_policies().entities(account, policy_arn)?.len();
        let boundaries = tx.managed_policies().boundary_usage(account, policy_arn)?;
        Ok((attached, boundaries))
    })?;
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    Ok((count(attached), count(boundaries)))
}

/// A managed policy as GetPolicy shows it (ListPolicies drops `Description` and `Tags`).
pub(crate) fn policy_shape(
    call: &Authorized<'_, '_>,
    found: &Found,
) -> Result<Policy, ServiceError> {
    let partition = call.ctx.partition();
    let arn = match found {
        Found::Aws(policy) => policy.arn(partition),
        Found::Customer(record) => record.arn.clone(),
    };
    let (attachment_count, boundary_count) = usage(call, &arn)?;
    Ok(match found {
        Found::Aws(policy) => Policy {
            policy_name: Some(policy.name.clone()),
            policy_id: Some(policy.policy_id()),
            arn: Some(arn),
            path: Some(policy.path.clone()),
            default_version_id: Some(version_id(policy.default_version)),
            attachment_count: Some(attachment_count),
            permissions_boundary_usage_count: Some(boundary_count),
            is_attachable: Some(true),
            description: None,
            create_date: Some(policy.create_date),
            update_date: Some(policy.update_date),
            tags: None,
        },
        Found::Customer(record) => Policy {
            policy_name: Some(record.policy_name.clone()),
            policy_id: Some(record.policy_id.clone()),
            arn: Some(arn),
            path: Some(record.path.clone()),
            default_version_id: Some(version_id(record.default_version)),
            attachment_count: Some(attachment_count),
            permissions_boundary_usage_count: Some(boundary_count),
            is_attachable: Some(true),
            description: record.description.clone(),
            create_date: Some(timestamp(record.create_date)),
            update_date: Some(timestamp(record.update_date)),
            tags: tag_shapes(&record.tags),
        },
    })
}
