//! Groups: CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup, and membership
//! (AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser). A member's requests are decided
//! over its groups' policies too; membership changes refresh the member's snapshot entry,
//! policy changes the group's.

mod create_group;
mod delete_group;
mod get_group;
mod list_groups;
mod membership;
mod update_group;

use warden_protocol::iam::Group;
use warden_store::GroupRecord;

use crate::operation::Authorized;
use crate::{ServiceError, timestamp};

/// The group, or AWS's NoSuchEntity.
pub(crate) fn find_group(
    call: &Authorized<'_, '_>,
    name: &str,
) -> Result<GroupRecord, ServiceError> {
    call.read(|tx| tx.groups().get(call.ctx.account(), name))?
        .ok_or_else(|| {
            ServiceError::NoSuchEntity(format!("The group with name {name} cannot be found."))
        })
}

/// A stored group as the API shows it.
fn group_shape(record: &GroupRecord) -> Group {
    Group {
        path: record.path.clone(),
        group_name: record.group_name.clone(),
        group_id: record.group_id.clone(),
        arn: record.arn.clone(),
        create_date: timestamp(record.create_date),
    }
}
