//! StartLogging and StopLogging.

use warden_protocol::cloudtrail::{
    StartLoggingRequest, StartLoggingResponse, StopLoggingRequest, StopLoggingResponse,
};

use super::{find_trail, trail_access, update};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

impl Handle for StartLoggingRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        trail_access(ctx, &self.name)
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<StartLoggingResponse, ServiceError> {
        set_logging(call, &self.name, true)?;
        Ok(StartLoggingResponse {})
    }
}

impl Handle for StopLoggingRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        trail_access(ctx, &self.name)
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<StopLoggingResponse, ServiceError> {
        set_logging(call, &self.name, false)?;
        Ok(StopLoggingResponse {})
    }
}

/// Turns the trail's logging on or off, noting when; a no-op when it already is.
fn set_logging(
    call: &mut Authorized<'_, '_>,
    given: &str,
    logging: bool,
) -> Result<(), ServiceError> {
    let mut trail = find_trail(call, given)?;
    if trail.logging == logging {
        return Ok(());
    }
    let now = Some(call.ctx.warden.now().as_millisecond());
    trail.logging = logging;
    if logging {
        trail.start_logging_time = now;
    } else {
        trail.stop_logging_time = now;
    }
    update(call, &trail, given)
}
