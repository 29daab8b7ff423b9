//! Authorization: build the request context the policy engine evaluates, ask the engine, and
//! turn a denial into AWS's AccessDenied message. Nothing is authorized anywhere else.

use std::net::IpAddr;

use warden_policy::{
    ContextMap, ContextValue, PolicySet, RequestContext, ResourcePolicyKind, evaluate,
};

use crate::caller::{Caller, CallerKind};
use crate::error::ServiceError;
use crate::snapshot::Snapshot;

/// Facts about the request that come from the transport, not from the caller's input.
#[derive(Debug, Clone)]
pub struct RequestFacts {
    /// The client's address (`aws:SourceIp`).
    pub source_ip: Option<IpAddr>,
    /// The `User-Agent` header (`aws:UserAgent`).
    pub user_agent: String,
    /// Whether the request came over TLS (`aws:SecureTransport`).
    pub secure_transport: bool,
    /// The region of the credential scope (`aws:RequestedRegion`).
    pub region: String,
    /// When the request is evaluated (`aws:CurrentTime`, `aws:EpochTime`).
    pub now: jiff::Timestamp,
}

/// What an operation asks permission for: its IAM action, its resource and the
/// operation-specific condition keys it supplies.
#[derive(Debug, Clone)]
pub struct Permission {
    /// `service:Action`, e.g. `iam:CreateUser`.
    pub action: String,
    /// The resource ARN the action applies to (`*` for actions without resource types).
    pub resource: String,
    /// The account owning the resource.
    pub resource_account: String,
    /// Operation-specific keys (`aws:RequestTag/…`, `aws:TagKeys`, `iam:PermissionsBoundary`, …).
    pub keys: Vec<(String, ContextValue)>,
}

/// Evaluate `permission` for `caller`; `Err(AccessDenied)` with AWS's message when denied.
pub fn authorize(
    snapshot: &Snapshot,
    caller: &Caller,
    facts: &RequestFacts,
    permission: Permission,
) -> Result<(), ServiceError> {
    decide(snapshot, caller, facts, permission, false)
}

/// Like [`authorize`], for a permission AWS grants without any policy (a password policy's
/// `AllowUsersToChangePassword`): only an explicit Deny refuses it — or, failing closed, a
/// policy that cannot be evaluated.
pub(crate) fn authorize_granted(
    snapshot: &Snapshot,
    caller: &Caller,
    facts: &RequestFacts,
    permission: Permission,
) -> Result<(), ServiceError> {
    decide(snapshot, caller, facts, permission, true)
}

fn decide(
    snapshot: &Snapshot,
    caller: &Caller,
    facts: &RequestFacts,
    permission: Permission,
    granted: bool,
) -> Result<(), ServiceError> {
    decide_with(snapshot, caller, facts, permission, granted, None)
}

/// The policies that apply to the caller: its own (a user's with its groups', a role
/// session's role's) and its session policies; `Err` with the reason to deny everything
/// when its principal no longer exists or a policy cannot be evaluated (fail closed).
struct CallerPolicies<'s> {
    identity: crate::snapshot::IdentityPolicies<'s>,
    session: Vec<&'s warden_policy::Policy>,
    tags: &'s [(String, String)],
}

fn caller_policies<'s>(
    snapshot: &'s Snapshot,
    caller: &'s Caller,
) -> Result<CallerPolicies<'s>, &'static str> {
    const GONE: &str = "because the principal no longer exists";
    let (identity, tags) = match &caller.kind {
        CallerKind::Root => (crate::snapshot::IdentityPolicies::default(), &[][..]),
        CallerKind::User { user_name, user_id } => {
            let user = snapshot
                .user(&caller.account_id, user_name)
                .filter(|user| caller.session.is_none() || user.user_id == *user_id)
                .ok_or(GONE)?;
            (snapshot.identity_policies(user), user.tags.as_slice())
        }
        CallerKind::AssumedRole {
            role_name, role_id, ..
        } => {
            // A role deleted (or deleted and re-created) since the session began grants
            // nothing.
            let role = snapshot
                .role(&caller.account_id, role_name)
                .filter(|role| role.role_id == *role_id)
                .ok_or(GONE)?;
            (snapshot.role_policies(role), role.tags.as_slice())
        }
    };
    let mut found = CallerPolicies {
        identity,
        session: Vec::new(),
        tags,
    };
    if let Some(session) = &caller.session {
        found.session.extend(session.policies.inline.iter());
        for arn in &session.policies.arns {
            match snapshot.managed(arn).map(|entry| &entry.policy) {
                Some(Ok(policy)) => found.session.push(policy),
                Some(Err(reason)) => found.identity.broken.push(reason),
                None => found
                    .identity
                    .broken
                    .push("a managed session policy is missing"),
            }
        }
    }
    Ok(found)
}

/// Evaluates `permission` for `caller`, with `resource_policy` (a role's trust policy) when
/// the resource has one.
fn decide_with(
    snapshot: &Snapshot,
    caller: &Caller,
    facts: &RequestFacts,
    permission: Permission,
    granted: bool,
    resource_policy: Option<&warden_policy::Policy>,
) -> Result<(), ServiceError> {
    let found = caller_policies(snapshot, caller);
    let mut context = global_keys(caller, facts);
    if let Ok(found) = &found {
        for (key, value) in found.tags {
            context.insert(
                &format!("aws:PrincipalTag/{key}"),
                ContextValue::Single(value.clone()),
            );
        }
    }
    context.insert(
        "aws:ResourceAccount",
        ContextValue::Single(permission.resource_account.clone()),
    );
    for (key, value) in permission.keys {
        context.insert(&key, value);
    }
    let request = RequestContext {
        principal: caller.to_policy_principal(),
        action: permission.action,
        resource: permission.resource,
        resource_account: Some(permission.resource_account),
        context,
    };
    let found = match found {
        Ok(found) => found,
        // The principal vanished between authentication and now: fail closed.
        Err(reason) => return Err(denied(caller, &request, reason)),
    };
    if !found.identity.broken.is_empty() {
        // A stored policy that no longer compiles may hold a Deny: fail closed.
        tracing::error!(principal = %caller.arn, broken = ?found.identity.broken, "denying: policy cannot be evaluated");
        return Err(denied(
            caller,
            &request,
            "because an identity-based policy of the principal cannot be evaluated",
        ));
    }
    let policies = PolicySet {
        identity: found.identity.policies,
        boundary: found.identity.boundary,
        session: found.session,
        resource: resource_policy.map(|policy| (policy, ResourcePolicyKind::MustAllow)),
        ..PolicySet::default()
    };
    let decision = evaluate(&request, &policies);
    tracing::debug!(
        principal = %caller.arn,
        action = %request.action,
        resource = %request.resource,
        decision = %decision.explain(&request.action),
        "authorization decision"
    );
    let granted = granted && decision.outcome != warden_policy::Outcome::ExplicitDeny;
    if decision.is_allowed() || granted {
        Ok(())
    } else {
        let reason = decision.aws_reason(&request.action);
        Err(denied(caller, &request, &reason))
    }
}

/// Evaluates `permission` (`sts:AssumeRole` on a role) for `caller` against its own
/// policies and the role's trust policy together, as AWS does: the trust policy must allow;
/// naming the caller itself suffices, naming its account delegates to its identity
/// policies. `Err(AccessDenied)` in AWS's words otherwise.
pub(crate) fn authorize_with_trust(
    snapshot: &Snapshot,
    caller: &Caller,
    facts: &RequestFacts,
    permission: Permission,
    trust: &warden_policy::Policy,
) -> Result<(), ServiceError> {
    decide_with(snapshot, caller, facts, permission, false, Some(trust))
}

fn denied(caller: &Caller, request: &RequestContext, reason: &str) -> ServiceError {
    ServiceError::AccessDenied(format!(
        "User: {} is not authorized to perform: {} on resource: {} {reason}",
        caller.arn, request.action, request.resource
    ))
}

/// Whether a trust policy allows `action` on `role` (in `account`) for a federated
/// principal — the identity provider `provider_arn`, for the federation calls, which have
/// no caller: only the trust policy decides, with the request's transport keys and `keys`.
pub(crate) fn trust_allows_federated(
    facts: &RequestFacts,
    provider_arn: &str,
    account: &str,
    action: &str,
    role: &str,
    trust: &warden_policy::Policy,
    keys: &[(String, ContextValue)],
) -> bool {
    let mut context = transport_keys(facts);
    context.insert(
        "aws:FederatedProvider",
        ContextValue::Single(provider_arn.to_owned()),
    );
    context.insert(
        "aws:ResourceAccount",
        ContextValue::Single(account.to_owned()),
    );
    for (key, value) in keys {
        context.insert(key, value.clone());
    }
    let request = RequestContext {
        principal: warden_policy::Principal {
            arn: provider_arn.to_owned(),
            account: account.to_owned(),
            kind: warden_policy::PrincipalKind::Anonymous,
            role_arn: None,
            federating_user_arn: None,
            unique_id: None,
        },
        action: action.to_owned(),
        resource: role.to_owned(),
        resource_account: Some(account.to_owned()),
        context,
    };
    let policies = PolicySet {
        resource: Some((trust, ResourcePolicyKind::MustAllow)),
        ..PolicySet::default()
    };
    evaluate(&request, &policies).is_allowed()
}

/// The global condition keys Warden can fill truthfully for every request.
fn global_keys(caller: &Caller, facts: &RequestFacts) -> ContextMap {
    let mut map = transport_keys(facts);
    let single = |value: &str| ContextValue::Single(value.to_owned());
    map.insert("aws:PrincipalArn", single(caller.principal_arn()));
    map.insert("aws:PrincipalAccount", single(&caller.account_id));
    map.insert("aws:PrincipalType", single(caller.principal_type()));
    map.insert("aws:userid", single(caller.user_id()));
    if let Some(name) = caller.user_name() {
        map.insert("aws:username", single(name));
    }
    if let Some(session) = &caller.session {
        map.insert(
            "aws:TokenIssueTime",
            single(&warden_protocol::encode::iso8601(session.issued_at)),
        );
        if let Some(at) = session.mfa_authenticated_at {
            map.insert("aws:MultiFactorAuthPresent", single("true"));
            let age = facts.now.as_second().saturating_sub(at.as_second()).max(0);
            map.insert("aws:MultiFactorAuthAge", single(&age.to_string()));
        } else {
            map.insert("aws:MultiFactorAuthPresent", single("false"));
        }
        if let Some(source) = &session.source_identity {
            map.insert("aws:SourceIdentity", single(source));
        }
    }
    map
}

/// The keys the request's transport and time give, whoever the caller is.
fn transport_keys(facts: &RequestFacts) -> ContextMap {
    let mut map = ContextMap::new();
    let single = |value: &str| ContextValue::Single(value.to_owned());
    map.insert("aws:PrincipalIsAWSService", single("false"));
    if let Some(ip) = facts.source_ip {
        map.insert("aws:SourceIp", single(&ip.to_string()));
    }
    map.insert("aws:UserAgent", single(&facts.user_agent));
    map.insert(
        "aws:SecureTransport",
        single(if facts.secure_transport {
            "true"
        } else {
            "false"
        }),
    );
    map.insert("aws:RequestedRegion", single(&facts.region));
    map.insert(
        "aws:CurrentTime",
        single(&warden_protocol::encode::iso8601(facts.now)),
    );
    map.insert("aws:EpochTime", single(&facts.now.as_second().to_string()));
    map.insert("aws:ViaAWSService", single("false"));
    map
}
