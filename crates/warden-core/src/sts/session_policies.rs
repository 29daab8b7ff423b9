//! The session policies a role-assuming call passes (`Policy`, `PolicyArns`), checked as AWS
//! checks them for AssumeRole and its federated variants.

use warden_policy::{Policy, PolicyKind, size_without_whitespace};
use warden_protocol::sts::{PolicyDescriptorType, errors};

use crate::ServiceError;

/// The packed-size budget of session policies, in characters (AWS documents 2,048
/// plaintext characters for the inline and managed session policies together).
const PACKED_BUDGET: usize = 2_048;

/// A request's session policies, checked.
pub(super) struct SessionPolicies {
    /// The managed session policies' ARNs.
    pub(super) arns: Vec<String>,
    /// `PackedPolicySize`; `None` when no session policy is passed.
    pub(super) packed_size: Option<i32>,
}

/// Checks `policy` (it must parse as a session policy: AWS's MalformedPolicyDocument) and
/// the packed size of it and `policy_arns` (over 100%: AWS's PackedPolicyTooLarge).
pub(super) fn check(
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
