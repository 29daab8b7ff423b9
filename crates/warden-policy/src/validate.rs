//! Validation with AWS's exact `MalformedPolicyDocument` messages.
//!
//! IAM checks a document in stages and reports only the first failure, so the stage order below
//! decides which message a broken document gets:
//! 1. JSON and grammar shape → "Syntax errors in policy." (trust policies: invalid JSON gives
//!    "This policy contains invalid Json"),
//! 2. version (managed policies only),
//! 3. policy-kind rules (principal required/forbidden, prohibited fields),
//! 4. "legacy parsing": case-sensitive `Effect`, date condition values, ARN shape,
//! 5. unique SIDs, 6. statements have actions, 7. resource-format errors found in 4,
//! 8. action vendor prefixes, 9. statements have resources (kinds that need them),
//! 10. kind-specific value checks (trust actions, principal values).

use crate::PolicyKind;
use crate::datetime;
use crate::json::{self, Json, JsonError};

/// Options for validation that depend on where a document is stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Managed policies (CreatePolicy, CreatePolicyVersion) must say `"Version": "2012-10-17"`.
    pub require_version_2012: bool,
    /// The document is AWS's own (an AWS managed policy): the resource-ARN shape rules AWS
    /// applies to its customers' documents are not applied (some AWS managed policies break
    /// them), everything the engine needs to evaluate a statement still is.
    pub authored_by_aws: bool,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// AWS rejects the document with this message.
    Error,
    /// Accepted by AWS, but probably not what the author meant.
    Warning,
}

/// One result of [`check`](crate::check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// For errors, the exact AWS `MalformedPolicyDocument` message.
    pub message: String,
}

pub(crate) const SYNTAX: &str = "Syntax errors in policy.";
const INVALID_JSON: &str = "This policy contains invalid Json";
const VERSION: &str = "Policy document must be version 2012-10-17 or greater.";
const LEGACY: &str = "The policy failed legacy parsing";
const SID_UNIQUE: &str = "Statement IDs (SID) in a single policy must be unique.";
const SID_ALNUM: &str = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*";
const NO_ACTIONS: &str = "Policy statement must contain actions.";
const NO_RESOURCES: &str = "Policy statement must contain resources.";
const NO_VENDOR: &str =
    "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
const ONE_COLON: &str = "Actions/Condition can contain only one colon.";
const NO_PRINCIPAL_ALLOWED: &str = "Policy document should not specify a principal.";
const PRINCIPAL_REQUIRED: &str = "Missing required field Principal";
const TRUST_ACTIONS: &str = "AssumeRole policy may only specify STS AssumeRole actions.";

const PARTITIONS: [&str; 9] = [
    "*",
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

const IAM_RESOURCE_STARTS: [&str; 13] = [
    "user/",
    "federated-user/",
    "role/",
    "group/",
    "instance-profile/",
    "mfa/",
    "server-certificate/",
    "policy/",
    "sms-mfa/",
    "saml-provider/",
    "oidc-provider/",
    "report/",
    "access-report/",
];

/// Operators known to IAM, without `ForAnyValue:`/`ForAllValues:` and `IfExists`.
pub(crate) const OPERATORS: [&str; 27] = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

/// Actions a trust policy may name.
const TRUST_ACTION_NAMES: [&str; 6] = [
    "sts:assumerole",
    "sts:assumerolewithsaml",
    "sts:assumerolewithwebidentity",
    "sts:tagsession",
    "sts:setsourceidentity",
    "sts:setcontext",
];

/// Parses and validates; returns the JSON tree or the first AWS error message.
pub(crate) fn validate(
    text: &str,
    kind: PolicyKind,
    options: ParseOptions,
) -> Result<Json, String> {
    let root = match json::parse(text) {
        Ok(root) => root,
        Err(JsonError::Syntax) if kind == PolicyKind::Trust => return Err(INVALID_JSON.into()),
        Err(JsonError::Syntax | JsonError::DuplicateKey) => return Err(SYNTAX.into()),
    };
    let statements = syntax(&root).ok_or_else(|| SYNTAX.to_owned())?;
    if options.require_version_2012
        && field(&root, "Version").and_then(Json::as_str) != Some("2012-10-17")
    {
        return Err(VERSION.into());
    }
    kind_rules(&statements, kind)?;
    let resource_error = legacy_parsing(&statements)?;
    unique_sids(&statements, kind)?;
    if !statements
        .iter()
        .all(|s| has_nonempty(s, "Action") || has_nonempty(s, "NotAction"))
    {
        return Err(NO_ACTIONS.into());
    }
    if let Some(message) = resource_error.filter(|_| !options.authored_by_aws) {
        return Err(message);
    }
    for key in ["Action", "NotAction"] {
        for statement in &statements {
            for action in strings(field(statement, key)) {
                action_prefix(action)?;
            }
        }
    }
    if kind.requires_resource()
        && !statements
            .iter()
            .all(|s| has_nonempty(s, "Resource") || has_nonempty(s, "NotResource"))
    {
        return Err(NO_RESOURCES.into());
    }
    kind_values(&statements, kind)?;
    Ok(root)
}

/// Warnings for a document that validates.
pub(crate) fn warnings(root: &Json, kind: PolicyKind) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut warn = |message: String| {
        findings.push(Finding {
            severity: Severity::Warning,
            message,
        })
    };
    for statement in statement_list(root) {
        let effect = field(statement, "Effect").and_then(Json::as_str);
        if effect == Some("Allow") && field(statement, "NotPrincipal").is_some() {
            warn("NotPrincipal with Allow is rejected by most resource-policy types.".into());
        }
        if let Some(Json::Object(blocks)) = field(statement, "Condition") {
            for (operator, body) in blocks {
                if operator.starts_with("ForAllValues:") && effect == Some("Allow") {
                    warn(format!(
                        "{operator} with Allow is true when the key is missing or empty; pair it with Null or ForAnyValue."
                    ));
                }
                let base = strip_operator(operator);
                if !OPERATORS.contains(&base) {
                    warn(format!(
                        "Condition operator {operator} is unknown; its empty block is ignored."
                    ));
                }
                let Json::Object(entries) = body else {
                    continue;
                };
                for (key, values) in entries {
                    for value in condition_values(values) {
                        if !crate::condition::value_parses(base, value) {
                            warn(format!(
                                "Condition value {value:?} for {key} cannot be read by {base}; the statement can never allow."
                            ));
                        }
                    }
                }
            }
        }
    }
    if kind == PolicyKind::Identity && field(root, "Version").is_none() {
        warn("No Version: policy variables are not substituted.".into());
    }
    findings
}

/// Stage 1. Returns the statements, or `None` for a syntax error.
fn syntax(root: &Json) -> Option<Vec<&Json>> {
    let Json::Object(entries) = root else {
        return None;
    };
    for (key, value) in entries {
        match key.as_str() {
            "Version" => {
                if !matches!(value.as_str(), Some("2012-10-17" | "2008-10-17")) {
                    return None;
                }
            }
            "Id" => {
                value.as_str()?;
            }
            "Statement" => {}
            _ => return None,
        }
    }
    let statements = statement_list(root);
    if field(root, "Statement").is_none() || statements.is_empty() {
        return None;
    }
    statements
        .iter()
        .all(|s| statement_syntax(s))
        .then_some(statements)
}

fn statement_list(root: &Json) -> Vec<&Json> {
    match field(root, "Statement") {
        Some(Json::Array(items)) => items.iter().collect(),
        Some(single @ Json::Object(_)) => vec![single],
        _ => Vec::new(),
    }
}

fn statement_syntax(statement: &Json) -> bool {
    let Json::Object(entries) = statement else {
        return false;
    };
    const KEYS: [&str; 9] = [
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    ];
    if !entries.iter().all(|(k, _)| KEYS.contains(&k.as_str())) {
        return false;
    }
    let has = |k: &str| field(statement, k).is_some();
    if (has("Resource") && has("NotResource"))
        || (has("Action") && has("NotAction"))
        || (has("Principal") && has("NotPrincipal"))
    {
        return false;
    }
    let effect_ok = field(statement, "Effect")
        .and_then(Json::as_str)
        .is_some_and(|e| e.eq_ignore_ascii_case("allow") || e.eq_ignore_ascii_case("deny"));
    let lists_ok = ["Action", "NotAction", "Resource", "NotResource"]
        .iter()
        .all(|k| field(statement, k).is_none_or(is_string_or_string_list));
    let sid_ok = field(statement, "Sid").is_none_or(|s| s.as_str().is_some());
    let principal_ok = ["Principal", "NotPrincipal"]
        .iter()
        .all(|k| field(statement, k).is_none_or(principal_syntax));
    let condition_ok = field(statement, "Condition").is_none_or(condition_syntax);
    effect_ok && lists_ok && sid_ok && principal_ok && condition_ok
}

fn is_string_or_string_list(value: &Json) -> bool {
    match value {
        Json::String(_) => true,
        Json::Array(items) => items.iter().all(|i| i.as_str().is_some()),
        _ => false,
    }
}

fn principal_syntax(value: &Json) -> bool {
    match value {
        Json::String(s) => s == "*",
        Json::Object(entries) => entries.iter().all(|(k, v)| {
            crate::document::PrincipalType::from_key(k).is_some()
                && is_string_or_string_list(v)
                && !matches!(v, Json::Array(items) if items.is_empty())
        }),
        _ => false,
    }
}

fn condition_syntax(value: &Json) -> bool {
    let Json::Object(blocks) = value else {
        return false;
    };
    blocks.iter().all(|(operator, body)| {
        let Json::Object(entries) = body else {
            return false;
        };
        let values_ok = entries.iter().all(|(_, v)| match v {
            Json::Array(items) => items
                .iter()
                .all(|i| crate::document::scalar_text(i).is_some()),
            single => crate::document::scalar_text(single).is_some(),
        });
        values_ok && (OPERATORS.contains(&strip_operator(operator)) || entries.is_empty())
    })
}

/// Removes one `ForAnyValue:`/`ForAllValues:` prefix and one `IfExists` suffix.
pub(crate) fn strip_operator(operator: &str) -> &str {
    let operator = operator
        .strip_prefix("ForAnyValue:")
        .or_else(|| operator.strip_prefix("ForAllValues:"))
        .unwrap_or(operator);
    operator.strip_suffix("IfExists").unwrap_or(operator)
}

/// Stage 3: elements required or forbidden by the kind of policy.
fn kind_rules(statements: &[&Json], kind: PolicyKind) -> Result<(), String> {
    for statement in statements {
        let principal = field(statement, "Principal");
        let not_principal = field(statement, "NotPrincipal");
        match kind {
            PolicyKind::Identity | PolicyKind::Boundary | PolicyKind::Session | PolicyKind::Scp => {
                if principal.is_some() || not_principal.is_some() {
                    return Err(NO_PRINCIPAL_ALLOWED.into());
                }
            }
            PolicyKind::Resource => {
                if principal.is_none() && not_principal.is_none() {
                    return Err(PRINCIPAL_REQUIRED.into());
                }
            }
            PolicyKind::Trust => {
                if not_principal.is_some() {
                    return Err("Has prohibited field NotPrincipal".into());
                }
                if principal.is_none() {
                    return Err(PRINCIPAL_REQUIRED.into());
                }
                for prohibited in ["Resource", "NotResource"] {
                    if field(statement, prohibited).is_some() {
                        return Err(format!("Has prohibited field {prohibited}"));
                    }
                }
            }
            PolicyKind::Rcp => {
                let any = match principal {
                    Some(Json::String(s)) => s == "*",
                    Some(Json::Object(entries)) => match entries.as_slice() {
                        [(key, values)] if key == "AWS" => {
                            let mut values = strings(Some(values)).peekable();
                            values.peek().is_some() && values.all(|v| v == "*")
                        }
                        _ => false,
                    },
                    _ => false,
                };
                if !any || not_principal.is_some() || field(statement, "NotAction").is_some() {
                    return Err(SYNTAX.into());
                }
            }
        }
    }
    Ok(())
}

/// Stage 4. Returns the resource-format error to report later, if any.
fn legacy_parsing(statements: &[&Json]) -> Result<Option<String>, String> {
    for statement in statements {
        if !matches!(
            field(statement, "Effect").and_then(Json::as_str),
            Some("Allow" | "Deny")
        ) {
            return Err(LEGACY.into());
        }
        if let Some(Json::Object(blocks)) = field(statement, "Condition") {
            for (operator, body) in blocks {
                if !strip_operator(operator).starts_with("Date") {
                    continue;
                }
                let Json::Object(entries) = body else {
                    continue;
                };
                for (_, values) in entries {
                    if !condition_values(values).all(datetime::legacy_date_is_valid) {
                        return Err(LEGACY.into());
                    }
                }
            }
        }
    }
    let mut resource_error: Option<String> = None;
    for key in ["Resource", "NotResource"] {
        for statement in statements {
            let Some(value) = field(statement, key) else {
                continue;
            };
            let mut resources: Vec<&str> = strings(Some(value)).collect();
            if matches!(value, Json::Array(_)) {
                resources.sort_unstable_by(|a, b| b.cmp(a));
            }
            for resource in &resources {
                if let Some(message) = resource_format_error(resource) {
                    resource_error = Some(message);
                }
            }
            if resource_error.is_none() && !resources.iter().all(|r| legacy_resource_is_valid(r)) {
                return Err(LEGACY.into());
            }
        }
    }
    Ok(resource_error)
}

fn legacy_resource_is_valid(resource: &str) -> bool {
    if resource == "*" {
        return true;
    }
    let colons = resource.matches(':').count();
    (colons >= 5 || !resource.contains("::"))
        && resource.split(':').nth(2).is_some_and(|s| !s.is_empty())
}

/// The message for a resource that is not a usable ARN, if it is not.
fn resource_format_error(resource: &str) -> Option<String> {
    if resource == "*" {
        return None;
    }
    let Some((_, rest)) = resource.split_once(':') else {
        return Some(format!(
            "Resource {resource} must be in ARN format or \"*\"."
        ));
    };
    let (partition, rest) = match rest.split_once(':') {
        Some((p, r)) => (p, Some(r)),
        None => (rest, None),
    };
    if !PARTITIONS.contains(&partition) {
        let rest = rest.unwrap_or("");
        let parts: Vec<&str> = rest.split(':').collect();
        let part = |i: usize| parts.get(i).copied().unwrap_or("*");
        let first = if rest.is_empty() { "*" } else { part(0) };
        let tail = if parts.len() > 3 {
            parts.get(3..).map_or_else(String::new, |p| p.join(":"))
        } else {
            "*".into()
        };
        return Some(format!(
            "Partition \"{partition}\" is not valid for resource \"arn:{partition}:{first}:{}:{}:{tail}\".",
            part(1),
            part(2)
        ));
    }
    let Some(rest) = rest else {
        return Some("Resource vendor must be fully qualified and cannot contain regexes.".into());
    };
    let (service, after_service) = rest.split_once(':').unwrap_or((rest, ""));
    let has_region = !after_service.starts_with(':');
    let resource_part = after_service.splitn(3, ':').nth(2).unwrap_or("");
    match service {
        "iam" if has_region => {
            return Some(format!(
                "IAM resource {resource} cannot contain region information."
            ));
        }
        "s3" if has_region && !resource_part.starts_with("accesspoint/") => {
            return Some(format!(
                "Resource {resource} can not contain region information."
            ));
        }
        _ => {}
    }
    if service == "iam"
        && resource_part != "*"
        && resource_part != "root"
        && !IAM_RESOURCE_STARTS
            .iter()
            .any(|start| resource_part.starts_with(start))
    {
        return Some(format!(
            "IAM resource path must either be \"*\" or start with {}.",
            IAM_RESOURCE_STARTS.join(", ")
        ));
    }
    None
}

fn unique_sids(statements: &[&Json], kind: PolicyKind) -> Result<(), String> {
    let mut seen: Vec<&str> = Vec::new();
    for statement in statements {
        let Some(sid) = field(statement, "Sid").and_then(Json::as_str) else {
            continue;
        };
        if sid.is_empty() {
            continue;
        }
        if seen.contains(&sid) {
            return Err(SID_UNIQUE.into());
        }
        seen.push(sid);
    }
    if kind.is_iam_identity_kind()
        && seen
            .iter()
            .any(|sid| !sid.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return Err(SID_ALNUM.into());
    }
    Ok(())
}

fn action_prefix(action: &str) -> Result<(), String> {
    let mut parts = action.split(':');
    let vendor = parts.next().unwrap_or("");
    let count = 1 + parts.count();
    if count == 1 && vendor != "*" {
        return Err(NO_VENDOR.into());
    }
    if count > 2 {
        return Err(ONE_COLON.into());
    }
    if vendor != "*"
        && !vendor
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return Err(format!("Vendor {vendor} is not valid"));
    }
    Ok(())
}

/// Stage 10: values whose meaning depends on the kind.
fn kind_values(statements: &[&Json], kind: PolicyKind) -> Result<(), String> {
    for statement in statements {
        if kind == PolicyKind::Trust {
            for action in strings(field(statement, "Action")) {
                let pattern = crate::glob::Glob::action(action);
                if !TRUST_ACTION_NAMES
                    .iter()
                    .any(|name| pattern.matches_lowercase(name))
                {
                    return Err(TRUST_ACTIONS.into());
                }
            }
        }
        for key in ["Principal", "NotPrincipal"] {
            let Some(Json::Object(entries)) = field(statement, key) else {
                continue;
            };
            for (principal_type, values) in entries {
                for value in strings(Some(values)) {
                    if !principal_value_is_valid(principal_type, value) {
                        return Err(format!(
                            "Invalid principal in policy: \"{principal_type}\":\"{value}\""
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

fn principal_value_is_valid(principal_type: &str, value: &str) -> bool {
    if value.is_empty() {
        return false;
    }
    if principal_type != "AWS" || value == "*" {
        return true;
    }
    let is_account = value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit());
    let is_arn = value.starts_with("arn:") && value.split(':').count() >= 6 && !value.contains('*');
    let is_unique_id = value.len() >= 16
        && value.starts_with('A')
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    is_account || is_arn || is_unique_id
}

fn has_nonempty(statement: &Json, key: &str) -> bool {
    match field(statement, key) {
        Some(Json::Array(items)) => !items.is_empty(),
        Some(_) => true,
        None => false,
    }
}

pub(crate) fn field<'a>(object: &'a Json, key: &str) -> Option<&'a Json> {
    match object {
        Json::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

fn strings(value: Option<&Json>) -> impl Iterator<Item = &str> {
    let items: &[Json] = match value {
        Some(Json::Array(items)) => items,
        Some(single @ Json::String(_)) => std::slice::from_ref(single),
        _ => &[],
    };
    items.iter().filter_map(Json::as_str)
}

/// Condition values as text: strings, numbers as written, booleans as `true`/`false` (the
/// way they are printed back, so that validation gives the same answer after a round trip).
fn condition_values(value: &Json) -> impl Iterator<Item = &str> {
    let items: &[Json] = match value {
        Json::Array(items) => items,
        single => std::slice::from_ref(single),
    };
    items.iter().filter_map(|item| match item {
        Json::String(text) | Json::Number(text) => Some(text.as_str()),
        Json::Bool(true) => Some("true"),
        Json::Bool(false) => Some("false"),
        _ => None,
    })
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
