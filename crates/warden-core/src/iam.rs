//! IAM operations. [`call`] dispatches a decoded operation to its handler; each handler
//! authorizes, then acts.

mod access_keys;
mod user_policies;
mod users;

use warden_protocol::iam::Operation;

pub(crate) use crate::ctx::Ctx;
use crate::{Caller, Output, RequestFacts, ServiceError, Warden};

/// Run one IAM operation for `caller`.
///
/// # Errors
///
/// AccessDenied, the operation's modeled errors, or `OperationNotServed` for IAM operations
/// Warden does not implement yet.
pub fn call(
    warden: &Warden,
    caller: &Caller,
    facts: &RequestFacts,
    operation: Operation,
) -> Result<Option<Output>, ServiceError> {
    let ctx = Ctx::new(warden, caller, facts, operation.iam_action());
    match operation {
        Operation::CreateUser(input) => users::create_user(&ctx, input),
        Operation::GetUser(input) => users::get_user(&ctx, input),
        Operation::ListUsers(input) => users::list_users(&ctx, input),
        Operation::DeleteUser(input) => users::delete_user(&ctx, &input),
        Operation::CreateAccessKey(input) => access_keys::create_access_key(&ctx, input),
        Operation::ListAccessKeys(input) => access_keys::list_access_keys(&ctx, input),
        Operation::UpdateAccessKey(input) => access_keys::update_access_key(&ctx, input),
        Operation::DeleteAccessKey(input) => access_keys::delete_access_key(&ctx, input),
        Operation::PutUserPolicy(input) => user_policies::put_user_policy(&ctx, input),
        Operation::GetUserPolicy(input) => user_policies::get_user_policy(&ctx, &input),
        Operation::ListUserPolicies(input) => user_policies::list_user_policies(&ctx, &input),
        Operation::DeleteUserPolicy(input) => user_policies::delete_user_policy(&ctx, &input),
        other => Err(ServiceError::OperationNotServed {
            operation: other.name(),
            api_version: warden_protocol::iam::META.api_version,
        }),
    }
}

/// `arn:aws:iam::ACCOUNT:user{path}{name}`.
pub(crate) fn user_arn(account_id: &str, path: &str, user_name: &str) -> String {
    format!("arn:aws:iam::{account_id}:user{path}{user_name}")
}
