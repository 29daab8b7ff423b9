//! DeleteUserPolicy.

use warden_protocol::NoOutput;
use warden_protocol::iam::DeleteUserPolicyRequest;

use crate::iam::inline_policy::{self, Holder};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for DeleteUserPolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.user_arn(&self.user_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        inline_policy::delete(call, Holder::User, &self.user_name, &self.policy_name)?;
        Ok(NoOutput)
    }
}
