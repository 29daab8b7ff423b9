//! CreateUser, GetUser, ListUsers, DeleteUser.

use warden_policy::ContextValue;
use warden_protocol::iam::{
    CreateUserRequest, CreateUserResponse, DeleteUserRequest, GetUserRequest, GetUserResponse,
    ListUsersRequest, ListUsersResponse, Tag, User,
};
use warden_store::{PageRequest, UserRecord};

use super::{Ctx, user_arn};
use crate::{Output, ServiceError, timestamp};

/// AWS's quota of tags per IAM resource.
const MAX_TAGS: usize = 50;
/// ListUsers' default page size.
const DEFAULT_MAX_ITEMS: usize = 100;

pub(super) fn create_user(
    ctx: &Ctx<'_>,
    input: CreateUserRequest,
) -> Result<Option<Output>, ServiceError> {
    let path = input.path.unwrap_or_else(|| "/".to_owned());
    let tags: Vec<(String, String)> = input
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.key, t.value))
        .collect();
    check_tags(&tags)?;
    let arn = user_arn(ctx.account(), &path, &input.user_name);
    let mut keys = tag_keys(&tags);
    if let Some(boundary) = &input.permissions_boundary {
        keys.push((
            "iam:PermissionsBoundary".to_owned(),
            ContextValue::Single(boundary.clone()),
        ));
    }
    ctx.authorize(arn.clone(), keys)?;
    if let Some(boundary) = input.permissions_boundary {
        // Managed policies are not served yet, so no ARN can name an attachable one.
        return Err(ServiceError::NoSuchEntity(format!(
            "Scope ARN: {boundary} does not exist or is not attachable."
        )));
    }
    let record = UserRecord {
        account_id: ctx.account().to_owned(),
        user_name: input.user_name,
        user_id: warden_crypto::credentials::unique_id(
            warden_crypto::credentials::UniqueIdPrefix::User,
            ctx.warden.rng.as_ref(),
        )
        .map_err(|error| ServiceError::Internal(error.to_string()))?,
        path,
        arn,
        create_date: ctx.warden.now().as_millisecond(),
        tags,
        permissions_boundary: None,
    };
    ctx.write_user(&record.user_name, |store| Ok(store.create_user(&record)?))?;
    Ok(Some(Box::new(CreateUserResponse {
        user: Some(user_shape(&record)),
    })))
}

pub(super) fn get_user(
    ctx: &Ctx<'_>,
    input: GetUserRequest,
) -> Result<Option<Output>, ServiceError> {
    if input.user_name.is_none() && ctx.caller.user_name().is_none() {
        // The root user asking about itself.
        ctx.authorize(ctx.caller.arn.clone(), Vec::new())?;
        let account = ctx.warden.store().account(ctx.account())?;
        return Ok(Some(Box::new(GetUserResponse {
            user: User {
                user_id: ctx.account().to_owned(),
                arn: ctx.caller.arn.clone(),
                create_date: timestamp(account.map_or(0, |a| a.create_date)),
                ..User::default()
            },
        })));
    }
    let name = ctx.target_user(input.user_name)?;
    ctx.authorize(ctx.user_arn(&name), Vec::new())?;
    let record = find_user(ctx, &name)?;
    Ok(Some(Box::new(GetUserResponse {
        user: user_shape(&record),
    })))
}

pub(super) fn list_users(
    ctx: &Ctx<'_>,
    input: ListUsersRequest,
) -> Result<Option<Output>, ServiceError> {
    let prefix = input.path_prefix;
    let resource = user_arn(ctx.account(), prefix.as_deref().unwrap_or("/"), "");
    ctx.authorize(resource, Vec::new())?;
    let page = PageRequest {
        marker: input.marker,
        max_items: input
            .max_items
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(DEFAULT_MAX_ITEMS),
    };
    let page = ctx
        .warden
        .store()
        .list_users(ctx.account(), prefix.as_deref(), &page)?;
    let mut users: Vec<User> = page.items.iter().map(user_shape).collect();
    // ListUsers omits tags, as AWS does.
    for user in &mut users {
        user.tags = None;
    }
    Ok(Some(Box::new(ListUsersResponse {
        users,
        is_truncated: Some(page.next_marker.is_some()),
        marker: page.next_marker,
    })))
}

pub(super) fn delete_user(
    ctx: &Ctx<'_>,
    input: &DeleteUserRequest,
) -> Result<Option<Output>, ServiceError> {
    ctx.authorize(ctx.user_arn(&input.user_name), Vec::new())?;
    ctx.write_user(&input.user_name, |store| {
        Ok(store.delete_user(ctx.account(), &input.user_name)?)
    })?;
    Ok(None)
}

/// The user, or AWS's NoSuchEntity.
pub(super) fn find_user(ctx: &Ctx<'_>, name: &str) -> Result<UserRecord, ServiceError> {
    ctx.warden
        .store()
        .user(ctx.account(), name)?
        .ok_or_else(|| {
            ServiceError::NoSuchEntity(format!("The user with name {name} cannot be found."))
        })
}

fn user_shape(record: &UserRecord) -> User {
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

fn check_tags(tags: &[(String, String)]) -> Result<(), ServiceError> {
    if tags.len() > MAX_TAGS {
        return Err(ServiceError::LimitExceeded(format!(
            "Cannot exceed quota for TagsPerUser: {MAX_TAGS}."
        )));
    }
    let mut seen = std::collections::HashSet::new();
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
