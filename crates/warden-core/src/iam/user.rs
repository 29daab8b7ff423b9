//! Users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser, their tags, and what they share — the user as
//! the API shows it, tag rules and tag condition keys.

mod create_user;
mod delete_user;
mod get_user;
mod list_users;
mod tag_user;
mod update_user;

use std::collections::HashSet;

use warden_policy::ContextValue;
use warden_protocol::iam::{Tag, User};
use warden_store::{TAGS_PER_RESOURCE, UserRecord};

use crate::operation::Authorized;
use crate::{ServiceError, timestamp};

/// The user, or AWS's NoSuchEntity.
pub(super) fn find_user(call: &Authorized<'_, '_>, name: &str) -> Result<UserRecord, ServiceError> {
    call.read(|tx| tx.users().get(call.ctx.account(), name))?
        .ok_or_else(|| {
            ServiceError::NoSuchEntity(format!("The user with name {name} cannot be found."))
        })
}

/// A stored user as the API shows it.
pub(super) fn user_shape(record: &UserRecord) -> User {
    User {
        path: record.path.clone(),
        user_name: record.user_name.clone(),
        user_id: record.user_id.clone(),
        arn: record.arn.clone(),
        create_date: timestamp(record.create_date),
        tags: (!record.tags.is_empty()).then(|| {
            record
                .tags
                .iter()
                .map(|(key, value)| Tag {
                    key: key.clone(),
                    value: value.clone(),
                })
                .collect()
        }),
        ..User::default()
    }
}

/// Request tags as pairs.
fn tag_pairs(tags: Option<&[Tag]>) -> Vec<(String, String)> {
    tags.unwrap_or_default()
        .iter()
        .map(|tag| (tag.key.clone(), tag.value.clone()))
        .collect()
}

/// IAM's tag rules: at most [`TAGS_PER_RESOURCE`], keys unique ignoring case.
fn check_tags(tags: &[(String, String)]) -> Result<(), ServiceError> {
    if tags.len() > TAGS_PER_RESOURCE {
        return Err(ServiceError::LimitExceeded(format!(
            "Cannot exceed quota for TagsPerUser: {TAGS_PER_RESOURCE}."
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
fn tag_keys(tags: &[(String, String)]) -> Vec<(String, ContextValue)> {
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
