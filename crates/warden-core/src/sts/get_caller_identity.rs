//! GetCallerIdentity: who signed the request. AWS documents that it needs no permission and
//! cannot be denied: the runner skips authorization for it by the policy engine's rule
//! (`warden_policy::exempt_action`), the one the offline simulator also follows.

use warden_protocol::sts::{GetCallerIdentityRequest, GetCallerIdentityResponse};

use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for GetCallerIdentityRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::anywhere())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetCallerIdentityResponse, ServiceError> {
        let caller = call.ctx.caller;
        Ok(GetCallerIdentityResponse {
            user_id: Some(caller.user_id().to_owned()),
            account: Some(caller.account_id.clone()),
            arn: Some(caller.arn.clone()),
        })
    }
}
