//! `warden policy simulate`: one question from flags, or many from JSON lines (`--batch`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use clap::Args;

use super::question::{
    CallerSpec, DEFAULT_PRINCIPAL, PolicyCache, Question, ResourcePolicyRole, context_pairs, level,
};
use super::{batch, output};

/// Options of `warden policy simulate`.
#[derive(Debug, Args)]
#[command(after_long_help = PRINCIPALS_HELP)]
pub(crate) struct SimulateArgs {
    /// Identity-based policies of the principal (repeatable; none is a valid question, e.g.
    /// about a resource policy alone).
    #[arg(long = "policy", value_name = "FILE")]
    policies: Vec<PathBuf>,
    /// The principal's permissions boundary.
    #[arg(long, value_name = "FILE")]
    boundary: Option<PathBuf>,
    /// Session policies of a role or federated session (repeatable).
    #[arg(long = "session-policy", value_name = "FILE")]
    session_policies: Vec<PathBuf>,
    /// The resource-based policy of the target resource (bucket, queue, …).
    #[arg(long, value_name = "FILE", conflicts_with = "key_policy")]
    resource_policy: Option<PathBuf>,
    /// Treat the resource policy as a role trust policy (it must allow, even same-account).
    #[arg(long, requires = "resource_policy")]
    trust: bool,
    /// The KMS key policy of the target key, with KMS's rule: it must allow the caller, or
    /// delegate to IAM through the account principal (arn:aws:iam::ACCOUNT:root or the
    /// account id) so that identity policies can allow; without it, identity policies that
    /// allow have no effect. Across accounts both sides must allow.
    #[arg(long, value_name = "FILE")]
    key_policy: Option<PathBuf>,
    /// SCPs of the caller's account, one level per flag from the root down; a level with
    /// several policies lists them separated by commas (repeatable).
    #[arg(long = "scp", value_name = "FILE[,FILE…]")]
    scps: Vec<String>,
    /// RCPs of the resource's account, one level per flag from the root down, like --scp
    /// (repeatable).
    #[arg(long = "rcp", value_name = "FILE[,FILE…]")]
    rcps: Vec<String>,
    /// The action, e.g. s3:GetObject.
    #[arg(long, required_unless_present = "batch")]
    action: Option<String>,
    /// The resource ARN (or *).
    #[arg(long, required_unless_present = "batch")]
    resource: Option<String>,
    /// Condition keys as key=value; repeat a key for a multi-valued key.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// The caller: a root, user, role, assumed-role or federated-user ARN, `anonymous`, or
    /// `service:NAME` (e.g. service:cloudtrail.amazonaws.com).
    #[arg(long, default_value = DEFAULT_PRINCIPAL)]
    principal: String,
    /// For an assumed-role session: its role's ARN, with the role's path (the session ARN
    /// has none). It is the session's aws:PrincipalArn.
    #[arg(long, value_name = "ARN")]
    role_arn: Option<String>,
    /// For a federated-user session: the IAM user who called GetFederationToken.
    #[arg(long, value_name = "ARN")]
    federating_user: Option<String>,
    /// The unique id of the user (AIDA…) or the session's role (AROA…): aws:userid (ROLEID:
    /// session for a role session) and a trust policy's stored principal.
    #[arg(long, value_name = "ID")]
    principal_id: Option<String>,
    /// The account owning the resource (defaults to the account in the resource's ARN; for an
    /// ARN without one, such as an S3 bucket's, the caller's).
    #[arg(long)]
    resource_account: Option<String>,
    /// Print the decision as JSON.
    #[arg(long)]
    json: bool,
    /// Answer many questions in one process: JSON lines from FILE (or - for stdin), one
    /// JSON decision per line on stdout (see the long help).
    #[arg(
        long,
        value_name = "FILE|-",
        conflicts_with_all = [
            "policies", "boundary", "session_policies", "resource_policy", "key_policy",
            "scps", "rcps", "action", "resource", "context", "role_arn", "federating_user",
            "principal_id", "resource_account",
        ]
    )]
    batch: Option<PathBuf>,
}

/// The long help's epilogue: the caller grammar and the batch format.
const PRINCIPALS_HELP: &str = "\
Callers (--principal):
  arn:aws:iam::ACCOUNT:root                     the account's root user
  arn:aws:iam::ACCOUNT:user/PATH/NAME           an IAM user (--principal-id AIDA… sets aws:userid)
  arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
                                                a role session; --role-arn gives the role's ARN
                                                with its path (aws:PrincipalArn), --principal-id
                                                the role's AROA… id (aws:userid = AROA…:SESSION)
  arn:aws:iam::ACCOUNT:role/PATH/NAME           a session of that role (name unknown)
  arn:aws:sts::ACCOUNT:federated-user/NAME      a GetFederationToken session (--federating-user)
  anonymous                                     an unauthenticated caller
  service:NAME                                  an AWS service principal, e.g.
                                                service:cloudtrail.amazonaws.com
The engine sets aws:PrincipalArn, aws:PrincipalAccount, aws:ResourceAccount; the simulator
sets aws:PrincipalType, aws:userid, aws:username, aws:PrincipalIsAWSService and
aws:PrincipalServiceName as AWS does for the caller; --context overrides any of them.
sts:GetCallerIdentity is Allowed for every authenticated caller, whatever the policies say.

Batch mode (--batch FILE|-): each non-empty input line is a JSON object whose fields are the
flags' long names with the same values: \"policy\", \"session_policy\" (a path or a list),
\"boundary\", \"resource_policy\", \"trust\", \"key_policy\", \"scp\" and \"rcp\" (lists of
levels, each a path or a list of paths), \"action\", \"resource\", \"context\" (an object: a
string, or a list for a multi-valued key), \"principal\", \"role_arn\", \"federating_user\",
\"principal_id\", \"resource_account\", plus an optional \"id\" echoed back. A line
{\"check\": FILE, \"kind\": \"identity\", \"managed\": false} validates a document as
`warden policy check` does. Relative paths are taken from the current directory; each file
is read and parsed once per kind. Every input line gets one output line, in order:
{\"line\": N, \"id\": …} with the --json decision, or with \"error\" for a line that could not
be answered (the batch goes on; the exit status is then 1).";

/// Runs `warden policy simulate`.
pub(crate) fn run(args: &SimulateArgs) -> anyhow::Result<ExitCode> {
    if let Some(source) = &args.batch {
        return batch::run(source);
    }
    let question = args.question()?;
    let answer = question.answer(&mut PolicyCache::default())?;
    if args.json {
        println!("{}", output::json(&answer));
    } else {
        output::print_text(&answer);
    }
    Ok(ExitCode::SUCCESS)
}

impl SimulateArgs {
    fn question(&self) -> anyhow::Result<Question> {
        let (Some(action), Some(resource)) = (&self.action, &self.resource) else {
            bail!("--action and --resource are required");
        };
        let resource_policy = match (&self.resource_policy, &self.key_policy) {
            (Some(path), _) if self.trust => Some((path.clone(), ResourcePolicyRole::Trust)),
            (Some(path), _) => Some((path.clone(), ResourcePolicyRole::Ordinary)),
            (None, Some(path)) => Some((path.clone(), ResourcePolicyRole::Key)),
            (None, None) => None,
        };
        Ok(Question {
            policies: self.policies.clone(),
            boundary: self.boundary.clone(),
            session_policies: self.session_policies.clone(),
            resource_policy,
            scps: self
                .scps
                .iter()
                .map(|l| level(l))
                .collect::<Result<_, _>>()?,
            rcps: self
                .rcps
                .iter()
                .map(|l| level(l))
                .collect::<Result<_, _>>()?,
            action: action.clone(),
            resource: resource.clone(),
            context: context_pairs(&self.context)?,
            caller: CallerSpec {
                principal: self.principal.clone(),
                role_arn: self.role_arn.clone(),
                federating_user: self.federating_user.clone(),
                principal_id: self.principal_id.clone(),
            },
            resource_account: self.resource_account.clone(),
        })
    }
}
