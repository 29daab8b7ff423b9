//! AWS Signature Version 4 verification for Authorization headers and presigned query strings. Pure: time and secrets are arguments.
//!
//! Flow: [`parse`] extracts the signature, credential scope and signed headers
//! from a request; the caller looks up the secret for
//! [`CredentialScope::access_key_id`] and calls [`verify`], which rebuilds the
//! canonical request from the client's `SignedHeaders`, checks the clock window
//! and compares the HMAC in constant time.
#![warn(missing_docs)]

mod cache;
mod canonical;
mod encoding;
mod error;
mod parse;
mod verify;

pub use cache::SigningKeyCache;
pub use canonical::{PathEncoding, VerifyOptions, canonical_request, string_to_sign};
pub use error::{SIGNATURE_DOES_NOT_MATCH_MESSAGE, SigV4Error};
pub use parse::parse;
pub use verify::{
    MAX_CLOCK_SKEW_SECS, MAX_PRESIGNED_EXPIRES_SECS, format_amz_date, verify, verify_with_options,
};

/// The only signing algorithm this crate verifies.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The parts of an HTTP request a verifier needs. Path and query are raw (as on
/// the wire, still percent-encoded).
#[derive(Debug, Clone, Copy)]
pub struct RequestParts<'a> {
    /// HTTP method, e.g. `POST`.
    pub method: &'a str,
    /// Raw request path, e.g. `/` or `/a%20b`.
    pub path: &'a str,
    /// Raw query string without the leading `?`; empty when absent.
    pub query: &'a str,
    /// Header names and values in arrival order; names are matched
    /// case-insensitively (and, like on the wire, carry no surrounding whitespace).
    pub headers: &'a [(&'a str, &'a str)],
    /// The complete (buffered) request body.
    pub body: &'a [u8],
}

/// Where the request carries its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthLocation {
    /// `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
    Header,
    /// Presigned query: `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Signature`, ….
    Query,
}

/// Parsed credential scope: `AKID/date/region/service/aws4_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialScope {
    /// The access key ID the client signed with.
    pub access_key_id: String,
    /// `YYYYMMDD`.
    pub date: String,
    /// Signing region, e.g. `us-east-1`.
    pub region: String,
    /// Signing service name, e.g. `sts` or `iam`.
    pub service: String,
}

impl CredentialScope {
    /// Checks the scope names `service` (e.g. `sts` when routing to STS).
    pub fn expect_service(&self, service: &str) -> Result<(), SigV4Error> {
        if self.service == service {
            Ok(())
        } else {
            Err(SigV4Error::InvalidCredentialScope(format!(
                "Credential should be scoped to correct service: '{service}'."
            )))
        }
    }

    /// Checks the scope names one of `regions`.
    pub fn expect_region(&self, regions: &[&str]) -> Result<(), SigV4Error> {
        if regions.contains(&self.region.as_str()) {
            Ok(())
        } else {
            Err(SigV4Error::InvalidCredentialScope(format!(
                "Credential should be scoped to a valid region, not '{}'.",
                self.region
            )))
        }
    }
}

/// A request's SigV4 authentication data, as parsed by [`parse`]. `Debug` leaves the session
/// token out (it carries a sealed secret).
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// Header or presigned-query authentication.
    pub location: AuthLocation,
    /// The credential scope.
    pub scope: CredentialScope,
    /// The client's `SignedHeaders`, in the client's order.
    pub signed_headers: Vec<String>,
    /// The signature the client sent.
    pub signature: [u8; 32],
    /// The request date as signed, `yyyymmddThhmmssZ`.
    pub amz_date: String,
    /// `amz_date` as a timestamp.
    pub timestamp: jiff::Timestamp,
    /// `X-Amz-Expires` for presigned requests, when present.
    pub expires_secs: Option<u64>,
    /// `X-Amz-Security-Token` (header or query parameter), when present.
    pub session_token: Option<String>,
}

impl std::fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedRequest")
            .field("location", &self.location)
            .field("scope", &self.scope)
            .field("signed_headers", &self.signed_headers)
            .field("amz_date", &self.amz_date)
            .field("expires_secs", &self.expires_secs)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}
