//! Trust policies as AWS keeps them. On the way in (CreateRole, UpdateAssumeRolePolicy) a
//! trust policy is validated as a trust policy and normalized: a bare account id becomes the
//! account's root ARN, and a principal that names an IAM user or role of an account Warden
//! holds is stored as that entity's unique id (`AIDA…`, `AROA…`), so that a deleted and
//! re-created entity of the same name is not trusted again. On the way out the ids of
//! entities that still exist are shown as their current ARNs; the id of a deleted one stays.

use serde_json::Value;
use warden_policy::{ArnParts, Policy, PolicyKind, limits, size_without_whitespace};

use crate::ServiceError;
use crate::operation::Authorized;
use crate::snapshot::Snapshot;

/// The trust policy `document` as it is stored: validated (grammar and the 2,048-character
/// quota, whitespace not counted) and normalized. A principal naming a user or role, or a
/// `Federated` principal naming an OpenID Connect or SAML provider, that does not exist in
/// an account Warden holds is AWS's `MalformedPolicyDocument`.
pub(super) fn stored(call: &Authorized<'_, '_>, document: &str) -> Result<String, ServiceError> {
    let snapshot = call.ctx.warden.snapshot();
    let partition = call.ctx.partition();
    let known_account = |account: &str| -> Result<bool, ServiceError> {
        Ok(account == call.ctx.account() || call.read(|tx| tx.accounts().get(account))?.is_some())
    };
    let stored = normalize(document, partition, |arn| {
        let Some(named) = NamedEntity::parse(arn) else {
            return Ok(None);
        };
        if !known_account(named.account)? {
            return Ok(None);
        }
        let found = match named.kind {
            EntityKind::User => snapshot
                .user(named.account, named.name)
                .filter(|user| user.arn == arn)
                .map(|user| user.user_id.clone()),
            EntityKind::Role => snapshot
                .role(named.account, named.name)
                .filter(|role| role.arn == arn)
                .map(|role| role.role_id.clone()),
        };
        found.map(Some).ok_or_else(|| {
            ServiceError::MalformedPolicyDocument(format!(
                "Invalid principal in policy: \"AWS\":\"{arn}\""
            ))
        })
    })?;
    for provider in federated_principals(document) {
        let exists = match ProviderArn::parse(&provider) {
            Some(ProviderArn::OpenIdConnect { account, url }) if known_account(account)? => call
                .read(|tx| tx.open_id_connect_providers().get(account, url))?
                .is_some(),
            Some(ProviderArn::Saml { account, name }) if known_account(account)? => call
                .read(|tx| tx.saml_providers().get(account, name))?
                .is_some(),
            // AWS's built-in providers (accounts.google.com, …) and accounts Warden does not
            // hold are not checked.
            Some(_) | None => true,
        };
        if !exists {
            return Err(ServiceError::MalformedPolicyDocument(format!(
                "Invalid principal in policy: \"Federated\":\"{provider}\""
            )));
        }
    }
    Ok(stored)
}

/// Every string under `Statement[].Principal.Federated` of a (parsed) trust policy.
fn federated_principals(document: &str) -> Vec<String> {
    let Ok(root) = serde_json::from_str::<Value>(document) else {
        return Vec::new();
    };
    let statements = match root.get("Statement") {
        Some(Value::Array(statements)) => statements.iter().collect::<Vec<_>>(),
        Some(statement @ Value::Object(_)) => vec![statement],
        _ => Vec::new(),
    };
    let mut providers = Vec::new();
    for statement in statements {
        match statement
            .get("Principal")
            .and_then(|principal| principal.get("Federated"))
        {
            Some(Value::String(provider)) => providers.push(provider.clone()),
            Some(Value::Array(values)) => {
                providers.extend(values.iter().filter_map(Value::as_str).map(str::to_owned))
            }
            _ => {}
        }
    }
    providers
}

/// An IAM identity provider ARN a `Federated` principal names.
enum ProviderArn<'a> {
    /// `arn:P:iam::ACCOUNT:oidc-provider/URL`.
    OpenIdConnect { account: &'a str, url: &'a str },
    /// `arn:P:iam::ACCOUNT:saml-provider/NAME`.
    Saml { account: &'a str, name: &'a str },
}

impl<'a> ProviderArn<'a> {
    fn parse(provider: &'a str) -> Option<Self> {
        use crate::iam::identity_provider::parse_arn;
        use warden_protocol::iam::arn;
        if let Some((_, account, url)) = parse_arn(provider, arn::OIDC_PROVIDER.name) {
            return Some(Self::OpenIdConnect { account, url });
        }
        parse_arn(provider, arn::SAML_PROVIDER.name)
            .map(|(_, account, name)| Self::Saml { account, name })
    }
}

/// The stored trust policy as the API shows it: ids of users and roles that still exist
/// replaced by their current ARNs.
pub(crate) fn shown(stored: &str, snapshot: &Snapshot) -> String {
    if !(stored.contains("\"AIDA") || stored.contains("\"AROA")) {
        return stored.to_owned();
    }
    let Ok(mut root) = serde_json::from_str::<Value>(stored) else {
        return stored.to_owned();
    };
    let changed = rewrite_aws_principals(&mut root, |principal| {
        Ok(snapshot.arn_of_unique_id(principal).map(str::to_owned))
    })
    .unwrap_or(false);
    if changed {
        crate::json::sorted(root).to_string()
    } else {
        stored.to_owned()
    }
}

/// Validates `document` as a trust policy and rewrites its AWS principals: bare account
/// ids into root ARNs, then every other value through `resolve` (`Some`: its replacement).
fn normalize(
    document: &str,
    partition: &str,
    mut resolve: impl FnMut(&str) -> Result<Option<String>, ServiceError>,
) -> Result<String, ServiceError> {
    Policy::parse("trust".to_owned(), document, PolicyKind::Trust)
        .map_err(|error| ServiceError::MalformedPolicyDocument(error.to_string()))?;
    if size_without_whitespace(document) > limits::TRUST {
        return Err(ServiceError::LimitExceeded(format!(
            "Cannot exceed quota for ACLSizePerRole: {}",
            limits::TRUST
        )));
    }
    let Ok(mut root) = serde_json::from_str::<Value>(document) else {
        return Ok(document.to_owned());
    };
    let changed = rewrite_aws_principals(&mut root, |principal| {
        if principal.len() == 12 && principal.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Some(format!("arn:{partition}:iam::{principal}:root")));
        }
        resolve(principal)
    })?;
    Ok(if changed {
        crate::json::sorted(root).to_string()
    } else {
        document.to_owned()
    })
}

/// Replaces each string under `Statement[].Principal.AWS` for which `rewrite` gives a
/// replacement; whether anything changed.
fn rewrite_aws_principals(
    root: &mut Value,
    mut rewrite: impl FnMut(&str) -> Result<Option<String>, ServiceError>,
) -> Result<bool, ServiceError> {
    let statements = match root.get_mut("Statement") {
        Some(Value::Array(statements)) => statements.iter_mut().collect::<Vec<_>>(),
        Some(statement @ Value::Object(_)) => vec![statement],
        _ => Vec::new(),
    };
    let mut changed = false;
    for statement in statements {
        let Some(aws) = statement
            .get_mut("Principal")
            .and_then(|principal| principal.get_mut("AWS"))
        else {
            continue;
        };
        let principals = match aws {
            Value::Array(values) => values.iter_mut().collect::<Vec<_>>(),
            value => vec![value],
        };
        for principal in principals {
            if let Value::String(text) = principal
                && let Some(replacement) = rewrite(text)?
            {
                *text = replacement;
                changed = true;
            }
        }
    }
    Ok(changed)
}

/// What an IAM user or role ARN names.
struct NamedEntity<'a> {
    kind: EntityKind,
    account: &'a str,
    name: &'a str,
}

enum EntityKind {
    User,
    Role,
}

impl<'a> NamedEntity<'a> {
    /// `arn:P:iam::ACCOUNT:user/path/name` or `…:role/path/name`; `None` for anything else.
    fn parse(arn: &'a str) -> Option<Self> {
        let parts = ArnParts::parse(arn)?;
        if parts.service != "iam" {
            return None;
        }
        let (kind, rest) = if let Some(rest) = parts.resource.strip_prefix("user/") {
            (EntityKind::User, rest)
        } else if let Some(rest) = parts.resource.strip_prefix("role/") {
            (EntityKind::Role, rest)
        } else {
            return None;
        };
        let name = rest.rsplit('/').next().filter(|name| !name.is_empty())?;
        Some(Self {
            kind,
            account: parts.account,
            name,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    fn keep(_: &str) -> Result<Option<String>, crate::ServiceError> {
        Ok(None)
    }

    #[test]
    fn account_principals_are_stored_as_root_arns() {
        let given = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::444455556666:user/bob"]},"Action":"sts:AssumeRole"}]}"#;
        let stored = normalize(given, "aws", keep).unwrap();
        assert!(
            stored.contains("arn:aws:iam::111122223333:root"),
            "{stored}"
        );
        assert!(stored.contains("arn:aws:iam::444455556666:user/bob"));
        let service = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}"#;
        assert_eq!(normalize(service, "aws", keep).unwrap(), service);
    }

    #[test]
    fn named_entities_are_stored_by_what_resolve_gives() {
        let given = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"sts:AssumeRole"}}"#;
        let stored = normalize(given, "aws", |arn| {
            Ok(arn
                .ends_with("user/bob")
                .then(|| "AIDAEXAMPLEBOB000001".to_owned()))
        })
        .unwrap();
        assert!(
            stored.contains("\"AWS\":\"AIDAEXAMPLEBOB000001\""),
            "{stored}"
        );
    }

    #[test]
    fn a_trust_policy_needs_a_principal() {
        let identity = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}"#;
        assert!(normalize(identity, "aws", keep).is_err());
    }
}
