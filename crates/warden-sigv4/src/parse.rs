//! Extraction of SigV4 authentication data from the Authorization header or a
//! presigned query string. Never panics, whatever the input.

use crate::encoding::{decode, decode_query_component};
use crate::{ALGORITHM, AuthLocation, CredentialScope, RequestParts, SigV4Error, SignedRequest};

const X_AMZ_ALGORITHM: &str = "X-Amz-Algorithm";
const X_AMZ_CREDENTIAL: &str = "X-Amz-Credential";
const X_AMZ_DATE: &str = "X-Amz-Date";
const X_AMZ_EXPIRES: &str = "X-Amz-Expires";
const X_AMZ_SIGNED_HEADERS: &str = "X-Amz-SignedHeaders";
pub(crate) const X_AMZ_SIGNATURE: &str = "X-Amz-Signature";
pub(crate) const X_AMZ_SECURITY_TOKEN: &str = "X-Amz-Security-Token";

/// Parses the request's SigV4 data.
///
/// Returns `Ok(None)` when the request carries no SigV4 at all (no
/// Authorization header, no `X-Amz-Algorithm`/`X-Amz-Credential`/`X-Amz-Signature`
/// query parameter); the caller answers `MissingAuthenticationToken` for signed
/// operations. Malformed data gives [`SigV4Error::IncompleteSignature`] with
/// AWS's message, and a signature that is not 64 hex digits gives
/// [`SigV4Error::SignatureDoesNotMatch`].
pub fn parse(parts: &RequestParts<'_>) -> Result<Option<SignedRequest>, SigV4Error> {
    let authorization = header_value(parts.headers, "authorization");
    let query = AuthQuery::scan(parts.query);
    let query_auth =
        query.algorithm.is_some() || query.credential.is_some() || query.signature.is_some();
    match (authorization, query_auth) {
        (None, false) => Ok(None),
        (Some(_), true) => Err(incomplete(
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
        )),
        (Some(authorization), false) => parse_header_auth(parts, &query, authorization).map(Some),
        (None, true) => parse_query_auth(parts, &query).map(Some),
    }
}

fn incomplete(message: impl Into<String>) -> SigV4Error {
    SigV4Error::IncompleteSignature(message.into())
}

/// The first value of header `name` (case-insensitive).
pub(crate) fn header_value<'a>(headers: &[(&'a str, &'a str)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| *value)
}

/// The SigV4 parameters of a query string, raw (still encoded); the first
/// occurrence of each wins.
#[derive(Debug, Default)]
struct AuthQuery<'a> {
    algorithm: Option<&'a str>,
    credential: Option<&'a str>,
    date: Option<&'a str>,
    expires: Option<&'a str>,
    signed_headers: Option<&'a str>,
    signature: Option<&'a str>,
    security_token: Option<&'a str>,
}

impl<'a> AuthQuery<'a> {
    /// One pass over the query.
    fn scan(query: &'a str) -> Self {
        let mut found = Self::default();
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if !key.starts_with("X-Amz-") && !key.contains('%') {
                continue;
            }
            let key = decode(key, true);
            let slot = match std::str::from_utf8(&key).unwrap_or_default() {
                X_AMZ_ALGORITHM => &mut found.algorithm,
                X_AMZ_CREDENTIAL => &mut found.credential,
                X_AMZ_DATE => &mut found.date,
                X_AMZ_EXPIRES => &mut found.expires,
                X_AMZ_SIGNED_HEADERS => &mut found.signed_headers,
                X_AMZ_SIGNATURE => &mut found.signature,
                X_AMZ_SECURITY_TOKEN => &mut found.security_token,
                _ => continue,
            };
            slot.get_or_insert(value);
        }
        found
    }
}

/// The decoded value of the first query parameter whose decoded name is `name`.
pub(crate) fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (*decode(key, true) == *name.as_bytes()).then(|| decode_query_component(value))
    })
}

fn parse_header_auth(
    parts: &RequestParts<'_>,
    query: &AuthQuery<'_>,
    authorization: &str,
) -> Result<SignedRequest, SigV4Error> {
    let trimmed = authorization.trim();
    let (algorithm, params) = trimmed.split_once([' ', '\t']).unwrap_or((trimmed, ""));
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    if algorithm == ALGORITHM {
        for pair in params.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((key, value)) = pair.split_once('=') else {
                return Err(incomplete(format!(
                    "'{pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '{authorization}'."
                )));
            };
            let slot = match key.trim() {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed_headers,
                "Signature" => &mut signature,
                _ => continue,
            };
            slot.get_or_insert(value.trim());
        }
    } else if algorithm.starts_with("AWS4-") {
        return Err(incomplete(format!(
            "Unsupported AWS 'algorithm': '{algorithm}'"
        )));
    }
    let date = header_value(parts.headers, "x-amz-date")
        .map(|value| (value, false))
        .or_else(|| header_value(parts.headers, "date").map(|value| (value, true)));

    let mut missing = Vec::new();
    for (value, name) in [
        (credential, "Credential"),
        (signature, "Signature"),
        (signed_headers, "SignedHeaders"),
    ] {
        if value.is_none() {
            missing.push(format!("Authorization header requires '{name}' parameter."));
        }
    }
    if date.is_none() {
        missing.push(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
                .to_owned(),
        );
    }
    let (Some(credential), Some(signature), Some(signed_headers), Some((date, is_http_date))) =
        (credential, signature, signed_headers, date)
    else {
        missing.push(format!("Authorization={authorization}"));
        return Err(incomplete(missing.join(" ")));
    };

    let (amz_date, timestamp) = if is_http_date {
        parse_http_date(date)?
    } else {
        (date.trim().to_owned(), parse_amz_date(date.trim())?)
    };
    let session_token = header_value(parts.headers, "x-amz-security-token")
        .map(|token| token.trim().to_owned())
        .or_else(|| query.security_token.map(decode_query_component));
    Ok(SignedRequest {
        location: AuthLocation::Header,
        scope: parse_credential(credential)?,
        signed_headers: parse_signed_headers(signed_headers)?,
        signature: parse_signature(signature)?,
        amz_date,
        timestamp,
        expires_secs: None,
        session_token,
    })
}

fn parse_query_auth(
    parts: &RequestParts<'_>,
    query: &AuthQuery<'_>,
) -> Result<SignedRequest, SigV4Error> {
    let required = [
        (query.algorithm, X_AMZ_ALGORITHM),
        (query.credential, X_AMZ_CREDENTIAL),
        (query.signature, X_AMZ_SIGNATURE),
        (query.signed_headers, X_AMZ_SIGNED_HEADERS),
        (query.date, X_AMZ_DATE),
    ];
    let missing: Vec<String> = required
        .iter()
        .filter(|(value, _)| value.is_none())
        .map(|(_, name)| {
            format!(
                "AWS query-string parameters must include '{name}'. Re-examine the query-string parameters."
            )
        })
        .collect();
    let (Some(algorithm), Some(credential), Some(signature), Some(signed_headers), Some(date)) = (
        query.algorithm,
        query.credential,
        query.signature,
        query.signed_headers,
        query.date,
    ) else {
        return Err(incomplete(missing.join(" ")));
    };
    let algorithm = decode_query_component(algorithm);
    let credential = decode_query_component(credential);
    let signature = decode_query_component(signature);
    let signed_headers = decode_query_component(signed_headers);
    let date = decode_query_component(date);
    if algorithm != ALGORITHM {
        return Err(incomplete(format!(
            "X-Amz-Algorithm only supports \"{ALGORITHM}\""
        )));
    }
    let expires_secs = match query.expires {
        None => None,
        Some(expires) => Some(
            decode_query_component(expires)
                .parse::<u64>()
                .map_err(|_| incomplete("X-Amz-Expires should be a number"))?,
        ),
    };
    let session_token = query
        .security_token
        .map(decode_query_component)
        .or_else(|| {
            header_value(parts.headers, "x-amz-security-token").map(|token| token.trim().to_owned())
        });
    Ok(SignedRequest {
        location: AuthLocation::Query,
        scope: parse_credential(&credential)?,
        signed_headers: parse_signed_headers(&signed_headers)?,
        signature: parse_signature(&signature)?,
        timestamp: parse_amz_date(&date)?,
        amz_date: date,
        expires_secs,
        session_token,
    })
}

fn parse_credential(credential: &str) -> Result<CredentialScope, SigV4Error> {
    let malformed = || {
        incomplete(format!(
            "Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\", got '{credential}'."
        ))
    };
    let mut fields = credential.trim().split('/');
    let (Some(access_key_id), Some(date), Some(region), Some(service), Some(terminator), None) = (
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
    ) else {
        return Err(malformed());
    };
    if access_key_id.is_empty() || region.is_empty() || service.is_empty() {
        return Err(malformed());
    }
    if terminator != "aws4_request" {
        return Err(SigV4Error::InvalidCredentialScope(format!(
            "Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'."
        )));
    }
    if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return Err(incomplete(format!(
            "Invalid credential date \"{date}\". Date is not the required format: yyyyMMdd."
        )));
    }
    Ok(CredentialScope {
        access_key_id: access_key_id.to_owned(),
        date: date.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
    })
}

fn parse_signed_headers(signed_headers: &str) -> Result<Vec<String>, SigV4Error> {
    let names: Vec<String> = signed_headers
        .trim()
        .split(';')
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect();
    if !names
        .iter()
        .any(|name| name.eq_ignore_ascii_case("host") || name == ":authority")
    {
        return Err(incomplete(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    Ok(names)
}

fn parse_signature(signature: &str) -> Result<[u8; 32], SigV4Error> {
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(signature.trim(), &mut bytes)
        .map_err(|_| SigV4Error::SignatureDoesNotMatch)?;
    Ok(bytes)
}

fn date_format_error(date: &str) -> SigV4Error {
    incomplete(format!(
        "Date must be in ISO-8601 'basic format'. Got '{date}'. See http://en.wikipedia.org/wiki/ISO_8601"
    ))
}

/// Parses `yyyymmddThhmmssZ`.
pub(crate) fn parse_amz_date(date: &str) -> Result<jiff::Timestamp, SigV4Error> {
    let bytes = date.as_bytes();
    let well_formed = bytes.len() == 16
        && bytes.get(8) == Some(&b'T')
        && bytes.get(15) == Some(&b'Z')
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 8 || i == 15 || b.is_ascii_digit());
    if !well_formed {
        return Err(date_format_error(date));
    }
    let number = |range: std::ops::Range<usize>| -> i32 {
        bytes
            .get(range)
            .unwrap_or_default()
            .iter()
            .fold(0, |acc, digit| acc * 10 + i32::from(digit - b'0'))
    };
    let small = |range: std::ops::Range<usize>| i8::try_from(number(range)).unwrap_or(i8::MAX);
    let year = i16::try_from(number(0..4)).map_err(|_| date_format_error(date))?;
    jiff::civil::DateTime::new(
        year,
        small(4..6),
        small(6..8),
        small(9..11),
        small(11..13),
        small(13..15),
        0,
    )
    .and_then(|datetime| jiff::tz::TimeZone::UTC.to_timestamp(datetime))
    .map_err(|_| date_format_error(date))
}

/// Parses an RFC 2822 `Date` header (or a basic-format one) and renders it as `amz_date`.
fn parse_http_date(date: &str) -> Result<(String, jiff::Timestamp), SigV4Error> {
    let date = date.trim();
    let timestamp = parse_amz_date(date).or_else(|_| {
        jiff::fmt::rfc2822::DateTimeParser::new()
            .parse_timestamp(date)
            .map_err(|_| date_format_error(date))
    })?;
    Ok((crate::format_amz_date(timestamp), timestamp))
}
