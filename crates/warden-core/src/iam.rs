//! IAM operations. [`call`] dispatches a decoded operation to its handler; each handler
//! authorizes, then acts.

mod access_keys;
mod user_policies;
mod users;

use warden_protocol::iam::Operation;

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
    let ctx = Ctx {
        warden,
        caller,
        facts,
        action: operation.iam_action(),
    };
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

/// What every handler needs.
pub(crate) struct Ctx<'a> {
    pub(crate) warden: &'a Warden,
    pub(crate) caller: &'a Caller,
    pub(crate) facts: &'a RequestFacts,
    /// The operation's IAM action, e.g. `iam:CreateUser`.
    pub(crate) action: &'static str,
}

impl Ctx<'_> {
    /// Authorize the operation's action on `resource` (in the caller's account) with
    /// operation-specific condition keys.
    pub(crate) fn authorize(
        &self,
        resource: String,
        keys: Vec<(String, warden_policy::ContextValue)>,
    ) -> Result<(), ServiceError> {
        crate::authorize(
            &self.warden.snapshot(),
            self.caller,
            self.facts,
            crate::Permission {
                action: self.action.to_owned(),
                resource,
                resource_account: self.caller.account_id.clone(),
                keys,
            },
        )
    }

    /// Commit `write`, then refresh `user_name` (its record, policies and keys) in the
    /// snapshot.
    pub(crate) fn write_user<T>(
        &self,
        user_name: &str,
        write: impl FnOnce(&dyn warden_store::Store) -> Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        let account = self.account();
        self.warden.write(write, |store, sealer, snapshot| {
            crate::snapshot_build::refresh_user(store, sealer, snapshot, account, user_name)
        })
    }

    /// The account every IAM operation of this caller acts on.
    pub(crate) fn account(&self) -> &str {
        &self.caller.account_id
    }

    /// The name a user-scoped operation acts on: the given one, or the caller's own.
    pub(crate) fn target_user(&self, given: Option<String>) -> Result<String, ServiceError> {
        given
            .or_else(|| self.caller.user_name().map(str::to_owned))
            .ok_or_else(|| {
                ServiceError::InvalidInput(
                    "The root user has no user name; specify UserName.".to_owned(),
                )
            })
    }

    /// The ARN of a user for authorization: its real ARN when it exists, else `user/NAME`.
    pub(crate) fn user_arn(&self, user_name: &str) -> String {
        self.warden
            .snapshot()
            .user(self.account(), user_name)
            .map_or_else(
                || user_arn(self.account(), "/", user_name),
                |user| user.arn.clone(),
            )
    }
}

/// `arn:aws:iam::ACCOUNT:user{path}{name}`.
pub(crate) fn user_arn(account_id: &str, path: &str, user_name: &str) -> String {
    format!("arn:aws:iam::{account_id}:user{path}{user_name}")
}
