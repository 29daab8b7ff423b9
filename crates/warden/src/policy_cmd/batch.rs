//! `warden policy simulate --batch`: many questions, one process, one JSON answer per line.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, anyhow, bail};
use clap::ValueEnum as _;
use serde::Deserialize;
use serde_json::{Value, json};
use warden_policy::{ParseOptions, Severity, check_with};

use super::question::{CallerSpec, DEFAULT_PRINCIPAL, PolicyCache, Question, ResourcePolicyRole};
use super::{KindArg, output};

/// A path, or a list of paths.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Paths {
    One(PathBuf),
    Many(Vec<PathBuf>),
}

impl Paths {
    fn into_vec(self) -> Vec<PathBuf> {
        match self {
            Self::One(path) => vec![path],
            Self::Many(paths) => paths,
        }
    }
}

/// A condition key's value: one string, or a list for a multi-valued key.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Values {
    One(String),
    Many(Vec<String>),
}

/// One simulation line: the flags' long names, with the same values.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SimulateLine {
    /// Echoed from the raw line; declared so that `deny_unknown_fields` accepts it.
    #[serde(default, rename = "id")]
    _id: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    policy: Option<Paths>,
    #[serde(default)]
    boundary: Option<PathBuf>,
    #[serde(default)]
    session_policy: Option<Paths>,
    #[serde(default)]
    resource_policy: Option<PathBuf>,
    #[serde(default)]
    trust: bool,
    #[serde(default)]
    key_policy: Option<PathBuf>,
    #[serde(default)]
    scp: Vec<Paths>,
    #[serde(default)]
    rcp: Vec<Paths>,
    action: String,
    resource: String,
    #[serde(default)]
    context: BTreeMap<String, Values>,
    #[serde(default)]
    principal: Option<String>,
    #[serde(default)]
    role_arn: Option<String>,
    #[serde(default)]
    federating_user: Option<String>,
    #[serde(default)]
    principal_id: Option<String>,
    #[serde(default)]
    resource_account: Option<String>,
}

/// One validation line, as `warden policy check FILE --kind KIND [--managed]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckLine {
    /// Echoed from the raw line; declared so that `deny_unknown_fields` accepts it.
    #[serde(default, rename = "id")]
    _id: Option<serde::de::IgnoredAny>,
    check: PathBuf,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    managed: bool,
}

/// Reads `source` (a file, or `-` for stdin) and answers every line.
pub(crate) fn run(source: &Path) -> anyhow::Result<ExitCode> {
    let input: Box<dyn BufRead> = if source == Path::new("-") {
        Box::new(BufReader::new(std::io::stdin().lock()))
    } else {
        let file = std::fs::File::open(source)
            .with_context(|| format!("cannot read {}", source.display()))?;
        Box::new(BufReader::new(file))
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut cache = PolicyCache::default();
    let mut failed = false;
    for (index, line) in input.lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {}", source.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let number = index + 1;
        let answer = answer_line(&line, &mut cache);
        failed |= answer.get("error").is_some();
        let mut answer = answer;
        if let Some(object) = answer.as_object_mut() {
            object.insert("line".to_owned(), json!(number));
        }
        serde_json::to_writer(&mut out, &answer)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The JSON answer to one line (`{"error": …}` when it cannot be answered), with its `id`.
fn answer_line(line: &str, cache: &mut PolicyCache) -> Value {
    let parsed: Result<Value, _> = serde_json::from_str(line);
    let id = parsed
        .as_ref()
        .ok()
        .and_then(|value| value.get("id"))
        .cloned()
        .unwrap_or(Value::Null);
    let result = parsed
        .map_err(|error| anyhow!("not a JSON object: {error}"))
        .and_then(|value| {
            if value.get("check").is_some() {
                check(&serde_json::from_value(value)?)
            } else {
                simulate(serde_json::from_value(value)?, cache)
            }
        });
    let mut answer = result.unwrap_or_else(|error| json!({ "error": format!("{error:#}") }));
    if let Some(object) = answer.as_object_mut() {
        object.insert("id".to_owned(), id);
    }
    answer
}

fn simulate(line: SimulateLine, cache: &mut PolicyCache) -> anyhow::Result<Value> {
    let resource_policy = match (line.resource_policy, line.key_policy) {
        (Some(_), Some(_)) => bail!("resource_policy and key_policy exclude each other"),
        (Some(path), None) if line.trust => Some((path, ResourcePolicyRole::Trust)),
        (Some(path), None) => Some((path, ResourcePolicyRole::Ordinary)),
        (None, Some(path)) if !line.trust => Some((path, ResourcePolicyRole::Key)),
        (None, _) if line.trust => bail!("trust needs a resource_policy"),
        (None, _) => None,
    };
    let context = line
        .context
        .into_iter()
        .map(|(key, values)| match values {
            Values::One(value) => (key, vec![value]),
            Values::Many(values) => (key, values),
        })
        .collect();
    let question = Question {
        policies: line.policy.map(Paths::into_vec).unwrap_or_default(),
        boundary: line.boundary,
        session_policies: line.session_policy.map(Paths::into_vec).unwrap_or_default(),
        resource_policy,
        scps: line.scp.into_iter().map(Paths::into_vec).collect(),
        rcps: line.rcp.into_iter().map(Paths::into_vec).collect(),
        action: line.action,
        resource: line.resource,
        context,
        caller: CallerSpec {
            principal: line
                .principal
                .unwrap_or_else(|| DEFAULT_PRINCIPAL.to_owned()),
            role_arn: line.role_arn,
            federating_user: line.federating_user,
            principal_id: line.principal_id,
        },
        resource_account: line.resource_account,
    };
    Ok(output::json(&question.answer(cache)?))
}

fn check(line: &CheckLine) -> anyhow::Result<Value> {
    let kind = match &line.kind {
        None => KindArg::Identity,
        Some(name) => KindArg::from_str(name, true).map_err(|_| {
            anyhow!(
                "kind {name:?} is not one of identity, resource, trust, boundary, scp, rcp, session"
            )
        })?,
    };
    let text = super::read(&line.check)?;
    let options = ParseOptions {
        require_version_2012: line.managed,
        ..ParseOptions::default()
    };
    let findings = check_with(&text, kind.kind(), options);
    let valid = findings.iter().all(|f| f.severity != Severity::Error);
    Ok(json!({
        "check": line.check.display().to_string(),
        "valid": valid,
        "findings": findings.iter().map(|f| json!({
            "severity": match f.severity { Severity::Error => "error", Severity::Warning => "warning" },
            "message": f.message,
        })).collect::<Vec<_>>(),
    }))
}
