//! The tag lists of taggable entities (users, managed policies): adding and removing tags,
//! their keys compared case-insensitively ([`tag_key_fold`]). Each entity reads and writes
//! its own tag table.

use warden_store::{EntityKind, StoreError, TAGS_PER_RESOURCE, tag_key_fold};

/// `current` with `added` merged in: a tag whose key matches an existing one replaces it
/// (value and spelling), in place; new keys are appended.
///
/// # Errors
///
/// [`StoreError::tag_quota_exceeded`] for `kind` if the result would have more than
/// [`TAGS_PER_RESOURCE`] tags.
pub(crate) fn merged(
    mut current: Vec<(String, String)>,
    added: &[(String, String)],
    kind: EntityKind,
) -> Result<Vec<(String, String)>, StoreError> {
    for (tag_key, tag_value) in added {
        let fold = tag_key_fold(tag_key);
        match current
            .iter_mut()
            .find(|(existing, _)| tag_key_fold(existing) == fold)
        {
            Some(existing) => *existing = (tag_key.clone(), tag_value.clone()),
            None => current.push((tag_key.clone(), tag_value.clone())),
        }
    }
    if current.len() > TAGS_PER_RESOURCE {
        return Err(StoreError::tag_quota_exceeded(kind));
    }
    Ok(current)
}

/// `current` without the tags whose keys match one of `removed`.
pub(crate) fn without(
    mut current: Vec<(String, String)>,
    removed: &[String],
) -> Vec<(String, String)> {
    let removed: Vec<String> = removed.iter().map(|key| tag_key_fold(key)).collect();
    current.retain(|(tag_key, _)| !removed.contains(&tag_key_fold(tag_key)));
    current
}
