//! DeleteTrail.

use warden_protocol::cloudtrail::{DeleteTrailRequest, DeleteTrailResponse};
use warden_store::StoreError;

use super::super::names::not_found;
use super::{find_trail, trail_access};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for DeleteTrailRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        trail_access(ctx, &self.name)
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<DeleteTrailResponse, ServiceError> {
        let trail = find_trail(call, &self.name)?;
        match call.write_outside_snapshot(|tx| tx.trails().delete(&trail.account_id, &trail.name)) {
            Err(StoreError::NotFound { .. }) => Err(not_found(&self.name, call.ctx.account())),
            other => Ok(other?),
        }?;
        Ok(DeleteTrailResponse {})
    }
}
