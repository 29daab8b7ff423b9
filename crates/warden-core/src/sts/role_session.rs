//! What every AssumeRole* operation decides the same way about the session it starts: how
//! long it lasts, its session policies and their packed size, and the assumed-role user.

use warden_policy::{Policy, PolicyKind, size_without_whitespace};
use warden_protocol::sts::{AssumedRoleUser, PolicyDescriptorType, errors};

use crate::ServiceError;
use crate::snapshot::RoleEntry;

/// The default session duration.
const DEFAULT_SECONDS: i32 = 3_600;
/// The longest session a role session may start (role chaining).
const CHAINED_MAX_SECONDS: i32 = 3_600;
/// The packed-size budget of session policies, in characters (AWS documents 2,048
/// plaintext characters for the inline and managed session policies together).
const PACKED_BUDGET: usize = 2_048;

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

/// The session policies passed, checked.
pub(super) struct SessionPolicies {
    /// The managed session policies' ARNs.
    pub(super) arns: Vec<String>,
    /// `PackedPolicySize`; `None` when no session policy is passed.
    pub(super) packed_size: Option<i32>,
}

/// Checks the session policies passed (`Policy` must parse as a session policy; together
/// they must fit the packed-size budget) in AWS's words.
pub(super) fn session_policies(
    policy: Option<&str>,
    policy_arns: Option<&[PolicyDescriptorType]>,
) -> Result<SessionPolicies, ServiceError> {
    if let Some(policy) = policy {
        Policy::parse("session".to_owned(), policy, PolicyKind::Session).map_err(|error| {
            ServiceError::modeled(&errors::MALFORMED_POLICY_DOCUMENT, error.to_string())
        })?;
    }
    let arns: Vec<String> = policy_arns
        .into_iter()
        .flatten()
        .filter_map(|descriptor| descriptor.arn.clone())
        .collect();
    let packed = packed_size(policy, &arns);
    if let Some(percent) = packed
        && percent > 100
    {
        return Err(ServiceError::modeled(
            &errors::PACKED_POLICY_TOO_LARGE,
            format!(
                "Packed policy consumes {percent}% of allotted space, please use smaller policy."
            ),
        ));
    }
    Ok(SessionPolicies {
        arns,
        packed_size: packed.and_then(|percent| i32::try_from(percent).ok()),
    })
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

/// `PackedPolicySize`: the share (percent, rounded up) of the packed-size budget the
/// session policies use — Warden's own deterministic measure (AWS's packing is not
/// documented): the inline policy without whitespace plus the managed ARNs, against 2,048
/// characters. `None` when no session policy is passed (AWS then omits the member).
fn packed_size(policy: Option<&str>, arns: &[String]) -> Option<usize> {
    if policy.is_none() && arns.is_empty() {
        return None;
    }
    let size =
        policy.map_or(0, size_without_whitespace) + arns.iter().map(String::len).sum::<usize>();
    Some((size * 100).div_ceil(PACKED_BUDGET).max(1))
}
