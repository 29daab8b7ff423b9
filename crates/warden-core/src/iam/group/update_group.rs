//! UpdateGroup: rename and/or move a group. It keeps its id, members and policies. As for
//! users, a rename needs permission on both the current and the new ARN.

use warden_protocol::NoOutput;
use warden_protocol::iam::UpdateGroupRequest;
use warden_store::GroupUpdate;

use super::find_group;
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

impl Handle for UpdateGroupRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::renaming(
            ctx.group_arn(&self.group_name),
            &self.group_name,
            self.new_path.as_deref(),
            self.new_group_name.as_deref(),
            |path, name| ctx.new_group_arn(path, name),
        ))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let current = find_group(call, &self.group_name)?;
        let group_name = self
            .new_group_name
            .unwrap_or_else(|| current.group_name.clone());
        let path = self.new_path.unwrap_or_else(|| current.path.clone());
        let update = GroupUpdate {
            arn: call.ctx.new_group_arn(&path, &group_name).value,
            group_name,
            path,
        };
        let account = call.ctx.account();
        call.touch(Principal::Group(update.group_name.clone()));
        call.write(Principal::Group(current.group_name.clone()), |tx| {
            tx.groups().update(account, &current.group_name, &update)
        })?;
        // Members name their groups: each member's entry follows the new name.
        let members = call.read(|tx| tx.groups().members(account, &update.group_name))?;
        for member in members {
            call.touch(Principal::User(member.user_name));
        }
        Ok(NoOutput)
    }
}
