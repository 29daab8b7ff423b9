//! Owned requests, a parser for the suite's raw HTTP files, and one-byte mutations.

use warden_sigv4::{RequestParts, SigV4Error, SigningKeyCache, VerifyOptions};

/// An owned HTTP request that lends out [`RequestParts`].
#[derive(Debug, Clone)]
pub(crate) struct OwnedRequest {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl OwnedRequest {
    pub(crate) fn with_parts<R>(&self, f: impl FnOnce(&RequestParts<'_>) -> R) -> R {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let parts = RequestParts {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &headers,
            body: &self.body,
        };
        f(&parts)
    }

    /// `parse` then `verify_with_options`; `Err` when either fails or no SigV4 is present.
    pub(crate) fn check(
        &self,
        secret: &[u8],
        now: jiff::Timestamp,
        options: VerifyOptions,
        cache: &SigningKeyCache,
    ) -> Result<(), SigV4Error> {
        self.with_parts(|parts| {
            let signed =
                warden_sigv4::parse(parts)?.ok_or(SigV4Error::MissingAuthenticationToken)?;
            warden_sigv4::verify_with_options(&signed, parts, secret, now, cache, options)
        })
    }

    /// Parses the suite's `request.txt` format: request line, headers (lines
    /// starting with whitespace continue the previous value, unfolded to one
    /// space as HTTP servers do), blank line, body.
    pub(crate) fn from_suite(text: &str) -> Self {
        let (head, body) = match text.split_once("\n\n") {
            Some((head, body)) => (head, body),
            None => (text, ""),
        };
        let mut lines = head.lines();
        let request_line = lines.next().unwrap();
        let (method, target) = request_line.split_once(' ').unwrap();
        let target = target.strip_suffix(" HTTP/1.1").unwrap_or(target);
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in lines {
            if line.starts_with([' ', '\t']) {
                let last = headers.last_mut().unwrap();
                last.1.push(' ');
                last.1.push_str(line.trim());
            } else if let Some((name, value)) = line.split_once(':') {
                headers.push((name.to_owned(), value.trim().to_owned()));
            }
        }
        Self {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.to_owned(),
            headers,
            body: body.as_bytes().to_vec(),
        }
    }
}

/// Changes one byte so the result differs: a digit or letter becomes the next
/// one, anything else becomes `x`.
pub(crate) fn mutate_byte(byte: u8) -> u8 {
    match byte {
        b'9' => b'0',
        b'z' => b'a',
        b'Z' => b'A',
        b if b.is_ascii_alphanumeric() => b + 1,
        b'x' => b'y',
        _ => b'x',
    }
}

/// The string with its last character mutated (or `x` when empty).
pub(crate) fn mutate_last(s: &str) -> String {
    let mut out = s.to_owned();
    match out.pop() {
        Some(c) if c.is_ascii() => out.push(char::from(mutate_byte(c as u8))),
        Some(_) | None => out.push('x'),
    }
    out
}

/// Mutates the last byte of the last query pair that is signed: not
/// `X-Amz-Signature`, nor `X-Amz-Security-Token` when `token_unsigned` (or
/// appends a parameter when there is none).
pub(crate) fn mutate_query(query: &str, token_unsigned: bool) -> String {
    let mut pairs: Vec<String> = query.split('&').map(str::to_owned).collect();
    match pairs.iter_mut().rev().find(|pair| {
        let unsigned = pair.starts_with("X-Amz-Signature=")
            || (token_unsigned && pair.starts_with("X-Amz-Security-Token="));
        !pair.is_empty() && !unsigned
    }) {
        Some(pair) => *pair = mutate_last(pair),
        None => pairs.push("x=y".to_owned()),
    }
    pairs.join("&")
}

/// Every one-byte tamper of a signed element of `request` (method, path, query,
/// each signed header, body, signature), labelled.
/// `token_unsigned` marks a presigned query whose session token was added after signing.
pub(crate) fn tampered_variants(
    request: &OwnedRequest,
    signed_headers: &[String],
    token_unsigned: bool,
) -> Vec<(String, OwnedRequest)> {
    let mut variants = Vec::new();
    let mut push = |label: String, edit: &dyn Fn(&mut OwnedRequest)| {
        let mut copy = request.clone();
        edit(&mut copy);
        variants.push((label, copy));
    };
    push("method".into(), &|r| r.method = mutate_last(&r.method));
    push("path".into(), &|r| r.path = mutate_last(&r.path));
    push("query".into(), &|r| {
        r.query = mutate_query(&r.query, token_unsigned)
    });
    push("body".into(), &|r| match r.body.last_mut() {
        Some(last) => *last = mutate_byte(*last),
        None => r.body.push(b'x'),
    });
    for name in signed_headers {
        push(format!("header {name}"), &|r| {
            let header = r
                .headers
                .iter_mut()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .unwrap_or_else(|| panic!("signed header {name} missing"));
            header.1 = mutate_last(&header.1);
        });
    }
    push("signature".into(), &|r| {
        if let Some(pos) = r.query.find("X-Amz-Signature=") {
            let start = pos + "X-Amz-Signature=".len();
            let mut bytes = r.query.clone().into_bytes();
            bytes[start] = mutate_hex(bytes[start]);
            r.query = String::from_utf8(bytes).unwrap();
        } else {
            let header = r
                .headers
                .iter_mut()
                .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
                .unwrap();
            let start = header.1.find("Signature=").unwrap() + "Signature=".len();
            let mut bytes = header.1.clone().into_bytes();
            bytes[start] = mutate_hex(bytes[start]);
            header.1 = String::from_utf8(bytes).unwrap();
        }
    });
    variants
}

fn mutate_hex(byte: u8) -> u8 {
    if byte == b'0' { b'1' } else { b'0' }
}
