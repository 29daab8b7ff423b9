//! AssumeRole: a session of a role of the caller's account or of another Warden account
//! (the session's credentials then belong to that account). The caller's identity policies
//! and the role's trust policy decide together (in the same account, a trust policy naming
//! the caller suffices and one naming the account delegates to the caller's policies;
//! across accounts both must allow); the session's permissions are the role's,
//! intersected with the session policies passed.

use warden_policy::{ArnParts, ContextValue};
use warden_protocol::Arn;
use warden_protocol::iam::arn as iam_arn;
use warden_protocol::sts::{AssumeRoleRequest, AssumeRoleResponse};

use super::role_session;
use super::session::{NewSession, issue_in};
use super::session_policies::{packed_size, session_policies};
use super::session_tags::{SessionTags, TAG_SESSION};
use crate::operation::{Access, Authorized, Handle};
use crate::session_token::TokenPrincipal;
use crate::{CallerKind, Ctx, ServiceError};

/// The role a request names: its account and name, when the ARN is a role ARN.
fn role_name(role_arn: &str) -> Result<Option<(&str, &str)>, ServiceError> {
    let parts = ArnParts::parse(role_arn)
        .filter(|parts| !parts.resource.is_empty())
        .ok_or_else(|| ServiceError::Validation(format!("{role_arn} is invalid")))?;
    if parts.service != "iam" {
        return Ok(None);
    }
    Ok(parts
        .resource
        .strip_prefix("role/")
        .and_then(|rest| rest.rsplit('/').next())
        .map(|name| (parts.account, name)))
}

/// The role a request names (in any account of this Warden), when it exists with exactly
/// that ARN.
fn find_role<'s>(
    snapshot: &'s crate::Snapshot,
    role_arn: &str,
) -> Result<Option<&'s crate::snapshot::RoleEntry>, ServiceError> {
    Ok(role_name(role_arn)?
        .and_then(|(account, name)| snapshot.role(account, name))
        .filter(|role| role.arn == role_arn))
}

/// The new session's source identity: the one given, or the calling session's (kept
/// across role chaining).
fn source_identity(request: &AssumeRoleRequest, ctx: &Ctx<'_>) -> Option<String> {
    request.source_identity.clone().or_else(|| {
        ctx.caller
            .session
            .as_ref()
            .and_then(|session| session.source_identity.clone())
    })
}

impl Handle for AssumeRoleRequest {
    const WRITES: bool = false;

    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        if ctx.caller.is_root() {
            return Err(ServiceError::AccessDenied(
                "Roles may not be assumed by root accounts.".to_owned(),
            ));
        }
        let tags = SessionTags::new(
            ctx,
            self.tags.as_deref(),
            self.transitive_tag_keys.as_deref(),
        )?;
        let snapshot = ctx.warden.snapshot();
        let trust = find_role(&snapshot, &self.role_arn)?
            .and_then(|role| role.trust.as_ref().ok().cloned());
        let single = |value: &str| ContextValue::Single(value.to_owned());
        let mut keys = vec![(
            "sts:RoleSessionName".to_owned(),
            single(&self.role_session_name),
        )];
        if let Some(external_id) = &self.external_id {
            keys.push(("sts:ExternalId".to_owned(), single(external_id)));
        }
        let source_identity = source_identity(self, ctx);
        let mut extra = Vec::new();
        if tags.any() {
            keys.extend(tags.condition_keys());
            extra.push(TAG_SESSION);
        }
        if let Some(source) = &source_identity {
            keys.push(("sts:SourceIdentity".to_owned(), single(source)));
            extra.push("sts:SetSourceIdentity");
        }
        if let (Some(serial), Some(code)) = (&self.serial_number, &self.token_code) {
            // The code is checked before authorization, so that a trust policy requiring
            // MFA sees it; its step is recorded once the call is authorized.
            crate::iam::check_session_code(ctx, serial, code)?;
            keys.push(("aws:MultiFactorAuthPresent".to_owned(), single("true")));
            keys.push(("aws:MultiFactorAuthAge".to_owned(), single("0")));
        }
        Ok(Access::Trusted {
            role: Arn {
                resource_type: &iam_arn::ROLE,
                value: self.role_arn.clone(),
            },
            trust,
            extra,
            keys,
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<AssumeRoleResponse, ServiceError> {
        let ctx = call.ctx;
        let snapshot = ctx.warden.snapshot();
        let role = find_role(&snapshot, &self.role_arn)?.ok_or_else(|| {
            ServiceError::AccessDenied(format!(
                "User: {} is not authorized to perform: sts:AssumeRole on resource: {}",
                ctx.caller.arn, self.role_arn
            ))
        })?;
        let chained = matches!(ctx.caller.kind, CallerKind::AssumedRole { .. });
        let duration = role_session::duration(role, self.duration_seconds, chained)?;
        let policy_arns = session_policies(self.policy.as_deref(), self.policy_arns.as_deref())?;
        let tags = SessionTags::new(
            ctx,
            self.tags.as_deref(),
            self.transitive_tag_keys.as_deref(),
        )?;
        let packed = packed_size(self.policy.as_deref(), &policy_arns, &tags)?;
        let mfa_at = match (&self.serial_number, &self.token_code) {
            (Some(serial), Some(code)) => {
                let code = crate::iam::check_session_code(ctx, serial, code)?;
                crate::iam::accept_session_code(call, &code)?;
                Some(ctx.warden.now())
            }
            _ => None,
        };
        let source_identity = source_identity(&self, ctx);
        let account = role_name_account(&role.arn)?;
        let (session_tags, transitive_tag_keys) = tags.into_session();
        let credentials = issue_in(
            ctx.warden,
            &account,
            NewSession {
                principal: TokenPrincipal::Role {
                    name: crate::ctx::name_in_arn(&role.arn),
                    id: role.role_id.clone(),
                    arn: role.arn.clone(),
                    session: self.role_session_name.clone(),
                },
                duration_seconds: i64::from(duration),
                mfa_at,
                policy: self.policy.clone(),
                policy_arns,
                source_identity: source_identity.clone(),
                from_get_session_token: false,
                tags: session_tags,
                transitive_tag_keys,
            },
        )?;
        Ok(AssumeRoleResponse {
            credentials: Some(credentials),
            assumed_role_user: Some(role_session::assumed_role_user(
                ctx.partition(),
                &account,
                role,
                &self.role_session_name,
            )),
            packed_policy_size: packed,
            source_identity,
            ..AssumeRoleResponse::default()
        })
    }
}

/// The account of the role `role_arn` (the account the session's credentials belong to).
fn role_name_account(role_arn: &str) -> Result<String, ServiceError> {
    role_name(role_arn)?
        .map(|(account, _)| account.to_owned())
        .ok_or_else(|| ServiceError::Internal("a found role without an account".to_owned()))
}
