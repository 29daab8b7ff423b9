//! Service and resource control policies: Create/Describe/Update/Delete/ListPolicies,
//! Attach/DetachPolicy, ListPoliciesForTarget, ListTargetsForPolicy and
//! Enable/DisablePolicyType. Every change refreshes the organization in the authorization
//! snapshot, so it decides the next request.

use warden_policy::{Effect, Policy};
use warden_protocol::NoOutput;
use warden_protocol::organizations::{
    self as orgs, AttachPolicyRequest, CreatePolicyRequest, CreatePolicyResponse,
    DeletePolicyRequest, DescribePolicyRequest, DescribePolicyResponse, DetachPolicyRequest,
    DisablePolicyTypeRequest, DisablePolicyTypeResponse, EnablePolicyTypeRequest,
    EnablePolicyTypeResponse, ListPoliciesForTargetRequest, ListPoliciesForTargetResponse,
    ListPoliciesRequest, ListPoliciesResponse, ListTargetsForPolicyRequest,
    ListTargetsForPolicyResponse, UpdatePolicyRequest, UpdatePolicyResponse, errors,
};
use warden_store::{OrgNodeKind, OrgPolicyRecord, StoreExt};

use super::aws_policies::{self, RCP, SCP};
use super::org::{self, Org, OrgPolicy, managed_org, not_found};
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

/// The most characters an SCP or RCP may have (every character counts, whitespace too).
const MAX_CONTENT: usize = 5_120;
/// The most policies of one type attached to one root, OU or account.
const MAX_ATTACHED_PER_TYPE: usize = 5;
/// The most policies of one type in an organization.
const MAX_POLICIES_PER_TYPE: usize = 1_000;

/// The type of the policy `policy_id` (for its ARN); SCP when it is unknown (the handler
/// then answers PolicyNotFoundException).
pub(super) fn policy_type_of(
    ctx: &Ctx<'_>,
    org_id: &str,
    policy_id: &str,
) -> Result<String, ServiceError> {
    if let Some(policy) = aws_policies::by_id(policy_id) {
        return Ok(policy.policy_type.to_owned());
    }
    let state = ctx
        .warden
        .store()
        .read(|tx| tx.organizations().load(org_id))?;
    Ok(state
        .and_then(|state| {
            state
                .policies
                .into_iter()
                .find(|policy| policy.policy_id == policy_id)
                .map(|policy| policy.policy_type)
        })
        .unwrap_or_else(|| SCP.to_owned()))
}

/// The access an operation on a policy (and, for an attachment, a target) needs.
fn policy_access(
    ctx: &Ctx<'_>,
    policy_id: &str,
    target_id: Option<&str>,
) -> Result<Access, ServiceError> {
    let snapshot = ctx.warden.snapshot();
    let Some(member) = snapshot.org_member(ctx.account()) else {
        return Ok(Access::anywhere());
    };
    let policy_type = policy_type_of(ctx, &member.org_id, policy_id)?;
    let mut resources = vec![org::policy_arn_of(
        ctx.partition(),
        &member.management_account,
        &member.org_id,
        &policy_type,
        policy_id,
    )];
    if let Some(target) = target_id {
        resources.push(org::node_arn_of(
            ctx.partition(),
            &member.management_account,
            &member.org_id,
            target,
        ));
    }
    Ok(Access::Check {
        resources,
        keys: vec![(
            "organizations:PolicyType".to_owned(),
            warden_policy::ContextValue::Single(policy_type),
        )],
    })
}

/// Only SCPs and RCPs are served.
fn served_type(org: &Org, policy_type: &str) -> Result<(), ServiceError> {
    if (policy_type == SCP || policy_type == RCP) && org.state.organization.feature_set == "ALL" {
        Ok(())
    } else {
        Err(ServiceError::modeled(
            &errors::POLICY_TYPE_NOT_AVAILABLE_FOR_ORGANIZATION,
            "You can't use the specified policy type with the feature set currently enabled for this organization.",
        ))
    }
}

/// Checks a policy document against its type's grammar and size limit.
fn validate(policy_type: &str, content: &str) -> Result<(), ServiceError> {
    if content.chars().count() > MAX_CONTENT {
        return Err(org::constraint(
            "POLICY_CONTENT_LIMIT_EXCEEDED",
            "You attempted to create a policy that is larger than the maximum size.",
        ));
    }
    let malformed =
        |message: String| ServiceError::modeled(&errors::MALFORMED_POLICY_DOCUMENT, message);
    let kind = aws_policies::engine_kind(policy_type)
        .ok_or_else(|| malformed("The provided policy document doesn't meet the requirements of the specified policy type.".to_owned()))?;
    let policy =
        Policy::parse("candidate", content, kind).map_err(|error| malformed(error.to_string()))?;
    // Only AWS's RCPFullAWSAccess may allow; customer RCPs deny.
    if policy_type == RCP
        && policy
            .document()
            .statements
            .iter()
            .any(|statement| statement.effect == Effect::Allow)
    {
        return Err(malformed(
            "Resource control policies only support the Deny effect.".to_owned(),
        ));
    }
    Ok(())
}

fn find_policy<'o>(org: &'o Org, policy_id: &str) -> Result<OrgPolicy<'o>, ServiceError> {
    org.policy(policy_id)
        .ok_or_else(|| not_found(&errors::POLICY_NOT_FOUND))
}

fn find_customer<'o>(org: &'o Org, policy_id: &str) -> Result<&'o OrgPolicyRecord, ServiceError> {
    match find_policy(org, policy_id)? {
        OrgPolicy::Customer(policy) => Ok(policy),
        OrgPolicy::Aws(_) => Err(org::invalid_input(
            "IMMUTABLE_POLICY",
            "You specified a policy that is managed by AWS and can't be modified.",
        )),
    }
}

fn duplicate_policy() -> ServiceError {
    ServiceError::modeled(
        &errors::DUPLICATE_POLICY,
        "A policy with the same name already exists.",
    )
}

fn name_taken(org: &Org, policy_type: &str, name: &str, except: Option<&str>) -> bool {
    aws_policies::ALL
        .iter()
        .any(|policy| policy.policy_type == policy_type && policy.name == name)
        || org.state.policies.iter().any(|policy| {
            policy.policy_type == policy_type
                && policy.name == name
                && Some(policy.policy_id.as_str()) != except
        })
}

impl Handle for CreatePolicyRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let tags = org::tag_pairs(self.tags.as_deref())?;
        let mut keys = crate::iam::tagging::tag_keys(&tags);
        keys.push((
            "organizations:PolicyType".to_owned(),
            warden_policy::ContextValue::Single(self.r#type.clone()),
        ));
        Ok(Access::Check {
            resources: Vec::new(),
            keys,
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<CreatePolicyResponse, ServiceError> {
        let ctx = call.ctx;
        let org = managed_org(call)?;
        served_type(&org, &self.r#type)?;
        validate(&self.r#type, &self.content)?;
        if name_taken(&org, &self.r#type, &self.name, None) {
            return Err(duplicate_policy());
        }
        let count = org
            .state
            .policies
            .iter()
            .filter(|policy| policy.policy_type == self.r#type)
            .count();
        if count >= MAX_POLICIES_PER_TYPE {
            return Err(org::constraint(
                "POLICY_NUMBER_LIMIT_EXCEEDED",
                "You attempted to exceed the number of policies that you can have in an organization.",
            ));
        }
        let tags = org::tag_pairs(self.tags.as_deref())?;
        let record = OrgPolicyRecord {
            org_id: org.id().to_owned(),
            policy_id: org::random_id(ctx, "p-", 8)?,
            policy_type: self.r#type,
            name: self.name,
            description: self.description,
            content: self.content,
        };
        let org_id = org.id().to_owned();
        call.write(Principal::Organization(org_id.clone()), |tx| {
            tx.organizations().put_policy(&record)?;
            if !tags.is_empty() {
                tx.organizations()
                    .set_tags(&org_id, &record.policy_id, &tags)?;
            }
            Ok(())
        })?;
        Ok(CreatePolicyResponse {
            policy: Some(org.policy_shape(ctx, &OrgPolicy::Customer(&record))),
        })
    }
}

impl Handle for DescribePolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        policy_access(ctx, &self.policy_id, None)
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<DescribePolicyResponse, ServiceError> {
        let org = managed_org(call)?;
        let policy = find_policy(&org, &self.policy_id)?;
        Ok(DescribePolicyResponse {
            policy: Some(org.policy_shape(call.ctx, &policy)),
        })
    }
}

impl Handle for UpdatePolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        policy_access(ctx, &self.policy_id, None)
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<UpdatePolicyResponse, ServiceError> {
        let org = managed_org(call)?;
        let current = find_customer(&org, &self.policy_id)?;
        if let Some(content) = &self.content {
            validate(&current.policy_type, content)?;
        }
        if let Some(name) = &self.name
            && name_taken(&org, &current.policy_type, name, Some(&current.policy_id))
        {
            return Err(duplicate_policy());
        }
        let updated = OrgPolicyRecord {
            name: self.name.unwrap_or_else(|| current.name.clone()),
            description: self
                .description
                .unwrap_or_else(|| current.description.clone()),
            content: self.content.unwrap_or_else(|| current.content.clone()),
            ..current.clone()
        };
        let org_id = org.id().to_owned();
        call.write(Principal::Organization(org_id), |tx| {
            tx.organizations().put_policy(&updated)
        })?;
        Ok(UpdatePolicyResponse {
            policy: Some(org.policy_shape(call.ctx, &OrgPolicy::Customer(&updated))),
        })
    }
}

impl Handle for DeletePolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        policy_access(ctx, &self.policy_id, None)
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let org = managed_org(call)?;
        let policy = find_customer(&org, &self.policy_id)?;
        if org.targets(&policy.policy_id).next().is_some() {
            return Err(ServiceError::modeled(
                &errors::POLICY_IN_USE,
                "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.",
            ));
        }
        let org_id = org.id().to_owned();
        call.write(Principal::Organization(org_id.clone()), |tx| {
            tx.organizations().delete_policy(&org_id, &self.policy_id)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for ListPoliciesRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<ListPoliciesResponse, ServiceError> {
        let org = managed_org(call)?;
        let policies = aws_policies::ALL
            .into_iter()
            .map(OrgPolicy::Aws)
            .chain(org.state.policies.iter().map(OrgPolicy::Customer))
            .filter(|policy| policy.policy_type() == self.filter)
            .map(|policy| org.policy_summary(call.ctx, &policy))
            .collect();
        let (policies, next_token) =
            org::page(policies, self.next_token.as_deref(), self.max_results)?;
        Ok(ListPoliciesResponse {
            policies: Some(policies),
            next_token,
        })
    }
}

/// The root, OU or account `target_id`, or TargetNotFoundException.
fn find_target<'o>(
    org: &'o Org,
    target_id: &str,
) -> Result<&'o warden_store::OrgNodeRecord, ServiceError> {
    org.node(target_id)
        .ok_or_else(|| not_found(&errors::TARGET_NOT_FOUND))
}

/// The policies of `policy_type` attached to `target`.
fn attached_of_type<'o>(org: &'o Org, target: &'o str, policy_type: &'o str) -> Vec<&'o str> {
    org.attached(target)
        .filter(|policy| {
            org.policy(policy)
                .is_some_and(|policy| policy.policy_type() == policy_type)
        })
        .collect()
}

fn not_enabled() -> ServiceError {
    ServiceError::modeled(
        &errors::POLICY_TYPE_NOT_ENABLED,
        "This operation can be performed only for enabled policy types.",
    )
}

impl Handle for AttachPolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        policy_access(ctx, &self.policy_id, Some(&self.target_id))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let org = managed_org(call)?;
        let policy = find_policy(&org, &self.policy_id)?;
        find_target(&org, &self.target_id)?;
        if !org.type_enabled(policy.policy_type()) {
            return Err(not_enabled());
        }
        let attached = attached_of_type(&org, &self.target_id, policy.policy_type());
        if attached.contains(&self.policy_id.as_str()) {
            return Err(ServiceError::modeled(
                &errors::DUPLICATE_POLICY_ATTACHMENT,
                "A policy with the specified name and type already exists.",
            ));
        }
        if attached.len() >= MAX_ATTACHED_PER_TYPE {
            return Err(org::constraint(
                "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                "You attempted to exceed the number of policies of a certain type that can be attached to an entity at one time.",
            ));
        }
        let org_id = org.id().to_owned();
        call.write(Principal::Organization(org_id.clone()), |tx| {
            tx.organizations()
                .attach(&org_id, &self.policy_id, &self.target_id)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for DetachPolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        policy_access(ctx, &self.policy_id, Some(&self.target_id))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let org = managed_org(call)?;
        let policy = find_policy(&org, &self.policy_id)?;
        find_target(&org, &self.target_id)?;
        if policy.id() == aws_policies::RCP_FULL_AWS_ACCESS.id {
            return Err(org::invalid_input(
                "NON_DETACHABLE_POLICY",
                "You can't detach this AWS Managed Policy.",
            ));
        }
        let attached = attached_of_type(&org, &self.target_id, policy.policy_type());
        if !attached.contains(&self.policy_id.as_str()) {
            return Err(ServiceError::modeled(
                &errors::POLICY_NOT_ATTACHED,
                "The policy isn't attached to the specified target in the specified root.",
            ));
        }
        if policy.policy_type() == SCP && attached.len() == 1 {
            return Err(org::constraint(
                "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                "You attempted to detach a policy from an entity that would cause the entity to have fewer than the minimum number of policies of a certain type required.",
            ));
        }
        let org_id = org.id().to_owned();
        call.write(Principal::Organization(org_id.clone()), |tx| {
            tx.organizations()
                .detach(&org_id, &self.policy_id, &self.target_id)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for ListPoliciesForTargetRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(super::accounts::container_access(ctx, &self.target_id))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListPoliciesForTargetResponse, ServiceError> {
        let org = managed_org(call)?;
        find_target(&org, &self.target_id)?;
        let policies = attached_of_type(&org, &self.target_id, &self.filter)
            .into_iter()
            .filter_map(|id| org.policy(id))
            .map(|policy| org.policy_summary(call.ctx, &policy))
            .collect();
        let (policies, next_token) =
            org::page(policies, self.next_token.as_deref(), self.max_results)?;
        Ok(ListPoliciesForTargetResponse {
            policies: Some(policies),
            next_token,
        })
    }
}

impl Handle for ListTargetsForPolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        policy_access(ctx, &self.policy_id, None)
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListTargetsForPolicyResponse, ServiceError> {
        let org = managed_org(call)?;
        find_policy(&org, &self.policy_id)?;
        let targets = org
            .targets(&self.policy_id)
            .filter_map(|id| org.node(id))
            .map(|node| orgs::PolicyTargetSummary {
                target_id: Some(node.node_id.clone()),
                arn: Some(org.node_arn(call.ctx, node)),
                name: Some(node.name.clone()),
                r#type: Some(node.kind.as_str().to_owned()),
            })
            .collect();
        let (targets, next_token) =
            org::page(targets, self.next_token.as_deref(), self.max_results)?;
        Ok(ListTargetsForPolicyResponse {
            targets: Some(targets),
            next_token,
        })
    }
}

/// The root `root_id`, or RootNotFoundException.
fn require_root(org: &Org, root_id: &str) -> Result<(), ServiceError> {
    org.node_of(root_id, OrgNodeKind::Root)
        .map(|_| ())
        .ok_or_else(|| not_found(&errors::ROOT_NOT_FOUND))
}

impl Handle for EnablePolicyTypeRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(super::accounts::container_access(ctx, &self.root_id))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<EnablePolicyTypeResponse, ServiceError> {
        let mut org = managed_org(call)?;
        require_root(&org, &self.root_id)?;
        served_type(&org, &self.policy_type)?;
        if org.type_enabled(&self.policy_type) {
            return Err(ServiceError::modeled(
                &errors::POLICY_TYPE_ALREADY_ENABLED,
                "The specified policy type is already enabled.",
            ));
        }
        let default = aws_policies::default_for(&self.policy_type);
        let nodes: Vec<String> = org
            .state
            .nodes
            .iter()
            .map(|node| node.node_id.clone())
            .collect();
        let org_id = org.id().to_owned();
        call.write(Principal::Organization(org_id.clone()), |tx| {
            let orgs = tx.organizations();
            orgs.set_policy_type(&org_id, &self.policy_type, true)?;
            if let Some(default) = default {
                for node in &nodes {
                    orgs.attach(&org_id, default.id, node)?;
                }
            }
            Ok(())
        })?;
        org.state.policy_types.push(self.policy_type);
        org.state.policy_types.sort();
        Ok(EnablePolicyTypeResponse {
            root: Some(org.root_shape(call.ctx)?),
        })
    }
}

impl Handle for DisablePolicyTypeRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(super::accounts::container_access(ctx, &self.root_id))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<DisablePolicyTypeResponse, ServiceError> {
        let mut org = managed_org(call)?;
        require_root(&org, &self.root_id)?;
        if !org.type_enabled(&self.policy_type) {
            return Err(ServiceError::modeled(
                &errors::POLICY_TYPE_NOT_ENABLED,
                "This operation can be performed only for enabled policy types.",
            ));
        }
        let detached: Vec<(String, String)> = org
            .state
            .attachments
            .iter()
            .filter(|(policy, _)| {
                org.policy(policy)
                    .is_some_and(|policy| policy.policy_type() == self.policy_type)
            })
            .cloned()
            .collect();
        let org_id = org.id().to_owned();
        call.write(Principal::Organization(org_id.clone()), |tx| {
            let orgs = tx.organizations();
            orgs.set_policy_type(&org_id, &self.policy_type, false)?;
            for (policy, target) in &detached {
                orgs.detach(&org_id, policy, target)?;
            }
            Ok(())
        })?;
        org.state.policy_types.retain(|t| *t != self.policy_type);
        Ok(DisablePolicyTypeResponse {
            root: Some(org.root_shape(call.ctx)?),
        })
    }
}
