//! Users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser, their tags and permissions
//! boundary, and what they share (the user as the API shows it).

mod boundary;
mod create_user;
mod delete_user;
mod get_user;
mod list_users;
mod tag_user;
mod update_user;

use warden_protocol::iam::{AttachedPermissionsBoundary, User};
use warden_store::UserRecord;

use crate::iam::tagging::tag_shapes;
use crate::operation::Authorized;
use crate::{ServiceError, timestamp};

/// The user, or AWS's NoSuchEntity.
pub(crate) fn find_user(call: &Authorized<'_, '_>, name: &str) -> Result<UserRecord, ServiceError> {
    call.read(|tx| tx.users().get(call.ctx.account(), name))?
        .ok_or_else(|| {
            ServiceError::NoSuchEntity(format!("The user with name {name} cannot be found."))
        })
}

/// The user a user-scoped operation acts on (`UserName`, or the caller), or NoSuchEntity.
pub(crate) fn find_target_user(
    call: &Authorized<'_, '_>,
    given: Option<String>,
) -> Result<UserRecord, ServiceError> {
    find_user(call, &call.ctx.target_user(given)?)
}

/// A stored user as the API shows it.
pub(crate) fn user_shape(record: &UserRecord) -> User {
    User {
        path: record.path.clone(),
        user_name: record.user_name.clone(),
        user_id: record.user_id.clone(),
        arn: record.arn.clone(),
        create_date: timestamp(record.create_date),
        permissions_boundary: record.permissions_boundary.as_ref().map(|arn| {
            AttachedPermissionsBoundary {
                permissions_boundary_type: Some("Policy".to_owned()),
                permissions_boundary_arn: Some(arn.clone()),
            }
        }),
        tags: tag_shapes(&record.tags),
        ..User::default()
    }
}
