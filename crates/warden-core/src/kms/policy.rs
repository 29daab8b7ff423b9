//! Key policies: the default policy AWS writes, validation with the lockout safety check,
//! and GetKeyPolicy, PutKeyPolicy, ListKeyPolicies.

use warden_policy::{Policy, PolicyKind};
use warden_protocol::NoOutput;
use warden_protocol::kms::{
    GetKeyPolicyRequest, GetKeyPolicyResponse, ListKeyPoliciesRequest, ListKeyPoliciesResponse,
    PutKeyPolicyRequest, errors,
};

use super::key::{find, page, require_not_pending, store};
use super::resolve::access_to;
use crate::authorize::{Permission, authorize_with_key_policy};
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

/// The only key policy name.
const DEFAULT_NAME: &str = "default";

/// The key policy AWS gives a key created without one, in AWS's own layout: the account
/// principal may do everything, which delegates the key's use to IAM policies.
pub(crate) fn default_policy(partition: &str, account: &str) -> String {
    format!(
        "{{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {{\n    \
         \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n    \
         \"Principal\" : {{\n      \"AWS\" : \"arn:{partition}:iam::{account}:root\"\n    }},\n    \
         \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  }} ]\n}}"
    )
}

/// Validates a key policy for the key `key_arn` of `account`: it must parse as a resource
/// policy, and — unless the caller bypasses the check — allow the caller to change the key
/// policy later (AWS's lockout safety check).
///
/// # Errors
///
/// `MalformedPolicyDocumentException` in AWS's words.
pub(crate) fn check_policy(
    ctx: &Ctx<'_>,
    text: &str,
    key_arn: &str,
    account: &str,
    bypass_lockout_check: bool,
) -> Result<(), ServiceError> {
    let policy =
        Policy::parse(key_arn.to_owned(), text, PolicyKind::Resource).map_err(|error| {
            ServiceError::modeled(&errors::MALFORMED_POLICY_DOCUMENT, error.message())
        })?;
    if bypass_lockout_check {
        return Ok(());
    }
    let permission = Permission {
        action: "kms:PutKeyPolicy".to_owned(),
        resource: key_arn.to_owned(),
        resource_account: account.to_owned(),
        keys: super::conditions::request_keys(ctx, None),
    };
    authorize_with_key_policy(
        &ctx.warden.snapshot(),
        ctx.caller,
        ctx.facts,
        permission,
        &policy,
        false,
    )
    .map_err(|_| {
        ServiceError::modeled(
            &errors::MALFORMED_POLICY_DOCUMENT,
            "The new key policy will not allow you to update the key policy in the future."
                .to_owned(),
        )
    })
}

/// Refuses a policy name other than `default`.
fn check_name(name: Option<&str>) -> Result<(), ServiceError> {
    match name {
        None | Some(DEFAULT_NAME) => Ok(()),
        Some(other) => Err(ServiceError::modeled(
            &errors::NOT_FOUND,
            format!("No such policy exists: {other}"),
        )),
    }
}

impl Handle for GetKeyPolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(ctx, &self.key_id, "GetKeyPolicy", None, Vec::new())
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<GetKeyPolicyResponse, ServiceError> {
        check_name(self.policy_name.as_deref())?;
        let key = find(call, &self.key_id)?.key;
        Ok(GetKeyPolicyResponse {
            policy: Some(key.policy),
            policy_name: Some(DEFAULT_NAME.to_owned()),
        })
    }
}

impl Handle for PutKeyPolicyRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let bypass = self.bypass_policy_lockout_safety_check.unwrap_or(false);
        access_to(
            ctx,
            &self.key_id,
            "PutKeyPolicy",
            None,
            vec![super::conditions::request_value(
                "kms:BypassPolicyLockoutSafetyCheck",
                if bypass { "true" } else { "false" },
            )],
        )
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        check_name(self.policy_name.as_deref())?;
        let mut key = find(call, &self.key_id)?.key;
        require_not_pending(&key)?;
        check_policy(
            call.ctx,
            &self.policy,
            &key.arn,
            &key.account_id,
            self.bypass_policy_lockout_safety_check.unwrap_or(false),
        )?;
        key.policy = self.policy;
        store(call, &key)?;
        Ok(NoOutput)
    }
}

impl Handle for ListKeyPoliciesRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        access_to(ctx, &self.key_id, "ListKeyPolicies", None, Vec::new())
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<ListKeyPoliciesResponse, ServiceError> {
        find(call, &self.key_id)?;
        let (names, next) = page(
            vec![DEFAULT_NAME.to_owned()],
            self.marker.as_deref(),
            self.limit,
            100,
        )?;
        Ok(ListKeyPoliciesResponse {
            policy_names: Some(names),
            truncated: Some(next.is_some()),
            next_marker: next,
        })
    }
}
