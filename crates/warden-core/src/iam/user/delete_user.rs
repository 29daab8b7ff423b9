//! DeleteUser.

use warden_protocol::NoOutput;
use warden_protocol::iam::DeleteUserRequest;

use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

impl Handle for DeleteUserRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.user_arn(&self.user_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let account = call.ctx.account();
        call.write(Principal::User(self.user_name.clone()), |tx| {
            tx.users().delete(account, &self.user_name)
        })?;
        Ok(NoOutput)
    }
}
