//! DeleteGroup: only a group without members and inline policies (`DeleteConflict`).

use warden_protocol::NoOutput;
use warden_protocol::iam::DeleteGroupRequest;

use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

impl Handle for DeleteGroupRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.group_arn(&self.group_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        call.write(Principal::Group(self.group_name.clone()), |tx| {
            tx.groups().delete(account, &self.group_name)
        })?;
        Ok(NoOutput)
    }
}
