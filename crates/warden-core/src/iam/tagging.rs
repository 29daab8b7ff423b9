//! What tagging IAM entities shares: request tags as pairs, IAM's tag rules, and the
//! condition keys a request's tags supply.

use std::collections::HashSet;

use warden_policy::ContextValue;
use warden_protocol::iam::Tag;
use warden_store::TAGS_PER_RESOURCE;

use crate::ServiceError;

/// Request tags as pairs.
pub(crate) fn tag_pairs(tags: Option<&[Tag]>) -> Vec<(String, String)> {
    tags.unwrap_or_default()
        .iter()
        .map(|tag| (tag.key.clone(), tag.value.clone()))
        .collect()
}

/// IAM's tag rules: at most [`TAGS_PER_RESOURCE`] on the entity (`User`, `Policy`, … as
/// AWS's quota names it), keys unique ignoring case.
pub(crate) fn check_tags(tags: &[(String, String)], entity: &str) -> Result<(), ServiceError> {
    if tags.len() > TAGS_PER_RESOURCE {
        return Err(ServiceError::LimitExceeded(format!(
            "Cannot exceed quota for TagsPer{entity}: {TAGS_PER_RESOURCE}."
        )));
    }
    let mut seen = HashSet::new();
    for (key, _) in tags {
        if !seen.insert(key.to_ascii_lowercase()) {
            return Err(ServiceError::InvalidInput(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive."
                    .to_owned(),
            ));
        }
    }
    Ok(())
}

/// `aws:RequestTag/<key>` for each tag and `aws:TagKeys` for all of them.
pub(crate) fn tag_keys(tags: &[(String, String)]) -> Vec<(String, ContextValue)> {
    if tags.is_empty() {
        return Vec::new();
    }
    let mut keys: Vec<(String, ContextValue)> = tags
        .iter()
        .map(|(key, value)| {
            (
                format!("aws:RequestTag/{key}"),
                ContextValue::Single(value.clone()),
            )
        })
        .collect();
    keys.push((
        "aws:TagKeys".to_owned(),
        ContextValue::Multi(tags.iter().map(|(k, _)| k.clone()).collect()),
    ));
    keys
}

/// Stored tags as the API shows them: `None` when there are none (entities' `Tags` member
/// is absent then, as in AWS).
pub(crate) fn tag_shapes(tags: &[(String, String)]) -> Option<Vec<Tag>> {
    (!tags.is_empty()).then(|| {
        tags.iter()
            .map(|(key, value)| Tag {
                key: key.clone(),
                value: value.clone(),
            })
            .collect()
    })
}
