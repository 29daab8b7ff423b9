//! Roles: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
//! UpdateAssumeRolePolicy, DeleteRole, their tags and permissions boundary. Their inline
//! policies are `role_policy.rs`, their managed policies `managed_policy/attachments.rs`.
//! Roles are stored, shown and kept in the snapshot (policies, boundary, trust policy);
//! sessions that use them come with STS.

mod boundary;
mod create_role;
mod delete_role;
mod get_role;
mod list_roles;
mod service_linked;
mod tag_role;
mod update_role;

pub(crate) use service_linked::check_modifiable;

use serde_json::Value;
use warden_policy::{Policy, PolicyKind, limits, size_without_whitespace};
use warden_protocol::iam::{AttachedPermissionsBoundary, Role, RoleLastUsed};
use warden_store::RoleRecord;

use crate::iam::tagging::tag_shapes;
use crate::operation::Authorized;
use crate::{ServiceError, timestamp};

/// The role, or AWS's NoSuchEntity.
pub(crate) fn find_role(call: &Authorized<'_, '_>, name: &str) -> Result<RoleRecord, ServiceError> {
    call.read(|tx| tx.roles().get(call.ctx.account(), name))?
        .ok_or_else(|| {
            ServiceError::NoSuchEntity(format!("The role with name {name} cannot be found."))
        })
}

/// A stored role as GetRole shows it (ListRoles drops tags, boundary and last use).
pub(crate) fn role_shape(record: &RoleRecord) -> Role {
    Role {
        path: record.path.clone(),
        role_name: record.role_name.clone(),
        role_id: record.role_id.clone(),
        arn: record.arn.clone(),
        create_date: timestamp(record.create_date),
        assume_role_policy_document: Some(record.assume_role_policy_document.clone()),
        description: record.description.clone(),
        max_session_duration: Some(record.max_session_duration),
        permissions_boundary: record.permissions_boundary.as_ref().map(|arn| {
            AttachedPermissionsBoundary {
                permissions_boundary_type: Some("Policy".to_owned()),
                permissions_boundary_arn: Some(arn.clone()),
            }
        }),
        tags: tag_shapes(&record.tags),
        role_last_used: Some(RoleLastUsed {
            last_used_date: record.last_used.as_ref().map(|(when, _)| timestamp(*when)),
            region: record.last_used.as_ref().map(|(_, region)| region.clone()),
        }),
        source_role_template: None,
    }
}

/// Validates a trust policy as AWS does (the trust-policy grammar and the 2,048-character
/// quota, whitespace not counted) and normalizes it as AWS stores it: a principal given as
/// a bare account id becomes that account's root ARN.
fn trust_policy(document: &str, partition: &str) -> Result<String, ServiceError> {
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
    let mut changed = false;
    let statements = match root.get_mut("Statement") {
        Some(Value::Array(statements)) => statements.iter_mut().collect::<Vec<_>>(),
        Some(statement @ Value::Object(_)) => vec![statement],
        _ => Vec::new(),
    };
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
                && text.len() == 12
                && text.bytes().all(|b| b.is_ascii_digit())
            {
                *text = format!("arn:{partition}:iam::{text}:root");
                changed = true;
            }
        }
    }
    Ok(if changed {
        crate::json::sorted(root).to_string()
    } else {
        document.to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::trust_policy;

    #[test]
    fn account_principals_are_stored_as_root_arns() {
        let given = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::444455556666:user/bob"]},"Action":"sts:AssumeRole"}]}"#;
        let stored = trust_policy(given, "aws").unwrap();
        assert!(
            stored.contains("arn:aws:iam::111122223333:root"),
            "{stored}"
        );
        assert!(stored.contains("arn:aws:iam::444455556666:user/bob"));
        let service = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}"#;
        assert_eq!(trust_policy(service, "aws").unwrap(), service);
    }

    #[test]
    fn a_trust_policy_needs_a_principal() {
        let identity = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}"#;
        assert!(trust_policy(identity, "aws").is_err());
    }
}
