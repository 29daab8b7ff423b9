//! One organization as the handlers see it (read whole from the store in the call's
//! transaction), AWS's errors, ARNs, ids and paging.

use warden_protocol::Arn;
use warden_protocol::organizations::{self as orgs, Tag, arn, errors};
use warden_store::{OrgNodeKind, OrgNodeRecord, OrgPolicyRecord, OrganizationState};

use super::aws_policies::{self, AwsOrgPolicy};
use crate::operation::Authorized;
use crate::{Ctx, ServiceError};

/// The deepest OU level below the root (AWS: five).
pub(super) const MAX_OU_DEPTH: usize = 5;
/// Tags per resource.
pub(super) const MAX_TAGS: usize = 50;

/// One organization, read whole.
pub(super) struct Org {
    pub(super) state: OrganizationState,
}

/// A policy: AWS managed (from the catalog) or the organization's own.
pub(super) enum OrgPolicy<'a> {
    Aws(&'static AwsOrgPolicy),
    Customer(&'a OrgPolicyRecord),
}

impl OrgPolicy<'_> {
    pub(super) fn id(&self) -> &str {
        match self {
            Self::Aws(policy) => policy.id,
            Self::Customer(policy) => &policy.policy_id,
        }
    }

    pub(super) fn policy_type(&self) -> &str {
        match self {
            Self::Aws(policy) => policy.policy_type,
            Self::Customer(policy) => &policy.policy_type,
        }
    }

    pub(super) fn content(&self) -> &str {
        match self {
            Self::Aws(policy) => policy.content,
            Self::Customer(policy) => &policy.content,
        }
    }
}

impl Org {
    pub(super) fn id(&self) -> &str {
        &self.state.organization.org_id
    }

    pub(super) fn management(&self) -> &str {
        &self.state.organization.management_account_id
    }

    pub(super) fn root(&self) -> Result<&OrgNodeRecord, ServiceError> {
        self.state
            .nodes
            .iter()
            .find(|node| node.kind == OrgNodeKind::Root)
            .ok_or_else(|| ServiceError::Internal("an organization without a root".to_owned()))
    }

    pub(super) fn node(&self, id: &str) -> Option<&OrgNodeRecord> {
        self.state.nodes.iter().find(|node| node.node_id == id)
    }

    /// The node of this kind with this id.
    pub(super) fn node_of(&self, id: &str, kind: OrgNodeKind) -> Option<&OrgNodeRecord> {
        self.node(id).filter(|node| node.kind == kind)
    }

    /// A root or OU (a parent).
    pub(super) fn container(&self, id: &str) -> Option<&OrgNodeRecord> {
        self.node(id)
            .filter(|node| node.kind != OrgNodeKind::Account)
    }

    pub(super) fn children<'s>(
        &'s self,
        parent: &'s str,
        kind: OrgNodeKind,
    ) -> impl Iterator<Item = &'s OrgNodeRecord> + 's {
        self.state
            .nodes
            .iter()
            .filter(move |node| node.kind == kind && node.parent_id.as_deref() == Some(parent))
    }

    pub(super) fn accounts(&self) -> impl Iterator<Item = &OrgNodeRecord> {
        self.state
            .nodes
            .iter()
            .filter(|node| node.kind == OrgNodeKind::Account)
    }

    /// How far below the root a node is (the root: 0).
    pub(super) fn depth(&self, id: &str) -> usize {
        let mut depth = 0;
        let mut at = self.node(id).and_then(|node| node.parent_id.as_deref());
        while let Some(parent) = at {
            depth += 1;
            if depth > self.state.nodes.len() {
                break;
            }
            at = self.node(parent).and_then(|node| node.parent_id.as_deref());
        }
        depth
    }

    /// The ids from the root down to `id`, both included.
    pub(super) fn chain(&self, id: &str) -> Vec<&str> {
        let mut chain = Vec::new();
        let mut at = self.node(id);
        while let Some(node) = at {
            if chain.len() > self.state.nodes.len() {
                break;
            }
            chain.push(node.node_id.as_str());
            at = node
                .parent_id
                .as_deref()
                .and_then(|parent| self.node(parent));
        }
        chain.reverse();
        chain
    }

    pub(super) fn policy(&self, id: &str) -> Option<OrgPolicy<'_>> {
        aws_policies::by_id(id).map(OrgPolicy::Aws).or_else(|| {
            self.state
                .policies
                .iter()
                .find(|policy| policy.policy_id == id)
                .map(OrgPolicy::Customer)
        })
    }

    /// The policies attached to a node.
    pub(super) fn attached<'s>(&'s self, target: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.state
            .attachments
            .iter()
            .filter(move |(_, t)| t == target)
            .map(|(policy, _)| policy.as_str())
    }

    /// The nodes a policy is attached to.
    pub(super) fn targets<'s>(&'s self, policy: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.state
            .attachments
            .iter()
            .filter(move |(p, _)| p == policy)
            .map(|(_, target)| target.as_str())
    }

    pub(super) fn type_enabled(&self, policy_type: &str) -> bool {
        self.state.policy_types.iter().any(|t| t == policy_type)
    }

    pub(super) fn tags(&self, resource: &str) -> Vec<Tag> {
        self.state
            .tags
            .iter()
            .filter(|(id, _, _)| id == resource)
            .map(|(_, key, value)| Tag {
                key: key.clone(),
                value: value.clone(),
            })
            .collect()
    }

    pub(super) fn is_management(&self, ctx: &Ctx<'_>) -> bool {
        self.management() == ctx.account()
    }

    /// Fails unless the caller is of the management account (AWS's AccessDeniedException).
    pub(super) fn require_management(&self, ctx: &Ctx<'_>) -> Result<(), ServiceError> {
        if self.is_management(ctx) {
            Ok(())
        } else {
            Err(ServiceError::modeled(
                &errors::ACCESS_DENIED,
                "You don't have permissions to access this resource.",
            ))
        }
    }

    /// The ARN of a node.
    pub(super) fn node_arn(&self, ctx: &Ctx<'_>, node: &OrgNodeRecord) -> String {
        node_arn_of(ctx.partition(), self.management(), self.id(), &node.node_id).value
    }

    /// The ARN of the organization.
    pub(super) fn arn(&self, ctx: &Ctx<'_>) -> String {
        organization_arn(ctx.partition(), self.management(), self.id()).value
    }

    /// The ARN of a policy.
    pub(super) fn policy_arn(&self, ctx: &Ctx<'_>, policy: &OrgPolicy<'_>) -> String {
        policy_arn_of(
            ctx.partition(),
            self.management(),
            self.id(),
            policy.policy_type(),
            policy.id(),
        )
        .value
    }

    pub(super) fn account_shape(&self, ctx: &Ctx<'_>, node: &OrgNodeRecord) -> orgs::Account {
        let status = node.status.clone().unwrap_or_else(|| "ACTIVE".to_owned());
        orgs::Account {
            id: Some(node.node_id.clone()),
            arn: Some(self.node_arn(ctx, node)),
            email: node.email.clone(),
            name: Some(node.name.clone()),
            state: Some(status.clone()),
            status: Some(status),
            paths: None,
            joined_method: node.joined_method.clone(),
            joined_timestamp: Some(crate::timestamp(node.create_date)),
        }
    }

    pub(super) fn unit_shape(
        &self,
        ctx: &Ctx<'_>,
        node: &OrgNodeRecord,
    ) -> orgs::OrganizationalUnit {
        orgs::OrganizationalUnit {
            id: Some(node.node_id.clone()),
            arn: Some(self.node_arn(ctx, node)),
            name: Some(node.name.clone()),
            path: Some(format!(
                "{}/{}/",
                self.id(),
                self.chain(&node.node_id).join("/")
            )),
        }
    }

    pub(super) fn root_shape(&self, ctx: &Ctx<'_>) -> Result<orgs::Root, ServiceError> {
        let root = self.root()?;
        Ok(orgs::Root {
            id: Some(root.node_id.clone()),
            arn: Some(self.node_arn(ctx, root)),
            name: Some(root.name.clone()),
            policy_types: Some(
                self.state
                    .policy_types
                    .iter()
                    .map(|policy_type| orgs::PolicyTypeSummary {
                        r#type: Some(policy_type.clone()),
                        status: Some("ENABLED".to_owned()),
                    })
                    .collect(),
            ),
        })
    }

    pub(super) fn policy_summary(
        &self,
        ctx: &Ctx<'_>,
        policy: &OrgPolicy<'_>,
    ) -> orgs::PolicySummary {
        let (name, description) = match policy {
            OrgPolicy::Aws(policy) => (policy.name, policy.description),
            OrgPolicy::Customer(policy) => (policy.name.as_str(), policy.description.as_str()),
        };
        orgs::PolicySummary {
            id: Some(policy.id().to_owned()),
            arn: Some(self.policy_arn(ctx, policy)),
            name: Some(name.to_owned()),
            description: Some(description.to_owned()),
            r#type: Some(policy.policy_type().to_owned()),
            aws_managed: Some(matches!(policy, OrgPolicy::Aws(_))),
        }
    }

    pub(super) fn policy_shape(&self, ctx: &Ctx<'_>, policy: &OrgPolicy<'_>) -> orgs::Policy {
        orgs::Policy {
            policy_summary: Some(self.policy_summary(ctx, policy)),
            content: Some(policy.content().to_owned()),
        }
    }
}

/// The organization the caller's account belongs to, read in the call's transaction.
pub(super) fn caller_org(call: &Authorized<'_, '_>) -> Result<Org, ServiceError> {
    let account = call.ctx.account();
    call.read(|tx| {
        let Some(org_id) = tx.organizations().of_account(account)? else {
            return Ok(None);
        };
        tx.organizations().load(&org_id)
    })?
    .map(|state| Org { state })
    .ok_or_else(not_in_use)
}

/// The caller's organization, when the caller's principal is of its management account.
pub(super) fn managed_org(call: &Authorized<'_, '_>) -> Result<Org, ServiceError> {
    let org = caller_org(call)?;
    org.require_management(call.ctx)?;
    Ok(org)
}

/// `AWSOrganizationsNotInUseException`.
pub(super) fn not_in_use() -> ServiceError {
    ServiceError::modeled(
        &errors::AWS_ORGANIZATIONS_NOT_IN_USE,
        "Your account is not a member of an organization.",
    )
}

/// `ConstraintViolationException` with its reason.
pub(super) fn constraint(reason: &'static str, message: impl Into<String>) -> ServiceError {
    ServiceError::ModeledWithReason {
        error: &errors::CONSTRAINT_VIOLATION,
        reason,
        message: message.into(),
    }
}

/// `InvalidInputException` with its reason.
pub(super) fn invalid_input(reason: &'static str, message: impl Into<String>) -> ServiceError {
    ServiceError::ModeledWithReason {
        error: &errors::INVALID_INPUT,
        reason,
        message: message.into(),
    }
}

/// A modeled "not found" error with the model's wording.
pub(super) fn not_found(error: &'static warden_protocol::ModeledError) -> ServiceError {
    let message = match error.code {
        "AccountNotFoundException" => "You specified an account that doesn't exist.",
        "ParentNotFoundException" => {
            "We can't find a root or OU with the ParentId that you specified."
        }
        "OrganizationalUnitNotFoundException" => {
            "We can't find an OU with the OrganizationalUnitId that you specified."
        }
        "PolicyNotFoundException" => "We can't find a policy with the PolicyId that you specified.",
        "TargetNotFoundException" => {
            "We can't find a root, OU, account, or policy with the TargetId that you specified."
        }
        "ChildNotFoundException" => {
            "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified."
        }
        "CreateAccountStatusNotFoundException" => {
            "We can't find an create account request with the CreateAccountRequestId that you specified."
        }
        "RootNotFoundException" => "We can't find a root with the RootId that you specified.",
        "SourceParentNotFoundException" => {
            "We can't find a source root or OU with the ParentId that you specified."
        }
        "DestinationParentNotFoundException" => {
            "We can't find the destination container (a root or OU) with the ParentId that you specified."
        }
        _ => "The specified entity cannot be found.",
    };
    ServiceError::modeled(error, message)
}

/// The access an operation on one entity of the caller's organization needs: its ARN
/// (built by `arn_of(partition, management account, organization id)`) when the caller's
/// account is in an organization, else `*` (the handler then answers
/// AWSOrganizationsNotInUseException).
pub(super) fn access_on(
    ctx: &Ctx<'_>,
    arn_of: impl FnOnce(&str, &str, &str) -> Arn,
) -> crate::operation::Access {
    let snapshot = ctx.warden.snapshot();
    match snapshot.org_member(ctx.account()) {
        Some(member) => crate::operation::Access::on(arn_of(
            ctx.partition(),
            &member.management_account,
            &member.org_id,
        )),
        None => crate::operation::Access::anywhere(),
    }
}

/// `id` without its type's prefix, as the generated ARN templates want it (`o-…`).
fn bare<'a>(id: &'a str, prefix: &str) -> &'a str {
    id.strip_prefix(prefix).unwrap_or(id)
}

/// The organization's ARN.
pub(super) fn organization_arn(partition: &str, management: &str, org: &str) -> Arn {
    arn::organization(partition, management, bare(org, "o-"))
}

/// The ARN of a node, from its id's shape: `r-…` a root, `ou-…` an OU, else an account.
pub(super) fn node_arn_of(partition: &str, management: &str, org: &str, id: &str) -> Arn {
    let org = bare(org, "o-");
    if let Some(root) = id.strip_prefix("r-") {
        arn::root(partition, management, org, root)
    } else if let Some(unit) = id.strip_prefix("ou-") {
        arn::organizationalunit(partition, management, org, unit)
    } else {
        arn::account(partition, management, org, id)
    }
}

/// The ARN of a policy: AWS managed ones under the `aws` account.
pub(super) fn policy_arn_of(
    partition: &str,
    management: &str,
    org: &str,
    policy_type: &str,
    policy_id: &str,
) -> Arn {
    let policy_type = policy_type.to_ascii_lowercase();
    if aws_policies::by_id(policy_id).is_some() {
        return arn::awspolicy(partition, &policy_type, bare(policy_id, "p-"));
    }
    arn::policy(
        partition,
        management,
        bare(org, "o-"),
        &policy_type,
        bare(policy_id, "p-"),
    )
}

/// A random id: `prefix` then `length` characters of `alphabet`.
pub(super) fn random_id(
    ctx: &Ctx<'_>,
    prefix: &str,
    length: usize,
) -> Result<String, ServiceError> {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = vec![0_u8; length];
    ctx.warden
        .rng
        .fill(&mut bytes)
        .map_err(|error| ServiceError::Internal(error.to_string()))?;
    let mut id = String::with_capacity(prefix.len() + length);
    id.push_str(prefix);
    for byte in bytes {
        let index = usize::from(byte) % ALPHABET.len();
        id.push(char::from(ALPHABET.get(index).copied().unwrap_or(b'a')));
    }
    Ok(id)
}

/// One page of `items`: from the position `next_token` names, at most `max_results` (AWS's
/// default 20), and the token of the next page.
pub(super) fn page<T>(
    items: Vec<T>,
    next_token: Option<&str>,
    max_results: Option<i32>,
) -> Result<(Vec<T>, Option<String>), ServiceError> {
    let start = match next_token {
        None => 0,
        Some(token) => token
            .strip_prefix("wpt-")
            .and_then(|rest| rest.parse::<usize>().ok())
            .filter(|start| *start <= items.len())
            .ok_or_else(|| {
                invalid_input(
                    "INVALID_NEXT_TOKEN",
                    "You specified an invalid value for nextToken.",
                )
            })?,
    };
    let size = usize::try_from(max_results.unwrap_or(20))
        .unwrap_or(20)
        .max(1);
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(start).take(size).collect();
    let end = start + page.len();
    Ok((page, (end < total).then(|| format!("wpt-{end}"))))
}

/// The tags of a request as pairs, refusing duplicate keys and too many.
pub(super) fn tag_pairs(tags: Option<&[Tag]>) -> Result<Vec<(String, String)>, ServiceError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for tag in tags.unwrap_or_default() {
        if pairs.iter().any(|(key, _)| *key == tag.key) {
            return Err(invalid_input(
                "DUPLICATE_TAG_KEY",
                "Tag keys must be unique among the tags attached to the same entity.",
            ));
        }
        pairs.push((tag.key.clone(), tag.value.clone()));
    }
    if pairs.len() > MAX_TAGS {
        return Err(constraint(
            "MAX_TAG_LIMIT_EXCEEDED",
            "You have exceeded the number of tags allowed on this resource.",
        ));
    }
    Ok(pairs)
}
