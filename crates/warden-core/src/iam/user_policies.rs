//! PutUserPolicy, GetUserPolicy, ListUserPolicies, DeleteUserPolicy.

use warden_policy::limits::USER_INLINE as USER_POLICY_SIZE_QUOTA;
use warden_policy::{Policy, PolicyKind, size_without_whitespace};
use warden_protocol::iam::{
    DeleteUserPolicyRequest, GetUserPolicyRequest, GetUserPolicyResponse, ListUserPoliciesRequest,
    ListUserPoliciesResponse, PutUserPolicyRequest,
};
use warden_store::UserPolicyRecord;

use super::Ctx;
use super::users::find_user;
use crate::{Output, ServiceError};

pub(super) fn put_user_policy(
    ctx: &Ctx<'_>,
    input: PutUserPolicyRequest,
) -> Result<Option<Output>, ServiceError> {
    ctx.authorize(ctx.user_arn(&input.user_name), Vec::new())?;
    let user = find_user(ctx, &input.user_name)?;
    Policy::parse(
        input.policy_name.clone(),
        &input.policy_document,
        PolicyKind::Identity,
    )
    .map_err(|error| ServiceError::MalformedPolicyDocument(error.to_string()))?;
    let others: usize = ctx
        .warden
        .store()
        .list_user_policies(ctx.account(), &user.user_name)?
        .iter()
        .filter(|p| !p.policy_name.eq_ignore_ascii_case(&input.policy_name))
        .map(|p| size_without_whitespace(&p.document))
        .sum();
    if others + size_without_whitespace(&input.policy_document) > USER_POLICY_SIZE_QUOTA {
        return Err(ServiceError::LimitExceeded(format!(
            "Maximum policy size of {USER_POLICY_SIZE_QUOTA} bytes exceeded for user {}",
            user.user_name
        )));
    }
    let record = UserPolicyRecord {
        account_id: ctx.account().to_owned(),
        user_name: user.user_name,
        policy_name: input.policy_name,
        document: input.policy_document,
    };
    ctx.write_user(&record.user_name, |store| {
        Ok(store.put_user_policy(&record)?)
    })?;
    Ok(None)
}

pub(super) fn get_user_policy(
    ctx: &Ctx<'_>,
    input: &GetUserPolicyRequest,
) -> Result<Option<Output>, ServiceError> {
    ctx.authorize(ctx.user_arn(&input.user_name), Vec::new())?;
    let user = find_user(ctx, &input.user_name)?;
    let policy = ctx
        .warden
        .store()
        .user_policy(ctx.account(), &user.user_name, &input.policy_name)?
        .ok_or_else(|| {
            ServiceError::NoSuchEntity(format!(
                "The user policy with name {} cannot be found.",
                input.policy_name
            ))
        })?;
    Ok(Some(Box::new(GetUserPolicyResponse {
        user_name: user.user_name,
        policy_name: policy.policy_name,
        policy_document: policy.document,
    })))
}

pub(super) fn list_user_policies(
    ctx: &Ctx<'_>,
    input: &ListUserPoliciesRequest,
) -> Result<Option<Output>, ServiceError> {
    ctx.authorize(ctx.user_arn(&input.user_name), Vec::new())?;
    let user = find_user(ctx, &input.user_name)?;
    let names = ctx
        .warden
        .store()
        .list_user_policies(ctx.account(), &user.user_name)?
        .into_iter()
        .map(|p| p.policy_name)
        .collect();
    Ok(Some(Box::new(ListUserPoliciesResponse {
        policy_names: names,
        is_truncated: Some(false),
        marker: None,
    })))
}

pub(super) fn delete_user_policy(
    ctx: &Ctx<'_>,
    input: &DeleteUserPolicyRequest,
) -> Result<Option<Output>, ServiceError> {
    ctx.authorize(ctx.user_arn(&input.user_name), Vec::new())?;
    ctx.write_user(&input.user_name, |store| {
        Ok(store.delete_user_policy(ctx.account(), &input.user_name, &input.policy_name)?)
    })?;
    Ok(None)
}
