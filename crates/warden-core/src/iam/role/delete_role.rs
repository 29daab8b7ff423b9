//! DeleteRole: only a role without inline or attached policies (`DeleteConflict`).

use warden_protocol::NoOutput;
use warden_protocol::iam::DeleteRoleRequest;

use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

impl Handle for DeleteRoleRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.role_arn(&self.role_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        super::check_modifiable(&super::find_role(call, &self.role_name)?)?;
        let account = call.ctx.account();
        call.write(Principal::Role(self.role_name.clone()), |tx| {
            tx.roles().delete(account, &self.role_name)
        })?;
        Ok(NoOutput)
    }
}
