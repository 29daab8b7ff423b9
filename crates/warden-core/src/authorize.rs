//! Authorization: build the request context the policy engine evaluates, ask the engine, and
//! turn a denial into AWS's AccessDenied message. Nothing is authorized anywhere else.

use std::net::IpAddr;

use warden_policy::{ContextMap, ContextValue, PolicySet, RequestContext, evaluate};

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
    let principal_entry = match &caller.kind {
        CallerKind::Root => None,
        CallerKind::User { user_name, .. } => snapshot.user(&caller.account_id, user_name),
    };
    let mut context = global_keys(caller, facts);
    if let Some(user) = principal_entry {
        for (key, value) in &user.tags {
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
    let identity = principal_entry
        .map(|user| snapshot.identity_policies(user))
        .unwrap_or_default();
    let policies = PolicySet {
        identity: identity.policies,
        boundary: identity.boundary,
        ..PolicySet::default()
    };
    if matches!(caller.kind, CallerKind::User { .. }) && principal_entry.is_none() {
        // The key's user vanished between authentication and now: fail closed.
        return Err(denied(
            caller,
            &request,
            "because the principal no longer exists",
        ));
    }
    if !identity.broken.is_empty() {
        // A stored policy that no longer compiles may hold a Deny: fail closed.
        tracing::error!(principal = %caller.arn, broken = ?identity.broken, "denying: policy cannot be evaluated");
        return Err(denied(
            caller,
            &request,
            "because an identity-based policy of the principal cannot be evaluated",
        ));
    }
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

fn denied(caller: &Caller, request: &RequestContext, reason: &str) -> ServiceError {
    ServiceError::AccessDenied(format!(
        "User: {} is not authorized to perform: {} on resource: {} {reason}",
        caller.arn, request.action, request.resource
    ))
}

/// The global condition keys Warden can fill truthfully for every request.
fn global_keys(caller: &Caller, facts: &RequestFacts) -> ContextMap {
    let mut map = ContextMap::new();
    let single = |value: &str| ContextValue::Single(value.to_owned());
    map.insert("aws:PrincipalArn", single(&caller.arn));
    map.insert("aws:PrincipalAccount", single(&caller.account_id));
    map.insert("aws:PrincipalType", single(caller.principal_type()));
    map.insert("aws:userid", single(caller.user_id()));
    if let Some(name) = caller.user_name() {
        map.insert("aws:username", single(name));
    }
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
