//! Session policies passed to a call that issues a session (`Policy`, `PolicyArns`), and
//! the packed size they and the session tags take.

use warden_policy::{Policy, PolicyKind, size_without_whitespace};
use warden_protocol::sts::{PolicyDescriptorType, errors};

use super::session_tags::SessionTags;
use crate::ServiceError;

/// The packed-size budget, in characters (AWS documents 2,048 plaintext characters for the
/// inline and managed session policies together).
const PACKED_BUDGET: usize = 2_048;

/// Checks the inline session policy (`MalformedPolicyDocument` when it does not parse) and
/// answers the managed session policies' ARNs.
pub(super) fn session_policies(
    policy: Option<&str>,
    descriptors: Option<&[PolicyDescriptorType]>,
) -> Result<Vec<String>, ServiceError> {
    if let Some(policy) = policy {
        Policy::parse("session".to_owned(), policy, PolicyKind::Session).map_err(|error| {
            ServiceError::modeled(&errors::MALFORMED_POLICY_DOCUMENT, error.to_string())
        })?;
    }
    Ok(descriptors
        .unwrap_or_default()
        .iter()
        .filter_map(|descriptor| descriptor.arn.clone())
        .collect())
}

/// `PackedPolicySize`: the share (percent, rounded up) of the packed-size budget the
/// session policies and the session tags passed use — Warden's own deterministic measure
/// (AWS's packing is not documented): the inline policy without whitespace, the managed
/// ARNs and the tags' keys and values, against 2,048 characters. `None` when nothing is
/// passed (AWS then omits the member); `PackedPolicyTooLarge` beyond 100%.
pub(super) fn packed_size(
    policy: Option<&str>,
    arns: &[String],
    tags: &SessionTags,
) -> Result<Option<i32>, ServiceError> {
    if policy.is_none() && arns.is_empty() && !tags.passes_any() {
        return Ok(None);
    }
    let policies =
        policy.map_or(0, size_without_whitespace) + arns.iter().map(String::len).sum::<usize>();
    let percent = ((policies + tags.plaintext_size()) * 100)
        .div_ceil(PACKED_BUDGET)
        .max(1);
    if percent > 100 {
        let message = if tags.plaintext_size() > policies {
            format!("Packed size of session tags consumes {percent}% of allotted space.")
        } else {
            format!(
                "Packed policy consumes {percent}% of allotted space, please use smaller policy."
            )
        };
        return Err(ServiceError::modeled(
            &errors::PACKED_POLICY_TOO_LARGE,
            message,
        ));
    }
    Ok(i32::try_from(percent).ok())
}
