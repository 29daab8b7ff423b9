//! Issuing temporary credentials: an `ASIA…` access key id, a secret access key and a
//! self-contained session token ([`crate::session_token`]).

use warden_crypto::credentials::{AccessKeyKind, access_key_id, secret_access_key};
use warden_protocol::sts::Credentials;

use crate::session_token::{Claims, TokenPrincipal, seal};
use crate::{Ctx, ServiceError, Warden};

/// What a new session is.
pub(super) struct NewSession {
    /// Its principal.
    pub(super) principal: TokenPrincipal,
    /// How long it lasts, in seconds.
    pub(super) duration_seconds: i64,
    /// When its principal authenticated with MFA.
    pub(super) mfa_at: Option<jiff::Timestamp>,
    /// The inline session policy.
    pub(super) policy: Option<String>,
    /// The managed session policies.
    pub(super) policy_arns: Vec<String>,
    /// The source identity.
    pub(super) source_identity: Option<String>,
    /// Whether GetSessionToken issues it.
    pub(super) from_get_session_token: bool,
}

/// Credentials for `session` of the caller's account, issued now.
pub(super) fn issue(ctx: &Ctx<'_>, session: NewSession) -> Result<Credentials, ServiceError> {
    issue_in(ctx.warden, ctx.account(), session)
}

/// Credentials for `session` of `account`, issued now (for the federation calls, which
/// have no caller).
pub(super) fn issue_in(
    warden: &Warden,
    account: &str,
    session: NewSession,
) -> Result<Credentials, ServiceError> {
    let internal = |error: warden_crypto::CryptoError| ServiceError::Internal(error.to_string());
    let rng = warden.rng.as_ref();
    let key = access_key_id(AccessKeyKind::Temporary, account, rng).map_err(internal)?;
    let secret = secret_access_key(rng).map_err(internal)?;
    let issued = warden.now();
    let expires_ms = issued
        .as_millisecond()
        .saturating_add(session.duration_seconds.saturating_mul(1000));
    let claims = Claims {
        v: 1,
        key: key.clone(),
        secret: secret.expose_secret().to_owned(),
        account: account.to_owned(),
        principal: session.principal,
        issued: issued.as_millisecond(),
        expires: expires_ms,
        mfa: session.mfa_at.map(jiff::Timestamp::as_millisecond),
        policy: session.policy,
        policy_arns: session.policy_arns,
        source_identity: session.source_identity,
        gst: session.from_get_session_token,
    };
    let token = seal(&warden.sealer, &claims).map_err(internal)?;
    Ok(Credentials {
        access_key_id: key,
        secret_access_key: secret.expose_secret().to_owned(),
        session_token: token,
        // AWS answers whole seconds.
        expiration: crate::timestamp(expires_ms - expires_ms.rem_euclid(1000)),
    })
}

/// AWS's ValidationError when `duration` (seconds) exceeds the role's `MaxSessionDuration`.
pub(super) fn check_max_duration(
    duration: i32,
    max_session_duration: i32,
) -> Result<(), ServiceError> {
    if duration > max_session_duration {
        return Err(ServiceError::Validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
                .to_owned(),
        ));
    }
    Ok(())
}
