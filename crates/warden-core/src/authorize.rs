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

/// Why a caller is denied when a built-in policy failed to compile.
const BUILT_IN_BROKEN: &str = "a built-in policy cannot be evaluated";

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
        CallerKind::FederatedUser {
            federating_user, ..
        } => match federating_user {
            // A federated user has its IAM user's permissions (the user's own, deleted or
            // re-created since, grants nothing), limited by the session policies.
            Some(federating) => {
                let user = snapshot
                    .user(&caller.account_id, &federating.user_name)
                    .filter(|user| user.user_id == federating.user_id)
                    .ok_or(GONE)?;
                (snapshot.identity_policies(user), user.tags.as_slice())
            }
            // The root user's: everything, limited by the session policies.
            None => {
                let mut identity = crate::snapshot::IdentityPolicies::default();
                match root_permissions() {
                    Some(policy) => identity.policies.push(policy),
                    None => identity.broken.push(BUILT_IN_BROKEN),
                }
                (identity, &[][..])
            }
        },
    };
    let mut found = CallerPolicies {
        identity,
        session: Vec::new(),
        tags,
    };
    if let Some(session) = &caller.session {
        if session.origin == crate::SessionOrigin::GetFederationToken && session.policies.is_empty()
        {
            // AWS: without session policies, a federated user's session has no permissions.
            match no_permissions() {
                Some(policy) => found.session.push(policy),
                None => found.identity.broken.push(BUILT_IN_BROKEN),
            }
        }
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

/// A built-in policy, compiled once; `None` only if it failed to compile (then callers fail
/// closed).
fn built_in(
    cell: &'static std::sync::OnceLock<Option<warden_policy::Policy>>,
    id: &str,
    json: &str,
    kind: warden_policy::PolicyKind,
) -> Option<&'static warden_policy::Policy> {
    cell.get_or_init(|| warden_policy::Policy::parse(id.to_owned(), json, kind).ok())
        .as_ref()
}

/// A policy allowing everything: the root user's permissions, for the session of a user it
/// federated (AWS grants the root user everything its account owns).
fn root_permissions() -> Option<&'static warden_policy::Policy> {
    static ROOT: std::sync::OnceLock<Option<warden_policy::Policy>> = std::sync::OnceLock::new();
    built_in(
        &ROOT,
        "root",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        warden_policy::PolicyKind::Identity,
    )
}

/// A session policy allowing nothing: a federated user's when none was passed.
fn no_permissions() -> Option<&'static warden_policy::Policy> {
    static NONE: std::sync::OnceLock<Option<warden_policy::Policy>> = std::sync::OnceLock::new();
    built_in(
        &NONE,
        "none",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"*","Resource":"*"}]}"#,
        warden_policy::PolicyKind::Session,
    )
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
        // Session tags override the principal's own tags with the same key, ignoring case.
        let session_tags = caller
            .session
            .as_ref()
            .map_or(&[][..], |session| session.tags.as_slice());
        let own = found.tags.iter().filter(|(key, _)| {
            !session_tags
                .iter()
                .any(|(session_key, _)| session_key.eq_ignore_ascii_case(key))
        });
        for (key, value) in own.chain(session_tags) {
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
    let principal_org = snapshot.org_member(&caller.account_id);
    let resource_org = snapshot.org_member(&permission.resource_account);
    org_keys(
        &mut context,
        principal_org,
        ["aws:PrincipalOrgID", "aws:PrincipalOrgPaths"],
    );
    org_keys(
        &mut context,
        resource_org,
        ["aws:ResourceOrgID", "aws:ResourceOrgPaths"],
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
    if let Some(reason) = principal_org
        .and_then(|member| member.broken.as_deref())
        .or_else(|| resource_org.and_then(|member| member.broken.as_deref()))
    {
        tracing::error!(principal = %caller.arn, %reason, "denying: organization policy cannot be evaluated");
        return Err(denied(
            caller,
            &request,
            "because an organization policy cannot be evaluated",
        ));
    }
    let scps = principal_org
        .filter(|_| !caller.is_service_linked_role())
        .and_then(|member| member.scps.as_deref());
    let rcps = resource_org
        .filter(|_| rcp_applies(&request.action))
        .and_then(|member| member.rcps.as_deref());
    let policies = PolicySet {
        identity: found.identity.policies,
        boundary: found.identity.boundary,
        session: found.session,
        resource: resource_policy.map(|policy| (policy, ResourcePolicyKind::MustAllow)),
        scp: levels(scps),
        rcp: levels(rcps),
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
        let message = match denied(caller, &request, &reason) {
            ServiceError::AccessDenied(message) => message,
            other => return Err(other),
        };
        let detail = crate::authorization_message::DenialDetail::new(
            caller,
            &request.action,
            &request.resource,
            &request.context,
            &decision,
        );
        Err(ServiceError::Refused(Box::new(
            crate::authorization_message::Refusal { message, detail },
        )))
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

/// Evaluates `permission` on a KMS key for `caller` against its own policies and the key
/// policy together, as AWS decides for KMS: the key policy must allow; naming the caller
/// suffices, naming its account (`arn:aws:iam::ACCOUNT:root`) delegates to its IAM
/// policies, and without either IAM policies allow nothing. `granted`: a grant on the key
/// allows the operation, so only an explicit Deny refuses it.
pub(crate) fn authorize_with_key_policy(
    snapshot: &Snapshot,
    caller: &Caller,
    facts: &RequestFacts,
    permission: Permission,
    key_policy: &warden_policy::Policy,
    granted: bool,
) -> Result<(), ServiceError> {
    decide_with(
        snapshot,
        caller,
        facts,
        permission,
        granted,
        Some(key_policy),
    )
}

/// The services whose resources resource control policies govern (AWS's list; of them
/// Warden serves STS).
const RCP_SERVICES: &[&str] = &[
    "s3",
    "sts",
    "kms",
    "sqs",
    "secretsmanager",
    "ecr",
    "aoss",
    "cognito-identity",
    "logs",
    "dynamodb",
];

/// Whether RCPs govern `action` (`service:Action`).
fn rcp_applies(action: &str) -> bool {
    action
        .split_once(':')
        .is_some_and(|(service, _)| RCP_SERVICES.contains(&service))
}

/// The organization's levels of one policy type, as the engine takes them.
fn levels(levels: Option<&[crate::snapshot::Level]>) -> Vec<Vec<&warden_policy::Policy>> {
    levels.map_or_else(Vec::new, |levels| {
        levels
            .iter()
            .map(|level| level.iter().map(AsRef::as_ref).collect())
            .collect()
    })
}

/// `aws:…OrgID` and `aws:…OrgPaths` (the two `keys`) of an account in an organization.
fn org_keys(
    context: &mut ContextMap,
    member: Option<&crate::snapshot::OrgMember>,
    [id_key, paths_key]: [&str; 2],
) {
    if let Some(member) = member {
        context.insert(id_key, ContextValue::Single(member.org_id.clone()));
        context.insert(paths_key, ContextValue::Multi(vec![member.path.clone()]));
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
    map.insert("aws:PrincipalArn", single(caller.principal_arn()));
    map.insert("aws:PrincipalAccount", single(&caller.account_id));
    map.insert("aws:PrincipalType", single(caller.principal_type()));
    map.insert("aws:userid", single(caller.user_id()));
    if let Some(name) = caller.user_name() {
        map.insert("aws:username", single(name));
    }
    request_keys(&mut map, facts);
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

/// The keys every request has, whoever makes it: transport, region and time.
fn request_keys(map: &mut ContextMap, facts: &RequestFacts) {
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
}

/// Evaluates `permission` (`sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML`
/// on a role) for a federated identity vouched for by `provider_arn`, which has no
/// policies of its own: the role's trust policy alone decides, and must name the provider
/// as a `Federated` principal. `Err(())` when it does not allow; the operation words the
/// refusal.
pub(crate) fn authorize_federated(
    provider_arn: &str,
    facts: &RequestFacts,
    permission: Permission,
    trust: &warden_policy::Policy,
) -> Result<(), ()> {
    let mut context = ContextMap::new();
    request_keys(&mut context, facts);
    context.insert(
        "aws:ResourceAccount",
        ContextValue::Single(permission.resource_account.clone()),
    );
    for (key, value) in permission.keys {
        context.insert(&key, value);
    }
    let request = RequestContext {
        principal: warden_policy::Principal {
            arn: provider_arn.to_owned(),
            account: permission.resource_account.clone(),
            kind: warden_policy::PrincipalKind::Anonymous,
            role_arn: None,
            federating_user_arn: None,
            unique_id: None,
        },
        action: permission.action,
        resource: permission.resource,
        resource_account: Some(permission.resource_account),
        context,
    };
    let policies = PolicySet {
        resource: Some((trust, ResourcePolicyKind::MustAllow)),
        ..PolicySet::default()
    };
    let decision = evaluate(&request, &policies);
    tracing::debug!(
        provider = %provider_arn,
        action = %request.action,
        resource = %request.resource,
        decision = %decision.explain(&request.action),
        "federated authorization decision"
    );
    if decision.is_allowed() {
        Ok(())
    } else {
        Err(())
    }
}
