//! ListUserPolicies.

use warden_protocol::iam::{ListUserPoliciesRequest, ListUserPoliciesResponse};

use crate::iam::user::find_user;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for ListUserPoliciesRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(ctx.user_arn(&self.user_name)))
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListUserPoliciesResponse, ServiceError> {
        let user = find_user(call, &self.user_name)?;
        let names = call
            .read(|tx| tx.user_policies().list(call.ctx.account(), &user.user_name))?
            .into_iter()
            .map(|p| p.policy_name)
            .collect();
        Ok(ListUserPoliciesResponse {
            policy_names: names,
            is_truncated: Some(false),
            marker: None,
        })
    }
}
