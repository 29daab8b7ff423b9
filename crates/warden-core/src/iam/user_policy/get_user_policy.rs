//! GetUserPolicy.

use warden_protocol::iam::{GetUserPolicyRequest, GetUserPolicyResponse};

use crate::iam::inline_policy::{self, Holder};
use crate::iam::user::find_user;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for GetUserPolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.user_arn(&self.user_name)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<GetUserPolicyResponse, ServiceError> {
        let user = find_user(call, &self.user_name)?;
        let policy = inline_policy::get(call, Holder::User, &user.user_name, &self.policy_name)?;
        Ok(GetUserPolicyResponse {
            user_name: user.user_name,
            policy_name: policy.policy_name,
            policy_document: policy.document,
        })
    }
}
