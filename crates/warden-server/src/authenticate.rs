//! One authentication path for every endpoint (Query, JSON 1.1 and the S3 endpoint): the
//! abuse limits, the key lookup and the SigV4 check, in AWS's order. Each endpoint turns an
//! [`AuthFailure`] into its own protocol's error, and nothing else differs between them.

use std::net::IpAddr;
use std::sync::Arc;

use warden_core::Caller;
use warden_sigv4::{RequestParts, SigV4Error, SignedRequest, VerifyOptions};

use crate::pipeline::AppState;

/// Why a request was not authenticated.
#[derive(Debug)]
pub(crate) enum AuthFailure {
    /// The source or the claimed key is over its failure limit (answered without checking
    /// the signature), or the caller is over an opt-in rate limit.
    Throttled,
    /// The request carries no signature.
    Unsigned,
    /// The signature is malformed, does not verify, or is outside the clock window.
    Signature(SigV4Error),
    /// Signed for another service than the endpoint's (the service the scope names).
    WrongService(String),
    /// The key is unknown or inactive.
    UnknownKey,
    /// The session token does not open (forged, altered, another server's) or belongs to
    /// another access key id.
    BadToken,
    /// The session's credentials have expired (checked after the signature, as AWS does).
    ExpiredToken,
}

/// What an endpoint requires of a signature.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules<'a> {
    /// The service the credential scope must name; `None`: any (the router already chose
    /// the service from the request).
    pub(crate) service: Option<&'a str>,
    /// How the canonical request is built (S3 differs).
    pub(crate) verify: VerifyOptions,
}

/// What authentication learned on the way, for the audit record, failed or not.
#[derive(Debug, Default)]
pub(crate) struct Learned {
    /// The access key id the request claims.
    pub(crate) claimed_key: Option<String>,
    /// The account that owns the claimed key, when it exists.
    pub(crate) key_account: Option<String>,
    /// The region the credential scope names.
    pub(crate) region: Option<String>,
    /// The caller whose signature verified, even when a rate limit then refused the call
    /// (its refusal is recorded as that caller's).
    pub(crate) caller: Option<Arc<Caller>>,
}

/// Authenticates a request under the abuse limits: a source or claimed key that failed too
/// often is refused before its signature is checked; a failure spends their tokens; an
/// authenticated caller then meets the opt-in rate limits.
pub(crate) fn authenticate(
    state: &AppState,
    parts: &RequestParts<'_>,
    signed: Result<Option<SignedRequest>, SigV4Error>,
    source: Option<IpAddr>,
    rules: Rules<'_>,
    learned: &mut Learned,
) -> Result<Arc<Caller>, AuthFailure> {
    let guard = &state.guard;
    let claimed = signed
        .as_ref()
        .ok()
        .and_then(Option::as_ref)
        .map(|signed| signed.scope.access_key_id.clone());
    if guard.refuses_source(source) {
        learned.claimed_key = claimed;
        return Err(AuthFailure::Throttled);
    }
    let checked = signed
        .map_err(AuthFailure::Signature)
        .and_then(|signed| check(state, parts, signed.as_ref(), rules, learned));
    match checked {
        Ok(caller) => {
            learned.caller = Some(Arc::clone(&caller));
            guard
                .admits_call(source, &caller.access_key_id)
                .map_err(|_| AuthFailure::Throttled)?;
            Ok(caller)
        }
        Err(failure) => match guard.failed_authentication(source, claimed.as_deref()) {
            Some(_) => Err(AuthFailure::Throttled),
            None => Err(failure),
        },
    }
}

/// SigV4 without the limits: signed, for the right service, by an active key, verifying.
fn check(
    state: &AppState,
    parts: &RequestParts<'_>,
    signed: Option<&SignedRequest>,
    rules: Rules<'_>,
    learned: &mut Learned,
) -> Result<Arc<Caller>, AuthFailure> {
    let signed = signed.ok_or(AuthFailure::Unsigned)?;
    learned.region = Some(signed.scope.region.clone());
    learned.claimed_key = Some(signed.scope.access_key_id.clone());
    if let Some(service) = rules.service
        && signed.scope.service != service
    {
        return Err(AuthFailure::WrongService(signed.scope.service.clone()));
    }
    if let Some(token) = signed.session_token.as_deref() {
        return check_session(state, parts, signed, token, rules, learned);
    }
    let snapshot = state.warden.snapshot();
    let key = snapshot
        .key(&signed.scope.access_key_id)
        .filter(|key| key.active)
        .ok_or(AuthFailure::UnknownKey)?;
    learned.key_account = Some(key.caller.account_id.clone());
    warden_sigv4::verify_with_options(
        signed,
        parts,
        &key.secret,
        state.warden.now(),
        &state.signing_keys,
        rules.verify,
    )
    .map_err(AuthFailure::Signature)?;
    state.warden.note_key_use(
        &signed.scope.access_key_id,
        &signed.scope.service,
        &signed.scope.region,
    );
    Ok(Arc::clone(&key.caller))
}

/// A request signed with temporary credentials: the session token opens (no store read),
/// names the scope's key id, its secret verifies the signature, and it has not expired.
fn check_session(
    state: &AppState,
    parts: &RequestParts<'_>,
    signed: &SignedRequest,
    token: &str,
    rules: Rules<'_>,
    learned: &mut Learned,
) -> Result<Arc<Caller>, AuthFailure> {
    let opened = state
        .warden
        .open_session(&signed.scope.access_key_id, token)
        .map_err(|_| AuthFailure::BadToken)?;
    learned.key_account = Some(opened.caller.account_id.clone());
    let now = state.warden.now();
    warden_sigv4::verify_with_options(
        signed,
        parts,
        &opened.secret,
        now,
        &state.signing_keys,
        rules.verify,
    )
    .map_err(AuthFailure::Signature)?;
    if opened
        .caller
        .session
        .as_ref()
        .is_none_or(|session| now >= session.expires_at)
    {
        return Err(AuthFailure::ExpiredToken);
    }
    Ok(opened.caller)
}
