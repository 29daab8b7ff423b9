//! The AWS SigV4 signing test suite (CRT `aws-signing-test-suite/v4`) as goldens:
//! every case parses, rebuilds the suite's canonical request and string to sign,
//! verifies with the case's credentials and time, and fails after any one-byte
//! tamper of a signed element.

use std::path::{Path, PathBuf};

use warden_sigv4::{
    AuthLocation, PathEncoding, SigningKeyCache, VerifyOptions, canonical_request, string_to_sign,
};

use crate::support::{OwnedRequest, tampered_variants};

const DEFAULT_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/sigv4-test-suite/v4")
}

fn read(case: &Path, file: &str) -> String {
    std::fs::read_to_string(case.join(file))
        .unwrap_or_else(|err| panic!("{}/{file}: {err}", case.display()))
}

struct Context {
    access_key_id: String,
    secret: String,
    token: Option<String>,
    region: String,
    service: String,
    now: jiff::Timestamp,
    options: VerifyOptions,
}

fn context(case: &Path, name: &str) -> Context {
    let json: serde_json::Value = serde_json::from_str(&read(case, "context.json")).unwrap();
    let creds = &json["credentials"];
    Context {
        access_key_id: creds["access_key_id"].as_str().unwrap().to_owned(),
        secret: creds["secret_access_key"].as_str().unwrap().to_owned(),
        token: creds["token"].as_str().map(str::to_owned),
        region: json["region"].as_str().unwrap().to_owned(),
        service: json["service"].as_str().unwrap().to_owned(),
        now: json["timestamp"].as_str().unwrap().parse().unwrap(),
        options: VerifyOptions {
            normalize_path: json["normalize"].as_bool().unwrap(),
            // Like aws-sigv4 (which skips this case), the suite single-encodes
            // this one path; every other case double-encodes.
            path_encoding: if name == "get-space-normalized" {
                PathEncoding::Single
            } else {
                PathEncoding::Double
            },
            allow_unsigned_payload: false,
        },
    }
}

/// Checks one signed variant; returns the problems found.
fn check_variant(case: &Path, name: &str, prefix: &str, ctx: &Context) -> Vec<String> {
    let mut problems = Vec::new();
    let label = format!("{name} ({prefix})");
    let request = OwnedRequest::from_suite(&read(case, &format!("{prefix}-signed-request.txt")));
    let cache = SigningKeyCache::new(16);
    let signed = match request.with_parts(warden_sigv4::parse) {
        Ok(Some(signed)) => signed,
        other => return vec![format!("{label}: parse gave {other:?}")],
    };
    let expected_location = if prefix == "header" {
        AuthLocation::Header
    } else {
        AuthLocation::Query
    };
    if signed.location != expected_location {
        problems.push(format!("{label}: location {:?}", signed.location));
    }
    let scope = &signed.scope;
    if (
        scope.access_key_id.as_str(),
        scope.region.as_str(),
        scope.service.as_str(),
    ) != (
        ctx.access_key_id.as_str(),
        ctx.region.as_str(),
        ctx.service.as_str(),
    ) {
        problems.push(format!("{label}: scope {scope:?}"));
    }
    if signed.session_token != ctx.token {
        problems.push(format!("{label}: session token {:?}", signed.session_token));
    }
    // post-sts-header-after signs the query before the token is added: its
    // canonical request is that of the query without the token.
    let mut as_signed = request.clone();
    if name == "post-sts-header-after" && prefix == "query" {
        as_signed.query = as_signed
            .query
            .split('&')
            .filter(|pair| !pair.starts_with("X-Amz-Security-Token="))
            .collect::<Vec<_>>()
            .join("&");
    }
    let canonical = as_signed
        .with_parts(|parts| canonical_request(&signed, parts, ctx.options))
        .unwrap();
    let expected_canonical = read(case, &format!("{prefix}-canonical-request.txt"));
    if canonical != expected_canonical {
        problems.push(format!(
            "{label}: canonical request\n--- ours\n{canonical}\n--- suite\n{expected_canonical}"
        ));
    }
    let sts = string_to_sign(&signed, &canonical);
    let expected_sts = read(case, &format!("{prefix}-string-to-sign.txt"));
    if sts != expected_sts {
        problems.push(format!(
            "{label}: string to sign\n{sts}\n--- suite\n{expected_sts}"
        ));
    }
    let expected_signature = read(case, &format!("{prefix}-signature.txt"));
    if hex::encode(signed.signature) != expected_signature.trim() {
        problems.push(format!("{label}: signature field"));
    }
    let secret = ctx.secret.as_bytes();
    if let Err(err) = request.check(secret, ctx.now, ctx.options, &cache) {
        problems.push(format!("{label}: verify failed: {err:?}"));
    }
    // Cached key path gives the same answer.
    if let Err(err) = request.check(secret, ctx.now, ctx.options, &cache) {
        problems.push(format!("{label}: verify (warm cache) failed: {err:?}"));
    }
    if request
        .check(b"wrong-secret", ctx.now, ctx.options, &cache)
        .is_ok()
    {
        problems.push(format!("{label}: verified with the wrong secret"));
    }
    let token_unsigned = name == "post-sts-header-after" && prefix == "query";
    for (what, tampered) in tampered_variants(&request, &signed.signed_headers, token_unsigned) {
        if tampered.check(secret, ctx.now, ctx.options, &cache).is_ok() {
            problems.push(format!(
                "{label}: still verifies after tampering with {what}"
            ));
        }
    }
    problems
}

#[test]
fn every_suite_case_verifies_and_rejects_tampering() {
    let mut names: Vec<String> = std::fs::read_dir(suite_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 40, "suite cases: {names:?}");
    let mut problems = Vec::new();
    let mut checked = 0;
    for name in &names {
        let case = suite_dir().join(name);
        if !case.join("context.json").exists() {
            continue;
        }
        let ctx = context(&case, name);
        for prefix in ["header", "query"] {
            problems.extend(check_variant(&case, name, prefix, &ctx));
            checked += 1;
        }
    }
    assert_eq!(checked, 76, "38 cases with context, header and query each");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// `double-url-encode` has no context.json: lambda, us-east-2, signed at its X-Amz-Date.
#[test]
fn double_url_encode_case_verifies() {
    let case = suite_dir().join("double-url-encode");
    let request = OwnedRequest::from_suite(&read(&case, "header-signed-request.txt"));
    let signed = request.with_parts(warden_sigv4::parse).unwrap().unwrap();
    let options = VerifyOptions::default();
    let canonical = request
        .with_parts(|parts| canonical_request(&signed, parts, options))
        .unwrap();
    assert_eq!(canonical, read(&case, "header-canonical-request.txt"));
    assert_eq!(
        string_to_sign(&signed, &canonical),
        read(&case, "header-string-to-sign.txt").trim_end()
    );
    let now: jiff::Timestamp = "2021-05-11T15:40:45Z".parse().unwrap();
    let cache = SigningKeyCache::new(4);
    request
        .check(DEFAULT_SECRET.as_bytes(), now, options, &cache)
        .unwrap();
    for (what, tampered) in tampered_variants(&request, &signed.signed_headers, false) {
        assert!(
            tampered
                .check(DEFAULT_SECRET.as_bytes(), now, options, &cache)
                .is_err(),
            "still verifies after tampering with {what}"
        );
    }
}

/// `double-encode-path`'s files disagree on the date, so only its canonical URI is a golden.
#[test]
fn double_encode_path_canonical_uri() {
    let case = suite_dir().join("double-encode-path");
    let mut request = OwnedRequest::from_suite(&read(&case, "request.txt"));
    request.headers.push((
        "Authorization".into(),
        "AWS4-HMAC-SHA256 Credential=ANOTREAL/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000".into(),
    ));
    let signed = request.with_parts(warden_sigv4::parse).unwrap().unwrap();
    let canonical = request
        .with_parts(|parts| canonical_request(&signed, parts, VerifyOptions::default()))
        .unwrap();
    let expected = read(&case, "header-canonical-request.txt");
    assert_eq!(canonical.lines().nth(1), expected.lines().nth(1));
    assert_eq!(
        canonical.lines().nth(1),
        Some("/test/%40connections/JBDvjfGEIAMCERw%253D")
    );
}
