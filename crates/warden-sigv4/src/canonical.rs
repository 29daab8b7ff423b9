//! The canonical request and string to sign, rebuilt from the client's `SignedHeaders`.

use aws_lc_rs::digest;

use crate::encoding::{append_encoded, decode, normalize_path};
use crate::parse::{X_AMZ_SECURITY_TOKEN, X_AMZ_SIGNATURE, header_value};
use crate::{ALGORITHM, AuthLocation, RequestParts, SigV4Error, SignedRequest};

/// How the raw request path is turned into the canonical URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathEncoding {
    /// Every service but S3 (IAM, STS, KMS…): the raw, already-encoded path is
    /// encoded again, so `%3D` becomes `%253D`.
    Double,
    /// S3 style: the path is decoded and encoded once.
    Single,
}

/// Knobs for [`crate::verify_with_options`] and [`canonical_request`].
/// The default fits IAM and STS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Remove `.`/`..` and empty path segments before encoding (true for every
    /// service but S3).
    pub normalize_path: bool,
    /// Path encoding; [`PathEncoding::Double`] for every service but S3.
    pub path_encoding: PathEncoding,
    /// Accept `X-Amz-Content-Sha256: UNSIGNED-PAYLOAD` on a non-empty body, and
    /// take a presigned request without that header as `UNSIGNED-PAYLOAD` (S3's
    /// rule for presigned URLs).
    /// Off by default: the Query protocol carries the action in the body, so
    /// an unsigned body would let anyone on the path rewrite it.
    pub allow_unsigned_payload: bool,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            normalize_path: true,
            path_encoding: PathEncoding::Double,
            allow_unsigned_payload: false,
        }
    }
}

const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The hex payload hash that goes last in the canonical request.
pub(crate) struct PayloadHash {
    hex: [u8; 64],
    len: usize,
}

impl PayloadHash {
    pub(crate) fn as_str(&self) -> &str {
        self.hex
            .get(..self.len)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .unwrap_or_default()
    }
}

/// Determines the payload hash: `X-Amz-Content-Sha256` when present (it must
/// match the body, or be `UNSIGNED-PAYLOAD` where allowed), else SHA-256 of the body.
pub(crate) fn payload_hash(
    parts: &RequestParts<'_>,
    location: AuthLocation,
    options: VerifyOptions,
) -> Result<PayloadHash, SigV4Error> {
    let declared = header_value(parts.headers, "x-amz-content-sha256").map(str::trim);
    let presigned_s3 =
        declared.is_none() && location == AuthLocation::Query && options.allow_unsigned_payload;
    if declared == Some(UNSIGNED_PAYLOAD) || presigned_s3 {
        if !parts.body.is_empty() && !options.allow_unsigned_payload {
            return Err(SigV4Error::PayloadHashMismatch);
        }
        let mut hex = [0u8; 64];
        let target = hex
            .get_mut(..UNSIGNED_PAYLOAD.len())
            .ok_or(SigV4Error::PayloadHashMismatch)?;
        target.copy_from_slice(UNSIGNED_PAYLOAD.as_bytes());
        return Ok(PayloadHash {
            hex,
            len: UNSIGNED_PAYLOAD.len(),
        });
    }
    let mut hex = [0u8; 64];
    let body_digest = digest::digest(&digest::SHA256, parts.body);
    hex::encode_to_slice(body_digest.as_ref(), &mut hex)
        .map_err(|_| SigV4Error::PayloadHashMismatch)?;
    if let Some(declared) = declared {
        if !declared.as_bytes().eq_ignore_ascii_case(&hex) {
            return Err(SigV4Error::PayloadHashMismatch);
        }
        hex.copy_from_slice(declared.as_bytes());
    }
    Ok(PayloadHash { hex, len: 64 })
}

/// Whether `X-Amz-Security-Token` in the query takes part in the canonical query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueryToken {
    /// Signed like any other parameter (what SDKs do).
    Include,
    /// Added after signing (older STS clients; the suite's `post-sts-header-after`).
    Exclude,
}

/// The canonical request for `signed` over `parts`, exactly as the client
/// should have built it. Useful for debugging and conformance tests.
pub fn canonical_request(
    signed: &SignedRequest,
    parts: &RequestParts<'_>,
    options: VerifyOptions,
) -> Result<String, SigV4Error> {
    let payload = payload_hash(parts, signed.location, options)?;
    let mut out = String::with_capacity(512);
    write_canonical_request(
        &mut out,
        signed,
        parts,
        options,
        payload.as_str(),
        QueryToken::Include,
    );
    Ok(out)
}

/// Appends the canonical request to `out`.
pub(crate) fn write_canonical_request(
    out: &mut String,
    signed: &SignedRequest,
    parts: &RequestParts<'_>,
    options: VerifyOptions,
    payload_hash: &str,
    query_token: QueryToken,
) {
    out.push_str(parts.method);
    out.push('\n');
    write_canonical_path(out, parts.path, options);
    out.push('\n');
    write_canonical_query(out, parts.query, signed.location, query_token);
    out.push('\n');
    for name in &signed.signed_headers {
        out.push_str(name);
        out.push(':');
        write_header_values(out, parts.headers, name);
        out.push('\n');
    }
    out.push('\n');
    for (i, name) in signed.signed_headers.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(name);
    }
    out.push('\n');
    out.push_str(payload_hash);
}

fn write_canonical_path(out: &mut String, path: &str, options: VerifyOptions) {
    let path = if options.normalize_path {
        normalize_path(path)
    } else if path.is_empty() {
        "/".into()
    } else {
        path.into()
    };
    match options.path_encoding {
        PathEncoding::Double => append_encoded(out, path.as_bytes(), true),
        // Segment by segment, so that an encoded slash inside a key (`a%2Fb`) stays
        // encoded, as S3 signs it.
        PathEncoding::Single => {
            for (index, segment) in path.split('/').enumerate() {
                if index > 0 {
                    out.push('/');
                }
                append_encoded(out, &decode(segment, false), false);
            }
        }
    }
}

fn write_canonical_query(
    out: &mut String,
    query: &str,
    location: AuthLocation,
    query_token: QueryToken,
) {
    if query.is_empty() {
        return;
    }
    // Encoded pairs live in one buffer; entries are (start, key_end, end) in it.
    let mut encoded = String::with_capacity(query.len() + 32);
    let mut entries: Vec<(usize, usize, usize)> = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(key, true);
        let excluded = (location == AuthLocation::Query && *key == *X_AMZ_SIGNATURE.as_bytes())
            || (query_token == QueryToken::Exclude && *key == *X_AMZ_SECURITY_TOKEN.as_bytes());
        if excluded {
            continue;
        }
        let start = encoded.len();
        append_encoded(&mut encoded, &key, false);
        let key_end = encoded.len();
        append_encoded(&mut encoded, &decode(value, true), false);
        entries.push((start, key_end, encoded.len()));
    }
    let pair = |(start, key_end, end): (usize, usize, usize)| {
        (encoded.get(start..key_end), encoded.get(key_end..end))
    };
    entries.sort_unstable_by(|a, b| pair(*a).cmp(&pair(*b)));
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        let (key, value) = pair(*entry);
        out.push_str(key.unwrap_or_default());
        out.push('=');
        out.push_str(value.unwrap_or_default());
    }
}

/// All values of header `name`, each trimmed with inner space runs collapsed,
/// joined by `,`.
fn write_header_values(out: &mut String, headers: &[(&str, &str)], name: &str) {
    let mut first = true;
    for (_, value) in headers
        .iter()
        .filter(|(key, _)| key.eq_ignore_ascii_case(name))
    {
        if !first {
            out.push(',');
        }
        first = false;
        let value = value.trim_matches(|c| c == ' ' || c == '\t');
        if !value.contains("  ") {
            out.push_str(value);
            continue;
        }
        let mut previous_space = false;
        for c in value.chars() {
            if c == ' ' {
                if !previous_space {
                    out.push(' ');
                }
                previous_space = true;
            } else {
                out.push(c);
                previous_space = false;
            }
        }
    }
}

/// The string to sign for `signed` given its canonical request.
pub fn string_to_sign(signed: &SignedRequest, canonical_request: &str) -> String {
    let mut out = String::with_capacity(160);
    write_string_to_sign(&mut out, signed, canonical_request);
    out
}

/// Appends the string to sign to `out`.
pub(crate) fn write_string_to_sign(out: &mut String, signed: &SignedRequest, canonical: &str) {
    let scope = &signed.scope;
    out.push_str(ALGORITHM);
    out.push('\n');
    out.push_str(&signed.amz_date);
    out.push('\n');
    for part in [&scope.date, &scope.region, &scope.service] {
        out.push_str(part);
        out.push('/');
    }
    out.push_str("aws4_request\n");
    let mut hex = [0u8; 64];
    let canonical_digest = digest::digest(&digest::SHA256, canonical.as_bytes());
    if hex::encode_to_slice(canonical_digest.as_ref(), &mut hex).is_ok() {
        out.extend(hex.iter().copied().map(char::from));
    }
}

#[cfg(test)]
mod tests {
    use super::{PathEncoding, VerifyOptions, write_canonical_path};

    #[test]
    fn s3_paths_are_encoded_once_per_segment_and_never_normalized() {
        let s3 = VerifyOptions {
            normalize_path: false,
            path_encoding: PathEncoding::Single,
            allow_unsigned_payload: true,
        };
        let canonical = |path: &str| {
            let mut out = String::new();
            write_canonical_path(&mut out, path, s3);
            out
        };
        assert_eq!(canonical("/b/a%2Fb"), "/b/a%2Fb");
        assert_eq!(canonical("/b/c d+e%2Bf"), "/b/c%20d%2Be%2Bf");
        assert_eq!(canonical("/b/../x//y/"), "/b/../x//y/");
        assert_eq!(canonical("/"), "/");
        assert_eq!(canonical(""), "/");
        assert_eq!(canonical("/b/%7Ekey~"), "/b/~key~");
    }
}
