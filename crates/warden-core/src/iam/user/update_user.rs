//! UpdateUser: rename and/or move a user. It keeps its unique id, keys, policies and tags.
//!
//! As AWS documents, a rename needs permission on both the user's current ARN and the ARN it
//! will have.

use warden_protocol::NoOutput;
use warden_protocol::iam::UpdateUserRequest;
use warden_store::UserUpdate;

use super::find_user;
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

impl Handle for UpdateUserRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::renaming(
            ctx.user_arn(&self.user_name),
            &self.user_name,
            self.new_path.as_deref(),
            self.new_user_name.as_deref(),
            |path, name| ctx.new_user_arn(path, name),
        ))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let current = find_user(call, &self.user_name)?;
        let user_name = self
            .new_user_name
            .unwrap_or_else(|| current.user_name.clone());
        let path = self.new_path.unwrap_or_else(|| current.path.clone());
        let update = UserUpdate {
            arn: call.ctx.new_user_arn(&path, &user_name).value,
            user_name,
            path,
        };
        let account = call.ctx.account();
        call.touch(Principal::User(update.user_name.clone()));
        call.write(Principal::User(current.user_name.clone()), |tx| {
            tx.users().update(account, &current.user_name, &update)
        })?;
        Ok(NoOutput)
    }
}
