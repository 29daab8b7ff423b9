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
mod trust;
mod update_role;

pub(crate) use service_linked::check_modifiable;
pub(crate) use trust::shown as shown_trust_policy;

use warden_protocol::iam::{AttachedPermissionsBoundary, Role, RoleLastUsed};
use warden_store::RoleRecord;

use crate::iam::tagging::tag_shapes;
use crate::operation::Authorized;
use crate::snapshot::Snapshot;
use crate::{ServiceError, timestamp};

/// The role, or AWS's NoSuchEntity.
pub(crate) fn find_role(call: &Authorized<'_, '_>, name: &str) -> Result<RoleRecord, ServiceError> {
    call.read(|tx| tx.roles().get(call.ctx.account(), name))?
        .ok_or_else(|| {
            ServiceError::NoSuchEntity(format!("The role with name {name} cannot be found."))
        })
}

/// A stored role as GetRole shows it (ListRoles drops tags, boundary and last use): the
/// principals its trust policy stores by unique id shown by their current ARNs.
pub(crate) fn role_shape(record: &RoleRecord, snapshot: &Snapshot) -> Role {
    Role {
        path: record.path.clone(),
        role_name: record.role_name.clone(),
        role_id: record.role_id.clone(),
        arn: record.arn.clone(),
        create_date: timestamp(record.create_date),
        assume_role_policy_document: Some(trust::shown(
            &record.assume_role_policy_document,
            snapshot,
        )),
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
