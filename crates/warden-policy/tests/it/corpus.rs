//! Runs every case in `tests/cases/*.json` against the engine and reports all failures at once.
//!
//! Each case either evaluates a request against a policy set (`policies` + `request` + `expect`)
//! or validates one document (`validate` + `expect_error`). The format is documented in the
//! case files themselves; every case names the AWS documentation rule it checks.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use warden_policy::{
    ContextMap, ContextValue, Outcome, ParseOptions, Policy, PolicyKind, PolicySet, Principal,
    PrincipalKind, RequestContext, ResourcePolicyKind, decide,
};

const MINIMUM_CASES: usize = 300;

#[derive(Deserialize)]
struct CaseFile {
    topic: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    rule: String,
    #[serde(default)]
    policies: Option<Policies>,
    #[serde(default)]
    request: Option<Request>,
    #[serde(default)]
    expect: Option<String>,
    #[serde(default)]
    validate: Option<Validate>,
    #[serde(default)]
    expect_error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Policies {
    #[serde(default)]
    identity: Vec<Value>,
    #[serde(default)]
    boundary: Option<Value>,
    #[serde(default)]
    session: Vec<Value>,
    #[serde(default)]
    resource: Option<Value>,
    #[serde(default)]
    resource_kind: Option<String>,
    #[serde(default)]
    scp: Vec<Vec<Value>>,
    #[serde(default)]
    rcp: Vec<Vec<Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    principal: RequestPrincipal,
    action: String,
    resource: String,
    #[serde(default)]
    resource_account: Option<String>,
    #[serde(default)]
    context: BTreeMap<String, Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestPrincipal {
    arn: String,
    account: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    role_arn: Option<String>,
    #[serde(default)]
    federating_user_arn: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Validate {
    kind: String,
    document: String,
}

#[test]
fn every_case_in_the_corpus_passes() {
    let files = case_files();
    let mut total = 0;
    let mut failures = Vec::new();
    for path in &files {
        let file_name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let text = std::fs::read_to_string(path).expect("read case file");
        let file: CaseFile = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{file_name}: not a valid case file: {e}"));
        assert!(!file.topic.is_empty(), "{file_name}: empty topic");
        for case in &file.cases {
            total += 1;
            assert!(
                !case.rule.trim().is_empty(),
                "{file_name} :: {}: no rule",
                case.name
            );
            if let Err(why) = run_case(case) {
                failures.push(format!("{file_name} :: {} — {why}", case.name));
            }
        }
    }
    assert!(
        total >= MINIMUM_CASES,
        "the corpus has {total} cases, fewer than {MINIMUM_CASES}"
    );
    assert!(
        failures.is_empty(),
        "{} of {total} corpus cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[expect(
    clippy::expect_used,
    reason = "a missing or unreadable tests/cases directory must fail the test"
)]
fn case_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/cases exists")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no case files in {}", dir.display());
    files
}

fn run_case(case: &Case) -> Result<(), String> {
    match (&case.validate, &case.request) {
        (Some(validate), None) => run_validation(validate, case.expect_error.as_deref()),
        (None, Some(request)) => {
            let expect = case
                .expect
                .as_deref()
                .ok_or("evaluation case without `expect`")?;
            let none = Policies::default();
            run_evaluation(case.policies.as_ref().unwrap_or(&none), request, expect)
        }
        _ => Err("a case needs exactly one of `validate` or `request`".to_owned()),
    }
}

fn run_validation(validate: &Validate, expect_error: Option<&str>) -> Result<(), String> {
    let kind = policy_kind(&validate.kind)?;
    // Identity and boundary validation cases model CreatePolicy (managed policies), where AWS
    // also requires "Version": "2012-10-17".
    let options = ParseOptions {
        require_version_2012: matches!(kind, PolicyKind::Identity | PolicyKind::Boundary),
        ..ParseOptions::default()
    };
    let parsed = Policy::parse_with("validate", &validate.document, kind, options);
    match (parsed, expect_error) {
        (Ok(_), None) => Ok(()),
        (Err(e), Some(want)) if e.to_string() == want => Ok(()),
        (Ok(_), Some(want)) => Err(format!(
            "expected error {want:?}, but the document was accepted"
        )),
        (Err(e), None) => Err(format!(
            "expected the document to be accepted, got error {:?}",
            e.to_string()
        )),
        (Err(e), Some(want)) => Err(format!("expected error {want:?}, got {:?}", e.to_string())),
    }
}

fn policy_kind(name: &str) -> Result<PolicyKind, String> {
    Ok(match name {
        "identity" => PolicyKind::Identity,
        "resource" => PolicyKind::Resource,
        "trust" => PolicyKind::Trust,
        "boundary" => PolicyKind::Boundary,
        "scp" => PolicyKind::Scp,
        "rcp" => PolicyKind::Rcp,
        "session" => PolicyKind::Session,
        other => return Err(format!("unknown policy kind {other:?}")),
    })
}

/// The parsed policies of one case, owned so that [`PolicySet`] can borrow them.
struct ParsedPolicies {
    identity: Vec<Policy>,
    boundary: Option<Policy>,
    session: Vec<Policy>,
    resource: Option<(Policy, ResourcePolicyKind)>,
    scp: Vec<Vec<Policy>>,
    rcp: Vec<Vec<Policy>>,
}

impl ParsedPolicies {
    fn set(&self) -> PolicySet<'_> {
        PolicySet {
            identity: self.identity.iter().collect(),
            boundary: self.boundary.as_ref(),
            session: self.session.iter().collect(),
            resource: self.resource.as_ref().map(|(p, k)| (p, *k)),
            scp: self
                .scp
                .iter()
                .map(|level| level.iter().collect())
                .collect(),
            rcp: self
                .rcp
                .iter()
                .map(|level| level.iter().collect())
                .collect(),
        }
    }
}

fn parse_policies(p: &Policies) -> Result<ParsedPolicies, String> {
    let parse = |what: String, doc: &Value, kind: PolicyKind| -> Result<Policy, String> {
        let json = serde_json::to_string(doc).map_err(|e| e.to_string())?;
        Policy::parse(&what, &json, kind).map_err(|e| format!("{what} does not parse: {e}"))
    };
    let identity = p
        .identity
        .iter()
        .enumerate()
        .map(|(i, d)| parse(format!("identity[{i}]"), d, PolicyKind::Identity))
        .collect::<Result<_, _>>()?;
    let boundary = p
        .boundary
        .as_ref()
        .map(|d| parse("boundary".to_owned(), d, PolicyKind::Boundary))
        .transpose()?;
    let session = p
        .session
        .iter()
        .enumerate()
        .map(|(i, d)| parse(format!("session[{i}]"), d, PolicyKind::Session))
        .collect::<Result<_, _>>()?;
    let resource = match (&p.resource, p.resource_kind.as_deref()) {
        (None, _) => None,
        (Some(d), None | Some("ordinary")) => Some((
            parse("resource".to_owned(), d, PolicyKind::Resource)?,
            ResourcePolicyKind::Ordinary,
        )),
        (Some(d), Some("must_allow")) => Some((
            parse("resource".to_owned(), d, PolicyKind::Trust)?,
            ResourcePolicyKind::MustAllow,
        )),
        (Some(d), Some("key")) => Some((
            parse("resource".to_owned(), d, PolicyKind::Resource)?,
            ResourcePolicyKind::KMS_KEY,
        )),
        (Some(_), Some(other)) => return Err(format!("unknown resource_kind {other:?}")),
    };
    let levels =
        |name: &str, levels: &[Vec<Value>], kind: PolicyKind| -> Result<Vec<Vec<Policy>>, String> {
            levels
                .iter()
                .enumerate()
                .map(|(l, level)| {
                    level
                        .iter()
                        .enumerate()
                        .map(|(i, d)| parse(format!("{name}[{l}][{i}]"), d, kind))
                        .collect::<Result<Vec<_>, _>>()
                })
                .collect()
        };
    Ok(ParsedPolicies {
        identity,
        boundary,
        session,
        resource,
        scp: levels("scp", &p.scp, PolicyKind::Scp)?,
        rcp: levels("rcp", &p.rcp, PolicyKind::Rcp)?,
    })
}

fn request_context(request: &Request) -> Result<RequestContext, String> {
    let p = &request.principal;
    let kind = match p.kind.as_str() {
        "Root" => PrincipalKind::Root,
        "User" => PrincipalKind::User,
        "AssumedRole" => PrincipalKind::AssumedRole,
        "FederatedUser" => PrincipalKind::FederatedUser,
        "Service" => PrincipalKind::Service,
        "Anonymous" => PrincipalKind::Anonymous,
        other => return Err(format!("unknown principal type {other:?}")),
    };
    let mut context = ContextMap::new();
    for (key, value) in &request.context {
        let value = match value {
            Value::String(s) => ContextValue::Single(s.clone()),
            Value::Array(items) => ContextValue::Multi(
                items
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| format!("context {key}: non-string item"))
                    })
                    .collect::<Result<_, _>>()?,
            ),
            other => return Err(format!("context {key}: unsupported value {other}")),
        };
        context.insert(key, value);
    }
    Ok(RequestContext {
        principal: Principal {
            arn: p.arn.clone(),
            account: p.account.clone(),
            kind,
            role_arn: p.role_arn.clone(),
            federating_user_arn: p.federating_user_arn.clone(),
            unique_id: None,
        },
        action: request.action.clone(),
        resource: request.resource.clone(),
        resource_account: request.resource_account.clone(),
        context,
    })
}

fn run_evaluation(policies: &Policies, request: &Request, expect: &str) -> Result<(), String> {
    let parsed = parse_policies(policies)?;
    let context = request_context(request)?;
    let decision = decide(&context, &parsed.set());
    let got = match decision.outcome {
        Outcome::Allowed => "Allowed",
        Outcome::ExplicitDeny => "ExplicitDeny",
        Outcome::ImplicitDeny => "ImplicitDeny",
    };
    if got == expect {
        return Ok(());
    }
    let mut why = format!("expected {expect}, got {got}");
    let _ = write!(why, " ({})", decision.explain(&request.action));
    Err(why)
}
