//! The HTTP edge: read a bounded body, collect headers, find the client's address.

use axum::body::Body;
use axum::http::HeaderMap;
use axum::http::header::CONTENT_LENGTH;
use http_body_util::{BodyExt, Limited};

/// The largest request body Warden reads. IAM's largest input, a 131,072-character policy
/// document, URL-encodes to well under this.
pub(crate) const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// Larger than [`MAX_BODY_BYTES`] (declared or streamed).
    TooLarge,
    /// The client went away or sent broken framing.
    Broken,
    /// The client did not finish sending it within the body timeout (`--body-timeout`).
    TimedOut,
}

/// Read the whole body, refusing early when `Content-Length` already says it is too large and
/// stopping at the limit for streamed bodies.
pub(crate) async fn read_body(headers: &HeaderMap, body: Body) -> Result<Vec<u8>, BodyError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_BODY_BYTES as u64) {
        return Err(BodyError::TooLarge);
    }
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes().to_vec()),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => Err(BodyError::TooLarge),
        Err(_) => Err(BodyError::Broken),
    }
}

/// Header names and values as the SigV4 verifier wants them. Values that are not visible
/// ASCII/UTF-8 are skipped: a request that signed them cannot verify, which fails closed.
pub(crate) fn header_pairs(headers: &HeaderMap) -> Vec<(&str, &str)> {
    headers
        .iter()
        .filter_map(|(name, value)| value.to_str().ok().map(|value| (name.as_str(), value)))
        .collect()
}

/// The first value of a header, as text.
pub(crate) fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}
