//! `warden policy check` and `warden policy simulate`: the policy engine offline.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand, ValueEnum};
use warden_policy::{
    ArnParts, ContextMap, ContextValue, Decision, Policy, PolicyKind, PolicySet, Principal,
    PrincipalKind, RequestContext, ResourcePolicyKind, Severity, check, evaluate,
};

/// `warden policy …`
#[derive(Debug, Subcommand)]
pub(crate) enum PolicyCommand {
    /// Validate a policy document as IAM would, printing AWS-style findings.
    Check(CheckArgs),
    /// Evaluate a request against policies and explain the decision.
    Simulate(Box<SimulateArgs>),
}

/// Where a checked document will be used.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum KindArg {
    /// Inline or managed policy of a user, group or role.
    Identity,
    /// Resource-based policy.
    Resource,
    /// Role trust policy.
    Trust,
    /// Permissions boundary.
    Boundary,
    /// Service control policy.
    Scp,
    /// Resource control policy.
    Rcp,
    /// Session policy.
    Session,
}

impl KindArg {
    fn kind(self) -> PolicyKind {
        match self {
            Self::Identity => PolicyKind::Identity,
            Self::Resource => PolicyKind::Resource,
            Self::Trust => PolicyKind::Trust,
            Self::Boundary => PolicyKind::Boundary,
            Self::Scp => PolicyKind::Scp,
            Self::Rcp => PolicyKind::Rcp,
            Self::Session => PolicyKind::Session,
        }
    }
}

/// Options of `warden policy check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The policy document (JSON file).
    file: PathBuf,
    /// How the document will be used.
    #[arg(long, value_enum, default_value = "identity")]
    kind: KindArg,
}

/// Options of `warden policy simulate`.
#[derive(Debug, Args)]
pub(crate) struct SimulateArgs {
    /// Identity-based policies of the principal (repeatable; none is a valid question, e.g.
    /// about a resource policy alone).
    #[arg(long = "policy")]
    policies: Vec<PathBuf>,
    /// The principal's permissions boundary.
    #[arg(long)]
    boundary: Option<PathBuf>,
    /// Session policies of a role or federated session (repeatable).
    #[arg(long = "session-policy")]
    session_policies: Vec<PathBuf>,
    /// The resource-based policy of the target resource.
    #[arg(long)]
    resource_policy: Option<PathBuf>,
    /// Treat the resource policy as a role trust policy (it must allow, even same-account).
    #[arg(long, requires = "resource_policy")]
    trust: bool,
    /// SCPs, one file per level from the root down (repeatable).
    #[arg(long = "scp")]
    scps: Vec<PathBuf>,
    /// The action, e.g. s3:GetObject.
    #[arg(long)]
    action: String,
    /// The resource ARN (or *).
    #[arg(long)]
    resource: String,
    /// Condition keys as key=value; repeat a key for a multi-valued key.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// The calling principal's ARN.
    #[arg(long, default_value = "arn:aws:iam::123456789012:user/simulated")]
    principal: String,
    /// The account owning the resource (defaults to the account in the resource's ARN, else
    /// the principal's).
    #[arg(long)]
    resource_account: Option<String>,
    /// Print the decision as JSON.
    #[arg(long)]
    json: bool,
}

/// Run a `warden policy` subcommand.
pub(crate) fn run(command: PolicyCommand) -> anyhow::Result<ExitCode> {
    match command {
        PolicyCommand::Check(args) => run_check(&args),
        PolicyCommand::Simulate(args) => run_simulate(&args),
    }
}

fn run_check(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let text = read(&args.file)?;
    let findings = check(&text, args.kind.kind());
    let mut errors = 0;
    for finding in &findings {
        let level = match finding.severity {
            Severity::Error => {
                errors += 1;
                "error"
            }
            Severity::Warning => "warning",
        };
        println!("{}: {level}: {}", args.file.display(), finding.message);
    }
    if errors > 0 {
        println!("MalformedPolicyDocument: {errors} error(s)");
        return Ok(ExitCode::FAILURE);
    }
    println!("{}: valid {:?} policy", args.file.display(), args.kind);
    Ok(ExitCode::SUCCESS)
}

fn run_simulate(args: &SimulateArgs) -> anyhow::Result<ExitCode> {
    let load = |path: &PathBuf, kind| -> anyhow::Result<Policy> {
        let text = read(path)?;
        Policy::parse(path.display().to_string(), &text, kind).map_err(|error| {
            anyhow::anyhow!("{}: MalformedPolicyDocument: {error}", path.display())
        })
    };
    let identity = args
        .policies
        .iter()
        .map(|p| load(p, PolicyKind::Identity))
        .collect::<Result<Vec<_>, _>>()?;
    let boundary = args
        .boundary
        .as_ref()
        .map(|p| load(p, PolicyKind::Boundary))
        .transpose()?;
    let session = args
        .session_policies
        .iter()
        .map(|p| load(p, PolicyKind::Session))
        .collect::<Result<Vec<_>, _>>()?;
    let resource_kind = if args.trust {
        PolicyKind::Trust
    } else {
        PolicyKind::Resource
    };
    let resource = args
        .resource_policy
        .as_ref()
        .map(|p| load(p, resource_kind))
        .transpose()?;
    let scps = args
        .scps
        .iter()
        .map(|p| load(p, PolicyKind::Scp))
        .collect::<Result<Vec<_>, _>>()?;
    let principal = principal_from_arn(&args.principal)?;
    let request = RequestContext {
        context: context_map(&principal, &args.context)?,
        action: args.action.clone(),
        resource: args.resource.clone(),
        resource_account: Some(args.resource_account.clone().unwrap_or_else(|| {
            ArnParts::parse(&args.resource)
                .map(|arn| arn.account)
                .filter(|account| !account.is_empty())
                .map_or_else(|| principal.account.clone(), str::to_owned)
        })),
        principal,
    };
    let policies = PolicySet {
        identity: identity.iter().collect(),
        boundary: boundary.as_ref(),
        session: session.iter().collect(),
        resource: resource.as_ref().map(|policy| {
            let kind = if args.trust {
                ResourcePolicyKind::MustAllow
            } else {
                ResourcePolicyKind::Ordinary
            };
            (policy, kind)
        }),
        scp: scps.iter().map(|scp| vec![scp]).collect(),
        rcp: Vec::new(),
    };
    let decision = evaluate(&request, &policies);
    if args.json {
        println!("{}", decision_json(&decision, &request.action));
    } else {
        print_decision(&decision, &request.action);
    }
    Ok(ExitCode::SUCCESS)
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The principal an ARN names ([`Principal::from_arn`]).
fn principal_from_arn(arn: &str) -> anyhow::Result<Principal> {
    Principal::from_arn(arn).ok_or_else(|| {
        anyhow::anyhow!(
            "--principal {arn:?} is not a root, user, role, assumed-role or federated-user ARN"
        )
    })
}

/// The principal's global keys, then the `--context` pairs (which override them).
fn context_map(principal: &Principal, pairs: &[String]) -> anyhow::Result<ContextMap> {
    let mut map = ContextMap::new();
    map.insert(
        "aws:PrincipalArn",
        ContextValue::Single(principal.arn.clone()),
    );
    map.insert(
        "aws:PrincipalAccount",
        ContextValue::Single(principal.account.clone()),
    );
    if principal.kind == PrincipalKind::User
        && let Some(name) = principal.arn.rsplit('/').next()
    {
        map.insert("aws:username", ContextValue::Single(name.to_owned()));
    }
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
    for (key, mut values) in given {
        let value = match (values.len(), values.pop()) {
            (1, Some(single)) => ContextValue::Single(single),
            (_, Some(last)) => {
                values.push(last);
                ContextValue::Multi(values)
            }
            (_, None) => continue,
        };
        map.insert(&key, value);
    }
    Ok(map)
}

fn print_decision(decision: &Decision, action: &str) {
    println!("decision: {:?}", decision.outcome);
    println!("deciding layer: {:?}", decision.layer);
    for statement in &decision.matched {
        println!(
            "matched: {} statement {}{} ({:?}, {:?})",
            statement.policy_id,
            statement.index,
            statement
                .sid
                .as_deref()
                .map(|sid| format!(" [{sid}]"))
                .unwrap_or_default(),
            statement.effect,
            statement.layer,
        );
    }
    for key in &decision.missing_keys {
        println!("missing key: {key}");
    }
    for reason in &decision.unevaluable {
        println!("unevaluable: {reason}");
    }
    println!("explanation: {}", decision.explain(action));
}

fn decision_json(decision: &Decision, action: &str) -> serde_json::Value {
    serde_json::json!({
        "decision": format!("{:?}", decision.outcome),
        "layer": format!("{:?}", decision.layer),
        "matched": decision.matched.iter().map(|s| serde_json::json!({
            "policy": &*s.policy_id,
            "sid": s.sid.as_deref(),
            "index": s.index,
            "effect": format!("{:?}", s.effect),
            "layer": format!("{:?}", s.layer),
        })).collect::<Vec<_>>(),
        "missing_keys": decision.missing_keys,
        "unevaluable": decision.unevaluable,
        "explanation": decision.explain(action),
        "aws_reason": decision.aws_reason(action),
    })
}
