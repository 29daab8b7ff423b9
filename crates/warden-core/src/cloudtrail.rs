//! CloudTrail operations: trails (`trail/`: CreateTrail … DeleteTrail, GetTrailStatus,
//! Start/StopLogging), event history (LookupEvents) and the digest keys (ListPublicKeys),
//! each implementing [`crate::operation::Handle`]; [`call`] dispatches to the runner.

mod lookup;
mod names;
mod public_keys;
mod trail;

use warden_protocol::cloudtrail::Operation;

use crate::operation::{Ran, served};
use crate::{Caller, Ctx, RequestFacts, ServiceError, Warden};

served!(cloudtrail:
    CreateTrail, DescribeTrails, GetTrail, GetTrailStatus, StartLogging, StopLogging,
    UpdateTrail, DeleteTrail, LookupEvents, ListPublicKeys,
);

/// Run one CloudTrail operation for `caller`: AccessDenied, the operation's result or its
/// modeled error, or `UnknownOperationException` for operations Warden does not serve.
pub fn call(warden: &Warden, caller: &Caller, facts: &RequestFacts, operation: Operation) -> Ran {
    let ctx = Ctx::new(warden, caller, facts);
    dispatch(&ctx, operation).unwrap_or_else(|_| Ran::failed(ServiceError::UnknownOperation))
}
