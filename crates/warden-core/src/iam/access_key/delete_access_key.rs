//! DeleteAccessKey.

use warden_protocol::NoOutput;
use warden_protocol::iam::DeleteAccessKeyRequest;

use super::Owner;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for DeleteAccessKeyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        Ok(Access::on(Owner::of(ctx, self.user_name.as_deref())?.arn))
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let ctx = call.ctx;
        let owner = Owner::of(ctx, self.user_name.as_deref())?;
        call.write(owner.principal(), |tx| {
            tx.access_keys().delete(
                ctx.account(),
                owner.user_name.as_deref(),
                &self.access_key_id,
            )
        })?;
        Ok(NoOutput)
    }
}
