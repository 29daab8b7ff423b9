//! AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser. Membership takes effect on the
//! member's next request: the change refreshes the member's snapshot entry.

use warden_protocol::NoOutput;
use warden_protocol::iam::{
    AddUserToGroupRequest, ListGroupsForUserRequest, ListGroupsForUserResponse,
    RemoveUserFromGroupRequest,
};

use super::group_shape;
use crate::iam::paging::page_of;
use crate::iam::user::find_user;
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

impl Handle for AddUserToGroupRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.group_arn(&self.group_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        call.write(Principal::User(self.user_name.clone()), |tx| {
            tx.groups()
                .add_member(account, &self.group_name, &self.user_name)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for RemoveUserFromGroupRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.group_arn(&self.group_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        call.write(Principal::User(self.user_name.clone()), |tx| {
            tx.groups()
                .remove_member(account, &self.group_name, &self.user_name)
        })?;
        Ok(NoOutput)
    }
}

impl Handle for ListGroupsForUserRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.user_arn(&self.user_name)))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListGroupsForUserResponse, ServiceError> {
        let user = find_user(call, &self.user_name)?;
        let groups = call
            .read(|tx| tx.groups().groups_of(call.ctx.account(), &user.user_name))?
            .iter()
            .map(group_shape)
            .collect();
        let (groups, marker) = page_of(groups, self.marker.as_deref(), self.max_items)?;
        Ok(ListGroupsForUserResponse {
            groups,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}
