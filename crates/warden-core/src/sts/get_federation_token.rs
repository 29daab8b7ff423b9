//! GetFederationToken: a federated user's session, issued by an IAM user (or the root user)
//! with long-term credentials — the proxy pattern of a custom identity broker. The session's
//! permissions are its IAM user's intersected with the session policies passed; none passed
//! means none at all (AWS: "if you do not pass a policy, then the resulting federated user
//! session has no permissions"). Its credentials cannot call IAM, nor STS except
//! GetCallerIdentity (see `sts::refused_for_session`).

use warden_protocol::sts::arn as sts_arn;
use warden_protocol::sts::{FederatedUser, GetFederationTokenRequest, GetFederationTokenResponse};

use super::session::{NewSession, issue};
use super::session_policies::{packed_size, session_policies};
use super::session_tags::{SessionTags, TAG_SESSION};
use crate::operation::{Access, Authorized, Handle};
use crate::session_token::TokenPrincipal;
use crate::{CallerKind, Ctx, ServiceError};

/// The default duration (12 hours).
const DEFAULT_SECONDS: i32 = 43_200;
/// The longest session the root user's credentials may federate (1 hour).
const ROOT_MAX_SECONDS: i32 = 3_600;

impl Handle for GetFederationTokenRequest {
    const WRITES: bool = false;

    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        if ctx.caller.session.is_some() {
            return Err(ServiceError::AccessDenied(
                "Cannot call GetFederationToken with session credentials".to_owned(),
            ));
        }
        let tags = SessionTags::new(ctx, self.tags.as_deref(), None)?;
        let extra = if tags.any() {
            vec![TAG_SESSION]
        } else {
            Vec::new()
        };
        Ok(Access::CheckWith {
            resource: sts_arn::federated_user(ctx.partition(), ctx.account(), &self.name),
            extra,
            keys: tags.condition_keys(),
        })
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetFederationTokenResponse, ServiceError> {
        let ctx = call.ctx;
        let policy_arns = session_policies(self.policy.as_deref(), self.policy_arns.as_deref())?;
        let tags = SessionTags::new(ctx, self.tags.as_deref(), None)?;
        let packed = packed_size(self.policy.as_deref(), &policy_arns, &tags)?;
        let requested = self.duration_seconds.unwrap_or(DEFAULT_SECONDS);
        let (user, duration) = match &ctx.caller.kind {
            CallerKind::User { user_name, user_id } => (
                Some((user_name.clone(), user_id.clone(), ctx.caller.arn.clone())),
                requested,
            ),
            // AWS: a longer duration asked with the root user's credentials defaults to one
            // hour.
            CallerKind::Root => (None, requested.min(ROOT_MAX_SECONDS)),
            CallerKind::AssumedRole { .. } | CallerKind::FederatedUser { .. } => {
                return Err(ServiceError::AccessDenied(
                    "Cannot call GetFederationToken with session credentials".to_owned(),
                ));
            }
        };
        let (session_tags, transitive_tag_keys) = tags.into_session();
        let credentials = issue(
            ctx,
            NewSession {
                principal: TokenPrincipal::Federated {
                    name: self.name.clone(),
                    user,
                },
                duration_seconds: i64::from(duration),
                mfa_at: None,
                policy: self.policy.clone(),
                policy_arns,
                source_identity: None,
                from_get_session_token: false,
                tags: session_tags,
                transitive_tag_keys,
            },
        )?;
        Ok(GetFederationTokenResponse {
            credentials: Some(credentials),
            federated_user: Some(FederatedUser {
                federated_user_id: format!("{}:{}", ctx.account(), self.name),
                arn: sts_arn::federated_user(ctx.partition(), ctx.account(), &self.name).value,
            }),
            packed_policy_size: packed,
            ..GetFederationTokenResponse::default()
        })
    }
}
