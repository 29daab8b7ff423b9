//! The context keys a set of policies refers to.

use super::SimPolicy;

/// Every context key the policies refer to (condition keys and policy variables), each
/// once, compared case-insensitively, in order of first appearance.
pub(crate) fn keys_of(policies: &[SimPolicy]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for policy in policies {
        for key in policy.policy.document().context_keys() {
            if !keys.iter().any(|known| known.eq_ignore_ascii_case(&key)) {
                keys.push(key);
            }
        }
    }
    keys
}
