//! GetUserPolicy.

use warden_protocol::iam::{GetUserPolicyRequest, GetUserPolicyResponse};

use crate::iam::user::find_user;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for GetUserPolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.user_arn(&self.user_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<GetUserPolicyResponse, ServiceError> {
        let user = find_user(call, &self.user_name)?;
        let policy = call
            .read(|tx| {
                tx.user_policies()
                    .get(call.ctx.account(), &user.user_name, &self.policy_name)
            })?
            .ok_or_else(|| {
                ServiceError::NoSuchEntity(format!(
                    "The user policy with name {} cannot be found.",
                    self.policy_name
                ))
            })?;
        Ok(GetUserPolicyResponse {
            user_name: user.user_name,
            policy_name: policy.policy_name,
            policy_document: policy.document,
        })
    }
}
