//! GetSessionToken: temporary credentials for an IAM user or the root user, MFA-authenticated
//! when a code is given. AWS documents that no permission is needed (authentication
//! operations cannot be controlled by policies), and that session credentials cannot call it.

use warden_protocol::sts::{GetSessionTokenRequest, GetSessionTokenResponse};

use super::session::{NewSession, issue};
use crate::operation::{Access, Authorized, Handle};
use crate::session_token::TokenPrincipal;
use crate::{CallerKind, Ctx, ServiceError};

/// The default duration for IAM users (12 hours).
const USER_DEFAULT_SECONDS: i32 = 43_200;
/// The longest (and default) duration for the root user (1 hour).
const ROOT_MAX_SECONDS: i32 = 3_600;

impl Handle for GetSessionTokenRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        if ctx.caller.session.is_some() {
            return Err(ServiceError::AccessDenied(
                "Cannot call GetSessionToken with session credentials".to_owned(),
            ));
        }
        Ok(Access::Unconditional)
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetSessionTokenResponse, ServiceError> {
        let ctx = call.ctx;
        let mfa_at = match (&self.serial_number, &self.token_code) {
            (Some(serial), Some(code)) => {
                let code = crate::iam::check_session_code(ctx, serial, code)?;
                crate::iam::accept_session_code(call, &code)?;
                Some(ctx.warden.now())
            }
            (None, None) => None,
            _ => {
                return Err(ServiceError::AccessDenied(
                    "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user."
                        .to_owned(),
                ));
            }
        };
        let (principal, duration) = match &ctx.caller.kind {
            CallerKind::Root => (
                TokenPrincipal::Root,
                self.duration_seconds
                    .unwrap_or(ROOT_MAX_SECONDS)
                    .min(ROOT_MAX_SECONDS),
            ),
            CallerKind::User { user_name, user_id } => (
                TokenPrincipal::User {
                    name: user_name.clone(),
                    id: user_id.clone(),
                    arn: ctx.caller.arn.clone(),
                },
                self.duration_seconds.unwrap_or(USER_DEFAULT_SECONDS),
            ),
            CallerKind::AssumedRole { .. } | CallerKind::FederatedUser { .. } => {
                return Err(ServiceError::AccessDenied(
                    "Cannot call GetSessionToken with session credentials".to_owned(),
                ));
            }
        };
        let credentials = issue(
            ctx,
            NewSession {
                principal,
                duration_seconds: i64::from(duration),
                mfa_at,
                policy: None,
                policy_arns: Vec::new(),
                source_identity: None,
                from_get_session_token: true,
                tags: Vec::new(),
                transitive_tag_keys: Vec::new(),
            },
        )?;
        Ok(GetSessionTokenResponse {
            credentials: Some(credentials),
            ..GetSessionTokenResponse::default()
        })
    }
}
