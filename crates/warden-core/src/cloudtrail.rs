//! CloudTrail operations: trails (CreateTrail … DeleteTrail, GetTrailStatus, Start/Stop
//! logging), event history (LookupEvents) and the digest keys (ListPublicKeys). [`call`] dispatches a decoded operation to
//! its handler; each handler authorizes (`cloudtrail:*` actions, like any other call), then
//! acts.

mod lookup;
mod names;
mod public_keys;
mod trails;

use warden_protocol::cloudtrail::Operation;

use crate::{Caller, Ctx, Output, RequestFacts, ServiceError, Warden};

/// Run one CloudTrail operation for `caller`.
///
/// # Errors
///
/// AccessDenied, the operation's modeled errors, or `UnknownOperationException` for CloudTrail
/// operations Warden does not serve.
pub fn call(
    warden: &Warden,
    caller: &Caller,
    facts: &RequestFacts,
    operation: Operation,
) -> Result<Option<Output>, ServiceError> {
    let ctx = Ctx::new(warden, caller, facts, operation.iam_action());
    match operation {
        Operation::CreateTrail(input) => trails::create_trail(&ctx, input),
        Operation::DescribeTrails(input) => trails::describe_trails(&ctx, input),
        Operation::GetTrail(input) => trails::get_trail(&ctx, &input.name),
        Operation::GetTrailStatus(input) => trails::get_trail_status(&ctx, &input.name),
        Operation::StartLogging(input) => trails::set_logging(&ctx, &input.name, true),
        Operation::StopLogging(input) => trails::set_logging(&ctx, &input.name, false),
        Operation::UpdateTrail(input) => trails::update_trail(&ctx, input),
        Operation::DeleteTrail(input) => trails::delete_trail(&ctx, &input.name),
        Operation::LookupEvents(input) => lookup::lookup_events(&ctx, input),
        Operation::ListPublicKeys(input) => public_keys::list_public_keys(&ctx, &input),
        // A JSON 1.1 service answers an operation it does not serve as an unknown target.
        _ => Err(ServiceError::Modeled {
            code: "UnknownOperationException",
            status: 400,
            message: String::new(),
        }),
    }
}
