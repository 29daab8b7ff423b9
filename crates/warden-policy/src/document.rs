//! The policy-document grammar as a typed tree, read from (validated) JSON and printed back
//! canonically.
//!
//! Single values and one-element lists are the same thing to AWS, so the tree always holds
//! lists; printing always writes lists. `Statement` is always an array when printed.

use crate::json::{self, Json};

/// The `Version` element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `2008-10-17`: policy variables are not substituted.
    V2008_10_17,
    /// `2012-10-17`: the current language version.
    V2012_10_17,
}

impl Version {
    /// The literal text of the version.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V2008_10_17 => "2008-10-17",
            Self::V2012_10_17 => "2012-10-17",
        }
    }
}

/// The `Effect` of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Grants when matched.
    Allow,
    /// Denies when matched; wins over every allow.
    Deny,
}

/// A whole policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    /// `Version`, if present.
    pub version: Option<Version>,
    /// `Id`, if present.
    pub id: Option<String>,
    /// The statements in document order.
    pub statements: Vec<Statement>,
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// `Sid`, if present.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal` or `NotPrincipal`, if present.
    pub principal: Option<PrincipalClause>,
    /// `Action` or `NotAction`.
    pub action: ActionClause,
    /// `Resource` or `NotResource`, if present.
    pub resource: Option<ResourceClause>,
    /// `Condition` blocks in document order.
    pub conditions: Vec<ConditionBlock>,
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq)]
pub enum PrincipalClause {
    /// `Principal`.
    Principal(PrincipalSet),
    /// `NotPrincipal`.
    NotPrincipal(PrincipalSet),
}

/// The value of a principal element.
#[derive(Debug, Clone, PartialEq)]
pub enum PrincipalSet {
    /// `"*"`.
    Any,
    /// `{ "AWS": [...], "Service": [...], ... }` in document order.
    Map(Vec<(PrincipalType, Vec<String>)>),
}

/// The keys of a principal map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalType {
    /// `AWS`: accounts, users, roles, sessions.
    Aws,
    /// `CanonicalUser` (S3).
    CanonicalUser,
    /// `Federated`: identity providers.
    Federated,
    /// `Service`: service principals.
    Service,
}

impl PrincipalType {
    /// The JSON key.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aws => "AWS",
            Self::CanonicalUser => "CanonicalUser",
            Self::Federated => "Federated",
            Self::Service => "Service",
        }
    }

    pub(crate) fn from_key(key: &str) -> Option<Self> {
        match key {
            "AWS" => Some(Self::Aws),
            "CanonicalUser" => Some(Self::CanonicalUser),
            "Federated" => Some(Self::Federated),
            "Service" => Some(Self::Service),
            _ => None,
        }
    }
}

/// `Action` or `NotAction`.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionClause {
    /// `Action`.
    Action(Vec<String>),
    /// `NotAction`.
    NotAction(Vec<String>),
}

/// `Resource` or `NotResource`.
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceClause {
    /// `Resource`.
    Resource(Vec<String>),
    /// `NotResource`.
    NotResource(Vec<String>),
}

/// One operator block of `Condition`: `"StringEquals": { key: [values] }`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionBlock {
    /// The operator exactly as written, e.g. `ForAnyValue:StringLikeIfExists`.
    pub operator: String,
    /// Keys (as written) and their values (booleans and numbers as their JSON text).
    pub entries: Vec<(String, Vec<String>)>,
}

/// Why a JSON tree does not fit the grammar. Validation reports these before the tree is built,
/// so in practice this only guards against inconsistencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GrammarError;

impl PolicyDocument {
    /// The context keys the document refers to, as `GetContextKeysForCustomPolicy` reports
    /// them: every condition key, and every policy variable (`${aws:username}`) in a
    /// resource or condition value; each once (compared case-insensitively, as keys are),
    /// in order of first appearance.
    pub fn context_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        let mut add = |key: &str| {
            if !keys.iter().any(|known| known.eq_ignore_ascii_case(key)) {
                keys.push(key.to_owned());
            }
        };
        for statement in &self.statements {
            let resources = match &statement.resource {
                Some(ResourceClause::Resource(values) | ResourceClause::NotResource(values)) => {
                    values.as_slice()
                }
                None => &[],
            };
            for value in resources {
                variables(value).for_each(&mut add);
            }
            for block in &statement.conditions {
                for (key, values) in &block.entries {
                    add(key);
                    for value in values {
                        variables(value).for_each(&mut add);
                    }
                }
            }
        }
        keys
    }

    /// Builds the tree from JSON that validation already accepted.
    pub(crate) fn from_json(root: &Json) -> Result<Self, GrammarError> {
        let Json::Object(entries) = root else {
            return Err(GrammarError);
        };
        let mut document = Self {
            version: None,
            id: None,
            statements: Vec::new(),
        };
        for (key, value) in entries {
            match key.as_str() {
                "Version" => {
                    document.version = Some(match value.as_str() {
                        Some("2012-10-17") => Version::V2012_10_17,
                        Some("2008-10-17") => Version::V2008_10_17,
                        _ => return Err(GrammarError),
                    });
                }
                "Id" => document.id = Some(value.as_str().ok_or(GrammarError)?.to_owned()),
                "Statement" => {
                    document.statements = match value {
                        Json::Array(items) => items
                            .iter()
                            .map(Statement::from_json)
                            .collect::<Result<_, _>>()?,
                        single => vec![Statement::from_json(single)?],
                    };
                }
                _ => return Err(GrammarError),
            }
        }
        Ok(document)
    }

    /// Prints the canonical JSON form: fixed key order, lists everywhere, no whitespace.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(256);
        out.push('{');
        let mut first = true;
        if let Some(version) = self.version {
            field(&mut out, &mut first, "Version");
            json::write_string(&mut out, version.as_str());
        }
        if let Some(id) = &self.id {
            field(&mut out, &mut first, "Id");
            json::write_string(&mut out, id);
        }
        field(&mut out, &mut first, "Statement");
        out.push('[');
        for (i, statement) in self.statements.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            statement.write_json(&mut out);
        }
        out.push_str("]}");
        out
    }
}

impl Statement {
    fn from_json(value: &Json) -> Result<Self, GrammarError> {
        let Json::Object(entries) = value else {
            return Err(GrammarError);
        };
        let mut sid = None;
        let mut effect = None;
        let mut principal = None;
        let mut action = None;
        let mut resource = None;
        let mut conditions = Vec::new();
        for (key, value) in entries {
            match key.as_str() {
                "Sid" => sid = Some(value.as_str().ok_or(GrammarError)?.to_owned()),
                "Effect" => {
                    effect = Some(match value.as_str() {
                        Some("Allow") => Effect::Allow,
                        Some("Deny") => Effect::Deny,
                        _ => return Err(GrammarError),
                    });
                }
                "Principal" => principal = Some(PrincipalClause::Principal(principal_set(value)?)),
                "NotPrincipal" => {
                    principal = Some(PrincipalClause::NotPrincipal(principal_set(value)?));
                }
                "Action" => action = Some(ActionClause::Action(string_list(value)?)),
                "NotAction" => action = Some(ActionClause::NotAction(string_list(value)?)),
                "Resource" => resource = Some(ResourceClause::Resource(string_list(value)?)),
                "NotResource" => resource = Some(ResourceClause::NotResource(string_list(value)?)),
                "Condition" => conditions = condition_blocks(value)?,
                _ => return Err(GrammarError),
            }
        }
        Ok(Self {
            sid,
            effect: effect.ok_or(GrammarError)?,
            principal,
            action: action.ok_or(GrammarError)?,
            resource,
            conditions,
        })
    }

    fn write_json(&self, out: &mut String) {
        out.push('{');
        let mut first = true;
        if let Some(sid) = &self.sid {
            field(out, &mut first, "Sid");
            json::write_string(out, sid);
        }
        field(out, &mut first, "Effect");
        json::write_string(
            out,
            match self.effect {
                Effect::Allow => "Allow",
                Effect::Deny => "Deny",
            },
        );
        if let Some(clause) = &self.principal {
            let (name, set) = match clause {
                PrincipalClause::Principal(set) => ("Principal", set),
                PrincipalClause::NotPrincipal(set) => ("NotPrincipal", set),
            };
            field(out, &mut first, name);
            match set {
                PrincipalSet::Any => json::write_string(out, "*"),
                PrincipalSet::Map(entries) => {
                    out.push('{');
                    let mut inner_first = true;
                    for (kind, values) in entries {
                        field(out, &mut inner_first, kind.as_str());
                        write_list(out, values);
                    }
                    out.push('}');
                }
            }
        }
        let (name, values) = match &self.action {
            ActionClause::Action(v) => ("Action", v),
            ActionClause::NotAction(v) => ("NotAction", v),
        };
        field(out, &mut first, name);
        write_list(out, values);
        if let Some(clause) = &self.resource {
            let (name, values) = match clause {
                ResourceClause::Resource(v) => ("Resource", v),
                ResourceClause::NotResource(v) => ("NotResource", v),
            };
            field(out, &mut first, name);
            write_list(out, values);
        }
        if !self.conditions.is_empty() {
            field(out, &mut first, "Condition");
            out.push('{');
            let mut block_first = true;
            for block in &self.conditions {
                field(out, &mut block_first, &block.operator);
                out.push('{');
                let mut entry_first = true;
                for (key, values) in &block.entries {
                    field(out, &mut entry_first, key);
                    write_list(out, values);
                }
                out.push('}');
            }
            out.push('}');
        }
        out.push('}');
    }
}

fn field(out: &mut String, first: &mut bool, name: &str) {
    if !*first {
        out.push(',');
    }
    *first = false;
    json::write_string(out, name);
    out.push(':');
}

fn write_list(out: &mut String, values: &[String]) {
    out.push('[');
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json::write_string(out, value);
    }
    out.push(']');
}

fn string_list(value: &Json) -> Result<Vec<String>, GrammarError> {
    match value {
        Json::String(s) => Ok(vec![s.clone()]),
        Json::Array(items) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned).ok_or(GrammarError))
            .collect(),
        _ => Err(GrammarError),
    }
}

/// A condition value: strings, and booleans/numbers as their JSON text.
pub(crate) fn scalar_text(value: &Json) -> Option<String> {
    match value {
        Json::String(s) => Some(s.clone()),
        Json::Bool(b) => Some(b.to_string()),
        Json::Number(n) => Some(n.clone()),
        _ => None,
    }
}

fn principal_set(value: &Json) -> Result<PrincipalSet, GrammarError> {
    match value {
        Json::String(s) if s == "*" => Ok(PrincipalSet::Any),
        Json::Object(entries) => entries
            .iter()
            .map(|(key, values)| {
                let kind = PrincipalType::from_key(key).ok_or(GrammarError)?;
                Ok((kind, string_list(values)?))
            })
            .collect::<Result<_, _>>()
            .map(PrincipalSet::Map),
        _ => Err(GrammarError),
    }
}

fn condition_blocks(value: &Json) -> Result<Vec<ConditionBlock>, GrammarError> {
    let Json::Object(blocks) = value else {
        return Err(GrammarError);
    };
    blocks
        .iter()
        .map(|(operator, body)| {
            let Json::Object(entries) = body else {
                return Err(GrammarError);
            };
            let entries = entries
                .iter()
                .map(|(key, values)| {
                    let values = match values {
                        Json::Array(items) => items
                            .iter()
                            .map(|item| scalar_text(item).ok_or(GrammarError))
                            .collect::<Result<Vec<_>, _>>()?,
                        single => vec![scalar_text(single).ok_or(GrammarError)?],
                    };
                    Ok((key.clone(), values))
                })
                .collect::<Result<_, _>>()?;
            Ok(ConditionBlock {
                operator: operator.clone(),
                entries,
            })
        })
        .collect()
}

/// The policy variables in a value: `arn:aws:s3:::b/${aws:username}/*` → `aws:username`
/// (a default, `${aws:x, 'd'}`, is left out; `${*}`, `${?}` and `${$}` are escapes).
fn variables(value: &str) -> impl Iterator<Item = &str> {
    value.split("${").skip(1).filter_map(|rest| {
        let inner = rest.split('}').next()?;
        let name = inner.split(',').next()?.trim();
        (!name.is_empty() && !matches!(name, "*" | "?" | "$")).then_some(name)
    })
}

#[cfg(test)]
mod context_key_tests {
    use crate::{Policy, PolicyKind};

    #[test]
    fn keys_and_variables_each_once_in_order() {
        let doc = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*",
             "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},
                          "StringEquals":{"AWS:SourceIP":"x","s3:prefix":"${aws:PrincipalTag/team, 'none'}"}}},
            {"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/${*}","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}
        ]}"#;
        let policy = Policy::parse("p", doc, PolicyKind::Identity).unwrap();
        assert_eq!(
            policy.document().context_keys(),
            vec![
                "aws:username",
                "aws:SourceIp",
                "s3:prefix",
                "aws:PrincipalTag/team",
                "aws:MultiFactorAuthPresent"
            ]
        );
    }
}
