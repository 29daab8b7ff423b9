//! GetTrail.

use warden_protocol::cloudtrail::{GetTrailRequest, GetTrailResponse};

use super::{find_trail, to_trail, trail_access};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for GetTrailRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        trail_access(ctx, &self.name)
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<GetTrailResponse, ServiceError> {
        Ok(GetTrailResponse {
            trail: Some(to_trail(&find_trail(call, &self.name)?)),
        })
    }
}
