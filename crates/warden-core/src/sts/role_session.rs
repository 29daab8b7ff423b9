//! What every AssumeRole* operation decides the same way about the session it starts: how
//! long it lasts and the assumed-role user (session policies and tags: `session_policies`,
//! `session_tags`).

use warden_protocol::sts::AssumedRoleUser;

use crate::ServiceError;
use crate::snapshot::RoleEntry;

/// The default session duration.
const DEFAULT_SECONDS: i32 = 3_600;
/// The longest session a role session may start (role chaining).
const CHAINED_MAX_SECONDS: i32 = 3_600;

/// The session's duration in seconds: the one requested (default one hour), within the
/// role's `MaxSessionDuration` and, for role chaining, one hour; AWS's words otherwise.
pub(super) fn duration(
    role: &RoleEntry,
    requested: Option<i32>,
    chained: bool,
) -> Result<i32, ServiceError> {
    let duration = requested.unwrap_or(DEFAULT_SECONDS);
    if chained && duration > CHAINED_MAX_SECONDS {
        return Err(ServiceError::Validation(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
                .to_owned(),
        ));
    }
    if duration > role.max_session_duration {
        return Err(ServiceError::Validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
                .to_owned(),
        ));
    }
    Ok(duration)
}

/// `AssumedRoleUser`: `AROA…:session` and `arn:…:sts::ACCOUNT:assumed-role/ROLE/session`.
pub(super) fn assumed_role_user(
    partition: &str,
    account: &str,
    role: &RoleEntry,
    session_name: &str,
) -> AssumedRoleUser {
    AssumedRoleUser {
        assumed_role_id: format!("{}:{session_name}", role.role_id),
        arn: format!(
            "arn:{partition}:sts::{account}:assumed-role/{}/{session_name}",
            crate::ctx::name_in_arn(&role.arn)
        ),
    }
}
