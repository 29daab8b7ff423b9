//! GetGroup: the group and a page of its members.

use warden_protocol::iam::{GetGroupRequest, GetGroupResponse, User};

use super::{find_group, group_shape};
use crate::iam::paging::page_of;
use crate::iam::user::user_shape;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for GetGroupRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.group_arn(&self.group_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<GetGroupResponse, ServiceError> {
        let group = find_group(call, &self.group_name)?;
        let members: Vec<User> = call
            .read(|tx| tx.groups().members(call.ctx.account(), &group.group_name))?
            .iter()
            .map(|record| User {
                tags: None,
                ..user_shape(record)
            })
            .collect();
        let (users, marker) = page_of(members, self.marker.as_deref(), self.max_items)?;
        Ok(GetGroupResponse {
            group: group_shape(&group),
            users,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}
