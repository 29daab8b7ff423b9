//! ListUserPolicies.

use warden_protocol::iam::{ListUserPoliciesRequest, ListUserPoliciesResponse};

use crate::iam::inline_policy::{self, Holder};
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
        let (policy_names, marker) = inline_policy::list_names(
            call,
            Holder::User,
            &user.user_name,
            self.marker.as_deref(),
            self.max_items,
        )?;
        Ok(ListUserPoliciesResponse {
            policy_names,
            is_truncated: Some(marker.is_some()),
            marker,
        })
    }
}
