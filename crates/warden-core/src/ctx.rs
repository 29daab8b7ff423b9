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
                if self.caller.is_root() {
                    ServiceError::InvalidInput(
                        "The root user has no user name; specify UserName.".to_owned(),
                    )
                } else {
                    no_user_name()
                }
            })
    }

    /// The ARN (for authorization) of the user a user-scoped operation acts on: the given
    /// one, or the caller.
    pub(crate) fn target_user_arn(&self, given: Option<&str>) -> Result<Arn, ServiceError> {
        Ok(self.user_arn(&self.target_user(given.map(str::to_owned))?))
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

    /// The ARN of a group of the caller's account with this path (`/` when none).
    pub(crate) fn new_group_arn(&self, path: &str, group_name: &str) -> Arn {
        iam::arn::group(
            self.partition(),
            self.account(),
            &format!("{}{group_name}", path.trim_start_matches('/')),
        )
    }

    /// The ARN of a group for authorization: its real ARN (with its path) when it exists,
    /// else the ARN it would have at path `/`.
    pub(crate) fn group_arn(&self, group_name: &str) -> Arn {
        match self.warden.snapshot().group(self.account(), group_name) {
            Some(group) => Arn {
                resource_type: &iam::arn::GROUP,
                value: group.arn.clone(),
            },
            None => self.new_group_arn("/", group_name),
        }
    }

    /// The ARN of a role of the caller's account with this path (`/` when none).
    pub(crate) fn new_role_arn(&self, path: &str, role_name: &str) -> Arn {
        iam::arn::role(
            self.partition(),
            self.account(),
            &format!("{}{role_name}", path.trim_start_matches('/')),
        )
    }

    /// The ARN of a role for authorization: its real ARN (with its path) when it exists,
    /// else the ARN it would have at path `/`.
    pub(crate) fn role_arn(&self, role_name: &str) -> Arn {
        match self.warden.snapshot().role(self.account(), role_name) {
            Some(role) => Arn {
                resource_type: &iam::arn::ROLE,
                value: role.arn.clone(),
            },
            None => self.new_role_arn("/", role_name),
        }
    }
}

/// AWS's answer to a role session calling a user-scoped operation without `UserName`.
pub(crate) fn no_user_name() -> ServiceError {
    ServiceError::Validation(
        "Must specify userName when calling with non-User credentials".to_owned(),
    )
}

/// The IAM path in an entity's ARN: `arn:aws:iam::1:user/a/b/name` → `/a/b/`.
pub(crate) fn path_in_arn(arn: &str) -> String {
    let resource = arn.splitn(6, ':').nth(5).unwrap_or("");
    match (resource.find('/'), resource.rfind('/')) {
        (Some(first), Some(last)) => resource.get(first..=last).unwrap_or("/").to_owned(),
        _ => "/".to_owned(),
    }
}

/// The name in an entity's ARN: `arn:aws:iam::1:role/a/b/name` → `name`.
pub(crate) fn name_in_arn(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_owned()
}

#[cfg(test)]
mod tests {
    use super::path_in_arn;

    #[test]
    fn the_path_in_an_entity_arn() {
        assert_eq!(path_in_arn("arn:aws:iam::123456789012:user/alice"), "/");
        assert_eq!(
            path_in_arn("arn:aws:iam::123456789012:user/a/b/alice"),
            "/a/b/"
        );
        assert_eq!(
            path_in_arn("arn:aws:iam::123456789012:group/eng/devs"),
            "/eng/"
        );
    }
}
