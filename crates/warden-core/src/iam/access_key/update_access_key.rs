//! UpdateAccessKey: activate or deactivate a key.

use warden_protocol::NoOutput;
use warden_protocol::iam::UpdateAccessKeyRequest;
use warden_store::AccessKeyStatus;

use super::Owner;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for UpdateAccessKeyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(Owner::of(ctx, self.user_name.as_deref())?.arn))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let ctx = call.ctx;
        let owner = Owner::of(ctx, self.user_name.as_deref())?;
        let status = AccessKeyStatus::parse(&self.status).ok_or_else(|| {
            ServiceError::InvalidParameterValue(format!("Invalid status {}", self.status))
        })?;
        call.write(owner.principal(), |tx| {
            tx.access_keys().update_status(
                ctx.account(),
                owner.user_name.as_deref(),
                &self.access_key_id,
                status,
            )
        })?;
        Ok(NoOutput)
    }
}
