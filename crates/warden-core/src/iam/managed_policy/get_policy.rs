//! GetPolicy: a customer or AWS managed policy, with its attachment and boundary counts.

use warden_protocol::iam::{GetPolicyRequest, GetPolicyResponse};

use super::{find, policy_arn, policy_shape};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for GetPolicyRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(policy_arn(&self.policy_arn)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<GetPolicyResponse, ServiceError> {
        let found = find(call, &self.policy_arn)?;
        Ok(GetPolicyResponse {
            policy: Some(policy_shape(call, &found)?),
        })
    }
}
