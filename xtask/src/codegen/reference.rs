//! The per-operation facts that come from AWS's service authorization reference
//! (`<workspace>/../shared/aws-data/service-reference/`): IAM actions, access levels,
//! resource types with their ARN templates and condition keys — joined with the model's
//! `sensitive` traits into one table row per operation.
//!
//! Where the reference and CloudTrail disagree, or the reference does not list an
//! operation's action, the tables at the top of this file say so, each with its reason.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context as _, Result, anyhow};
use serde_json::Value;

use super::model::{Kind, Model};

/// Operations authorized by actions named differently from the operation.
const ACTIONS_BY_OPERATION: &[(&str, &str, &[&str])] = &[
    // One ReEncrypt call decrypts under one key and encrypts under another.
    ("kms", "ReEncrypt", &["ReEncryptFrom", "ReEncryptTo"]),
];

/// Operations CloudTrail records as `readOnly: true` although the reference classifies
/// their action as Write: KMS's cryptographic operations use a key without changing it
/// (`../shared/reference/kms-audit-mfa.md`, the Decrypt record). The data-key-pair
/// operations are left out: they are not reads, and their responses carry private keys.
const READ_ONLY_WRITES: &[(&str, &str)] = &[
    ("kms", "Decrypt"),
    ("kms", "Encrypt"),
    ("kms", "GenerateDataKey"),
    ("kms", "GenerateDataKeyWithoutPlaintext"),
    ("kms", "GenerateMac"),
    ("kms", "GenerateRandom"),
    ("kms", "ReEncrypt"),
    ("kms", "Sign"),
    ("kms", "Verify"),
    ("kms", "VerifyMac"),
];

/// Members Warden never records although the model does not mark their shapes sensitive:
/// the session token half of temporary credentials and one-time MFA codes (a code is a
/// credential for its 30 seconds). docs/COMPATIBILITY.md lists this difference.
const ALSO_SENSITIVE: &[&str] = &[
    "AuthenticationCode1",
    "AuthenticationCode2",
    "SessionToken",
    "TokenCode",
];

/// CloudTrail's resource type names that are not `AWS::<Service>::<PascalName>`.
const CLOUDTRAIL_TYPE_NAMES: &[(&str, &str)] = &[
    ("mfa", "VirtualMFADevice"),
    ("oidc-provider", "OIDCProvider"),
    ("organizationalunit", "OrganizationalUnit"),
    ("saml-provider", "SAMLProvider"),
    ("server-certificate", "ServerCertificate"),
];

/// One resource type of the reference.
#[derive(Debug, Clone)]
pub(crate) struct ResourceTypeRef {
    /// The reference's name, e.g. `instance-profile`.
    pub(crate) name: String,
    /// The ARN template.
    pub(crate) arn: String,
    /// `AWS::IAM::InstanceProfile`.
    pub(crate) cloudtrail_type: String,
}

/// The facts of one operation.
#[derive(Debug)]
pub(crate) struct OperationFacts {
    pub(crate) actions: Vec<String>,
    /// The `AccessLevel` variant name, when the reference lists the action.
    pub(crate) access_level: Option<&'static str>,
    pub(crate) read_only: bool,
    /// `(resource type name, required)`.
    pub(crate) resources: Vec<(String, bool)>,
    pub(crate) condition_keys: Vec<String>,
    pub(crate) sensitive_input: Vec<String>,
    pub(crate) sensitive_output: Vec<String>,
}

/// A service's part of the reference.
#[derive(Debug)]
pub(crate) struct Reference {
    prefix: String,
    actions: BTreeMap<String, Value>,
    /// Resource types by name, sorted.
    pub(crate) resource_types: BTreeMap<String, ResourceTypeRef>,
}

impl Reference {
    /// Reads the reference of the service whose action prefix is `prefix`.
    pub(crate) fn load(dir: &Path, prefix: &str) -> Result<Self> {
        let read = |kind: &str| -> Result<BTreeMap<String, Value>> {
            let path = dir.join(kind).join(format!("{prefix}.json"));
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
        };
        let actions = read("actions")?;
        let mut resource_types = BTreeMap::new();
        for (name, value) in read("resourceTypes")? {
            let arn = value
                .get("arn")
                .and_then(Value::as_str)
                .ok_or_else(|| anyhow!("{prefix}: resource type {name} has no ARN"))?
                .to_owned();
            let cloudtrail_type = cloudtrail_type(&name, &arn)?;
            resource_types.insert(
                name.clone(),
                ResourceTypeRef {
                    name,
                    arn,
                    cloudtrail_type,
                },
            );
        }
        Ok(Self {
            prefix: prefix.to_owned(),
            actions,
            resource_types,
        })
    }

    /// The facts of `operation` of `model`.
    pub(crate) fn facts(&self, model: &Model, operation: &str) -> Result<OperationFacts> {
        let names: Vec<&str> = ACTIONS_BY_OPERATION
            .iter()
            .find(|(service, op, _)| *service == model.service && *op == operation)
            .map_or_else(|| vec![operation], |(_, _, actions)| actions.to_vec());
        let listed: Vec<&Value> = names
            .iter()
            .filter_map(|name| self.actions.get(&name.to_ascii_lowercase()))
            .collect();
        let access_level = listed
            .first()
            .map(|action| access_level(action))
            .transpose()?;
        let mut resources = Vec::new();
        let mut condition_keys = BTreeSet::new();
        for action in &listed {
            for resource in action
                .get("resourceTypes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = resource
                    .get("name")
                    .and_then(Value::as_str)
                    .ok_or_else(|| anyhow!("{}: resource without name", self.prefix))?;
                if !self.resource_types.contains_key(name) {
                    return Err(anyhow!("{}: unknown resource type {name}", self.prefix));
                }
                let required = resource
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                if !resources.iter().any(|(known, _)| known == name) {
                    resources.push((name.to_owned(), required));
                }
            }
            for key in strings(action, "conditionKeys") {
                condition_keys.insert(key);
            }
        }
        let read_only = READ_ONLY_WRITES
            .iter()
            .any(|(service, op)| *service == model.service && *op == operation)
            || matches!(access_level, Some("Read" | "List"));
        let op = model
            .operations
            .iter()
            .find(|op| op.name == operation)
            .ok_or_else(|| anyhow!("{}: no operation {operation}", model.service))?;
        Ok(OperationFacts {
            actions: names
                .iter()
                .map(|name| format!("{}:{name}", self.prefix))
                .collect(),
            access_level,
            read_only,
            resources,
            condition_keys: condition_keys.into_iter().collect(),
            sensitive_input: sensitive_members(model, op.input.as_deref())?,
            sensitive_output: sensitive_members(model, op.output.as_deref())?,
        })
    }
}

/// The `AccessLevel` variant of an action (the first level it lists).
fn access_level(action: &Value) -> Result<&'static str> {
    let text = action
        .get("accessLevel")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match text.split(',').next().map(str::trim) {
        Some("List") => Ok("List"),
        Some("Read") => Ok("Read"),
        Some("Write") => Ok("Write"),
        Some("Permissions management") => Ok("PermissionsManagement"),
        Some("Tagging") => Ok("Tagging"),
        _ => Err(anyhow!("unknown access level {text:?}")),
    }
}

fn strings(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// `AWS::IAM::User` for the `user` type whose ARN is `arn:${Partition}:iam::…`.
fn cloudtrail_type(name: &str, arn: &str) -> Result<String> {
    let service = arn
        .split(':')
        .nth(2)
        .ok_or_else(|| anyhow!("resource type {name}: ARN {arn} has no service"))?;
    let service = match service {
        "iam" => "IAM",
        "sts" => "STS",
        "kms" => "KMS",
        "cloudtrail" => "CloudTrail",
        "organizations" => "Organizations",
        other => other,
    };
    let type_name = CLOUDTRAIL_TYPE_NAMES
        .iter()
        .find(|(reference, _)| *reference == name)
        .map_or_else(
            || {
                name.split('-')
                    .map(super::names::pascal)
                    .collect::<String>()
            },
            |(_, cloudtrail)| (*cloudtrail).to_owned(),
        );
    Ok(format!("AWS::{service}::{type_name}"))
}

/// Member names anywhere under `shape` whose shapes the model marks `sensitive` (directly,
/// or as the elements of a list or the values of a map), plus [`ALSO_SENSITIVE`] names
/// present there; sorted.
fn sensitive_members(model: &Model, shape: Option<&str>) -> Result<Vec<String>> {
    let mut found = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut pending: Vec<&str> = shape.into_iter().collect();
    while let Some(name) = pending.pop() {
        if !seen.insert(name) {
            continue;
        }
        match &model.shape(name)?.kind {
            Kind::Structure { members, .. } => {
                for member in members {
                    if holds_secret(model, &member.shape)?
                        || ALSO_SENSITIVE.contains(&member.name.as_str())
                    {
                        found.insert(member.name.clone());
                    }
                    pending.push(&member.shape);
                }
            }
            Kind::List { member, .. } => pending.push(member),
            Kind::Map { value, .. } => pending.push(value),
            _ => {}
        }
    }
    Ok(found.into_iter().collect())
}

fn holds_secret(model: &Model, shape: &str) -> Result<bool> {
    let target = model.shape(shape)?;
    Ok(target.sensitive
        || match &target.kind {
            Kind::List { member, .. } => model.shape(member)?.sensitive,
            Kind::Map { value, .. } => model.shape(value)?.sensitive,
            _ => false,
        })
}
