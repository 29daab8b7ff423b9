//! Access keys: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey,
//! GetAccessKeyLastUsed.
//!
//! Without `UserName` these act on the caller's own keys — the root user's when root calls.

mod create_access_key;
mod delete_access_key;
mod last_used;
mod list_access_keys;
mod update_access_key;

use warden_protocol::Arn;
use warden_protocol::iam::arn;

use crate::Ctx;
use crate::operation::Principal;

/// Whose keys (or signing certificates) an operation acts on.
pub(super) struct Owner {
    /// `None` for the root user.
    pub(super) user_name: Option<String>,
    /// The ARN authorized against.
    pub(super) arn: Arn,
}

impl Owner {
    /// The owner named by a request's `UserName`, or the caller.
    pub(super) fn of(ctx: &Ctx<'_>, given: Option<&str>) -> Result<Self, crate::ServiceError> {
        match given.or_else(|| ctx.caller.user_name()) {
            Some(name) => Ok(Self {
                arn: ctx.user_arn(name),
                user_name: Some(name.to_owned()),
            }),
            None if ctx.caller.is_root() => Ok(Self {
                user_name: None,
                arn: Arn {
                    resource_type: &arn::USER,
                    value: ctx.caller.arn.clone(),
                },
            }),
            None => Err(crate::ctx::no_user_name()),
        }
    }

    /// The principal whose keys change.
    fn principal(&self) -> Principal {
        self.user_name
            .clone()
            .map_or(Principal::Root, Principal::User)
    }
}
