//! [`Ctx`]: what every operation needs — the services, the caller and the request facts.

use warden_protocol::{Arn, iam};

use crate::{Caller, RequestFacts, ServiceError, Warden};

/// What every operation needs.
pub(crate) struct Ctx<'a> {
    pub(crate) warden: &'a Warden,
    pub(crate) caller: &'a Caller,
    pub(crate) facts: &'a RequestFacts,
}

impl<'a> Ctx<'a> {
    /// The context of one operation of `caller`.
    pub(crate) fn new(warden: &'a Warden, caller: &'a Caller, facts: &'a RequestFacts) -> Self {
        Self {
            warden,
            caller,
            facts,
        }
    }

    /// The account every operation of this caller acts on.
    pub(crate) fn account(&self) -> &str {
        &self.caller.account_id
    }

    /// The partition ARNs are built in (from the configured region).
    pub(crate) fn partition(&self) -> &'static str {
        self.warden.partition()
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

    /// The ARN of a user of the caller's account with this path (`/` when none).
    pub(crate) fn new_user_arn(&self, path: &str, user_name: &str) -> Arn {
        iam::arn::user(
            self.partition(),
            self.account(),
            &format!("{}{user_name}", path.trim_start_matches('/')),
        )
    }

    /// The ARN of a user for authorization: its real ARN (with its path) when it exists,
    /// else the ARN it would have at path `/`.
    pub(crate) fn user_arn(&self, user_name: &str) -> Arn {
        match self.warden.snapshot().user(self.account(), user_name) {
            Some(user) => Arn {
                resource_type: &iam::arn::USER,
                value: user.arn.clone(),
            },
            None => self.new_user_arn("/", user_name),
        }
    }
}
