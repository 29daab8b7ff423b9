//! DeletePolicy: a customer managed policy that nothing uses and that has no version but
//! the default (`DeleteConflict` otherwise, as AWS answers).

use warden_protocol::NoOutput;
use warden_protocol::iam::DeletePolicyRequest;

use super::{find_customer, policy_arn};
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

impl Handle for DeletePolicyRequest {
    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(policy_arn(&self.policy_arn)))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let record = find_customer(call, &self.policy_arn)?;
        call.write(Principal::ManagedPolicy(record.arn.clone()), |tx| {
            tx.managed_policies().delete(&record.arn)
        })?;
        Ok(NoOutput)
    }
}
