//! Signature verification: scope and clock checks, then a constant-time HMAC comparison.

use crate::canonical::{
    QueryToken, VerifyOptions, payload_hash, write_canonical_request, write_string_to_sign,
};
use crate::parse::{X_AMZ_SECURITY_TOKEN, query_param};
use crate::{AuthLocation, RequestParts, SigV4Error, SignedRequest, SigningKeyCache};

/// Allowed difference between the request date and the server clock (header auth).
pub const MAX_CLOCK_SKEW_SECS: i64 = 15 * 60;

/// Largest `X-Amz-Expires` accepted for presigned requests (7 days).
pub const MAX_PRESIGNED_EXPIRES_SECS: u64 = 604_800;

/// Verifies the signature with the IAM/STS defaults (see [`VerifyOptions`]).
///
/// Checks, in order: the credential scope date equals `amz_date`'s date; the
/// clock window (±15 min for header auth; for presigned requests
/// `X-Amz-Expires <= 604800`, not expired and not dated more than 15 min in the
/// future); the payload hash; then the signature, in constant time. The derived
/// key is cached in `cache`.
pub fn verify(
    signed: &SignedRequest,
    parts: &RequestParts<'_>,
    secret: &[u8],
    now: jiff::Timestamp,
    cache: &SigningKeyCache,
) -> Result<(), SigV4Error> {
    verify_with_options(signed, parts, secret, now, cache, VerifyOptions::default())
}

/// [`verify`] with explicit canonicalization options.
pub fn verify_with_options(
    signed: &SignedRequest,
    parts: &RequestParts<'_>,
    secret: &[u8],
    now: jiff::Timestamp,
    cache: &SigningKeyCache,
    options: VerifyOptions,
) -> Result<(), SigV4Error> {
    check_scope_date(signed)?;
    check_clock(signed, now)?;
    let payload = payload_hash(parts, signed.location, options)?;
    SCRATCH.with_borrow_mut(|scratch| {
        let Scratch { canonical, to_sign } = scratch;
        let mut attempt = |query_token| {
            canonical.clear();
            to_sign.clear();
            write_canonical_request(
                canonical,
                signed,
                parts,
                options,
                payload.as_str(),
                query_token,
            );
            write_string_to_sign(to_sign, signed, canonical);
            let tag = cache.sign(&signed.scope, secret, to_sign.as_bytes());
            aws_lc_rs::constant_time::verify_slices_are_equal(tag.as_ref(), &signed.signature)
                .is_ok()
        };
        if attempt(QueryToken::Include) {
            return Ok(());
        }
        // Some STS clients add the session token to a presigned URL after signing.
        let token_added_after_signing = signed.location == AuthLocation::Query
            && query_param(parts.query, X_AMZ_SECURITY_TOKEN).is_some();
        if token_added_after_signing && attempt(QueryToken::Exclude) {
            return Ok(());
        }
        Err(SigV4Error::SignatureDoesNotMatch)
    })
}

/// Per-thread buffers for the canonical request and the string to sign, reused across
/// verifications so the hot path allocates nothing. They hold only public request data.
struct Scratch {
    canonical: String,
    to_sign: String,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch {
        canonical: String::with_capacity(512),
        to_sign: String::with_capacity(160),
    });
}

fn check_scope_date(signed: &SignedRequest) -> Result<(), SigV4Error> {
    if signed.amz_date.get(..8) == Some(signed.scope.date.as_str()) {
        Ok(())
    } else {
        Err(SigV4Error::CredentialDateMismatch {
            scope_date: signed.scope.date.clone(),
            amz_date: signed.amz_date.clone(),
        })
    }
}

fn check_clock(signed: &SignedRequest, now: jiff::Timestamp) -> Result<(), SigV4Error> {
    let signed_secs = signed.timestamp.as_second();
    let now_secs = now.as_second();
    if signed_secs > now_secs.saturating_add(MAX_CLOCK_SKEW_SECS) {
        return Err(SigV4Error::SignatureNotYetCurrent {
            signed: signed.amz_date.clone(),
            now: format_amz_date(now),
            latest: format_seconds(now_secs.saturating_add(MAX_CLOCK_SKEW_SECS)),
        });
    }
    match (signed.location, signed.expires_secs) {
        (AuthLocation::Query, Some(expires)) => {
            if expires > MAX_PRESIGNED_EXPIRES_SECS {
                return Err(SigV4Error::IncompleteSignature(format!(
                    "X-Amz-Expires must be less than a week (in seconds) that is {MAX_PRESIGNED_EXPIRES_SECS}"
                )));
            }
            let expires = i64::try_from(expires).unwrap_or(i64::MAX);
            if now_secs > signed_secs.saturating_add(expires) {
                return Err(SigV4Error::RequestExpired);
            }
        }
        _ => {
            if signed_secs < now_secs.saturating_sub(MAX_CLOCK_SKEW_SECS) {
                return Err(SigV4Error::SignatureExpired {
                    signed: signed.amz_date.clone(),
                    now: format_amz_date(now),
                    earliest: format_seconds(now_secs.saturating_sub(MAX_CLOCK_SKEW_SECS)),
                });
            }
        }
    }
    Ok(())
}

/// Formats a timestamp as SigV4's `yyyymmddThhmmssZ`.
pub fn format_amz_date(timestamp: jiff::Timestamp) -> String {
    timestamp.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn format_seconds(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(format_amz_date)
        .unwrap_or_else(|_| seconds.to_string())
}
