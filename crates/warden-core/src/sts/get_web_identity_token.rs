//! GetWebIdentityToken: a JWT, signed by Warden, that vouches for the caller to an external
//! service trusting the account's issuer ([`super::outbound`]). The account must have
//! enabled outbound identity federation (IAM EnableOutboundWebIdentityFederation); the
//! token lives 60 s to an hour (default 300 s) and never beyond the calling session.

use std::collections::BTreeMap;

use jsonwebtoken::{Algorithm, Header};
use serde_json::json;
use warden_policy::ContextValue;
use warden_protocol::sts::{GetWebIdentityTokenRequest, GetWebIdentityTokenResponse, errors};

use super::outbound::issuer_url;
use crate::operation::{Access, Authorized, Handle};
use crate::{Ctx, ServiceError};

/// The default token lifetime, in seconds.
const DEFAULT_SECONDS: i32 = 300;

impl Handle for GetWebIdentityTokenRequest {
    /// The token is signed, not stored: nothing is written.
    const WRITES: bool = false;

    fn access(&self, _ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let single = |value: String| ContextValue::Single(value);
        let mut keys = vec![
            (
                "sts:IdentityTokenAudience".to_owned(),
                ContextValue::Multi(self.audience.clone()),
            ),
            (
                "sts:SigningAlgorithm".to_owned(),
                single(self.signing_algorithm.clone()),
            ),
            (
                "sts:DurationSeconds".to_owned(),
                single(self.duration_seconds.unwrap_or(DEFAULT_SECONDS).to_string()),
            ),
        ];
        let tags = self.tags.iter().flatten();
        for tag in tags.clone() {
            keys.push((
                format!("aws:RequestTag/{}", tag.key),
                single(tag.value.clone()),
            ));
        }
        if self.tags.is_some() {
            keys.push((
                "aws:TagKeys".to_owned(),
                ContextValue::Multi(tags.map(|tag| tag.key.clone()).collect()),
            ));
        }
        Ok(Access::Check {
            resources: Vec::new(),
            keys,
        })
    }

    fn handle(
        self,
        call: &mut Authorized<'_, '_>,
    ) -> Result<GetWebIdentityTokenResponse, ServiceError> {
        let ctx = call.ctx;
        let algorithm = match self.signing_algorithm.as_str() {
            "RS256" => Algorithm::RS256,
            "ES384" => Algorithm::ES384,
            other => {
                return Err(ServiceError::Validation(format!(
                    "1 validation error detected: Value '{other}' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [RS256, ES384]"
                )));
            }
        };
        let federation = call
            .read(|tx| tx.accounts().outbound_federation(ctx.account()))?
            .filter(|record| record.enabled)
            .ok_or_else(|| {
                ServiceError::modeled(
                    &errors::OUTBOUND_WEB_IDENTITY_FEDERATION_DISABLED,
                    "Outbound web identity federation is disabled for this account.",
                )
            })?;
        let now = ctx.warden.now().as_second();
        let expires = now + i64::from(self.duration_seconds.unwrap_or(DEFAULT_SECONDS));
        if let Some(session) = &ctx.caller.session
            && expires > session.expires_at.as_second()
        {
            return Err(ServiceError::modeled(
                &errors::SESSION_DURATION_ESCALATION,
                "The requested token duration would extend the session beyond its original expiration time.",
            ));
        }
        let mut claims = json!({
            "iss": issuer_url(ctx.warden, ctx.account(), &federation.issuer_id),
            "sub": ctx.caller.principal_arn(),
            "aud": if self.audience.len() == 1 {
                json!(self.audience.first())
            } else {
                json!(self.audience)
            },
            "iat": now,
            "nbf": now,
            "exp": expires,
            "jti": ctx.warden.request_id().to_string(),
        });
        if let Some(tags) = &self.tags {
            let tags: BTreeMap<&str, &str> = tags
                .iter()
                .map(|tag| (tag.key.as_str(), tag.value.as_str()))
                .collect();
            if let Some(object) = claims.as_object_mut() {
                object.insert("tags".to_owned(), json!(tags));
            }
        }
        let keys = ctx.warden.token_keys()?;
        let key = keys
            .for_algorithm(algorithm)
            .ok_or_else(|| ServiceError::Internal("no key for the algorithm".to_owned()))?;
        let mut header = Header::new(algorithm);
        header.kid.clone_from(&key.jwk.common.key_id);
        let token = jsonwebtoken::encode(&header, &claims, &key.encoding)
            .map_err(|error| ServiceError::Internal(error.to_string()))?;
        Ok(GetWebIdentityTokenResponse {
            web_identity_token: Some(token),
            expiration: Some(crate::timestamp(expires.saturating_mul(1000))),
        })
    }
}
