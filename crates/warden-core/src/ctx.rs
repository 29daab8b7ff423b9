//! [`Ctx`]: what every operation handler needs — the services, the caller, the request
//! facts and the operation's IAM action.

use crate::iam::user_arn;
use crate::{Caller, RequestFacts, ServiceError, Warden};

/// What every handler needs.
pub(crate) struct Ctx<'a> {
    pub(crate) warden: &'a Warden,
    pub(crate) caller: &'a Caller,
    pub(crate) facts: &'a RequestFacts,
    /// The operation's IAM action, e.g. `iam:CreateUser`.
    pub(crate) action: &'static str,
}

impl<'a> Ctx<'a> {
    /// The context of one operation of `caller`, whose IAM action is `action`.
    pub(crate) fn new(
        warden: &'a Warden,
        caller: &'a Caller,
        facts: &'a RequestFacts,
        action: &'static str,
    ) -> Self {
        Self {
            warden,
            caller,
            facts,
            action,
        }
    }

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
