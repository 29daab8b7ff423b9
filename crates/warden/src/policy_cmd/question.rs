//! One simulation question — the policies by path, the caller and the request — and its
//! answer. Shared by `warden policy simulate` and its batch mode.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, bail};
use warden_policy::{
    ArnParts, ContextMap, ContextValue, Decision, Exemption, Policy, PolicyKind, PolicySet,
    Principal, PrincipalKind, RequestContext, ResourcePolicyKind, decide, evaluate, exemption,
};

/// How the target resource's own policy takes part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResourcePolicyRole {
    /// An ordinary resource policy (bucket, queue, …).
    Ordinary,
    /// A role trust policy.
    Trust,
    /// A KMS key policy.
    Key,
}

/// Everything one simulation needs, policies named by path.
#[derive(Debug, Clone, Default)]
pub(crate) struct Question {
    pub(crate) policies: Vec<PathBuf>,
    pub(crate) boundary: Option<PathBuf>,
    pub(crate) session_policies: Vec<PathBuf>,
    pub(crate) resource_policy: Option<(PathBuf, ResourcePolicyRole)>,
    /// SCP levels from the root down, each a list of files.
    pub(crate) scps: Vec<Vec<PathBuf>>,
    /// RCP levels from the root down, each a list of files.
    pub(crate) rcps: Vec<Vec<PathBuf>>,
    pub(crate) action: String,
    pub(crate) resource: String,
    /// Condition keys in the order given (a repeated key is multi-valued).
    pub(crate) context: Vec<(String, Vec<String>)>,
    pub(crate) caller: CallerSpec,
    pub(crate) resource_account: Option<String>,
}

/// Who asks, as written on the command line.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallerSpec {
    /// An ARN, `anonymous` or `service:NAME`.
    pub(crate) principal: String,
    /// For a role session: the role's ARN with its path.
    pub(crate) role_arn: Option<String>,
    /// For a federated-user session: the IAM user who called GetFederationToken.
    pub(crate) federating_user: Option<String>,
    /// The user's (`AIDA…`) or role's (`AROA…`) unique id.
    pub(crate) principal_id: Option<String>,
}

/// The default caller when none is given.
pub(crate) const DEFAULT_PRINCIPAL: &str = "arn:aws:iam::123456789012:user/simulated";

/// Parsed policy files, by path and kind, reused across questions.
#[derive(Debug, Default)]
pub(crate) struct PolicyCache {
    parsed: HashMap<(PathBuf, PolicyKindKey), Arc<Policy>>,
}

/// [`PolicyKind`] as a hash key.
type PolicyKindKey = u8;

fn kind_key(kind: PolicyKind) -> PolicyKindKey {
    match kind {
        PolicyKind::Identity => 0,
        PolicyKind::Resource => 1,
        PolicyKind::Trust => 2,
        PolicyKind::Boundary => 3,
        PolicyKind::Scp => 4,
        PolicyKind::Rcp => 5,
        PolicyKind::Session => 6,
    }
}

impl PolicyCache {
    /// The policy in `path`, parsed for `kind` once.
    pub(crate) fn load(&mut self, path: &Path, kind: PolicyKind) -> anyhow::Result<Arc<Policy>> {
        let key = (path.to_path_buf(), kind_key(kind));
        if let Some(policy) = self.parsed.get(&key) {
            return Ok(Arc::clone(policy));
        }
        let text = super::read(path)?;
        let policy = Policy::parse(path.display().to_string(), &text, kind)
            .map_err(|error| anyhow!("{}: MalformedPolicyDocument: {error}", path.display()))?;
        let policy = Arc::new(policy);
        self.parsed.insert(key, Arc::clone(&policy));
        Ok(policy)
    }
}

/// A question's answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) request: RequestContext,
    pub(crate) decision: Decision,
    /// Why the action needed no permission, if so.
    pub(crate) exemption: Option<&'static Exemption>,
    /// For an exempt action: what the policies alone would have answered.
    pub(crate) policies_alone: Option<Decision>,
    pub(crate) resource_role: Option<ResourcePolicyRole>,
}

impl Question {
    /// Loads the policies (through `cache`) and decides.
    pub(crate) fn answer(&self, cache: &mut PolicyCache) -> anyhow::Result<Answer> {
        let mut load_all = |paths: &[PathBuf], kind| -> anyhow::Result<Vec<Arc<Policy>>> {
            paths.iter().map(|path| cache.load(path, kind)).collect()
        };
        let identity = load_all(&self.policies, PolicyKind::Identity)?;
        let boundary = load_all(self.boundary.as_slice(), PolicyKind::Boundary)?;
        let session = load_all(&self.session_policies, PolicyKind::Session)?;
        let scps = self
            .scps
            .iter()
            .map(|level| load_all(level, PolicyKind::Scp))
            .collect::<Result<Vec<_>, _>>()?;
        let rcps = self
            .rcps
            .iter()
            .map(|level| load_all(level, PolicyKind::Rcp))
            .collect::<Result<Vec<_>, _>>()?;
        let resource = match &self.resource_policy {
            None => None,
            Some((path, role)) => {
                let (kind, evaluated_as) = match role {
                    ResourcePolicyRole::Ordinary => {
                        (PolicyKind::Resource, ResourcePolicyKind::Ordinary)
                    }
                    ResourcePolicyRole::Trust => {
                        (PolicyKind::Trust, ResourcePolicyKind::ROLE_TRUST)
                    }
                    ResourcePolicyRole::Key => (PolicyKind::Resource, ResourcePolicyKind::KMS_KEY),
                };
                Some((cache.load(path, kind)?, evaluated_as))
            }
        };
        let principal = self.caller.principal()?;
        let resource_account = self
            .resource_account
            .clone()
            .or_else(|| {
                ArnParts::parse(&self.resource)
                    .map(|arn| arn.account)
                    .filter(|account| !account.is_empty())
                    .map(str::to_owned)
            })
            .or_else(|| Some(principal.account.clone()))
            .filter(|account| !account.is_empty());
        let request = RequestContext {
            context: context_map(&principal, &self.caller, &self.context),
            action: self.action.clone(),
            resource: self.resource.clone(),
            resource_account,
            principal,
        };
        let policies = PolicySet {
            identity: identity.iter().map(Arc::as_ref).collect(),
            boundary: boundary.first().map(Arc::as_ref),
            session: session.iter().map(Arc::as_ref).collect(),
            resource: resource
                .as_ref()
                .map(|(policy, kind)| (policy.as_ref(), *kind)),
            scp: scps
                .iter()
                .map(|level| level.iter().map(Arc::as_ref).collect())
                .collect(),
            rcp: rcps
                .iter()
                .map(|level| level.iter().map(Arc::as_ref).collect())
                .collect(),
        };
        let exemption = exemption(&request);
        let decision = decide(&request, &policies);
        let policies_alone = exemption.map(|_| evaluate(&request, &policies));
        Ok(Answer {
            decision,
            exemption,
            policies_alone,
            resource_role: self.resource_policy.as_ref().map(|(_, role)| *role),
            request,
        })
    }
}

impl CallerSpec {
    /// The caller: a root, user, role, role-session or federated-user ARN, `anonymous`, or
    /// `service:NAME`.
    pub(crate) fn principal(&self) -> anyhow::Result<Principal> {
        let given = self.principal.as_str();
        let mut principal = if given == "anonymous" {
            Principal {
                arn: "anonymous".to_owned(),
                account: String::new(),
                kind: PrincipalKind::Anonymous,
                role_arn: None,
                federating_user_arn: None,
                unique_id: None,
            }
        } else if let Some(service) = given.strip_prefix("service:") {
            if service.is_empty() || !service.contains('.') {
                bail!(
                    "--principal {given:?}: a service principal is service:NAME, e.g. service:cloudtrail.amazonaws.com"
                );
            }
            Principal {
                arn: service.to_owned(),
                account: String::new(),
                kind: PrincipalKind::Service,
                role_arn: None,
                federating_user_arn: None,
                unique_id: None,
            }
        } else {
            Principal::from_arn(given).ok_or_else(|| {
                anyhow!(
                    "--principal {given:?} is not anonymous, service:NAME, or a root, user, role, \
                     assumed-role or federated-user ARN"
                )
            })?
        };
        if let Some(role_arn) = &self.role_arn {
            principal.role_arn = Some(session_role(&principal, role_arn)?);
        }
        if let Some(user) = &self.federating_user {
            principal.federating_user_arn = Some(federating_user(&principal, user)?);
        }
        if let Some(id) = &self.principal_id {
            if !matches!(
                principal.kind,
                PrincipalKind::User | PrincipalKind::AssumedRole
            ) {
                bail!("--principal-id is the unique id of an IAM user (AIDA…) or role (AROA…)");
            }
            principal.unique_id = Some(id.clone());
        }
        Ok(principal)
    }
}

/// The role of an `assumed-role` session: an IAM role ARN of the session's account whose
/// name (the last path segment) is the session's role name.
fn session_role(principal: &Principal, role_arn: &str) -> anyhow::Result<String> {
    let session_role_name = ArnParts::parse(&principal.arn)
        .filter(|arn| arn.service == "sts")
        .and_then(|arn| arn.resource.strip_prefix("assumed-role/"))
        .and_then(|rest| rest.split('/').next());
    let Some(session_role_name) = session_role_name else {
        bail!(
            "--role-arn needs an assumed-role session as --principal (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION)"
        );
    };
    let role = ArnParts::parse(role_arn).filter(|arn| arn.service == "iam");
    let name = role
        .and_then(|arn| arn.resource.strip_prefix("role/"))
        .and_then(|path| path.rsplit('/').next());
    match (role, name) {
        (Some(role), Some(name))
            if name == session_role_name && role.account == principal.account =>
        {
            Ok(role_arn.to_owned())
        }
        _ => bail!(
            "--role-arn {role_arn:?} is not the ARN of role {session_role_name:?} in account {}",
            principal.account
        ),
    }
}

/// The IAM user behind a `federated-user` session, in the session's account.
fn federating_user(principal: &Principal, user_arn: &str) -> anyhow::Result<String> {
    if principal.kind != PrincipalKind::FederatedUser {
        bail!("--federating-user needs a federated-user session as --principal");
    }
    match Principal::from_arn(user_arn) {
        Some(user) if user.kind == PrincipalKind::User && user.account == principal.account => {
            Ok(user_arn.to_owned())
        }
        _ => bail!(
            "--federating-user {user_arn:?} is not an IAM user ARN of account {}",
            principal.account
        ),
    }
}

/// The caller's global condition keys (IAM User Guide, "AWS global condition context keys"
/// and the principal table of "IAM policy elements: Variables"), then the `--context` pairs,
/// which override them. `aws:PrincipalArn` (the role's ARN with its path for a role session),
/// `aws:PrincipalAccount` and `aws:ResourceAccount` come from the engine.
fn context_map(
    principal: &Principal,
    caller: &CallerSpec,
    given: &[(String, Vec<String>)],
) -> ContextMap {
    let mut map = ContextMap::new();
    let mut set = |key: &str, value: String| map.insert(key, ContextValue::Single(value));
    let last_segment = || {
        principal
            .arn
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let principal_type = match principal.kind {
        PrincipalKind::Root => Some("Account"),
        PrincipalKind::User => Some("User"),
        PrincipalKind::AssumedRole => Some("AssumedRole"),
        PrincipalKind::FederatedUser => Some("FederatedUser"),
        PrincipalKind::Anonymous => Some("Anonymous"),
        PrincipalKind::Service => None,
    };
    if let Some(principal_type) = principal_type {
        set("aws:PrincipalType", principal_type.to_owned());
    }
    let userid = match principal.kind {
        PrincipalKind::Root => Some(principal.account.clone()),
        PrincipalKind::User => caller.principal_id.clone(),
        // A role session: ROLEID:session-name (the ARN of the role itself has no session).
        PrincipalKind::AssumedRole if principal.arn.contains(":assumed-role/") => caller
            .principal_id
            .as_ref()
            .map(|id| format!("{id}:{}", last_segment())),
        PrincipalKind::AssumedRole => None,
        PrincipalKind::FederatedUser => Some(format!("{}:{}", principal.account, last_segment())),
        PrincipalKind::Anonymous => Some("anonymous".to_owned()),
        PrincipalKind::Service => None,
    };
    if let Some(userid) = userid {
        set("aws:userid", userid);
    }
    match principal.kind {
        PrincipalKind::User => set("aws:username", last_segment()),
        PrincipalKind::Service => {
            set("aws:PrincipalIsAWSService", "true".to_owned());
            set("aws:PrincipalServiceName", principal.arn.clone());
        }
        PrincipalKind::Anonymous => {}
        _ => set("aws:PrincipalIsAWSService", "false".to_owned()),
    }
    for (key, values) in given {
        let value = match values.as_slice() {
            [single] => ContextValue::Single(single.clone()),
            _ => ContextValue::Multi(values.clone()),
        };
        map.insert(key, value);
    }
    map
}

/// `KEY=VALUE` pairs, a repeated key collecting its values.
pub(crate) fn context_pairs(pairs: &[String]) -> anyhow::Result<Vec<(String, Vec<String>)>> {
    let mut given: Vec<(String, Vec<String>)> = Vec::new();
    for pair in pairs {
        let Some((key, value)) = pair.split_once('=') else {
            bail!("--context {pair:?} is not KEY=VALUE");
        };
        match given.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
            Some((_, values)) => values.push(value.to_owned()),
            None => given.push((key.to_owned(), vec![value.to_owned()])),
        }
    }
    Ok(given)
}

/// One `--scp`/`--rcp` value: a level's files, separated by commas.
pub(crate) fn level(value: &str) -> anyhow::Result<Vec<PathBuf>> {
    let files: Vec<PathBuf> = value
        .split(',')
        .filter(|file| !file.is_empty())
        .map(PathBuf::from)
        .collect();
    if files.is_empty() {
        bail!("an --scp/--rcp level names no file");
    }
    Ok(files)
}
