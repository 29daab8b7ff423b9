//! PutUserPolicy: add or replace an inline policy, within the user's size quota (checked in
//! the operation's write transaction).

use warden_protocol::NoOutput;
use warden_protocol::iam::PutUserPolicyRequest;

use crate::iam::inline_policy::{self, Holder};
use crate::iam::user::find_user;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for PutUserPolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.user_arn(&self.user_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let user = find_user(call, &self.user_name)?;
        inline_policy::put(
            call,
            Holder::User,
            &user.user_name,
            self.policy_name,
            self.policy_document,
        )?;
        Ok(NoOutput)
    }
}
