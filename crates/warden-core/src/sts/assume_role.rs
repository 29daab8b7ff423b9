//! AssumeRole: a session of a role of the caller's account. The caller's identity policies
//! and the role's trust policy decide together (a trust policy naming the caller suffices;
//! one naming the account delegates to the caller's policies); the session's permissions
//! are the role's, intersected with the session policies passed.

use warden_policy::{ArnParts, ContextValue};
use warden_protocol::Arn;
use warden_protocol::iam::arn as iam_arn;
use warden_protocol::sts::{AssumeRoleRequest, AssumeRoleResponse, AssumedRoleUser};

use super::session::{NewSession, issue};
use crate::operation::{Access, Authorized, Handle};
use crate::session_token::TokenPrincipal;
use crate::{CallerKind, Ctx, ServiceError};

/// The default session duration.
const DEFAULT_SECONDS: i32 = 3_600;
/// The longest session a role session may start (role chaining).
const CHAINED_MAX_SECONDS: i32 = 3_600;

/// The role a request names: its name, when the ARN is a role ARN of the caller's account.
fn role_name<'a>(ctx: &Ctx<'_>, role_arn: &'a str) -> Result<Option<&'a str>, ServiceError> {
    let parts = ArnParts::parse(role_arn)
        .filter(|parts| !parts.resource.is_empty())
        .ok_or_else(|| ServiceError::Validation(format!("{role_arn} is invalid")))?;
    if parts.service != "iam" || parts.account != ctx.account() {
        return Ok(None);
    }
    Ok(parts
        .resource
        .strip_prefix("role/")
        .and_then(|rest| rest.rsplit('/').next()))
}

/// The role a request names, when it exists with exactly that ARN.
fn find_role<'s>(
    ctx: &Ctx<'_>,
    snapshot: &'s crate::Snapshot,
    role_arn: &str,
) -> Result<Option<&'s crate::snapshot::RoleEntry>, ServiceError> {
    Ok(role_name(ctx, role_arn)?
        .and_then(|name| snapshot.role(ctx.account(), name))
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
        if self.tags.as_ref().is_some_and(|tags| !tags.is_empty())
            || self
                .transitive_tag_keys
                .as_ref()
                .is_some_and(|keys| !keys.is_empty())
        {
            return Err(ServiceError::InvalidParameterValue(
                "Session tags are not supported by Warden yet.".to_owned(),
            ));
        }
        let snapshot = ctx.warden.snapshot();
        let trust = find_role(ctx, &snapshot, &self.role_arn)?
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
        let role = find_role(ctx, &snapshot, &self.role_arn)?.ok_or_else(|| {
            ServiceError::AccessDenied(format!(
                "User: {} is not authorized to perform: sts:AssumeRole on resource: {}",
                ctx.caller.arn, self.role_arn
            ))
        })?;
        let chained = matches!(ctx.caller.kind, CallerKind::AssumedRole { .. });
        let duration = self.duration_seconds.unwrap_or(DEFAULT_SECONDS);
        if chained && duration > CHAINED_MAX_SECONDS {
            return Err(ServiceError::Validation(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
                    .to_owned(),
            ));
        }
        super::session::check_max_duration(duration, role.max_session_duration)?;
        let policies =
            super::session_policies::check(self.policy.as_deref(), self.policy_arns.as_deref())?;
        let mfa_at = match (&self.serial_number, &self.token_code) {
            (Some(serial), Some(code)) => {
                let code = crate::iam::check_session_code(ctx, serial, code)?;
                crate::iam::accept_session_code(call, &code)?;
                Some(ctx.warden.now())
            }
            _ => None,
        };
        let source_identity = source_identity(&self, ctx);
        let role_name = crate::ctx::name_in_arn(&role.arn);
        let credentials = issue(
            ctx,
            NewSession {
                principal: TokenPrincipal::Role {
                    name: role_name.clone(),
                    id: role.role_id.clone(),
                    arn: role.arn.clone(),
                    session: self.role_session_name.clone(),
                },
                duration_seconds: i64::from(duration),
                mfa_at,
                policy: self.policy.clone(),
                policy_arns: policies.arns,
                source_identity: source_identity.clone(),
                from_get_session_token: false,
            },
        )?;
        Ok(AssumeRoleResponse {
            credentials: Some(credentials),
            assumed_role_user: Some(AssumedRoleUser {
                assumed_role_id: format!("{}:{}", role.role_id, self.role_session_name),
                arn: format!(
                    "arn:{}:sts::{}:assumed-role/{role_name}/{}",
                    ctx.partition(),
                    ctx.account(),
                    self.role_session_name
                ),
            }),
            packed_policy_size: policies.packed_size,
            source_identity,
            ..AssumeRoleResponse::default()
        })
    }
}
