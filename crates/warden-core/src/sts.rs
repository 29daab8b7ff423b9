//! STS operations, one file each; [`call`] dispatches to the runner.

mod assume_role;
mod assume_role_with_saml;
mod get_access_key_info;
mod get_caller_identity;
mod get_session_token;
mod saml;
mod session;
mod session_policies;

use warden_protocol::sts::{META, Operation};

use crate::operation::{Ran, served};
use crate::{Caller, Ctx, RequestFacts, ServiceError, Warden};

served!(
    sts: GetCallerIdentity, GetAccessKeyInfo, AssumeRole, GetSessionToken;
    without caller: AssumeRoleWithSAML
);

/// Run one STS operation. `caller` is `None` only for the operations the model marks as
/// unauthenticated (the federation calls).
pub fn call(
    warden: &Warden,
    caller: Option<&Caller>,
    facts: &RequestFacts,
    operation: Operation,
) -> Ran {
    let not_served = |operation: &'static str| {
        Ran::failed(ServiceError::OperationNotServed {
            operation,
            api_version: META.api_version,
        })
    };
    match caller {
        Some(caller) => {
            dispatch(&Ctx::new(warden, caller, facts), operation).unwrap_or_else(not_served)
        }
        None => match operation {
            Operation::AssumeRoleWithSAML(input) => {
                assume_role_with_saml::call(warden, facts, &input)
            }
            other => not_served(other.name()),
        },
    }
}
